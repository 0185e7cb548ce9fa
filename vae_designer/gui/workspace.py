"""What is open: a design folder (its ``DesignSet``) and, optionally, a project.

Opening anything runs in a :class:`GeneratorThread`: a folder is ingested with
``core.ingest.ingest_steps``; a project is read (JSON + safetensors) and its
design folder re-ingested with the project's settings (near-instant from the
cache).  Only the most recent request counts: opening something else cancels
the load in progress.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

from vae_designer.core.errors import UserError
from vae_designer.core.ingest import Progress, ingest_steps

from .common.workers import GeneratorThread


@dataclass
class Opened:
    """The result of an open: the design folder, its designs (None if unavailable), the project."""

    folder: str
    designs: object | None  # DesignSet
    project: object | None = None  # core.project.Project
    note: str = ""  # why something is missing, shown on the dataset page

    @property
    def name(self) -> str:
        if self.project is not None:
            return os.path.basename(os.path.normpath(str(self.project.path)))
        return os.path.basename(os.path.normpath(self.folder)) if self.folder else "?"


def folder_steps(folder: str, kind: str | None, resolution: int | None, cancel):
    designs = yield from ingest_steps(folder, kind, resolution, cancel=cancel)
    return Opened(os.path.abspath(folder), designs, None)


def project_steps(path: str, cancel):
    from vae_designer.core.project.store import load_project

    yield Progress(0, 0, "reading the project")
    project = load_project(path)
    root = project.manifest.get("root") or ""
    settings = project.manifest.get("settings", {})
    if not root or not os.path.isdir(root):
        return Opened(root, None, project,
                      note=f"The design folder this project was trained on ({root or 'unknown'}) is not "
                           "available, so its designs cannot be shown or trained further.")
    try:
        designs = yield from ingest_steps(root, settings.get("kind"), settings.get("resolution"), cancel=cancel)
    except UserError as exc:
        return Opened(root, None, project, note=f"The project's design folder no longer loads: {exc}")
    note = ""
    if designs.paths != project.paths:
        note = ("The design folder changed since this project was trained (files added, removed or "
                "renamed): training again starts a new model.")
    return Opened(root, designs, project, note)


class Workspace(QObject):
    """Owns the current :class:`Opened` and the thread loading the next one."""

    loading = Signal(str)  # a path is being opened
    progress = Signal(object)  # core Progress
    opened = Signal(object)  # Opened
    failed = Signal(str, str)  # path, message
    cancelled = Signal(str)  # path
    busy_changed = Signal(bool)
    project_changed = Signal(object)  # Project or None (after a save)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.current: Opened | None = None
        self._thread: GeneratorThread | None = None
        self._old: set[GeneratorThread] = set()
        self._target = ""

    @property
    def busy(self) -> bool:
        return self._thread is not None

    @property
    def designs(self):
        return self.current.designs if self.current else None

    @property
    def project(self):
        return self.current.project if self.current else None

    def open_path(self, path: str) -> None:
        """A design folder or a project folder (or a project's ``project.json``)."""
        from vae_designer.core.project.store import is_project

        path = os.path.abspath(os.path.expanduser(str(path)))
        if os.path.basename(path) == "project.json":
            path = os.path.dirname(path)
        if is_project(path):
            self.open_project(path)
        else:
            self.open_folder(path)

    def open_folder(self, folder: str, kind: str | None = None, resolution: int | None = None) -> None:
        folder = os.path.abspath(str(folder))
        self._start(folder, lambda cancel: folder_steps(folder, kind, resolution, cancel))

    def open_project(self, path: str) -> None:
        path = os.path.abspath(str(path))
        self._start(path, lambda cancel: project_steps(path, cancel))

    def reload(self, resolution: int) -> None:
        """Load the current folder again at another resolution (a new model, no project)."""
        if self.current is None or not self.current.folder:
            return
        kind = self.current.designs.kind if self.current.designs is not None else None
        self.open_folder(self.current.folder, kind, resolution)

    def cancel(self) -> None:
        if self._thread is not None:
            self._thread.cancel()

    def set_project(self, project) -> None:
        """The project was saved (or saved elsewhere): remember it as the current one."""
        if self.current is not None:
            self.current.project = project
            self.project_changed.emit(project)

    def shutdown(self) -> None:
        """Cancel loading and wait for every loader thread (window closing)."""
        for t in list(self._old) + ([self._thread] if self._thread else []):
            t.cancel()
        for t in list(self._old) + ([self._thread] if self._thread else []):
            t.wait(10000)

    def _start(self, target: str, make) -> None:
        if self._thread is not None:
            self._retire(self._thread)
        thread = GeneratorThread(make, parent=self, name=f"open {os.path.basename(target)}")
        self._thread = thread
        self._target = target
        thread.progress.connect(lambda ev, t=thread: self._on_progress(t, ev))
        thread.result.connect(lambda value, t=thread: self._on_result(t, value))
        thread.failed.connect(lambda msg, t=thread, p=target: self._on_failed(t, p, msg))
        thread.cancelled.connect(lambda t=thread, p=target: self._on_cancelled(t, p))
        thread.finished.connect(lambda t=thread: self._on_finished(t))
        self.loading.emit(target)
        self.busy_changed.emit(True)
        thread.start()

    def _retire(self, thread: GeneratorThread) -> None:
        thread.cancel()
        self._old.add(thread)
        self._thread = None

    def _on_progress(self, thread, event) -> None:
        if thread is self._thread:
            self.progress.emit(event)

    def _done(self, thread) -> bool:
        """The current load ended: not busy any more (before the outcome is announced)."""
        if thread is not self._thread:
            return False
        self._thread = None
        self._old.add(thread)  # until its QThread has really finished
        self.busy_changed.emit(False)
        return True

    def _on_result(self, thread, value: Opened) -> None:
        if self._done(thread):
            self.current = value
            self.opened.emit(value)

    def _on_failed(self, thread, path: str, message: str) -> None:
        if self._done(thread):
            self.failed.emit(path, message)

    def _on_cancelled(self, thread, path: str) -> None:
        if self._done(thread):
            self.cancelled.emit(path)

    def _on_finished(self, thread) -> None:
        self._old.discard(thread)
        if thread is self._thread:  # ended without an outcome signal (should not happen)
            self._thread = None
            self.busy_changed.emit(False)
        thread.deleteLater()
