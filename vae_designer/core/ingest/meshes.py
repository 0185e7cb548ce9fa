"""One mesh file -> triangles, validated and normalised into the unit cube.

Loading is trimesh with processing off (no merging, no repair): that is the
fast path, and voxelization does not need a clean mesh.  glTF/GLB scenes are
flattened with their node transforms.  The original bounding-box centre and
size are kept so that designs can later be exported back in source units.
"""

from __future__ import annotations

import logging
import os
import warnings

import numpy as np

from ..errors import SkipFile

# trimesh logs loader tracebacks (missing textures, odd headers) at ERROR level;
# those are not the user's business -- the skip reason says what went wrong.
logging.getLogger("trimesh").setLevel(logging.CRITICAL)

import trimesh  # noqa: E402  (after silencing its logger)

MAX_FACES = 5_000_000


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return (text[0][:160] if text else "") or type(exc).__name__


def load_triangles(path: str) -> np.ndarray:
    """Return float64 (F, 3, 3) triangles of every face in the file, transforms applied."""
    if os.path.getsize(path) == 0:
        raise SkipFile("empty file")
    ext = os.path.splitext(path)[1].lower().lstrip(".")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            loaded = trimesh.load(path, file_type=ext, process=False, skip_materials=True)
    except SkipFile:
        raise
    except MemoryError:
        raise SkipFile("file too large to load") from None
    except Exception as exc:  # noqa: BLE001 - trimesh raises anything from ValueError to struct.error
        raise SkipFile(f"unreadable {ext.upper()} ({_one_line(exc)})") from None

    if isinstance(loaded, trimesh.Scene):
        parts = []
        for node in loaded.graph.nodes_geometry:
            transform, geom_name = loaded.graph[node]
            geom = loaded.geometry.get(geom_name)
            if isinstance(geom, trimesh.Trimesh) and len(geom.faces):
                parts.append(_triangles(geom, transform))
        if not parts:
            if any(isinstance(g, trimesh.PointCloud) for g in loaded.geometry.values()):
                raise SkipFile("point cloud only: no faces to voxelize")
            if any(hasattr(g, "entities") for g in loaded.geometry.values()):
                raise SkipFile("lines only: no faces to voxelize")
            raise SkipFile("empty mesh: no faces")
        tris = np.concatenate(parts, axis=0)
    elif isinstance(loaded, trimesh.Trimesh):
        if len(loaded.faces) == 0:
            if len(loaded.vertices):
                raise SkipFile("point cloud only: no faces to voxelize")
            raise SkipFile("empty mesh: no faces")
        tris = _triangles(loaded, None)
    elif isinstance(loaded, trimesh.PointCloud):
        raise SkipFile("point cloud only: no faces to voxelize")
    else:
        raise SkipFile(f"no surface in file ({type(loaded).__name__})")

    if len(tris) > MAX_FACES:
        raise SkipFile(f"too many faces ({len(tris):,}; limit {MAX_FACES:,})")
    if not np.isfinite(tris).all():
        raise SkipFile("vertex coordinates are not finite (NaN or infinity)")
    extent = np.ptp(tris.reshape(-1, 3), axis=0)
    if float(extent.max()) <= 0.0:
        raise SkipFile("degenerate mesh: all vertices at one point")
    return tris


def _triangles(mesh: trimesh.Trimesh, transform) -> np.ndarray:
    vertices = np.asarray(mesh.vertices, dtype=np.float64)
    faces = np.asarray(mesh.faces)
    if faces.ndim != 2 or faces.shape[1] != 3:
        raise SkipFile("faces are not triangles")
    if faces.size and (faces.min() < 0 or faces.max() >= len(vertices)):
        raise SkipFile("faces refer to vertices that do not exist")
    if transform is not None and not np.allclose(transform, np.eye(4)):
        vertices = vertices @ transform[:3, :3].T + transform[:3, 3]
    return vertices[faces]


def normalise(tris: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Centre the bounding box at the origin and scale its largest side to 1.

    Returns (triangles in [-0.5, 0.5]^3, original centre (3,), original size).
    """
    pts = tris.reshape(-1, 3)
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    centre = (lo + hi) / 2.0
    size = float((hi - lo).max())
    return (tris - centre) / size, centre, size
