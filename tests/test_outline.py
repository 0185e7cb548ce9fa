"""Crisp 2D designs: a silhouette's probabilities -> its smooth 0.5 outline, pictures at any size,
SVG and DXF in source units, and the uncertainty overlay."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pytest

from vae_designer.core.errors import UserError
from vae_designer.core.export.crisp import (
    check_pixels,
    coverage,
    crisp_picture,
    raster_picture,
    uncertainty_overlay,
)
from vae_designer.core.export.outline import outline_from_probs
from vae_designer.core.export.vector import dxf_text, svg_text

R = 64
SVG = "{http://www.w3.org/2000/svg}"


def disc(cx=32.0, cy=30.0, radius=20.0, width=1.0, R=R):
    """A decoder-like field: logistic falloff of the distance to a circle, pixel centres at i + 0.5."""
    y, x = np.mgrid[:R, :R] + 0.5
    r = np.hypot(x - cx, y - cy)
    return 1.0 / (1.0 + np.exp(np.clip((r - radius) / width, -60, 60)))


def ring(outer=20.0, inner=9.0):
    return disc(radius=outer) * (1.0 - disc(radius=inner))


def test_disc_gives_one_closed_round_outline_of_the_right_size():
    o = outline_from_probs(disc(radius=20.0))
    assert len(o.loops) == 1 and o.resolution == R
    loop = o.loops[0]
    assert len(loop) >= 24 and not np.allclose(loop[0], loop[-1])  # closed implicitly
    radii = np.hypot(loop[:, 0] - 32.0, loop[:, 1] - 30.0)
    assert radii == pytest.approx(20.0, abs=0.02)  # sub-pixel: 1/50 of a model pixel
    assert o.area() == pytest.approx(np.pi * 20.0**2, rel=0.002)
    np.testing.assert_allclose(o.bounds(), [[12, 10], [52, 50]], atol=0.03)


def test_a_hard_edged_disc_stays_round():
    # a nearly binary field (a very confident decoder): the outline follows what little is left of the
    # circle between the pixel steps, within a tenth of a pixel
    o = outline_from_probs(disc(radius=15.0, width=0.15))
    radii = np.hypot(o.loops[0][:, 0] - 32.0, o.loops[0][:, 1] - 30.0)
    assert radii.std() < 0.1 and radii.mean() == pytest.approx(15.0, abs=0.05)


def test_ring_has_outer_and_inner_contour_and_the_fill_has_the_hole():
    o = outline_from_probs(ring(20.0, 9.0))
    assert len(o.loops) == 2 and sorted(o.depths()) == [0, 1]
    assert o.area() == pytest.approx(np.pi * (20.0**2 - 9.0**2), rel=0.005)
    px = 256
    cov = coverage(o, px)
    k = px / R
    assert cov.shape == (px, px) and cov.dtype == np.float32
    assert cov[int(30 * k), int(32 * k)] == 0.0  # the hole
    assert cov[int(30 * k), int((32 + 14.5) * k)] == 1.0  # the ring
    assert cov[2, 2] == 0.0  # outside
    assert cov.sum() / k**2 == pytest.approx(np.pi * (20.0**2 - 9.0**2), rel=0.005)


def test_specks_are_dropped_and_an_empty_field_is_an_empty_outline():
    p = disc(radius=12.0)
    p[60, 60] = 0.9  # one stray pixel
    assert len(outline_from_probs(p).loops) == 1
    assert len(outline_from_probs(p, min_area=0.0).loops) == 2
    empty = outline_from_probs(np.full((R, R), 0.3))
    assert empty.loops == () and empty.area() == 0.0
    white = crisp_picture(np.full((R, R), 0.3), 32)
    assert (white == 255).all()


def test_crisp_picture_is_sharp_at_1024_where_the_enlarged_raster_is_grey():
    p = disc(radius=20.0, width=1.2)[None]  # (1, R, R) as the decoder gives it
    crisp = crisp_picture(p, 1024)
    blurry = raster_picture(p, 1024)
    assert crisp.shape == blurry.shape == (1024, 1024, 3) and crisp.dtype == np.uint8
    assert tuple(crisp[0, 0]) == (255, 255, 255) and tuple(crisp[480, 512]) == (0, 0, 0)

    def grey_share(img):
        g = img[..., 0]
        return float(((g > 10) & (g < 245)).mean())

    # an anti-aliased edge is about one pixel wide; the enlarged 64^2 field is a band of grey
    assert grey_share(crisp) < 0.004
    assert grey_share(blurry) > 10 * grey_share(crisp)


def test_crisp_picture_uses_the_collections_colours():
    rgb = crisp_picture(disc(), 64, background=(0.0, 0.0, 0.0))
    assert tuple(rgb[0, 0]) == (0, 0, 0) and tuple(rgb[30, 32]) == (255, 255, 255)


def test_uncertainty_overlay_marks_where_the_model_is_undecided():
    over = uncertainty_overlay(disc(radius=20.0, width=1.5), 256)
    assert over.shape == (256, 256, 4) and over.dtype == np.uint8
    a = over[..., 3].astype(float)
    k = 256 / R
    on_edge = a[int(30 * k), int((32 + 20) * k)]
    assert on_edge > 0.8 * 0.85 * 255
    assert a[int(30 * k), int(32 * k)] < 5 and a[2, 2] < 5  # sure inside and sure outside: clear


@pytest.mark.parametrize("bad", [0, -5, 10_000, 2.5, True, "64"])
def test_picture_size_is_checked(bad):
    with pytest.raises(UserError, match="picture size"):
        check_pixels(bad)


def test_svg_parses_with_a_viewbox_in_source_units():
    o = outline_from_probs(ring())
    size = 480.0  # the model's square covers 480 source pixels
    root = ET.fromstring(svg_text(o, size, ink=(20, 20, 20), paper=(250, 250, 250)))
    assert root.tag == SVG + "svg"
    assert root.get("viewBox") == "0 0 480 480" and root.get("width") == "480"
    path = root.find(SVG + "path")
    assert path.get("fill-rule") == "evenodd" and path.get("fill") == "#141414"
    assert root.find(SVG + "rect").get("fill") == "#fafafa"
    subpaths = path.get("d").split("Z")[:-1]
    assert len(subpaths) == 2
    nums = np.array([float(v) for v in path.get("d").replace("M", " ").replace("L", " ").replace("Z", " ").split()])
    xy = nums.reshape(-1, 2)
    scale = size / R
    np.testing.assert_allclose(xy.min(axis=0), o.bounds()[0] * scale, atol=1e-3)
    np.testing.assert_allclose(xy.max(axis=0), o.bounds()[1] * scale, atol=1e-3)
    ET.fromstring(svg_text(outline_from_probs(np.zeros((R, R))), size, paper=None))  # empty design: valid


def test_dxf_round_trips_through_ezdxf(tmp_path):
    ezdxf = pytest.importorskip("ezdxf")  # a test extra (pyproject): the DXF writer itself needs nothing

    o = outline_from_probs(ring())
    size = 320.0
    path = tmp_path / "design.dxf"
    path.write_text(dxf_text(o, size))
    doc = ezdxf.readfile(path)
    assert doc.dxfversion == "AC1009"
    polys = list(doc.modelspace().query("POLYLINE"))
    assert len(polys) == 2 and all(p.is_closed for p in polys)
    assert sorted(p.dxf.layer for p in polys) == ["HOLES", "OUTLINE"]
    scale = size / R
    by_layer = {p.dxf.layer: np.array([(v.x, v.y) for v in p.points()]) for p in polys}
    depths = o.depths()
    outer = o.loops[depths.index(0)]
    expected = np.column_stack([outer[:, 0] * scale, size - outer[:, 1] * scale])  # y up in CAD
    np.testing.assert_allclose(by_layer["OUTLINE"], expected, atol=1e-3)
    from ezdxf import recover

    _, auditor = recover.readfile(path)
    assert not auditor.has_errors


def two_tone_car():
    """A dark body (ink 0.85) with a light cabin (0.31) on top and a light hub inside a dark wheel,
    blurred like a decoder's output."""
    from scipy import ndimage

    p = np.zeros((R, R))
    p[30:42, 8:56] = 0.85  # body
    p[22:30, 20:40] = 0.31  # cabin windows, touching the paper above
    y, x = np.mgrid[:R, :R] + 0.5
    p[np.hypot(x - 16, y - 42) < 5] = 0.85  # wheel
    p[np.hypot(x - 16, y - 42) < 2.5] = 0.31  # hub
    return ndimage.gaussian_filter(p, 0.8)


def test_flat_tones_are_drawn_as_nested_bands_without_a_light_rim():
    from vae_designer.core.export.crisp import tone_bands, tone_outlines

    tones = (0.31, 0.85)
    assert tone_bands(tones) == [(0.155, 0.31), pytest.approx((0.58, 0.85))]
    assert tone_bands() == [(0.5, 1.0)]
    p = two_tone_car()
    outlines = tone_outlines(p, tones)
    assert len(outlines) == 2
    rgb = crisp_picture(p, 256, tones=tones)
    k = 256 / R
    g = rgb[..., 0].astype(int)
    dark, light = int(ink_of(0.85)), int(ink_of(0.31))
    assert abs(g[int(36 * k), int(30 * k)] - dark) <= 1  # body
    assert abs(g[int(26 * k), int(30 * k)] - light) <= 1  # cabin
    assert abs(g[int(42 * k), int(16 * k)] - light) <= 1  # the hub stays light, not paper
    # below the body (dark straight onto paper) there is no band of the light tone: at most a
    # quarter-pixel seam (a fixed level per band would leave a rim a whole model pixel wide)
    column = g[int(38 * k):int(48 * k), int(48 * k)]
    assert (np.abs(column - light) < 20).sum() <= k / 4
    # the shape lies between the fixed-level outlines at half the dark tone and at half the light one
    assert outline_from_probs(p, level=0.425).area() < outlines[0].area() < outline_from_probs(p, level=0.155).area()


def ink_of(tone):
    from vae_designer.core.export.crisp import ink_colour

    return ink_colour((1.0, 1.0, 1.0), tone)[0]


def test_uncertainty_overlay_with_tones_is_clear_on_each_tone():
    p = two_tone_car()
    a = uncertainty_overlay(p, 64, tones=(0.31, 0.85))[..., 3]
    assert a[36, 30] < 40 and a[25, 30] < 60 and a[2, 2] < 5
