"""The main window: sidebar and pages, status bar, what loading, saving and training show, closing.

Pages are registered with :meth:`MainWindow.add_page` (key, title, icon, what
they need to be usable), so a page such as the latent map can be added without
touching the rest.  The window holds no computation: opening goes through the
:class:`~.workspace.Workspace`, training through the
:class:`~.training_session.TrainingSession`.  Its menus, actions and shortcuts
are in ``main_menus``; the ways to ask for something to open (dialogs, samples,
recent items, drag and drop) and what the window shows while something opens in ``main_opening``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMenu,
    QProgressBar,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from .common import dialogs, icons, theme
from .common.settings_store import SettingsStore
from .dataset.page import DatasetPage
from .main_menus import APP_NAME, MenusMixin
from .main_opening import OpeningMixin
from .map.page import MapPage
from .start.page import StartPage
from .training.page import TrainingPage
from .training.session import TrainingSession
from .workspace import Workspace


@dataclass
class PageEntry:
    key: str
    title: str
    icon: str
    widget: QWidget
    needs: str | None  # None, 'designs' (a design folder is loaded) or 'model' (a trained model exists)
    item: QListWidgetItem


class MainWindow(MenusMixin, OpeningMixin, QMainWindow):
    page_changed = Signal(str)

    def __init__(self, store: SettingsStore | None = None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("MainWindow")
        self.store = store or SettingsStore()
        self.workspace = Workspace(self)
        self._follow_preferences()
        self.training = TrainingSession(self.workspace, parent=self)
        self._pages: dict[str, PageEntry] = {}
        self._view_menu: QMenu | None = None  # made by _make_actions: a page added later gets its action then
        self._pages_end: QAction | None = None  # the separator after the View menu's pages
        self._closing = False
        self._allow_close = False
        self._quit_app = False  # closing was asked from outside (a signal): end the event loop too
        self.crash_reporter = None  # set by app.start_app
        self._pending_open: str | None = None  # opened once the training that was running has stopped
        self.setWindowIcon(icons.app_icon())
        self.setAcceptDrops(True)
        self.setMinimumSize(QSize(960, 640))
        self._build_central()
        self._add_pages()
        self._build_status_bar()
        self._make_actions()
        self._connect()
        self.start_page.set_recent(self.store.recent())
        self._update_enabled()
        self._update_title()
        geometry = self.store.geometry()
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 820)
        self.show_page("start")
        self.statusBar().showMessage(self.tr("Open a design folder or a project to begin"), 8000)
        theme.notifier.theme_changed.connect(self._retheme)

    # building
    def _build_central(self) -> None:
        """The sidebar (name, page list, what is going on) beside the stack of pages."""
        self.sidebar = QListWidget()
        self.sidebar.setObjectName("SidebarList")
        self.sidebar.setIconSize(QSize(20, 20))
        self.sidebar.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.sidebar.currentRowChanged.connect(self._sidebar_changed)
        side = QWidget()
        side.setObjectName("Sidebar")
        side.setFixedWidth(188)
        sl = QVBoxLayout(side)
        sl.setContentsMargins(0, 0, 0, 8)
        sl.setSpacing(0)
        brand = QLabel(APP_NAME)
        brand.setObjectName("SidebarTitle")
        sl.addWidget(brand)
        sl.addWidget(self.sidebar, 1)
        self.sidebar_status = QLabel("")
        self.sidebar_status.setProperty("role", "muted")
        self.sidebar_status.setWordWrap(True)
        self.sidebar_status.setContentsMargins(16, 4, 12, 4)
        sl.addWidget(self.sidebar_status)
        self.stack = QStackedWidget()
        central = QWidget()
        cl = QHBoxLayout(central)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.setSpacing(0)
        cl.addWidget(side)
        cl.addWidget(self.stack, 1)
        self.setCentralWidget(central)

    def _add_pages(self) -> None:
        self.start_page = StartPage()
        self.dataset_page = DatasetPage()
        self.training_page = TrainingPage(self.training)
        self.training_page.new_project_defaults = lambda: self.store.preferences()  # Edit > Preferences
        self.add_page("start", self.tr("Start"), "home", self.start_page)
        self.add_page("dataset", self.tr("Dataset"), "dataset", self.dataset_page, needs="designs")
        self.add_page("training", self.tr("Training"), "training", self.training_page, needs="designs")
        self.map_page = MapPage(self.training)
        self.add_page("map", self.tr("Map"), "map", self.map_page, needs="model")
        self.map_page.map_changed.connect(self._update_enabled)

    def _build_status_bar(self) -> None:
        """The status bar: messages, and what is loading or training with its progress."""
        self.task_label = QLabel("")
        self.task_bar = QProgressBar()
        self.task_bar.setObjectName("StatusProgress")
        self.task_bar.setFixedWidth(160)
        self.task_bar.setMaximumHeight(16)
        self.task_bar.setTextVisible(False)
        self.task_bar.hide()
        self.statusBar().addPermanentWidget(self.task_label)
        self.statusBar().addPermanentWidget(self.task_bar)
        self.statusBar().setSizeGripEnabled(True)

    # pages
    def add_page(self, key: str, title: str, icon: str, widget: QWidget, needs: str | None = None) -> None:
        item = QListWidgetItem(icons.icon(icon), title)
        item.setSizeHint(QSize(160, 38))
        item.setData(Qt.ItemDataRole.UserRole, key)
        self.sidebar.addItem(item)
        self.stack.addWidget(widget)
        self._pages[key] = PageEntry(key, title, icon, widget, needs, item)
        if self._view_menu is not None:
            self._add_page_action(self._pages[key])

    def page(self, key: str) -> QWidget:
        return self._pages[key].widget

    def current_page(self) -> str:
        for entry in self._pages.values():
            if entry.widget is self.stack.currentWidget():
                return entry.key
        return ""

    def show_page(self, key: str) -> bool:
        entry = self._pages.get(key)
        if entry is None or not self._available(entry):
            return False
        self.sidebar.setCurrentItem(entry.item)
        self.stack.setCurrentWidget(entry.widget)
        return True

    def _available(self, entry: PageEntry) -> bool:
        if entry.needs is None:
            return True
        if entry.needs == "designs":
            return self.workspace.current is not None or self.workspace.busy
        if entry.needs == "model":
            return self.workspace.project is not None or self.training.latest_state is not None
        return True

    def _sidebar_changed(self, row: int) -> None:
        item = self.sidebar.item(row)
        if item is None:
            return
        key = item.data(Qt.ItemDataRole.UserRole)
        entry = self._pages[key]
        if self._available(entry):
            self.stack.setCurrentWidget(entry.widget)
            self.page_changed.emit(key)

    def _connect(self) -> None:
        sp = self.start_page
        sp.open_folder_requested.connect(self.choose_folder)
        sp.open_project_requested.connect(self.choose_project)
        sp.sample_requested.connect(self.open_sample)
        sp.path_requested.connect(self.open_path)
        sp.remove_recent_requested.connect(self._remove_recent)
        sp.clear_recent_requested.connect(self._clear_recent)
        dp = self.dataset_page
        dp.cancel_requested.connect(self.workspace.cancel)
        dp.train_requested.connect(lambda: self.show_page("training"))
        dp.open_folder_requested.connect(self.choose_folder)
        ws = self.workspace
        ws.loading.connect(self._on_loading)
        ws.progress.connect(self._on_load_progress)
        ws.opened.connect(self._on_opened)
        ws.failed.connect(self._on_load_failed)
        ws.cancelled.connect(self._on_load_cancelled)
        ws.busy_changed.connect(lambda busy: (self.act_cancel.setEnabled(busy), self._update_enabled()))
        ws.project_changed.connect(lambda _p: (self._update_title(), self._update_enabled()))
        tr = self.training
        tr.state_changed.connect(self._on_training_state)
        tr.status.connect(lambda text: self.statusBar().showMessage(text, 6000))
        tr.saved.connect(self._on_saved)
        tr.failed.connect(lambda msg: self.show_error(self.tr("Training stopped with an error"),
                                                      self.tr("Training stopped: {0}").format(msg)))
        tr.save_failed.connect(lambda msg: self.show_error(self.tr("The project could not be saved"),
                                                           self.tr("Could not save the project: {0}").format(msg)))
        tr.idle.connect(self._on_training_idle)
        tr.event.connect(self._on_train_event)

    # saving
    def save_project(self) -> None:
        if not self.training.can_save:
            self.statusBar().showMessage(self.tr("Nothing to save yet: train a model first"), 6000)
            return
        if self.training.project_path is None or self.training.autosave_location:
            self.save_project_as()
            return
        self.training.save()

    def save_project_as(self) -> None:
        if not self.training.can_save:
            self.statusBar().showMessage(self.tr("Nothing to save yet: train a model first"), 6000)
            return
        current = self.workspace.current
        name = (current.name if current else "project") + "-project"
        path = dialogs.choose_save_location(self, self.store.last_dir(), name)
        if not path:
            return
        self.store.set_last_dir(os.path.dirname(path))
        self.training.save_as(path)

    def _on_saved(self, project) -> None:
        self.workspace.set_project(project)
        self.store.add_recent(str(project.path))
        self.start_page.set_recent(self.store.recent())
        self._update_title()
        self._update_enabled()

    # training
    def _on_training_state(self, state: str) -> None:
        self._update_enabled()
        if state in ("running", "paused", "starting", "stopping"):
            self.task_label.setText({"running": self.tr("Training"), "paused": self.tr("Training paused"),
                                     "starting": self.tr("Starting training"), "stopping": self.tr("Stopping")}[state])
            if state == "starting":
                self.task_bar.setRange(0, 0)
            self.task_bar.show()
        else:
            self._end_task()

    def _on_train_event(self, ev) -> None:
        total = max(1, ev.epochs * max(1, ev.steps_per_epoch))
        done = ev.epoch * max(1, ev.steps_per_epoch) + (ev.step if ev.kind == "step" else 0)
        self.task_bar.setRange(0, 1000)
        self.task_bar.setValue(int(1000 * min(1.0, done / total)))

    def _on_training_idle(self) -> None:
        self._update_enabled()
        if self._closing:
            self._allow_close = True
            QTimer.singleShot(0, self.close)
            return
        pending = self._pending_open
        if pending:
            self._pending_open = None
            self.workspace.open_path(pending)

    # look
    def _retheme(self, _t) -> None:
        for entry in self._pages.values():
            entry.item.setIcon(icons.icon(entry.icon))

    # state
    def _update_title(self) -> None:
        current = self.workspace.current
        if current is None:
            self.setWindowTitle(APP_NAME)
            return
        where = current.name
        if current.project is None and self.training.project_path:
            where = os.path.basename(self.training.project_path)
        self.setWindowTitle(f"{where} — {APP_NAME}")

    def _update_enabled(self) -> None:
        for entry in self._pages.values():
            ok = self._available(entry)
            flags = entry.item.flags()
            entry.item.setFlags(flags | Qt.ItemFlag.ItemIsEnabled if ok else flags & ~Qt.ItemFlag.ItemIsEnabled)
        for act, key in zip(self._page_actions, self._pages, strict=True):
            act.setEnabled(self._available(self._pages[key]))
        t = self.training
        has_designs = self.workspace.designs is not None and not self.workspace.busy
        self.act_train_start.setEnabled(has_designs and not t.running)
        self.act_train_pause.setEnabled(t.running and t.state != "stopping")
        self.act_train_stop.setEnabled(t.running and t.state != "stopping")
        self.act_save.setEnabled(t.can_save)
        self.act_save_as.setEnabled(t.can_save)
        self.training_page.update_enabled(has_designs)
        busy = t.running or self.workspace.busy
        for act in (self.act_open_folder, self.act_open_project, self.act_sample_2d, self.act_sample_3d):
            act.setEnabled(True)  # opening while busy asks first / replaces the load
        self.sidebar_status.setText(self.tr("Training…") if t.running else (self.tr("Loading…") if busy else ""))

    # errors
    def show_error(self, title: str, message: str) -> None:
        self.statusBar().showMessage(message, 10000)
        dialogs.show_error(self, title, message)

    # closing
    def quit_without_asking(self) -> None:
        """SIGTERM, Ctrl-C in the terminal, the session ending: close the way the close button does,
        without the question -- training stops and its best model is saved, loading is cancelled,
        every worker ends -- and then end the event loop (exit status 0)."""
        self._quit_app = True
        for widget in QApplication.topLevelWidgets():  # a question or a dialog waiting for an answer
            if isinstance(widget, QDialog) and widget.isVisible():
                widget.reject()
        if self._allow_close or not self.training.busy:
            self.close()
            return
        if not self._closing:
            self._closing = True
            self.statusBar().showMessage(self.tr("Stopping training and saving the best model…"))
            self.training.stop()

    def _follow_preferences(self) -> None:
        """New folders load at the preferences' resolutions (read at each use); the cache is where they say."""
        from .preferences import apply_cache_dir

        self.workspace.default_resolutions = lambda: {k: self.store.preferences()[f"resolution_{k}"]
                                                      for k in ("image", "mesh")}
        apply_cache_dir(self.store.preferences()["cache_dir"])

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._allow_close or not self.training.busy:
            self._shutdown()
            event.accept()
            if self._quit_app:  # other top-level windows (compare view) must not keep it running
                QTimer.singleShot(0, QApplication.quit)
            return
        if self._closing:  # already stopping: keep waiting
            event.ignore()
            return
        if self.training.running:
            where = self.training.project_path or self.tr("the project")
            text = self.tr("Stop training and quit?\n\nThe best model so far is saved to {0}.").format(where)
            if not dialogs.ask(self, self.tr("Training is running"), text, self.tr("Stop and quit"),
                               self.tr("Keep training")):
                event.ignore()
                return
        self._closing = True
        self.statusBar().showMessage(self.tr("Stopping training and saving the best model…"))
        QApplication.setOverrideCursor(Qt.CursorShape.BusyCursor)
        self.training.stop()
        event.ignore()  # closes for real when the session reports idle (stopped and saved)

    def _shutdown(self) -> None:
        if QApplication.overrideCursor() is not None:
            QApplication.restoreOverrideCursor()
        self.store.set_geometry(self.saveGeometry())
        self.store.sync()
        self.training.shutdown()
        self.workspace.shutdown()
        self.dataset_page.shutdown()
        self.training_page.shutdown()
        self.map_page.shutdown()
