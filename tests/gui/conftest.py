"""pytest-qt fixtures for the desktop app: offscreen Qt, isolated settings and data dirs.

Widget tests run on Qt's offscreen platform with the screen configured below (no display
needed), whatever ``QT_QPA_PLATFORM`` the environment has: it is set here, when pytest loads
this file, before any QApplication exists (pytest-qt makes it on the first test that asks).
Tests that need a real X display (OpenGL) run a subprocess with ``QT_QPA_PLATFORM=xcb`` on
pytest-xvfb's ``DISPLAY``; the screenshot script (packaging/screenshots.py) uses Xvfb too.
"""

from __future__ import annotations

import json
import os
import tempfile

import numpy as np
import pytest
from helpers import TINY, cli, tall_and_wide


def _offscreen_platform() -> str:
    """The offscreen platform with a 1920x1200 screen (its default, 800x800, is smaller than the
    window, so geometry would be clamped)."""
    config = os.path.join(tempfile.gettempdir(), f"vae-designer-offscreen-{os.getuid()}.json")
    screen = {"name": "offscreen", "x": 0, "y": 0, "width": 1920, "height": 1200,
              "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}
    # written whole under another name, then renamed: a test run starting at the same moment
    # (another checkout, another engineer) never reads a half-written file
    fd, part = tempfile.mkstemp(prefix=os.path.basename(config) + ".", dir=os.path.dirname(config))
    with os.fdopen(fd, "w") as fh:
        json.dump({"synchronousWindowSystemEvents": False, "windowFrameMargins": False,
                   "screens": [screen]}, fh)
    os.replace(part, config)
    return f"offscreen:configfile={config}"


# Unconditionally: an exported QT_QPA_PLATFORM=offscreen would give an 800x800 screen (windows
# clamped to it), xcb a display whose size and window manager the tests do not control.
os.environ["QT_QPA_PLATFORM"] = _offscreen_platform()
for _name in ("QT_SCALE_FACTOR", "QT_SCREEN_SCALE_FACTORS"):  # sizes are asserted in pixels
    os.environ.pop(_name, None)


def _no_application_yet() -> None:
    from PySide6.QtCore import QCoreApplication

    app = QCoreApplication.instance()
    if app is not None:  # its platform was chosen before this file could choose it
        raise RuntimeError(f"a Qt application ({type(app).__name__}) exists before tests/gui/conftest.py "
                           "set QT_QPA_PLATFORM")


_no_application_yet()


@pytest.fixture(scope="session")
def _gui_cache_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("gui-ingest-cache")


@pytest.fixture(autouse=True)
def _isolated_app_dirs(tmp_path, monkeypatch, _gui_cache_dir):
    # one ingestion cache for the GUI tests: the sample sets are processed once, not per test
    monkeypatch.setenv("VAE_DESIGNER_CACHE_DIR", str(_gui_cache_dir))
    monkeypatch.setenv("VAE_DESIGNER_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("VAE_DESIGNER_DATA_DIR", str(tmp_path / "appdata"))


@pytest.fixture
def questions(monkeypatch):
    """Answer every yes/no question with yes; the questions asked are recorded."""
    from vae_designer.gui.common import dialogs

    asked = []

    def ask(parent, title, text, yes="Yes", no="Cancel"):
        asked.append((title, text))
        return True

    monkeypatch.setattr(dialogs, "ask", ask)
    return asked


@pytest.fixture
def make_main_window(qtbot, questions):
    """A factory of real main windows (closed, with their threads, at teardown)."""
    from vae_designer.gui.app import make_window

    windows = []

    def make(path=None, size=(1200, 800)):
        w = make_window(path)
        w.resize(*size)
        w.show()
        qtbot.waitExposed(w)
        windows.append(w)
        return w

    yield make
    from PySide6.QtCore import QCoreApplication, QEvent

    for w in windows:
        if w.isVisible():
            w.close()
            qtbot.waitUntil(lambda w=w: not w.isVisible(), timeout=30000)
        # delete the closed window now: a closed but living window keeps its timers, views and
        # models, and the windows of earlier tests would slow every later one down
        w.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


@pytest.fixture
def window(make_main_window):
    return make_main_window()


# Tiny projects trained once per test session through the real CLI: 40 silhouettes in two
# labels at 32x32 (30 epochs, a few seconds: enough for designs with ink above one half, so
# their crisp outlines exist), and six boxes at 32^3 (latent 4).  Tests that train further
# work on a copy.  Each test gets its own copy: the app keeps
# the map session (pins, history) in the project it shows, and one test's pins are not another's.
@pytest.fixture
def image_project(_trained_image_project, tmp_path):
    return _copy_project(_trained_image_project, tmp_path)


@pytest.fixture
def mesh_project(_trained_mesh_project, tmp_path):
    return _copy_project(_trained_mesh_project, tmp_path)


def _copy_project(project, tmp_path):
    import shutil

    copy = tmp_path / "projects" / project.name
    shutil.copytree(project, copy)
    return copy


@pytest.fixture(scope="session")
def _trained_image_project(tmp_path_factory):
    root = tmp_path_factory.mktemp("map-designs")
    tall_and_wide(root, 40)
    project = tmp_path_factory.mktemp("map-proj") / "shapes.vaed"
    cli("train", root, "-o", project, "--resolution", "32", *TINY[2:], "--epochs", "30")
    return project


@pytest.fixture(scope="session")
def _trained_mesh_project(tmp_path_factory):
    import trimesh

    root = tmp_path_factory.mktemp("map-meshes")
    rng = np.random.default_rng(0)
    for label in ("long", "tall"):
        (root / label).mkdir()
        for i in range(3):
            e = rng.uniform(0.3, 0.5, 3)
            e[0 if label == "long" else 2] = 1.0
            trimesh.creation.box(tuple(e)).export(root / label / f"{label}_{i}.stl")
    project = tmp_path_factory.mktemp("map-mproj") / "boxes.vaed"
    cli("train", root, "-o", project, "--epochs", "40", "--latent-dim", "4", "--batch-size", "4", "--seed", "1")
    return project
