"""Ending the app from outside: SIGTERM, SIGINT, SIGHUP and the session ending close it cleanly.

A signal takes the same path as closing the window, without the question: training
is stopped and its best model saved, loading cancelled, every worker ended and the
ingestion pool shut down, and the event loop returns 0.

Python runs a signal handler only between bytecodes of the main thread, and the
main thread sits in Qt's event loop (C++) until an event arrives.  So the C-level
handler writes the signal number to a socket (``signal.set_wakeup_fd``); a
:class:`QSocketNotifier` on the other end wakes the event loop, Python gets control
and runs the handler, which asks the window to quit.  A second signal while the
app is already quitting is ignored (the stop and the save are under way); a third
ends the process at once, the autosaved project is what remains.
"""

from __future__ import annotations

import logging
import os
import signal
import socket

from PySide6.QtCore import QObject, QSocketNotifier, QTimer
from PySide6.QtWidgets import QApplication

log = logging.getLogger(__name__)

SIGNALS = tuple(getattr(signal, n) for n in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, n))
FORCE_AFTER = 3  # signals: the third ends the process without waiting


class SignalQuitter(QObject):
    """Route termination signals (and the session ending) to ``quit_request()`` on the GUI thread."""

    def __init__(self, app: QApplication, quit_request, parent: QObject | None = None):
        super().__init__(parent)
        self._quit_request = quit_request
        self.received: list[int] = []
        self._previous: dict = {}
        self._read, self._write = socket.socketpair()
        self._read.setblocking(False)
        self._write.setblocking(False)
        self._notifier = QSocketNotifier(self._read.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._drain)
        self._old_wakeup = signal.set_wakeup_fd(self._write.fileno(), warn_on_full_buffer=False)
        for s in SIGNALS:
            self._previous[s] = signal.signal(s, self._handle)
        app.commitDataRequest.connect(lambda _manager: self._request("session ending"))

    def _drain(self, *_args) -> None:
        try:
            while self._read.recv(64):
                pass
        except (BlockingIOError, InterruptedError):
            pass

    def _handle(self, signum, _frame) -> None:
        self.received.append(signum)
        name = signal.Signals(signum).name
        if len(self.received) >= FORCE_AFTER:
            log.warning("%s again: ending at once", name)
            os._exit(128 + signum)
        if len(self.received) == 1:
            # not from inside the handler: let the handler return, then quit from the event loop
            QTimer.singleShot(0, lambda: self._request(name))

    def _request(self, why: str) -> None:
        log.info("quitting: %s", why)
        self._quit_request()

    def uninstall(self) -> None:
        for s, h in self._previous.items():
            signal.signal(s, h)
        self._previous.clear()
        signal.set_wakeup_fd(self._old_wakeup)
        self._notifier.setEnabled(False)
        self._read.close()
        self._write.close()
