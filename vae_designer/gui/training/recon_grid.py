"""Originals above their current reconstructions, as one painted grid.

Painting the pixmaps directly (instead of a label per tile) lets the tiles
scale with the available width and keeps a refresh to one repaint.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import QSizePolicy, QWidget

from ..common import theme
from ..dataset.thumbnails import rgb_to_qimage

GAP = 6
LABEL_W = 0


class ReconGrid(QWidget):
    """``set_originals(rgbs)`` once, ``set_recons(rgbs)`` whenever a snapshot was decoded."""

    def __init__(self, parent: QWidget | None = None, max_tile: int = 112):
        super().__init__(parent)
        self.setObjectName("ReconGrid")
        self._originals: list[QPixmap] = []
        self._recons: list[QPixmap | None] = []
        self._max_tile = max_tile
        self.updates = 0  # how many reconstruction refreshes were shown
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        theme.notifier.theme_changed.connect(self._on_theme)

    def _on_theme(self, _t) -> None:
        self.update()

    def clear(self) -> None:
        self._originals, self._recons = [], []
        self.update()

    def set_originals(self, rgbs) -> None:
        self._originals = [QPixmap.fromImage(rgb_to_qimage(a)) for a in rgbs]
        self._recons = [None] * len(self._originals)
        self.updateGeometry()
        self.update()

    def set_recons(self, rgbs) -> None:
        self._recons = [QPixmap.fromImage(rgb_to_qimage(a)) for a in rgbs]
        self.updates += 1
        self.update()

    @property
    def originals_count(self) -> int:
        """How many originals the grid shows (one column each)."""
        return len(self._originals)

    def has_recons(self) -> bool:
        return any(p is not None for p in self._recons)

    def _tile(self) -> int:
        n = max(1, len(self._originals))
        by_width = (self.width() - GAP * (n - 1)) / n
        by_height = (self.height() - GAP) / 2
        return int(max(24, min(self._max_tile, by_width, by_height)))

    def sizeHint(self) -> QSize:
        n = max(1, len(self._originals) or 8)
        return QSize(n * (96 + GAP), 2 * 96 + GAP)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.update()

    def minimumSizeHint(self) -> QSize:
        return QSize(200, 2 * 64 + GAP)

    def paintEvent(self, _event) -> None:
        t = theme.current()
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        n = len(self._originals)
        if n == 0:
            p.setPen(QColor(t.muted))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter,
                       self.tr("Reconstructions appear here once training starts"))
            return
        tile = self._tile()
        total_w = n * tile + (n - 1) * GAP
        x0 = max(0, (self.width() - total_w) // 2)
        y0 = max(0, (self.height() - (2 * tile + GAP)) // 2)
        for i in range(n):
            x = x0 + i * (tile + GAP)
            for row, pix in enumerate((self._originals[i], self._recons[i] if i < len(self._recons) else None)):
                r = QRect(x, y0 + row * (tile + GAP), tile, tile)
                if pix is None:
                    p.fillRect(r, QColor(t.thumb_bg))
                    p.setPen(QColor(t.border))
                    p.drawRect(r.adjusted(0, 0, -1, -1))
                else:
                    p.drawPixmap(r, pix)
        p.end()
