"""How the user asks the main window to open something: the file dialogs, the bundled
samples, the recent list (File menu and start page), a folder or project dropped on the window.

A part of :class:`~.main_window.MainWindow` (it inherits :class:`OpeningMixin`), with what the
window shows while the workspace loads and once it has opened something.  Every way
ends in :meth:`OpeningMixin.open_path`, which hands the path to the
:class:`~.workspace.Workspace` -- or, while training runs, asks first and opens it once the
training has stopped (the window's ``_on_training_idle``).
"""

from __future__ import annotations

import os

from vae_designer.resources import sample_folder

from .common import dialogs
from .common.i18n import number
from .training.session import autosave_note


class OpeningMixin:
    """Opening for the main window (uses its store, workspace, training session and start page)."""

    def choose_folder(self) -> None:
        path = dialogs.choose_folder(self, self.store.last_dir())
        if path:
            self.store.set_last_dir(os.path.dirname(path))
            self.open_path(path)

    def choose_project(self) -> None:
        path = dialogs.choose_project(self, self.store.last_dir())
        if path:
            self.store.set_last_dir(os.path.dirname(path))
            self.open_path(path)

    def open_sample(self, kind: str) -> None:
        self.open_path(str(sample_folder(kind)))

    def open_path(self, path: str) -> bool:
        """Open a design folder or a project (what the command line and drops do)."""
        path = os.path.abspath(os.path.expanduser(str(path)))
        if not os.path.exists(path):
            self.show_error(self.tr("Cannot open"), self.tr("{0}: no such folder or project").format(path))
            return False
        if os.path.isfile(path) and os.path.basename(path) != "project.json":
            path = os.path.dirname(path)  # a file dropped from a design folder: open its folder
        if self.training.running:
            if not dialogs.ask(self, self.tr("Training is running"),
                               self.tr("Stop training and open something else? The best model so far is saved."),
                               self.tr("Stop training"), self.tr("Keep training")):
                return False
            self.training.stop()
            self._pending_open = path
            return True
        self.workspace.open_path(path)
        return True

    # what the workspace reports while it opens something, and once it has
    def _on_loading(self, path: str) -> None:
        self.dataset_page.show_loading(path)
        self._update_enabled()
        self.show_page("dataset")
        self.task_label.setText(self.tr("Loading {0}").format(os.path.basename(path)))
        self.task_bar.setRange(0, 0)
        self.task_bar.show()
        self.statusBar().showMessage(self.tr("Loading {0} …").format(path))

    def _on_load_progress(self, ev) -> None:
        self.dataset_page.update_progress(ev)
        if ev.total:
            self.task_bar.setRange(0, ev.total)
            self.task_bar.setValue(ev.done)
            self.task_label.setText(self.tr("Loading {0} / {1}").format(number(ev.done), number(ev.total)))

    def _end_task(self) -> None:
        self.task_bar.hide()
        self.task_label.setText("")

    def _on_opened(self, opened) -> None:
        self._end_task()
        self.dataset_page.show_opened(opened)
        self.training.set_opened(opened)
        self.training_page.set_opened(opened)
        self.map_page.strips.keeper.save()  # the work on the map of what was open, before it goes
        self.map_page.set_opened(opened)
        self.map_page.strips.keeper.restore(opened.project)
        recent = str(opened.project.path) if opened.project is not None else opened.folder
        if recent:
            self.store.add_recent(recent)
            self.start_page.set_recent(self.store.recent())
        self._update_title()
        self._update_enabled()
        interrupted = autosave_note(opened.project) if opened.project is not None else ""
        if interrupted:
            self.statusBar().showMessage(interrupted, 15000)
        elif opened.designs is not None:
            self.statusBar().showMessage(self._loaded_message(opened), 10000)
        elif opened.note:
            self.statusBar().showMessage(opened.note, 10000)
        if opened.project is not None and opened.designs is not None:
            self.show_page("training")
        else:
            self.show_page("dataset")

    def _loaded_message(self, opened) -> str:
        """The status line once a folder has loaded: "Loaded 300 images from …; 4 files skipped …"."""
        d = opened.designs
        what = self.tr("Loaded {0} images from {1}") if d.kind == "image" else self.tr("Loaded {0} meshes from {1}")
        text = what.format(number(len(d)), opened.folder)
        if d.skipped:
            text += self.tr("; {0} files skipped (see Skipped files)").format(number(len(d.skipped)))
        return text

    def _on_load_failed(self, path: str, message: str) -> None:
        self._end_task()
        self.dataset_page.show_previous()
        self._update_enabled()
        if self.workspace.current is None:
            self.show_page("start")
        self.statusBar().showMessage(self.tr("Nothing was opened"), 6000)
        self.show_error(self.tr("Cannot open"), self.tr("Could not open {0}:").format(os.path.basename(path))
                        + " " + message)

    def _on_load_cancelled(self, path: str) -> None:
        self._end_task()
        self.dataset_page.show_previous()
        self._update_enabled()
        if self.workspace.current is None:
            self.show_page("start")
        self.statusBar().showMessage(self.tr("Loading {0} cancelled").format(os.path.basename(path)), 6000)

    # recent items
    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        paths = [p for p in self.store.recent() if os.path.exists(p)]
        for p in paths:
            self.recent_menu.addAction(os.path.basename(os.path.normpath(p)) + f"   ({os.path.dirname(p)})",
                                       lambda _=False, path=p: self.open_path(path))
        if not paths:
            a = self.recent_menu.addAction(self.tr("(nothing yet)"))
            a.setEnabled(False)
        else:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction(self.tr("Clear List"), self._clear_recent)

    def _remove_recent(self, path: str) -> None:
        self.store.remove_recent(path)
        self.start_page.set_recent(self.store.recent())

    def _clear_recent(self) -> None:
        self.store.clear_recent()
        self.start_page.set_recent([])

    # drag and drop
    @staticmethod
    def _dropped_path(mime) -> str | None:
        if not mime.hasUrls():
            return None
        for url in mime.urls():
            if url.isLocalFile():
                path = url.toLocalFile()
                if os.path.isdir(path) or os.path.basename(path) == "project.json":
                    return path
        return None

    def dragEnterEvent(self, event) -> None:
        if self._dropped_path(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event) -> None:
        self.dragEnterEvent(event)

    def dropEvent(self, event) -> None:
        path = self._dropped_path(event.mimeData())
        if path:
            event.acceptProposedAction()
            self.open_path(path)
