"""Under the map: the picked designs and the history strip, and what keeps the session.

:class:`MapStrips` composes, for the Map page, the views of the session's history and
picks and wires them to the session's signals:

* :class:`~.selection.MapSelector` -- Shift+drag (rectangle) or Ctrl+Shift+drag (lasso)
  on the map picks designs (``MapSession.pick``);
* :class:`~.selection_strip.SelectionStrip` -- the picked designs, groups, CSV export;
* :class:`~.history_strip.HistoryStrip` with Undo and Redo buttons -- the steps;
* :class:`~.keeper.SessionKeeper` -- the session saved into the project and restored.

The end of each gesture on the map (a drag of the cursor, a click) settles the design:
one step of history (``MapSession.settle``).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from .history_strip import HistoryStrip
from .keeper import SessionKeeper
from .selection import MapSelector
from .selection_strip import SelectionStrip


class MapStrips(QWidget):
    """See the module docstring.  ``signals``: the page's :class:`~.session_signals.SessionSignals`;
    ``view``: its :class:`~.plot_view.MapView`; ``thumb(index)``, ``select(index)``, ``status(text)``;
    ``frame()``: how the model on show measures its designs (for the CSV's properties)."""

    def __init__(self, session, signals, view, thumb: Callable, select: Callable, status: Callable,
                 frame: Callable = lambda: None, parent=None):
        super().__init__(parent)
        self.session = session
        self.selector = MapSelector(view, session.pick, self)
        self.selection = SelectionStrip(session, thumb, select, status, frame)
        self.history = HistoryStrip(session)
        self.keeper = SessionKeeper(session, status, self)
        self.undo_button = self._tool("↶", self.tr("Undo (Ctrl+Z)"), session.undo)
        self.redo_button = self._tool("↷", self.tr("Redo (Ctrl+Shift+Z)"), session.redo)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        caption = QLabel(self.tr("History"))
        caption.setProperty("role", "muted")
        tools = QVBoxLayout()
        tools.addWidget(caption)
        tools.addWidget(self.undo_button)
        tools.addWidget(self.redo_button)
        row.addLayout(tools)
        row.addWidget(self.history, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(self.selection)
        lay.addLayout(row)
        view.gesture_ended.connect(session.settle)
        signals.history_changed.connect(self._history_changed)
        signals.picked_changed.connect(self._picked_changed)
        signals.groups_changed.connect(self.selection.sync_groups)
        signals.model_changed.connect(lambda _new: (self._picked_changed(), self._history_changed()))
        signals.layout_changed.connect(self._picked_changed)
        self._history_changed()

    @staticmethod
    def _tool(text: str, tip: str, slot) -> QToolButton:
        b = QToolButton()
        b.setText(text)
        b.setToolTip(tip)
        b.clicked.connect(lambda: slot())
        return b

    def _history_changed(self) -> None:
        h = self.session.history
        self.history.sync()
        self.undo_button.setEnabled(self.session.has_map and h.can_undo)
        self.redo_button.setEnabled(self.session.has_map and h.can_redo)

    def _picked_changed(self, *_args) -> None:
        lm = self.session.latent_map
        self.selector.show_picked(lm.coords if lm is not None else None, self.session.picked)
        self.selection.sync()

    def shutdown(self) -> None:
        self.selection.shutdown()
        self.history.shutdown()
        self.keeper.shutdown()
