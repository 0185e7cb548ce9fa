"""One decoded design -> its file in the format asked for, and the sidecar's ``export`` object.

What every export (the CLI's ``sample`` and ``interpolate``, the app's exports,
``sample --from-json``) does once it has the design's probabilities:

* **Silhouette projects** (``manifest["image_look"]``, see :mod:`core.ingest.looks`):
  the design is its smooth 0.5 outline (:mod:`.outline`), or for a collection of a
  few flat tones (``manifest["image_tones"]``) one outline per tone band.  PNG:
  filled and anti-aliased at ``pixels`` (default: the model's resolution) in the
  collection's ink and paper colours; SVG and DXF: the outlines themselves, in source
  units (the source images' pixels: the collection's typical canvas
  ``manifest["typical_size"]``), with the shape's area and bounding box.
* **Grey and colour projects**: PNG rasters in the collection's look, enlarged
  smoothly to ``pixels`` when asked.
* **Mesh projects**: STL/OBJ/PLY/GLB from :func:`.mesh.mesh_from_probs` (refined,
  smooth, watertight) in source units, with the mesh's volume and bounding box.

The returned ``export`` object records everything the file depends on, so that a
sidecar reproduces its file byte for byte: ``reproduce`` passes it back as
``recipe``.  A recipe from before these options existed (no ``look`` /
``refine``) gets the rendering of that time: the raster, the unrefined mesh.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import UserError

MESH_FORMATS = ("stl", "obj", "ply", "glb")
OUTLINE_FORMATS = ("svg", "dxf")
IMAGE_FORMATS = ("png", *OUTLINE_FORMATS)


def project_look(manifest: dict) -> str:
    """"silhouette", "grey" or "colour" for an image project's manifest.  Projects saved before
    the look was recorded are treated as grey (or colour): their exports stay rasters, as they were."""
    look = manifest.get("image_look")
    if look in ("silhouette", "grey", "colour"):
        return look
    return "colour" if manifest.get("channels") == 3 else "grey"


def picture(probs, manifest: dict, pixels: int | None = None, background=None,
            uncertainty: bool = False) -> np.ndarray:
    """An image design as the app shows it and a PNG export writes it: RGB uint8 (pixels, pixels, 3).

    Silhouette collections (``manifest["image_look"]``): the crisp outline picture in the
    collection's tones, optionally with the model's uncertainty drawn over it; grey and colour
    ones: the raster, enlarged smoothly.  Default size: the model's resolution.  A silhouette
    with nothing above its outline's level (a faint design of a young model) is shown as the
    raster too, rather than as bare paper.
    """
    from .crisp import crisp_picture, raster_picture, tone_outlines, uncertainty_overlay

    bg = background if background is not None else manifest.get("typical_background", (1.0, 1.0, 1.0))
    pixels = int(pixels or np.shape(probs)[-1])
    if project_look(manifest) != "silhouette":
        return raster_picture(probs, pixels, bg)
    tones = [float(t) for t in (manifest.get("image_tones") or [1.0])]
    outlines = tone_outlines(probs, tones)
    if outlines[0].area() <= 0:
        return raster_picture(probs, pixels, bg)
    rgb = crisp_picture(probs, pixels, bg, tones, outlines)
    if uncertainty:
        over = uncertainty_overlay(probs, pixels, tones).astype(np.float32)
        a = over[..., 3:4] / 255.0
        rgb = np.round(rgb * (1.0 - a) + over[..., :3] * a).astype(np.uint8)
    return rgb


def design_formats(kind: str, manifest: dict) -> tuple[str, ...]:
    """The file formats a project's designs can be exported as."""
    if kind != "image":
        return MESH_FORMATS
    return IMAGE_FORMATS if project_look(manifest) == "silhouette" else ("png",)


def check_design_format(kind: str, manifest: dict, fmt: str) -> str:
    """``fmt`` normalised, or a one-line :class:`UserError` saying what fits this project."""
    fmt = fmt.lower().lstrip(".")
    allowed = design_formats(kind, manifest)
    if fmt in allowed:
        return fmt
    if kind == "image" and fmt in OUTLINE_FORMATS:
        raise UserError(f"--format {fmt} is an outline: it needs a silhouette project, and this one's images "
                        f"are {project_look(manifest)} (use png)")
    raise UserError(f"--format {fmt} does not fit a {kind} project: use {', '.join(allowed)}")


def write_design(kind: str, probs: np.ndarray, target, fmt: str, manifest: dict, *, level: float = 0.5,
                 smooth: int | None = None, pixels: int | None = None, recipe: dict | None = None) -> dict:
    """Write one design's file (``target``, in ``fmt``) and return the sidecar's ``export`` object.

    ``pixels``: PNG side (image projects only; default the model's resolution).
    ``level``: the mesh surface's level (silhouettes take theirs from the tones).
    ``recipe``: the ``export`` object of the sidecar being reproduced, if any.
    """
    fmt = check_design_format(kind, manifest, fmt)
    if pixels is not None and fmt != "png":
        raise UserError(f"--size is the side of a PNG picture; {fmt} files have no pixel size")
    if kind == "image":
        return _write_image(probs, Path(target), fmt, manifest, level, pixels, recipe)
    return _write_mesh(probs, Path(target), fmt, manifest, level, smooth, recipe)


def _write_image(probs, target: Path, fmt: str, manifest: dict, level: float, pixels, recipe) -> dict:
    from .crisp import check_pixels, raster_picture
    from .files import write_png

    background = manifest.get("typical_background", [1.0, 1.0, 1.0])
    R = int(np.shape(probs)[-1])
    look = project_look(manifest) if recipe is None else recipe.get("look", "raster")
    if pixels is None and recipe is not None:
        pixels = recipe.get("pixels")
    export = {"format": fmt, "background": background}
    if look != "silhouette":
        pixels = check_pixels(pixels if pixels is not None else R)
        write_png(raster_picture(probs, pixels, background), target)
        if recipe is None or "look" in recipe:
            export.update(look="raster", pixels=pixels)
        return export
    tones = (manifest.get("image_tones") or [1.0]) if recipe is None else recipe.get("tones", [1.0])
    export.update(_write_silhouette(probs, target, fmt, background, [float(t) for t in tones],
                                    float(manifest.get("typical_size", R)), pixels))
    return export


def _write_silhouette(probs, target: Path, fmt: str, background, tones: list[float], size: float, pixels) -> dict:
    """Crisp PNG, SVG or DXF of a silhouette design; the export fields that describe it."""
    from .crisp import check_pixels, crisp_picture, ink_colour, tone_bands, tone_outlines
    from .files import write_png
    from .writing import write_bytes

    bands = tone_bands(tones)
    outlines = tone_outlines(probs, tones)
    shape = outlines[0]
    scale = size / shape.resolution  # source pixels per model pixel
    lo, hi = shape.bounds() * scale
    export = {"look": "silhouette", "tones": tones, "level": bands[0][0], "units": "source pixels", "size": size,
              "area": shape.area() * scale * scale,
              "bbox": {"min": lo.tolist(), "max": hi.tolist(), "size": (hi - lo).tolist()}}
    if fmt == "png":
        export["pixels"] = pixels = check_pixels(pixels if pixels is not None else shape.resolution)
        write_png(crisp_picture(probs, pixels, background, tones, outlines), target)
        return export
    from .vector import dxf_text, svg_text

    if fmt == "svg":
        paper = np.round(np.clip(np.asarray(background, np.float32), 0, 1) * 255).astype(int)
        inks = [ink_colour(background, tone) for _, tone in bands]
        text = svg_text(outlines, size, inks, paper)
    else:
        text = dxf_text(shape, size)
    write_bytes(target, text.encode("utf-8"))
    return export


def _write_mesh(probs, target: Path, fmt: str, manifest: dict, level: float, smooth, recipe) -> dict:
    from .files import write_mesh
    from .mesh import DEFAULT_REFINE, default_smooth, mesh_from_probs, mesh_measures

    size = float(manifest.get("typical_size", 1.0))
    margin = int(manifest.get("settings", {}).get("mesh_margin_voxels", 1))
    refine = DEFAULT_REFINE if recipe is None else int(recipe.get("refine", 1))
    smooth = default_smooth(refine) if smooth is None else int(smooth)
    grid = probs[0] if np.ndim(probs) == 4 else probs
    mesh = mesh_from_probs(grid, level=level, smooth=smooth, centre=(0.0, 0.0, 0.0), size=size,
                           margin_voxels=margin, refine=refine)
    write_mesh(mesh, target, fmt)
    export = {"format": fmt, "level": level, "smooth": smooth, "centre": [0.0, 0.0, 0.0], "size": size}
    if recipe is None or "refine" in recipe:
        export["refine"] = refine
    export.update(mesh_measures(mesh))
    return export
