"""A silhouette's probabilities -> its smooth outline: closed loops at the 0.5 level.

A silhouette model decodes an R x R field of probabilities that a pixel is ink.
Showing that field enlarged gives a grey, blurry edge; the design the designer
means is the set where the probability is above one half.  Its boundary is found
here at sub-pixel precision:

1. **Refine.**  The field, padded with two pixels of background so every boundary
   closes, is enlarged ``refine`` times by cubic spline interpolation
   (:func:`scipy.ndimage.zoom`, pixels as areas): the level line then follows the
   field's smooth shape instead of the straight segments between pixel centres.
2. **Trace.**  Marching squares (:func:`skimage.measure.find_contours`) at the
   level gives closed polylines; holes (a window, the gap inside a ring) are
   loops of their own.  Loops enclosing less than ``min_area`` square pixels are
   noise and dropped (the largest loop always stays).
3. **Smooth and simplify.**  Light Taubin smoothing of each closed polyline
   (moves points only, keeps the enclosed area) takes off what is left of the
   grid, and Douglas-Peucker simplification (``tolerance`` in model pixels)
   keeps only the points that matter.

Coordinates are *model pixel units*: pixel ``(row i, column j)`` covers
``[j, j+1) x [i, i+1)``, x to the right, y down, so the loops live in the square
``[0, R]^2``.  Filling them with the even-odd rule (holes are holes however the
loops are oriented) gives the shape; :mod:`.crisp` rasterises it at any size and
:mod:`.vector` writes it as SVG or DXF in source units.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .refine import spline_zoom

_PAD = 2  # background pixels around the field before refining: every loop closes
_TAUBIN_LAMBDA = 0.5
_TAUBIN_MU = -0.53


@dataclass(frozen=True)
class Outline:
    """Closed loops (each an (N, 2) float array of [x, y], not repeating its first point) of one
    design in model pixel units; filled with the even-odd rule.  ``resolution`` is R."""

    loops: tuple[np.ndarray, ...]
    resolution: int

    def depths(self) -> list[int]:
        """How many other loops enclose each loop: even = a boundary of the shape, odd = of a hole."""
        return [sum(_inside(loop[0], other) for k, other in enumerate(self.loops) if k != i)
                for i, loop in enumerate(self.loops)]

    def area(self) -> float:
        """Area of the filled shape (even-odd), in square model pixels."""
        return float(sum(abs(_signed_area(loop)) * (1 if d % 2 == 0 else -1)
                         for loop, d in zip(self.loops, self.depths())))

    def bounds(self) -> np.ndarray:
        """[[x_min, y_min], [x_max, y_max]] of all loops (model pixel units); zeros when empty."""
        if not self.loops:
            return np.zeros((2, 2))
        pts = np.concatenate(self.loops)
        return np.array([pts.min(axis=0), pts.max(axis=0)])


def outline_from_probs(probs, level: float = 0.5, refine: int = 4, smooth: int = 2,
                       tolerance: float = 0.02, min_area: float = 1.0) -> Outline:
    """The outline of a silhouette's probabilities (R, R) or (1, R, R); see the module docstring.

    ``refine``: enlargement before tracing (1 = trace the raw field).  ``smooth``:
    Taubin passes on each loop (0 = none).  ``tolerance``: simplification in model
    pixels (0 = keep every point).  ``min_area``: smallest loop kept, in square
    model pixels.  No probability above the level: an outline without loops (an
    empty design is drawn as bare paper, not refused: one poor sample must not
    stop a batch).
    """
    from skimage import measure

    p = _square(probs)
    R = p.shape[0]
    if not (p > level).any():
        return Outline((), R)
    field = _refined(p, int(refine))
    loops = []
    for c in measure.find_contours(field, level):
        if len(c) < 4 or not np.allclose(c[0], c[-1]):
            continue  # cannot happen on a padded field; a stray open piece is not a boundary
        # (row, column) in the refined, padded field -> [x, y] in model pixel units
        xy = (c[:-1, ::-1] + 0.5) / refine - _PAD
        loops.append(xy)
    loops = _without_specks(loops, min_area)
    loops = [_simplified(_taubin_loop(xy, int(smooth)), tolerance) for xy in loops]
    return Outline(tuple(loop for loop in loops if len(loop) >= 3), R)


def _square(probs) -> np.ndarray:
    """Probabilities as a float64 (R, R) square without NaNs (a leading axis of size 1 dropped)."""
    p = np.asarray(probs, dtype=np.float64)
    while p.ndim > 2 and p.shape[0] == 1:
        p = p[0]
    if p.ndim != 2 or p.shape[0] != p.shape[1]:
        raise ValueError(f"outline probs must be a square (R, R) or (1, R, R), got shape {np.shape(probs)}")
    return np.nan_to_num(p, nan=0.0)


def _refined(p: np.ndarray, refine: int) -> np.ndarray:
    """``p`` padded with background and enlarged ``refine`` times (cubic spline, pixels as areas)."""
    return spline_zoom(np.pad(p, _PAD), refine)


def refined_field(probs, refine: int) -> np.ndarray:
    """The probabilities enlarged ``refine`` times as :func:`outline_from_probs` sees them, without
    the padding: (R * refine, R * refine), for overlays that must line up with the outline."""
    field = _refined(_square(probs), int(refine))
    cut = _PAD * int(refine)
    return field[cut:-cut, cut:-cut] if cut else field


def _without_specks(loops: list[np.ndarray], min_area: float) -> list[np.ndarray]:
    """The loops enclosing at least ``min_area`` (the largest always stays), largest first."""
    if not loops:
        return loops
    areas = [abs(_signed_area(xy)) for xy in loops]
    order = np.argsort(areas)[::-1]
    return [loops[i] for k, i in enumerate(order) if k == 0 or areas[i] >= min_area]


def _taubin_loop(xy: np.ndarray, passes: int) -> np.ndarray:
    """Taubin smoothing of a closed polyline (each point pulled to its neighbours' mean, then pushed
    back slightly further): a low-pass filter that keeps the enclosed area."""
    v = xy.astype(np.float64, copy=True)
    for _ in range(passes):
        for factor in (_TAUBIN_LAMBDA, _TAUBIN_MU):
            mean = 0.5 * (np.roll(v, 1, axis=0) + np.roll(v, -1, axis=0))
            v += factor * (mean - v)
    return v


def _simplified(xy: np.ndarray, tolerance: float) -> np.ndarray:
    """Douglas-Peucker simplification of a closed polyline (tolerance in model pixels): the loop is
    cut at its first point and the point farthest from it, and each half simplified."""
    if tolerance <= 0 or len(xy) < 8:
        return xy
    far = int(np.argmax(np.hypot(*(xy - xy[0]).T)))
    keep = np.zeros(len(xy), bool)
    keep[[0, far]] = True
    closed = np.concatenate([xy, xy[:1]])
    stack = [(0, far), (far, len(xy))]
    while stack:
        i, j = stack.pop()
        if j - i < 2:
            continue
        a, b = closed[i], closed[j]
        d = b - a
        inner = closed[i + 1:j]
        length = float(np.hypot(*d))
        dist = (np.abs(d[0] * (inner[:, 1] - a[1]) - d[1] * (inner[:, 0] - a[0])) / length if length > 0
                else np.hypot(*(inner - a).T))
        k = int(np.argmax(dist))
        if dist[k] > tolerance:
            keep[i + 1 + k] = True
            stack += [(i, i + 1 + k), (i + 1 + k, j)]
    out = xy[keep]
    return out if len(out) >= 3 else xy


def _signed_area(xy: np.ndarray) -> float:
    """Shoelace area of a closed polyline (positive when counter-clockwise with y up)."""
    x, y = xy[:, 0], xy[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))


def _inside(point: np.ndarray, loop: np.ndarray) -> bool:
    """Whether ``point`` lies inside the closed polyline ``loop`` (even-odd ray crossing)."""
    x, y = float(point[0]), float(point[1])
    x0, y0 = loop[:, 0], loop[:, 1]
    x1, y1 = np.roll(x0, -1), np.roll(y0, -1)
    crosses = (y0 > y) != (y1 > y)
    with np.errstate(divide="ignore", invalid="ignore"):
        xs = x0 + (y - y0) * (x1 - x0) / (y1 - y0)
    return bool(np.count_nonzero(crosses & (xs > x)) % 2)
