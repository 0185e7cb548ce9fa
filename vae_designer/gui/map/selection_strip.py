"""The designs picked on the map, and what can be done with them: name a group, export a CSV.

A strip under the map that appears while designs are picked (Shift+drag a rectangle,
Ctrl+Shift+drag a lasso: :mod:`.selection`): how many, their pictures (the first
``MAX_SHOWN``; double-click one to select it on the map), and

* **Group…** -- keep them as a named group of the session (``MapSession.set_group``:
  undoable, saved with the project; two groups make a direction "A → B");
* **Export CSV…** -- their path, label, latent vector and, where the core measures them,
  properties (``core.latent.selection.write_selection_csv``);
* **Clear** -- pick nothing.

The groups combo lists the session's groups: choosing one picks its designs again;
Remove deletes it.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QCoreApplication, QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ..common.i18n import number
from ..common.jobs import LatestJobs
from .preview_view import qimage_from_rgb

MAX_SHOWN = 40
THUMB = 48


def write_picked_csv(job: dict):
    """In a worker: measure the picked designs (``core.latent.selection.picked_properties``) and write
    the CSV; the path written."""
    from vae_designer.core.latent.selection import picked_properties, write_selection_csv

    decode = None
    if job["designs"] is None and job["frame"] is not None:
        from .spec_jobs import _decoder

        decode = _decoder(job)
    props = picked_properties(job["kind"], job["frame"], job["picked"], len(job["paths"]), designs=job["designs"],
                              decode=decode, encodings=job["encodings"]) if job["frame"] is not None else {}
    return write_selection_csv(job["path"], job["paths"], job["labels"], job["encodings"], job["picked"], props)


def next_group_name(groups) -> str:
    """A, B, C ... : the first letter no group has."""
    return next((c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in groups),
                QCoreApplication.translate("SelectionStrip", "group {0}").format(len(groups) + 1))


class SelectionStrip(QWidget):
    """See the module docstring.  ``thumb(index)``: a training design's picture (or None);
    ``select(index)``: select a design on the map; ``status(text)``; ``frame()``: how the model on
    show measures its designs (``core.export.measure.frame_of``; None: no properties in the CSV).
    ``csv_written(path)`` once a CSV is written (in a worker)."""

    csv_written = Signal(object)

    def __init__(self, session, thumb: Callable, select: Callable, status: Callable, frame: Callable = lambda: None,
                 parent=None):
        super().__init__(parent)
        self.setObjectName("MapSelection")
        self.session = session
        self._thumb, self._select, self._status, self._frame = thumb, select, status, frame
        self._csv = LatestJobs(write_picked_csv, name="map-picked-csv", background=False, parent=self)
        self._csv.done.connect(self._csv_done)
        self._csv.failed.connect(lambda _t, msg: self._status(self.tr("Export failed: {0}").format(msg)))
        self.caption = QLabel("")
        self.caption.setProperty("role", "muted")
        self.designs = QListWidget()
        self.designs.setObjectName("PickedDesigns")
        self.designs.setViewMode(QListWidget.ViewMode.IconMode)
        self.designs.setFlow(QListWidget.Flow.LeftToRight)
        self.designs.setWrapping(False)
        self.designs.setIconSize(QSize(THUMB, THUMB))
        self.designs.setMovement(QListWidget.Movement.Static)
        self.designs.setGridSize(QSize(THUMB + 36, THUMB + 22))
        self.designs.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.designs.setUniformItemSizes(True)
        self.designs.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.designs.setFixedHeight(THUMB + 44)
        self.designs.itemDoubleClicked.connect(
            lambda item: self._select(int(item.data(Qt.ItemDataRole.UserRole))))
        self.group_button = self._button(self.tr("Group…"), self.tr("Keep the picked designs as a named group "
                                         "(two groups make a direction A → B)"), lambda: self.make_group())
        self.csv_button = self._button(self.tr("Export CSV…"), self.tr("Write the picked designs' paths, labels, "
                                       "latent vectors and measured properties into a CSV file"),
                                       lambda: self.export_csv())
        self.clear_button = self._button(self.tr("Clear"), self.tr("Pick nothing"), lambda: self.session.pick([]))
        self.groups = QComboBox()
        self.groups.setToolTip(self.tr("The session's groups: choose one to pick its designs again"))
        self.groups.activated.connect(self._group_chosen)
        self.remove_group_button = self._button(self.tr("Remove"), self.tr("Remove the group chosen on the left"),
                                                lambda: self._remove_group())
        self._layout()
        self.sync_groups()
        self.sync()

    @staticmethod
    def _button(text: str, tip: str, slot) -> QPushButton:
        b = QPushButton(text)
        b.setToolTip(tip)
        b.clicked.connect(slot)
        return b

    def _layout(self) -> None:
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for w in (self.caption, self.group_button, self.csv_button, self.clear_button):
            row.addWidget(w)
        row.addStretch(1)
        row.addWidget(QLabel(self.tr("Groups")))
        row.addWidget(self.groups)
        row.addWidget(self.remove_group_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 4, 0, 0)
        lay.setSpacing(2)
        lay.addLayout(row)
        lay.addWidget(self.designs)

    # ------------------------------------------------------------------ following the session
    def sync(self, *_args) -> None:
        """Show the session's picked designs (the strip hides itself when none are picked)."""
        s, picked = self.session, np.asarray(self.session.picked)
        n = len(picked)
        self.designs.clear()
        for idx in picked[:MAX_SHOWN]:
            item = QListWidgetItem(s.path_of(int(idx)).replace("\\", "/").rsplit("/", 1)[-1])
            item.setData(Qt.ItemDataRole.UserRole, int(idx))
            item.setToolTip(f"{s.path_of(int(idx))}" + (f" · {s.label_of(int(idx))}" if s.label_of(int(idx)) else ""))
            picture = self._thumb(int(idx))
            if picture is not None:
                item.setIcon(QIcon(QPixmap.fromImage(qimage_from_rgb(picture))))
            self.designs.addItem(item)
        text = self.tr("1 design picked") if n == 1 else self.tr("{0} designs picked").format(number(n))
        if n > MAX_SHOWN:
            text = self.tr("{0} (the first {1} shown)").format(text, MAX_SHOWN)
        self.caption.setText(text)
        for b in (self.group_button, self.csv_button, self.clear_button):
            b.setEnabled(n > 0)
        self.designs.setVisible(n > 0)
        self.setVisible(n > 0 or bool(s.groups))

    def sync_groups(self) -> None:
        groups = self.session.groups
        self.groups.blockSignals(True)
        self.groups.clear()
        for name, members in groups.items():
            self.groups.addItem(f"{name} ({len(members)})", name)
        self.groups.blockSignals(False)
        self.groups.setEnabled(bool(groups))
        self.remove_group_button.setEnabled(bool(groups))
        self.setVisible(len(self.session.picked) > 0 or bool(groups))

    # ------------------------------------------------------------------ actions
    def make_group(self, name: str | None = None) -> str | None:
        """Keep the picked designs as group ``name`` (asks when None); the name used."""
        from vae_designer.core.errors import UserError

        s = self.session
        if not len(s.picked):
            return None
        if name is None:
            name, ok = QInputDialog.getText(self, self.tr("Group the picked designs"), self.tr("Name of the group:"),
                                            text=next_group_name(s.groups))
            if not ok:
                return None
        try:
            name = s.set_group(name, s.picked)
        except UserError as exc:
            self._status(str(exc))
            return None
        self._status(self.tr("Group {0}: {1} designs").format(name, number(len(s.groups[name]))))
        return name

    def export_csv(self, path: str | None = None) -> bool:
        """Write the picked designs as CSV to ``path`` (asks when None), measured in a worker:
        ``csv_written(path)`` and a status line when done.  False if nothing is written."""
        s = self.session
        if not len(s.picked) or s.encodings is None:
            return False
        if path is None:
            path, _ = QFileDialog.getSaveFileName(self, self.tr("Export the picked designs"), "picked-designs.csv",
                                                  self.tr("CSV table (*.csv)"))
            if not path:
                return False
        ctx = s.context
        self._status(self.tr("Measuring {0} designs for the CSV…").format(number(len(s.picked))))
        self._csv.submit({"path": path, "paths": list(s.paths), "labels": list(s.labels), "encodings": s.encodings,
                          "picked": np.asarray(s.picked).copy(), "kind": s.kind, "frame": self._frame(),
                          "designs": s.designs if s.designs is not None and len(s.designs) == len(s.paths) else None,
                          "config": ctx.config, "weights": ctx.weights})
        return True

    def shutdown(self) -> None:
        self._csv.shutdown(finish_pending=True)  # a CSV asked for is written before the app quits

    def _csv_done(self, _tag, out) -> None:
        self._status(self.tr("Wrote {0} designs to {1}").format(number(len(self.session.picked)), out))
        self.csv_written.emit(out)

    def _group_chosen(self, row: int) -> None:
        name = self.groups.itemData(row)
        if name in self.session.groups:
            self.session.pick(self.session.groups[name])

    def _remove_group(self) -> None:
        name = self.groups.currentData()
        if name is not None:
            self.session.remove_group(name)
