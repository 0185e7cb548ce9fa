"""Live loss curves: reconstruction and KL, training and validation, against epochs.

Training values arrive with step events (x = fractional epoch, rate limited by
the worker); validation values once per epoch.  Data are kept in growing numpy
buffers and pushed with ``setData`` -- cheap enough to redraw at 10 Hz for
thousands of points (``clipToView`` and auto downsampling do the rest).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QWidget

from ..common import theme


class _Series:
    def __init__(self):
        self.x = np.zeros(256)
        self.y = np.zeros(256)
        self.n = 0

    def add(self, x: float, y: float | None) -> None:
        if y is None or not np.isfinite(y):
            return
        if self.n == len(self.x):
            self.x = np.resize(self.x, 2 * self.n)
            self.y = np.resize(self.y, 2 * self.n)
        self.x[self.n] = x
        self.y[self.n] = y
        self.n += 1

    def clear(self) -> None:
        self.n = 0

    def data(self):
        return self.x[: self.n], self.y[: self.n]


class LossPlot(QWidget):
    """Two plots side by side; ``add_train``/``add_val`` feed them."""

    KEYS = ("train_recon", "val_recon", "train_kl", "val_kl")
    REDRAW_MS = 500

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.series = {k: _Series() for k in self.KEYS}
        self.recon_plot = pg.PlotWidget()
        self.kl_plot = pg.PlotWidget()
        self.recon_plot.setObjectName("ReconLossPlot")
        self.kl_plot.setObjectName("KlLossPlot")
        self.curves = {}
        for plot, title, keys in ((self.recon_plot, self.tr("Reconstruction loss"), ("train_recon", "val_recon")),
                                  (self.kl_plot, self.tr("KL divergence"), ("train_kl", "val_kl"))):
            plot.setMinimumHeight(180)
            plot.setMenuEnabled(False)
            plot.showGrid(x=True, y=True, alpha=0.15)
            item = plot.getPlotItem()
            item.setTitle(title)
            item.setLabel("bottom", self.tr("epoch"))
            item.setLabel("left", self.tr("nats per design"))
            item.setClipToView(True)
            for name in ("left", "bottom"):
                axis = item.getAxis(name)
                axis.setStyle(hideOverlappingLabels=True)  # no half-drawn tick labels at the ends
                axis.enableAutoSIPrefix(False)  # no "(m)"/"(k)" unit prefixes on nats and epochs
            item.setDownsampling(auto=True, mode="peak")
            plot.setMouseEnabled(x=False, y=False)
            for k in keys:
                name = self.tr("training") if k.startswith("train") else self.tr("validation")
                self.curves[k] = plot.plot([], [], name=name)
        self.recon_plot.getPlotItem().setToolTip(
            self.tr("How far the reconstructions are from the originals (binary cross-entropy, nats per design)"))
        self.kl_plot.getPlotItem().setToolTip(
            self.tr("KL divergence of the latent codes from the prior: how much information the codes carry"))
        # redraws are coalesced: at most every REDRAW_MS, however fast points arrive
        self._dirty: set[str] = set()
        self._redraw_timer = QTimer(self)
        self._redraw_timer.setSingleShot(True)
        self._redraw_timer.setInterval(self.REDRAW_MS)
        self._redraw_timer.timeout.connect(self._flush)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        layout.addWidget(self.recon_plot)
        layout.addWidget(self.kl_plot)
        self._apply_theme(theme.current())
        theme.notifier.theme_changed.connect(self._apply_theme)

    def sizeHint(self):
        from PySide6.QtCore import QSize

        return QSize(800, 280)

    def clear(self) -> None:
        for s in self.series.values():
            s.clear()
        self._redraw()

    def point_counts(self) -> dict[str, int]:
        return {k: s.n for k, s in self.series.items()}

    def drawn_counts(self) -> dict[str, int]:
        """Points the curves actually show (after the coalesced redraw)."""
        out = {}
        for k, c in self.curves.items():
            x, _ = c.getData()
            out[k] = 0 if x is None else len(x)
        return out

    def add_train(self, x: float, recon: float, kl: float, redraw: bool = True) -> None:
        self.series["train_recon"].add(x, recon)
        self.series["train_kl"].add(x, kl)
        if redraw:
            self._redraw(("train_recon", "train_kl"))

    def add_val(self, x: float, recon: float, kl: float, redraw: bool = True) -> None:
        self.series["val_recon"].add(x, recon)
        self.series["val_kl"].add(x, kl)
        if redraw:
            self._redraw(("val_recon", "val_kl"))

    def set_history(self, history: list[dict]) -> None:
        """Per-epoch records of a saved project (keys as in TrainEvent: train_recon, val_kl ...)."""
        self.clear()
        def num(v) -> float:
            return float(v) if v is not None else float("nan")

        for i, rec in enumerate(history):
            x = float(rec.get("epoch", i + 1))
            self.add_train(x, num(rec.get("train_recon")), num(rec.get("train_kl")), redraw=False)
            self.add_val(x, num(rec.get("val_recon")), num(rec.get("val_kl")), redraw=False)
        self._redraw()

    def _redraw(self, keys=KEYS) -> None:
        self._dirty.update(keys)
        if not self._redraw_timer.isActive():
            self._redraw_timer.start()

    def flush(self) -> None:
        """Draw pending points now (tests, screenshots)."""
        self._redraw_timer.stop()
        self._flush()

    def _flush(self) -> None:
        for k in self._dirty:
            x, y = self.series[k].data()
            self.curves[k].setData(x, y)
        self._dirty.clear()

    @staticmethod
    def legend_html(t=None) -> str:
        """One legend for both plots (same colours in each), for a label above them."""
        t = t or theme.current()
        train = QCoreApplication.translate("LossPlot", "training")
        val = QCoreApplication.translate("LossPlot", "validation (after each epoch)")
        return (f"<span style='color:{t.curves[0]}; font-weight:bold'>━━</span>&nbsp;{train}"
                f"&nbsp;&nbsp;&nbsp;&nbsp;<span style='color:{t.curves[1]}; font-weight:bold'>━●━</span>"
                f"&nbsp;{val}")

    def _apply_theme(self, t) -> None:
        train, val = t.curves[0], t.curves[1]
        styles = {"train_recon": (train, Qt.PenStyle.SolidLine), "val_recon": (val, Qt.PenStyle.SolidLine),
                  "train_kl": (train, Qt.PenStyle.SolidLine), "val_kl": (val, Qt.PenStyle.SolidLine)}
        for k, (colour, style) in styles.items():
            width = 1.6 if k.startswith("train") else 2.4
            self.curves[k].setPen(pg.mkPen(colour, width=width, style=style))
            if k.startswith("val"):
                self.curves[k].setSymbol("o")
                self.curves[k].setSymbolSize(5)
                self.curves[k].setSymbolBrush(pg.mkBrush(colour))
                self.curves[k].setSymbolPen(pg.mkPen(colour))
        for plot in (self.recon_plot, self.kl_plot):
            plot.setBackground(t.base)
            item = plot.getPlotItem()
            item.setTitle(item.titleLabel.text, color=t.text, size="10pt")
            for name in ("left", "bottom"):
                axis = item.getAxis(name)
                axis.setPen(pg.mkPen(t.border))
                axis.setTextPen(pg.mkPen(t.muted))
                axis.label.setDefaultTextColor(pg.mkColor(t.muted))
