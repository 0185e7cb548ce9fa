"""How the user asks the main window to open something: the file dialogs, the bundled
samples, the recent list (File menu and start page), a folder or project dropped on the window.

A part of :class:`~.main_window.MainWindow` (it inherits :class:`OpeningMixin`).  Every way
ends in :meth:`OpeningMixin.open_path`, which hands the path to the
:class:`~.workspace.Workspace` -- or, while training runs, asks first and opens it once the
training has stopped (the window's ``_on_training_idle``).
"""

from __future__ import annotations

import os

from vae_designer.resources import sample_folder

from .common import dialogs


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
            self.show_error("Cannot open", f"{path}: no such folder or project")
            return False
        if os.path.isfile(path) and os.path.basename(path) != "project.json":
            path = os.path.dirname(path)  # a file dropped from a design folder: open its folder
        if self.training.running:
            if not dialogs.ask(self, "Training is running",
                               "Stop training and open something else? The best model so far is saved.",
                               "Stop training", "Keep training"):
                return False
            self.training.stop()
            self._pending_open = path
            return True
        self.workspace.open_path(path)
        return True

    # recent items
    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        paths = [p for p in self.store.recent() if os.path.exists(p)]
        for p in paths:
            self.recent_menu.addAction(os.path.basename(os.path.normpath(p)) + f"   ({os.path.dirname(p)})",
                                       lambda _=False, path=p: self.open_path(path))
        if not paths:
            a = self.recent_menu.addAction("(nothing yet)")
            a.setEnabled(False)
        else:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction("Clear List", self._clear_recent)

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
