"""The QApplication: name, icon, font, theme; ``run_app`` is what ``vae-designer`` calls."""

from __future__ import annotations

import importlib
import logging
import os
import sys
import threading
import traceback

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from . import theme
from .icons import app_icon

log = logging.getLogger(__name__)


def create_app(argv: list[str] | None = None) -> QApplication:
    """The QApplication (made once), with the app's name, icon and a readable font."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(list(argv) if argv is not None else [sys.argv[0]])
    app.setApplicationName("VAE Designer")
    app.setOrganizationName("VAE Designer")
    app.setDesktopFileName("vae-designer")
    app.setWindowIcon(app_icon())
    app.setFont(theme.app_font())
    return app


def preload_trainer() -> threading.Thread:
    """Import torch and the trainer in the background while the user looks at the start page,
    so that pressing Start does not wait for the import (seconds on a small CPU)."""

    def work():
        try:
            importlib.import_module("vae_designer.core.training")
        except Exception:  # noqa: BLE001 - training will report the problem when started
            log.debug("preloading the trainer failed", exc_info=True)

    t = threading.Thread(target=work, name="preload-trainer", daemon=True)
    t.start()
    return t


def make_window(path: str | None = None, store=None):
    """The main window, themed, opening ``path`` (a design folder or a project) once shown."""
    from .main_window import MainWindow
    from .settings_store import SettingsStore

    store = store or SettingsStore()
    theme.apply_theme(store.theme())
    window = MainWindow(store)
    if path:
        QTimer.singleShot(0, lambda: window.open_path(path))
    return window


def _install_excepthook(window) -> None:
    """An unexpected error in a GUI slot shows a dialog; the app stays usable."""
    previous = sys.excepthook

    def hook(kind, value, tb):
        text = "".join(traceback.format_exception(kind, value, tb))
        log.error("unexpected error:\n%s", text)
        if issubclass(kind, KeyboardInterrupt):
            previous(kind, value, tb)
            return
        try:
            from .dialogs import show_error

            show_error(window, "Something went wrong", f"{kind.__name__}: {value}", details=text)
        except Exception:  # noqa: BLE001
            previous(kind, value, tb)

    sys.excepthook = hook


def run_app(path: str | None = None) -> int:
    """Open the main window (on ``path`` if given) and run the event loop; the exit status."""
    if path is not None and not os.path.exists(path):
        sys.stderr.write(f"vae-designer: error: {path}: no such folder or project\n")
        return 2
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app = create_app()
    window = make_window(path)
    _install_excepthook(window)
    window.show()
    preload_trainer()
    return int(app.exec())
