"""Picking designs on the map: which points a rectangle or a lasso encloses, and the picked
designs as a CSV table (path, label, latent vector, measured properties when known).

The map page draws the outline (``gui.map.selection``) and the session keeps what was
picked (``MapSession.pick``) and the groups made of it (``MapSession.set_group``).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np

from ..errors import UserError
from ..fsio import atomic_write_bytes


def inside_rectangle(coords: np.ndarray, corner, other_corner) -> np.ndarray:
    """Indices of the points of ``coords`` (N, 2) inside the rectangle with these two corners."""
    c = np.asarray(coords, np.float64)
    lo = np.minimum(corner, other_corner)
    hi = np.maximum(corner, other_corner)
    return np.flatnonzero(((c >= lo) & (c <= hi)).all(axis=1))


def inside_lasso(coords: np.ndarray, polygon) -> np.ndarray:
    """Indices of the points of ``coords`` (N, 2) inside the closed ``polygon`` (M, 2), by the
    even-odd rule (a lasso that crosses itself leaves the twice-enclosed part out)."""
    c = np.asarray(coords, np.float64)
    p = np.asarray(polygon, np.float64).reshape(-1, 2)
    if len(p) < 3 or not len(c):
        return np.zeros(0, np.int64)
    lo, hi = p.min(axis=0), p.max(axis=0)
    cand = np.flatnonzero(((c >= lo) & (c <= hi)).all(axis=1))  # only points in its bounding box
    x, y = c[cand, 0], c[cand, 1]
    inside = np.zeros(len(cand), bool)
    for (x0, y0), (x1, y1) in zip(p, np.roll(p, -1, axis=0)):  # one pass per edge, over every point
        crosses = (y0 > y) != (y1 > y)
        with np.errstate(divide="ignore", invalid="ignore"):
            at = x0 + (y - y0) * (x1 - x0) / (y1 - y0)
        inside ^= crosses & (x < at)
    return cand[inside]


def selection_table(paths, labels, encodings, indices, properties: dict | None = None) -> tuple[list, list]:
    """The header and rows of the picked designs: ``index, path, label, z0..zD-1`` and one column per
    measured property (``properties``: name -> values over all training designs)."""
    z = np.asarray(encodings, np.float32)
    idx = [int(i) for i in np.asarray(indices, np.int64).ravel()]
    if any(not 0 <= i < len(z) for i in idx):
        raise UserError(f"design numbers must lie between 0 and {len(z) - 1}")
    props = {str(k): np.asarray(v).ravel() for k, v in (properties or {}).items() if len(v) == len(z)}
    header = ["index", "path", "label", *[f"z{d}" for d in range(z.shape[1])], *props]
    rows = []
    for i in idx:
        rows.append([i, paths[i], labels[i] if i < len(labels) else "", *[repr(float(v)) for v in z[i]],
                     *[_cell(v[i]) for v in props.values()]])
    return header, rows


def picked_properties(kind: str, frame: dict, indices, n: int, *, designs=None, decode=None,
                      encodings=None, batch: int = 256) -> dict[str, np.ndarray]:
    """The picked designs measured in source units (``export.measure.measure_fields``), as
    ``{name: (n,) values}`` with NaN for the designs not picked (what :func:`selection_table` takes):
    the training items themselves (``designs``, a DesignSet, each in its own source frame) when
    given, else the model's decodings of their ``encodings`` (``decode(z) -> probabilities``) in the
    collection's frame."""
    from ..export.measure import item_frames, measure_fields

    idx = np.unique(np.asarray(indices, np.int64).ravel())
    out: dict[str, np.ndarray] = {}
    for s in range(0, len(idx), batch):
        part = idx[s:s + batch]
        if designs is not None:
            sizes, centres = item_frames(frame, [designs.meta[int(i)] for i in part])
            values = measure_fields(kind, designs.batch(part), frame, sizes=sizes, centres=centres)
        elif decode is not None and encodings is not None:
            values = measure_fields(kind, decode(np.asarray(encodings, np.float32)[part]), frame)
        else:
            return {}
        for name, v in values.items():
            out.setdefault(name, np.full(n, np.nan))[part] = v
    return out


def _cell(value) -> str:
    if isinstance(value, (float, np.floating)):
        return "" if not np.isfinite(value) else repr(float(value))
    return str(value.item() if isinstance(value, np.generic) else value)


def write_selection_csv(path, paths, labels, encodings, indices, properties: dict | None = None) -> Path:
    """Write :func:`selection_table` to ``path`` as CSV (atomically); the path written."""
    target = Path(path)
    if not target.parent.is_dir():
        raise UserError(f"{target.parent}: no such folder")
    header, rows = selection_table(paths, labels, encodings, indices, properties)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    atomic_write_bytes(target, buf.getvalue().encode())
    return target
