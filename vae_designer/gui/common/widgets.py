"""Small shared widgets: styled labels, cards, an eliding label, a clickable tile."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFontMetrics, QIcon
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QScrollArea, QSizePolicy, QVBoxLayout, QWidget


def label(text: str = "", role: str | None = None, *, wrap: bool = False, selectable: bool = False,
          parent: QWidget | None = None) -> QLabel:
    """A QLabel with a style role ('title', 'heading', 'muted', 'hint', 'warning', 'error', 'stat')."""
    w = QLabel(text, parent)
    if role:
        w.setProperty("role", role)
    w.setWordWrap(wrap)
    if selectable:
        w.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return w


class Card(QFrame):
    """A rounded panel on the base colour; content goes in ``body``."""

    def __init__(self, parent: QWidget | None = None, margins: int = 16, spacing: int = 10):
        super().__init__(parent)
        self.setProperty("card", True)
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(margins, margins, margins, margins)
        self.body.setSpacing(spacing)


class ElidedLabel(QLabel):
    """Shows as much of a long text (a path) as fits, eliding in the middle; full text as tooltip."""

    def __init__(self, text: str = "", role: str | None = "muted", parent: QWidget | None = None,
                 mode: Qt.TextElideMode = Qt.TextElideMode.ElideMiddle):
        super().__init__(parent)
        if role:
            self.setProperty("role", role)
        self._full = ""
        self._mode = mode
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(40)
        self.set_full_text(text)

    def set_full_text(self, text: str) -> None:
        self._full = text or ""
        self.setToolTip(self._full)
        self._refresh()

    def full_text(self) -> str:
        return self._full

    def resizeEvent(self, event):
        super().resizeEvent(event)
        self._refresh()

    def _refresh(self) -> None:
        metrics = QFontMetrics(self.font())
        super().setText(metrics.elidedText(self._full, self._mode, max(10, self.width() - 2)))


class StatusLine(ElidedLabel):
    """A status line that never clips: as much as fits, "…" at the end, the whole text as tooltip.
    ``setText`` / ``text`` take and give the whole text (callers use it like a QLabel)."""

    def __init__(self, text: str = "", role: str | None = "muted", parent: QWidget | None = None):
        super().__init__(text, role, parent, Qt.TextElideMode.ElideRight)

    def setText(self, text: str) -> None:
        self.set_full_text(text)

    def text(self) -> str:
        return self.full_text()


class ActionTile(QPushButton):
    """A large button with an icon, a title and a one-line description."""

    def __init__(self, icon: QIcon, title: str, description: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setProperty("big", True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setAccessibleName(title)
        self._icon_label = QLabel()
        self._icon_label.setPixmap(icon.pixmap(QSize(28, 28)))
        self._icon_label.setFixedSize(32, 32)
        self.title = QLabel(title)
        self.title.setProperty("role", "heading")
        self.description = QLabel(description)
        self.description.setProperty("role", "muted")
        self.description.setWordWrap(True)
        text = QVBoxLayout()
        text.setSpacing(2)
        text.addWidget(self.title)
        text.addWidget(self.description)
        row = QHBoxLayout(self)
        row.setContentsMargins(14, 10, 14, 10)
        row.setSpacing(14)
        row.addWidget(self._icon_label, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addLayout(text, 1)
        for w in (self._icon_label, self.title, self.description):
            w.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_icon(self, icon: QIcon) -> None:
        self._icon_label.setPixmap(icon.pixmap(QSize(28, 28)))

    def sizeHint(self) -> QSize:
        hint = self.layout().sizeHint()
        return QSize(max(hint.width(), 280), max(hint.height(), 64))

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()


class FitScrollArea(QScrollArea):
    """Fills the viewport with its page and scrolls only below the page's *minimum* size.

    (A resizable QScrollArea sizes pages with word-wrapping labels by their
    preferred height and scrolls much earlier than needed.)
    """

    def __init__(self, page: QWidget, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWidgetResizable(False)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setWidget(page)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._fit()

    def _fit(self) -> None:
        page = self.widget()
        if page is None:
            return
        need = page.minimumSizeHint()
        w = max(self.viewport().width(), need.width())
        h = max(self.viewport().height(), need.height())
        if w > self.viewport().width():  # a horizontal scroll bar takes height away
            h = max(self.viewport().height() - self.horizontalScrollBar().sizeHint().height(), need.height())
        page.resize(w, h)
