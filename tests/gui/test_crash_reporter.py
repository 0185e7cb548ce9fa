"""Unexpected errors on any thread: a log entry, a dialog with the details and a Copy button,
and an app that keeps running; a native abort leaves its stacks in the same log."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import pytest
from helpers import REPO
from PySide6.QtCore import QThread, QTimer
from PySide6.QtWidgets import QApplication


@pytest.fixture
def reporter(qapp, tmp_path):
    from vae_designer.gui.crash_reporter import CrashReporter

    r = CrashReporter(directory=tmp_path / "log")
    r.install()
    yield r
    r.uninstall()
    if r.dialog is not None:
        r.dialog.close()


def dialog_shown(reporter):
    return reporter.dialog is not None and reporter.dialog.isVisible()


@pytest.mark.qt_no_exception_capture
def test_error_in_a_slot_is_logged_shown_and_survived(qtbot, reporter):
    def broken_slot():
        raise ValueError("the slot broke")

    QTimer.singleShot(0, broken_slot)
    qtbot.waitUntil(lambda: dialog_shown(reporter), timeout=10000)
    dialog = reporter.dialog
    assert "ValueError: the slot broke" in dialog.summary.text()
    assert "broken_slot" in dialog.text.toPlainText()  # the whole traceback
    log = reporter.path.read_text()
    assert "ValueError: the slot broke" in log and "Traceback" in log and "broken_slot" in log
    assert log.count("ValueError: the slot broke") == 1  # the hook's entry only, not the log record too

    qtbot.mouseClick(dialog.copy_button, qtbot_left())
    assert "ValueError: the slot broke" in QApplication.clipboard().text()
    assert dialog.isVisible()  # copying does not close it

    # the event loop goes on
    fired = []
    QTimer.singleShot(0, lambda: fired.append(True))
    qtbot.waitUntil(lambda: bool(fired), timeout=5000)


@pytest.mark.qt_no_exception_capture
def test_errors_on_worker_threads_reach_the_gui_thread(qtbot, reporter):
    def work():
        raise RuntimeError("a Python thread broke")

    t = threading.Thread(target=work, name="helper")
    t.start()
    t.join()

    class Broken(QThread):
        def run(self):
            raise KeyError("a QThread broke")

    q = Broken()
    q.start()
    assert q.wait(10000)
    qtbot.waitUntil(lambda: reporter.count >= 2 and dialog_shown(reporter), timeout=10000)
    details = reporter.dialog.text.toPlainText()
    assert "a Python thread broke" in details and "thread helper" in details
    assert "a QThread broke" in details  # one dialog holds both: no stack of dialogs
    log = reporter.path.read_text()
    assert "a Python thread broke" in log and "a QThread broke" in log


def test_native_abort_leaves_a_trace_in_the_log(tmp_path):
    code = ("import ctypes\n"
            "from PySide6.QtWidgets import QApplication\n"
            "app = QApplication([])\n"
            "from vae_designer.gui.crash_reporter import CrashReporter\n"
            "CrashReporter().install()\n"
            "def deep_in_native_code():\n"
            "    ctypes.string_at(0)\n"
            "deep_in_native_code()\n")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", VAE_DESIGNER_LOG_DIR=str(tmp_path))
    p = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True,
                       timeout=120)
    assert p.returncode != 0
    log = (tmp_path / "crash.log").read_text()
    assert "Segmentation fault" in log and "deep_in_native_code" in log


def qtbot_left():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def test_failures_the_workers_catch_are_logged_too(qapp, reporter):
    from vae_designer.gui.common.workers import failure_message

    try:
        raise ZeroDivisionError("a worker's own failure")
    except ZeroDivisionError as exc:
        line = failure_message("training", exc)
    assert line == "ZeroDivisionError: a worker's own failure"
    log = reporter.path.read_text()
    assert "training failed" in log and "ZeroDivisionError: a worker's own failure" in log and "Traceback" in log
    assert log.count("training failed") == 1  # one entry, not one per handler
