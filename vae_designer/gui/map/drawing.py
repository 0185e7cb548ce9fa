"""The map's points: one layer of the plot that draws the encodings' layout and colours it.

* :class:`PointLayer` draws one :class:`pyqtgraph.ScatterPlotItem` per label (one
  brush each, pixel mode, cached symbols) up to ``BIG_MAP`` points; above, one
  :class:`~.point_cloud.PointCloud` that rasterises all points with numpy into one
  image (a pan or zoom frame of 100k points in ~10 ms, recolouring = replacing a
  colour array), its legend drawn from small stand-in items.
* Colours: by label, or by a value per design (reconstruction error, binned through
  the colour table of :mod:`.colour`).

It knows nothing of the session: the page hands it a layout, labels and values.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor

from ..common import theme
from .colour import brush_table, colour_lut, value_bins, value_range
from .point_cloud import PointCloud, argb32

MAX_LEGEND = 12
BIG_MAP = 5_000  # above this many points the map is one PointCloud, not a ScatterPlotItem per label
# (per-point brushes cost ~10 us a point: recolouring more points than this would stall the GUI > 50 ms)
GRID_ALPHA = 0.12
CLOUD_ALPHA = 200  # the big map's point colours (its points do not pile up as translucent symbols do)
LABEL_COLOURS = ("#4d94ff", "#ff9f43", "#4cc38a", "#e86fb2", "#b08cff", "#f0c419", "#38c6d9", "#ff6b6b",
                 "#8fbf4f", "#c98b5b", "#7f8fa6", "#d96ad9")


def _designs() -> str:
    """The legend's entry of designs without a label."""
    return QCoreApplication.translate("PointLayer", "designs")


def label_colour(i: int) -> QColor:
    if i < len(LABEL_COLOURS):
        return QColor(LABEL_COLOURS[i])
    return QColor(pg.intColor(i, hues=13))


class PointLayer:
    """The points of the map in ``plot`` (a PlotWidget) and their legend."""

    def __init__(self, plot) -> None:
        self.plot = plot
        self.legend = plot.getPlotItem().addLegend(offset=(8, 8), labelTextSize="9pt")
        self.scatters: list[pg.ScatterPlotItem] = []
        self.cloud: PointCloud | None = None  # the points of a big map (BIG_MAP), instead of scatters
        self.bins: np.ndarray | None = None  # each point's colour level when coloured by values
        self._legend_samples: list[pg.ScatterPlotItem] = []  # the legend's stand-ins for the cloud's labels
        self._label_masks: list[np.ndarray] = []
        self._label_brushes: list = []
        self._drawn_labels: np.ndarray | None = None  # redraw only when the labels change
        self._by_values = False  # the points carry per-point value brushes
        self._grid = True

    @property
    def items(self) -> list[tuple[object, np.ndarray]]:
        """The scatter items of a small map with each one's item mask (empty for a big map)."""
        return list(zip(self.scatters, self._label_masks))

    def owns(self, item) -> bool:
        """``item`` is one of the point items (a click on it is a click on the map)."""
        return any(item is s for s in self.scatters)

    def clear(self) -> None:
        self._remove()
        self._drawn_labels = None
        self.legend.clear()
        self.bins = None

    def _remove(self) -> None:
        for s in self.scatters:
            self.plot.removeItem(s)
        self.scatters = []
        if self.cloud is not None:
            self.plot.removeItem(self.cloud)
            self.cloud = None
        self._legend_samples = []

    def draw(self, coords: np.ndarray, labels) -> None:
        """Show points at ``coords`` (N, 2) with their labels; the same labels again only move them."""
        labels = np.asarray(labels if len(labels) == len(coords) else [""] * len(coords))
        big = len(coords) > BIG_MAP
        drawn = self.cloud is not None if big else bool(self.scatters)
        if drawn and self._drawn_labels is not None and np.array_equal(self._drawn_labels, labels):
            # same designs, new positions (a refit after an epoch): move the points, keep the items
            if big:
                self.cloud.set_data(coords)  # keeps the colours
            else:
                for s, sel in zip(self.scatters, self._label_masks):
                    s.setData(x=coords[sel, 0], y=coords[sel, 1])
                self._by_values = False  # setData dropped the per-point brushes
            return
        self._drawn_labels = labels
        self._label_masks, self._label_brushes = [], []
        self._remove()
        self.legend.clear()
        self._show_grid(not big)
        names = self._draw_cloud(coords, labels) if big else self._draw_scatters(coords, labels)
        if len(names) > MAX_LEGEND:
            self.legend.addItem(pg.PlotDataItem(pen=None), QCoreApplication.translate(
                "PointLayer", "… {0} more labels").format(len(names) - MAX_LEGEND))
        self.legend.setLabelTextColor(theme.current().text)
        self._by_values = False

    def _draw_scatters(self, coords: np.ndarray, labels: np.ndarray) -> list[str]:
        names = list(dict.fromkeys(labels.tolist()))
        size = 7 if len(coords) < 5000 else (4 if len(coords) < 50000 else 3)
        for k, name in enumerate(names):
            sel = labels == name
            self._label_masks.append(sel)
            colour = label_colour(k)
            colour.setAlpha(220 if len(coords) < 5000 else 150)
            s = pg.ScatterPlotItem(x=coords[sel, 0], y=coords[sel, 1], pen=None, brush=pg.mkBrush(colour),
                                   size=size, pxMode=True, useCache=True, hoverable=False,
                                   name=(name or _designs()) if k < MAX_LEGEND else None)
            self.plot.addItem(s)
            self.scatters.append(s)
            self._label_brushes.append(pg.mkBrush(colour))
        return names

    def _show_grid(self, on: bool) -> None:
        """The grid lines (off on big maps: pyqtgraph draws them as the axes' ticks, ~10 ms a
        frame, mostly vertical spans, and under 100k points they are hardly seen)."""
        if on != self._grid:
            self._grid = on
            self.plot.getPlotItem().showGrid(x=on, y=on, alpha=GRID_ALPHA)

    def _draw_cloud(self, coords: np.ndarray, labels: np.ndarray) -> list[str]:
        """A big map: all points in one PointCloud, coloured per point; the legend's entries are
        stand-in items (clicking one hides or shows that label's points, as with the scatters)."""
        uniq, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
        order = np.argsort(first)  # labels in order of first appearance, as the small maps number them
        rank = np.empty(len(order), np.intp)
        rank[order] = np.arange(len(order))
        self._point_codes = rank[np.ravel(inverse)]
        names = [str(uniq[i]) for i in order]
        colours = [label_colour(k) for k in range(len(names))]
        self._label_argb = argb32([(c.red(), c.green(), c.blue(), CLOUD_ALPHA) for c in colours])
        self.cloud = PointCloud(coords, self._label_argb[self._point_codes],
                                size=3.0 if len(coords) >= 50000 else 4.0)
        self.plot.addItem(self.cloud)
        for k, name in enumerate(names[:MAX_LEGEND]):
            c = QColor(colours[k])
            c.setAlpha(230)
            sample = pg.ScatterPlotItem(pen=None, brush=pg.mkBrush(c), size=7, symbol="o")
            sample.visibleChanged.connect(self._legend_toggled)
            self.legend.addItem(sample, name or _designs())
            self._legend_samples.append(sample)
        return names

    def _legend_toggled(self) -> None:
        """A legend entry of the big map was clicked: show only the labels whose entries are on."""
        if self.cloud is None:
            return
        hidden = [k for k, s in enumerate(self._legend_samples) if not s.isVisible()]
        self.cloud.set_shown(~np.isin(self._point_codes, hidden) if hidden else None)

    def colour(self, values: np.ndarray | None) -> tuple[float, float, np.ndarray] | None:
        """Colour the points by ``values`` (one per point; the legend hides), or by label (None).
        Returns the colour bar's (lo, hi, colour table) when coloured by values."""
        if not (self.scatters or self.cloud is not None):
            return None
        if values is not None:
            lo, hi = value_range(values)
            lut = colour_lut(theme.current())
            bins = value_bins(values, lo, hi, len(lut))
            if self.cloud is not None:  # one colour array: no per-point brushes
                self.cloud.set_colours(argb32(np.column_stack([lut[:, :3], np.full(len(lut), CLOUD_ALPHA)]))[bins])
            else:
                table = brush_table(lut, 230 if len(values) < 5000 else 170)
                for s, sel in zip(self.scatters, self._label_masks):
                    s.setBrush(table[bins[sel]])
            self._by_values = True
            self.legend.setVisible(False)
            self.bins = bins
            return lo, hi, lut
        if self._by_values:
            if self.cloud is not None:
                self.cloud.set_colours(self._label_argb[self._point_codes])
            for s, b in zip(self.scatters, self._label_brushes):
                s.setBrush([b] * len(s.data))  # per point again: replaces the value brushes
            self._by_values = False
        self.bins = None
        self.legend.setVisible(True)
        return None

    def retheme(self, t) -> None:
        bg = QColor(t.base)
        bg.setAlpha(215)
        self.legend.setBrush(pg.mkBrush(bg))
        self.legend.setPen(pg.mkPen(t.border))
        self.legend.setLabelTextColor(t.text)
