"""Shared fixtures: an isolated cache directory and a tiny mesh folder (helpers: tests/helpers.py)."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import box_mesh


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("VAE_DESIGNER_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture
def mesh_folder(tmp_path):
    """A small mesh design folder: two labels of boxes with different proportions."""
    root = tmp_path / "meshes"
    rng = np.random.default_rng(0)
    for label in ("long", "tall"):
        (root / label).mkdir(parents=True)
        for i in range(3):
            e = rng.uniform(0.3, 0.5, 3)
            e[0 if label == "long" else 2] = 1.0
            box_mesh(tuple(e)).export(root / label / f"{label}_{i}.stl")
    return root
