"""Decoded designs -> files a designer can use: PNG pictures and meshes (and, re-exported
here for the callers that import them from this module, the meshes' extraction and the sidecars).

The model works in "ink" (images: background 0, shape bright) and occupancy
probabilities (meshes: an R^3 grid indexed ``[x, y, z]``).  This module turns
those back into what the designer handed in:

* **Images** go back to the look of the source collection with
  :func:`core.ingest.images.ink_to_image` and the collection's background colour.
* **Meshes** are extracted by :func:`.mesh.mesh_from_probs` and written as STL, OBJ,
  PLY or GLB.
* **Sidecars** (:mod:`.sidecar`) are small JSON files beside each export holding what
  is needed to reproduce it exactly.

Every file is written atomically (:func:`core.fsio.atomic_write_bytes`):
a crash or a full disk during an export leaves any previous file intact.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np

from ..errors import UserError
from .mesh import mesh_from_probs
from .sidecar import read_sidecar, sidecar, sidecar_path, write_sidecar
from .writing import write_bytes

__all__ = ["MESH_FORMATS", "image_from_probs", "mesh_format", "mesh_from_probs", "read_sidecar", "sidecar",
           "sidecar_path", "write_mesh", "write_png", "write_sidecar"]

MESH_FORMATS = ("stl", "obj", "ply", "glb")


# --------------------------------------------------------------------------- images


def image_from_probs(probs: np.ndarray, background=(1.0, 1.0, 1.0)) -> np.ndarray:
    """Decoder output -> RGB uint8 picture (R, R, 3) in the source collection's look.

    ``probs`` is float ink in [0, 1], shaped (C, R, R) with C = 1 (grey) or
    3 (colour), or (R, R).  ``background`` is the collection's background
    colour in 0..1 (an item's ``meta["background"]``): for white paper the
    shape comes out dark on white.
    """
    a = np.nan_to_num(np.asarray(probs, dtype=np.float32), nan=0.0)
    if a.ndim == 3:
        if a.shape[0] == 1:
            a = a[0]
        elif a.shape[0] == 3:
            a = np.moveaxis(a, 0, -1)
        else:
            raise ValueError(f"image probs must have 1 or 3 channels, got shape {a.shape}")
    elif a.ndim != 2:
        raise ValueError(f"image probs must be (C, R, R) or (R, R), got shape {a.shape}")
    ink = np.round(np.clip(a, 0.0, 1.0) * 255.0).astype(np.uint8)
    from ..ingest.images import ink_to_image

    return ink_to_image(ink, background)


def write_png(rgb: np.ndarray, path, scale: int = 1, resample: str = "lanczos") -> None:
    """Write an RGB (or grey / RGBA) uint8 picture as PNG, atomically.

    ``scale`` > 1 enlarges it by that integer factor, with ``resample``
    "lanczos" (smooth edges, the default: decoded designs are small) or
    "nearest" (crisp pixel blocks).
    """
    from PIL import Image

    arr = np.asarray(rgb)
    if arr.dtype != np.uint8:
        arr = np.clip(np.round(arr), 0, 255).astype(np.uint8)
    if arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[..., 0]
    img = Image.fromarray(np.ascontiguousarray(arr))
    scale = int(scale)
    if scale < 1:
        raise UserError(f"image scale must be a whole number of at least 1, not {scale}")
    if scale > 1:
        filters = {"lanczos": Image.Resampling.LANCZOS, "nearest": Image.Resampling.NEAREST}
        if resample not in filters:
            raise UserError(f"unknown resampling '{resample}' (use lanczos or nearest)")
        img = img.resize((img.width * scale, img.height * scale), filters[resample])
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=False)
    write_bytes(Path(path), buf.getvalue())


# --------------------------------------------------------------------------- meshes


def mesh_format(path, fmt: str | None = None) -> str:
    """The mesh format to write: ``fmt`` or the file extension; UserError if unknown."""
    name = (fmt or Path(path).suffix.lstrip(".")).lower().lstrip(".")
    if name not in MESH_FORMATS:
        shown = name or "(no extension)"
        raise UserError(f"unknown mesh format '{shown}' for {Path(path).name} (use stl, obj, ply or glb)")
    return name


def write_mesh(mesh, path, fmt: str | None = None) -> None:
    """Write a mesh as STL, OBJ, PLY or GLB (``fmt``, else from the extension), atomically.

    The mesh is exported to bytes first and then written via a temporary file
    and a rename.  OBJ and PLY keep shared vertices; STL stores triangle soup
    (readers merge the vertices back).
    """
    name = mesh_format(path, fmt)
    data = mesh.export(file_type=name)
    if isinstance(data, str):
        data = data.encode("utf-8")
    write_bytes(Path(path), data)
