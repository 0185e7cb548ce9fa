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
