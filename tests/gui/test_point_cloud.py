"""The big map's points: one PointCloud that rasterises them (vae_designer/gui/map/point_cloud.py).

The item is checked on a bare plot (pixels appear where the points are, in their
colours; recolouring and hiding change them; an unchanged view reuses the raster),
then on the Map page: above ``BIG_MAP`` points the page draws a PointCloud (legend
from stand-in items, colours by label or by reconstruction error), below it keeps
one ScatterPlotItem per label.  No training: a freshly built model, as the
map_points benchmark does.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QImage

from vae_designer.gui.map.point_cloud import PointCloud, argb32, disc_stamp


def grab(widget) -> QImage:
    return widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)


def pixel_at(plot: pg.PlotWidget, img: QImage, x: float, y: float) -> tuple[int, int, int]:
    """The grabbed widget's colour at map point (x, y)."""
    vb = plot.getPlotItem().getViewBox()
    at = plot.mapFromScene(vb.mapViewToScene(QPointF(x, y)))
    c = img.pixelColor(at.x(), at.y())
    return c.red(), c.green(), c.blue()


def close(a, b, tol=12) -> bool:
    return all(abs(int(u) - int(v)) <= tol for u, v in zip(a, b))


@pytest.fixture
def plot(qtbot):
    w = pg.PlotWidget()
    w.setBackground("#101010")
    w.resize(400, 300)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.getPlotItem().getViewBox().setRange(xRange=(0, 10), yRange=(0, 10), padding=0)
    return w


def test_argb32_is_premultiplied_and_the_stamp_is_a_disc():
    assert argb32([(255, 0, 0, 255)])[0] == 0xFFFF0000
    assert argb32([(255, 255, 255, 128)])[0] == 0x80808080
    stamp = disc_stamp(3)
    covers = [c for c, _ in stamp]
    assert covers == sorted(covers) and covers[-1] == 1.0  # faint rim first, the core last
    core = dict(stamp)[1.0]
    assert (0, 0) in core and len(core) >= 5  # the centre and its 4 neighbours at least
    offsets = [o for _, offs in stamp for o in offs]
    assert len(offsets) == len(set(offsets)) and max(max(abs(dx), abs(dy)) for dx, dy in offsets) == 1


def test_points_appear_where_they_are_in_their_colours(qtbot, plot):
    pos = np.array([[2.0, 2.0], [5.0, 7.0], [8.0, 3.0]])
    rgba = np.array([(255, 0, 0, 255), (0, 255, 0, 255), (40, 120, 255, 255)], np.uint8)
    cloud = PointCloud(pos, rgba, size=5)
    plot.addItem(cloud)
    img = grab(plot)
    for (x, y), c in zip(pos, rgba):
        assert close(pixel_at(plot, img, x, y), c[:3]), (x, y)
        # a pixel next to the centre is part of the disc too
        vb = plot.getPlotItem().getViewBox()
        at = plot.mapFromScene(vb.mapViewToScene(QPointF(x, y)))
        nb = img.pixelColor(at.x() + 1, at.y())
        assert close((nb.red(), nb.green(), nb.blue()), c[:3], tol=40)
    # empty map space keeps the background
    assert close(pixel_at(plot, img, 5.0, 2.0), (16, 16, 16), tol=30)
    assert cloud.render_colour_at(5.0, 7.0) == int(argb32(rgba[1:2])[0])

    # recolouring replaces the colours
    renders = cloud.renders
    cloud.set_colours(np.array([(255, 255, 0, 255)] * 3, np.uint8))
    img = grab(plot)
    assert cloud.renders == renders + 1
    for x, y in pos:
        assert close(pixel_at(plot, img, x, y), (255, 255, 0))

    # an unchanged view reuses the raster; a pan draws the points where they now are
    renders = cloud.renders
    grab(plot)
    assert cloud.renders == renders
    plot.getPlotItem().getViewBox().translateBy(x=1.0, y=-0.5)
    img = grab(plot)
    assert cloud.renders == renders + 1
    for x, y in pos:
        assert close(pixel_at(plot, img, x, y), (255, 255, 0))

    # hidden points are not drawn
    cloud.set_shown(np.array([True, False, True]))
    img = grab(plot)
    assert close(pixel_at(plot, img, 5.0, 7.0), (16, 16, 16), tol=30)
    assert close(pixel_at(plot, img, 2.0, 2.0), (255, 255, 0))
    cloud.set_shown(None)
    assert close(pixel_at(plot, grab(plot), 5.0, 7.0), (255, 255, 0))


def test_later_points_lie_over_earlier_ones_and_bounds_follow_the_data(qtbot, plot):
    pos = np.array([[5.0, 5.0], [5.0, 5.0], [1.0, 9.0]])
    cloud = PointCloud(pos, np.array([(255, 0, 0, 255), (0, 0, 255, 255), (0, 255, 0, 255)], np.uint8))
    plot.addItem(cloud)
    assert close(pixel_at(plot, grab(plot), 5.0, 5.0), (0, 0, 255))
    assert cloud.dataBounds(0) == (1.0, 5.0) and cloud.dataBounds(1) == (5.0, 9.0)
    r = cloud.boundingRect()
    assert r.left() <= 1.0 and r.right() >= 5.0 and r.top() <= 5.0 and r.bottom() >= 9.0
    # moved points (a refit) keep their colours
    cloud.set_data(pos + 1.0)
    assert close(pixel_at(plot, grab(plot), 6.0, 6.0), (0, 0, 255))


# ---------------------------------------------------------------------------- the Map page


def make_page(qtbot, n: int, labels=None, seed: int = 0):
    from vae_designer.core.model.config import ModelConfig
    from vae_designer.core.model.networks import build_model
    from vae_designer.gui.map.page import MapPage

    config = ModelConfig("image", 32, latent_dim=4, width=8)
    weights = build_model(config).state_dict()
    rng = np.random.default_rng(seed)
    enc = rng.standard_normal((n, config.latent_dim)).astype(np.float32)
    labels = labels if labels is not None else [f"l{i % 3}" for i in range(n)]
    page = MapPage()
    qtbot.addWidget(page)
    page.resize(1000, 700)
    page.show()
    qtbot.waitExposed(page)
    page.set_model("image", config, weights, enc, labels, [f"d{i}.png" for i in range(n)])
    return page


def isolated_point(page, min_px: float = 6.0) -> int:
    """A point whose nearest neighbour is at least ``min_px`` screen pixels away."""
    from scipy.spatial import cKDTree

    vb = page.plot.getPlotItem().getViewBox()
    (x0, x1), (y0, y1) = vb.viewRange()
    c = page.session.latent_map.coords
    px = np.column_stack([(c[:, 0] - x0) / (x1 - x0) * vb.width(), (c[:, 1] - y0) / (y1 - y0) * vb.height()])
    d, _ = cKDTree(px).query(px, k=2)
    inside = (px[:, 0] > 10) & (px[:, 0] < vb.width() - 10) & (px[:, 1] > 10) & (px[:, 1] < vb.height() - 10)
    score = np.where(inside, d[:, 1], 0)
    i = int(np.argmax(score))
    assert score[i] >= min_px
    return i


def expected_colour(rgb, alpha: int, background: str) -> tuple[int, int, int]:
    bg = QColor(background)
    a = alpha / 255
    return tuple(round(c * a + b * (1 - a)) for c, b in zip(rgb, (bg.red(), bg.green(), bg.blue())))


def test_a_big_map_is_one_point_cloud_with_a_legend_and_colours(qtbot):
    from vae_designer.gui.common import theme
    from vae_designer.gui.map.colour import colour_lut
    from vae_designer.gui.map.drawing import BIG_MAP, CLOUD_ALPHA, label_colour

    n = BIG_MAP + 1000
    page = make_page(qtbot, n)
    assert page.points.cloud is not None and not page.points.items
    assert len(page.points.cloud.pos) == n
    np.testing.assert_array_equal(page.points.cloud.pos, page.session.latent_map.coords)
    assert [it[1].text for it in page.points.legend.items] == ["l0", "l1", "l2"] and page.points.legend.isVisible()
    assert not page.plot.getPlotItem().getAxis("bottom").grid  # no grid lines on big maps

    base = theme.current().base
    i = isolated_point(page)
    x, y = map(float, page.session.latent_map.coords[i])
    img = grab(page.plot)
    lc = label_colour(i % 3)
    assert close(pixel_at(page.plot, img, x, y), expected_colour((lc.red(), lc.green(), lc.blue()), CLOUD_ALPHA,
                                                                  base), tol=6)

    # clicking a legend entry hides that label's points (as with the per-label scatters)
    sample = page.points.legend.items[i % 3][0].item
    sample.setVisible(False)
    assert close(pixel_at(page.plot, grab(page.plot), x, y), expected_colour((0, 0, 0), 0, base), tol=6)
    sample.setVisible(True)
    assert close(pixel_at(page.plot, grab(page.plot), x, y), expected_colour((lc.red(), lc.green(), lc.blue()),
                                                                              CLOUD_ALPHA, base), tol=6)

    # colour by reconstruction error (errors as the error thread delivers them): one array, no brushes
    errors = np.linspace(100, 500, n).astype(np.float32)
    errors[i] = 1e6  # the worst design: the top colour
    page.show_errors(errors)
    page.colour_combo.setCurrentIndex(page.colour_combo.findData("error"))
    assert page.points.bins is not None and page.points.bins[i] == page.points.bins.max()
    assert not page.points.legend.isVisible() and page.colour_bar.isVisible()
    top = colour_lut(theme.current())[-1]
    assert close(pixel_at(page.plot, grab(page.plot), x, y), expected_colour(top[:3], CLOUD_ALPHA, base), tol=6)
    # and back to labels
    page.colour_combo.setCurrentIndex(page.colour_combo.findData("label"))
    assert page.points.bins is None and page.points.legend.isVisible()
    assert close(pixel_at(page.plot, grab(page.plot), x, y), expected_colour((lc.red(), lc.green(), lc.blue()),
                                                                              CLOUD_ALPHA, base), tol=6)

    # hovering a point still finds it (the k-d tree), and a refit moves the cloud's points
    vb = page.plot.getPlotItem().getViewBox()
    page.plot.scene().sigMouseMoved.emit(vb.mapViewToScene(QPointF(x, y)))
    assert page.hover.isVisible() and page.hover.index == i
    page.projection.setCurrentIndex(page.projection.count() - 1)  # two latent dimensions
    np.testing.assert_array_equal(page.points.cloud.pos, page.session.latent_map.coords)
    page.shutdown()


def test_a_small_map_keeps_one_scatter_per_label(qtbot):
    from vae_designer.gui.map.drawing import BIG_MAP

    page = make_page(qtbot, 300)
    assert page.points.cloud is None and len(page.points.items) == 3
    assert sum(len(s.data) for s, _ in page.points.items) == 300
    assert page.plot.getPlotItem().getAxis("bottom").grid  # the grid is back on small maps
    assert [it[1].text for it in page.points.legend.items] == ["l0", "l1", "l2"]
    # a new, big model replaces the scatters by a cloud, and back
    from vae_designer.core.model.config import ModelConfig
    from vae_designer.core.model.networks import build_model

    config = page.session.config
    n = BIG_MAP + 1
    enc = np.random.default_rng(1).standard_normal((n, config.latent_dim)).astype(np.float32)
    page.set_model("image", config, build_model(config).state_dict(), enc, ["a"] * n, [f"e{i}" for i in range(n)])
    assert page.points.cloud is not None and not page.points.items
    assert page.plot.getPlotItem().getAxis("bottom").grid is False
    assert [it[1].text for it in page.points.legend.items] == ["a"]
    assert len([it for it in page.plot.getPlotItem().items if isinstance(it, PointCloud)]) == 1
    page.set_model("image", config, build_model(ModelConfig("image", 32, latent_dim=4, width=8)).state_dict(),
                   enc[:50], ["b"] * 50, [f"f{i}" for i in range(50)])
    assert page.points.cloud is None and len(page.points.items) == 1
    assert not [it for it in page.plot.getPlotItem().items if isinstance(it, PointCloud)]
    page.shutdown()
