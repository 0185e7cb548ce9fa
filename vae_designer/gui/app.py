"""The QApplication: name, icon, font, theme; ``run_app`` is what ``vae-designer`` calls."""

from __future__ import annotations

import importlib
import logging
import os
import sys
import threading

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from .common import theme
from .common.icons import app_icon

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


# What the app's worker threads import on first use: torch and the trainer, the map's maths
# (scipy), project files (safetensors), exports and previews (scikit-image, trimesh).
# (The training package loads its modules on first use, so the trainer and inference are named.)
PRELOAD = ("vae_designer.core.training.trainer", "vae_designer.core.training.inference",
           "vae_designer.core.latent.space", "vae_designer.core.project.store",
           "vae_designer.core.latent.generate", "vae_designer.core.export.files", "vae_designer.core.export.preview",
           "skimage.measure", "skimage.metrics")
_preloaded: list[threading.Thread] = []


def preload_core() -> threading.Thread:
    """Import the core's heavy modules in the background while the user looks at the start page.

    Pressing Start then does not wait for torch (seconds on a small CPU), and no worker
    thread imports a module for the first time later, while the GUI thread might need the
    same module: a thread importing a module holds that module's import lock, and the GUI
    thread stalled for 250-400 ms waiting on it (the map's first refit during training).
    Once per process.
    """
    if _preloaded:
        return _preloaded[0]

    def work():
        for name in PRELOAD:
            try:
                importlib.import_module(name)
            except Exception:
                log.debug("preloading %s failed", name, exc_info=True)

    t = threading.Thread(target=work, name="preload-core", daemon=True)
    _preloaded.append(t)
    t.start()
    return t


def make_window(path: str | None = None, store=None):
    """The main window, themed, opening ``path`` (a design folder or a project) once shown."""
    from .common.settings_store import SettingsStore
    from .main_window import MainWindow

    store = store or SettingsStore()
    theme.apply_theme(store.theme())
    from .common.i18n import install_translator

    install_translator(QApplication.instance(), store.preferences()["language"])  # before any widget
    window = MainWindow(store)
    preload_core()
    if path:
        QTimer.singleShot(0, lambda: window.open_path(path))
    return window


def start_app(path: str | None = None, store=None):
    """The app ready to run: QApplication, the shown window (opening ``path``), the crash reporter
    (errors on any thread: log file + dialog) and the signal handlers (SIGTERM, SIGINT, SIGHUP
    and the session ending quit the way closing the window does); when the event loop ends,
    the worker pools are waited for.  Returns ``(app, window)``."""
    from .app_lifecycle import SignalQuitter
    from .crash_reporter import CrashReporter

    app = create_app()
    window = make_window(path, store)
    reporter = CrashReporter(window)
    reporter.install()
    quitter = SignalQuitter(app, window.quit_without_asking, parent=app)
    app.aboutToQuit.connect(lambda: (quitter.uninstall(), reporter.uninstall(), _wait_for_workers()))
    window.crash_reporter = reporter
    window.show()
    return app, window


def _wait_for_workers() -> None:
    """The event loop is ending (the window has closed: its owners have stopped their work):
    let the worker pools' last jobs end before the interpreter goes."""
    from .common.workers import wait_for_workers

    if not wait_for_workers(30000):
        log.warning("worker threads still running 30 s after the window closed")


def run_app(path: str | None = None) -> int:
    """Open the main window (on ``path`` if given) and run the event loop; the exit status."""
    if path is not None and not os.path.exists(path):
        sys.stderr.write(f"vae-designer: error: {path}: no such folder or project\n")
        return 2
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app, window = start_app(path)
    smoke = os.environ.get("VAE_DESIGNER_SMOKE")  # packaging/smoke_app.py: the app checks itself (gui.smoke)
    if smoke:
        from .smoke import SmokeRun

        QTimer.singleShot(0, SmokeRun(window, smoke).start)
    code = int(app.exec())
    return 1 if smoke and os.environ.get("VAE_DESIGNER_SMOKE_FAILED") else code
