"""The map session (core, no Qt): what the Map page shows, changed only through its methods,
each change announced once to observers."""

from types import SimpleNamespace

import numpy as np
import pytest

from vae_designer.core.latent.session import MapSession, Pin


@pytest.fixture
def session():
    s = MapSession()
    s.events = []
    for name in ("model", "layout", "design", "selection", "pins"):
        s.observe(name, lambda *args, _n=name: s.events.append((_n, *args)))
    rng = np.random.default_rng(0)
    enc = rng.normal(size=(30, 6)).astype(np.float32)
    enc[:, 0] *= 3
    config = SimpleNamespace(latent_dim=6)
    s.open_model("image", config, {"w": 1}, enc, ["a"] * 15 + ["b"] * 15, [f"d/{i}.png" for i in range(30)],
                 background=(1, 1, 1))
    return s


def test_opening_a_model_lays_it_out_and_tells_observers_once(session):
    assert session.events == [("model", True)]
    assert session.has_map and session.kind == "image" and session.latent_map.coords.shape == (30, 2)
    ctx = session.context
    job = ctx.job(z=1)
    assert job["weights"] == {"w": 1} and job["weights_key"] == ctx.key and job["background"] == (1, 1, 1)
    assert job["z"] == 1 and job["kind"] == "image"


def test_moving_the_cursor_lifts_the_point_and_repeats_are_ignored(session):
    xy = session.latent_map.coords[4]
    d = session.move_to(xy)
    assert d is not None and d.source == "map"
    np.testing.assert_allclose(d.z, session.encodings[4], atol=1e-4)
    assert session.move_to(xy) is None  # same point, same weights: nothing to decode again
    assert [e[0] for e in session.events] == ["model", "design"]


def test_a_shown_latent_keeps_its_source_and_sidecar_fields(session):
    z = np.ones(6, np.float32)
    d = session.show(z, "surprise", {"seed": 7, "temperature": 0.8})
    assert d.export_fields() == {"seed": 7, "extra": {"temperature": 0.8}}
    assert session.events[-1] == ("design", d)
    x, y = session.point_of(z)
    np.testing.assert_allclose((x, y), session.latent_map.project(z[None])[0], atol=1e-6)


def test_following_newer_weights_changes_the_key_keeps_designs_and_redecodes(session):
    xy = session.latent_map.coords[2]
    session.move_to(xy)
    old_key = session.context.key
    project = SimpleNamespace(paths=session.paths, model_config=session.config, weights={"w": 2},
                              encodings=session.encodings + 0.01, manifest={})
    assert session.same_designs(project)
    session.follow(project, session.latent_map)
    assert session.context.key != old_key and session.refits == 1 and session.project is project
    assert session.events[-1] == ("model", False)
    assert session.move_to(xy) is not None  # same point, newer weights: decode again
    other = SimpleNamespace(paths=session.paths[:-1], model_config=session.config)
    assert not session.same_designs(other)


def test_the_anchor_is_the_selected_design_else_the_nearest(session):
    c = session.latent_map.coords
    assert session.anchor(c[9] + 1e-3) == 9
    assert session.select(3) and session.events[-1] == ("selection", 3)
    assert session.anchor(c[9]) == 3
    assert not session.select(99) and session.selected == 3
    session.deselect()
    assert session.selected == -1 and session.events[-1] == ("selection", -1)


def test_pins_get_unique_safe_names_and_renames_are_cleaned(session):
    session.show(np.zeros(6, np.float32))
    a = session.pin_design(None, nearest=5)
    b = session.pin_design(None, nearest=5)
    assert (a.name, b.name) == ("near-5", "near-5-2") and a.parents == ["d/5.png"]
    assert session.rename_pin(a, 'x/y:"z"') == "xyz"
    assert session.rename_pin(a, "  ///  ") == "xyz"  # nothing left: the name stays
    c, = session.add_pins([Pin("xyz", np.zeros(6, np.float32))])
    assert c.name == "xyz-2"
    assert session.remove_pins([a, c]) == 2 and [p.name for p in session.pins] == ["near-5-2"]
    pins_events = [e for e in session.events if e[0] == "pins"]
    assert len(pins_events) == 5  # two pins, one rename, one add, one removal


def test_layouts_and_the_umap_start(session):
    session.choose_layout("dims", (1, 2))
    assert session.layout_job(x=1) == {"method": "dims", "dims": (1, 2), "init": None, "x": 1}
    lm = session.latent_map
    session.set_layout(lm, "dims", (1, 2))
    assert session.events[-1] == ("layout",) and session.dims == (1, 2)
    with pytest.raises(ValueError, match="unknown map session event"):
        session.observe("nonsense", print)


def test_clearing_leaves_no_model(session):
    session.clear()
    assert not session.has_map and session.kind is None and session.move_to((0, 0)) is None
    assert session.show(np.zeros(6)) is None and session.events[-1] == ("model", True)
