"""The history strip: the map session's steps as small pictures, oldest first; a click goes back.

The steps are the core's (``core.latent.history``, ``MapSession.history``): each holds
the design on show at that step, the pins and the groups.  The strip shows one picture
per step with what made it ("Move", "Pin", "Surprise"...) and when, the current step
selected; clicking a step jumps to it (``MapSession.jump``), which is undo or redo by
several steps at once.  Pictures of steps that have none yet are decoded in a worker
(:class:`StepPictures`, the map's shared model) and kept in the step's ``thumb``, so the
saved session keeps them too.
"""

from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QSize, Qt
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QListWidget, QListWidgetItem

from ..common.jobs import LatestJobs
from .item_card import design_picture
from .preview_view import qimage_from_rgb

THUMB = 44
PICTURE = 64  # pixels of a step's picture (drawn at THUMB)
# What the core calls the steps (``core.latent``: History's first step, the session's DESIGN_LABELS,
# ``@undoable``, the tracked parts); kept in English in the history, translated when shown (:func:`step_label`).
STEP_LABELS = (
    QT_TRANSLATE_NOOP("HistoryStrip", "Start"), QT_TRANSLATE_NOOP("HistoryStrip", "Move"),
    QT_TRANSLATE_NOOP("HistoryStrip", "Surprise"), QT_TRANSLATE_NOOP("HistoryStrip", "Sweep"),
    QT_TRANSLATE_NOOP("HistoryStrip", "Blend"), QT_TRANSLATE_NOOP("HistoryStrip", "Design"),
    QT_TRANSLATE_NOOP("HistoryStrip", "Direction"), QT_TRANSLATE_NOOP("HistoryStrip", "Complete"),
    QT_TRANSLATE_NOOP("HistoryStrip", "Snap"), QT_TRANSLATE_NOOP("HistoryStrip", "Placed"),
    QT_TRANSLATE_NOOP("HistoryStrip", "Pins"), QT_TRANSLATE_NOOP("HistoryStrip", "Groups"),
    QT_TRANSLATE_NOOP("HistoryStrip", "Constraints"), QT_TRANSLATE_NOOP("HistoryStrip", "Group"),
    QT_TRANSLATE_NOOP("HistoryStrip", "Remove group"), QT_TRANSLATE_NOOP("HistoryStrip", "Pin"),
    QT_TRANSLATE_NOOP("HistoryStrip", "Remove pins"), QT_TRANSLATE_NOOP("HistoryStrip", "Rename pin"),
    QT_TRANSLATE_NOOP("HistoryStrip", "Clear pins"),
)


class StepPictures:
    """Worker callable: pictures of the designs of several steps, decoded in one batch."""

    def __call__(self, job: dict) -> dict:
        import torch

        from .decoder import model_for

        model = model_for(job["config"], job["weights"])
        z = np.asarray(job["zs"], np.float32).reshape(len(job["keys"]), -1)
        with torch.inference_mode():
            probs = torch.sigmoid(model.decode(torch.from_numpy(z)).float()).numpy()
        return {"weights_key": job["weights_key"],
                "pictures": {k: design_picture(job["kind"], p, job.get("background"), PICTURE)
                             for k, p in zip(job["keys"], probs)}}


def step_label(label: str) -> str:
    """A history step's name (English in the session) as the interface writes it."""
    return QCoreApplication.translate("HistoryStrip", label)


def when(t: float, now: float | None = None) -> str:
    """How long ago, in words a designer reads at a glance."""
    ago = max(0.0, (now if now is not None else time.time()) - t)
    if ago < 60:
        return QCoreApplication.translate("HistoryStrip", "just now")
    if ago < 3600:
        return QCoreApplication.translate("HistoryStrip", "{0} min ago").format(int(ago // 60))
    # a time.strftime format: the day, the month's name, the time
    return time.strftime(QCoreApplication.translate("HistoryStrip", "%d %b %H:%M"), time.localtime(t))


class HistoryStrip(QListWidget):
    """See the module docstring; ``sync`` after each ``history`` event of the session."""

    def __init__(self, session, parent=None):
        super().__init__(parent)
        self.session = session
        self.setObjectName("MapHistory")
        self.setViewMode(QListWidget.ViewMode.IconMode)
        self.setFlow(QListWidget.Flow.LeftToRight)
        self.setWrapping(False)
        self.setIconSize(QSize(THUMB, THUMB))
        self.setGridSize(QSize(THUMB + 30, THUMB + 22))
        self.setMovement(QListWidget.Movement.Static)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setFixedHeight(THUMB + 40)
        self.setToolTip(self.tr("History: every step of your work on the map, oldest first. Click one to go back "
                                "to it (Undo Ctrl+Z, Redo Ctrl+Shift+Z)."))
        self._keys: list[int] = []  # the step keys shown, row by row
        self._asked: set[int] = set()  # steps whose picture the newest job decodes
        self._pictures = LatestJobs(StepPictures(), name="map-history-pictures", background=False, parent=self)
        self._pictures.done.connect(self._pictures_ready)
        self.itemClicked.connect(self._clicked)

    def sync(self) -> None:
        """Show the session's steps; ask for the pictures that are missing."""
        steps = self.session.history.entries
        keys = [s.key for s in steps]
        self.blockSignals(True)
        if keys != self._keys:
            self.clear()
            self._keys = keys
            for step in steps:
                self.addItem(self._item(step))
        else:
            for row, step in enumerate(steps):
                self._describe(self.item(row), step)
        pos = self.session.history.position
        if 0 <= pos < self.count():
            self.setCurrentRow(pos)
            self.scrollToItem(self.item(pos))
        else:
            self.clearSelection()
        self.blockSignals(False)
        self._ask_pictures()

    def _item(self, step) -> QListWidgetItem:
        item = QListWidgetItem()
        item.setData(Qt.ItemDataRole.UserRole, step.key)
        self._describe(item, step)
        return item

    def _describe(self, item: QListWidgetItem, step) -> None:
        item.setText(step_label(step.label))
        item.setToolTip(f"{step_label(step.label)} · {when(step.time)}")
        if step.thumb is not None and item.data(Qt.ItemDataRole.UserRole + 1) is not step.thumb:
            item.setIcon(QIcon(QPixmap.fromImage(qimage_from_rgb(step.thumb)).scaled(
                THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)))
            item.setData(Qt.ItemDataRole.UserRole + 1, step.thumb)

    def _ask_pictures(self) -> None:
        s = self.session
        if s.context is None:
            return
        need = [st for st in s.history.entries if st.thumb is None and st.state.get("design") is not None]
        if not need or {st.key for st in need} <= self._asked:
            return
        self._asked = {st.key for st in need}  # the newest job asks for every missing one (it may replace older)
        self._pictures.submit(s.context.job(keys=[st.key for st in need],
                                            zs=np.stack([st.state["design"].z for st in need])))

    def _pictures_ready(self, _tag, out: dict) -> None:
        steps = {s.key: s for s in self.session.history.entries}
        for key, picture in out["pictures"].items():
            self._asked.discard(key)
            if key in steps and steps[key].thumb is None:
                steps[key].thumb = picture
        self.sync()

    def _clicked(self, item: QListWidgetItem) -> None:
        row = self.row(item)
        if row != self.session.history.position:
            self.session.jump(row)

    def picture_of(self, row: int) -> QPixmap | None:
        """The picture shown for step ``row`` (None while it is being made)."""
        item = self.item(row)
        icon = item.icon() if item is not None else None
        return None if icon is None or icon.isNull() else icon.pixmap(THUMB, THUMB)

    def shutdown(self) -> None:
        self._pictures.shutdown(wait=True)
