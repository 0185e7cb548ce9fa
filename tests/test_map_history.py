"""Undo, redo and the history of the map session; groups and picks; the session kept in the
project folder and read back (core, no Qt)."""

from types import SimpleNamespace

import numpy as np
import pytest

from vae_designer.core.errors import UserError
from vae_designer.core.latent.history import History
from vae_designer.core.latent.saved_session import restore_session, session_document
from vae_designer.core.latent.selection import inside_lasso, inside_rectangle, write_selection_csv
from vae_designer.core.latent.session import MapSession, Pin, undoable


def new_session(dim=6, n=30):
    s = MapSession()
    s.events = []
    for name in ("design", "pins", "history", "groups", "picked"):
        s.observe(name, lambda *args, _n=name: s.events.append(_n))
    rng = np.random.default_rng(0)
    enc = rng.normal(size=(n, dim)).astype(np.float32)
    s.open_model("image", SimpleNamespace(latent_dim=dim), {"w": 1}, enc, ["a"] * (n // 2) + ["b"] * (n - n // 2),
                 [f"d/{i}.png" for i in range(n)])
    s.move_to(s.start_point())  # what the page does on a new map
    return s


@pytest.fixture
def session():
    return new_session()


def drag(session, *items):
    """A drag over training designs ``items``, ended (the GUI settles the design at the end)."""
    for i in items:
        session.move_to(session.latent_map.coords[i])
    return session.settle()


def test_a_drag_is_one_step_and_undo_redo_walk_the_steps(session):
    start = session.design.z.copy()
    assert session.history.entries == [] and not session.history.can_undo
    step = drag(session, 1, 2, 3)
    assert [s.label for s in session.history.entries] == ["Start", "Move"] and step.label == "Move"
    np.testing.assert_array_equal(session.history.entries[0].state["design"].z, start)
    drag(session, 7)
    assert len(session.history.entries) == 3
    assert session.settle() is None  # nothing new: no step
    at_3 = session.history.entries[1].state["design"].z
    assert session.undo().label == "Move"
    np.testing.assert_array_equal(session.design.z, at_3)
    assert session.design.xy is not None  # the same layout: the cursor goes back to where it was
    session.undo()
    np.testing.assert_array_equal(session.design.z, start)
    assert session.undo() is None and not session.history.can_undo
    session.redo()
    session.redo()
    np.testing.assert_allclose(session.design.z, session.encodings[7], atol=1e-4)
    assert session.redo() is None
    # an edit after an undo drops the steps ahead
    session.undo()
    drag(session, 11)
    assert len(session.history.entries) == 3 and not session.history.can_redo


def test_undo_first_keeps_what_is_on_show_so_redo_returns_to_it(session):
    drag(session, 1)
    session.move_to(session.latent_map.coords[5])  # a drag not ended yet
    session.undo()
    np.testing.assert_allclose(session.design.z, session.encodings[1], atol=1e-4)
    session.redo()
    np.testing.assert_allclose(session.design.z, session.encodings[5], atol=1e-4)


def test_pins_removals_and_renames_are_steps_and_a_pending_move_is_its_own(session):
    drag(session, 1)
    session.move_to(session.latent_map.coords[2])  # not settled: recorded before the pin
    pin = session.pin_design(None, nearest=2)
    assert [s.label for s in session.history.entries][-2:] == ["Move", "Pin"]
    session.rename_pin(pin, "keeper")
    session.remove_pins([pin])
    assert session.pins == [] and session.history.current.label == "Remove pins"
    session.undo()
    assert session.pins == [pin] and pin.name == "keeper"
    session.undo()
    assert pin.name == "near-2"
    session.undo()  # the pin goes, the design stays where the pin was made
    assert session.pins == []
    np.testing.assert_allclose(session.design.z, session.encodings[2], atol=1e-4)
    session.redo()
    assert session.pins == [pin]  # the very same pin (the gallery keeps its item)
    assert session.events.count("pins") >= 6


def test_other_sources_are_steps_at_once_and_end_the_drag_before_them(session):
    session.move_to(session.latent_map.coords[4])  # a drag, then a surprise without a settle
    session.show(np.ones(6, np.float32), "surprise", {"seed": 3})
    assert [s.label for s in session.history.entries] == ["Start", "Move", "Surprise"]
    for k in range(5):  # a sweep's slider: one step when it rests
        session.show(np.full(6, k, np.float32), "sweep")
    session.settle()
    assert [s.label for s in session.history.entries][-1] == "Sweep" and len(session.history.entries) == 4
    session.undo()
    assert session.design.source == "surprise" and session.design.meta == {"seed": 3}


def test_groups_are_undoable_and_picks_are_not(session):
    assert list(session.pick([3, 1, 1, 99, -1])) == [1, 3] and "picked" in session.events
    assert session.set_group(" wide  cars ", session.picked) == "wide cars"
    session.set_group("B", [5, 6])
    assert session.groups == {"wide cars": [1, 3], "B": [5, 6]}
    assert session.remove_group("B") and not session.remove_group("B")
    session.undo()
    assert session.groups == {"wide cars": [1, 3], "B": [5, 6]}
    session.undo()
    session.undo()
    assert session.groups == {} and list(session.picked) == [1, 3]
    with pytest.raises(UserError, match="needs a name"):
        session.set_group("  ", [1])


def test_a_new_undoable_change_is_one_decorator(session):
    """What another feature (constraints) does: track its part once, decorate its method."""
    session.limits = {}
    session.history.track("limits", lambda: dict(session.limits), lambda v: setattr(session, "limits", dict(v)))

    set_limit = undoable("Limit", merge="limit")(lambda s, k, v: s.limits.update({k: v}))
    set_limit(session, "aspect", 2.0)
    set_limit(session, "aspect", 2.4)  # typed on: the same step
    assert session.history.current.label == "Limit" and len(session.history.entries) == 2
    session.undo()
    assert session.limits == {}


def test_the_history_is_bounded_and_jumps(session):
    session.history.limit = 5
    for i in range(9):
        drag(session, i)
    assert len(session.history.entries) == 5 and session.history.position == 4
    step = session.jump(1)
    assert session.history.position == 1 and session.design is not None
    np.testing.assert_array_equal(session.design.z, step.state["design"].z)
    session.jump(4)
    np.testing.assert_allclose(session.design.z, session.encodings[8], atol=1e-4)
    assert session.jump(99) is None


def test_a_new_model_starts_a_new_history(session):
    drag(session, 2)
    session.set_group("A", [1])
    s = session
    s.open_model("image", s.config, {"w": 2}, s.encodings, s.labels, s.paths)
    assert s.history.entries == [] and s.groups == {"A": [1]}  # the same designs: groups stay
    s.open_model("image", s.config, {"w": 2}, s.encodings[:10], s.labels[:10], s.paths[:10])
    assert s.groups == {}


def test_history_without_a_session():
    values = {"x": 1}
    h = History()
    h.track("x", lambda: values["x"], lambda v: values.update(x=v))
    with h.paused():
        assert h.record() is None
    h.record()
    values["x"] = 2
    h.record("two")
    assert h.undo().label == "Start" and values["x"] == 1
    assert h.redo().label == "two" and values["x"] == 2


def test_the_session_round_trips_through_the_project_folder(session, tmp_path):
    from vae_designer.core.project.store import POINTER, load_session, save_session

    drag(session, 1)
    thumb = np.full((8, 8, 3), 200, np.uint8)
    a = session.pin_design(thumb, nearest=1)
    drag(session, 4)
    session.show(np.full(6, 0.5, np.float32), "surprise", {"seed": np.int64(9), "temperature": np.float32(0.5)})
    b = session.pin_design(None)
    session.rename_pin(a, "first")
    session.set_group("A", [1, 2])
    session.remove_pins([b])
    session.undo()  # b is back; the removal can be redone
    session.history.entries[0].thumb = np.zeros((4, 4, 3), np.uint8)
    session.move_to(session.latent_map.coords[9])  # on show, not a step
    doc, pictures = session_document(session)

    root = tmp_path / "proj"
    root.mkdir()
    with pytest.raises(UserError, match="not a VAE Designer project"):
        save_session(root, doc, pictures)
    (root / POINTER).write_text("{}")
    save_session(root, doc, pictures)
    doc2, pictures2 = load_session(root)
    assert set(pictures2) == {"pin/0", "step/0"}

    other = new_session()
    other.events.clear()
    restore_session(other, doc2, pictures2)
    h, h2 = session.history, other.history
    assert [s.label for s in h2.entries] == [s.label for s in h.entries] and h2.position == h.position
    assert [p.name for p in other.pins] == ["first", "design"] and other.groups == {"A": [1, 2]}
    np.testing.assert_array_equal(other.pins[0].z, a.z)
    np.testing.assert_array_equal(other.pins[0].thumb, thumb)
    assert other.pins[1].seed == 9 and other.pins[1].extra == {"temperature": 0.5}
    np.testing.assert_array_equal(other.design.z, session.design.z)  # exactly, float32 via JSON
    assert h2.entries[0].thumb.shape == (4, 4, 3) and h2.can_redo
    assert {"pins", "groups", "design", "history"} <= set(other.events)
    other.redo()
    assert [p.name for p in other.pins] == ["first"]
    for _ in range(len(h2.entries)):
        other.undo()
    assert other.pins == [] and other.groups == {}

    # pictures that do not belong to the JSON (a kill between the two writes) are left out
    old_json = (root / "session.json").read_text()
    save_session(root, doc, pictures)  # killed after the pictures' rename: the old JSON stays
    (root / "session.json").write_text(old_json)
    assert load_session(root)[1] == {}
    # another model's session is refused, and nothing changes
    with pytest.raises(UserError, match="another model"):
        restore_session(new_session(dim=4), doc2)
    broken = {**doc2, "pins": [{"name": "x", "z": [1.0]}]}
    before = [p.name for p in other.pins]
    with pytest.raises(UserError, match=r"damaged|latent vector"):
        restore_session(other, broken)
    assert [p.name for p in other.pins] == before
    assert load_session(tmp_path) is None


def test_rectangles_lassos_and_the_csv(tmp_path):
    coords = np.array([[0, 0], [1, 1], [2, 2], [0, 2], [2, 0], [1, 0.2]], float)
    assert list(inside_rectangle(coords, (1.5, 2.5), (-0.5, 0.5))) == [1, 3]
    triangle = [(-0.5, -1), (3, -1), (3, 2.5)]  # below the line y = x - 0.5
    assert list(inside_lasso(coords, triangle)) == [4, 5]
    assert list(inside_lasso(coords, triangle[:2])) == []
    z = np.arange(12, dtype=np.float32).reshape(6, 2) / 3
    out = write_selection_csv(tmp_path / "pick.csv", [f"p{i}.png" for i in range(6)], ["a"] * 6, z, [4, 5],
                              properties={"area": np.array([1, 2, 3, 4, 5.5, np.nan])})
    lines = out.read_text().splitlines()
    assert lines[0] == "index,path,label,z0,z1,area"
    assert lines[1].split(",")[:3] == ["4", "p4.png", "a"] and float(lines[1].split(",")[3]) == z[4, 0]
    assert lines[2].endswith(",")  # an unmeasured property is left empty
    with pytest.raises(UserError, match="no such folder"):
        write_selection_csv(tmp_path / "no" / "x.csv", ["p"], ["a"], z[:1], [0])
    with pytest.raises(UserError, match="between 0 and"):
        write_selection_csv(tmp_path / "x.csv", ["p"], ["a"], z[:1], [3])


def test_the_picked_designs_are_measured_for_the_csv_in_source_pixels():
    from vae_designer.core.export.measure import frame_of
    from vae_designer.core.latent.selection import picked_properties

    frame = frame_of("image", {"kind": "image", "canvas": 200}, resolution=32)
    bars = np.zeros((3, 1, 32, 32), np.float32)
    for i, w in enumerate((4, 8, 16)):  # bars 4, 8 and 16 of 32 cells wide: 25, 50, 100 source pixels
        bars[i, 0, 8:24, 16 - w // 2:16 + w // 2] = 1.0
    props = picked_properties("image", frame, [2, 0], 3, decode=lambda z: bars[z[:, 0].astype(int)],
                              encodings=np.arange(3, dtype=np.float32)[:, None])
    assert np.isnan(props["width"][1]) and props["width"][0] < props["width"][2]
    assert props["width"][2] / props["width"][0] == pytest.approx(4, rel=0.1)
    assert picked_properties("image", frame, [0], 3) == {}  # nothing to measure with


def test_pins_of_other_sessions_are_not_confused(session):
    session.add_pins([Pin("x", np.zeros(6, np.float32))])
    doc, _ = session_document(session)
    assert doc["pins"][0]["name"] == "x" and doc["live"]["pins"] == [[0, "x"]]
