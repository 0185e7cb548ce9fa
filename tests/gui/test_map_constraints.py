"""The Map page's measured properties and constraints: the properties under the preview, constraints
typed in the panel, the shaded map, Snap to spec, Surprise ×N that meet them, colours by property and
the properties in the comparison.

On a small project of 40 rectangles, "tall" and "wide", at 32x32, trained long enough (60 epochs,
about ten seconds) that its designs are rectangles (the shared two-epoch ``image_project`` decodes to
bare paper): the aspect of its designs spans both sides of 1, so a constraint on it cuts the map in two.
"""

from __future__ import annotations

import numpy as np
import pytest

from .gui_helpers import cli, drag_to, open_map, tall_and_wide


@pytest.fixture(scope="module")
def rect_project(tmp_path_factory):
    root = tmp_path_factory.mktemp("rects")
    tall_and_wide(root, 40)
    project = tmp_path_factory.mktemp("rects-proj") / "rects.vaed"
    cli("train", root, "-o", project, "--resolution", "32", "--epochs", "60", "--latent-dim", "4", "--batch-size",
        "8", "--seed", "3")
    return project


def _exact(page, z):
    """The exact properties of a latent's design, measured by the core (not by the page)."""
    from vae_designer.core.export.measure import frame_of, measure_design
    from vae_designer.core.latent.generate import decode

    project = page.session.project
    return measure_design(project.kind, decode(project, np.asarray(z)[None])[0], frame_of(project.kind,
                                                                                         project.manifest))


def _aspects(page):
    return np.array([_exact(page, z)["aspect"] for z in page.session.encodings])


def test_properties_constraints_shading_and_snap(qtbot, make_main_window, rect_project):
    _window, page = open_map(qtbot, make_main_window, rect_project)
    steer = page.steering
    qtbot.waitUntil(lambda: steer.properties.values.get("width", 0) > 0, timeout=30000)
    assert set(steer.properties.values) == {"width", "height", "aspect", "area", "centroid_x", "centroid_y"}
    assert "aspect" in steer.properties.text() and "px" in steer.properties.text()
    # once the cursor rests the properties are the exact ones: as the core measures that design
    qtbot.waitUntil(lambda: steer.properties.exact, timeout=30000)
    exact = _exact(page, page.session.design.z)
    assert abs(steer.properties.values["aspect"] - exact["aspect"]) < 1e-6

    aspects = _aspects(page)
    wide, tall = int(np.argmax(aspects)), int(np.argmin(aspects))
    assert aspects[wide] > 1.5 and aspects[tall] < 0.7  # the collection spans both shapes
    # a bad constraint is a status line, nothing is added
    steer.panel.property_combo.setCurrentIndex(steer.panel.property_combo.findData("aspect"))
    steer.panel.value_edit.setText("2.4 mm")
    steer.panel.add_button.click()
    assert page.session.constraints == [] and "Constraint not added" in page.status.text()
    steer.panel.value_edit.setText("1.5")
    steer.panel.add_button.click()
    assert [c.text() for c in page.session.constraints] == ["aspect>=1.5"]
    assert len(steer.panel._chip_widgets) == 1 and steer.panel.snap_button.isEnabled()

    # the map is shaded where decoded designs break it, and clear where they meet it
    qtbot.waitUntil(lambda: steer.lattice.last is not None and not steer.lattice.pending, timeout=60000)
    qtbot.waitUntil(lambda: steer.lattice.shade_item.isVisible(), timeout=10000)
    alpha = steer.lattice.shade_item.image[..., 3]
    assert (alpha > 0).mean() > 0.05 and (alpha == 0).mean() > 0.05

    # a tall design breaks it (shown red); Snap to spec moves it to a design that meets it
    c = page.session.latent_map.coords[tall]
    drag_to(qtbot, page, float(c[0]), float(c[1]))
    qtbot.waitUntil(lambda: steer.properties.exact and steer.properties.values["aspect"] < 1.5, timeout=30000)
    assert "color:" in steer.properties.text()
    with qtbot.waitSignal(steer.snapped, timeout=120000):
        steer.panel.snap_button.click()
    snap = steer.last_snap
    assert snap.met and snap.distance > 0, snap.message
    assert page.session.design.source == "snap" and np.array_equal(page.session.design.z, snap.z)
    assert _exact(page, snap.z)["aspect"] >= 1.5
    assert page.session.design.meta["snap"]["constraints"] == ["aspect>=1.5"]

    # removing the constraint clears the shading
    steer.panel._chip_widgets[0].click()
    assert page.session.constraints == []
    qtbot.waitUntil(lambda: not steer.lattice.shade_item.isVisible(), timeout=10000)


def test_surprises_meet_constraints_colour_by_property_and_compare(qtbot, make_main_window, rect_project):
    _window, page = open_map(qtbot, make_main_window, rect_project)
    steer = page.steering
    steer.add_constraint("aspect<=0.8")
    assert [c.text() for c in page.session.constraints] == ["aspect<=0.8"]
    page.tools.surprise_batch(n=3, seed=11)
    qtbot.waitUntil(lambda: len(page.session.pins) == 3, timeout=120000)
    for pin in page.session.pins:
        assert pin.source == "surprise" and pin.seed is not None
        assert _exact(page, pin.z)["aspect"] <= 0.8
        from vae_designer.core.latent.sampling import surprise_latent

        z, _meta = surprise_latent(page.session.project, page.session.config.latent_dim, pin.seed, 1.0)
        np.testing.assert_array_equal(z, pin.z)  # its seed regenerates it

    # colour by a measured property: the points by the training designs' own measurements,
    # the map between them by the decoded lattice
    combo = page.header.colour_combo
    combo.setCurrentIndex(combo.findData("prop:aspect"))
    qtbot.waitUntil(lambda: page.points.bins is not None, timeout=60000)
    values = steer.point_values("prop:aspect")[0]
    assert values is not None and len(values) == 40 and values.max() > 1.5 and values.min() < 0.7
    labels = np.array(page.session.labels)
    assert values[labels == "wide"].min() > values[labels == "tall"].max()
    qtbot.waitUntil(lambda: steer.lattice.colour_item.isVisible(), timeout=60000)
    assert page.colour_bar.isVisible() and not page.colour_bar.message

    # the comparison shows each pin's properties
    page.gallery.selectAll()
    view = page.compare_pins()
    qtbot.waitUntil(lambda: view.ready, timeout=60000)
    assert all("aspect" in p.properties_label.text() and p.properties["aspect"] <= 0.8 for p in view.panels)
    view.close()


def test_a_mesh_projects_properties_and_shading(qtbot, make_main_window, mesh_project):
    """Six boxes, long (x) and tall (z): length, height, volume, frontal area in source units, and a
    constraint on the height cuts the map."""
    _window, page = open_map(qtbot, make_main_window, mesh_project)
    steer = page.steering
    qtbot.waitUntil(lambda: steer.properties.exact and steer.properties.values.get("volume", 0) > 0, timeout=60000)
    assert set(steer.properties.values) == {"length", "width", "height", "volume", "surface_area", "frontal_area"}
    heights = [_exact(page, z)["height"] for z in page.session.encodings]
    labels = np.array(page.session.labels)
    assert min(h for h, lab in zip(heights, labels) if lab == "tall") > max(h for h, lab in zip(heights, labels)
                                                                           if lab == "long")
    middle = float(np.median(heights))
    steer.add_constraint(f"height>={middle:.4g}")
    qtbot.waitUntil(lambda: steer.lattice.shade_item.isVisible(), timeout=120000)
    alpha = steer.lattice.shade_item.image[..., 3]
    assert (alpha > 0).mean() > 0.05 and (alpha == 0).mean() > 0.05
    # the frontal area seen along another axis: the design on show is measured again with it
    combo = page.steering.panel.axis_combo
    assert combo.isVisibleTo(page) and combo.currentData() == "x"
    from vae_designer.core.export.measure import frame_of, measure_design
    from vae_designer.core.latent.generate import decode

    project = page.session.project
    probs = decode(project, page.session.design.z[None])[0]
    along = {a: measure_design("mesh", probs, frame_of("mesh", project.manifest, a))["frontal_area"] for a in "xz"}
    assert abs(along["x"] - along["z"]) > 0.05 * max(along.values())  # a box: its faces differ
    combo.setCurrentIndex(combo.findData("z"))
    qtbot.waitUntil(lambda: steer.properties.exact and abs(steer.properties.values["frontal_area"] - along["z"])
                    <= 0.02 * along["z"], timeout=60000)
    assert steer.frame()["axis"] == "z"
