"""Measured properties of designs in source units: what a designer sets constraints on.

Each design kind has a few properties (:data:`PROPERTIES`), measured in the units
of the designs that were handed in:

* **images** -- ``width``, ``height`` (of the shape's bounding box), ``aspect``
  (width / height), ``area`` and the centroid ``centroid_x``, ``centroid_y``, in
  the pixels of the source images: the model's R x R square covers ``size`` of them
  (an item's own canvas, or for a decoded design the collection's typical one,
  ``manifest["typical_size"]``), placed at ``centre`` (the median canvas centre of
  the items), y down as in the pictures.
* **meshes** -- ``length``, ``width``, ``height`` (the bounding box along x, y, z),
  ``volume``, ``surface_area`` and ``frontal_area``: the area of the shape's shadow
  looking along the frame's axis (x by default: a vehicle's front, what drag scales
  with), in the source meshes' units (the typical size, as exports are written).

How a design is measured is a *frame* (:func:`frame_of`): the kind, the size and
centre of the model's square in source units, the levels where the shape begins
(silhouettes: the crisp outline's, see :func:`.crisp.tone_outlines`; meshes: the
surface level) and the frontal axis.

Two measurements of decoded probabilities, one frame:

* :func:`measure_design` -- *exact*: the geometry exports are written from (the
  crisp outline; the refined, smoothed export mesh with :func:`measure_mesh`).
* :func:`measure_fields` -- *fast*, vectorised over a batch (thousands of designs a
  second): the same level sets on the raw grid, edges and extents interpolated to
  sub-pixel precision.  What the map's shading, the snap's search and the training
  set use; within about one per cent of the exact figures
  (``tests/test_measure.py``).

Files (exported PNG/SVG/DXF and meshes, sidecars) are measured by :mod:`.measure_files`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import UserError

AXES = ("x", "y", "z")


@dataclass(frozen=True)
class Property:
    """One measured property: ``dim`` is how it scales with length (0 ratio, 1 length, 2 area, 3 volume)."""

    name: str
    dim: int
    doc: str


PROPERTIES: dict[str, tuple[Property, ...]] = {
    "image": (
        Property("width", 1, "width of the shape's bounding box"),
        Property("height", 1, "height of the shape's bounding box"),
        Property("aspect", 0, "width / height"),
        Property("area", 2, "area of the shape (holes left out)"),
        Property("centroid_x", 1, "x of the shape's centroid in the source image"),
        Property("centroid_y", 1, "y of the shape's centroid in the source image (down)"),
    ),
    "mesh": (
        Property("length", 1, "bounding box along x"),
        Property("width", 1, "bounding box along y"),
        Property("height", 1, "bounding box along z"),
        Property("volume", 3, "enclosed volume"),
        Property("surface_area", 2, "area of the surface"),
        Property("frontal_area", 2, "area of the shadow looking along the frontal axis"),
    ),
}


def property_names(kind: str) -> tuple[str, ...]:
    return tuple(p.name for p in PROPERTIES[kind])


def property_of(kind: str, name: str) -> Property:
    for p in PROPERTIES[kind]:
        if p.name == name:
            return p
    raise UserError(f"unknown property {name!r} for {kind} designs: use {', '.join(property_names(kind))}")


def unit_text(frame: dict, name: str) -> str:
    """The unit of a property in this frame: 'px', 'px²', '' (aspect); meshes 'units', 'units²'..."""
    dim = property_of(frame["kind"], name).dim
    base = "px" if frame["kind"] == "image" else "units"
    return "" if dim == 0 else base + {1: "", 2: "²", 3: "³"}[dim]


# ----------------------------------------------------------------------------------- frames
def frame_of(kind: str, manifest: dict | None, axis: str = "x", resolution: int | None = None) -> dict:
    """How a project's decoded designs are measured (see the module docstring).  Without a
    manifest (a model not saved yet) lengths are in model pixels or voxels."""
    from .crisp import tone_bands
    from .design import project_look

    m = manifest or {}
    if axis not in AXES:
        raise UserError(f"the frontal axis is x, y or z, not {axis!r}")
    R = int(m.get("resolution") or resolution or 64)
    if kind == "image":
        size = float(m.get("typical_size", R))
        centres = [it["meta"]["centre"] for it in m.get("items", []) if "centre" in it.get("meta", {})]
        centre = [float(v) for v in np.median(centres, axis=0)] if centres else [size / 2, size / 2]
        silhouette = bool(m) and project_look(m) == "silhouette"
        tones = [float(t) for t in (m.get("image_tones") or [1.0])] if silhouette else [1.0]
        return {"kind": "image", "size": size, "centre": centre, "tones": tones,
                "level": tone_bands(tones)[0][0], "units": "source pixels" if m else "model pixels"}
    margin = int(m.get("settings", {}).get("mesh_margin_voxels", 1))
    return {"kind": "mesh", "size": float(m.get("typical_size", 1.0)), "margin": margin, "level": 0.5,
            "axis": axis, "units": "source units" if m else "unit box"}


def item_frames(frame: dict, metas: list[dict]) -> tuple[np.ndarray, np.ndarray]:
    """Each item's own ``size`` (N,) and ``centre`` (N, 2) (images) from its manifest meta; the
    frame's where an item has none."""
    sizes = np.array([float(m.get("size", frame["size"])) for m in metas], np.float64)
    centre = frame.get("centre", [0.0, 0.0])
    centres = np.array([m.get("centre", centre)[:2] if frame["kind"] == "image" else centre for m in metas],
                       np.float64).reshape(len(metas), 2)
    return sizes, centres


# ----------------------------------------------------------------------------------- fast, vectorised
def shape_field(kind: str, probs: np.ndarray, frame: dict) -> np.ndarray:
    """Decoded probabilities (B, C, R, R) / (B, 1, R, R, R) -> the field whose 0.5 level set is the
    shape: (B, R, R) or (B, R, R, R).  Silhouettes of several tones get the crisp outline's local
    level (``crisp.tone_outlines``); other images the strongest channel at the first band's level."""
    from scipy import ndimage

    if kind == "mesh":  # float32: a batch of grids is big, and a level set needs no more
        p = np.nan_to_num(np.asarray(probs, np.float32), nan=0.0)
        p = p.reshape(p.shape[0], *p.shape[-3:])
        level = float(frame.get("level", 0.5))
        return np.stack([_without_specks(q, level) for q in p]) - np.float32(level - 0.5)
    p = np.nan_to_num(np.asarray(probs, np.float64), nan=0.0)
    p = p.max(axis=1) if p.ndim == 4 else p
    tones = frame.get("tones") or [1.0]
    if len(tones) == 1:
        return p - float(frame["level"]) + 0.5
    from .crisp import tone_bands

    tone = tone_bands(tones)[0][1]
    levels = np.array([0.0, *sorted(tones)])

    def snapped(v):
        return levels[np.argmin(np.abs(v[..., None] - levels), axis=-1)]

    hi = snapped(ndimage.maximum_filter(p, size=(1, 3, 3)))
    lo = snapped(ndimage.minimum_filter(p, size=(1, 3, 3)))
    level = np.where(lo >= tone, 0.0, np.where(hi < tone, 1.0, 0.5 * (lo + hi)))
    return p - ndimage.gaussian_filter(level, (0, 0.5, 0.5), mode="nearest") + 0.5


def _without_specks(p: np.ndarray, level: float) -> np.ndarray:
    """A grid without the specks the export mesh leaves out (``mesh.mesh_from_probs``): blobs above the
    level smaller than its ``min_component_voxels`` (the largest always stays) fall to 0."""
    from .mesh import without_specks as specks

    return specks(p, level, 4) if (p > level).any() else p


def _fractions(g: np.ndarray) -> np.ndarray:
    """Per cell, the share inside the 0.5 level set of ``g`` (B, ...): 0.5 + (g - 0.5) / |grad g|,
    clipped -- exact for a straight edge through a linear field."""
    grads = np.gradient(g, axis=tuple(range(1, g.ndim)))
    mag = np.sqrt(sum(d * d for d in grads))
    return np.clip(0.5 + (g - 0.5) / np.maximum(mag, 1e-3), 0.0, 1.0).astype(np.float64)


def _peak_max(g: np.ndarray, axis: int) -> np.ndarray:
    """The maximum along ``axis`` with the peak refined by a parabola through the three samples around
    it: the field's maximum between the samples, not the largest sample."""
    gm = np.moveaxis(g, axis, -1)
    pad = np.pad(gm, [(0, 0)] * (gm.ndim - 1) + [(1, 1)], mode="edge")
    i = np.argmax(gm, axis=-1)[..., None] + 1
    a, b, c = (np.take_along_axis(pad, i + k, -1)[..., 0] for k in (-1, 0, 1))
    curve = 2 * b - a - c
    return b + np.where(curve > 1e-9, (a - c) ** 2 / (8 * np.maximum(curve, 1e-9)), 0.0)


def _profile(g: np.ndarray, axis: int) -> np.ndarray:
    """(B, R): the field's maximum over every spatial axis but ``axis`` (0-based, after the batch)."""
    out = g
    for a in sorted((a + 1 for a in range(g.ndim - 1) if a != axis), reverse=True):
        out = _peak_max(out, a)
    return out


def _extent(profile: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where a (B, R) profile first and last crosses 0.5, in cell-edge units (cell i covers [i, i+1)),
    on the Catmull-Rom spline through the cell centres; NaN where it never does.  Outside is 0."""
    p = np.pad(profile, ((0, 0), (2, 2)))
    n = p.shape[1]
    inside = p > 0.5
    found = inside.any(axis=1)
    rows = np.arange(len(p))
    first = np.argmax(inside, axis=1)
    last = n - 1 - np.argmax(inside[:, ::-1], axis=1)

    def cross(i_in, step):
        i_out = i_in - step
        p0, p1, p2, p3 = (p[rows, np.clip(i, 0, n - 1)] for i in (i_out - step, i_out, i_in, i_in + step))
        lo, hi = np.zeros(len(p)), np.ones(len(p))
        for _ in range(16):  # bisection on the segment (the spline is below 0.5 at 0, above at 1)
            t = 0.5 * (lo + hi)
            v = 0.5 * (2 * p1 + (p2 - p0) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t * t
                       + (3 * p1 - p0 - 3 * p2 + p3) * t * t * t)
            below = v < 0.5
            lo, hi = np.where(below, t, lo), np.where(below, hi, t)
        return (i_out - 2 + 0.5) + 0.5 * (lo + hi) * step

    return np.where(found, cross(first, 1), np.nan), np.where(found, cross(last, -1), np.nan)


def measure_fields(kind: str, probs: np.ndarray, frame: dict, names=None, sizes=None,
                   centres=None) -> dict[str, np.ndarray]:
    """The fast measurement of a batch of decoded designs (or of training items' data, 0..1):
    ``{name: (B,) float64}`` in the frame's units.  ``names``: the properties wanted (default
    all); ``sizes``/``centres``: per-design source frames (training items, :func:`item_frames`).
    An empty design measures 0 (NaN for its centroid and aspect)."""
    names = tuple(names or property_names(kind))
    for name in names:
        property_of(kind, name)
    g = shape_field(kind, probs, frame)
    B, R = g.shape[0], g.shape[-1]
    size = np.broadcast_to(np.asarray(frame["size"] if sizes is None else sizes, np.float64), (B,))
    if kind == "image":
        return _image_fields(g, size, frame, names, centres)
    span = R - 2 * int(frame.get("margin", 1))
    s = size / span  # source units per voxel
    out: dict[str, np.ndarray] = {}
    for name, axis in (("length", 0), ("width", 1), ("height", 2)):
        if name in names:
            lo, hi = _extent(_profile(g, axis))
            out[name] = np.nan_to_num(hi - lo) * s
    if "volume" in names:
        out["volume"] = _fractions(g).sum(axis=(1, 2, 3)) * s**3
    if "frontal_area" in names:
        shadow = g.max(axis=1 + AXES.index(frame.get("axis", "x")))
        out["frontal_area"] = _fractions(shadow).sum(axis=(1, 2)) * s**2
    if "surface_area" in names:
        out["surface_area"] = np.array([_grid_surface_area(gi) for gi in g]) * s**2
    return {n: out[n] for n in names}


def _image_fields(g, size, frame, names, centres) -> dict[str, np.ndarray]:
    R = g.shape[-1]
    s = size / R  # source pixels per model pixel
    frac = _fractions(g)
    area = frac.sum(axis=(1, 2))
    x0, x1 = _extent(_profile(g, 1))
    y0, y1 = _extent(_profile(g, 0))
    width, height = np.nan_to_num(x1 - x0) * s, np.nan_to_num(y1 - y0) * s
    centre = np.broadcast_to(np.asarray(frame["centre"] if centres is None else centres, np.float64), (len(g), 2))
    c = np.arange(R) + 0.5
    with np.errstate(invalid="ignore", divide="ignore"):
        cx = (frac.sum(axis=1) * c).sum(axis=1) / area
        cy = (frac.sum(axis=2) * c).sum(axis=1) / area
        values = {"width": width, "height": height, "aspect": np.where(height > 0, width / height, np.nan),
                  "area": area * s * s, "centroid_x": centre[:, 0] - size / 2 + cx * s,
                  "centroid_y": centre[:, 1] - size / 2 + cy * s}
    return {n: values[n] for n in names}


def _grid_surface_area(g: np.ndarray) -> float:
    """Surface area (in voxels²) of the 0.5 level set of one (R, R, R) field, by marching cubes."""
    from skimage import measure

    if not (g > 0.5).any():
        return 0.0
    verts, faces, _, _ = measure.marching_cubes(np.pad(g, 1), 0.5)
    return float(measure.mesh_surface_area(verts, faces))


# ----------------------------------------------------------------------------------- exact
def measure_design(kind: str, probs: np.ndarray, frame: dict, names=None) -> dict[str, float]:
    """The exact properties of one decoded design: measured on the geometry its export is written
    from (the crisp outline; the export mesh).  ``{name: float}`` in the frame's units (``names``:
    at least these; a mesh's frontal area, the slowest, only when asked or by default)."""
    if kind == "image":
        from .crisp import tone_outlines
        from .outline import outline_from_probs

        p = np.asarray(probs, np.float64)
        p = p.max(axis=0) if p.ndim == 3 else p
        tones = frame.get("tones") or [1.0]
        shape = tone_outlines(p, tones)[0] if len(tones) > 1 else outline_from_probs(p, level=frame["level"])
        return outline_properties(shape, frame)
    from .mesh import mesh_from_probs

    grid = np.asarray(probs)
    grid = grid.reshape(grid.shape[-3:])
    if not (grid > frame.get("level", 0.5)).any():
        return empty_properties("mesh")
    mesh = mesh_from_probs(grid, level=frame.get("level", 0.5), centre=(0.0, 0.0, 0.0), size=frame["size"],
                           margin_voxels=int(frame.get("margin", 1)))
    return measure_mesh(mesh, frame.get("axis", "x"), frontal=names is None or "frontal_area" in names)


def empty_properties(kind: str) -> dict[str, float]:
    """An empty design's properties: nothing in it (no centroid, no aspect)."""
    return {n: (float("nan") if n in ("aspect", "centroid_x", "centroid_y") else 0.0) for n in property_names(kind)}


def outline_properties(outline, frame: dict, size: float | None = None, centre=None) -> dict[str, float]:
    """Properties of a silhouette's outline (model pixel units, see :mod:`.outline`) in the frame's units."""
    if not outline.loops:
        return empty_properties("image")
    size = float(frame["size"] if size is None else size)
    centre = np.asarray(frame["centre"] if centre is None else centre, np.float64)
    s = size / outline.resolution
    lo, hi = outline.bounds()
    (x0, y0), (x1, y1) = lo, hi
    area, cx, cy = loops_moments(outline.loops, outline.depths())
    w, h = (x1 - x0) * s, (y1 - y0) * s
    return {"width": w, "height": h, "aspect": w / h if h > 0 else float("nan"), "area": area * s * s,
            "centroid_x": float(centre[0] - size / 2 + cx * s), "centroid_y": float(centre[1] - size / 2 + cy * s)}


def loops_moments(loops, depths) -> tuple[float, float, float]:
    """(area, centroid x, centroid y) of closed loops filled even-odd (``depths``: how many loops
    enclose each; odd = a hole)."""
    total = mx = my = 0.0
    for xy, depth in zip(loops, depths):
        x, y = xy[:, 0], xy[:, 1]
        xn, yn = np.roll(x, -1), np.roll(y, -1)
        cross = x * yn - xn * y
        a = 0.5 * cross.sum()
        if a == 0:
            continue
        sign = (1.0 if depth % 2 == 0 else -1.0) * np.sign(a)  # |area|, holes taken away
        total += sign * a
        mx += sign * ((x + xn) * cross).sum() / 6.0
        my += sign * ((y + yn) * cross).sum() / 6.0
    if total <= 0:
        return 0.0, float("nan"), float("nan")
    return float(total), float(mx / total), float(my / total)


def measure_mesh(mesh, axis: str = "x", frontal: bool = True) -> dict[str, float]:
    """Properties of a triangle mesh (a trimesh, or its triangles (F, 3, 3)) in its own units
    (exports: source units); ``frontal=False`` leaves out the frontal area (NaN; it is rasterised)."""
    if axis not in AXES:
        raise UserError(f"the frontal axis is x, y or z, not {axis!r}")
    tris = np.asarray(getattr(mesh, "triangles", mesh), np.float64)
    if not len(tris):
        return empty_properties("mesh")
    lo, hi = tris.reshape(-1, 3).min(axis=0), tris.reshape(-1, 3).max(axis=0)
    size = hi - lo
    cross = np.cross(tris[:, 1] - tris[:, 0], tris[:, 2] - tris[:, 0])
    volume = abs(float(np.einsum("ij,ij->i", tris[:, 0] - lo, cross).sum()) / 6.0)
    return {"length": float(size[0]), "width": float(size[1]), "height": float(size[2]), "volume": volume,
            "surface_area": float(0.5 * np.linalg.norm(cross, axis=1).sum()),
            "frontal_area": projected_area(tris, axis) if frontal else float("nan")}


def projected_area(triangles, axis: str = "x", pixels: int = 1024) -> float:
    """Area of the shadow of triangles (F, 3, 3) (or a mesh) on the plane across ``axis``: the union
    of the projected triangles, rasterised at ``pixels`` along the longer side (error about 0.2%)."""
    from PIL import Image, ImageDraw

    tris = np.asarray(getattr(triangles, "triangles", triangles), np.float64)
    tris = tris[:, :, [a for a in range(3) if a != AXES.index(axis)]]
    if not len(tris):
        return 0.0
    lo, hi = tris.reshape(-1, 2).min(axis=0), tris.reshape(-1, 2).max(axis=0)
    cell = float(max(hi - lo)) / (pixels - 4) or 1.0
    w, h = (np.ceil((hi - lo) / cell).astype(int) + 4).tolist()
    # Every triangle lies in the shadow and every point of it is under some triangle.  On a closed,
    # consistently oriented surface the triangles facing one way cover it alone (their projected
    # areas then sum to the other way's): half as many to draw.
    a, b = tris[:, 1] - tris[:, 0], tris[:, 2] - tris[:, 0]
    facing = a[:, 0] * b[:, 1] - a[:, 1] * b[:, 0]
    ahead, behind = facing[facing > 0].sum(), -facing[facing < 0].sum()
    if abs(ahead - behind) <= 1e-3 * (ahead + behind):
        tris = tris[facing > 0]
    pts = (tris - lo) / cell + 2.0
    img = Image.new("1", (w, h), 0)
    draw = ImageDraw.Draw(img)
    for t in pts.tolist():
        draw.polygon([tuple(t[0]), tuple(t[1]), tuple(t[2])], fill=1)
    return float(np.asarray(img, bool).sum()) * cell * cell


def measure_designs(designs, manifest: dict | None, axis: str = "x", batch: int = 256) -> dict[str, np.ndarray]:
    """The training items themselves (a ``DesignSet``), fast-measured each in its own source frame
    (its canvas, or its mesh's size): ``{name: (N,)}``."""
    frame = frame_of(designs.kind, manifest, axis, designs.resolution)
    sizes, centres = item_frames(frame, designs.meta)
    parts: dict[str, list] = {}
    for s in range(0, len(designs), batch):
        idx = np.arange(s, min(s + batch, len(designs)))
        out = measure_fields(designs.kind, designs.batch(idx), frame, sizes=sizes[idx], centres=centres[idx])
        for k, v in out.items():
            parts.setdefault(k, []).append(v)
    return {k: np.concatenate(v) for k, v in parts.items()} if parts else \
        {n: np.zeros(0) for n in property_names(designs.kind)}
