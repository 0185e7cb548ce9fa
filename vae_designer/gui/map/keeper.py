"""The map session kept with its project: saved as the designer works, restored on reopening.

:class:`SessionKeeper` writes the session's work (pins, groups, history, the design on
show: ``core.latent.saved_session.session_document``) into the folder of the project the
map shows (``core.project.store.save_session``: ``session.json`` and its pictures,
atomic) -- ``SAVE_DELAY_MS`` after the last change, in a background worker (it waits
while the user drags, like every background job), and at once, on this thread, before
another project replaces it and when the app closes.  A kill loses at most the last
couple of seconds.  :meth:`SessionKeeper.restore` reads it back when the project is
opened; a session that does not fit the model (another latent size) is left on disk
and reported, never half-applied.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from vae_designer.core.latent.session import EVENTS

from ..common.i18n import number
from ..common.jobs import LatestJobs

SAVE_DELAY_MS = 2000
TRANSIENT = ("model", "layout", "selection", "picked")  # events that change nothing the session keeps


class SessionWriter:
    """Writes session documents; an older one never replaces a newer (the worker and the GUI
    thread both write)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._written = 0

    def __call__(self, job: dict):
        from vae_designer.core.project.store import save_session

        with self._lock:
            if job["seq"] <= self._written:
                return None
            path = save_session(job["path"], job["document"], job["pictures"])
            self._written = job["seq"]
            return path


class SessionKeeper(QObject):
    """See the module docstring.  ``status(text)`` says what was restored or what failed."""

    def __init__(self, session, status: Callable[[str], None], parent: QObject | None = None):
        super().__init__(parent)
        self.session = session
        self._status = status
        self._seq = 0  # changes seen
        self._saved: tuple | None = None  # (project folder, change number) last written or read
        self._quiet = False
        self._writer = SessionWriter()
        self._worker = LatestJobs(self._writer, name="map-session-save", parent=self)
        self._worker.failed.connect(
            lambda _t, msg: self._status(self.tr("The map session could not be saved: {0}").format(msg)))
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_DELAY_MS)
        self._timer.timeout.connect(lambda: self.save(wait=False))
        for event in EVENTS:
            if event not in TRANSIENT:
                session.observe(event, self._changed)

    def _changed(self, *_args) -> None:
        if not self._quiet:
            self._seq += 1
            self._timer.start()

    def _target(self) -> str | None:
        from vae_designer.core.project.store import is_project

        project = self.session.project
        path = str(project.path) if project is not None else None
        return path if path and is_project(path) and self.session.has_map else None

    @property
    def pending(self) -> bool:
        """Changes that are not on disk yet."""
        path = self._target()
        return path is not None and self._saved != (path, self._seq)

    def save(self, wait: bool = True) -> bool:
        """Write the session into its project now (``wait``: on this thread), if it changed."""
        from vae_designer.core.errors import UserError
        from vae_designer.core.latent.saved_session import session_document

        self._timer.stop()
        path = self._target()
        if path is None or self._saved == (path, self._seq):
            return False
        document, pictures = session_document(self.session)
        job = {"seq": self._seq, "path": path, "document": document, "pictures": pictures}
        self._saved = (path, self._seq)
        if not wait:
            self._worker.submit(job)
            return True
        try:
            self._writer(job)
        except (UserError, OSError) as exc:
            self._status(self.tr("The map session could not be saved: {0}").format(exc))
            return False
        return True

    def restore(self, project) -> bool:
        """Put back the session saved with ``project`` (the model the map has just opened)."""
        from vae_designer.core.errors import UserError
        from vae_designer.core.latent.saved_session import restore_session
        from vae_designer.core.project.store import load_session

        s = self.session
        if project is None or s.project is not project or not s.has_map:
            return False
        self._timer.stop()  # what opening did (the cursor at its start) is nothing to write back
        self._saved = (str(project.path), self._seq)
        try:
            saved = load_session(project.path)
            if saved is None:
                return False
            self._quiet = True
            restore_session(s, *saved)
        except UserError as exc:
            self._status(self.tr("The map session saved with this project was not restored: {0}").format(exc))
            return False
        finally:
            self._quiet = False
        steps = len(s.history.entries)
        pins, groups = len(s.pins), len(s.groups)
        self._status(self.tr("Restored your map session: {0}, {1}, {2}").format(
            (self.tr("{0} pin") if pins == 1 else self.tr("{0} pins")).format(number(pins)),
            (self.tr("{0} group") if groups == 1 else self.tr("{0} groups")).format(number(groups)),
            (self.tr("{0} step of history") if steps == 1 else self.tr("{0} steps of history")).format(number(steps))))
        return True

    def shutdown(self) -> None:
        """The app closes: what has changed is written now."""
        self._timer.stop()
        self._worker.shutdown(wait=True)
        self.save(wait=True)
