"""Where the steps of a direction sequence fall: equal changes of the design as a designer sees and
measures it.

Equal steps of a direction's *value* rarely give equal changes of the *design*: a decoder may turn
a van into a pickup within a tenth of the way, or keep a part's length flat for half of it and then
stretch it.  A sequence with one big jump among tiny steps is useless for a review.  So the
default spacing ("even") decodes a fine walk of ``FINE`` designs between the sequence's ends,
measures each in source units, and picks the sequence's values on it.  Images are measured exactly
(:func:`~..export.measure.measure_design`: the outline their files are written from, ~12 ms a
design): the fast grid measurement is off by about 0.1 px in a car's height, as much as a typical
step of a flat property, and steps balanced on it still jumped on the files.  Meshes use the fast
measurement (:func:`~..export.measure.measure_fields`; an export mesh takes ~0.1 s).

1. **Start**: equal shares of the summed, normalised changes -- of the look (the mean absolute
   change of the decoded probabilities) and of each measured property that changes at all along
   the walk (its total variation, normalised to 1; a property whose total change is below a few
   ``FLOOR`` shares of its mean takes no part).
2. **Balance**: coordinate descent on the interior values (each moved within its neighbours'
   interval, ``SWEEPS`` passes) on the *jump score* -- for every property the largest step over
   its median step (a median below ``FLOOR`` of the property's mean counts as that), the worst
   property's -- read from the fine walk by linear interpolation; a tie keeps the start's values.

The ends stay where they were asked to be, the values increase (or decrease) monotonically, and
everything is deterministic (no random search): a sequence is written the same way every time.
``benchmarks/directions.py`` measures the result on the exported files: share of sequences
without a step above 3x the median step.
"""

from __future__ import annotations

import numpy as np

FINE = 96  # designs of the fine walk the spacing is measured on
FLOOR = 0.005  # a property's typical step counts as at least this share of its mean
SWEEPS = 8  # coordinate-descent passes over the interior values
CANDIDATES = 24  # positions tried for one value within its neighbours' interval


def even_values(project, z0, direction, values, density, method: str, fine: int = FINE) -> np.ndarray:
    """``len(values)`` values from ``values[0]`` to ``values[-1]`` along ``direction`` from ``z0`` at
    which the decoded design changes by equal amounts (see the module docstring)."""
    from ..export.measure import frame_of, measure_design, measure_fields, property_names
    from .directions import walk
    from .generate import decode

    values = np.asarray(values, np.float64)
    grid = np.linspace(values[0], values[-1], max(int(fine), len(values)))
    probs = decode(project, walk(z0, direction, grid, density, method))
    names = property_names(project.kind)
    frame = frame_of(project.kind, project.manifest)
    if project.kind == "image":  # exact: the outline the file is written from (~12 ms a design)
        props = np.array([[m[n] for n in names] for m in (measure_design("image", p, frame, names) for p in probs)],
                         np.float64)
    else:  # an export mesh takes ~0.1 s: the fast measurement of the grid
        measured = measure_fields(project.kind, probs, frame, names=names)
        props = np.stack([measured[n] for n in names], axis=1)
    look = np.abs(np.diff(probs.reshape(len(grid), -1).astype(np.float64), axis=0)).mean(axis=1)
    return spaced(grid, look, props, len(values))


def spaced(grid: np.ndarray, look: np.ndarray, props: np.ndarray, n: int) -> np.ndarray:
    """``n`` values on the fine walk ``grid`` (G,) given the look's change over each of its intervals
    ``look`` (G-1,) and the measured properties ``props`` (G, P) at its points (NaN where a design
    has none, e.g. an empty one's aspect)."""
    grid = np.asarray(grid, np.float64)
    t = np.linspace(0.0, 1.0, len(grid))  # the walk's position (grid may run either way)
    props = _finite_columns(np.asarray(props, np.float64))
    floor = FLOOR * np.abs(props).mean(axis=0) + 1e-12
    steps = np.abs(np.diff(props, axis=0))
    active = steps.sum(axis=0) > 3 * floor
    props, floor, steps = props[:, active], floor[active], steps[:, active]
    shares = [c / c.sum() for c in [np.asarray(look, np.float64), *steps.T] if c.sum() > 0]
    total = np.sum(shares, axis=0) if shares else np.ones(len(grid) - 1)
    travelled = np.concatenate([[0.0], np.cumsum(total + 1e-9 * total.mean() + 1e-12)])
    at = np.interp(np.linspace(0.0, travelled[-1], n), travelled, t)
    if props.shape[1] and n >= 3:
        at = _balance(at, t, props, floor)
    return np.interp(at, t, grid)


def jump_score(at: np.ndarray, t: np.ndarray, props: np.ndarray, floor: np.ndarray) -> float:
    """The worst property's largest step over its (floored) median step, at positions ``at`` of the
    fine walk (``t``: its points' positions, increasing)."""
    at = np.stack([np.interp(at, t, props[:, j]) for j in range(props.shape[1])], axis=1)
    steps = np.abs(np.diff(at, axis=0))
    return float((steps.max(axis=0) / np.maximum(np.median(steps, axis=0), floor)).max())


def _balance(values: np.ndarray, t: np.ndarray, props: np.ndarray, floor: np.ndarray) -> np.ndarray:
    values = values.copy()
    best = jump_score(values, t, props, floor)
    for _ in range(SWEEPS):
        improved = False
        for i in range(1, len(values) - 1):
            lo, hi = values[i - 1], values[i + 1]
            for c in np.linspace(lo, hi, CANDIDATES + 2)[1:-1]:
                trial = values.copy()
                trial[i] = c
                score = jump_score(trial, t, props, floor)
                if score < best - 1e-9:
                    best, values, improved = score, trial, True
        if not improved:
            break
    return values


def _finite_columns(props: np.ndarray) -> np.ndarray:
    """Each column with its NaNs filled from its finite neighbours (all-NaN columns: zeros)."""
    out = props.copy()
    x = np.arange(len(out))
    for j in range(out.shape[1]):
        ok = np.isfinite(out[:, j])
        if not ok.any():
            out[:, j] = 0.0
        elif not ok.all():
            out[:, j] = np.interp(x, x[ok], out[ok, j])
    return out
