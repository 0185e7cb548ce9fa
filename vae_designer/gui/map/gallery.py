"""Pinned designs: a strip of named thumbnails the designer keeps while exploring the map.

Keys: Delete / Backspace remove the selected pins; Space asks to compare them
(``compare_requested``; the page opens :mod:`.compare_view`); F2 renames.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QListWidget, QListWidgetItem

from ..common import theme
from .preview_view import qimage_from_rgb

EMPTY_HINT = ("Pinned designs appear here. Press Pin to keep the design under the cursor; "
              "select pins to compare, blend or export them.")

THUMB = 72


@dataclass
class Pin:
    name: str
    z: np.ndarray  # latent vector (D,)
    thumb: np.ndarray | None = None  # RGB uint8
    source: str = "map"
    parents: list = field(default_factory=list)
    weights: list | None = None  # blend weights, one per parent
    seed: int | None = None  # a surprise's random seed (its sidecar's "seed")
    extra: dict = field(default_factory=dict)  # more sidecar fields (a surprise's "temperature"...)


class Gallery(QListWidget):
    """Pins in insertion order; names are editable in place (double-click)."""

    pins_changed = Signal()
    compare_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.setObjectName("MapGallery")
        self.setViewMode(QListWidget.ViewMode.IconMode)
        self.setFlow(QListWidget.Flow.LeftToRight)
        self.setWrapping(False)
        self.setIconSize(QSize(THUMB, THUMB))
        self.setGridSize(QSize(THUMB + 28, THUMB + 30))
        self.setMovement(QListWidget.Movement.Static)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.setFixedHeight(THUMB + 44)
        self.setToolTip("Pinned designs: double-click a name to rename it; select several to compare (Space) "
                        "or export them; Delete removes the selected ones")
        self._pins: list[Pin] = []
        self.itemChanged.connect(self._renamed)

    def pins(self) -> list[Pin]:
        return list(self._pins)

    def selected_pins(self) -> list[Pin]:
        rows = sorted(self.row(it) for it in self.selectedItems())
        return [self._pins[r] for r in rows]

    def unique_name(self, base: str) -> str:
        names = {p.name for p in self._pins}
        if base not in names:
            return base
        n = 2
        while f"{base}-{n}" in names:
            n += 1
        return f"{base}-{n}"

    def add_pin(self, pin: Pin) -> Pin:
        pin.name = self.unique_name(pin.name)
        self._pins.append(pin)
        item = QListWidgetItem(pin.name)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        if pin.thumb is not None:
            item.setIcon(QIcon(QPixmap.fromImage(qimage_from_rgb(pin.thumb)).scaled(
                THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)))
        item.setToolTip(pin.name)
        self.blockSignals(True)
        self.addItem(item)
        self.blockSignals(False)
        self.pins_changed.emit()
        return pin

    def remove_selected(self) -> int:
        """Remove the selected pins; how many went."""
        rows = sorted((self.row(it) for it in self.selectedItems()), reverse=True)
        for r in rows:
            self.takeItem(r)
            del self._pins[r]
        if rows:
            self.pins_changed.emit()
        return len(rows)

    def keyPressEvent(self, event) -> None:
        editing = self.state() == QAbstractItemView.State.EditingState
        if not editing and event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.selectedItems():
            self.remove_selected()
            event.accept()
            return
        if not editing and event.key() == Qt.Key.Key_Space \
                and not event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.MetaModifier) \
                and len(self.selectedItems()) >= 2:
            self.compare_requested.emit()
            event.accept()
            return
        super().keyPressEvent(event)

    def clear_pins(self) -> None:
        self.clear()
        self._pins.clear()
        self.pins_changed.emit()

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if self.count() == 0:  # say what the empty strip is for
            p = QPainter(self.viewport())
            p.setPen(QColor(theme.current().muted))
            p.drawText(self.viewport().rect().adjusted(16, 0, -16, 0),
                       Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, EMPTY_HINT)
            p.end()

    def _renamed(self, item: QListWidgetItem) -> None:
        r = self.row(item)
        if 0 <= r < len(self._pins):
            name = "".join(c for c in item.text().strip() if c not in '/\\:*?"<>|') or self._pins[r].name
            self._pins[r].name = name
            if item.text() != name:
                self.blockSignals(True)
                item.setText(name)
                self.blockSignals(False)
