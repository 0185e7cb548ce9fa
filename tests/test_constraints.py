"""Constraints on measured properties (core.latent.constraints), sampling that meets them (``sample
--where``), Snap to spec (core.latent.spec), the map session's constraints and ``vae-designer measure``.

The project: 40 rectangles, "tall" and "wide", at 32x32, trained in-process for 40 epochs (a few
seconds) -- its designs are rectangles whose aspect spans both sides of 1.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from helpers import tall_and_wide

import vae_designer.cli as cli_main
from vae_designer.core.errors import UserError
from vae_designer.core.export.measure import frame_of, measure_design, measure_fields
from vae_designer.core.export.measure_files import measure_file
from vae_designer.core.generators import run_to_end
from vae_designer.core.latent.constraints import (
    Constraint,
    broken,
    meets,
    parse_constraint,
    parse_constraints,
    slack,
)
from vae_designer.core.latent.generate import decode
from vae_designer.core.latent.sampling import max_draws, sample_designs
from vae_designer.core.latent.session import MapSession
from vae_designer.core.latent.spec import PropertyBank, bank_latents, lattice_points, lattice_values, snap_to_spec
from vae_designer.core.project.store import load_project, save_project


@pytest.fixture(scope="module")
def rects(tmp_path_factory):
    from vae_designer.core.ingest import ingest_steps
    from vae_designer.core.model.config import ModelConfig, TrainConfig
    from vae_designer.core.training import Trainer, encode_all

    root = tmp_path_factory.mktemp("rects")
    tall_and_wide(root, 40)
    designs = run_to_end(ingest_steps(str(root), "image", 32, workers=1))
    mc = ModelConfig.for_designs(designs, latent_dim=4)
    tc = TrainConfig(epochs=40, batch_size=8, lr=3e-3, device="cpu", val_fraction=0.2, seed=3)
    state = run_to_end(Trainer(designs, mc, tc).run())
    path = tmp_path_factory.mktemp("rects-proj") / "rects.vaed"
    save_project(path, state, designs, encode_all(state.best_weights, mc, designs))
    return path


# ---------------------------------------------------------------- the language
def test_constraints_read_as_written_with_units_thousands_and_ranges():
    def texts(text, kind="mesh"):
        return [c.text() for c in parse_constraint(text, kind)]

    assert texts("aspect>=2.4", "image") == ["aspect>=2.4"]
    assert texts(" height <= 1,450 ") == ["height<=1450"]
    assert texts("height<=1.45 m") == texts("height<=145cm") == ["height<=1450"]
    assert texts("1000<=length<=4800mm") == ["length>=1000", "length<=4800"]
    assert texts("volume<=2m3") == texts("volume<=2m³") == ["volume<=2000000000"]
    assert texts("frontal_area<=2e6 mm2") == ["frontal_area<=2000000"]
    assert texts("area>=500px2", "image") == ["area>=500"]
    assert texts("aspect ≥ 2", "image") == ["aspect>=2"] and texts("width < 3in") == ["width<76.2"]
    assert parse_constraints(["aspect>=2", "height<=40"], "image") == (Constraint("aspect", ">=", 2.0),
                                                                     Constraint("height", "<=", 40.0))
    # a constraint's text reads back as itself
    c = parse_constraint("length<=1234.5678", "mesh")[0]
    assert parse_constraint(c.text(), "mesh") == [c]


@pytest.mark.parametrize("text, kind, words", [
    ("heigth<=3", "mesh", "unknown property 'heigth'"),
    ("length>=3", "image", "image designs have width, height, aspect"),
    ("aspect>=2.4px", "image", "aspect has no unit"),
    ("height<=3ft", "mesh", "unknown unit 'ft'"),
    ("volume<=3mm", "mesh", "volume is a volume: write mm3"),
    ("width<=3mm", "image", "source pixels (px)"),
    ("aspect=2", "image", "cannot read the constraint"),
    ("aspect>=abc", "image", "cannot read the constraint"),
    ("height<=1,45", "mesh", "cannot read the number '1,45'"),
])
def test_a_bad_constraint_is_one_line_that_says_what_to_write(text, kind, words):
    with pytest.raises(UserError) as err:
        parse_constraint(text, kind)
    assert words in str(err.value) and "\n" not in str(err.value)


def test_meeting_and_breaking_constraints():
    frame = {"kind": "image", "size": 100.0}
    cs = parse_constraints(["aspect>=2", "width<=50"], "image")
    values = {"aspect": np.array([2.5, 1.5, np.nan, 2.0]), "width": np.array([40.0, 40.0, 40.0, 60.0])}
    assert meets(values, cs).tolist() == [True, False, False, False]
    np.testing.assert_allclose(slack(values, cs, frame)[:2], [0.1, -0.5])  # width: a share of the canvas
    assert slack(values, cs, frame)[2] == -np.inf
    assert broken({"aspect": 1.5, "width": 60.0}, cs) == list(cs) and meets({"aspect": 3, "width": 1}, cs) is True
    eq = parse_constraint("aspect==2", "image")[0]
    assert eq.holds(np.array([2.01, 2.03])).tolist() == [True, False]  # within 1% of the value
    assert meets({}, ()) is True and np.isinf(slack({"aspect": np.ones(2)}, (), frame)).all()


def test_the_map_session_keeps_constraints_and_says_when_they_change(rects):
    project = load_project(rects)
    s = MapSession()
    events = []
    s.observe("constraints", lambda: events.append(list(s.constraints)))
    s.open_model(project.kind, project.model_config, project.weights, project.encodings, project.labels,
                 project.paths, project=project)
    aspect, width = parse_constraints(["aspect>=2", "width<=50"], "image")
    s.add_constraints([aspect, width, aspect])  # the same constraint once
    assert s.constraints == [aspect, width] and len(events) == 1
    s.remove_constraint(aspect)
    assert s.constraints == [width] and len(events) == 2
    s.set_constraints([width])  # nothing changed: no event
    assert len(events) == 2
    # a mesh model has no 'aspect': another kind's model drops what does not fit
    s.set_constraints([aspect, Constraint("height", "<=", 40.0)])
    s.open_model("mesh", project.model_config, project.weights, project.encodings, project.labels, project.paths)
    assert s.constraints == [Constraint("height", "<=", 40.0)]


def test_constraint_edits_are_undoable_and_kept_with_the_session(rects):
    from vae_designer.core.latent.saved_session import restore_session, session_document

    project = load_project(rects)
    s = MapSession()
    s.open_model(project.kind, project.model_config, project.weights, project.encodings, project.labels,
                 project.paths, project=project)
    aspect, width = parse_constraints(["aspect>=2", "width<=50"], "image")
    s.add_constraints([aspect])
    s.add_constraints([width])
    s.remove_constraint(aspect)
    assert s.constraints == [width] and s.history.entries[-1].label == "Constraints"
    s.undo()
    assert s.constraints == [aspect, width]
    s.undo()
    assert s.constraints == [aspect]
    s.redo()
    doc, pictures = session_document(s)  # the document is JSON: the constraints as [name, op, value]
    import json

    again = MapSession()
    again.open_model(project.kind, project.model_config, project.weights, project.encodings, project.labels,
                     project.paths, project=project)
    restore_session(again, json.loads(json.dumps(doc)), pictures)
    assert again.constraints == [aspect, width]
    again.undo()
    assert again.constraints == [aspect]


# ---------------------------------------------------------------- sampling, snapping, the lattice
def test_sample_where_writes_only_designs_that_meet_every_constraint_on_the_file(rects, tmp_path):
    project = load_project(rects)
    cs = parse_constraints(["aspect>=1.8", "height<=30"], "image")
    batch = run_to_end(sample_designs(project, 6, tmp_path, "png", seed=4, constraints=cs))
    assert batch.designs == 6 and batch.unmet > 0 and batch.draws == 6 + batch.unmet + batch.empty
    assert "meeting aspect>=1.8 and height<=30" in batch.summary() and "draws broke the constraints" in batch.summary()
    pngs = sorted(tmp_path.glob("*.png"))
    assert len(pngs) == 6 and len(list(tmp_path.glob("*.json"))) == 6  # nothing else left behind
    for png in pngs:
        side = json.loads(png.with_suffix(".json").read_text())
        props = measure_file(png)["properties"]  # measured again, on the file
        assert props["aspect"] >= 1.8 and props["height"] <= 30
        assert side["properties"] == pytest.approx(props) and side["constraints"] == ["aspect>=1.8", "height<=30"]
    # the same seed and constraints give the same designs (each draw's number is in its sidecar)
    again = run_to_end(sample_designs(project, 6, tmp_path / "again", "png", seed=4, constraints=cs))
    assert [p.name for p in again.written] == [p.name for p in batch.written]
    assert (tmp_path / "again" / pngs[0].name).read_bytes() == pngs[0].read_bytes()


def test_sample_where_says_how_many_could_not_be_found(rects, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(cli_main, "interrupt_on_sigterm", lambda: None)
    project = load_project(rects)
    batch = run_to_end(sample_designs(project, 2, tmp_path, "png", constraints=parse_constraints(["aspect>=50"],
                                                                                              "image")))
    assert batch.designs == 0 and batch.draws == max_draws(2, True) == batch.unmet
    assert not list(tmp_path.iterdir())
    assert cli_main.main(["sample", str(rects), "-n", "2", "-o", str(tmp_path / "x"), "--where", "aspect>=50"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "2 could not be found" in err and "try wider ranges" in err
    assert cli_main.main(["sample", str(rects), "-n", "2", "-o", str(tmp_path / "x"), "--where", "length<=3"]) == 2
    assert "unknown property 'length'" in capsys.readouterr().err
    assert cli_main.main(["sample", str(rects), "-n", "2", "-o", str(tmp_path / "y"), "--where", "aspect<=0.6"]) == 0
    assert "wrote 2 of 2 designs meeting aspect<=0.6" in capsys.readouterr().err


def test_snap_to_spec_moves_a_design_to_the_nearest_that_meets_the_constraints(rects):
    project = load_project(rects)
    frame = frame_of(project.kind, project.manifest)

    def decoder(z):
        return decode(project, z)

    bank = PropertyBank.build(decoder, bank_latents(project.kind, project.encodings, project.density()), project.kind,
                              frame)
    assert len(bank) == 40 + 1000 and set(bank.values) >= {"aspect", "width"}
    tall = project.encodings[project.labels.index("tall")]
    cs = parse_constraints(["aspect>=1.5"], "image")
    snap = snap_to_spec(tall, cs, bank, decoder)
    assert snap.met and snap.distance > 0 and snap.seconds > 0
    exact = measure_design(project.kind, decode(project, snap.z[None])[0], frame)
    assert exact["aspect"] >= 1.5 and snap.properties["aspect"] == pytest.approx(exact["aspect"])
    # nearer than the nearest training design that meets them
    wide = [z for z, a in zip(project.encodings, measure_fields("image", decoder(project.encodings), frame)["aspect"])
            if a >= 1.5 + 0.05]
    assert snap.distance <= min(np.linalg.norm(np.asarray(wide) - tall, axis=1)) + 1e-6
    assert snap_to_spec(snap.z, cs, bank, decoder).distance == 0.0  # it meets them already
    # with the map's novelty it stays among the designs ("new" at most)
    from vae_designer.core.latent.space import LatentMap

    lm = LatentMap.fit(project.encodings)
    near = snap_to_spec(tall, cs, bank, decoder, novelty=lm.novelty)
    assert near.met and near.z.dtype == np.float32 and lm.novelty(near.z[None])[0][0] <= 2.0
    never = snap_to_spec(tall, parse_constraints(["aspect>=50"], "image"), bank, decoder)
    assert not never.met and "none of the 1040 designs" in never.message


def test_the_lattice_is_measured_row_by_row_from_the_top(rects):
    from vae_designer.core.latent.space import LatentMap

    project = load_project(rects)
    frame = frame_of(project.kind, project.manifest)
    lm = LatentMap.fit(project.encodings)
    bounds = lm.bounds()
    pts = lattice_points(bounds, 3)
    assert pts[0][1] > pts[-1][1] and pts[0][0] < pts[2][0]
    values = lattice_values(lm, lambda z: decode(project, z), project.kind, frame, bounds, 3, ["aspect"])
    direct = measure_fields("image", decode(project, lm.lift(pts)), frame, ["aspect"])["aspect"]
    np.testing.assert_allclose(values["aspect"], direct)


# ---------------------------------------------------------------- vae-designer measure
def test_cli_measure_prints_a_file_a_sidecar_and_a_projects_training_designs(rects, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(cli_main, "interrupt_on_sigterm", lambda: None)
    assert cli_main.main(["sample", str(rects), "-n", "1", "-o", str(tmp_path)]) == 0
    capsys.readouterr()
    png = tmp_path / "sample_0_000.png"
    assert cli_main.main(["measure", str(png), "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got["kind"] == "image" and got["units"] == "source pixels"
    assert got["properties"] == pytest.approx(json.loads(png.with_suffix(".json").read_text())["properties"])
    assert cli_main.main(["measure", str(png.with_suffix(".json"))]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith("(image, source pixels)") and lines[3].split()[0] == "aspect"
    assert cli_main.main(["measure", str(rects), "--json"]) == 0
    whole = json.loads(capsys.readouterr().out)
    assert whole["count"] == 40 and len(whole["items"]) == 40
    tall = [it["properties"]["aspect"] for it in whole["items"] if it["label"] == "tall"]
    wide = [it["properties"]["aspect"] for it in whole["items"] if it["label"] == "wide"]
    assert max(tall) < 1 < min(wide)
    # the rectangles were drawn with sides of 15-30 and 60-90 source pixels (Pillow's boxes include both ends)
    widths = [it["properties"]["width"] for it in whole["items"]]
    assert min(widths) >= 15 and max(widths) <= 92
    assert cli_main.main(["measure", str(rects)]) == 0
    assert capsys.readouterr().out.splitlines()[-1].startswith("median")
    assert cli_main.main(["measure", str(tmp_path / "nothing.png")]) == 2
    assert "no such file" in capsys.readouterr().err
