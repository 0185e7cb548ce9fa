"""Pictures of decoded image designs at any size: crisp silhouettes, smooth rasters, uncertainty.

* :func:`crisp_picture` -- a silhouette as what it means: its 0.5 outline
  (:func:`.outline.outline_from_probs`), filled with the even-odd rule and
  anti-aliased, at a requested pixel size -- or, for a collection with a few flat
  tones (:mod:`core.ingest.looks`), one outline per tone band, each filled in its
  tone.  The edge is sharp at 64 px and at 4096 px alike, where an enlarged
  64 x 64 field is a grey blur.
* :func:`uncertainty_overlay` -- what the crisp picture hides: an RGBA layer,
  to be drawn over it, that is opaque where the model is undecided (p near 0.5,
  or near a level between two tones) and clear where it is sure.
* :func:`raster_picture` -- grey or colour sketches keep their tones: the decoded
  raster in the collection's look, enlarged smoothly (bicubic).

Anti-aliasing is by supersampling: the loops are filled at 4 x 4 samples per
output pixel (fewer for very large pictures) and averaged, so an edge pixel
takes one of 17 coverage levels in proportion to how much of it is inside.
"""

from __future__ import annotations

import itertools

import numpy as np

from ..errors import UserError
from .outline import Outline, outline_from_probs, refined_field

MAX_PIXELS = 8192  # the largest side a picture may have
_SUPERSAMPLE = 4
_MAX_CANVAS = 8192  # the largest side of the supersampled canvas (1 byte a sample: 64 MB)


def check_pixels(pixels) -> int:
    """A picture side in pixels, 1..MAX_PIXELS; :class:`UserError` otherwise."""
    if isinstance(pixels, bool) or not isinstance(pixels, (int, np.integer)) or not 1 <= pixels <= MAX_PIXELS:
        raise UserError(f"picture size must be a whole number of pixels from 1 to {MAX_PIXELS}, not {pixels!r}")
    return int(pixels)


def coverage(outline: Outline, pixels: int, supersample: int | None = None) -> np.ndarray:
    """The filled outline (even-odd) as float32 (pixels, pixels) coverage in [0, 1].

    Level lines never cross, so even-odd filling is painting the loops from the
    outermost in: ink for a shape's boundary (even depth), background for a hole's.
    """
    from PIL import Image, ImageDraw

    pixels = check_pixels(pixels)
    s = supersample or max(1, min(_SUPERSAMPLE, _MAX_CANVAS // pixels))
    side = pixels * s
    scale = side / outline.resolution
    canvas = Image.new("L", (side, side), 0)
    draw = ImageDraw.Draw(canvas)
    depths = outline.depths()
    for k in sorted(range(len(outline.loops)), key=depths.__getitem__):
        # Pillow fills the samples whose centres (integer coordinates) are inside: shift by half a sample
        pts = [(float(x), float(y)) for x, y in outline.loops[k] * scale - 0.5]
        draw.polygon(pts, fill=255 if depths[k] % 2 == 0 else 0)
    if s > 1:
        canvas = canvas.reduce(s)
    return np.asarray(canvas, dtype=np.float32) / 255.0


def tone_bands(tones=(1.0,)) -> list[tuple[float, float]]:
    """(level, tone) of each band of a flat-toned design, lightest first: a band is where the ink is
    above half-way between its tone and the next lighter one (paper is 0).  One tone 1.0 -> [(0.5, 1.0)]."""
    levels = [0.0, *sorted(float(t) for t in tones)]
    return [((a + b) / 2.0, b) for a, b in itertools.pairwise(levels)]


def tone_outlines(probs, tones=(1.0,)) -> list[Outline]:
    """One outline per band of :func:`tone_bands` (the first is the design's shape): the 0.5 level
    of each of :func:`band_fields`."""
    bands = tone_bands(tones)
    if len(bands) == 1:
        return [outline_from_probs(probs, level=bands[0][0])]
    return [outline_from_probs(f, level=0.5) for f in band_fields(probs, tones)]


def band_fields(probs, tones=(1.0,)) -> list[np.ndarray]:
    """Per band of :func:`tone_bands`, lightest first, a field (R, R) that is above 0.5 inside the
    band: what :func:`tone_outlines` traces, and, pixel by pixel, the design's shape as exported.

    With several tones a fixed level per band would leave a rim of the light tone
    around every dark part that borders the paper (the decoded ink falls from dark
    to paper through the light band's levels).  So each band's level is local:
    half-way between the lowest and the highest tone around (the 3 x 3 minimum and
    maximum of the ink, snapped to the nearest tone; a pixel whose surroundings are
    all at or above the band's tone is inside, all below it outside; the level then
    smoothed over about a pixel): a dark-to-paper edge is at half the dark tone for
    every band, a window-to-paper edge at half the window's tone, and a light hub
    inside a dark tyre stays light, not paper.  The bands still nest, so painting
    them lightest first is exact.  One tone: the probabilities moved so that the band's fixed
    level is at 0.5.
    """
    from scipy import ndimage

    bands = tone_bands(tones)
    p = np.nan_to_num(np.asarray(probs, np.float64).reshape(np.shape(probs)[-2:]), nan=0.0)
    if len(bands) == 1:
        return [p - bands[0][0] + 0.5]
    levels = np.array([0.0, *(tone for _, tone in bands)])

    def snapped(v):
        return levels[np.argmin(np.abs(v[..., None] - levels), axis=-1)]

    hi = snapped(ndimage.maximum_filter(p, size=3))
    lo = snapped(ndimage.minimum_filter(p, size=3))
    out = []
    for _, tone in bands:
        # between a lower tone lo and an upper hi the boundary is half-way; all around >= tone: inside;
        # all around < tone: outside (0 and 1 bound the ink, so those levels decide without a boundary)
        level = np.where(lo >= tone, 0.0, np.where(hi < tone, 1.0, 0.5 * (lo + hi)))
        out.append(p - ndimage.gaussian_filter(level, 0.5, mode="nearest") + 0.5)
    return out


def crisp_picture(probs, pixels: int, background=(1.0, 1.0, 1.0), tones=(1.0,),
                  outlines: list[Outline] | None = None) -> np.ndarray:
    """A silhouette's probabilities (R, R) or (1, R, R) -> RGB uint8 (pixels, pixels, 3), crisp.

    Each band of :func:`tone_bands` is filled, anti-aliased, in its tone on the
    collection's ``background`` (0..1 RGB; ``manifest["typical_background"]``), the
    darker bands over the lighter (they nest: level sets of one field).  ``tones``:
    the collection's ink tones (``manifest["image_tones"]``); the default, one full
    tone, is the plain 0.5 outline in full ink.  ``outlines``: from
    :func:`tone_outlines` of the same probabilities, to reuse them.
    """
    bands = tone_bands(tones)
    outlines = outlines if outlines is not None else tone_outlines(probs, tones)
    paper = np.round(np.clip(np.asarray(background, np.float32).reshape(3), 0, 1) * 255.0)
    rgb = np.empty((check_pixels(pixels), pixels, 3), np.float32)
    rgb[:] = paper
    for (_, tone), outline in zip(bands, outlines):
        cov = coverage(outline, pixels)[..., None]
        rgb += cov * (ink_colour(background, tone).astype(np.float32) - rgb)
    return np.round(rgb).astype(np.uint8)


def ink_colour(background, tone: float = 1.0) -> np.ndarray:
    """The RGB uint8 colour of ink ``tone`` (0..1) on ``background`` (full ink: black on white paper)."""
    from ..ingest.images import ink_to_image

    return ink_to_image(np.full((1, 1), round(255 * float(tone)), np.uint8), background)[0, 0]


def uncertainty_overlay(probs, pixels: int, tones=(1.0,), colour=(235, 90, 30), opacity: float = 0.85) -> np.ndarray:
    """RGBA uint8 (pixels, pixels, 4) to draw over a crisp picture: ``colour``, opaque where the crisp
    picture is a guess and clear where the model is sure.

    Alpha is ``opacity * (1 - ((p - level) / half_gap)^2)`` at the nearest band level
    of :func:`tone_bands` (for one tone: ``4 p (1 - p)``), from the smoothly enlarged
    probabilities: strongest on the outlines, zero at paper and at each tone.
    """
    pixels = check_pixels(pixels)
    p = _probs_at(probs, pixels)
    u = np.zeros_like(p)
    for level, tone in tone_bands(tones):
        half = max(tone - level, 1e-6)
        u = np.maximum(u, 1.0 - ((p - level) / half) ** 2)
    alpha = np.clip(opacity, 0.0, 1.0) * np.clip(u, 0.0, 1.0)
    out = np.empty((pixels, pixels, 4), np.uint8)
    out[..., :3] = np.asarray(colour, np.uint8).reshape(1, 1, 3)
    out[..., 3] = np.round(alpha * 255.0).astype(np.uint8)
    return out


def _probs_at(probs, pixels: int) -> np.ndarray:
    """Probabilities (R, R) smoothly enlarged (cubic spline) and resampled to (pixels, pixels), in [0, 1]."""
    from PIL import Image

    p = np.asarray(probs, np.float64)
    R = p.shape[-1]
    field = refined_field(p, max(1, min(8, -(-pixels // R))))
    img = Image.fromarray(np.clip(field, 0, 1).astype(np.float32), mode="F")
    if img.size[0] != pixels:
        img = img.resize((pixels, pixels), Image.Resampling.BILINEAR)
    return np.clip(np.asarray(img, np.float32), 0.0, 1.0)


def raster_picture(probs, pixels: int | None = None, background=(1.0, 1.0, 1.0)) -> np.ndarray:
    """Grey or colour probabilities (C, R, R) -> RGB uint8 in the collection's look, enlarged smoothly
    (bicubic) to (pixels, pixels) when ``pixels`` is given and differs from R."""
    from PIL import Image

    from .files import image_from_probs

    rgb = image_from_probs(probs, background=background)
    if pixels is None or check_pixels(pixels) == rgb.shape[0]:
        return rgb
    img = Image.fromarray(np.ascontiguousarray(rgb)).resize((pixels, pixels), Image.Resampling.BICUBIC)
    return np.asarray(img)
