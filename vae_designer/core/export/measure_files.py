"""Measuring design files: exported pictures, outlines and meshes, and the sidecars beside them.

What ``vae-designer measure FILE`` prints, what every sidecar records (the export
is measured as written: :func:`measure_written`) and what ``sample --where``
checks before it keeps a design.  Properties and units as in :mod:`.measure`:

* **PNG** -- the shape is what differs from the paper (the border's colour, as at
  ingestion); anti-aliased edge pixels count by their coverage, so area, bounding box
  and centroid are sub-pixel.  With its sidecar beside it the picture's square is
  the sidecar's frame (the source canvas ``size`` at ``centre``): source pixels;
  without one, the file's own pixels.
* **SVG / DXF** -- the loops of the outline, in source pixels (DXF is y up; with
  the sidecar its y is turned back down).
* **Meshes** (STL, OBJ, PLY, OFF, GLB/glTF) -- trimesh, in the file's own units.
* **A sidecar** (``.json``) -- the design file it sits beside.

Anything else is a :class:`UserError` with one line.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np

from ..errors import UserError
from .measure import empty_properties, loops_moments, measure_mesh, property_names

MESH_SUFFIXES = ("stl", "obj", "ply", "off", "glb", "gltf")
IMAGE_SUFFIXES = ("png", "svg", "dxf")
_PAPER = 0.04  # ink below this is paper (a PNG's rounding, a JPEG's noise)
_TONE_NEAR = 0.04  # a pixel within this of one of the design's tones is filled with it


def measured_fields(frame: dict) -> dict:
    """The sidecar's ``measured`` object: what the properties' numbers mean."""
    out = {"on": "the exported file", "units": frame.get("units", "")}
    if frame["kind"] == "image":
        out.update(size=float(frame["size"]), centre=[float(c) for c in frame["centre"]])
    else:
        out["frontal_axis"] = frame.get("axis", "x")
    return out


def measure_written(path, fmt: str, frame: dict, export: dict | None = None) -> dict[str, float]:
    """The properties of a design file just written (``export``: its sidecar's export object)."""
    path = Path(path)
    if frame["kind"] == "mesh":
        return measure_mesh(_load_mesh(path), frame.get("axis", "x"))
    tones = (export or {}).get("tones") or frame.get("tones") or [1.0]
    return _measure_image_file(path, fmt, frame["size"], frame["centre"], tones)


def measure_file(path, axis: str = "x") -> dict:
    """Measure a design file or the file a sidecar describes: ``{"file", "kind", "units",
    "properties": {name: float}}`` (see the module docstring)."""
    path = Path(path)
    if path.is_dir():
        raise UserError(f"{path}: a folder, not a design file, a sidecar or a project")
    if not path.is_file():
        raise UserError(f"{path}: no such file")
    suffix = path.suffix.lower().lstrip(".")
    if suffix == "json":
        from .sidecar import read_sidecar

        side = read_sidecar(path)
        fmt = side["export"]["format"]
        design = path.with_suffix("." + fmt)
        if not design.is_file():
            raise UserError(f"{path.name}: the {fmt.upper()} file it describes ({design.name}) is not beside it")
        return measure_file(design, axis)
    side = _sidecar_beside(path)
    if suffix in MESH_SUFFIXES:
        axis = (side or {}).get("measured", {}).get("frontal_axis", axis)
        units = (side or {}).get("measured", {}).get("units", "the file's units")
        return {"file": str(path), "kind": "mesh", "units": units, "frontal_axis": axis,
                "properties": measure_mesh(_load_mesh(path), axis)}
    if suffix not in IMAGE_SUFFIXES:
        raise UserError(f"{path.name}: not a design file that can be measured (use "
                        f"{', '.join(s.upper() for s in IMAGE_SUFFIXES + MESH_SUFFIXES)} or a sidecar .json)")
    measured = (side or {}).get("measured", {})
    export = (side or {}).get("export", {})
    if "size" in measured:
        props = _measure_image_file(path, suffix, measured["size"], measured["centre"], export.get("tones") or [1.0])
        units = measured.get("units", "source pixels")
    else:
        props = _measure_image_file(path, suffix, None, None, [1.0])
        units = "pixels of the file" if suffix == "png" else "the file's units"
    return {"file": str(path), "kind": "image", "units": units, "properties": props}


def _sidecar_beside(path: Path) -> dict | None:
    side = path.with_suffix(".json")
    if not side.is_file():
        return None
    try:
        data = json.loads(side.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    ok = isinstance(data, dict) and data.get("app") == "vae-designer" and isinstance(data.get("export"), dict)
    return data if ok and data["export"].get("format") == path.suffix.lower().lstrip(".") else None


def _load_mesh(path: Path) -> np.ndarray:
    """The file's triangles (F, 3, 3), scenes flattened, as ingestion reads them."""
    from ..errors import SkipFile
    from ..ingest.meshes import load_triangles

    try:
        return load_triangles(str(path))
    except SkipFile as exc:
        raise UserError(f"{path.name}: {exc}") from None


# ----------------------------------------------------------------------------------- pictures
def _measure_image_file(path: Path, fmt: str, size, centre, tones) -> dict[str, float]:
    if fmt == "png":
        return _measure_png(path, size, centre, tones)
    text = _read_text(path)
    loops, depths = _svg_loops(text) if fmt == "svg" else _dxf_loops(text)
    flip = fmt == "dxf"
    if not loops:
        return empty_properties("image")
    if flip and size is not None:  # DXF is y up: back to the pictures' y down
        loops = [np.column_stack([xy[:, 0], float(size) - xy[:, 1]]) for xy in loops]
    pts = np.concatenate(loops)
    (x0, y0), (x1, y1) = pts.min(axis=0), pts.max(axis=0)
    area, cx, cy = loops_moments(loops, depths)
    off = np.zeros(2) if size is None else np.asarray(centre, np.float64) - float(size) / 2
    w, h = float(x1 - x0), float(y1 - y0)
    return {"width": w, "height": h, "aspect": w / h if h > 0 else float("nan"), "area": area,
            "centroid_x": float(off[0] + cx), "centroid_y": float(off[1] + cy)}


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read {path.name}: {exc}") from None


def _measure_png(path: Path, size, centre, tones) -> dict[str, float]:
    """Coverage of each pixel by the shape: 1 inside (every neighbour inked, or the pixel at one of
    the design's tones), else its ink over the tone filling the shape next to it (the strongest
    inside pixel within two, or the design's tone nearest above the strongest ink around)."""
    from PIL import Image
    from scipy import ndimage

    from ..ingest.images import background_and_ink, to_float_rgba

    try:
        with Image.open(path) as img:
            img.load()
            rgba = to_float_rgba(img)
    except (OSError, ValueError) as exc:
        raise UserError(f"{path.name}: not a readable picture ({exc})") from None
    _, ink = background_and_ink(rgba)
    strength = ink.max(axis=-1).astype(np.float64)
    tones = np.sort(np.asarray(tones, np.float64))
    lo = ndimage.minimum_filter(strength, size=3)
    at_tone = np.min(np.abs(strength[..., None] - tones), axis=-1) < _TONE_NEAR
    inside = (lo > _PAPER) | at_tone
    fill = ndimage.maximum_filter(np.where(inside, strength, 0.0), size=5)
    hi = ndimage.maximum_filter(strength, size=3)
    above = tones[np.minimum(np.searchsorted(tones, hi - _TONE_NEAR), len(tones) - 1)]
    fill = np.where(fill > _PAPER, fill, np.maximum(above, hi))
    cov = np.where(inside, 1.0, np.clip(strength / np.maximum(fill, 1e-6), 0.0, 1.0))
    cov[strength < _PAPER] = 0.0
    H, W = cov.shape
    if not cov.any():
        return empty_properties("image")
    s = 1.0 if size is None else float(size) / W
    off = np.zeros(2) if size is None else np.asarray(centre, np.float64) - float(size) / 2
    (x0, x1), (y0, y1) = _cover_extent(cov.max(axis=0)), _cover_extent(cov.max(axis=1))
    area = float(cov.sum())
    cx = float((cov.sum(axis=0) * (np.arange(W) + 0.5)).sum() / area)
    cy = float((cov.sum(axis=1) * (np.arange(H) + 0.5)).sum() / area)
    w, h = (x1 - x0) * s, (y1 - y0) * s
    return {"width": w, "height": h, "aspect": w / h if h > 0 else float("nan"), "area": area * s * s,
            "centroid_x": float(off[0] + cx * s), "centroid_y": float(off[1] + cy * s)}


def _cover_extent(profile: np.ndarray) -> tuple[float, float]:
    """First and last edge of a coverage profile, the end pixels counted by their coverage."""
    on = np.flatnonzero(profile > 0)
    first, last = int(on[0]), int(on[-1])
    return first + 1.0 - float(profile[first]), last + float(profile[last])


_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"


def _svg_loops(text: str) -> tuple[list[np.ndarray], list[int]]:
    """The loops of the design's path (``id="design"``, our SVGs) or of every path, with depths."""
    paths = re.findall(r'<path\b[^>]*\bid="design"[^>]*\bd="([^"]*)"', text) or \
        re.findall(r'<path\b[^>]*\bd="([^"]*)"', text)
    loops = []
    for d in paths[:1]:
        for part in re.split(r"[Mm]", d):
            nums = [float(v) for v in re.findall(_NUMBER, part)]
            if len(nums) >= 6:
                loops.append(np.asarray(nums[: len(nums) // 2 * 2], np.float64).reshape(-1, 2))
    from .outline import Outline

    return loops, Outline(tuple(loops), 1).depths() if loops else []


def _dxf_loops(text: str) -> tuple[list[np.ndarray], list[int]]:
    """Closed polylines of an R12 DXF (ours: layer OUTLINE boundaries, HOLES holes)."""
    lines = [line.strip() for line in text.splitlines()]
    pairs = list(zip(lines[0::2], lines[1::2]))
    loops, depths, current, layer, x, vertex = [], [], None, "", None, False
    for code, value in pairs:
        if code == "0":
            vertex = value == "VERTEX" and current is not None
            if value == "POLYLINE":
                current, layer = [], ""
            elif value == "SEQEND" and current is not None:
                if len(current) >= 3:
                    loops.append(np.asarray(current, np.float64))
                    depths.append(1 if layer == "HOLES" else 0)
                current = None
        elif current is not None and not vertex and code == "8":
            layer = value
        elif vertex and code == "10":
            x = float(value)
        elif vertex and code == "20" and x is not None:
            current.append((x, float(value)))
            x = None
    if depths and not any(depths):  # not ours: nesting from the geometry
        from .outline import Outline

        depths = Outline(tuple(loops), 1).depths()
    return loops, depths


def property_table(result: dict) -> list[str]:
    """``measure``'s plain-text lines for one measured file."""
    props = result["properties"]
    names = [n for n in property_names(result["kind"]) if n in props]
    width = max(len(n) for n in names)
    return [f"{n:<{width}}  {_fmt(props[n])}" for n in names]


def _fmt(v: float) -> str:
    if v is None or not np.isfinite(v):
        return "–"
    a = abs(v)
    return f"{v:,.0f}" if a >= 1000 else (f"{v:.1f}" if a >= 100 else f"{v:.3g}" if a < 1 else f"{v:.2f}")
