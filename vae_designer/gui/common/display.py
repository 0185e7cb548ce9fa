"""Running the real app without a screen: scripts (benchmarks, screenshots) use this.

:func:`run_with_display` gives Qt a display for the duration of a function:
Qt's offscreen platform when asked (no OpenGL, so the map's 3D view falls
back to a picture), the current X display when ``DISPLAY`` is set, or else a
virtual X server (Xvfb, started with pyvirtualdisplay, which the test extras
install through pytest-xvfb), on which OpenGL views
work through Mesa's software renderer.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable


def run_with_display(main: Callable[[], int], size: tuple[int, int] = (1440, 960),
                     offscreen: bool = False) -> int:
    """Run ``main()`` (which creates the QApplication) with a display; return its exit code.

    When an Xvfb was started here the process *ends* here, with ``os._exit``:
    Qt keeps its X connection until the process exits (a QApplication is never
    really destroyed, and the 3D view is a native window), so Python's normal
    teardown after stopping Xvfb would end in an X I/O error.
    """
    display = None
    if offscreen:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    elif not os.environ.get("DISPLAY"):
        from pyvirtualdisplay import Display

        display = Display(visible=False, size=tuple(size), color_depth=24)
        display.start()
        os.environ["QT_QPA_PLATFORM"] = "xcb"
    try:
        code = main()
    except BaseException:
        if display is not None:
            display.stop()
        raise
    if display is not None:
        sys.stdout.flush()
        sys.stderr.flush()
        display.stop()
        os._exit(int(code or 0))
    return int(code or 0)


def scratch_app_dirs(prefix: str) -> str:
    """Point the app's settings and data folders (recent list, autosaved projects) at a new
    temporary folder, so that a script never touches the user's; return that folder."""
    import tempfile

    tmp = tempfile.mkdtemp(prefix=prefix)
    os.environ["VAE_DESIGNER_CONFIG_DIR"] = os.path.join(tmp, "config")
    os.environ["VAE_DESIGNER_DATA_DIR"] = os.path.join(tmp, "data")
    return tmp


def spin(seconds: float) -> None:
    """Run the Qt event loop for ``seconds`` (scripts that drive the app by code)."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def wait_until(condition: Callable[[], bool], timeout: float, what: str, poll: float = 0.0005) -> None:
    """Process Qt events until ``condition()`` holds; SystemExit with one line after ``timeout`` s.

    Polls every ``poll`` seconds: short enough for latency measurements."""
    import time

    from PySide6.QtWidgets import QApplication

    end = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > end:
            raise SystemExit(f"timed out waiting for {what}")
        QApplication.processEvents()
        time.sleep(poll)
