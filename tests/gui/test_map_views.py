"""The map's views: colour by reconstruction error, click to select, the decoded backdrop.

One tiny project is trained through the real CLI for the module: 24 silhouettes
in two labels and one deliberately broken design (random ink noise, which a VAE
of rectangles cannot reconstruct), so that the error colouring has something
real to find.
"""

from __future__ import annotations

import numpy as np
import pytest
from helpers import cli, tall_and_wide
from PIL import Image
from PySide6.QtCore import QPointF, Qt

from .gui_helpers import drag_to, open_map

TINY = ["--epochs", "3", "--latent-dim", "4", "--batch-size", "8", "--seed", "3"]
NOISE = "tall/zz_noise.png"


@pytest.fixture(scope="module")
def odd_project(tmp_path_factory):
    root = tmp_path_factory.mktemp("odd-designs")
    rng = tall_and_wide(root, 24)
    noise = (rng.random((120, 120)) < 0.5).astype(np.uint8) * 255
    noise[:2], noise[-2:], noise[:, :2], noise[:, -2:] = 255, 255, 255, 255  # a white border: background
    Image.fromarray(noise).save(root / NOISE)
    project = tmp_path_factory.mktemp("odd-proj") / "odd.vaed"
    cli("train", root, "-o", project, "--resolution", "32", *TINY)
    return project


def brush_colours(page) -> dict[int, tuple]:
    """Each point's fill colour (RGBA), by item index."""
    out = {}
    for s, sel in page.points.items:
        items = np.nonzero(sel)[0]
        for i, b in zip(items, s.data["brush"]):
            b = b if b is not None else s.opts["brush"]
            out[int(i)] = b.color().getRgb()
    return out


def test_colour_by_reconstruction_error_finds_the_broken_design(qtbot, make_main_window, odd_project):
    from vae_designer.core.project.store import load_project
    from vae_designer.core.training import reconstruction_errors

    window, page = open_map(qtbot, make_main_window, odd_project)
    n = len(page.session.paths)
    noise = page.session.paths.index(NOISE)
    labels = brush_colours(page)
    assert len(set(labels.values())) == 2  # one colour per label
    assert page.points.legend.isVisible() and not page.colour_bar.isVisible()

    page.colour_combo.setCurrentIndex(page.colour_combo.findData("error"))
    qtbot.waitUntil(lambda: page.points.bins is not None, timeout=60000)
    err = page.errors.errors
    assert err.shape == (n,) and np.isfinite(err).all()
    # what the thread computed is the core's figure for the saved model on these designs
    project = load_project(odd_project)
    np.testing.assert_allclose(err, reconstruction_errors(project.weights, project.model_config,
                                                          window.workspace.designs), rtol=1e-4)
    # the broken design is the worst reconstructed and gets the top colour
    assert int(np.argmax(err)) == noise and err[noise] > 1.2 * np.median(err)
    colours = brush_colours(page)
    assert colours != labels and len(set(colours.values())) > 4
    assert page.points.bins[noise] == page.points.bins.max()
    worst_first = np.argsort(-err)
    assert page.points.bins[worst_first[0]] >= page.points.bins[worst_first[-1]]
    assert not page.points.legend.isVisible() and page.colour_bar.isVisible()
    assert page.colour_bar.lo < page.colour_bar.hi and page.colour_bar.unit == "nats"

    # after a refit of the same model (another projection) the points keep their error colours
    page.projection.setCurrentIndex(1)
    assert brush_colours(page) == colours
    page.projection.setCurrentIndex(0)
    # and back to labels
    page.colour_combo.setCurrentIndex(page.colour_combo.findData("label"))
    assert brush_colours(page) == labels
    assert page.points.legend.isVisible() and not page.colour_bar.isVisible()


def click_at(qtbot, page, x: float, y: float) -> None:
    vb = page.plot.getPlotItem().getViewBox()
    at = page.plot.mapFromScene(vb.mapViewToScene(QPointF(x, y)))
    qtbot.mouseClick(page.plot.viewport(), Qt.MouseButton.LeftButton, pos=at)


def test_click_a_point_selects_it_and_shows_original_beside_reconstruction(qtbot, make_main_window, odd_project):
    from vae_designer.gui.map.item_card import SIDE, design_picture

    window, page = open_map(qtbot, make_main_window, odd_project)
    lm = page.session.latent_map
    c = lm.coords
    # the item farthest from the others is the one a click lands on unambiguously
    far = int(np.argmax(np.sort(np.linalg.norm(c[:, None] - c[None], axis=2), axis=1)[:, 1]))
    click_at(qtbot, page, float(c[far, 0]), float(c[far, 1]))
    assert page.session.selected == far
    card = page.item_card
    assert card.isVisible() and card.name.toolTip() == page.session.paths[far]
    assert page.view.selection_ring.isVisible()
    pos = page.cursor.pos()
    assert (pos.x(), pos.y()) == pytest.approx((float(c[far, 0]), float(c[far, 1])))
    qtbot.waitUntil(card.has_pictures, timeout=15000)
    from PySide6.QtGui import QImage

    orig = card.original.pixmap().toImage().convertToFormat(QImage.Format.Format_RGB888)
    recon = card.reconstruction.pixmap().toImage().convertToFormat(QImage.Format.Format_RGB888)
    assert (orig.width(), orig.height()) == (SIDE, SIDE) == (recon.width(), recon.height())
    # the original is the loaded design, drawn as the reconstruction is; they differ (a 3-epoch model)
    expect = design_picture("image", window.workspace.designs.batch([far])[0], page.session.context.background)
    from vae_designer.gui.map.preview_view import qimage_from_rgb

    assert orig == qimage_from_rgb(expect) and orig != recon
    # the cursor decodes that item's own encoding: the preview is the reconstruction
    seq = page.live.request_seq
    qtbot.waitUntil(lambda: page.panel.preview.painted_seq >= seq, timeout=15000)
    np.testing.assert_allclose(page.session.design.z, lm.encodings[far], atol=1e-5)

    # a click on empty map space just moves the cursor (the card stays, for comparing)
    x0, x1, y0, y1 = lm.bounds(pad=0.0)
    empty = np.array([x0, y0]) - 0.05 * np.array([x1 - x0, y1 - y0])
    click_at(qtbot, page, float(empty[0]), float(empty[1]))
    pos = page.cursor.pos()
    assert (pos.x(), pos.y()) == pytest.approx((float(empty[0]), float(empty[1])), rel=0.05, abs=0.05)
    assert page.session.selected == far and card.isVisible()
    card.close_button.click()
    assert page.session.selected == -1 and not card.isVisible() and not page.view.selection_ring.isVisible()


def test_backdrop_draws_a_lattice_of_decoded_designs_behind_the_points(qtbot, make_main_window, odd_project):
    from vae_designer.gui.map.backdrop import CELL, LATTICE

    _window, page = open_map(qtbot, make_main_window, odd_project)
    item = page.backdrop.item
    assert not item.isVisible()
    page.backdrop_check.setChecked(True)
    qtbot.waitUntil(lambda: page.backdrop.updates >= 1, timeout=60000)
    img = item.image
    assert img.shape == (LATTICE * CELL, LATTICE * CELL, 4) and img.dtype == np.uint8
    alpha = img[..., 3]
    assert alpha.std() > 10 and 0 < (alpha > 128).mean() < 0.9  # designs, not a flat fill
    # cells differ: the lattice shows different designs across the map
    cells = alpha.reshape(LATTICE, CELL, LATTICE, CELL).transpose(0, 2, 1, 3).reshape(LATTICE * LATTICE, -1)
    assert len({c.tobytes() for c in cells}) > LATTICE * LATTICE // 2
    assert item.isVisible() and item.zValue() < min(s.zValue() for s, _ in page.points.items)
    assert 0.2 < item.opacity() < 0.8
    x0, x1, y0, y1 = page.session.latent_map.bounds()
    r = item.mapRectToParent(item.boundingRect())
    assert (r.left(), r.right(), r.top(), r.bottom()) == pytest.approx((x0, x1, y0, y1), rel=1e-6, abs=1e-6)
    # the top-left cell of the picture is the design decoded at the map's top-left lattice point
    from vae_designer.gui.map.backdrop import lattice_points

    assert lattice_points((x0, x1, y0, y1), LATTICE)[0] == pytest.approx(
        [x0 + (x1 - x0) / (2 * LATTICE), y1 - (y1 - y0) / (2 * LATTICE)])

    # refitting the map (another projection) redraws it
    updates = page.backdrop.updates
    page.projection.setCurrentIndex(1)
    qtbot.waitUntil(lambda: page.backdrop.updates > updates, timeout=60000)
    x0, x1, y0, y1 = page.session.latent_map.bounds()
    assert page.backdrop.last["bounds"] == pytest.approx((x0, x1, y0, y1))
    page.backdrop_check.setChecked(False)
    assert not item.isVisible()


def test_umap_is_offered_only_when_installed(qtbot, make_main_window, odd_project):
    from vae_designer.core.latent.space import umap_available

    _window, page = open_map(qtbot, make_main_window, odd_project)
    methods = [page.projection.itemData(i)[0] for i in range(page.projection.count())]
    assert ("umap" in methods) == umap_available()


def test_card_pictures_of_meshes_are_shaded_renders():
    """The card's worker on a mesh model (a real, untrained one): both pictures are shaded renders."""
    from vae_designer.core.model.config import ModelConfig
    from vae_designer.core.model.networks import build_model
    from vae_designer.gui.map.item_card import SIDE, CardJob

    config = ModelConfig("mesh", 32, latent_dim=4, width=8)
    weights = build_model(config).state_dict()
    x = np.zeros((1, 32, 32, 32), np.float32)
    x[0, 8:24, 10:22, 4:28] = 1
    out = CardJob()({"index": 3, "z": np.zeros(4, np.float32), "x": x, "config": config, "weights": weights,
                     "weights_key": 1, "kind": "mesh", "background": None})
    assert out["index"] == 3 and out["original"].shape == (SIDE, SIDE, 3) == out["reconstruction"].shape
    shape = out["original"][(out["original"] != (24, 26, 30)).any(axis=-1)]
    assert len(shape) > 500 and shape.std() > 5  # a lit solid: several shades, not a flat silhouette


def test_a_resting_cursor_shows_the_silhouette_as_exported_and_the_uncertainty_on_request(
        qtbot, make_main_window, image_project):
    """While the cursor moves the preview is the model's raster; once it rests, the design is drawn
    as a PNG export draws it (crisp outline at the preview's size); Uncertainty paints the model's
    doubts over it; mesh-free silhouette projects offer PNG, SVG and DXF."""
    from vae_designer.core.export.design import picture

    _window, page = open_map(qtbot, make_main_window, image_project)
    assert page.session.context.look.get("image_look") == "silhouette"
    assert [page.format_combo.itemText(i) for i in range(page.format_combo.count())] == ["PNG", "SVG", "DXF"]
    assert page.panel.uncertainty_check.isVisibleTo(page)
    # the training design the tiny model decodes most boldly (faint ones are shown as the raster)
    import torch

    from vae_designer.core.training.inference import cached_model

    model = cached_model(page.session.config, page.session.context.weights)
    with torch.no_grad():
        inked = (torch.sigmoid(model.decode(torch.from_numpy(page.session.encodings))) > 0.5).flatten(1).sum(1)
    c = page.session.latent_map.coords[int(inked.argmax())]
    assert int(inked.max()) > 20
    page.move_cursor(float(c[0]), float(c[1]))
    seq = page.live.request_seq
    qtbot.waitUntil(lambda: page.live.last_result is not None and page.live.last_result["seq"] == seq
                    and page.live.last_result["fine"], timeout=15000)
    fine = page.live.last_result
    side = page.panel.fine_options()["pixels"]
    assert fine["image"].shape == (side, side, 3) and side > 32  # the preview's size, not the model's 32 px
    expect = picture(fine["probs"], page.session.context.look, side, page.session.context.background)
    np.testing.assert_array_equal(fine["image"], expect)
    plain = fine["image"]
    grey = ((plain > 40) & (plain < 215)).all(axis=2).mean()
    assert grey < 0.05  # crisp: almost no pixel is neither ink nor paper

    page.panel.uncertainty_check.setChecked(True)
    qtbot.waitUntil(lambda: page.live.last_result is not fine and page.live.last_result["fine"], timeout=15000)
    over = page.live.last_result["image"]
    np.testing.assert_array_equal(over, picture(fine["probs"], page.session.context.look, side,
                                                page.session.context.background, uncertainty=True))
    from vae_designer.core.export.crisp import uncertainty_overlay

    alpha = uncertainty_overlay(fine["probs"], side)[..., 3]
    diff = np.abs(over.astype(int) - plain.astype(int)).sum(axis=2)
    unsure, sure = alpha >= np.percentile(alpha, 95), alpha <= np.percentile(alpha, 50)
    # strongest where the model doubts the outline (the tiny test model doubts much of its picture)
    assert diff[unsure].mean() > diff[sure].mean() + 10
    # moving again shows the fast picture first (the newest request wins over the finished one)
    c2 = page.session.latent_map.coords[20]
    drag_to(qtbot, page, float(c2[0]), float(c2[1]))
    assert page.live.last_result["seq"] == page.live.request_seq
