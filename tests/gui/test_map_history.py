"""The Map page's history and picks: undo and redo from the Edit menu's shortcuts, the history
strip, the session kept with the project across closing and reopening, rectangle and lasso
picks on the map, groups and the CSV of picked designs.

Uses the tiny projects of tests/gui/conftest.py (40 silhouettes at 32x32), each test on its
own copy (the app writes the session into the project folder).
"""

from __future__ import annotations

import csv

import numpy as np
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication

from .gui_helpers import open_map

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


def screen_point(page, x: float, y: float) -> QPoint:
    """Where map point (x, y) is in the plot's viewport."""
    vb = page.plot.getPlotItem().getViewBox()
    return page.plot.mapFromScene(vb.mapViewToScene(QPointF(x, y)))


def click_map(qtbot, page, x: float, y: float) -> None:
    """A click on the map beside the designs: the cursor goes there, the design rests (one step)."""
    seq = page.live.request_seq
    qtbot.mouseClick(page.plot.viewport(), Qt.MouseButton.LeftButton, pos=screen_point(page, x, y))
    qtbot.waitUntil(lambda: page.live.request_seq > seq and page.panel.preview.painted_seq >= page.live.request_seq,
                    timeout=15000)


def drag_mouse(qtbot, page, points, modifiers=Qt.KeyboardModifier.NoModifier) -> None:
    """Press at the first map point, move through the others, release at the last."""
    viewport = page.plot.viewport()
    screen = [screen_point(page, *p) for p in points]
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, modifiers, screen[0])
    for at in screen[1:]:
        qtbot.mouseMove(viewport, at)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, modifiers, screen[-1])


def empty_spots(page, n: int):
    """``n`` map points away from every design (clicks there land on the map, not on a point)."""
    x0, x1, y0, y1 = page.session.latent_map.bounds()
    c = page.session.latent_map.coords
    grid = [(x0 + (x1 - x0) * i / 9, y0 + (y1 - y0) * j / 9) for i in range(1, 9) for j in range(1, 9)]
    far = sorted(grid, key=lambda p: -np.min(np.linalg.norm(c - np.asarray(p), axis=1)))
    return far[:n]


def press(qtbot, window, key: QKeySequence) -> None:
    qtbot.keyClick(window, key[0].key(), key[0].keyboardModifiers())


def test_undo_redo_by_shortcut_and_going_back_with_the_history_strip(qtbot, make_main_window, image_project):
    window, page = open_map(qtbot, make_main_window, image_project)
    s, strip = page.session, page.strips.history
    assert not window.act_undo.isEnabled() and not window.act_redo.isEnabled()
    a, b = empty_spots(page, 2)
    click_map(qtbot, page, *a)
    z_a, xy_a = s.design.z.copy(), page.view.cursor_xy()  # where the click landed (to the pixel)
    click_map(qtbot, page, *b)
    page.pin("kept")
    assert [st.label for st in s.history.entries] == ["Start", "Move", "Move", "Pin"]
    assert window.act_undo.isEnabled() and window.act_undo.text() == "&Undo Pin"
    assert strip.count() == 4 and strip.currentRow() == 3

    undo, redo = QKeySequence("Ctrl+Z"), QKeySequence("Ctrl+Shift+Z")
    assert undo in window.act_undo.shortcuts() and redo in window.act_redo.shortcuts()
    press(qtbot, window, undo)  # the pin goes
    assert page.gallery.count() == 0 and s.pins == []
    press(qtbot, window, undo)  # back to the first click: the design, the cursor, the preview
    np.testing.assert_array_equal(s.design.z, z_a)
    assert page.view.cursor_xy() == xy_a
    qtbot.waitUntil(lambda: page.live.last_result is not None
                    and np.array_equal(page.live.last_result["z"], z_a), timeout=15000)
    assert strip.currentRow() == 1 and window.act_redo.text() == "&Redo Move"
    press(qtbot, window, redo)
    press(qtbot, window, redo)
    assert [p.name for p in s.pins] == ["kept"] and page.gallery.count() == 1
    assert not window.act_redo.isEnabled()

    # every step gets its picture; a click on the first goes back to where the session started
    qtbot.waitUntil(lambda: all(strip.picture_of(r) is not None for r in range(strip.count())), timeout=30000)
    first = s.history.entries[0]
    assert first.thumb is not None and first.thumb.shape == (64, 64, 3)
    qtbot.mouseClick(strip.viewport(), Qt.MouseButton.LeftButton, pos=strip.visualItemRect(strip.item(0)).center())
    assert s.history.position == 0 and s.pins == [] and page.gallery.count() == 0
    np.testing.assert_array_equal(s.design.z, first.state["design"].z)
    assert window.act_redo.isEnabled() and not window.act_undo.isEnabled()
    # undo shows the map from any page
    press(qtbot, window, redo)
    window.show_page("training")
    press(qtbot, window, undo)
    assert window.current_page() == "map" and s.history.position == 0


def test_a_drag_of_the_cursor_is_one_step(qtbot, make_main_window, image_project):
    _window, page = open_map(qtbot, make_main_window, image_project)
    s = page.session
    start = page.view.cursor_xy()
    a, = empty_spots(page, 1)
    path = [start] + [(start[0] + (a[0] - start[0]) * t, start[1] + (a[1] - start[1]) * t) for t in (0.3, 0.6, 1.0)]
    drag_mouse(qtbot, page, path)
    assert s.design.xy == page.view.cursor_xy() != start  # the cursor moved with the mouse
    assert [st.label for st in s.history.entries] == ["Start", "Move"]
    assert np.array_equal(s.history.entries[1].state["design"].z, s.design.z)
    QApplication.processEvents()
    s.undo()
    assert page.view.cursor_xy() == start


def test_the_session_is_kept_with_the_project_and_restored_on_reopening(qtbot, make_main_window, image_project):
    window, page = open_map(qtbot, make_main_window, image_project)
    s = page.session
    a, b = empty_spots(page, 2)
    click_map(qtbot, page, *a)
    page.pin("first")
    click_map(qtbot, page, *b)
    page.pin("second")
    s.rename_pin(s.pins[1], "renamed")
    s.set_group("A", [0, 1, 2])
    s.undo()  # the group is undone: redo can bring it back after reopening too
    labels = [st.label for st in s.history.entries]
    position, z = s.history.position, s.design.z.copy()
    thumbs = [p.thumb.copy() for p in s.pins]
    window.close()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=30000)
    assert (image_project / "session.json").is_file() and (image_project / "session.safetensors").is_file()

    window2, page2 = open_map(qtbot, make_main_window, image_project)
    s2 = page2.session
    qtbot.waitUntil(lambda: [p.name for p in s2.pins] == ["first", "renamed"], timeout=15000)
    assert page2.gallery.count() == 2 and s2.groups == {}
    assert [st.label for st in s2.history.entries] == labels and s2.history.position == position
    np.testing.assert_array_equal(s2.design.z, z)
    for pin, thumb in zip(s2.pins, thumbs):
        np.testing.assert_array_equal(pin.thumb, thumb)
    assert page2.strips.history.count() == len(labels)
    assert page2.status.text().startswith("Restored your map session: 2 pins, 0 groups")
    assert page2.strips.redo_button.isEnabled() and window2.act_redo.text() == "&Redo Group"
    press(qtbot, window2, QKeySequence("Ctrl+Shift+Z"))
    assert s2.groups == {"A": [0, 1, 2]}
    # a change is written a moment later, without closing (a kill loses at most that moment)
    s2.remove_pins(s2.pins[:1])
    from vae_designer.core.project.store import load_session

    def kept_pins():
        doc = load_session(image_project)[0]
        return [doc["pins"][n]["name"] for n, _name in doc["live"]["pins"]]

    qtbot.waitUntil(lambda: kept_pins() == ["renamed"], timeout=15000)
    assert not page2.strips.keeper.pending


def test_rectangle_and_lasso_picks_groups_and_the_csv(qtbot, make_main_window, image_project, tmp_path):
    window, page = open_map(qtbot, make_main_window, image_project)
    s, c = page.session, page.session.latent_map.coords
    x0, x1, y0, y1 = s.latent_map.bounds()
    cursor_before = page.view.cursor_xy()
    mid = (float(np.median(c[:, 0])), float(np.median(c[:, 1])))
    drag_mouse(qtbot, page, [(x0, y0), mid], SHIFT)  # Shift+drag: a rectangle, the lower-left quarter
    inside = np.flatnonzero((c[:, 0] <= mid[0]) & (c[:, 1] <= mid[1]))
    assert len(inside) and list(s.picked) == list(inside)
    assert page.view.cursor_xy() == cursor_before and not s.history.entries  # the cursor did not move
    strip = page.strips.selection
    assert strip.isVisible() and strip.designs.count() == len(inside)
    assert strip.caption.text() == f"{len(inside)} designs picked"
    assert page.strips.selector.rings.isVisible()

    # Ctrl+Shift+drag: a lasso (a triangle over the right half)
    drag_mouse(qtbot, page, [(mid[0], y0), (x1, y0), (x1, y1), (mid[0], y0)], CTRL | SHIFT)
    from vae_designer.core.latent.selection import inside_lasso

    expected = inside_lasso(c, [(mid[0], y0), (x1, y0), (x1, y1)])
    assert list(s.picked) == list(expected) and len(expected)

    # a group of the pick (undoable), picked again from the groups list
    assert strip.make_group("B") == "B" and s.groups == {"B": [int(i) for i in expected]}
    assert strip.groups.count() == 1 and strip.groups.itemText(0) == f"B ({len(expected)})"
    qtbot.mouseClick(strip.clear_button, Qt.MouseButton.LeftButton)
    assert len(s.picked) == 0 and not strip.designs.isVisible()
    strip.groups.activated.emit(0)
    assert list(s.picked) == list(expected)

    # the CSV: path, label, latent vector per picked design
    with qtbot.waitSignal(strip.csv_written, timeout=30000) as written:  # measured and written in a worker
        assert strip.export_csv(str(tmp_path / "picked.csv"))
    out = written.args[0]
    rows = list(csv.reader(out.open()))
    d = s.encodings.shape[1]
    assert rows[0][:3] == ["index", "path", "label"] and rows[0][3:3 + d] == [f"z{k}" for k in range(d)]
    assert rows[0][3 + d:] == ["width", "height", "aspect", "area", "centroid_x", "centroid_y"]
    width = np.asarray([r[3 + d] for r in rows[1:]], np.float64)  # in source pixels, of every picked design
    assert np.isfinite(width).all() and (width > 0).all()
    assert [int(r[0]) for r in rows[1:]] == list(expected)
    for r in rows[1:]:
        i = int(r[0])
        assert r[1] == s.paths[i] and r[2] == s.labels[i]
        np.testing.assert_array_equal(np.asarray(r[3:3 + d], np.float32), s.encodings[i])
    assert "Wrote" in page.status.text()
    press(qtbot, window, QKeySequence("Ctrl+Z"))
    assert s.groups == {}
    # a Shift+click picks nothing
    drag_mouse(qtbot, page, [mid, mid], SHIFT)
    assert len(s.picked) == 0


def test_a_mesh_projects_history_has_pictures_of_its_designs(qtbot, make_main_window, mesh_project):
    window, page = open_map(qtbot, make_main_window, mesh_project)
    s, strip = page.session, page.strips.history
    (a,) = empty_spots(page, 1)
    click_map(qtbot, page, *a)
    assert [st.label for st in s.history.entries] == ["Start", "Move"]
    qtbot.waitUntil(lambda: all(strip.picture_of(r) is not None for r in range(strip.count())), timeout=30000)
    first, moved = (st.thumb for st in s.history.entries)
    assert first.shape == moved.shape == (64, 64, 3) and not np.array_equal(first, moved)
    press(qtbot, window, QKeySequence("Ctrl+Z"))
    np.testing.assert_array_equal(s.design.z, s.history.entries[0].state["design"].z)
