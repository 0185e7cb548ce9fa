"""Unexpected errors: logged to a file, shown in a dialog with a Copy button, and survived.

* ``sys.excepthook`` (an exception in a slot on the GUI thread, or one that escapes a
  ``QThread.run`` or ``QRunnable.run``) and ``threading.excepthook`` (a Python thread) both reach
  :class:`CrashReporter`: the traceback is appended to ``crash.log`` under the user
  log directory at once, on the thread where it happened, and a dialog with the
  details, the log's path and a Copy button is shown on the GUI thread (queued
  signal).  The app keeps running.
* Failures that the app's worker threads catch themselves (a training run or a load that
  fails with an unexpected exception becomes a one-line error dialog) are logged with their
  traceback at ERROR level; a logging handler appends those records to the same file.
* :mod:`faulthandler` writes to the same file, so a native abort (a segfault in a C
  extension, ``Fatal Python error``) leaves the Python stacks of every thread.

``install`` is called once by ``app.run_app``; tests make their own reporter.
"""

from __future__ import annotations

import datetime
import faulthandler
import logging
import os
import sys
import threading
import traceback
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from vae_designer import __version__

log = logging.getLogger(__name__)

LOG_NAME = "crash.log"


def log_dir() -> Path:
    """Where the crash log lives (``VAE_DESIGNER_LOG_DIR`` overrides, for tests and portable use)."""
    override = os.environ.get("VAE_DESIGNER_LOG_DIR")
    if override:
        return Path(override)
    import appdirs

    return Path(appdirs.user_log_dir("vae-designer", appauthor=False))


class CrashDialog(QDialog):
    """What went wrong, the full details (selectable), where the log is, Copy and Close."""

    def __init__(self, summary: str, details: str, log_path: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("CrashDialog")
        self.setWindowTitle(self.tr("Something went wrong"))
        self.details = details
        icon = QLabel()
        icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(40, 40))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.summary = QLabel(f"<b>{_escape(summary)}</b><br>" + self.tr("The app is still running; your work is "
                                                                         "kept. If this happens again, please send "
                                                                         "the details below."))
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        top = QHBoxLayout()
        top.addWidget(icon)
        top.addWidget(self.summary, 1)
        self.text = QPlainTextEdit(details)
        self.text.setObjectName("CrashDetails")
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setMinimumSize(560, 220)
        where = QLabel(self.tr("Saved to {0}").format(_escape(log_path)) if log_path
                       else self.tr("The log file could not be written."))
        where.setProperty("role", "muted")
        where.setWordWrap(True)
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton(self.tr("Copy Details"))
        self.copy_button.setObjectName("CopyDetails")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.text, 1)
        layout.addWidget(where)
        layout.addWidget(buttons)

    def add(self, summary: str, details: str) -> None:
        """Another error while the dialog is open: append it instead of stacking dialogs."""
        self.details += "\n" + details
        self.text.setPlainText(self.details)
        self.summary.setText(self.tr("{0} (and earlier errors)").format(f"<b>{_escape(summary)}</b>") + "<br>"
                             + self.tr("The app is still running; your work is kept."))

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.details)
        self.copy_button.setText(self.tr("Copied"))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class CrashReporter(QObject):
    """Log every unexpected exception and show it; ``install()`` takes over the hooks."""

    reported = Signal(str, str)  # summary, details (queued to the GUI thread)

    def __init__(self, window: QWidget | None = None, directory: Path | None = None):
        super().__init__()
        self.window = window
        self.path = Path(directory or log_dir()) / LOG_NAME
        self.dialog: CrashDialog | None = None
        self.count = 0
        self._lock = threading.Lock()
        self._fault_file = None
        self._log_handler: logging.Handler | None = None
        self._previous = None
        self.reported.connect(self._show, Qt.ConnectionType.QueuedConnection)

    # -- hooks ---------------------------------------------------------------------------------
    def install(self) -> None:
        self._previous = (sys.excepthook, threading.excepthook)
        sys.excepthook = self.excepthook
        threading.excepthook = self.thread_excepthook
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fault_file = open(self.path, "a", buffering=1, encoding="utf-8")  # noqa: SIM115 - kept open
            faulthandler.enable(self._fault_file, all_threads=True)
            self._log_handler = logging.FileHandler(self.path, encoding="utf-8", delay=True)
            self._log_handler.setLevel(logging.ERROR)
            self._log_handler.addFilter(lambda record: not getattr(record, "in_crash_log", False))
            self._log_handler.setFormatter(logging.Formatter("--- %(asctime)s %(name)s (thread %(threadName)s)\n"
                                                             "%(message)s"))
            logging.getLogger("vae_designer").addHandler(self._log_handler)
        except OSError:
            log.warning("cannot open %s: native crashes will not be logged", self.path)

    def uninstall(self) -> None:
        if self._previous is not None:
            sys.excepthook, threading.excepthook = self._previous
            self._previous = None
        if self._log_handler is not None:
            logging.getLogger("vae_designer").removeHandler(self._log_handler)
            self._log_handler.close()
            self._log_handler = None
        if self._fault_file is not None:
            faulthandler.disable()
            self._fault_file.close()
            self._fault_file = None

    def excepthook(self, kind, value, tb) -> None:
        if issubclass(kind, KeyboardInterrupt):
            return  # signals are handled by app_lifecycle; never a crash dialog
        self.report(kind, value, tb, threading.current_thread().name)

    def thread_excepthook(self, args) -> None:
        if args.exc_type is SystemExit:
            return
        name = args.thread.name if args.thread is not None else "a thread"
        self.report(args.exc_type, args.exc_value, args.exc_traceback, name)

    # -- reporting ---------------------------------------------------------------------------------
    def report(self, kind, value, tb, thread_name: str = "") -> str:
        """Log one exception (any thread) and ask the GUI thread to show it; the text logged."""
        trace = "".join(traceback.format_exception(kind, value, tb))
        stamp = datetime.datetime.now().isoformat(timespec="seconds")
        header = f"--- {stamp} vae-designer {__version__}, Python {sys.version.split()[0]}, thread {thread_name}"
        details = f"{header}\n{trace}"
        with self._lock:
            self.count += 1
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                with open(self.path, "a", encoding="utf-8") as fh:
                    fh.write(details + "\n")
            except OSError:
                log.error("cannot write %s:\n%s", self.path, details)
        log.error("unexpected error:\n%s", trace, extra={"in_crash_log": True})  # to stderr; the file has it
        text = str(value).strip().splitlines()
        summary = f"{kind.__name__}: {text[0]}" if text else kind.__name__
        self.reported.emit(summary, details)
        return details

    def _show(self, summary: str, details: str) -> None:
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.add(summary, details)
            return
        self.dialog = CrashDialog(summary, details, str(self.path), self.window)
        self.dialog.setModal(True)
        self.dialog.open()
