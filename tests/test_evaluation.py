"""The held-out report (core.latent.evaluation, ``vae-designer evaluate``): its measures on known
pictures and meshes, and on trained projects (a better-trained model scores better)."""

from __future__ import annotations

import dataclasses
import json
import shutil

import numpy as np
import pytest
from helpers import box_mesh, tall_and_wide

import vae_designer.cli as cli_main
from vae_designer.core.generators import run_to_end
from vae_designer.core.ingest import load_designs
from vae_designer.core.latent import evaluation as ev
from vae_designer.core.model.config import ModelConfig, TrainConfig
from vae_designer.core.project.store import load_project, save_project
from vae_designer.core.training import Trainer, encode_all


def test_the_shape_iou_is_of_the_whole_silhouette_in_every_tone():
    """Two tones (a dark body 0.85 with a light window 0.31, like the cars): the 0.5 mask is the
    body alone, the exported shape is body and window; one tone: the two are the same number."""
    car = np.zeros((1, 1, 32, 32), np.float32)
    car[..., 16:24, 4:28] = 0.85
    car[..., 10:16, 8:24] = 0.31  # the window above the body
    no_window = car.copy()
    no_window[..., 10:16, 8:24] = 0.0  # decoded without its window
    levels = [0.0, 0.31, 0.85]
    assert ev.iou_per_item(no_window, car)[0] == 1.0  # the 0.5 mask cannot see the window
    shape = ev.shape_iou_per_item(no_window, car, levels)[0]
    assert shape == pytest.approx((8 * 24) / (8 * 24 + 6 * 16), abs=0.03)
    assert ev.shape_iou_per_item(car, car, levels)[0] == 1.0
    digit = np.zeros((2, 1, 16, 16), np.float32)
    digit[:, :, 4:12, 4:12] = 1.0
    half = digit.copy()
    half[1, :, 4:12, 8:12] = 0.0
    np.testing.assert_allclose(ev.shape_iou_per_item(half, digit, [0.0, 1.0]), ev.iou_per_item(half, digit))


def test_iou_undecided_and_flaws_on_known_pictures():
    a = np.zeros((2, 1, 16, 16), np.float32)
    a[:, :, 4:12, 4:12] = 1.0
    b = a.copy()
    b[1, :, 4:12, 8:12] = 0.0  # half the square
    np.testing.assert_allclose(ev.iou_per_item(b, a), [1.0, 0.5])
    soft = np.where(a > 0, 0.5, 0.0).astype(np.float32)  # everything inside at 0.5: undecided
    assert ev.undecided_edge_share(a, a) == 0.0 and ev.undecided_edge_share(soft, a) > 0.4
    assert ev.undecided(np.float32(0.55), [0.0, 0.5, 1.0]) == np.False_  # at a collection's tone: decided
    assert ev.bernoulli_nll(a, a)[0] < 1e-3 < ev.bernoulli_nll(soft, a)[0]
    assert ev.image_flaw(np.zeros((16, 16))) == "empty"
    assert ev.image_flaw(a[0, 0]) == ""
    two = a[0, 0].copy()
    two[0:3, 0:3] = 1.0  # a second blob
    assert ev.image_flaw(two) == "parts"
    assert ev.image_flaw(soft[0, 0] + 0.1) == "undecided"


def test_mesh_flaws_are_empty_parts_or_clean():
    import trimesh

    box = box_mesh((1, 1, 1))
    assert ev.mesh_flaw(box)[0] == "" and ev.mesh_flaw(None)[0] == "empty"
    pair = trimesh.util.concatenate([box, box_mesh((1, 1, 1), centre=(5, 0, 0))])
    assert ev.mesh_flaw(pair)[0] == "parts"


def _train(folder, out, epochs):
    designs = load_designs(folder, resolution=32, workers=1)
    mc = ModelConfig.for_designs(designs, latent_dim=4, width=8)
    tc = TrainConfig(epochs=epochs, batch_size=8, lr=3e-3, device="cpu", val_fraction=0.25, seed=0)
    state = run_to_end(Trainer(designs, mc, tc).run())
    save_project(out, state, designs, encode_all(state.best_weights, mc, designs))
    return load_project(out), designs


@pytest.fixture(scope="module")
def rects(tmp_path_factory):
    root = tmp_path_factory.mktemp("rects")
    tall_and_wide(root, 32)
    return root


def test_a_better_trained_model_scores_better_on_held_out_designs(rects, tmp_path):
    early, designs = _train(rects, tmp_path / "early.vaed", 1)
    late, _ = _train(rects, tmp_path / "late.vaed", 25)
    a, b = ev.evaluate(early, designs, samples=8), ev.evaluate(late, designs, samples=8)
    assert a["held_out"]["designs"] == b["held_out"]["designs"] == len(late.metrics["split"]["val"]) > 0
    assert b["held_out"]["iou"] > a["held_out"]["iou"] and b["held_out"]["nll"] < a["held_out"]["nll"]
    assert a["samples"]["drawn"] == 8 and 0 <= a["samples"]["clean"] <= 8
    assert any("train longer" in line for line in a["advice"])  # a one-epoch model is told what to do
    # flat rectangles are a silhouette collection: judged as exported (the outline) too, where grey is no flaw
    e = b["samples"]["as_exported"]
    assert e["drawn"] == 8 and e["clean"] >= b["samples"]["clean"] and "undecided" not in e["flaws"]
    # a held-out design gone from the folder is left out, the others still scored
    gone = designs.paths.index(late.paths[late.metrics["split"]["val"][0]])
    keep = [i for i in range(len(designs.paths)) if i != gone]
    fewer = dataclasses.replace(designs, paths=[designs.paths[i] for i in keep], data=designs.data[keep],
                                labels=[designs.labels[i] for i in keep], meta=[designs.meta[i] for i in keep])
    assert ev.evaluate(late, fewer, samples=0)["held_out"]["designs"] == b["held_out"]["designs"] - 1


def test_cli_evaluate_prints_the_report_and_works_without_the_design_folder(rects, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(cli_main, "interrupt_on_sigterm", lambda: None)
    folder = shutil.copytree(rects, tmp_path / "designs")
    project, _ = _train(folder, tmp_path / "p.vaed", 3)
    assert cli_main.main(["evaluate", str(project.path), "--samples", "4"]) == 0
    out = capsys.readouterr().out
    assert "held-out designs (" in out and "IoU" in out and "samples: " in out and "of 4 clean" in out
    assert cli_main.main(["evaluate", str(project.path), "--samples", "4", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert 0 <= report["held_out"]["iou"] <= 1 and report["samples"]["drawn"] == 4
    shutil.rmtree(folder)  # the design folder moved away: samples only, and it says so
    assert cli_main.main(["evaluate", str(project.path), "--samples", "4"]) == 0
    captured = capsys.readouterr()
    assert "not available" in captured.out and "held-out designs were not scored" in captured.err
    assert captured.err.count("\n") == 1
