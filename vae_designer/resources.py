"""Where the bundled resources (the app icon, the sample designs) live.

They are package data: ``vae_designer/assets/`` in the source tree (``icon.svg``, ``icon.png``,
``samples/cars-2d`` silhouettes and ``samples/cars-3d`` meshes, made by
``packaging/make_samples.py``), shipped inside the wheel (``pyproject.toml``'s package-data)
and found with :mod:`importlib.resources`, so an installed app has them without the checkout.

The sample folders are opened like any design folder the user picks (ingestion walks them, the
project manifest records their path), so they must be real directories.  Every normal install --
editable, a wheel unpacked into site-packages, a PyInstaller folder -- keeps package data as
files, and :func:`assets_dir` is then that directory.  A zipped install has no such directory;
there the assets are copied once into the user cache (``as_file``) and that copy is used.
"""

from __future__ import annotations

import atexit
import contextlib
from functools import lru_cache
from importlib import resources
from pathlib import Path

SAMPLES = {"image": "cars-2d", "mesh": "cars-3d"}
_KEEP = contextlib.ExitStack()
atexit.register(_KEEP.close)


@lru_cache(maxsize=1)
def assets_dir() -> Path:
    """The directory of the bundled assets (see the module docstring)."""
    root = resources.files("vae_designer") / "assets"
    if isinstance(root, Path) and root.is_dir():
        return root
    return Path(_KEEP.enter_context(resources.as_file(root)))  # not a plain directory: a real copy


def resource(name: str) -> Path:
    """A bundled file by name, e.g. ``resource("icon.svg")``."""
    return assets_dir() / name


def sample_folder(kind: str = "image") -> Path:
    """The bundled sample design folder for ``kind`` ('image' or 'mesh')."""
    return assets_dir() / "samples" / SAMPLES[kind]
