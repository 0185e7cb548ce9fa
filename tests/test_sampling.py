"""Sampling a trained project (core.latent.sampling, ``vae-designer sample``) on a tiny project
trained in-process: the fitted density is stored with the project and gives the same draws when
loaded (or refitted for an older project), its draws lie where the designs are, sidecars say which
prior drew them and reproduce their files byte for byte, and an empty design is replaced by the
next draw rather than ending the batch.
"""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

import vae_designer.cli as cli_main
from vae_designer.core.generators import run_to_end
from vae_designer.core.ingest.designset import DesignSet
from vae_designer.core.ingest.settings import IngestSettings
from vae_designer.core.latent import sampling
from vae_designer.core.latent.density import fit_density
from vae_designer.core.latent.generate import reproduce
from vae_designer.core.latent.sampling import is_empty, max_draws, sample_designs, sample_latents
from vae_designer.core.model.config import ModelConfig, TrainConfig
from vae_designer.core.project.store import DENSITY, load_project, save_project, training_encodings
from vae_designer.core.training import Trainer, encode_all


def shapes(n: int = 48, R: int = 32) -> DesignSet:
    """Filled boxes and discs of random size and place, as ink (shape bright)."""
    rng = np.random.default_rng(0)
    yy, xx = np.mgrid[:R, :R]
    data = np.zeros((n, R, R), np.uint8)
    for i in range(n):
        cx, cy = rng.uniform(R * 0.3, R * 0.7, 2)
        r = rng.uniform(R * 0.15, R * 0.3)
        disc = (xx - cx) ** 2 + (yy - cy) ** 2 < r * r
        box = (abs(xx - cx) < r) & (abs(yy - cy) < r * 0.6)
        data[i] = (disc if i % 2 else box) * 255
    return DesignSet(root="/generated", settings=IngestSettings("image", R),
                     paths=[f"{'disc' if i % 2 else 'box'}/{i:03d}.png" for i in range(n)],
                     labels=["disc" if i % 2 else "box" for i in range(n)], data=data,
                     meta=[{"background": [255, 255, 255]} for _ in range(n)])


@pytest.fixture(scope="module")
def project_path(tmp_path_factory):
    designs = shapes()
    mc = ModelConfig.for_designs(designs, latent_dim=8, width=8)
    tc = TrainConfig(epochs=15, batch_size=8, lr=3e-3, device="cpu", val_fraction=0.25, seed=0)
    state = run_to_end(Trainer(designs, mc, tc).run())
    path = tmp_path_factory.mktemp("sampling") / "shapes.vaed"
    save_project(path, state, designs, encode_all(state.best_weights, mc, designs))
    return path


def test_the_project_stores_its_density_and_loading_gives_the_same_draws(project_path, tmp_path):
    project = load_project(project_path)
    assert (project.state_dir / DENSITY).is_file()
    train = training_encodings(project.encodings, project.metrics["split"])
    assert len(train) == len(project.metrics["split"]["train"]) < len(project.encodings)
    fitted = fit_density(train)  # what the save fitted: the training split only
    for key, value in fitted.to_arrays().items():
        np.testing.assert_array_equal(project.density().to_arrays()[key], value)
    np.testing.assert_array_equal(sample_latents(load_project(project_path), 16, 3, 1.2),
                                  project.density().sample(16, 3, 1.2))
    # a project saved before projects stored a density: the same one is fitted when first asked for
    older = tmp_path / "older.vaed"
    shutil.copytree(project_path, older)
    (load_project(older).state_dir / DENSITY).unlink()
    np.testing.assert_array_equal(sample_latents(load_project(older), 16, 3, 1.2), sample_latents(project, 16, 3, 1.2))


def test_fitted_draws_lie_closer_to_the_training_encodings_than_normal_prior_draws(project_path):
    project = load_project(project_path)
    train = training_encodings(project.encodings, project.metrics["split"])

    def nearest(z):
        return np.linalg.norm(z[:, None] - train[None], axis=2).min(axis=1).mean()

    fitted, normal = (sample_latents(project, 64, 0, 1.0, prior) for prior in ("fitted", "normal"))
    assert nearest(fitted) < 0.5 * nearest(normal)
    assert project.density().log_density(fitted).mean() > project.density().log_density(normal).mean()


@pytest.mark.parametrize("prior", ["fitted", "normal"])
def test_a_batch_from_either_prior_records_it_and_reproduces_byte_for_byte(project_path, tmp_path, prior):
    project = load_project(project_path)
    batch = run_to_end(sample_designs(project, 4, tmp_path, "png", seed=5, temperature=0.8, prior=prior))
    assert batch.designs == 4 and batch.draws == 4 + batch.empty
    if prior == "fitted":  # the tiny model's normal-prior draws are often empty; its fitted ones are not
        assert batch.empty == 0 and batch.summary() == "wrote 4 of 4 designs"
    pngs = sorted(tmp_path.glob("*.png"))
    assert [p.name for p in pngs] == [f"sample_5_{i:03d}.png" for i in range(4)]
    z = sample_latents(project, batch.draws, 5, 0.8, prior)
    draws = []
    for png in pngs:
        side = json.loads(png.with_suffix(".json").read_text())
        assert side["prior"] == prior and side["temperature"] == 0.8 and side["seed"] == 5
        draws.append(side["draw"])
        np.testing.assert_array_equal(np.float32(side["latent"]), z[side["draw"]])
        again = reproduce(project, str(png.with_suffix(".json")), tmp_path / "again")
        assert again[0].read_bytes() == png.read_bytes()
        assert json.loads(again[1].read_text())["prior"] == prior
    assert draws == sorted(set(draws)) and draws[-1] == batch.draws - 1
    other = "normal" if prior == "fitted" else "fitted"
    assert not np.allclose(z, sample_latents(project, batch.draws, 5, 0.8, other))


def blank_draws(monkeypatch, blank):
    """Make the decoder give an empty design for the draws whose number ``blank`` accepts."""
    real, calls = sampling.decode, []

    def decode(project, z):
        calls.append(len(calls))
        probs = real(project, z)
        return np.zeros_like(probs) if blank(calls[-1]) else probs

    monkeypatch.setattr(sampling, "decode", decode)
    return calls


def test_an_empty_design_is_skipped_and_replaced_by_the_next_draw(project_path, tmp_path, monkeypatch):
    project = load_project(project_path)
    blank_draws(monkeypatch, lambda j: j in (0, 2))
    batch = run_to_end(sample_designs(project, 3, tmp_path, "png", seed=1))
    assert (batch.designs, batch.empty, batch.draws) == (3, 2, 5)
    assert batch.summary("OUT") == "wrote 3 of 3 designs into OUT (2 empty draws skipped and replaced)"
    sides = [json.loads(p.read_text()) for p in sorted(tmp_path.glob("*.json"))]
    assert [s["draw"] for s in sides] == [1, 3, 4]
    z = sample_latents(project, 5, 1)
    for side in sides:
        np.testing.assert_array_equal(np.float32(side["latent"]), z[side["draw"]])
    monkeypatch.undo()
    again = reproduce(project, str(tmp_path / "sample_1_000.json"), tmp_path / "again")
    assert again[0].read_bytes() == (tmp_path / "sample_1_000.png").read_bytes()


def test_is_empty_uses_the_level_for_meshes():
    grid = np.zeros((1, 8, 8, 8), np.float32)
    grid[0, 3, 3, 3] = 0.4
    assert is_empty("mesh", grid, 0.5) and not is_empty("mesh", grid, 0.3)
    faint = np.zeros((1, 8, 8))
    assert is_empty("image", faint)
    faint[0, 2, 2] = 0.3  # a faint design is still a design (the model needs training, not another draw)
    assert not is_empty("image", faint)


def run_cli(monkeypatch, *args) -> int:
    monkeypatch.setattr(cli_main, "interrupt_on_sigterm", lambda: None)  # no process-wide handler in tests
    return cli_main.main([str(a) for a in args])


def test_cli_sample_draws_from_the_fitted_density_unless_told_the_normal_prior(project_path, tmp_path, monkeypatch,
                                                                                 capsys):
    for prior in ("fitted", "normal"):
        out = tmp_path / prior
        assert run_cli(monkeypatch, "sample", project_path, "-n", "3", "-o", out,
                       *([] if prior == "fitted" else ["--prior", "normal"])) == 0
        printed = capsys.readouterr()
        assert printed.out.split() == [str(out / f"sample_0_{i:03d}.png") for i in range(3)]
        assert printed.err.startswith(f"vae-designer: wrote 3 of 3 designs into {out}")  # and any empty draws
        assert json.loads((out / "sample_0_000.json").read_text())["prior"] == prior
    assert run_cli(monkeypatch, "sample", project_path, "-n", "2", "-o", tmp_path / "x", "--level", "0.3") == 2
    assert "--level is for mesh projects" in capsys.readouterr().err
    with pytest.raises(SystemExit) as bad_usage:
        run_cli(monkeypatch, "sample", project_path, "-n", "2", "-o", tmp_path / "x", "--prior", "wide")
    assert bad_usage.value.code == 2 and "invalid choice: 'wide'" in capsys.readouterr().err


def test_cli_sample_says_how_far_it_got_when_every_draw_is_empty(project_path, tmp_path, monkeypatch, capsys):
    calls = blank_draws(monkeypatch, lambda j: j >= 1)
    assert run_cli(monkeypatch, "sample", project_path, "-n", "2", "-o", tmp_path) == 2
    printed = capsys.readouterr()
    assert printed.out.split() == [str(tmp_path / "sample_0_000.png")]  # what it made stays
    message = printed.err.strip()
    assert "\n" not in message and message.startswith(f"vae-designer: error: wrote 1 of 2 designs into {tmp_path}")
    assert f"{max_draws(2) - 1} of {max_draws(2)} draws decoded to empty designs; try a lower --temperature" in message
    assert len(list(tmp_path.glob("*.png"))) == 1 and len(calls) == max_draws(2)
    blank_draws(monkeypatch, lambda j: True)
    assert run_cli(monkeypatch, "sample", project_path, "-n", "2", "-o", tmp_path / "none", "--prior", "normal") == 2
    assert capsys.readouterr().err.strip().endswith("try a lower --temperature or --prior fitted")
