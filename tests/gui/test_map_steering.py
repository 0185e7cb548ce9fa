"""Steering on the Map page: named directions with a typed value, the designer's own design placed
on the map (dropped or through File → Place Design…), completion of a marked region."""

from __future__ import annotations

import json

import numpy as np
from helpers import box_mesh, save_silhouette
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from vae_designer.core.latent.generate import reproduce
from vae_designer.core.project.store import load_project

from .gui_helpers import open_map


def wait_design(qtbot, page, source):
    qtbot.waitUntil(lambda: page.session.design is not None and page.session.design.source == source, timeout=30000)
    seq = page.live.request_seq
    qtbot.waitUntil(lambda: page.panel.preview.painted_seq >= seq, timeout=30000)


def test_a_direction_slider_moves_the_design_to_the_typed_value_and_exports_the_sequence(
        qtbot, make_main_window, image_project, tmp_path):
    _window, page = open_map(qtbot, make_main_window, image_project)
    panel = page.tool_tabs.directions
    page.tool_tabs.tabs.setCurrentWidget(panel)
    names = [panel.along.itemText(i) for i in range(panel.along.count())]
    assert "PC 1" in names and "tall → wide" in names and "wide → tall" in names
    panel.along.setCurrentIndex(names.index("tall → wide"))
    start = page.session.design.z.copy()
    panel.value.setValue(0.8)  # typed: the design moves to that value, on the data
    wait_design(qtbot, page, "direction")
    d = panel.direction
    assert float(d.value(page.session.design.z)) == np.float64(0.8).round(6) or \
        abs(float(d.value(page.session.design.z)) - 0.8) < 1e-4
    meta = page.session.design.meta["direction"]
    assert meta["key"] == "tall->wide" and meta["walk"] == "on-data" and meta["value"] == 0.8
    assert panel.slider.value() == round((0.8 + 0.5) / 2.0 * 400)  # the slider shows it (range -0.5..1.5)
    panel.slider.setValue(400)  # dragged to the end: still from the same start design
    assert abs(float(d.value(page.session.design.z)) - 1.5) < 1e-4
    assert abs(meta["start_value"] - float(d.value(start))) < 1e-6
    with qtbot.waitSignal(panel.sequence_written, timeout=30000) as done:
        assert panel.export_sequence(str(tmp_path / "seq"), steps=4)  # spaced in a worker, then written
        assert not panel.export_button.isEnabled()  # one sequence at a time
    assert panel.export_button.isEnabled()
    files = sorted(p for p in done.args[0] if p.suffix == ".png")
    assert len(files) == 4
    sides = [json.loads(p.with_suffix(".json").read_text()) for p in files]
    assert [round(s["direction"]["value"], 4) for s in sides][-1] == 1.5
    assert all(s["source"] == "direction" and s["direction"]["steps"] == 4 for s in sides)
    again = reproduce(load_project(image_project), str(files[1].with_suffix(".json")), tmp_path / "r")
    assert again[0].read_bytes() == files[1].read_bytes()


def test_two_groups_of_pins_make_a_direction(qtbot, make_main_window, image_project):
    _window, page = open_map(qtbot, make_main_window, image_project)
    panel, s = page.tool_tabs.directions, page.session
    lab = np.array(s.labels)
    pins = page.pin_latents([s.encodings[i] for i in np.flatnonzero(lab == "tall")[:2]] +
                            [s.encodings[i] for i in np.flatnonzero(lab == "wide")[:2]],
                            ["t1", "t2", "w1", "w2"], source="map")
    for group, rows in (("A", (0, 1)), ("B", (2, 3))):
        page.gallery.clearSelection()
        for r in rows:
            page.gallery.item(r).setSelected(True)
        panel.set_group(group)
    assert panel.along.currentText() == "Pins A → Pins B" and panel.groups_label.text() == "A: 2 · B: 2"
    d = panel.direction
    np.testing.assert_allclose(d.value(np.stack([pins[2].z, pins[3].z]).mean(0)), 1.0, atol=1e-5)


def test_groups_picked_on_the_map_make_a_direction(qtbot, make_main_window, image_project):
    _window, page = open_map(qtbot, make_main_window, image_project)
    panel, s = page.tool_tabs.directions, page.session
    lab = np.array(s.labels)
    s.set_group("tall ones", np.flatnonzero(lab == "tall")[:3])
    s.set_group("wide ones", np.flatnonzero(lab == "wide")[:3])
    names = [panel.along.itemText(i) for i in range(panel.along.count())]
    assert "tall ones → wide ones" in names and "wide ones → tall ones" in names
    panel.along.setCurrentIndex(names.index("tall ones → wide ones"))
    d = panel.direction
    wide = s.encodings[np.flatnonzero(lab == "wide")[:3]].mean(0)
    np.testing.assert_allclose(d.value(wide), 1.0, atol=1e-5)
    s.undo()  # the second group undone: its directions go
    names = [panel.along.itemText(i) for i in range(panel.along.count())]
    assert not any("wide ones" in n for n in names)


def drop(viewport, path):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    pos = QPointF(viewport.width() / 2, viewport.height() / 2)
    enter = QDragEnterEvent(QPoint(int(pos.x()), int(pos.y())), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(viewport, enter)
    accepted = enter.isAccepted()
    QApplication.sendEvent(viewport, QDropEvent(pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                                                Qt.KeyboardModifier.NoModifier))
    return accepted


def test_an_own_design_dropped_on_the_map_is_encoded_marked_and_pinned(qtbot, make_main_window, image_project,
                                                                       tmp_path, monkeypatch):
    window, page = open_map(qtbot, make_main_window, image_project)
    own = save_silhouette(tmp_path / "my sketch.png", size=(300, 300), box=(120, 20, 160, 280))
    assert drop(page.plot.viewport(), own)
    qtbot.waitUntil(lambda: any(p.source == "placed" for p in page.session.pins), timeout=30000)
    pin = next(p for p in page.session.pins if p.source == "placed")
    assert pin.name == "my sketch" and pin.thumb is not None and pin.extra == {"placed": "my sketch.png"}
    wait_design(qtbot, page, "placed")
    np.testing.assert_array_equal(page.session.design.z, pin.z)
    marks = page.tool_tabs.marks.points
    np.testing.assert_allclose(marks, [page.session.point_of(pin.z)], atol=1e-5)
    # the placed design is among its kind: the nearest training design is tall
    assert "tall" in page.nearest_label.text()
    # a mesh is not a design of this project: one line says so, nothing is pinned
    box_mesh().export(tmp_path / "part.stl")
    n = len(page.session.pins)
    assert drop(page.plot.viewport(), tmp_path / "part.stl")
    qtbot.waitUntil(lambda: "Cannot place part.stl" in page.status.text(), timeout=30000)
    assert "is a mesh" in page.status.text() and len(page.session.pins) == n
    # File → Place Design… does the same
    from PySide6.QtWidgets import QFileDialog

    other = save_silhouette(tmp_path / "wide one.png", size=(300, 300), box=(20, 120, 280, 160))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(other), ""))
    window.act_place_design.trigger()
    qtbot.waitUntil(lambda: any(p.name == "wide one" for p in page.session.pins), timeout=30000)
    qtbot.waitUntil(lambda: len(page.tool_tabs.marks.points) == 2, timeout=10000)


def test_a_marked_rectangle_is_completed_into_pins(qtbot, make_main_window, image_project, tmp_path):
    _window, page = open_map(qtbot, make_main_window, image_project)
    panel = page.tool_tabs.completion
    page.tool_tabs.tabs.setCurrentWidget(panel)
    overlay = panel.overlay
    panel.mark_button.setChecked(True)
    assert overlay.active
    sq = overlay._square()
    qtbot.mousePress(overlay, Qt.MouseButton.LeftButton, pos=QPoint(int(sq.x() + sq.width() / 2), int(sq.y()) + 1))
    qtbot.mouseMove(overlay, QPoint(int(sq.right()) - 1, int(sq.bottom()) - 1))
    qtbot.mouseRelease(overlay, Qt.MouseButton.LeftButton, pos=QPoint(int(sq.right()) - 1, int(sq.bottom()) - 1))
    box = panel.region_box()
    assert box is not None and abs(box[0] - 0.5) < 0.02 and box[2] > 0.98 and not panel.mark_button.isChecked()
    assert "of the picture" in panel.region_label.text()
    panel.count.setValue(3)
    before = len(page.session.pins)
    assert panel.complete()
    qtbot.waitUntil(lambda: panel.last is not None, timeout=60000)
    made = [p for p in page.session.pins[before:] if p.source == "complete"]
    assert 1 <= len(made) <= 3 and made[0].extra["completion"]["rank"] == 1
    wait_design(qtbot, page, "complete")
    np.testing.assert_array_equal(page.session.design.z, made[0].z)
    out = page.export_pins(str(tmp_path / "done"))  # the completion's sidecar says how it was made
    side = json.loads(next(p for p in out if p.name == f"{made[0].name}.json").read_text())
    assert side["source"] == "complete" and side["completion"]["region"]["units"] == "fraction"


def test_a_mesh_completes_a_slab_of_the_cube(qtbot, make_main_window, mesh_project):
    _window, page = open_map(qtbot, make_main_window, mesh_project)
    panel = page.tool_tabs.completion
    assert panel.axis.isVisibleTo(panel) and not panel.mark_button.isVisibleTo(panel)
    panel.axis.setCurrentIndex(2)
    panel.low.setValue(0.6)
    assert panel.region_box() == [0.0, 0.0, 0.6, 1.0, 1.0, 1.0]
    panel.count.setValue(2)
    assert panel.complete()
    qtbot.waitUntil(lambda: panel.last is not None, timeout=120000)
    assert any(p.source == "complete" for p in page.session.pins) or "empty" in page.status.text()
