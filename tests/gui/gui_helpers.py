"""Helpers shared by the GUI tests (not fixtures)."""

from __future__ import annotations

from pathlib import Path

from helpers import REPO, TINY, cli, save_silhouette, tall_and_wide, watch_train_control  # noqa: F401 - re-exported


def open_map(qtbot, make_main_window, project):
    window = make_main_window(str(project))
    wait_opened(qtbot, window)
    assert window.show_page("map")
    page = window.map_page
    qtbot.waitUntil(lambda: page.live.last_result is not None and page.panel.preview.painted_seq >= 1, timeout=30000)
    return window, page


def drag_to(qtbot, page, x, y):
    page.move_cursor(x, y)
    seq = page.live.request_seq
    qtbot.waitUntil(lambda: page.panel.preview.painted_seq >= seq, timeout=15000)


def wait_opened(qtbot, window, timeout=60000):
    """Wait until the window has something open and nothing loading."""
    qtbot.waitUntil(lambda: window.workspace.current is not None and not window.workspace.busy,
                    timeout=timeout)
    return window.workspace.current


def error_dialogs(window):
    from PySide6.QtWidgets import QMessageBox

    return [b for b in window.findChildren(QMessageBox) if b.objectName() == "ErrorDialog" and b.isVisible()]


def broken_image_folder(root: Path) -> set[str]:
    """Six good silhouettes under labels a/ and b/, and four files that cannot load."""
    for label in ("a", "b"):
        for i in range(3):
            save_silhouette(root / label / f"{label}{i}.png", box=(10 + 5 * i, 20, 90, 50 + 3 * i))
    (root / "a" / "truncated.png").write_bytes((root / "a" / "a0.png").read_bytes()[:60])
    (root / "b" / "notes.txt").write_text("not a design")
    (root / "b" / "empty.jpg").write_bytes(b"")
    (root / "b" / "mesh.stl").write_text("solid x\nendsolid x\n")
    return {"a/truncated.png", "b/notes.txt", "b/empty.jpg", "b/mesh.stl"}


def open_small_sample(qtbot, window, **form_values):
    """The bundled 2D samples at 32x32 (the resolution is changed in the form: a reload), on the
    Training page with ``form_values`` (TrainConfig names, latent_dim) set; returns the page."""
    window.open_sample("image")
    wait_opened(qtbot, window)
    window.show_page("training")
    form = window.training_page.form
    form.resolution.setCurrentIndex(form.resolution.findData(32))
    form.resolution.activated.emit(form.resolution.currentIndex())
    qtbot.waitUntil(lambda: not window.workspace.busy and window.workspace.designs is not None
                    and window.workspace.designs.resolution == 32, timeout=60000)
    window.show_page("training")
    form.set_values(**form_values)
    return window.training_page
