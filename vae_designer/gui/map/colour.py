"""Colouring the map's points by a value per design (reconstruction error, or a measured property
that ``.steering`` provides through ``PointColours.values_for``), and its colour bar.

* :class:`ErrorColours` gets each design's reconstruction error
  (``core.training.reconstruction_errors``) in a worker thread with the map's shared
  model (:func:`.map_decoder.model_for`), once per model (the weights' key), and says
  when they are ready.
* Points are coloured through a lookup table: the values are binned into
  ``LEVELS`` steps of a perceptual colour map and every point gets one of
  ``LEVELS`` shared :class:`QBrush` objects (an object array indexed by the bins,
  no Python loop per point).  pyqtgraph keys its symbol atlas by brush identity,
  so 100k points cost ``LEVELS`` rendered symbols, not 100k.
* The range is the 1st-99th percentile: one broken design must not squeeze
  every other point into a single colour (values beyond take the end colours).
* The colour map is viridis (perceptually uniform, colour-blind safe), trimmed
  at the end that would vanish into the plot's background: its dark violet on
  the dark look, its pale yellow on the light one.
"""

from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QLinearGradient, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ..common.jobs import LatestJobs
from .decoder import model_for

LEVELS = 64
COLOUR_MAP = "viridis"


def colour_lut(t, levels: int = LEVELS) -> np.ndarray:
    """(levels, 4) uint8 RGBA, low values first, for theme ``t``."""
    start, stop = (0.18, 1.0) if t.dark else (0.0, 0.88)
    return pg.colormap.get(COLOUR_MAP).getLookupTable(start, stop, levels, alpha=True).astype(np.uint8)


def brush_table(lut: np.ndarray, alpha: int = 230) -> np.ndarray:
    """An object array of one QBrush per colour of the table (indexable by bins)."""
    table = np.empty(len(lut), dtype=object)
    for i, (r, g, b, _a) in enumerate(lut):
        table[i] = QBrush(QColor(int(r), int(g), int(b), alpha))
    return table


def value_range(values: np.ndarray) -> tuple[float, float]:
    """The 1st and 99th percentiles of the finite values (a robust colour range)."""
    v = np.asarray(values, np.float64)
    v = v[np.isfinite(v)]
    if not len(v):
        return 0.0, 1.0
    lo, hi = np.percentile(v, [1, 99]) if len(v) >= 20 else (v.min(), v.max())
    if hi <= lo:
        hi = lo + max(abs(lo) * 1e-3, 1e-6)
    return float(lo), float(hi)


def value_bins(values: np.ndarray, lo: float, hi: float, levels: int = LEVELS) -> np.ndarray:
    """Index (0..levels-1) of each value's colour; non-finite values take the top colour."""
    v = np.asarray(values, np.float64)
    v = np.where(np.isfinite(v), v, hi)
    return np.clip(np.floor((v - lo) / (hi - lo) * levels), 0, levels - 1).astype(np.intp)


class ColourBar(QWidget):
    """A small horizontal colour bar with the range's ends and what the values are."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("MapColourBar")
        self.lut = np.zeros((2, 4), np.uint8)
        self.lo, self.hi, self.unit, self.note = 0.0, 1.0, "", ""
        self.message = ""
        self.text_colour, self.border_colour = QColor("#000"), QColor("#888")
        self.setFixedWidth(230)
        self.setFixedHeight(30)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def set_range(self, lo: float, hi: float, lut: np.ndarray, unit: str = "", note: str = "") -> None:
        self.lo, self.hi, self.lut, self.unit, self.note = float(lo), float(hi), lut, unit, note
        self.message = ""
        self.setToolTip(self.tr("Colour range: {0} to {1} {2} (1st to 99th percentile; beyond them the end "
                                "colours)").format(_fmt(lo), _fmt(hi), unit) + (f"\n{note}" if note else ""))
        self.update()

    def set_message(self, text: str) -> None:
        """Words instead of the bar (computing, unavailable)."""
        self.message = text
        self.setToolTip(text)
        self.update()

    def retheme(self, t) -> None:
        self.text_colour, self.border_colour = QColor(t.muted), QColor(t.border)
        self.update()

    def paintEvent(self, _event) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self.message:
            p.setPen(self.text_colour)
            p.drawText(self.rect(), int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
                       p.fontMetrics().elidedText(self.message, Qt.TextElideMode.ElideRight, self.width()))
            p.end()
            return
        fm = p.fontMetrics()
        left, right = f"{_fmt(self.lo)}", f"{_fmt(self.hi)} {self.unit}".strip()
        if self.note:
            right += f"  {self.note}"
        lw, rw = fm.horizontalAdvance(left) + 6, fm.horizontalAdvance(right) + 6
        bar = QRectF(lw, (self.height() - 12) / 2, max(20.0, self.width() - lw - rw), 12)
        grad = QLinearGradient(bar.left(), 0, bar.right(), 0)
        n = len(self.lut)
        for i, (r, g, b, _a) in enumerate(self.lut):
            grad.setColorAt(i / max(n - 1, 1), QColor(int(r), int(g), int(b)))
        p.setPen(QPen(self.border_colour, 1))
        p.setBrush(QBrush(grad))
        p.drawRoundedRect(bar, 3, 3)
        p.setPen(self.text_colour)
        right_aligned = int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight)
        p.drawText(QRectF(0, 0, lw - 4, self.height()), right_aligned, left)
        p.drawText(QRectF(bar.right() + 5, 0, rw, self.height()),
                   int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft), right)
        p.end()


def _fmt(v: float) -> str:
    a = abs(v)
    return f"{v:.0f}" if a >= 100 else (f"{v:.1f}" if a >= 10 else f"{v:.2f}")


class ErrorJob:
    """Worker callable: every design's reconstruction error under one model."""

    def __call__(self, job: dict) -> dict:
        from vae_designer.core.training import reconstruction_errors

        t0 = time.perf_counter()
        model = model_for(job["config"], job["weights"])
        errors = reconstruction_errors(model, job["config"], job["designs"], batch_size=64)
        return {"errors": errors, "weights_key": job["weights_key"], "paths": job["paths"],
                "seconds": time.perf_counter() - t0}


class ErrorColours(QObject):
    """Reconstruction errors of the map's designs, computed off the GUI thread once per model.

    ``ready`` when the errors of the newest requested model arrive (``errors``,
    ``key``); ``failed(message)``.
    """

    ready = Signal()
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.errors: np.ndarray | None = None
        self.key = None  # (weights key, paths) the errors are for
        self._wanted = None
        self.seconds = 0.0
        self._jobs = LatestJobs(ErrorJob(), name="map-errors", parent=self)
        self._jobs.done.connect(self._done)
        self._jobs.failed.connect(lambda _t, msg: self.failed.emit(msg))

    @property
    def pending(self) -> bool:
        return self._wanted is not None and self._wanted != self.key

    def request(self, config, weights, weights_key, designs, paths) -> bool:
        """Ask for the errors of this model on these designs; False if they are known already."""
        key = (weights_key, tuple(paths))
        if key == self.key or key == self._wanted:
            return False
        self._wanted = key
        self._jobs.submit({"config": config, "weights": weights, "weights_key": weights_key,
                           "designs": designs, "paths": tuple(paths)}, tag=key)
        return True

    def clear(self) -> None:
        self.errors, self.key, self._wanted = None, None, None

    def provide(self, errors: np.ndarray, key, seconds: float = 0.0) -> None:
        """Errors computed elsewhere for ``key`` (a benchmark's or a test's synthetic ones), taken
        as if the error thread had just delivered them."""
        self._wanted = key
        self._done(key, {"errors": errors, "seconds": seconds})

    def _done(self, tag, out: dict) -> None:
        if tag != self._wanted:
            return  # an older model's errors; the newest are on their way
        self.errors, self.key, self.seconds = out["errors"], tag, out["seconds"]
        self.ready.emit()

    def shutdown(self) -> None:
        self._jobs.shutdown(wait=True)


class PointColours(QObject):
    """Colour the map's points by label or by reconstruction error, and keep the colour bar in step.

    ``session`` (the map session) says what is shown, ``points`` (a PointLayer) is coloured,
    ``colour_by()`` says what the user chose; ``errors_ready`` when new errors are in.
    """

    errors_ready = Signal()

    def __init__(self, session, points, bar: ColourBar, colour_by, parent: QObject | None = None):
        super().__init__(parent)
        self.session, self.points, self.bar, self._colour_by = session, points, bar, colour_by
        # other values to colour by (measured properties, ``.steering``): values_for(what) -> (values or None,
        # unit, message) for a choice other than "label" and "error", or None when it knows nothing of it
        self.values_for = None
        self.errors = ErrorColours(self)
        self.errors.ready.connect(self._ready)
        self.errors.failed.connect(
            lambda msg: self.bar.set_message(self.tr("Reconstruction errors failed: {0}").format(msg)))

    def current_errors(self) -> np.ndarray | None:
        """The reconstruction errors of the shown designs (maybe of the previous model while the
        newest are computed), or None."""
        s, err, key = self.session, self.errors.errors, self.errors.key
        if err is None or key is None or key[1] != tuple(s.paths) or s.latent_map is None \
                or len(err) != len(s.latent_map.coords):
            return None
        return err

    def show_errors(self, errors: np.ndarray) -> None:
        """Reconstruction errors of the shown designs computed elsewhere (a benchmark's or a test's
        synthetic ones), used as if the error worker had delivered them for the current model."""
        self.errors.provide(np.asarray(errors, np.float32), (self.session.context.key, tuple(self.session.paths)))

    def changed(self) -> None:
        """The user chose another colouring."""
        self.request()
        self.apply()

    def request(self) -> None:
        """Ask for the errors of the model on show when the points are coloured by them."""
        s = self.session
        if self._colour_by() != "error" or not s.has_map:
            return
        if s.designs is None or len(s.designs) != len(s.paths):
            self.bar.set_message(self.tr("Reconstruction errors need the design folder"))
            return
        self.errors.request(s.config, s.context.weights, s.context.key, s.designs, s.paths)

    def apply(self) -> None:
        """Colour the points by label, or by reconstruction error (or another value) with the colour bar."""
        what = self._colour_by()
        by_error = what == "error"
        other = self.values_for(what) if self.values_for is not None and what not in ("label", "error") else None
        bar = self.points.colour(self.current_errors() if by_error else (other[0] if other else None))
        if bar is not None:
            updating = self.tr("updating…") if self.errors.pending else ""
            self.bar.set_range(*bar, *(other[1:] if other else ("nats", updating)))
            self.bar.show()
        elif other is not None:
            self.bar.set_message(other[2])
            self.bar.show()
        elif by_error:
            if self.errors.pending:
                self.bar.set_message(self.tr("Computing reconstruction errors…"))
            self.bar.show()
        else:
            self.bar.hide()

    def clear(self) -> None:
        self.errors.clear()
        self.bar.hide()

    def _ready(self) -> None:
        self.apply()
        self.errors_ready.emit()

    def shutdown(self) -> None:
        self.errors.shutdown()
