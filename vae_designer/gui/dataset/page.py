"""The dataset page: what the model will see.

Thumbnails of the processed items (lazy, see ``thumbnails``), the number of
items per label (click one to show only it), and every skipped file with its
reason.  While a folder loads, the page shows the progress and a Cancel button.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QT_TRANSLATE_NOOP, QAbstractTableModel, QModelIndex, QSize, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QListView,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..common import icons, theme
from ..common.i18n import number
from ..common.widgets import Card, ElidedLabel, label
from .thumbnails import THUMB_SIZE, ThumbnailModel

ALL_LABELS = QT_TRANSLATE_NOOP("DatasetPage", "All designs")



ROOT = QModelIndex()  # the invisible root item: the default parent in the Qt model API

class SkippedModel(QAbstractTableModel):
    """Skipped files: path relative to the folder, and the reason."""

    HEADERS = ("File", "Reason")

    def __init__(self, parent=None):
        super().__init__(parent)
        self._rows: list[tuple[str, str]] = []

    def set_skipped(self, skipped) -> None:
        self.beginResetModel()
        self._rows = [(s.path, s.reason) for s in skipped]
        self.endResetModel()

    def rowCount(self, parent=ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent=ROOT) -> int:
        return 0 if parent.isValid() else 2

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._rows[index.row()][index.column()]
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return (self.tr("File"), self.tr("Reason"))[section]
        return None

    def rows(self) -> list[tuple[str, str]]:
        return list(self._rows)


class _LoadingPanel(QWidget):
    cancel_requested = Signal()

    def __init__(self, parent=None):
        super().__init__(parent)
        self.title = label(self.tr("Loading designs…"), "heading")
        self.path = ElidedLabel("")
        self.bar = QProgressBar()
        self.bar.setObjectName("LoadProgress")
        self.bar.setRange(0, 0)
        self.message = ElidedLabel("", role="muted")
        self.cancel_button = QPushButton(icons.icon("cancel"), self.tr("Cancel"))
        self.cancel_button.setObjectName("CancelLoadButton")
        self.cancel_button.setToolTip(self.tr("Stop loading (Esc); files processed so far stay cached"))
        self.cancel_button.clicked.connect(self.cancel_requested)
        card = Card(margins=24)
        card.setMinimumWidth(460)
        card.setMaximumWidth(620)
        card.body.addWidget(self.title)
        card.body.addWidget(self.path)
        card.body.addSpacing(6)
        card.body.addWidget(self.bar)
        row = QHBoxLayout()
        row.addWidget(self.message, 1)
        row.addWidget(self.cancel_button)
        card.body.addLayout(row)
        outer = QVBoxLayout(self)
        outer.addStretch(2)
        h = QHBoxLayout()
        h.addStretch(1)
        h.addWidget(card, 3)
        h.addStretch(1)
        outer.addLayout(h)
        outer.addStretch(3)

    def start(self, path: str) -> None:
        self.title.setText(self.tr("Loading {0}…").format(os.path.basename(os.path.normpath(path))))
        self.path.set_full_text(path)
        self.bar.setRange(0, 0)
        self.message.set_full_text(self.tr("Looking for design files"))
        self.cancel_button.setEnabled(True)

    def update_progress(self, ev) -> None:
        if ev.total:
            self.bar.setRange(0, ev.total)
            self.bar.setValue(ev.done)
            self.bar.setFormat(f"{ev.done} / {ev.total}")
        if ev.message:
            self.message.set_full_text(ev.message)


class DatasetPage(QWidget):
    train_requested = Signal()
    cancel_requested = Signal()
    open_folder_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("DatasetPage")
        self.designs = None
        content = QWidget()
        cl = QVBoxLayout(content)
        cl.setContentsMargins(24, 20, 24, 16)
        cl.setSpacing(12)
        cl.addLayout(self._build_header())
        cl.addWidget(self.note)
        cl.addWidget(self._build_splitter(), 1)
        empty = self._build_empty_state()
        self.loading_panel = _LoadingPanel()
        self.loading_panel.cancel_requested.connect(self.cancel_requested)
        self.stack = QStackedWidget()
        self.stack.addWidget(empty)
        self.stack.addWidget(self.loading_panel)
        self.stack.addWidget(content)
        self._empty, self._content = empty, content
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        theme.notifier.theme_changed.connect(self._retheme)

    # building
    def _build_header(self) -> QHBoxLayout:
        """Title, folder, summary and the Train button (and the note shown under them)."""
        self.title = label(self.tr("No designs open"), "title")
        self.path_label = ElidedLabel("")
        self.summary = label("", "muted", wrap=True)
        self.summary.setObjectName("DatasetSummary")
        self.note = label("", "warning", wrap=True)
        self.note.hide()
        self.train_button = QPushButton(icons.icon("training", "#ffffff"), self.tr("Train on these designs"))
        self.train_button.setProperty("primary", True)
        self.train_button.setObjectName("GoTrainButton")
        self.train_button.setToolTip(self.tr("Go to training (Ctrl+3)"))
        self.train_button.clicked.connect(self.train_requested)
        head_text = QVBoxLayout()
        head_text.setSpacing(2)
        head_text.addWidget(self.title)
        head_text.addWidget(self.path_label)
        head_text.addWidget(self.summary)
        head = QHBoxLayout()
        head.addLayout(head_text, 1)
        head.addWidget(self.train_button, 0, Qt.AlignmentFlag.AlignTop)
        return head

    def _build_splitter(self) -> QSplitter:
        """Labels on the left; the Designs and Skipped files tabs on the right."""
        labels_box = self._build_labels_box()
        self.tabs = QTabWidget()
        self.tabs.setObjectName("DatasetTabs")
        self.tabs.addTab(self._build_thumbs_box(), icons.icon("dataset"), self.tr("Designs"))
        self.tabs.addTab(self._build_skipped_box(), icons.icon("warning"), self.tr("Skipped files"))
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(labels_box)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([230, 900])
        splitter.setChildrenCollapsible(False)
        return splitter

    def _build_labels_box(self) -> QWidget:
        self.labels_table = QTableWidget(0, 2)
        self.labels_table.setObjectName("LabelsTable")
        self.labels_table.setHorizontalHeaderLabels([self.tr("Label"), self.tr("Items")])
        self.labels_table.verticalHeader().hide()
        self.labels_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.labels_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.labels_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.labels_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.labels_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.labels_table.setToolTip(self.tr("Items per label (the first-level sub-folder); click one to show only it"))
        self.labels_table.itemSelectionChanged.connect(self._filter_changed)
        labels_box = QWidget()
        lb = QVBoxLayout(labels_box)
        lb.setContentsMargins(0, 0, 0, 0)
        lb.addWidget(label(self.tr("Labels"), "heading"))
        lb.addWidget(self.labels_table, 1)
        return labels_box

    def _build_thumbs_box(self) -> QWidget:
        self.model = ThumbnailModel(self)
        self.thumbs = QListView()
        self.thumbs.setObjectName("ThumbnailView")
        self.thumbs.setModel(self.model)
        self.thumbs.setViewMode(QListView.ViewMode.IconMode)
        self.thumbs.setResizeMode(QListView.ResizeMode.Adjust)
        self.thumbs.setMovement(QListView.Movement.Static)
        self.thumbs.setUniformItemSizes(True)
        self.thumbs.setLayoutMode(QListView.LayoutMode.Batched)
        self.thumbs.setBatchSize(256)
        self.thumbs.setIconSize(QSize(THUMB_SIZE, THUMB_SIZE))
        self.thumbs.setGridSize(QSize(THUMB_SIZE + 40, THUMB_SIZE + 30))
        self.thumbs.setSpacing(4)
        self.thumbs.setWordWrap(False)
        self.thumbs.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.thumbs.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.thumbs.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        thumbs_box = QWidget()
        tb = QVBoxLayout(thumbs_box)
        tb.setContentsMargins(8, 8, 8, 8)
        self.thumbs_caption = label("", "muted")
        tb.addWidget(self.thumbs_caption)
        tb.addWidget(self.thumbs, 1)
        return thumbs_box

    def _build_skipped_box(self) -> QWidget:
        self.skipped_model = SkippedModel(self)
        skipped_proxy = QSortFilterProxyModel(self)
        skipped_proxy.setSourceModel(self.skipped_model)
        self.skipped_table = QTableView()
        self.skipped_table.setObjectName("SkippedTable")
        self.skipped_table.setModel(skipped_proxy)
        self.skipped_table.setSortingEnabled(True)
        self.skipped_table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.skipped_table.verticalHeader().hide()
        self.skipped_table.setAlternatingRowColors(True)
        self.skipped_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.skipped_table.setWordWrap(False)
        self.skipped_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.skipped_table.horizontalHeader().setStretchLastSection(True)
        self.skipped_table.setColumnWidth(0, 320)
        self.skipped_empty = label(self.tr("Every file in the folder was loaded."), "hint")
        self.skipped_empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        skipped_box = QWidget()
        sb = QVBoxLayout(skipped_box)
        sb.setContentsMargins(8, 8, 8, 8)
        sb.addWidget(label(self.tr("Files that were not loaded, and why. Fix or remove them, then open the "
                                   "folder again."), "muted", wrap=True))
        sb.addWidget(self.skipped_table, 1)
        sb.addWidget(self.skipped_empty, 1)
        return skipped_box

    def _build_empty_state(self) -> QWidget:
        """What the page shows before anything is open."""
        empty = QWidget()
        el = QVBoxLayout(empty)
        el.addStretch(1)
        el.addWidget(label(self.tr("No designs are open"), "title"), 0, Qt.AlignmentFlag.AlignHCenter)
        el.addWidget(label(self.tr("Open a design folder (Ctrl+O) or drop one onto the window."), "muted"), 0,
                     Qt.AlignmentFlag.AlignHCenter)
        open_button = QPushButton(icons.icon("folder"), self.tr("Open design folder…"))
        open_button.clicked.connect(self.open_folder_requested)
        el.addWidget(open_button, 0, Qt.AlignmentFlag.AlignHCenter)
        el.addStretch(2)
        return empty

    # states
    def show_loading(self, path: str) -> None:
        self.loading_panel.start(path)
        self.stack.setCurrentWidget(self.loading_panel)

    def update_progress(self, ev) -> None:
        self.loading_panel.update_progress(ev)

    def show_previous(self) -> None:
        """Loading ended without a result (failed or cancelled): show what was there before."""
        self.stack.setCurrentWidget(self._content if self.designs is not None else self._empty)

    @property
    def is_loading(self) -> bool:
        return self.stack.currentWidget() is self.loading_panel

    def show_opened(self, opened) -> None:
        designs = opened.designs
        self.designs = designs
        self.model.set_designs(designs)
        name = opened.name
        self.title.setText(name)
        self.path_label.set_full_text(opened.folder or "")
        if opened.note:
            self.note.setText(opened.note)
            self.note.show()
        else:
            self.note.hide()
        if designs is None:
            self.summary.setText(self.tr("Project only: its designs are not available."))
            self.skipped_model.set_skipped([])
            self._fill_labels({})
            self.train_button.setEnabled(False)
        else:
            self.summary.setText(self.describe(designs))
            self.skipped_model.set_skipped(designs.skipped)
            self._fill_labels(designs.label_counts)
            self.train_button.setEnabled(True)
        n_skipped = self.skipped_model.rowCount()
        self.tabs.setTabText(0, self.tr("Designs ({0})").format(len(designs) if designs is not None else 0))
        self.tabs.setTabText(1, self.tr("Skipped files ({0})").format(n_skipped))
        self.skipped_table.setVisible(n_skipped > 0)
        self.skipped_empty.setVisible(n_skipped == 0)
        self.skipped_table.resizeColumnToContents(0)
        self.skipped_table.setColumnWidth(0, min(max(self.skipped_table.columnWidth(0), 200), 460))
        self.tabs.setCurrentIndex(0)
        self._update_caption()
        self.stack.setCurrentWidget(self._content)

    def describe(self, designs) -> str:
        """The summary line: "300 images at 64×64 (grey) · 3 labels · 4 skipped · loaded in 1.2 s"."""
        n, R = len(designs), designs.resolution
        if designs.kind == "image":
            what = self.tr("{0} image at {1}×{1} ({2})") if n == 1 else self.tr("{0} images at {1}×{1} ({2})")
            what = what.format(number(n), R, self.tr("colour") if designs.colour else self.tr("grey"))
        else:
            what = self.tr("{0} mesh voxelized at {1}³") if n == 1 else self.tr("{0} meshes voxelized at {1}³")
            what = what.format(number(n), R)
        labels = len(designs.label_counts)
        parts = [what, self.tr("1 label") if labels == 1 else self.tr("{0} labels").format(number(labels))]
        if designs.skipped:
            parts.append(self.tr("{0} skipped").format(number(len(designs.skipped))))
        secs = number(designs.seconds, 1)
        parts.append(self.tr("loaded in {0} s, {1} from cache").format(secs, number(designs.from_cache))
                     if designs.from_cache else self.tr("loaded in {0} s").format(secs))
        return " · ".join(parts)

    def shutdown(self) -> None:
        self.model.shutdown()

    # internals
    def _fill_labels(self, counts: dict) -> None:
        self.labels_table.blockSignals(True)
        self.labels_table.setRowCount(0)
        rows = [(self.tr(ALL_LABELS), sum(counts.values())), *counts.items()]
        self.labels_table.setRowCount(len(rows))
        for r, (name, count) in enumerate(rows):
            a = QTableWidgetItem(name)
            a.setData(Qt.ItemDataRole.UserRole, None if r == 0 else name)
            if r == 0:
                f = a.font()
                f.setBold(True)
                a.setFont(f)
            b = QTableWidgetItem(str(count))
            b.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.labels_table.setItem(r, 0, a)
            self.labels_table.setItem(r, 1, b)
        self.labels_table.selectRow(0)
        self.labels_table.blockSignals(False)

    def selected_label(self) -> str | None:
        rows = self.labels_table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.labels_table.item(rows[0].row(), 0).data(Qt.ItemDataRole.UserRole)

    def label_counts_shown(self) -> dict[str, int]:
        return {self.labels_table.item(r, 0).text(): int(self.labels_table.item(r, 1).text())
                for r in range(1, self.labels_table.rowCount())}

    def _filter_changed(self) -> None:
        self.model.set_label_filter(self.selected_label())
        self._update_caption()

    def _update_caption(self) -> None:
        if self.designs is None:
            self.thumbs_caption.setText("")
            return
        name = self.selected_label()
        shown = self.model.rowCount()
        image = self.designs.kind == "image"
        kind = self.tr("processed images") if image else self.tr("voxelized meshes, shaded")
        if name:
            text = self.tr("label “{0}”: {1} items — as the model sees them ({2})").format(name, number(shown), kind)
        else:
            text = self.tr("{0} items — as the model sees them ({1})").format(number(shown), kind)
        self.thumbs_caption.setText(text)

    def _retheme(self, _t) -> None:
        self.tabs.setTabIcon(0, icons.icon("dataset"))
        self.tabs.setTabIcon(1, icons.icon("warning"))
        self.train_button.setIcon(icons.icon("training", theme.current().accent_text))
