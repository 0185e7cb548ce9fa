"""Pinned designs: a strip of named thumbnails the designer keeps while exploring the map.

The pins live in the map session (``core.latent.session.MapSession.pins``); the
:class:`Gallery` shows them (``sync`` after each change) and sends removals and
renames to the session.

Keys: Delete / Backspace remove the selected pins; Space asks to compare them
(``compare_requested``; the page opens :mod:`.compare_view`); F2 renames.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QListWidget, QListWidgetItem

from ..common import theme
from .preview_view import qimage_from_rgb

EMPTY_HINT = QT_TRANSLATE_NOOP("Gallery", "Pinned designs appear here. Press Pin to keep the design under the "
                                          "cursor; select pins to compare, blend or export them.")

THUMB = 72


class Gallery(QListWidget):
    """Pins in insertion order; names are editable in place (double-click)."""

    pins_changed = Signal()
    compare_requested = Signal()

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
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
        self.setToolTip(self.tr("Pinned designs: double-click a name to rename it; select several to compare "
                                "(Space) or export them; Delete removes the selected ones"))
        self._pins: list = []  # the session's pins as shown, row by row
        self.itemChanged.connect(self._renamed)

    def pins(self) -> list:
        return list(self._pins)

    def selected_pins(self) -> list:
        rows = sorted(self.row(it) for it in self.selectedItems())
        return [self._pins[r] for r in rows]

    def sync(self) -> None:
        """Show the session's pins: new ones added at the end, removed ones taken out, names updated."""
        pins = list(self.session.pins)
        keep = {id(p) for p in pins}
        self.blockSignals(True)
        for r in reversed(range(len(self._pins))):
            if id(self._pins[r]) not in keep:
                self.takeItem(r)
                del self._pins[r]
        shown = {id(p) for p in self._pins}
        for pin in pins:
            if id(pin) not in shown:
                self._pins.append(pin)
                self.addItem(self._item(pin))
        for r, pin in enumerate(self._pins):
            if self.item(r).text() != pin.name:
                self.item(r).setText(pin.name)
                self.item(r).setToolTip(pin.name)
        self.blockSignals(False)
        self.pins_changed.emit()

    @staticmethod
    def _item(pin) -> QListWidgetItem:
        item = QListWidgetItem(pin.name)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        if pin.thumb is not None:
            item.setIcon(QIcon(QPixmap.fromImage(qimage_from_rgb(pin.thumb)).scaled(
                THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)))
        item.setToolTip(pin.name)
        return item

    def remove_selected(self) -> int:
        """Remove the selected pins; how many went."""
        return self.session.remove_pins(self.selected_pins())

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

    def paintEvent(self, event) -> None:
        super().paintEvent(event)
        if self.count() == 0:  # say what the empty strip is for
            p = QPainter(self.viewport())
            p.setPen(QColor(theme.current().muted))
            p.drawText(self.viewport().rect().adjusted(16, 0, -16, 0),
                       Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.tr(EMPTY_HINT))
            p.end()

    def _renamed(self, item: QListWidgetItem) -> None:
        r = self.row(item)
        if 0 <= r < len(self._pins):
            name = self.session.rename_pin(self._pins[r], item.text())
            if item.text() != name:
                self.blockSignals(True)
                item.setText(name)
                self.blockSignals(False)
