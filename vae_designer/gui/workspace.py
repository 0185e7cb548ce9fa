"""What is open: a design folder (its ``DesignSet``) and, optionally, a project.

Opening anything runs in a ``GeneratorJob`` (``common.workers``, on the interactive pool:
the user is waiting for it): a folder is ingested with
``core.ingest.ingest_steps``; a project is read (JSON + safetensors) and its
design folder re-ingested with the project's settings (near-instant from the
cache).  Only the most recent request counts: opening something else cancels
the load in progress.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QObject, Signal

from vae_designer.core.errors import UserError
from vae_designer.core.ingest import Progress, ingest_steps

from .common.workers import GeneratorJob, start_worker

translate = QCoreApplication.translate  # lupdate reads translate("Context", "...")


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


def folder_steps(folder: str, kind: str | None, resolution: int | None, cancel, defaults: dict | None = None):
    designs = yield from ingest_steps(folder, kind, resolution, cancel=cancel, default_resolutions=defaults)
    return Opened(os.path.abspath(folder), designs, None)


def project_steps(path: str, cancel):
    from vae_designer.core.project.store import load_project

    yield Progress(0, 0, translate("Workspace", "Reading the project"))
    project = load_project(path)
    root = project.manifest.get("root") or ""
    settings = project.manifest.get("settings", {})
    if not root or not os.path.isdir(root):
        note = translate("Workspace", "The design folder this project was trained on ({0}) is not available, so "
                         "its designs cannot be shown or trained further.")
        return Opened(root, None, project, note=note.format(root or translate("Workspace", "unknown")))
    try:
        designs = yield from ingest_steps(root, settings.get("kind"), settings.get("resolution"), cancel=cancel)
    except UserError as exc:
        note = translate("Workspace", "The project's design folder no longer loads: {0}").format(exc)
        return Opened(root, None, project, note=note)
    note = ""
    if designs.paths != project.paths:
        note = translate("Workspace", "The design folder changed since this project was trained (files added, "
                         "removed or renamed): training again starts a new model.")
    return Opened(root, designs, project, note)


class Workspace(QObject):
    """Owns the current :class:`Opened` and the worker loading the next one."""

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
        self._job: GeneratorJob | None = None
        self._old: set[GeneratorJob] = set()  # cancelled or done, until they have ended
        self._target = ""
        self.default_resolutions = dict  # () -> {kind: resolution} for a new folder (the preferences)

    @property
    def busy(self) -> bool:
        return self._job is not None

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
        defaults = dict(self.default_resolutions())  # the preferences' resolutions for a new folder
        self._start(folder, lambda cancel: folder_steps(folder, kind, resolution, cancel, defaults))

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
        if self._job is not None:
            self._job.cancel()

    def set_project(self, project) -> None:
        """The project was saved (or saved elsewhere): remember it as the current one."""
        if self.current is not None:
            self.current.project = project
            self.project_changed.emit(project)

    def shutdown(self) -> None:
        """Cancel loading and wait for every loader (window closing)."""
        jobs = list(self._old) + ([self._job] if self._job else [])
        for job in jobs:
            job.cancel()
        for job in jobs:
            job.wait(10)

    def _start(self, target: str, make) -> None:
        if self._job is not None:
            self._retire(self._job)
        job = GeneratorJob(make, name=f"open {os.path.basename(target)}", background=False)
        self._job = job
        self._target = target
        job.yielded.connect(lambda ev, j=job: self._on_progress(j, ev))
        job.returned.connect(lambda value, j=job: self._on_result(j, value))
        job.failed.connect(lambda msg, j=job, p=target: self._on_failed(j, p, msg))
        job.aborted.connect(lambda j=job, p=target: self._on_cancelled(j, p))
        job.ended.connect(self._on_finished)
        self.loading.emit(target)
        self.busy_changed.emit(True)
        start_worker(job)

    def _retire(self, job: GeneratorJob) -> None:
        job.cancel()
        self._old.add(job)
        self._job = None

    def _on_progress(self, job, event) -> None:
        if job is self._job:
            self.progress.emit(event)

    def _done(self, job) -> bool:
        """The current load ended: not busy any more (before the outcome is announced)."""
        if job is not self._job:
            return False
        self._job = None
        self._old.add(job)  # until it has really ended
        self.busy_changed.emit(False)
        return True

    def _on_result(self, job, value: Opened) -> None:
        if self._done(job):
            self.current = value
            self.opened.emit(value)

    def _on_failed(self, job, path: str, message: str) -> None:
        if self._done(job):
            self.failed.emit(path, message)

    def _on_cancelled(self, job, path: str) -> None:
        if self._done(job):
            self.cancelled.emit(path)

    def _on_finished(self, job) -> None:
        self._old.discard(job)
        if job is self._job:  # ended without an outcome signal (should not happen)
            self._job = None
            self.busy_changed.emit(False)
