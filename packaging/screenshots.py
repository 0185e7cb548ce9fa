"""Screenshots of the app's main states, in the light and the dark look, for the README.

Runs the real main window under Xvfb (a virtual X display, started here with
pyvirtualdisplay unless ``DISPLAY`` is already set or ``--offscreen`` is given),
drives it through the start page, the dataset view (2D and 3D samples) and
training in progress with live curves and reconstructions, and writes
``docs/screenshots/{light,dark}-{start,dataset,dataset-3d,training}.png``, and the Map page
mid-drag: ``{light,dark}-map.png`` (an image project) and ``{light,dark}-map-3d.png`` (with
``--map-mesh PROJECT``).  ``--after-training`` trains both bundled samples with the default
settings and writes the Map page right after: ``map-after-training-{2d,3d}.png``.
``--map-views PROJECT`` instead writes ``map-error-colour.png`` (points
coloured by reconstruction error, the worst design selected) and ``map-backdrop.png``;
``--map-history PROJECT`` writes ``map-history.png`` (the history strip after a few steps and
an undo) and ``map-picked.png`` (designs picked with a lasso, the strip of picked designs).
``--constraints PROJECT`` writes ``map-constraints{,-3d}.png`` (the map shaded where designs break
constraints on measured properties, the properties under the preview), ``map-snap{,-3d}.png`` (the
design snapped to spec) and ``map-colour-by-property{,-3d}.png`` (a 2D project, or a 3D one with
``--constraints-mesh PROJECT``); ``--where`` sets the constraints (default: the median design's
aspect or height, and a bound on its width).
``--preferences`` writes ``preferences.png`` (Edit > Preferences); ``--japanese`` every page in
Japanese (``ja-start.png``, ``ja-dataset.png``, ``ja-preferences.png``, and with ``--map-image`` /
``--map-mesh`` ``ja-training.png``, ``ja-map.png``, ``ja-map-3d.png``; needs a CJK font: fonts-noto-cjk).
``--trained PROJECT`` writes ``training-report.png`` (the Training page with the held-out check).
``--map-steering PROJECT [--own FILE]`` the steering tools: ``map-direction.png``,
``map-placed.png``, ``map-completion-before.png`` and ``map-completion-after.png``.
The Map shots work on a copy of each project (the app keeps the map session in the project).

Needs Xvfb and pyvirtualdisplay, or run it under ``xvfb-run -a -s "-screen 0 1600x1000x24"``
(then ``DISPLAY`` is set and used).  Takes about a minute on 2 cores; the
settings, autosaved projects and ingestion cache go to a temporary folder.

Usage: python packaging/screenshots.py [--out docs/screenshots] [--themes light dark]
       [--offscreen] [--size 1360x860] [--map-image PROJECT] [--map-mesh PROJECT] [--only-map]
       [--map-views PROJECT] [--map-history PROJECT] [--map-steering PROJECT [--own FILE]]
       [--constraints PROJECT] [--constraints-mesh PROJECT] [--where C] [--surprises] [--after-training]
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from vae_designer.gui.common.display import scratch_app_dirs, spin, wait_until

REPO = Path(__file__).resolve().parents[1]


def grab(window, path: Path) -> None:
    """The window's pixels as the X server shows them (falls back to rendering the widget)."""
    spin(0.3)
    window.training_page.plot.flush()
    spin(0.2)
    pixmap = None
    screen = window.screen()
    if os.environ.get("QT_QPA_PLATFORM", "xcb").startswith("xcb") and screen is not None:
        pixmap = screen.grabWindow(window.winId())
    if pixmap is None or pixmap.isNull() or pixmap.width() < 100:
        pixmap = window.grab()
    path.parent.mkdir(parents=True, exist_ok=True)
    if not pixmap.save(str(path)):
        raise SystemExit(f"screenshots: could not write {path}")
    print(f"wrote {path.relative_to(REPO) if path.is_relative_to(REPO) else path} "
          f"({pixmap.width()}x{pixmap.height()})")


LANGUAGE = "en"  # --japanese: the windows open in Japanese


def new_window(theme_name: str, size: tuple[int, int], recent: tuple[str, ...] = ()):
    """A shown main window in ``theme_name`` at ``size``, with ``recent`` on its start page."""
    from vae_designer.gui.app import make_window
    from vae_designer.gui.common.settings_store import SettingsStore

    store = SettingsStore()
    store.set_theme(theme_name)
    store.set_preferences({"language": LANGUAGE})
    for path in reversed(recent):
        store.add_recent(path)
    window = make_window(store=store)
    window.resize(*size)
    window.show()
    return window


def wait_opened(window, what: str) -> None:
    wait_until(lambda: window.workspace.current is not None and not window.workspace.busy, 300, what)


def shoot(theme_name: str, out: Path, size: tuple[int, int], recent: list[str]) -> str | None:
    window = new_window(theme_name, size, tuple(recent))
    spin(0.8)
    grab(window, out / f"{theme_name}-start.png")

    # the 3D samples: shaded renders of the voxelized meshes
    window.open_sample("mesh")
    wait_opened(window, "the 3D samples")
    page = window.dataset_page
    wait_until(lambda: page.model.rendered_count() >= 24 and page.model.pending_count() == 0, 120, "3D thumbnails")
    grab(window, out / f"{theme_name}-dataset-3d.png")

    # the 2D samples
    window.open_sample("image")
    wait_until(lambda: window.workspace.current is not None and not window.workspace.busy
         and window.workspace.designs.kind == "image", 300, "the 2D samples")
    wait_until(lambda: page.model.rendered_count() >= 24 and page.model.pending_count() == 0, 60, "2D thumbnails")
    grab(window, out / f"{theme_name}-dataset.png")

    # training in progress: a few epochs in, curves and reconstructions showing
    window.show_page("training")
    tp = window.training_page
    tp.form.set_values(epochs=40, batch_size=32)
    tp.start_button.click()
    session = window.training
    wait_until(lambda: session.last_event is not None and session.last_event.epoch >= 4
         and tp.recon_grid.updates >= 2, 600, "four epochs of training")
    spin(2.0)
    grab(window, out / f"{theme_name}-training.png")
    tp.stop_button.click()
    wait_until(lambda: not session.busy, 120, "training to stop and save")
    project = session.project_path
    window.close()
    spin(0.3)
    return project


def open_map(theme_name: str, size: tuple[int, int], project: str):
    """A main window in ``theme_name`` showing ``project``'s Map page with its first design decoded."""
    import shutil
    import tempfile

    os.makedirs(os.environ["VAE_DESIGNER_DATA_DIR"], exist_ok=True)
    copy = Path(tempfile.mkdtemp(prefix="map-", dir=os.environ["VAE_DESIGNER_DATA_DIR"])) / Path(project).name
    shutil.copytree(project, copy)  # the app writes the map session (pins, history) into the project
    window = new_window(theme_name, size)
    window.open_path(str(copy))
    wait_opened(window, "the project")
    if not window.show_page("map"):
        raise SystemExit(f"screenshots: no map for {project}")
    page = window.map_page
    wait_until(lambda: page.live.last_result is not None, 60, "the first decoded design")
    return window, page


def shoot_map(theme_name: str, out: Path, size: tuple[int, int], project: str, suffix: str,
              prefix: str | None = None) -> None:
    """The Map page mid-drag: a few pins in the gallery, the hover card on a point, the cursor moving."""
    import numpy as np

    window, page = open_map(theme_name, size, project)
    lm = page.session.latent_map
    c = lm.coords
    order = np.argsort(c[:, 0])
    picks = [order[len(order) // 6], order[len(order) // 2], order[-len(order) // 6]]
    for k, i in enumerate(picks):  # pin three designs between training items
        j = order[min(len(order) - 1, np.searchsorted(c[order, 0], c[i, 0]) + 3)]
        y = 0.6 * c[i] + 0.4 * c[j]
        page.move_cursor(float(y[0]), float(y[1]))
        seq = page.live.request_seq
        wait_until(lambda seq=seq: page.panel.preview.painted_seq >= seq, 30, "the preview")
        page.pin(f"variant-{k + 1}")
    a, b = c[order[len(order) // 4]], c[order[3 * len(order) // 4]]
    for t in np.linspace(0.0, 0.3, 12):  # mid-drag, leaving one design towards another
        y = (1 - t) * a + t * b + np.array([0.0, 0.05 * (lm.bounds()[3] - lm.bounds()[2]) * np.sin(np.pi * t)])
        page.move_cursor(float(y[0]), float(y[1]))
        spin(0.04)
    seq = page.live.request_seq
    wait_until(lambda: page.panel.preview.painted_seq >= seq, 30, "the preview")
    if page.panel.mesh_view is not None:
        page.panel.mesh_view.setCameraPosition(distance=62, elevation=24, azimuth=-60)
    vb = page.plot.getPlotItem().getViewBox()
    from PySide6.QtCore import QPointF

    h = order[len(order) // 8]
    page.plot.scene().sigMouseMoved.emit(vb.mapViewToScene(QPointF(float(c[h, 0]), float(c[h, 1]))))
    spin(0.5)
    grab(window, out / f"{prefix or theme_name}-map{suffix}.png")
    window.close()
    spin(0.3)


def shoot_map_views(theme_name: str, out: Path, size: tuple[int, int], project: str) -> None:
    """The Map page's views: coloured by reconstruction error with a design selected
    (``map-error-colour.png``), and the decoded backdrop (``map-backdrop.png``)."""
    import numpy as np

    window, page = open_map(theme_name, size, project)
    page.colour_combo.setCurrentIndex(page.colour_combo.findData("error"))
    wait_until(lambda: page.points.bins is not None, 300, "the reconstruction errors")
    worst = int(np.argmax(page.errors.errors))
    page.select_item(worst)
    wait_until(page.item_card.has_pictures, 60, "the selected design's pictures")
    seq = page.live.request_seq
    wait_until(lambda: page.panel.preview.painted_seq >= seq, 30, "the preview")
    spin(0.5)
    grab(window, out / "map-error-colour.png")
    page.item_card.close_button.click()
    page.colour_combo.setCurrentIndex(page.colour_combo.findData("label"))
    page.backdrop_check.setChecked(True)
    wait_until(lambda: page.backdrop.updates >= 1, 120, "the backdrop")
    c = page.session.latent_map.coords
    mid = c[int(np.argmin(np.linalg.norm(c - np.median(c, axis=0), axis=1)))]
    page.move_cursor(float(mid[0]) * 0.8, float(mid[1]) * 0.8)
    seq = page.live.request_seq
    wait_until(lambda: page.panel.preview.painted_seq >= seq, 30, "the preview")
    spin(0.5)
    grab(window, out / "map-backdrop.png")
    window.close()
    spin(0.3)


def shoot_surprises(theme_name: str, out: Path, size: tuple[int, int], project: str, suffix: str) -> None:
    """What comes out: six surprises pinned, the cursor resting on a design (the preview drawn as
    exported) -- ``map-surprises{suffix}.png`` -- and four of the surprises compared side by side
    (``map-compare-surprises{suffix}.png``)."""
    window, page = open_map(theme_name, size, project)
    pins = page.tools.surprise_batch(6, seed=11)
    c = page.session.latent_map.coords
    page.move_cursor(float(c[len(c) // 3, 0]), float(c[len(c) // 3, 1]))
    seq = page.live.request_seq
    wait_until(lambda: page.live.last_result is not None and page.live.last_result["seq"] == seq
               and page.live.last_result["fine"], 60, "the finished preview")
    if page.panel.mesh_view is not None:
        page.panel.mesh_view.setCameraPosition(distance=46, elevation=24, azimuth=-60)
    spin(0.5)
    grab(window, out / f"map-surprises{suffix}.png")
    page.gallery.clearSelection()
    for r in range(min(4, len(pins))):
        page.gallery.item(r).setSelected(True)
    view = page.compare_pins()
    wait_until(lambda: view is not None and view.ready, 60, "the comparison")
    spin(0.5)
    view.grab().save(str(out / f"map-compare-surprises{suffix}.png"))
    print(f"wrote {out / f'map-compare-surprises{suffix}.png'}")
    view.close()
    window.close()
    spin(0.3)


def shoot_preferences(theme_name: str, out: Path, size: tuple[int, int], name: str = "preferences.png") -> None:
    """Edit > Preferences (``preferences.png``)."""
    window = new_window(theme_name, size)
    dialog = window.show_preferences()
    wait_until(lambda: "files" in dialog.cache_size.text() or "ファイル" in dialog.cache_size.text(), 30,
               "the cache size")
    spin(0.4)
    dialog.grab().save(str(out / name))
    print(f"wrote {out / name}")
    dialog.reject()
    window.close()
    spin(0.3)


def shoot_trained(theme_name: str, out: Path, size: tuple[int, int], project: str,
                  name: str = "training-report.png") -> None:
    """The Training page of a trained project with its held-out check (``training-report.png``)."""
    window, _page = open_map(theme_name, size, project)
    window.show_page("training")
    report = window.training_page.report
    wait_until(lambda: report.report is not None, 120, "the held-out check")
    spin(0.5)
    grab(window, out / name)
    window.close()
    spin(0.3)


def shoot_map_history(theme_name: str, out: Path, size: tuple[int, int], project: str) -> None:
    """The history strip after a few steps and one undo (``map-history.png``), and designs picked
    with a lasso (``map-picked.png``)."""
    import numpy as np

    window, page = open_map(theme_name, size, project)
    s, c = page.session, page.session.latent_map.coords
    order = np.argsort(c[:, 0])
    for k, f in enumerate((0.1, 0.3, 0.5, 0.7, 0.9)):  # five rests along the map, two of them pinned
        i, j = order[int(f * (len(order) - 1))], order[min(len(order) - 1, int(f * (len(order) - 1)) + 2)]
        y = 0.5 * (c[i] + c[j])
        page.move_cursor(float(y[0]), float(y[1]))
        s.settle()
        if k in (1, 3):
            seq = page.live.request_seq
            wait_until(lambda seq=seq: page.panel.preview.painted_seq >= seq, 30, "the preview")
            page.pin(f"variant-{k}")
    page.tools.surprise()
    s.undo()
    strip = page.strips.history
    wait_until(lambda: all(strip.picture_of(r) is not None for r in range(strip.count())), 60, "the step pictures")
    seq = page.live.request_seq
    wait_until(lambda: page.panel.preview.painted_seq >= seq, 30, "the preview")
    spin(0.5)
    grab(window, out / "map-history.png")
    from vae_designer.core.latent.selection import inside_lasso

    centre, r = np.median(c, axis=0), 0.35 * np.ptp(c, axis=0)
    t = np.linspace(0, 2 * np.pi, 40)
    lasso = centre + r * np.stack([np.cos(t), np.sin(t) * (1 + 0.3 * np.cos(3 * t))], 1)
    s.pick(inside_lasso(c, lasso))
    page.strips.selection.make_group("A")
    page.strips.selector.outline.setData(*np.vstack([lasso, lasso[:1]]).T)  # as drawn while the mouse moves
    page.strips.selector.outline.setVisible(True)
    spin(0.8)
    grab(window, out / "map-picked.png")
    window.close()
    spin(0.3)


def shoot_constraints(theme_name: str, out: Path, size: tuple[int, int], project: str, suffix: str,
                      where: list[str] | None) -> None:
    """The map shaded where designs break constraints, a snapped design, colour by a property."""
    import numpy as np

    window, page = open_map(theme_name, size, project)
    steer, s = page.steering, page.session
    wait_until(lambda: bool(steer.properties.values), 60, "the measured properties")
    if not where:  # cut the map about in two, on the most telling property, and bound the width
        from vae_designer.core.export.measure import frame_of, measure_fields
        from vae_designer.core.latent.generate import decode

        frame = frame_of(s.kind, s.project.manifest)
        values = measure_fields(s.kind, decode(s.project, s.encodings), frame)
        key = "aspect" if s.kind == "image" else "height"
        where = [f"{key}>={np.percentile(values[key], 60):.3g}", f"width<={np.percentile(values['width'], 90):.4g}"]
    for text in where:
        steer.add_constraint(text)
    wait_until(lambda: steer.lattice.last is not None and not steer.lattice.pending, 300, "the measured lattice")
    c = s.latent_map.coords
    breaking = [i for i in np.argsort(np.linalg.norm(c - np.median(c, axis=0), axis=1))]
    page.move_cursor(*map(float, c[breaking[0]]))
    wait_until(lambda: steer.properties.exact, 60, "the exact properties")
    spin(0.6)
    grab(window, out / f"map-constraints{suffix}.png")
    snapped = []
    steer.snapped.connect(snapped.append)
    steer.snap()
    wait_until(lambda: bool(snapped), 300, "the snap")
    wait_until(lambda: steer.properties.exact and page.session.design.source == "snap", 60, "the snapped design")
    spin(0.6)
    grab(window, out / f"map-snap{suffix}.png")
    combo = page.header.colour_combo
    combo.setCurrentIndex(combo.findData("prop:" + where[0].split(">")[0].split("<")[0]))
    wait_until(lambda: steer.lattice.colour_item.isVisible(), 300, "the property colours")
    spin(0.6)
    grab(window, out / f"map-colour-by-property{suffix}.png")
def shoot_map_steering(theme_name: str, out: Path, size: tuple[int, int], project: str, own: str | None) -> None:
    """Steering on the Map page (bundled cars): a direction slider (``map-direction.png``), an own
    design placed on the map (``map-placed.png``; ``own``: the file, else one of the training files),
    a completion before and after (``map-completion-before.png``, ``map-completion-after.png``)."""
    window, page = open_map(theme_name, size, project)
    steer, s = page.tool_tabs, page.session

    def painted() -> None:
        seq = page.live.request_seq
        wait_until(lambda: page.panel.preview.painted_seq >= seq, 30, "the preview")
        spin(0.6)

    names = [d.name for d in steer.directions.directions]
    pair = next((n for n in names if n.startswith("sedan") and n.endswith("suv")), None) or \
        next(n for n in names if "→" in n)
    start = next((i for i, p in enumerate(s.paths) if p.startswith(pair.split(" → ")[0])), 0)
    page.select_item(start)
    page.clear_selection()
    painted()
    steer.tabs.setCurrentWidget(steer.directions)
    steer.directions.along.setCurrentIndex(names.index(pair))
    steer.directions.value.setValue(0.75)
    painted()
    grab(window, out / "map-direction.png")
    own = own or str(Path(s.project.manifest["root"]) / s.paths[len(s.paths) // 3])
    steer.placer.place(own)
    wait_until(lambda: any(p.source == "placed" for p in s.pins), 60, "the placed design")
    painted()
    grab(window, out / "map-placed.png")
    steer.tabs.setCurrentWidget(steer.completion)
    steer.completion.overlay.set_fractions(0.62, 0.0, 1.0, 1.0)
    spin(0.3)
    grab(window, out / "map-completion-before.png")
    steer.completion.count.setValue(4)
    steer.completion.complete()
    wait_until(lambda: steer.completion.last is not None, 120, "the completions")
    painted()
    grab(window, out / "map-completion-after.png")
    window.close()
    spin(0.3)


def shoot_after_training(theme_name: str, out: Path, size: tuple[int, int], kind: str) -> None:
    """A new user's first map: a bundled sample trained in the app with the default settings, then
    the Map page right away (``map-after-training-{2d,3d}.png``): every design must be in view."""
    window = new_window(theme_name, size)
    window.open_sample(kind)
    wait_opened(window, "the sample")
    window.show_page("training")
    window.training_page.start_button.click()  # the defaults, as a newcomer trains
    session, page = window.training, window.map_page
    wait_until(lambda: session.state != "idle", 60, "training to start")
    wait_until(lambda: not session.busy, 1800, "training to finish")
    window.show_page("map")
    wait_until(lambda: page.session.project is not None and session.project is not None and not page.refitting
               and page.session.project.info.get("generation") == session.project.info.get("generation"), 120,
               "the map to follow the final save")
    seq = page.live.request_seq
    wait_until(lambda: page.panel.preview.painted_seq >= seq, 30, "the preview")
    spin(0.8)
    name = f"map-after-training-{'2d' if kind == 'image' else '3d'}.png"
    grab(window, out / name)
    (x0, x1), (y0, y1) = page.plot.getPlotItem().getViewBox().viewRange()
    c = page.session.latent_map.coords
    inside = ((c[:, 0] >= x0) & (c[:, 0] <= x1) & (c[:, 1] >= y0) & (c[:, 1] <= y1)).mean()
    print(f"{name}: {inside:.0%} of {len(c)} designs in view; {page.novelty_label.text()}")
    window.close()
    spin(0.3)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(REPO / "docs" / "screenshots"))
    ap.add_argument("--themes", nargs="+", default=["light", "dark"], choices=["light", "dark"])
    ap.add_argument("--size", default="1360x860", help="window size, WxH")
    ap.add_argument("--offscreen", action="store_true", help="Qt's offscreen platform instead of Xvfb")
    ap.add_argument("--map-image", help="an image project for the Map page shots (default: the one "
                                        "trained for the training shots)")
    ap.add_argument("--map-mesh", help="a mesh project for the 3D Map page shots (skipped without one)")
    ap.add_argument("--only-map", action="store_true", help="only the Map page shots")
    ap.add_argument("--after-training", action="store_true",
                    help="only the first map after in-app training of each bundled sample (default settings)")
    ap.add_argument("--surprises", action="store_true",
                    help="only the surprises shots (six surprises pinned and compared) of --map-image and "
                         "--map-mesh, in the first theme given")
    ap.add_argument("--map-history", metavar="PROJECT",
                    help="only the history strip and the picked designs of an image project, in the first theme")
    ap.add_argument("--map-views", metavar="PROJECT",
                    help="only the Map views shots (colour by error + selection, backdrop) of an image project, "
                         "in the first theme given")
    ap.add_argument("--constraints", metavar="PROJECT",
                    help="only the constraint shots (shading, snap, colour by property) of a project")
    ap.add_argument("--constraints-mesh", metavar="PROJECT", help="the same of a mesh project")
    ap.add_argument("--where", action="append", help="a constraint for those shots (repeat for more)")
    ap.add_argument("--preferences", action="store_true", help="only the Preferences dialog (preferences.png)")
    ap.add_argument("--japanese", action="store_true",
                    help="only the Japanese shots: ja-start, ja-dataset, ja-preferences; ja-training and ja-map "
                         "with --map-image, ja-map-3d with --map-mesh (needs a CJK font)")
    ap.add_argument("--trained", metavar="PROJECT", help="only the Training page of a trained project with its "
                                                          "held-out check (training-report.png)")
    ap.add_argument("--map-steering", metavar="PROJECT",
                    help="only the steering shots (direction slider, placed design, completion before/after) of an "
                         "image project (the bundled cars), in the first theme given")
    ap.add_argument("--own", metavar="FILE", help="the design file --map-steering places on the map")
    args = ap.parse_args()
    size = tuple(int(v) for v in args.size.lower().split("x"))
    out = Path(args.out).resolve()

    tmp = scratch_app_dirs("vae-screenshots-")
    os.environ.setdefault("VAE_DESIGNER_CACHE_DIR", os.path.join(tmp, "cache"))

    def run() -> int:
        from vae_designer.gui.app import create_app
        from vae_designer.resources import sample_folder

        create_app()
        if args.after_training:
            for kind in ("image", "mesh"):
                shoot_after_training(args.themes[0], out, size, kind)
            return 0
        if args.surprises:
            for project, suffix in ((args.map_image, "-2d"), (args.map_mesh, "-3d")):
                if project:
                    shoot_surprises(args.themes[0], out, size, project, suffix)
            return 0
        if args.constraints or args.constraints_mesh:
            for project, suffix in ((args.constraints, ""), (args.constraints_mesh, "-3d")):
                if project:
                    shoot_constraints(args.themes[0], out, size, project, suffix, args.where)
            return 0
        if args.map_views:
            shoot_map_views(args.themes[0], out, size, args.map_views)
        if args.map_history:
            shoot_map_history(args.themes[0], out, size, args.map_history)
        if args.preferences:
            shoot_preferences(args.themes[0], out, size)
            return 0
        if args.japanese:
            global LANGUAGE
            LANGUAGE = "ja"
            window = new_window(args.themes[0], size)
            spin(0.8)
            grab(window, out / "ja-start.png")
            window.open_sample("image")
            wait_opened(window, "the samples")
            window.show_page("dataset")
            spin(1.5)
            grab(window, out / "ja-dataset.png")
            window.close()
            shoot_preferences(args.themes[0], out, size, "ja-preferences.png")
            if args.map_image:  # the Training and Map pages of trained projects
                shoot_trained(args.themes[0], out, size, args.map_image, "ja-training.png")
                shoot_map(args.themes[0], out, size, args.map_image, "", prefix="ja")
            if args.map_mesh:
                shoot_map(args.themes[0], out, size, args.map_mesh, "-3d", prefix="ja")
            return 0
        if args.trained:
            shoot_trained(args.themes[0], out, size, args.trained)
            return 0
        if args.map_steering:
            shoot_map_steering(args.themes[0], out, size, args.map_steering, args.own)
        if args.map_views or args.map_history or args.map_steering:
            args.themes = []
        recent = [str(sample_folder("mesh")), str(sample_folder("image"))]
        map_image = args.map_image
        for name in args.themes:
            if not args.only_map:
                project = shoot(name, out, size, recent)
                if project:
                    recent = [project, *recent]
                    map_image = map_image or project
            if map_image:
                shoot_map(name, out, size, map_image, "")
            if args.map_mesh:
                shoot_map(name, out, size, args.map_mesh, "-3d")
        return 0

    from vae_designer.gui.common.display import run_with_display

    return run_with_display(run, (size[0] + 80, size[1] + 80), offscreen=args.offscreen)


if __name__ == "__main__":
    raise SystemExit(main())
