"""Picking designs on the map: Shift+drag draws a rectangle, Ctrl+Shift+drag a lasso.

:class:`MapSelector` watches the plot's scene (an event filter) for a left-button drag
that starts with Shift held: it draws the outline as the mouse moves and, on release,
hands the points inside (``core.latent.selection.inside_rectangle`` / ``inside_lasso``,
in map coordinates) to ``pick(indices)`` -- the session's ``MapSession.pick``.  Those
drags never reach pyqtgraph, so a plain drag still moves the cursor or pans the view.
A Shift+click without a drag picks nothing (it clears the pick).  The picked points are
ringed (:meth:`MapSelector.show_picked`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QPointF, Qt

from .plot_view import CURSOR_COLOUR

MAX_RINGS = 20_000  # picked points ringed at most (a pick of a whole 100k map rings a fifth of it)
MIN_DRAG_PX = 4  # a shorter drag is a click
LASSO_STEP_PX = 4  # a lasso's vertices at least this far apart on screen (fewer edges to test points against)
SCENE_MOUSE = (QEvent.Type.GraphicsSceneMousePress, QEvent.Type.GraphicsSceneMouseMove,
               QEvent.Type.GraphicsSceneMouseRelease)


class MapSelector(QObject):
    """See the module docstring.  ``view``: the :class:`~.plot_view.MapView`."""

    def __init__(self, view, pick: Callable[[np.ndarray], object], parent: QObject | None = None):
        super().__init__(parent)
        self.view = view
        self._pick = pick
        self._start: QPointF | None = None  # scene position where the drag began
        self._lasso = False
        self._moved = False  # the mouse went further than a click's jitter
        self._last = QPointF()
        self._points: list[tuple[float, float]] = []  # the outline, map coordinates
        pi = view.plot.getPlotItem()
        self.outline = pg.PlotCurveItem(pen=pg.mkPen(CURSOR_COLOUR, width=1.5, style=Qt.PenStyle.DashLine))
        self.outline.setZValue(110)
        self.outline.setVisible(False)
        pi.addItem(self.outline, ignoreBounds=True)
        self.rings = pg.ScatterPlotItem(size=11, pxMode=True, symbol="o", brush=None,
                                        pen=pg.mkPen(CURSOR_COLOUR, width=1.5))
        self.rings.setZValue(80)
        self.rings.setVisible(False)
        pi.addItem(self.rings, ignoreBounds=True)
        view.passive.append(self.rings)
        view.plot.scene().installEventFilter(self)

    @property
    def drawing(self) -> bool:
        return self._start is not None

    def eventFilter(self, obj, event) -> bool:
        if event.type() not in SCENE_MOUSE:
            return False
        if event.type() == QEvent.Type.GraphicsSceneMousePress:
            return self._press(event)
        if self._start is None:
            return False
        if event.type() == QEvent.Type.GraphicsSceneMouseMove:
            self._moved = self._moved or (event.scenePos() - self._start).manhattanLength() >= MIN_DRAG_PX
            self._extend(event.scenePos())
        elif event.button() == Qt.MouseButton.LeftButton:
            self._finish(event.scenePos())
        event.accept()
        return True

    def _press(self, event) -> bool:
        mods = event.modifiers()
        vb = self.view.view_box
        if event.button() != Qt.MouseButton.LeftButton or not mods & Qt.KeyboardModifier.ShiftModifier \
                or self.view.layout is None or not vb.sceneBoundingRect().contains(event.scenePos()):
            return False
        self._start = QPointF(event.scenePos())
        self._moved = False
        self._lasso = bool(mods & Qt.KeyboardModifier.ControlModifier)
        self._points = [self._map_point(event.scenePos())]
        self._last = QPointF(event.scenePos())  # where the lasso's newest vertex is on screen
        event.accept()
        return True

    def _map_point(self, scene_pos) -> tuple[float, float]:
        p = self.view.view_box.mapSceneToView(scene_pos)
        return p.x(), p.y()

    def _extend(self, scene_pos, last: bool = False) -> None:
        p = self._map_point(scene_pos)
        if self._lasso:
            if not last and (scene_pos - self._last).manhattanLength() < LASSO_STEP_PX:
                return
            self._points.append(p)
            self._last = QPointF(scene_pos)
        else:
            self._points = [self._points[0], p]
        self._draw_outline()

    def _outline(self) -> np.ndarray:
        if self._lasso:
            return np.asarray(self._points + self._points[:1], float)
        (x0, y0), (x1, y1) = self._points[0], self._points[-1]
        return np.array([(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)], float)

    def _draw_outline(self) -> None:
        line = self._outline()
        self.outline.setData(line[:, 0], line[:, 1])
        self.outline.setVisible(True)

    def _finish(self, scene_pos) -> None:
        from vae_designer.core.latent.selection import inside_lasso, inside_rectangle

        start, self._start = self._start, None
        self.outline.setVisible(False)
        self._extend(scene_pos, last=True)
        lm = self.view.layout
        if lm is None:
            return
        if not self._moved and (scene_pos - start).manhattanLength() < MIN_DRAG_PX:
            self._pick(np.zeros(0, np.int64))  # a Shift+click: nothing picked
        elif self._lasso:
            self._pick(inside_lasso(lm.coords, self._points))
        else:
            self._pick(inside_rectangle(lm.coords, self._points[0], self._points[-1]))

    def show_picked(self, coords: np.ndarray | None, indices: np.ndarray) -> None:
        """Ring the picked designs at their ``coords`` on the layout shown (None: no layout)."""
        idx = np.asarray(indices, np.int64)[:MAX_RINGS]
        if coords is None or not len(idx):
            self.rings.setVisible(False)
            self.rings.clear()
            return
        idx = idx[idx < len(coords)]
        self.rings.setData(pos=np.asarray(coords)[idx])
        self.rings.setVisible(True)
