"""What kind of picture an image collection is: silhouettes (flat tones), grey sketches or colour.

A **silhouette** collection is flat shapes on a background (car side views, logos,
cut-outs, digits): away from the anti-aliased rims, every pixel of a shape has one
of a few ink *tones* -- one for a plain silhouette, a few for the bundled cars
(near-black body, light grey windows).  Such a design is shown and exported crisp:
as the outlines where the decoded ink crosses half-way between successive tones
(for one tone, the 0.5 outline), filled with those tones, at any size, or as SVG
and DXF.  A **grey** collection (pencil sketches, shading, thin line drawings that
the model sees as grey strokes) and a **colour** one keep their raster look.

The test runs on the processed items at the model's resolution.  *Flat* pixels are
ink pixels (> 0.1) whose 3 x 3 neighbourhood varies by less than 0.08; their ink
values are histogrammed, and the peaks holding at least 2% of them (closer peaks,
within 0.12, merged) are the tones.  The collection is silhouettes when at least
8% of its ink pixels are flat (thin strokes have none) and 90% of the flat pixels
lie within 0.08 of a tone, with at most four tones.  Measured: the bundled cars
have tones 0.31 and 0.84 (96% of flat pixels), MNIST digits one near 1.0.
"""

from __future__ import annotations

import numpy as np

LOOKS = ("silhouette", "grey", "colour")
_FLAT_SPREAD = 0.08
_MIN_FLAT_SHARE = 0.08
_PEAK_MASS = 0.02
_MERGE = 0.12
_NEAR = 0.08
_MIN_COVERED = 0.90
_MAX_TONES = 4


def _sample(ink: np.ndarray, sample: int) -> np.ndarray:
    picks = np.unique(np.linspace(0, len(ink) - 1, min(len(ink), sample)).round().astype(int))
    return np.asarray(ink[picks], np.float32) / 255.0


def _peaks(values: np.ndarray) -> list[float]:
    """Ink values where the histogram of ``values`` peaks (>= 2% of them each, near peaks merged)."""
    hist, edges = np.histogram(values, bins=45, range=(0.1, 1.0))
    mass = hist / max(1, hist.sum())
    smooth = np.convolve(mass, [0.25, 0.5, 0.25], mode="same")
    centres = 0.5 * (edges[:-1] + edges[1:])
    found: list[list[float]] = []  # [value, mass] of each peak, merged in order of value
    for i in range(len(smooth)):
        left = smooth[i - 1] if i else -1.0
        right = smooth[i + 1] if i + 1 < len(smooth) else -1.0
        if smooth[i] >= left and smooth[i] > right and mass[max(0, i - 1): i + 2].sum() >= _PEAK_MASS:
            m = float(mass[max(0, i - 1): i + 2].sum())
            if found and centres[i] - found[-1][0] < _MERGE:
                v, w = found[-1]
                found[-1] = [(v * w + centres[i] * m) / (w + m), w + m]
            else:
                found.append([float(centres[i]), m])
    return [round(v, 3) for v, _ in found]


def collection_tones(ink: np.ndarray, sample: int = 2000) -> tuple[float, ...] | None:
    """The ink tones (ascending, in (0, 1]) of a grey collection (N, R, R) uint8 whose shapes are
    flat-toned, or None when it is not (see the module docstring).  At most ``sample`` items are used."""
    from scipy import ndimage

    ink = np.asarray(ink)
    if ink.ndim != 3 or len(ink) == 0:
        return None
    x = _sample(ink, sample)
    spread = ndimage.maximum_filter(x, size=(1, 3, 3)) - ndimage.minimum_filter(x, size=(1, 3, 3))
    content = x > 0.1
    flat = content & (spread < _FLAT_SPREAD)
    if flat.sum() < _MIN_FLAT_SHARE * max(1, content.sum()):
        return None
    values = x[flat]
    tones = _peaks(values)
    if not tones or len(tones) > _MAX_TONES:
        return None
    near = np.min(np.abs(values[:, None] - np.asarray(tones)[None]), axis=1) < _NEAR
    return tuple(tones) if near.mean() >= _MIN_COVERED else None


def image_look(ink: np.ndarray, sample: int = 2000) -> str:
    """"silhouette", "grey" or "colour" for a collection's ink: (N, R, R) grey or (N, R, R, 3) colour
    uint8 (a ``DesignSet``'s data)."""
    ink = np.asarray(ink)
    if ink.ndim == 4:
        return "colour"
    return "silhouette" if collection_tones(ink, sample) is not None else "grey"


def snap_to_tones(ink: np.ndarray, tones) -> np.ndarray:
    """A silhouette collection's ink (uint8) with every pixel moved to the nearest of paper (0) and
    its ``tones``: the anti-aliased rims become hard edges, so a model trained on it learns where
    each edge is rather than how grey its rim was (the crisp outline redraws the rim smoothly)."""
    levels = np.round(np.array([0.0, *sorted(float(t) for t in tones)]) * 255.0)
    cuts = (levels[1:] + levels[:-1]) / 2.0  # a pixel goes to the level whose half-way cuts it lies between
    return levels[np.searchsorted(cuts, np.asarray(ink, np.float32), side="right")].astype(np.uint8)
