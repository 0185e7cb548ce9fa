"""The map session's changes as Qt signals (the core session is Qt-free and calls back)."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class SessionSignals(QObject):
    """One signal per ``core.latent.session.EVENTS`` entry, emitted as the session changes."""

    model_changed = Signal(bool)  # new_model: another model (True) or newer weights of the same (False)
    layout_changed = Signal()
    design_changed = Signal(object)  # the Design on show
    selection_changed = Signal(int)
    pins_changed = Signal()
    history_changed = Signal()
    groups_changed = Signal()
    picked_changed = Signal(object)  # the picked designs' indices
    constraints_changed = Signal()

    def __init__(self, session, parent: QObject | None = None):
        super().__init__(parent)
        session.observe("model", self.model_changed.emit)
        session.observe("layout", self.layout_changed.emit)
        session.observe("design", self.design_changed.emit)
        session.observe("selection", self.selection_changed.emit)
        session.observe("pins", self.pins_changed.emit)
        session.observe("history", self.history_changed.emit)
        session.observe("groups", self.groups_changed.emit)
        session.observe("picked", self.picked_changed.emit)
        session.observe("constraints", self.constraints_changed.emit)
