"""Thumbnails of a DesignSet for a QListView, rendered lazily off the GUI thread.

The model answers ``DecorationRole`` from a bounded pixmap cache; a miss returns
a placeholder and queues the item.  Views only ask for the rows they paint, so
10k or 100k items cost no more than a screenful.  The renderer works on the
background worker pool (``common.workers``), newest-request-first (what is on screen
now), with ``core.export.preview.thumbnail`` (meshes as shaded renders) and hands back
QImages; QPixmaps are made on the GUI thread, where they must be.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict

import numpy as np
from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap

from ..common import theme
from ..common.workers import FunctionJob, start_worker

ROOT = QModelIndex()  # the invisible root item: the default parent in the Qt model API

LABEL_ROLE = Qt.ItemDataRole.UserRole + 10
PATH_ROLE = Qt.ItemDataRole.UserRole + 11
THUMB_SIZE = 96
CACHE_ITEMS = 4000


def rgb_to_qimage(rgb: np.ndarray) -> QImage:
    """uint8 (H, W, 3) or (H, W) -> a QImage that owns its pixels."""
    a = np.ascontiguousarray(rgb)
    if a.ndim == 2:
        a = np.ascontiguousarray(np.repeat(a[..., None], 3, axis=2))
    h, w = a.shape[:2]
    return QImage(a.data, w, h, 3 * w, QImage.Format.Format_RGB888).copy()


class ThumbnailRenderer(QObject):
    """Renders requested item indices, most recent request first, in a background worker that
    runs while there are requests (and so holds no thread while there are none)."""

    rendered = Signal(int, int, QImage)  # generation, index, image

    def __init__(self, designs, generation: int, size: int = THUMB_SIZE, parent=None):
        super().__init__(parent)
        self.setObjectName("thumbnails")
        self._designs = designs
        self._generation = generation
        self._size = size
        self._cond = threading.Condition()
        self._queue: OrderedDict[int, None] = OrderedDict()
        self._quit = False
        self._current: int | None = None
        self._runner: FunctionJob | None = None

    def request(self, index: int) -> None:
        """Queue ``index`` (again: a repeated request moves it to the front)."""
        with self._cond:
            if index == self._current or self._quit:
                return
            self._queue.pop(index, None)
            self._queue[index] = None  # newest at the end
            while len(self._queue) > 512:  # forget requests that scrolled away long ago
                self._queue.popitem(last=False)
            if self._runner is not None:
                return
            runner = self._runner = FunctionJob(self._drain, name="thumbnails", background=True)
        start_worker(runner)

    def pending(self) -> int:
        with self._cond:
            return len(self._queue) + (self._current is not None)

    @property
    def working(self) -> bool:
        with self._cond:
            return self._runner is not None

    def stop(self) -> None:
        with self._cond:
            self._quit = True
            self._queue.clear()

    def wait(self, timeout: float) -> bool:
        """Block until the thumbnail under way (after :meth:`stop`) is done; False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: self._runner is None, timeout)

    def _drain(self) -> None:
        from vae_designer.core.export.preview import thumbnail

        while True:
            with self._cond:
                if self._quit or not self._queue:
                    self._runner = None
                    self._cond.notify_all()
                    return
                index, _ = self._queue.popitem(last=True)
                self._current = index
            try:
                image = rgb_to_qimage(thumbnail(self._designs, index, self._size))
            except Exception:  # noqa: BLE001 - a thumbnail that fails stays a placeholder
                image = None
            if image is not None:
                self.rendered.emit(self._generation, index, image)
            with self._cond:
                self._current = None


class ThumbnailModel(QAbstractListModel):
    """One row per design (of the label shown): file name, label, lazily rendered thumbnail.

    The label filter lives here as an index array (numpy), not in a
    QSortFilterProxyModel, which would call ``data()`` once per row: 100k rows
    filter in milliseconds instead of a second.
    """

    def __init__(self, parent=None, size: int = THUMB_SIZE):
        super().__init__(parent)
        self._designs = None
        self._labels = np.empty(0, dtype=object)
        self._rows = np.empty(0, dtype=np.int64)  # view row -> design index (sorted)
        self._filter: str | None = None
        self._size = size
        self._cache: OrderedDict[int, QPixmap] = OrderedDict()
        self._renderer: ThumbnailRenderer | None = None
        self._retired: list[ThumbnailRenderer] = []
        self._generation = 0
        self._placeholder = self._make_placeholder()
        theme.notifier.theme_changed.connect(self._on_theme)

    @property
    def designs(self):
        return self._designs

    def set_designs(self, designs) -> None:
        self.beginResetModel()
        self._stop_renderer()
        self._designs = designs
        n = len(designs) if designs is not None else 0
        self._labels = np.asarray(designs.labels, dtype=object) if designs is not None else np.empty(0, object)
        self._filter = None
        self._rows = np.arange(n, dtype=np.int64)
        self._cache.clear()
        self._generation += 1
        if designs is not None and len(designs):
            self._renderer = ThumbnailRenderer(designs, self._generation, self._size, parent=self)
            self._renderer.rendered.connect(self._on_rendered)
        self.endResetModel()

    def set_label_filter(self, label: str | None) -> None:
        """Show only the designs with ``label`` (None: all)."""
        if label == self._filter:
            return
        self.beginResetModel()
        self._filter = label
        n = len(self._labels)
        self._rows = np.arange(n, dtype=np.int64) if label is None else \
            np.flatnonzero(self._labels == label).astype(np.int64)
        self.endResetModel()


    def shutdown(self) -> None:
        self._stop_renderer()
        for r in self._retired:
            r.wait(5)
        self._forget_retired()

    def rendered_count(self) -> int:
        return len(self._cache)

    def pending_count(self) -> int:
        """Thumbnails asked for (by the view painting them) and not rendered yet."""
        return self._renderer.pending() if self._renderer is not None else 0

    # Qt model API
    def rowCount(self, parent: QModelIndex = ROOT) -> int:
        return 0 if parent.isValid() or self._designs is None else len(self._rows)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or self._designs is None or index.row() >= len(self._rows):
            return None
        row = int(self._rows[index.row()])  # the design's index
        if role == Qt.ItemDataRole.DisplayRole:
            return os.path.basename(self._designs.paths[row])
        if role == Qt.ItemDataRole.DecorationRole:
            pixmap = self._cache.get(row)
            if pixmap is not None:
                self._cache.move_to_end(row)
                return pixmap
            if self._renderer is not None:
                # asked on every paint of a placeholder: what is on screen now goes first
                self._renderer.request(row)
            return self._placeholder
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{self._designs.paths[row]}\nlabel: {self._designs.labels[row]}"
        if role == LABEL_ROLE:
            return self._designs.labels[row]
        if role == PATH_ROLE:
            return self._designs.paths[row]
        if role == Qt.ItemDataRole.SizeHintRole:
            return QSize(self._size + 34, self._size + 24)
        return None

    # internals
    def _on_rendered(self, generation: int, item: int, image: QImage) -> None:
        if generation != self._generation:
            return
        self._cache[item] = QPixmap.fromImage(image)
        while len(self._cache) > CACHE_ITEMS:
            self._cache.popitem(last=False)
        row = int(np.searchsorted(self._rows, item))
        if row < len(self._rows) and self._rows[row] == item:
            ix = self.index(row)
            self.dataChanged.emit(ix, ix, [Qt.ItemDataRole.DecorationRole])

    def _stop_renderer(self) -> None:
        if self._renderer is not None:
            self._renderer.stop()
            self._retired.append(self._renderer)
            self._renderer = None
        self._forget_retired()

    def _forget_retired(self) -> None:
        """Delete the stopped renderers whose last thumbnail is done (one under way still emits)."""
        for r in [r for r in self._retired if not r.working]:
            self._retired.remove(r)
            r.deleteLater()

    def _make_placeholder(self) -> QPixmap:
        pm = QPixmap(QSize(self._size, self._size))
        pm.fill(QColor(theme.current().thumb_bg))
        p = QPainter(pm)
        p.setPen(QColor(theme.current().border))
        p.drawRect(0, 0, self._size - 1, self._size - 1)
        p.end()
        return pm

    def _on_theme(self, _t) -> None:
        self._placeholder = self._make_placeholder()
