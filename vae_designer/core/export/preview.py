"""Pictures of processed items: what the model will see.

Images are shown as their ink (shape bright on dark).  Voxel grids are drawn as
shaded depth images from a three-quarter view, so a person can check at a
glance that thin parts survived and bodies are solid.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from ..ingest.designset import DesignSet


def render_voxels(grid: np.ndarray, size: int = 96) -> np.ndarray:
    """Shaded depth render (uint8 H x W x 3) of a bool R^3 grid indexed [x, y, z], z up.

    The grid is viewed from the front-left and above: the depth along the view
    ray gives the base shade and its gradient gives Lambert-like lighting.
    """
    from scipy import ndimage

    R = grid.shape[0]
    pad = R // 2
    vol = np.pad(grid.astype(np.float32), pad)
    vol = ndimage.rotate(vol, -30, axes=(0, 1), reshape=False, order=1)  # turn about z
    vol = ndimage.rotate(vol, -20, axes=(1, 2), reshape=False, order=1)  # look down a little
    occ = vol > 0.5
    # view along +y (depth axis 1); image rows = z (top first), columns = x
    hit = occ.any(axis=1)
    first = np.argmax(occ, axis=1)
    # sub-voxel depth from the density just before the first occupied sample
    n = occ.shape[1]
    before = np.take_along_axis(vol, np.clip(first - 1, 0, n - 1)[:, None, :], axis=1)[:, 0, :]
    at = np.take_along_axis(vol, first[:, None, :], axis=1)[:, 0, :]
    frac = np.clip((0.5 - before) / np.maximum(at - before, 1e-3), 0, 1)
    depth = first.astype(np.float32) - 1 + frac
    depth[~hit] = np.nan
    filled = np.where(hit, depth, np.nanmax(depth) if hit.any() else 0)
    smooth = ndimage.gaussian_filter(filled, 0.8)
    gx, gz = np.gradient(smooth)
    normal = np.stack([-gx, np.ones_like(gx), -gz], axis=-1)
    normal /= np.linalg.norm(normal, axis=-1, keepdims=True)
    light = np.array([0.45, 0.75, -0.5])  # from the upper left, towards the scene
    light /= np.linalg.norm(light)
    lambert = np.clip(normal @ light, 0, 1)
    shade = np.where(hit, 0.22 + 0.78 * lambert, 0.0)
    img = (shade.T[::-1] * 255).astype(np.uint8)  # x, z -> rows z (up), cols x
    base = np.array([90, 160, 230], np.float32) / 255.0
    rgb = (img[..., None].astype(np.float32) * base).astype(np.uint8)
    rgb[~hit.T[::-1]] = (24, 26, 30)
    ys, xs = np.nonzero(hit.T[::-1])
    if len(ys):
        m = 2
        rgb = rgb[max(0, ys.min() - m): ys.max() + m + 1, max(0, xs.min() - m): xs.max() + m + 1]
    out = Image.fromarray(np.ascontiguousarray(rgb))
    w, h = out.size
    scale = size / max(w, h)
    out = out.resize((max(1, round(w * scale)), max(1, round(h * scale))), Image.Resampling.LANCZOS)
    canvas = Image.new("RGB", (size, size), (24, 26, 30))
    canvas.paste(out, ((size - out.size[0]) // 2, (size - out.size[1]) // 2))
    return np.asarray(canvas)


VIEW_TURN, VIEW_TILT = -30.0, -20.0  # the three-quarter view of both renders (degrees about z, then x)
MESH_BASE = np.array([90, 160, 230], np.float32) / 255.0
MESH_BACKGROUND = (24, 26, 30)


def render_surface(verts: np.ndarray, faces: np.ndarray, size: int = 256, supersample: int = 3,
                   normals: np.ndarray | None = None) -> np.ndarray:
    """A smooth surface (``export.mesh.preview_surface``: vertices in grid units, faces) drawn as
    :func:`render_voxels` draws a grid -- same view, light and colours -- but from its triangles:
    no voxel steps.  Back faces are culled, the rest painted far to near with Lambert shading, at
    ``supersample`` times the size and scaled down (anti-aliased edges); with vertex ``normals``
    (outward) each triangle is shaded by their mean (smooth shading).  uint8 (size, size, 3).
    Measured: ~60-120 ms for a 32^3 design refined twice (10-20 k triangles) on one core."""
    from PIL import ImageDraw

    canvas = Image.new("RGB", (size * supersample, size * supersample), MESH_BACKGROUND)
    v = np.asarray(verts, np.float64)
    f = np.asarray(faces, np.int64)
    if not len(v) or not len(f):
        return np.asarray(canvas.resize((size, size)))
    a, b = np.radians(-VIEW_TURN), np.radians(-VIEW_TILT)
    turn = np.array([[np.cos(a), -np.sin(a), 0], [np.sin(a), np.cos(a), 0], [0, 0, 1]])
    tilt = np.array([[1, 0, 0], [0, np.cos(b), -np.sin(b)], [0, np.sin(b), np.cos(b)]])
    v = v @ (tilt @ turn).T  # the camera looks along +y; image right = +x, up = +z
    tri = v[f]
    normal = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    length = np.linalg.norm(normal, axis=1)
    front = (normal[:, 1] < 0) & (length > 0)
    tri, normal = tri[front], normal[front] / length[front, None]
    if normals is not None and len(normals) == len(v):
        smooth = (np.asarray(normals, np.float64) @ (tilt @ turn).T)[f[front]].mean(axis=1)
        size_of = np.linalg.norm(smooth, axis=1, keepdims=True)
        normal = np.where(size_of > 1e-9, smooth / np.maximum(size_of, 1e-9), normal)
    light = np.array([0.45, -0.75, 0.5])  # from the upper left, in front of the scene
    light /= np.linalg.norm(light)
    shade = 0.22 + 0.78 * np.clip(normal @ light, 0, 1)
    lo, hi = v[:, [0, 2]].min(axis=0), v[:, [0, 2]].max(axis=0)
    n = size * supersample
    scale = 0.9 * n / max(float((hi - lo).max()), 1e-9)
    centre = 0.5 * (lo + hi)
    xy = np.empty((*tri.shape[:2], 2))
    xy[..., 0] = (tri[..., 0] - centre[0]) * scale + n / 2
    xy[..., 1] = n / 2 - (tri[..., 2] - centre[1]) * scale
    colours = np.clip(shade[:, None] * MESH_BASE[None] * 255, 0, 255).astype(np.uint8)
    draw = ImageDraw.Draw(canvas)
    for k in np.argsort(-tri[:, :, 1].mean(axis=1), kind="stable"):  # far (large y) first
        c = tuple(int(x) for x in colours[k])
        draw.polygon([tuple(p) for p in xy[k]], fill=c, outline=c)
    return np.asarray(canvas.resize((size, size), Image.Resampling.LANCZOS))


def render_design(probs: np.ndarray, size: int = 256, refine: int = 2) -> np.ndarray:
    """A decoded mesh design's probabilities (R^3 or 1 x R^3) as a picture of its smooth surface
    (:func:`render_surface` of ``export.mesh.preview_surface`` refined ``refine`` times), the same
    surface the 3D preview shows once the cursor rests.  An empty design draws the background."""
    from .mesh import preview_surface

    verts, faces, normals = preview_surface(probs, refine=refine)
    return render_surface(verts, faces, size, normals=normals)


def thumbnail(designs: DesignSet, index: int, size: int = 96) -> np.ndarray:
    """uint8 RGB thumbnail of one processed item: an image in its own look (its ink on its
    background, as decoded designs are shown), a mesh as a shaded render."""
    if designs.kind == "mesh":
        return render_voxels(designs.voxels(index), size)
    from ..ingest.images import ink_to_image

    a = designs.data[index]
    background = designs.meta[index].get("background", (1.0, 1.0, 1.0)) if index < len(designs.meta) else (1, 1, 1)
    img = Image.fromarray(ink_to_image(a, background))
    return np.asarray(img.resize((size, size), Image.Resampling.NEAREST if size % a.shape[0] == 0
                                 else Image.Resampling.BILINEAR))


def contact_sheet(designs: DesignSet, max_items: int = 64, size: int = 96, columns: int = 8) -> Image.Image:
    """A grid of thumbnails (spread across labels) with the file name under each."""
    n = len(designs)
    # take items evenly across the set so every label shows up
    picks = np.unique(np.linspace(0, n - 1, min(n, max_items)).round().astype(int))
    columns = min(columns, len(picks))
    rows = int(np.ceil(len(picks) / columns))
    cap = 14
    sheet = Image.new("RGB", (columns * (size + 4) + 4, rows * (size + cap + 4) + 4), (40, 42, 48))
    draw = ImageDraw.Draw(sheet)
    for k, i in enumerate(picks):
        r, c = divmod(k, columns)
        x, y = 4 + c * (size + 4), 4 + r * (size + cap + 4)
        sheet.paste(Image.fromarray(thumbnail(designs, int(i), size)), (x, y))
        name = designs.paths[i].rsplit("/", 1)[-1]
        if len(name) > size // 6:
            name = name[: size // 6 - 1] + "…"
        draw.text((x + 1, y + size + 1), name, fill=(200, 200, 205))
    return sheet
