"""Your own design on the map (core.latent.placing), completion of a missing region
(core.latent.completion) and the commands over them (``direction``, ``complete``, ``interpolate``
with any design file), on tiny projects trained in-process from real files on disk."""

from __future__ import annotations

import json

import numpy as np
import pytest
from helpers import box_mesh, save_silhouette, tall_and_wide
from PIL import Image

import vae_designer.cli as cli_main
from vae_designer.core.errors import UserError
from vae_designer.core.generators import run_to_end
from vae_designer.core.ingest import load_designs
from vae_designer.core.latent.completion import (
    DISTINCT_IOU,
    complete_design,
    item_mask,
    mask_from_png,
    region_iou,
    region_mask,
)
from vae_designer.core.latent.generate import latent_of
from vae_designer.core.latent.placing import design_of, place_file
from vae_designer.core.model.config import ModelConfig, TrainConfig
from vae_designer.core.project.store import load_project, save_project
from vae_designer.core.training import Trainer, encode_all


def _train(folder, out, resolution, latent_dim, epochs, batch_size):
    designs = load_designs(folder, resolution=resolution, workers=1)
    mc = ModelConfig.for_designs(designs, latent_dim=latent_dim, width=8)
    tc = TrainConfig(epochs=epochs, batch_size=batch_size, lr=3e-3, device="cpu", val_fraction=0.2, seed=0,
                     early_stop=0.0)  # the fixture's model: every epoch, as before early stopping
    state = run_to_end(Trainer(designs, mc, tc).run())
    save_project(out, state, designs, encode_all(state.best_weights, mc, designs))
    return load_project(out)


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("rects")
    tall_and_wide(root, 40)
    return root


@pytest.fixture(scope="module")
def project(folder, tmp_path_factory):
    return _train(folder, tmp_path_factory.mktemp("p") / "rects.vaed", 32, 4, 20, 8)


@pytest.fixture(scope="module")
def mesh_project(tmp_path_factory):
    root = tmp_path_factory.mktemp("boxes")
    rng = np.random.default_rng(0)
    for label in ("long", "tall"):
        (root / label).mkdir()
        for i in range(3):
            e = rng.uniform(0.3, 0.5, 3)
            e[0 if label == "long" else 2] = 1.0
            box_mesh(tuple(e)).export(root / label / f"{label}_{i}.stl")
    return _train(root, tmp_path_factory.mktemp("m") / "boxes.vaed", 32, 4, 40, 4)


def run(monkeypatch, *args) -> int:
    monkeypatch.setattr(cli_main, "interrupt_on_sigterm", lambda: None)
    return cli_main.main([str(a) for a in args])


# ------------------------------------------------------------------------------------------ placing
def test_a_training_file_placed_from_disk_lands_on_its_own_point(project, folder):
    i = 5
    placed = place_file(folder / project.paths[i], project.model_config, project.weights, project.manifest)
    np.testing.assert_allclose(placed.z, project.encodings[i], atol=1e-4)
    assert placed.x.shape == tuple(project.model_config.item_shape) and placed.frame["size"] > 0


def test_an_own_design_is_encoded_like_the_training_set_and_lands_among_its_kind(project, tmp_path):
    # a tall rectangle drawn on a bigger canvas, elsewhere, in colour: cropped and centred like the others
    own = save_silhouette(tmp_path / "mine.png", size=(400, 300), box=(200, 40, 225, 120), fg=(200, 30, 30),
                          bg=(250, 250, 250), mode="RGB")
    z, name = latent_of(project, str(own))
    assert name == "mine.png"
    lab = np.array(project.labels)
    d = np.linalg.norm(project.encodings - z, axis=1)
    assert lab[np.argsort(d)[:5]].tolist().count("tall") >= 4


def test_placing_refuses_the_wrong_kind_a_broken_file_and_names_that_are_nothing(project, tmp_path):
    box_mesh().export(tmp_path / "part.stl")
    with pytest.raises(UserError, match="is a mesh; this project's designs are images"):
        design_of(project, str(tmp_path / "part.stl"))
    (tmp_path / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n broken")
    with pytest.raises(UserError, match=r"broken\.png: "):
        design_of(project, str(tmp_path / "broken.png"))
    with pytest.raises(UserError, match="neither a training file"):
        design_of(project, "nothing.png")


# ------------------------------------------------------------------------------------------ regions
def test_a_box_in_source_units_marks_the_cells_it_covers():
    frame = {"centre": [50.0, 50.0], "size": 100.0}  # the canvas covers source pixels 0..100
    m = region_mask("image", 10, (70, 0, 100, 50), frame)  # x from 70, y up to 50: right top part
    assert m.shape == (10, 10) and m[:5, 7:].all() and m.sum() == 15
    np.testing.assert_array_equal(region_mask("image", 10, (0.7, 0, 1, 0.5)), m)  # the same in fractions
    cube = {"centre": [10.0, 0.0, 0.0], "size": 2.0}  # a mesh 2 units across centred on x = 10
    v = region_mask("mesh", 8, (10, -1, -1, 11, 1, 1), cube, margin_voxels=1)  # its +x half
    assert v[4:7].any() and not v[:4].any() and v.sum() == 3 * 6 * 6
    with pytest.raises(UserError, match="needs 6 numbers"):
        region_mask("mesh", 8, (0, 0, 1, 1))


def test_a_mask_picture_over_the_source_image_or_over_the_canvas(tmp_path):
    frame = {"centre": [60.0, 40.0], "size": 80.0}  # canvas x 20..100, y 0..80 of a 120 x 80 picture
    pic = np.zeros((80, 120), np.uint8)
    pic[:, 60:] = 255  # the right half of the source image
    Image.fromarray(pic).save(tmp_path / "src.png")
    m = mask_from_png(tmp_path / "src.png", 8, frame, source_size=[120, 80])
    assert m[:, 4:].all() and not m[:, :4].any()  # source x 60 is the canvas' middle
    canvas = np.zeros((32, 32), np.uint8)
    canvas[:8] = 255  # the top quarter of the canvas
    Image.fromarray(canvas).save(tmp_path / "c.png")
    assert mask_from_png(tmp_path / "c.png", 8).sum() == 16
    Image.fromarray(np.zeros((8, 8), np.uint8)).save(tmp_path / "none.png")
    with pytest.raises(UserError, match="marks nothing"):
        mask_from_png(tmp_path / "none.png", 8)


# ------------------------------------------------------------------------------------------ completion
def test_completions_are_distinct_and_better_fits_than_their_starts(project):
    design = design_of(project, project.paths[project.metrics["split"]["val"][0]])
    missing = region_mask("image", 32, (0, 0, 1, 0.5))  # the top half
    args = (project.model_config, project.weights, design.x, missing, 3)
    kw = {"density": project.density(), "encodings": project.encodings}
    found = complete_design(*args, steps=40, **kw)
    assert 1 <= len(found) <= 3 and found[0].start and found[0].probs.shape == design.x.shape
    regions = [c.probs[0][:16] > 0.5 for c in found]  # the missing half differs from one to the next
    assert all(region_iou(a, b, np.ones_like(a)) <= DISTINCT_IOU
               for i, a in enumerate(regions) for b in regions[i + 1:])
    starts = complete_design(*args, steps=0, **kw)  # the starts as they are: fitting improves on them
    assert np.mean([c.loss for c in found]) < np.mean([c.loss for c in starts])
    kept = ~item_mask(missing, design.x.shape)
    assert found[0].kept_iou == pytest.approx(region_iou(found[0].probs, design.x, kept), abs=1e-6)
    with pytest.raises(UserError, match="whole design"):
        complete_design(project.model_config, project.weights, design.x, np.ones((32, 32), bool), 1)


def test_cli_complete_writes_completions_that_reproduce_and_refuses_bad_regions(project, folder, tmp_path,
                                                                                monkeypatch, capsys):
    design = folder / project.paths[0]
    assert run(monkeypatch, "complete", project.path, design, "--box", "0.5,0,1,1", "--units", "fraction",
               "-n", "2", "--steps", "10", "-o", tmp_path / "c") == 0
    out = capsys.readouterr()
    pngs = sorted((tmp_path / "c").glob("complete_*.png"))
    # distinct completions only: a model that fills the half the same way from every start offers one
    k = len(pngs)
    assert k in (1, 2) and f"wrote {k} completion{'s' if k == 2 else ''} into" in out.err and str(pngs[0]) in out.out
    side = json.loads(pngs[0].with_suffix(".json").read_text())
    assert side["source"] == "complete" and side["parents"] == [design.name]
    assert side["completion"]["rank"] == 1 and side["completion"]["region"]["box"] == [0.5, 0, 1, 1]
    assert run(monkeypatch, "sample", project.path, "--from-json", pngs[0].with_suffix(".json"),
               "-o", tmp_path / "r") == 0
    assert (tmp_path / "r" / pngs[0].name).read_bytes() == pngs[0].read_bytes()
    capsys.readouterr()
    for args, message in ((["--box", "1,2,3"], "X0,Y0,X1,Y1"), (["--mask", tmp_path / "no.png"], "mask not found"),
                          (["--box", "0,0,1,1,1,1", "--units", "fraction"], "needs 4 numbers")):
        assert run(monkeypatch, "complete", project.path, design, *args, "-o", tmp_path / "x") == 2
        err = capsys.readouterr().err
        assert message in err and err.count("\n") == 1


def test_cli_complete_a_mesh_with_a_box_in_its_own_units(mesh_project, tmp_path, monkeypatch, capsys):
    part = tmp_path / "part.stl"
    box_mesh((1.0, 0.4, 0.4), centre=(5, 0, 0)).export(part)  # x from 4.5 to 5.5
    assert run(monkeypatch, "complete", mesh_project.path, part, "--box", "5,-1,-1,6,1,1", "-n", "1",
               "--steps", "5", "-o", tmp_path / "c") == 0
    side = json.loads((tmp_path / "c" / "complete_000.json").read_text())
    assert side["completion"]["region"]["cells"] > 0 and (tmp_path / "c" / "complete_000.stl").is_file()
    capsys.readouterr()
    assert run(monkeypatch, "complete", mesh_project.path, part, "--mask", part, "-o", tmp_path / "x") == 2
    assert "for meshes use --box" in capsys.readouterr().err


# ------------------------------------------------------------------------------------------ commands
def test_cli_direction_writes_a_sequence_from_an_own_design_with_sidecars(project, tmp_path, monkeypatch, capsys):
    own = save_silhouette(tmp_path / "mine.png", size=(200, 200), box=(90, 20, 110, 180))
    assert run(monkeypatch, "direction", project.path, own, "--along", "tall->wide", "--steps", "4",
               "-o", tmp_path / "d") == 0
    files = sorted((tmp_path / "d").glob("direction_*.png"))
    assert len(files) == 4 and "wrote 4 designs along tall->wide" in capsys.readouterr().err
    sides = [json.loads(f.with_suffix(".json").read_text()) for f in files]
    assert all(s["source"] == "direction" and s["parents"] == ["mine.png"] for s in sides)
    values = [s["direction"]["value"] for s in sides]
    assert values[-1] == 1.0 and values == sorted(values) and sides[0]["direction"]["walk"] == "on-data"
    assert values[0] == pytest.approx(sides[0]["direction"]["start_value"])
    assert sides[0]["direction"]["spacing"] == "even"
    # equal value steps on request (the default spaces them where the decoded design changes)
    assert run(monkeypatch, "direction", project.path, own, "--along", "tall->wide", "--steps", "4",
               "--spacing", "values", "-o", tmp_path / "v") == 0
    even = [json.loads(f.read_text())["direction"]["value"] for f in sorted((tmp_path / "v").glob("*.json"))]
    np.testing.assert_allclose(np.diff(even), np.diff(even)[0], rtol=1e-6)
    assert run(monkeypatch, "direction", project.path, own, "--along", "pc1", "--from", "-1", "--to", "1",
               "--steps", "3", "--walk", "straight", "-o", tmp_path / "p") == 0
    capsys.readouterr()
    assert run(monkeypatch, "direction", project.path, own, "--along", "tall->round", "-o", tmp_path / "x") == 2
    assert "the labels are tall, wide" in capsys.readouterr().err


def test_cli_direction_between_groups_made_on_the_map(project, tmp_path, monkeypatch, capsys):
    import shutil

    from vae_designer.core.latent.saved_session import session_document
    from vae_designer.core.latent.session import MapSession
    from vae_designer.core.project.store import load_project as load
    from vae_designer.core.project.store import save_session

    copy = shutil.copytree(project.path, tmp_path / "proj")
    p = load(copy)
    s = MapSession()
    s.open_model(p.kind, p.model_config, p.weights, p.encodings, p.labels, p.paths, project=p)
    lab = np.array(p.labels)
    s.set_group("slim", np.flatnonzero(lab == "tall")[:3])
    s.set_group("broad", np.flatnonzero(lab == "wide")[:3])
    save_session(copy, *session_document(s))  # what the app keeps in the project
    assert run(monkeypatch, "direction", copy, p.paths[0], "--along", "slim->broad", "--steps", "3",
               "-o", tmp_path / "g") == 0
    side = json.loads((tmp_path / "g" / "direction_002.json").read_text())
    assert side["direction"]["key"] == "slim->broad" and side["direction"]["value"] == 1.0
    capsys.readouterr()
    assert run(monkeypatch, "direction", copy, p.paths[0], "--along", "slim->x", "-o", tmp_path / "x") == 2
    assert "the map's groups are broad, slim" in capsys.readouterr().err


def test_cli_interpolate_takes_any_design_file(project, folder, tmp_path, monkeypatch, capsys):
    own = save_silhouette(tmp_path / "mine.png", size=(200, 200), box=(20, 90, 180, 110))
    assert run(monkeypatch, "interpolate", project.path, own, project.paths[1].rsplit("/", 1)[-1], "--steps", "3",
               "-o", tmp_path / "i") == 0
    side = json.loads((tmp_path / "i" / "interp_000.json").read_text())
    assert side["parents"] == ["mine.png", project.paths[1]]
