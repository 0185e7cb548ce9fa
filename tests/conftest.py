"""Shared fixtures: an isolated cache directory and generators of tiny design files."""

from __future__ import annotations

import os
import struct
import zlib
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("VAE_DESIGNER_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


def shared_data(name: str) -> Path:
    path = SHARED_DATA / name
    if not path.is_dir():
        pytest.skip(f"../shared/data/{name} is not available")
    return path


def save_silhouette(path: Path, size=(120, 80), box=(20, 30, 80, 50), fg=0, bg=255, mode="L", **save):
    """A filled rectangle of colour ``fg`` on ``bg``; ``box`` = (x0, y0, x1, y1)."""
    from PIL import Image, ImageDraw

    img = Image.new(mode, size, bg)
    ImageDraw.Draw(img).rectangle(box, fill=fg)
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path, **save)
    return path


def box_mesh(extents=(1.0, 0.6, 0.4), centre=(0, 0, 0)):
    import trimesh

    m = trimesh.creation.box(extents)
    m.apply_translation(centre)
    return m


def bomb_png(path: Path, width=30000, height=30000) -> Path:
    """A tiny PNG whose header claims an enormous canvas (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b""))
    return path


def hostile_files(folder: Path) -> dict[str, str]:
    """Write one file of every hostile kind into ``folder``; return {name: expected reason word}."""
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    (folder / "empty.stl").write_bytes(b"")
    out["empty.stl"] = "empty"
    good = box_mesh().export(file_type="stl")
    (folder / "truncated.stl").write_bytes(good[: len(good) // 3])
    out["truncated.stl"] = ""
    (folder / "notes.txt").write_text("not a design")
    out["notes.txt"] = "not a design file"
    (folder / "picture.stl").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(200))
    out["picture.stl"] = ""
    (folder / "points.ply").write_text(
        "ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nproperty float y\n"
        "property float z\nend_header\n0 0 0\n1 0 0\n0 1 0\n")
    out["points.ply"] = "point cloud"
    (folder / "nan.obj").write_text("v 0 0 0\nv 1 0 0\nv nan 1 0\nv 0 0 1\nf 1 2 3\nf 1 2 4\nf 1 3 4\nf 2 3 4\n")
    out["nan.obj"] = "not finite"
    header = b"binary stl".ljust(80, b" ")
    (folder / "lying_header.stl").write_bytes(header + struct.pack("<I", 5000) + b"\x00" * 50 * 2)
    out["lying_header.stl"] = ""
    (folder / "garbage.glb").write_bytes(b"glTF" + struct.pack("<II", 2, 999) + os.urandom(64))
    out["garbage.glb"] = ""
    return out


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
