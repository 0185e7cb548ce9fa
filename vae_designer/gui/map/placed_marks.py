"""The designer's own designs on the map: a marked point (a star and its name) for each placed pin.

A placed design is a pin whose ``source`` is "placed" (:mod:`.placing`); its point is where its
encoding projects on the layout on show (``MapSession.point_of``), so the marks follow every
refit and projection.  :class:`PlacedMarks` redraws them when the pins, the layout or the model
change (the session's signals).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

MARK_COLOUR = "#ffb000"


class PlacedMarks:
    """Stars for the placed pins of ``session`` on ``plot`` (a PlotWidget)."""

    def __init__(self, plot, session, signals) -> None:
        self.session = session
        self._plot = plot.getPlotItem()
        self.stars = pg.ScatterPlotItem(size=28, pxMode=True, symbol="star", brush=pg.mkBrush(MARK_COLOUR),
                                        pen=pg.mkPen("#3a2a00", width=1.2))
        self.stars.setZValue(95)
        self._plot.addItem(self.stars, ignoreBounds=True)
        self._labels: list[pg.TextItem] = []
        for signal in (signals.pins_changed, signals.layout_changed, signals.model_changed):
            signal.connect(lambda *_: self.refresh())

    @property
    def points(self) -> np.ndarray:
        """The marked points (n, 2) on show (what tests read)."""
        data = self.stars.getData()
        return np.column_stack(data) if data[0] is not None and len(data[0]) else np.zeros((0, 2))

    def refresh(self) -> None:
        s = self.session
        pins = [p for p in s.pins if p.source == "placed"] if s.has_map else []
        xy = np.array([s.point_of(p.z) for p in pins], np.float64).reshape(-1, 2)
        self.stars.setData(pos=xy)
        for item in self._labels:
            self._plot.removeItem(item)
        self._labels = []
        for pin, (x, y) in zip(pins, xy):
            label = pg.TextItem(pin.name, color=MARK_COLOUR, anchor=(-0.15, 1.1))
            label.setPos(float(x), float(y))
            label.setZValue(96)
            self._plot.addItem(label, ignoreBounds=True)
            self._labels.append(label)
