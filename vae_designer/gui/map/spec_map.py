"""The map between the training designs, measured: where decoded designs break the constraints, and
the colours of a property there.

:class:`SpecLattice` decodes an n x n lattice of map points (lifted as the cursor
is, ``core.latent.spec.lattice_values``) in a background :class:`~..common.jobs.LatestJobs`
worker with the map's shared model and measures every design (the fast measurement,
``core.export.measure.measure_fields``) -- once per model and layout.  Two image items
behind the points draw what those numbers say:

* the *shading*: translucent in the theme's danger colour where a design breaks a
  constraint, with a line along the border of what meets them (the slack field,
  ``core.latent.constraints.slack``, enlarged 12x by a cubic spline, so the border is
  smooth); over the property colours only the border line;
* the *colours* of the property the points are coloured by, in the same colour table
  and range as the points, fainter.

Editing constraints or switching the property only redraws (milliseconds on the GUI
thread); the decoding happens when the model or the layout changes, and waits on the
interaction gate like every background job, so dragging keeps its latency.
"""

from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, QRectF, Signal
from PySide6.QtGui import QColor

from ..common.jobs import LatestJobs
from .decoder import model_for

LATTICE = {"image": 28, "mesh": 20}  # cells a side (a 32^3 mesh costs about five 64^2 images)
ZOOM = 12  # the shading is drawn this many times finer than the lattice
SHADE_ALPHA, BORDER_ALPHA, COLOUR_ALPHA = 80, 210, 120


class LatticeJob:
    """Worker callable: the fast measurements of the designs at the lattice's points."""

    def __call__(self, job: dict) -> dict:
        from vae_designer.core.latent.spec import lattice_values
        from vae_designer.core.training import decode_latents

        t0 = time.perf_counter()
        model = model_for(job["config"], job["weights"])
        values = lattice_values(job["latent_map"], lambda z: decode_latents(model, z, batch_size=64), job["kind"],
                                job["frame"], job["bounds"], job["n"], job.get("names"))
        return {"values": values, "bounds": job["bounds"], "n": job["n"], "key": job["key"],
                "seconds": time.perf_counter() - t0}


def _zoomed(field: np.ndarray, order: int = 1) -> np.ndarray:
    from scipy import ndimage

    return ndimage.zoom(field, ZOOM, order=order, mode="nearest", grid_mode=True)


def shading_rgba(slack: np.ndarray, n: int, colour: QColor, fill: bool = True) -> np.ndarray:
    """RGBA (n*ZOOM, n*ZOOM, 4) uint8, row 0 at the top: shaded where ``slack`` (n*n, lattice order) < 0
    (unless not ``fill``), with a border line where it changes sign (the field enlarged by a cubic
    spline: a smooth border, not the lattice's steps)."""
    from scipy import ndimage

    s = np.nan_to_num(np.asarray(slack, np.float64).reshape(n, n), nan=-1.0, neginf=-1.0, posinf=1.0)
    bad = _zoomed(np.clip(s, -0.05, 0.05), order=3) < 0
    edge = bad & ~ndimage.binary_erosion(bad, iterations=2, border_value=1)
    rgba = np.zeros((*bad.shape, 4), np.uint8)
    rgba[..., :3] = (colour.red(), colour.green(), colour.blue())
    rgba[..., 3] = np.where(edge, BORDER_ALPHA, np.where(bad & fill, SHADE_ALPHA, 0))
    return rgba


def colour_rgba(values: np.ndarray, n: int, lo: float, hi: float, lut: np.ndarray) -> np.ndarray:
    """RGBA (n*ZOOM, n*ZOOM, 4) uint8 of ``values`` (n*n) in the colour table over [lo, hi]."""
    from .colour import value_bins

    v = np.asarray(values, np.float64).reshape(n, n)
    known = np.isfinite(v)
    z = _zoomed(np.where(known, v, np.nanmedian(v) if known.any() else 0.0))
    rgba = np.zeros((*z.shape, 4), np.uint8)
    rgba[..., :3] = lut[value_bins(z, lo, hi, len(lut)), :3]
    rgba[..., 3] = np.where(_zoomed(known.astype(np.float64)) > 0.5, COLOUR_ALPHA, 0)
    return rgba


class SpecLattice(QObject):
    """Owns the lattice worker and the two image items; ``updated`` after each new lattice."""

    updated = Signal()
    failed = Signal(str)

    def __init__(self, plot_item, parent: QObject | None = None):
        super().__init__(parent)
        self.shade_item, self.colour_item = pg.ImageItem(axisOrder="row-major"), pg.ImageItem(axisOrder="row-major")
        for item, z in ((self.shade_item, -40), (self.colour_item, -60)):
            item.setZValue(z)
            item.setVisible(False)
            plot_item.addItem(item, ignoreBounds=True)
        self.last: dict | None = None  # {"values", "bounds", "n", "key", "seconds"}
        self.wanted = None
        self.updates = 0
        self._jobs = LatestJobs(LatticeJob(), name="map-lattice", parent=self)
        self._jobs.done.connect(self._done)
        self._jobs.failed.connect(lambda _t, msg: self.failed.emit(msg))

    @property
    def pending(self) -> bool:
        return self.wanted is not None and (self.last is None or self.last["key"] != self.wanted)

    def request(self, context, latent_map, frame: dict, names=None) -> None:
        """Measure the lattice of this model and layout (unless it is measured already or on its way)."""
        bounds = latent_map.bounds()
        key = (context.key, id(latent_map), tuple(names or ()))
        if key == self.wanted:
            return
        self.wanted = key
        n = LATTICE.get(context.kind, 20)
        self._jobs.submit(context.job(latent_map=latent_map, frame=frame, bounds=bounds, n=n, names=names, key=key),
                          tag=key)

    def forget(self) -> None:
        self.wanted, self.last = None, None
        self.shade_item.setVisible(False)
        self.colour_item.setVisible(False)

    def _done(self, tag, out: dict) -> None:
        if tag != self.wanted:
            return
        self.last = out
        self.updates += 1
        self.updated.emit()

    def values(self, name: str) -> np.ndarray | None:
        out = self.last
        return None if out is None or out["key"] != self.wanted else out["values"].get(name)

    def show_shading(self, slack: np.ndarray | None, colour: QColor, fill: bool = True) -> None:
        """Shade where ``slack`` (one per lattice point) is negative (only its border without ``fill``:
        over the property colours); None hides the shading."""
        if slack is None or self.last is None:
            self.shade_item.setVisible(False)
            return
        self._place(self.shade_item, shading_rgba(slack, self.last["n"], colour, fill))

    def show_colours(self, values: np.ndarray | None, lo: float = 0.0, hi: float = 1.0, lut=None) -> None:
        if values is None or self.last is None or lut is None:
            self.colour_item.setVisible(False)
            return
        self._place(self.colour_item, colour_rgba(values, self.last["n"], lo, hi, lut))

    def _place(self, item, rgba: np.ndarray) -> None:
        x0, x1, y0, y1 = self.last["bounds"]
        # row-major image rows run along +y, and +y is up on the map: flip so row 0 is the top
        item.setImage(np.ascontiguousarray(rgba[::-1]), autoLevels=False, levels=(0, 255))
        item.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
        item.setVisible(True)

    def shutdown(self) -> None:
        self._jobs.shutdown(wait=True)
