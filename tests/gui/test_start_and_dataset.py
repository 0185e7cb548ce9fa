"""The start page and the dataset view, driven through the real main window."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from vae_designer.resources import sample_folder

from .gui_helpers import broken_image_folder, error_dialogs, wait_opened


def test_start_page_offers_folder_project_samples(window):
    assert "VAE Designer" in window.windowTitle()
    assert window.current_page() == "start"
    sp = window.start_page
    for tile in (sp.open_folder_tile, sp.open_project_tile, sp.sample_2d_tile, sp.sample_3d_tile):
        assert tile.isVisible()
    # nothing open: the dataset and training pages cannot be chosen yet
    assert not window.show_page("dataset")
    assert window.current_page() == "start"


def test_sample_designs_one_click(qtbot, window):
    qtbot.mouseClick(window.start_page.sample_2d_tile, Qt.MouseButton.LeftButton)
    opened = wait_opened(qtbot, window)
    assert opened.designs is not None and len(opened.designs) == 300
    assert window.current_page() == "dataset"
    page = window.dataset_page
    assert page.label_counts_shown() == {n: 50 for n in ("coupe", "hatchback", "pickup", "sedan", "suv", "van")}
    assert "300 images at 64×64" in page.summary.text()
    # thumbnails are rendered lazily, off the GUI thread
    qtbot.waitUntil(lambda: page.model.rendered_count() >= 6, timeout=60000)
    # clicking a label shows only its items
    page.labels_table.selectRow(3)
    assert page.model.rowCount() == 50
    page.labels_table.selectRow(0)
    assert page.model.rowCount() == 300
    assert page.tabs.tabText(1) == "Skipped files (0)"
    assert str(sample_folder("image")) in window.store.recent()
    assert "cars-2d" in window.windowTitle()


def test_mesh_sample_shows_shaded_renders(qtbot, window):
    page = window.dataset_page
    # thumbnails render in a background thread, in no fixed order; the model says which rows got
    # theirs with dataChanged(DecorationRole): wait for the first row's, the one looked at below
    rendered = set()

    def on_data_changed(top, bottom, roles=()):
        if not roles or int(Qt.ItemDataRole.DecorationRole) in {int(r) for r in roles}:
            rendered.update(range(top.row(), bottom.row() + 1))

    page.model.dataChanged.connect(on_data_changed)
    window.open_sample("mesh")
    opened = wait_opened(qtbot, window)
    assert opened.designs.kind == "mesh" and len(opened.designs) == 48
    assert page.model.rowCount() == 48  # no label filter: row 0 is the first design
    qtbot.waitUntil(lambda: 0 in rendered, timeout=60000)
    pixmap = page.model.data(page.model.index(0), Qt.ItemDataRole.DecorationRole)
    img = pixmap.toImage()
    # a shaded render, not a flat placeholder: many distinct grey levels
    colours = {img.pixelColor(x, y).rgb() for x in range(0, img.width(), 3) for y in range(0, img.height(), 3)}
    assert len(colours) > 20


def test_folder_with_broken_files_lists_them(qtbot, window, tmp_path):
    broken = broken_image_folder(tmp_path / "designs")
    window.open_path(str(tmp_path / "designs"))
    opened = wait_opened(qtbot, window)
    assert len(opened.designs) == 6
    page = window.dataset_page
    rows = dict(page.skipped_model.rows())
    assert set(rows) == broken
    assert all(reason and "\n" not in reason and "Traceback" not in reason for reason in rows.values())
    assert "not a design file" in rows["b/notes.txt"]
    assert page.tabs.tabText(1) == "Skipped files (4)"
    assert page.skipped_table.model().rowCount() == 4
    page.tabs.setCurrentIndex(1)
    assert page.skipped_table.isVisible()
    assert "4 skipped" in page.summary.text()


def test_loading_runs_in_background_and_cancels(qtbot, window, tmp_path, monkeypatch):
    from vae_designer.core.errors import Cancelled
    from vae_designer.core.ingest import Progress
    from vae_designer.gui import workspace

    started = threading.Event()

    def slow_ingest(folder, kind=None, resolution=None, cancel=None, **kw):
        """Loads until cancelled: a file every 10 ms, and never done by itself."""
        started.set()
        end = time.monotonic() + 300
        i = 0
        while not cancel.wait(0.01):
            if time.monotonic() > end:
                raise AssertionError("not cancelled")
            yield Progress(i, 100_000, f"file {i}")
            i += 1
        raise Cancelled()

    monkeypatch.setattr(workspace, "ingest_steps", slow_ingest)
    window.open_path(str(tmp_path))
    assert window.dataset_page.is_loading
    bar = window.dataset_page.loading_panel.bar
    qtbot.waitUntil(lambda: bar.maximum() == 100_000, timeout=60000)
    # the event loop keeps running while it loads: a timer fires, and progress keeps arriving,
    # while the loading goes on
    fired = []
    from PySide6.QtCore import QTimer

    QTimer.singleShot(20, lambda: fired.append((window.dataset_page.is_loading, bar.value())))
    qtbot.waitUntil(lambda: bool(fired), timeout=60000)
    assert fired[0][0], "the timer fired only after the loading"
    qtbot.waitUntil(lambda: bar.value() > fired[0][1], timeout=60000)
    assert window.dataset_page.is_loading
    with qtbot.waitSignal(window.workspace.cancelled, timeout=60000):
        qtbot.mouseClick(window.dataset_page.loading_panel.cancel_button, Qt.MouseButton.LeftButton)
    assert window.workspace.current is None
    assert window.current_page() == "start"
    assert "cancelled" in window.statusBar().currentMessage()


def test_bad_path_shows_error_and_app_stays_usable(qtbot, window, tmp_path):
    assert not window.open_path(str(tmp_path / "missing"))
    assert error_dialogs(window)
    empty = tmp_path / "empty"
    empty.mkdir()
    for box in error_dialogs(window):
        box.close()
    window.open_path(str(empty))
    qtbot.waitUntil(lambda: bool(error_dialogs(window)), timeout=60000)
    assert "no image or mesh files" in error_dialogs(window)[0].text()
    for box in error_dialogs(window):
        box.close()
    window.open_sample("image")
    assert len(wait_opened(qtbot, window).designs) == 300


def test_drop_a_folder_opens_it(qtbot, window):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(sample_folder("mesh")))])
    event = QDropEvent(QPointF(200, 200), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    assert wait_opened(qtbot, window).designs.kind == "mesh"


@pytest.mark.slow
def test_command_line_path_theme_and_geometry(qtbot, make_main_window):
    w = make_main_window(str(sample_folder("image")), size=(1111, 777))
    assert wait_opened(qtbot, w).designs.kind == "image"
    w.set_theme("dark")
    from vae_designer.gui.common import theme

    assert theme.current().dark and w.palette().window().color().lightness() < 80
    w.toggle_theme()
    assert not theme.current().dark and w.palette().window().color().lightness() > 180
    w.close()
    qtbot.waitUntil(lambda: not w.isVisible())
    from vae_designer.gui.app import make_window

    w2 = make_window()
    qtbot.addWidget(w2)
    assert (w2.width(), w2.height()) == (1111, 777)
    assert w2.store.theme() == "light"
    assert w2.start_page.recent_paths()[0] == str(sample_folder("image"))
    w2.close()


def test_run_app_refuses_a_missing_path(tmp_path, capsys):
    from vae_designer.gui.app import run_app

    assert run_app(str(tmp_path / "nope")) == 2
    assert "no such folder or project" in capsys.readouterr().err


def test_ten_thousands_of_designs_render_lazily(qtbot, window):
    """Opening a big set costs one screenful of thumbnails, not one per design."""
    from vae_designer.core.ingest.designset import DesignSet
    from vae_designer.core.ingest.settings import IngestSettings
    from vae_designer.gui.workspace import Opened

    n = 20000
    data = (np.random.default_rng(0).random((n, 64, 64)) * 255).astype(np.uint8)
    labels = [f"label{i % 7}" for i in range(n)]
    designs = DesignSet(root="/nowhere", settings=IngestSettings.default("image"),
                        paths=[f"{label}/{i:05d}.png" for i, label in enumerate(labels)], labels=labels, data=data,
                        meta=[{}] * n)
    page = window.dataset_page
    window.stack.setCurrentWidget(page)
    # the bounds are 10x (and more) the figures on a quiet machine (0.02-0.25 s to show, 1-5 ms to
    # filter): they catch per-design work on the GUI thread, not a slow machine; the lazy
    # rendering itself is what rendered_count shows
    t0 = time.perf_counter()
    page.show_opened(Opened("/nowhere", designs))
    qtbot.wait(1)
    assert time.perf_counter() - t0 < 2.5
    qtbot.waitUntil(lambda: page.model.rendered_count() >= 10 and page.model.pending_count() == 0,
                    timeout=60000)
    assert page.model.rendered_count() < 300
    t0 = time.perf_counter()
    page.labels_table.selectRow(2)  # label1
    assert page.model.rowCount() == n // 7 + (1 if n % 7 > 1 else 0)
    assert time.perf_counter() - t0 < 0.5


def test_keyboard_shortcuts_for_the_main_actions(qtbot, window):
    shortcuts = {a.text().replace("&", ""): a.shortcut().toString() for a in
                 (window.act_open_folder, window.act_open_project, window.act_save, window.act_train_start,
                  window.act_train_pause, window.act_train_stop, window.act_quit)}
    assert all(shortcuts.values()), shortcuts
    window.open_sample("image")
    wait_opened(qtbot, window)
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page() == "training"
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.current_page() == "start"
