"""The Map page's gallery: compare pins side by side, delete them, export sweeps and blends as
numbered sequences, pin a batch of surprises.

Uses the session's tiny projects (tests/gui/conftest.py: 40 silhouettes at 32x32,
six boxes at 32^3).
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from helpers import cli
from PySide6.QtCore import Qt

from .gui_helpers import drag_to, open_map


def select(gallery, rows):
    gallery.clearSelection()
    for r in rows:
        gallery.item(r).setSelected(True)


def pin_at(qtbot, page, xy, name):
    drag_to(qtbot, page, float(xy[0]), float(xy[1]))
    return page.pin(name)


def open_compare(qtbot, page, rows):
    select(page.gallery, rows)
    assert page.compare_button.isEnabled()
    page.gallery.setFocus()
    qtbot.keyClick(page.gallery, Qt.Key.Key_Space)  # the shortcut; the button does the same
    view = page.compare_view
    assert view is not None and view.isVisible()
    qtbot.waitUntil(lambda: view.ready, timeout=30000)
    return view


def test_compare_shows_the_selected_pins_and_delete_removes_pins(qtbot, make_main_window, image_project):
    _window, page = open_map(qtbot, make_main_window, image_project)
    c = page.session.latent_map.coords
    x0, x1, y0, y1 = page.session.latent_map.bounds()
    pin_at(qtbot, page, c[0], "first")  # on training items 0 (tall) and 1 (wide)
    pin_at(qtbot, page, c[1], "second")
    pin_at(qtbot, page, (x1 + 5 * (x1 - x0), y1 + 5 * (y1 - y0)), "far")
    assert page.gallery.count() == 3

    # one pin is not a comparison
    select(page.gallery, [0])
    assert not page.compare_button.isEnabled()
    assert page.compare_pins() is None and "Select 2 to 8 pins" in page.status.text()

    view = open_compare(qtbot, page, [0, 1, 2])
    assert len(view.panels) == 3
    assert [p.name.full_text() for p in view.panels] == ["first", "second", "far"]
    pixels = [p.picture.pixels() for p in view.panels]
    from vae_designer.gui.map.compare_view import COMPARE_PIXELS

    # drawn as exported (silhouettes: crisp, at the comparison's size, not the model's 32 px)
    assert all(px is not None and px.shape == (COMPARE_PIXELS, COMPARE_PIXELS, 3) for px in pixels)
    assert not np.array_equal(pixels[0], pixels[1]) and not np.array_equal(pixels[0], pixels[2])
    # novelty and the nearest training file, as the map computes them
    first, second, far = view.panels
    assert first.novelty < 1e-3 and first.nearest == 0 and first.nearest_label.full_text() == page.session.paths[0]
    assert second.nearest == 1 and second.nearest_label.full_text() == page.session.paths[1]
    assert far.novelty > 2 and "far out" in far.novelty_label.text()
    assert first.nearest_thumb.pixmap() is not None and not first.nearest_thumb.pixmap().isNull()

    # comparing another selection reuses the view, with as many panels as pins
    view2 = open_compare(qtbot, page, [0, 2])
    assert view2 is view and len(view.panels) == 2
    assert [p.name.full_text() for p in view.panels] == ["first", "far"]
    view.close()

    # Delete removes the selected pins; Backspace too
    select(page.gallery, [0, 2])
    page.gallery.setFocus()
    qtbot.keyClick(page.gallery, Qt.Key.Key_Delete)
    assert [p.name for p in page.gallery.pins()] == ["second"] and page.gallery.count() == 1
    select(page.gallery, [0])
    qtbot.keyClick(page.gallery, Qt.Key.Key_Backspace)
    assert page.gallery.count() == 0 and page.gallery.pins() == []
    qtbot.keyClick(page.gallery, Qt.Key.Key_Delete)  # nothing selected: nothing happens
    assert page.gallery.count() == 0


@pytest.mark.slow
def test_sweep_and_blend_sequences_and_a_surprise_batch(qtbot, make_main_window, image_project, tmp_path,
                                                        monkeypatch):
    from vae_designer.core.latent.sampling import sample_latents

    _window, page = open_map(qtbot, make_main_window, image_project)
    tools = page.tools
    c = page.session.latent_map.coords
    drag_to(qtbot, page, float(c[4][0]), float(c[4][1]))
    base = page.session.design.z.copy()
    dim = int(tools.sweep_dim.currentData())

    # a sweep of 5 from the current design: 5 numbered PNGs + 5 sidecars
    assert tools.sweep_export_button.isEnabled()
    out = tools.export_sweep(str(tmp_path / "sweep"), steps=5)
    pngs = sorted(p for p in out if p.suffix == ".png")
    sides = sorted(p for p in out if p.suffix == ".json")
    assert [p.name for p in pngs] == [f"sweep-dim{dim}-{k:02d}.png" for k in range(1, 6)]
    assert len(sides) == 5 and sorted((tmp_path / "sweep").iterdir()) == sorted(out)
    datas = [json.loads(s.read_text()) for s in sides]
    lat = np.array([d["latent"] for d in datas], np.float32)
    assert all(d["source"] == "sweep" and d["sweep"]["dimension"] == dim for d in datas)
    assert [d["sweep"]["step"] for d in datas] == [1, 2, 3, 4, 5]
    np.testing.assert_array_equal(np.delete(lat, dim, axis=1), np.delete(np.repeat(base[None], 5, 0), dim, axis=1))
    assert np.all(np.diff(lat[:, dim]) > 0)
    # the designs change along the sweep (compared as decoded: a 2-epoch model's crisp PNGs may all be
    # bare paper, its ink nowhere above one half)
    from vae_designer.core.latent.generate import decode
    from vae_designer.core.project.store import load_project

    assert np.abs(np.diff(decode(load_project(image_project), lat), axis=0)).max() > 0
    cli("sample", image_project, "--from-json", sides[2], "-o", tmp_path / "repro-sweep")
    assert (tmp_path / "repro-sweep" / pngs[2].name).read_bytes() == pngs[2].read_bytes()
    assert json.loads((tmp_path / "repro-sweep" / sides[2].name).read_text())["sweep"] == datas[2]["sweep"]

    # bad input: a file where the folder should be -> one line in the status, nothing written
    (tmp_path / "afile").write_text("x")
    assert tools.export_sweep(str(tmp_path / "afile"), steps=3) == []
    assert page.status.text().startswith("Export failed") and (tmp_path / "afile").read_text() == "x"

    # a failure part-way (the disk fills up at the third design) keeps no partial sequence
    import vae_designer.core.latent.generate as generate
    from vae_designer.core.errors import UserError

    real, calls = generate.export_design, []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise UserError("no space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(generate, "export_design", flaky)
    assert tools.export_sweep(str(tmp_path / "partial"), steps=4) == []
    monkeypatch.setattr(generate, "export_design", real)
    assert page.status.text() == "Export failed: no space left on device"
    assert list((tmp_path / "partial").iterdir()) == []

    # a blend of two pins in 4 steps
    page.pin("a")
    drag_to(qtbot, page, float(c[9][0]), float(c[9][1]))
    page.pin("b")
    select(page.gallery, [0])
    assert not tools.blend_export_button.isEnabled()
    assert tools.export_blend(str(tmp_path / "blend")) == [] and "two pins" in page.status.text()
    assert not (tmp_path / "blend").exists()
    select(page.gallery, [0, 1])
    assert tools.blend_export_button.isEnabled()
    out = tools.export_blend(str(tmp_path / "blend"), steps=4)
    pngs = sorted(p for p in out if p.suffix == ".png")
    assert [p.name for p in pngs] == [f"blend-a-b-{k:02d}.png" for k in range(1, 5)]
    datas = [json.loads(p.with_suffix(".json").read_text()) for p in pngs]
    assert all(d["source"] == "blend" and d["parents"] == ["a", "b"] for d in datas)
    assert datas[0]["weights"] == [1.0, 0.0] and datas[-1]["weights"] == [0.0, 1.0]
    np.testing.assert_allclose(datas[0]["latent"], page.gallery.pins()[0].z, atol=1e-6)
    assert page.gallery.count() == 2  # exporting a sequence pins nothing

    # Surprise x4 at temperature 0.7: four distinct pins, each from its own seed, drawn from the
    # project's fitted density (where the designs lie), which each pin's sidecar records
    tools.temperature.setValue(0.7)
    tools.surprise_count.setValue(4)
    assert tools.surprise_batch_button.text() == "Surprise ×4"
    made = tools.surprise_batch(seed=1234)
    assert len(made) == 4 and page.gallery.count() == 6
    zs = np.array([p.z for p in made])
    assert len({z.tobytes() for z in zs}) == 4
    assert len({p.thumb.tobytes() for p in made}) > 1
    for k, p in enumerate(made):
        assert p.source == "surprise" and p.seed == 1234 + k and p.extra == {"temperature": 0.7, "prior": "fitted"}
        np.testing.assert_array_equal(p.z, sample_latents(page.session.project, 1, 1234 + k, 0.7, "fitted")[0])
    select(page.gallery, [2, 3, 4, 5])
    out = page.export_pins(str(tmp_path / "surprises"))
    sides = sorted(p for p in out if p.suffix == ".json")
    assert len(sides) == 4
    data = json.loads(sides[0].read_text())
    assert data["source"] == "surprise" and data["seed"] == 1234 and data["temperature"] == 0.7
    assert data["prior"] == "fitted"
    cli("sample", image_project, "--from-json", sides[0], "-o", tmp_path / "repro-surprise")
    png = sides[0].with_suffix(".png")
    assert (tmp_path / "repro-surprise" / png.name).read_bytes() == png.read_bytes()
    again = json.loads((tmp_path / "repro-surprise" / sides[0].name).read_text())
    assert again["seed"] == 1234 and again["temperature"] == 0.7 and again["source"] == "surprise"
    assert again["prior"] == "fitted"


def test_mesh_compare_shows_shaded_renders_and_sweeps_export_meshes(qtbot, make_main_window, mesh_project,
                                                                    tmp_path):
    _window, page = open_map(qtbot, make_main_window, mesh_project)
    c = page.session.latent_map.coords
    long_i = next(i for i, p in enumerate(page.session.paths) if p.startswith("long"))
    tall_i = next(i for i, p in enumerate(page.session.paths) if p.startswith("tall"))
    pin_at(qtbot, page, c[long_i], "long")
    pin_at(qtbot, page, c[tall_i], "tall")
    view = open_compare(qtbot, page, [0, 1])
    assert len(view.panels) == 2 and "smooth surfaces" in view.hint.text()
    a, b = (p.picture.pixels() for p in view.panels)
    assert a.shape == b.shape == (256, 256, 3) and not np.array_equal(a, b)
    assert a.std() > 10  # a shaded render, not a blank
    assert view.panels[0].nearest == long_i and view.panels[1].nearest == tall_i
    view.close()

    page.format_combo.setCurrentText("OBJ")
    out = page.tools.export_sweep(str(tmp_path / "sweep"), steps=3)
    assert sorted(p.suffix for p in out) == [".json"] * 3 + [".obj"] * 3
