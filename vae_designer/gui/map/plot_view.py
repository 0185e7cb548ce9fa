"""The map itself: the plot with its points, the draggable cursor, hover, the selection ring.

:class:`MapView` owns the :class:`pyqtgraph.PlotWidget` and the items drawn on it
(the :class:`~.drawing.PointLayer`, the cursor :class:`pyqtgraph.TargetItem`,
the :class:`~.item_card.HoverCard` and :class:`~.item_card.ItemCard`, the
selection ring, the :class:`~.backdrop.MapBackdrop`) and says what the user did
on it through signals; it holds no session state.  Hovering uses the layout's
k-d tree (``LatentMap.nearest_item``), not per-point hover items.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, QPointF, Qt, Signal

from .backdrop import MapBackdrop
from .drawing import GRID_ALPHA, PointLayer
from .item_card import HoverCard, ItemCard

CURSOR_COLOUR = "#ff3d7f"
NEAR_PX = 12  # a click or hover this close (Manhattan, screen pixels) to a point is on it


class MapView(QObject):
    """See the module docstring.  ``thumb(index)`` gives hover pictures (or None)."""

    cursor_dragged = Signal(float, float)  # the user dragged the cursor to map point (x, y)
    point_clicked = Signal(int)  # a click on a training design
    map_clicked = Signal(float, float)  # a click on the map beside every design
    view_reset = Signal()  # a double-click: show every design again
    gesture_ended = Signal()  # a drag of the cursor or a click ended: the design rests (a step of history)

    def __init__(self, thumb, parent: QObject | None = None):
        super().__init__(parent)
        self._thumb = thumb
        self.layout = None  # the LatentMap drawn (hover and clicks find designs in it)
        self.names: list[str] = []
        self.plot = pg.PlotWidget()
        self.plot.setObjectName("MapPlot")
        pi = self.plot.getPlotItem()
        pi.showGrid(x=True, y=True, alpha=GRID_ALPHA)
        pi.setMenuEnabled(False)
        pi.hideButtons()
        pi.getViewBox().setAspectLocked(False)
        # the view shows every design after each refit, until the user zooms or pans
        self.view_follows = True
        pi.getViewBox().sigRangeChangedManually.connect(self._moved_by_user)
        self.points = PointLayer(self.plot)
        self.cursor = pg.TargetItem(pos=(0, 0), size=18, movable=True, symbol="crosshair",
                                    pen=pg.mkPen(CURSOR_COLOUR, width=2.5), hoverPen=pg.mkPen(CURSOR_COLOUR, width=4))
        self.cursor.setZValue(100)
        self.cursor.sigPositionChanged.connect(self._cursor_changed)
        self.cursor.setVisible(False)
        pi.addItem(self.cursor, ignoreBounds=True)
        self.plot.scene().sigMouseMoved.connect(self._mouse_moved)
        self.plot.scene().sigMouseClicked.connect(self._mouse_clicked)
        self.hover = HoverCard(self.plot)
        self.item_card = ItemCard(self.plot)
        self.selection_ring = pg.ScatterPlotItem(size=17, pxMode=True, symbol="o", brush=None,
                                                 pen=pg.mkPen(CURSOR_COLOUR, width=2.5))
        self.selection_ring.setZValue(90)
        self.selection_ring.setVisible(False)
        pi.addItem(self.selection_ring, ignoreBounds=True)
        self.passive = [self.selection_ring]  # items drawn over points whose clicks are clicks on the map
        self.cursor.sigPositionChangeFinished.connect(lambda *_a: self.gesture_ended.emit())
        self.backdrop = MapBackdrop(pi, self)

    @property
    def view_box(self):
        return self.plot.getPlotItem().getViewBox()

    # ------------------------------------------------------------------ what is drawn
    def show_layout(self, latent_map, labels, names) -> None:
        """Draw the designs of ``latent_map`` (labels colour them; names are hover captions)."""
        self.layout = latent_map
        self.names = list(names)
        self.points.draw(latent_map.coords, labels)

    def clear(self) -> None:
        self.layout = None
        self.points.clear()
        self.selection_ring.setVisible(False)
        self.item_card.hide()
        self.backdrop.clear()
        self.cursor.setVisible(False)

    def show_all(self) -> None:
        """Fit the view to every design; later refits keep doing so until the user zooms or pans."""
        if self.layout is None:
            return
        x0, x1, y0, y1 = self.layout.bounds()
        self.view_box.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)
        self.view_follows = True

    def _moved_by_user(self, *_args) -> None:
        self.view_follows = False

    def ring(self, index: int) -> None:
        """Ring the selected design (-1: none)."""
        lm = self.layout
        if index < 0 or lm is None or index >= len(lm.coords):
            self.selection_ring.setVisible(False)
            return
        self.selection_ring.setData(pos=lm.coords[index: index + 1])
        self.selection_ring.setVisible(True)

    def backdrop_job(self, context, latent_map) -> dict:
        """The backdrop's job for this layout, drawn to look square at the view's current scale."""
        from .backdrop import LATTICE

        bounds = latent_map.bounds()
        vb = self.view_box
        (vx0, vx1), (vy0, vy1) = vb.viewRange()
        # on-screen pixels of one lattice cell (the thumbnails are drawn to look square there)
        cw = (bounds[1] - bounds[0]) / max(vx1 - vx0, 1e-12) * max(vb.width(), 1.0) / LATTICE
        ch = (bounds[3] - bounds[2]) / max(vy1 - vy0, 1e-12) * max(vb.height(), 1.0) / LATTICE
        return context.job(latent_map=latent_map, bounds=bounds, screen_cell=(cw, ch))

    # ------------------------------------------------------------------ the cursor
    def place_cursor(self, x: float, y: float) -> None:
        """Put the cursor at (x, y) without saying so (the session already knows)."""
        self.cursor.blockSignals(True)
        self.cursor.setPos(QPointF(float(x), float(y)))
        self.cursor.blockSignals(False)
        self.cursor.setVisible(True)

    def cursor_xy(self) -> tuple[float, float]:
        pos = self.cursor.pos()
        return pos.x(), pos.y()

    @property
    def dragging(self) -> bool:
        return bool(self.cursor.moving)

    def _cursor_changed(self, *_args) -> None:
        x, y = self.cursor_xy()
        self.cursor_dragged.emit(x, y)

    # ------------------------------------------------------------------ the mouse
    def _near_item(self, scene_pos) -> tuple[int, QPointF] | None:
        """The design under ``scene_pos`` (within NEAR_PX) and the map point there, or None."""
        lm = self.layout
        vb = self.view_box
        if lm is None or not vb.sceneBoundingRect().contains(scene_pos):
            return None
        p = vb.mapSceneToView(scene_pos)
        idx, _ = lm.nearest_item(np.array([p.x(), p.y()]))
        at = vb.mapViewToScene(QPointF(*map(float, lm.coords[idx])))
        return (idx, p) if (at - scene_pos).manhattanLength() <= NEAR_PX else (-1, p)

    def _mouse_moved(self, scene_pos) -> None:
        near = self._near_item(scene_pos)
        if near is None or near[0] < 0:
            self.hover.hide()
            return
        idx = near[0]
        name = self.names[idx] if idx < len(self.names) else str(idx)
        self.hover.show_item(idx, name, self._thumb(idx), self.plot.mapFromScene(scene_pos))

    def _mouse_clicked(self, ev) -> None:
        if self.layout is None or ev.button() != Qt.MouseButton.LeftButton:
            return
        if ev.double():  # double-click: every design in view again (after zooming in)
            self.show_all()
            self.view_reset.emit()
            return
        taken = ev.acceptedItem
        if ev.isAccepted() and not (self.points.owns(taken) or any(taken is item for item in self.passive)):
            return  # the cursor or another item took it (a scatter accepts clicks on its points: ours)
        near = self._near_item(ev.scenePos())
        if near is None:
            return
        idx, p = near
        if idx >= 0:
            self.point_clicked.emit(idx)
        else:
            self.map_clicked.emit(p.x(), p.y())
        self.gesture_ended.emit()

    def retheme(self, t) -> None:
        self.plot.setBackground(t.base)
        for name in ("left", "bottom"):
            ax = self.plot.getPlotItem().getAxis(name)
            ax.setPen(pg.mkPen(t.border))
            ax.setTextPen(pg.mkPen(t.muted))
        self.points.retheme(t)
        self.hover.retheme(t)
        self.item_card.retheme(t)
        self.backdrop.retheme(t)
