"""The Map page: scatter of the encodings, a draggable cursor decoding live, pins and exports.

The tiny projects (``image_project``, ``mesh_project``) are trained once per session
by tests/gui/conftest.py through the real CLI (40 silhouettes at 32x32, and six
boxes at 32^3, latent 4).  Qt runs offscreen here, so a mesh
project's preview is the shaded voxel picture; the OpenGL view is exercised by
the last test under Xvfb (pytest-xvfb's display) when one is available.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import numpy as np
import pytest
from helpers import REPO, cli, watch_train_control
from PIL import Image

from .gui_helpers import drag_to, open_map


def test_map_shows_points_by_label_hover_and_cursor_decodes(qtbot, make_main_window, image_project, tmp_path):
    _window, page = open_map(qtbot, make_main_window, image_project)
    assert page.session.kind == "image" and len(page.session.latent_map.coords) == 40
    assert sum(len(s.data) for s, _ in page.points.items) == 40 and len(page.points.items) == 2  # one per label
    assert {it[1].text for it in page.points.legend.items} == {"tall", "wide"}
    c0 = page.session.latent_map.coords[0]
    drag_to(qtbot, page, float(c0[0]), float(c0[1]))
    first = page.image_view.pixels()
    first_novelty = page.novelty_label.text()
    assert page.nearest_label.text().startswith("Nearest: ")

    # hovering a point names it (and shows its thumbnail: the designs are loaded)
    vb = page.plot.getPlotItem().getViewBox()
    from PySide6.QtCore import QPointF

    at = vb.mapViewToScene(QPointF(*map(float, page.session.latent_map.coords[3])))
    page.plot.scene().sigMouseMoved.emit(at)
    assert page.hover.isVisible() and page.hover.name.text() == page.session.paths[3]
    assert page.hover.thumb.pixmap() is not None and not page.hover.thumb.pixmap().isNull()

    # drag the cursor far out: the preview changes, novelty goes up
    x0, x1, y0, y1 = page.session.latent_map.bounds()
    drag_to(qtbot, page, x1 + 20 * (x1 - x0), y1 + 20 * (y1 - y0))
    far = page.image_view.pixels()
    assert far is not None and far.shape == first.shape and not np.array_equal(far, first)
    assert page.novelty_label.text() != first_novelty
    assert page.live.last_result["novelty"] > 2

    # onto a training item: exact lift, novelty ~0, that item is the nearest
    c = page.session.latent_map.coords[5]
    drag_to(qtbot, page, float(c[0]), float(c[1]))
    assert page.live.last_result["novelty"] < 1e-3 and page.nearest_label.text().endswith(page.session.paths[5])

    # another projection keeps the same design under the cursor
    z = page.session.design.z.copy()
    page.projection.setCurrentIndex(1)
    assert page.session.latent_map.method == "dims"
    np.testing.assert_allclose(page.session.design.z, z, atol=1e-4)

    # pin, rename, export a PNG and reproduce it from its sidecar through the CLI
    pin = page.pin("favourite")
    assert pin is not None and page.gallery.count() == 1 and page.gallery.pins()[0].name == "favourite"
    written = page.export_current(str(tmp_path / "out" / "mine.png"))
    png = tmp_path / "out" / "mine.png"
    assert png in written and png.with_suffix(".json") in written
    assert Image.open(png).size == (32, 32)
    cli("sample", image_project, "--from-json", png.with_suffix(".json"), "-o", tmp_path / "repro")
    assert (tmp_path / "repro" / "mine.png").read_bytes() == png.read_bytes()
    out = page.export_pins(str(tmp_path / "pins"))
    assert {p.name for p in out} == {"favourite.png", "favourite.json"}


def test_surprise_sweep_and_blend(qtbot, make_main_window, image_project, tmp_path):
    import json

    _window, page = open_map(qtbot, make_main_window, image_project)
    tools = page.tools
    c = page.session.latent_map.coords[2]
    drag_to(qtbot, page, float(c[0]), float(c[1]))
    page.pin("a")
    before = page.live.request_seq
    z = tools.surprise()
    qtbot.waitUntil(lambda: page.panel.preview.painted_seq > before, timeout=15000)
    np.testing.assert_array_equal(page.session.design.z, z)
    assert page.session.design.source == "surprise" and page.live.last_result["novelty"] > 0
    # the draw (from the project's fitted density) is recorded (seed, temperature, prior) and exported with
    # the design: the sidecar says how it was made
    from vae_designer.core.latent.sampling import sample_latents

    meta = page.session.design.meta
    assert meta["prior"] == "fitted"
    np.testing.assert_array_equal(z, sample_latents(page.session.project, 1, meta["seed"], meta["temperature"])[0])
    side = next(p for p in page.export_current(str(tmp_path / "surprise.png")) if p.suffix == ".json")
    data = json.loads(side.read_text())
    assert data["source"] == "surprise" and data["seed"] == meta["seed"] and data["temperature"] == 1.0
    assert data["prior"] == "fitted"
    page.pin("b")
    assert page.gallery.pins()[-1].seed == meta["seed"]
    # sweep the most active dimension of the current design: only that value changes
    base = page.session.design.z.copy()
    dim = tools.sweep_dim.currentData()
    # move the slider to an end it is not already at (setValue to the current value emits nothing)
    tools.sweep.setValue(tools.sweep.minimum() if tools.sweep.value() != tools.sweep.minimum()
                         else tools.sweep.maximum())
    changed = np.nonzero(page.session.design.z != base)[0]
    assert list(changed) in ([dim], []) and page.session.design.source == "sweep"
    # blend the two pins in 4 steps: pinned, exported with weights, reproducible
    page.gallery.clearSelection()
    page.gallery.item(0).setSelected(True)
    page.gallery.item(1).setSelected(True)
    tools.blend_steps.setValue(4)
    assert tools.blend_button.isEnabled()
    made = tools.blend()
    assert len(made) == 4 and page.gallery.count() == 6
    np.testing.assert_allclose(made[0].z, page.gallery.pins()[0].z, atol=1e-6)
    page.gallery.clearSelection()
    page.gallery.item(3).setSelected(True)
    out = page.export_pins(str(tmp_path / "blend"))
    side = next(p for p in out if p.suffix == ".json")
    data = json.loads(side.read_text())
    assert data["source"] == "blend" and data["parents"] == ["a", "b"] and len(data["weights"]) == 2
    cli("sample", image_project, "--from-json", side, "-o", tmp_path / "repro")
    png = side.with_suffix(".png")
    assert (tmp_path / "repro" / png.name).read_bytes() == png.read_bytes()


@pytest.mark.slow
def test_map_follows_the_saved_best_model_while_training_and_keeps_the_cursor(qtbot, make_main_window, image_project,
                                                                              tmp_path, monkeypatch):
    watch_train_control(monkeypatch)
    project_copy = tmp_path / "shapes.vaed"  # training saves into it: the shared one stays as it is
    shutil.copytree(image_project, project_copy)
    window, page = open_map(qtbot, make_main_window, project_copy)
    c = page.session.latent_map.coords[7] * 0.5
    drag_to(qtbot, page, float(c[0]), float(c[1]))
    # the design the cursor is nearest to: after a refit the cursor is on that design again
    anchor = int(np.argmin(np.linalg.norm(page.session.latent_map.coords - c, axis=1)))
    key, refits = page.session.context.key, page.session.refits
    session = window.training
    project = window.workspace.project
    values = dict(window.training_page.form.values(), epochs=project.epoch + 200)
    assert session.start(values, project.model_config.latent_dim, continue_project=True)
    qtbot.waitUntil(lambda: page.session.refits > refits, timeout=60000)
    assert page.session.context.key != key
    # the preview decodes with exactly the weights an export records: the saved project's
    assert page.session.project is not project and page.session.context.weights is page.session.project.weights
    assert page.session.project.epoch > project.epoch
    pos = page.cursor.pos()
    at = page.session.latent_map.coords[anchor]
    assert (pos.x(), pos.y()) == pytest.approx((float(at[0]), float(at[1])), abs=1e-5)
    seq = page.live.request_seq
    qtbot.waitUntil(lambda: page.panel.preview.painted_seq >= seq, timeout=15000)
    # dragging while training runs: the trainer waits for the user (a self-expiring hold)
    control = session.control
    asked = []  # the holds asked for, as the trainer's control receives them
    hold = control.hold
    monkeypatch.setattr(control, "hold", lambda seconds: (asked.append(seconds), hold(seconds))[1])
    # a hold asked before (the cursor kept across the refit) is over, and the trainer's wait in it too
    qtbot.waitUntil(lambda: not control.held and not control.in_hold.is_set(), timeout=60000)
    held = control.held_seconds
    for move in range(30):
        f = 0.9 if move % 2 == 0 else 0.8
        n = len(asked)
        drag_to(qtbot, page, float(c[0]) * f, float(c[1]) * f)
        assert len(asked) > n  # this move asked the trainer to wait
        try:
            # the trainer waits at its next chunk boundary, until the hold runs out by itself
            qtbot.waitUntil(lambda: control.held_seconds > held, timeout=5000)
            break
        except qtbot.TimeoutError:
            # on a loaded machine the chunk under way can outlast one move's hold (0.25 s): a
            # hand makes another move
            continue
    else:
        pytest.fail("the trainer never waited for the user's moves")
    assert session.state == "running"  # not paused: it goes on by itself
    session.stop()
    qtbot.waitUntil(lambda: not session.busy, timeout=60000)


def test_mesh_project_previews_and_exports_a_watertight_stl(qtbot, make_main_window, mesh_project, tmp_path):
    import trimesh

    _window, page = open_map(qtbot, make_main_window, mesh_project)
    assert page.session.kind == "mesh" and page.format_combo.isVisible()
    c = page.session.latent_map.coords[0]
    drag_to(qtbot, page, float(c[0]), float(c[1]))
    assert page.panel.preview.pixels() is not None  # the voxel picture (no OpenGL offscreen)
    assert not page.panel.empty_label.isVisibleTo(page)
    # where the model decodes nothing, the preview says so and what to do
    from vae_designer.gui.map.decoder import MapDecoder

    ctx = page.session.context
    nothing = MapDecoder()(ctx.job(seq=99, z=page.session.design.z, mesh_as_image=True,
                                   probs=np.zeros((1, 16, 16, 16), np.float32)))
    assert nothing["empty"] and not page.live.last_result["empty"]
    page.panel.show_result(nothing, None)
    assert page.panel.empty_label.isVisibleTo(page) and "train the model longer" in page.panel.empty_label.text()
    page.panel.show_result(page.live.last_result, None)
    assert not page.panel.empty_label.isVisibleTo(page)
    page.pin()
    written = page.export_current(str(tmp_path / "shape.stl"))
    assert tmp_path / "shape.stl" in written
    m = trimesh.load(tmp_path / "shape.stl", force="mesh")
    m.merge_vertices()
    assert m.is_watertight and m.volume > 0
    page.format_combo.setCurrentText("OBJ")
    out = page.export_pins(str(tmp_path / "pins"))
    assert any(p.suffix == ".obj" for p in out) and any(p.suffix == ".json" for p in out)


def test_a_hundred_thousand_points_map(qtbot, image_project):
    from vae_designer.core.project.store import load_project
    from vae_designer.gui.map.page import MapPage

    project = load_project(image_project)
    page = MapPage()
    qtbot.addWidget(page)
    page.resize(1000, 700)
    page.show()
    rng = np.random.default_rng(0)
    n = 100_000
    enc = rng.standard_normal((n, project.model_config.latent_dim)).astype(np.float32)
    labels = [f"l{i % 7}" for i in range(n)]
    page.set_model("image", project.model_config, project.weights, enc, labels, [f"d{i}.png" for i in range(n)],
                   project=project)
    assert page.points.cloud is not None and len(page.points.cloud.pos) == n  # one PointCloud: a big map
    qtbot.waitUntil(lambda: page.panel.preview.painted_seq >= 1, timeout=15000)
    page.plot.grab()  # draws all points
    drag_to(qtbot, page, 0.5, 0.5)
    assert page.live.last_result["nearest"] >= 0
    page.shutdown()


# Can Qt make an OpenGL context current on the X display?  Nothing of the app is imported: a
# failure here is the machine's (no X server, no GLX/EGL), not the code's.
GL_PROBE = """
import sys
from PySide6.QtGui import QGuiApplication, QOffscreenSurface, QOpenGLContext

app = QGuiApplication(sys.argv[:1])
context = QOpenGLContext()
if not context.create():
    sys.exit("cannot create an OpenGL context")
surface = QOffscreenSurface()
surface.setFormat(context.format())
surface.create()
if not surface.isValid() or not context.makeCurrent(surface):
    sys.exit("cannot make an OpenGL context current")
version = context.functions().glGetString(0x1F02)  # GL_VERSION
if not version:
    sys.exit("the OpenGL context has no version")
print("OpenGL", version)
"""


def opengl_unavailable(env) -> str | None:
    """Why no OpenGL context can be had on ``env``'s display, or None when one can."""
    try:
        p = subprocess.run([sys.executable, "-c", GL_PROBE], capture_output=True, text=True, env=env,
                           timeout=120)
    except subprocess.TimeoutExpired:
        return "the probe did not finish in 120 s"
    if p.returncode == 0 and p.stdout.startswith("OpenGL"):
        return None
    lines = (p.stderr.strip() or p.stdout.strip() or f"exit status {p.returncode}").splitlines()
    return lines[-1]


@pytest.mark.slow
def test_opengl_mesh_preview_under_xvfb(mesh_project):
    """The GL preview in a real X display (the latency benchmark, a few moves)."""
    if not os.environ.get("DISPLAY"):
        pytest.skip("no X display (pytest-xvfb / Xvfb not running)")
    # the X display, whatever platform the widget tests in this process use (conftest: offscreen)
    env = dict(os.environ, QT_QPA_PLATFORM="xcb")
    problem = opengl_unavailable(env)
    if problem is not None:
        pytest.skip(f"no OpenGL context on DISPLAY={env['DISPLAY']}: {problem}")
    # OpenGL works here: from now on, anything that goes wrong is a failure
    p = subprocess.run([sys.executable, str(REPO / "benchmarks" / "map_latency.py"), str(mesh_project),
                        "--moves", "10", "--json"], capture_output=True, text=True, env=env, timeout=300)
    assert p.returncode == 0, p.stderr[-2000:]
    import json

    res = json.loads(p.stdout.strip().splitlines()[-1])
    assert res["platform"] == "xcb"
    assert res["kind"] == "mesh" and res["preview"] == "MeshPreview" and res["idle"]["n"] >= 5
