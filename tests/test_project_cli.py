"""Training projects end to end through the CLI: train, info, encode, sample, interpolate, resume.

Runs the real command in subprocesses, as a user would, on a tiny generated
image folder and a tiny mesh folder.
"""

import json
import os
import pickle
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import trimesh
from helpers import REPO, TINY, fail, ok, run_cli, save_silhouette
from PIL import Image

pytestmark = pytest.mark.slow  # the real CLI trains and exports in subprocesses

@pytest.fixture(scope="module")
def image_folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("designs")
    rng = np.random.default_rng(0)
    for i in range(40):
        label = "wide" if i % 2 else "tall"
        w, h = (int(rng.integers(60, 90)), int(rng.integers(15, 30)))
        if label == "tall":
            w, h = h, w
        save_silhouette(root / label / f"{label}_{i:02d}.png", size=(120, 120), box=(10, 10, 10 + w, 10 + h))
    return root


@pytest.fixture(scope="module")
def image_project(image_folder, tmp_path_factory):
    project = tmp_path_factory.mktemp("proj") / "cars.vaed"
    ok(run_cli("train", image_folder, "-o", project, "--resolution", "32", *TINY))
    return project


def test_train_writes_a_project_info_reads_it(image_project):
    p = ok(run_cli("info", image_project, "--json"))
    info = json.loads(p.stdout)
    assert info["kind"] == "image" and info["dataset"]["count"] == 40
    assert info["dataset"]["labels"] == {"tall": 20, "wide": 20}
    assert info["model"]["latent_dim"] == 4 and info["metrics"]["epochs_done"] == 2
    assert info["metrics"]["best_val_loss"] > 0
    assert info["sampling"]["prior"] == "fitted" and info["sampling"]["components"] >= 1
    text = ok(run_cli("info", image_project)).stdout
    assert "40 designs" in text and "latent 4" in text
    assert f"samples: from the density of the training encodings: {info['sampling']['density']}" in text


def test_project_holds_no_pickle_and_loads_without_it(image_project, monkeypatch):
    files = [p for p in image_project.rglob("*") if p.is_file()]
    assert files and all(p.suffix in (".json", ".safetensors") for p in files)
    for p in files:
        assert not p.read_bytes().startswith(b"\x80")  # pickle protocol marker

    def forbidden(*a, **k):
        raise AssertionError("unpickling while opening a project")

    import torch

    monkeypatch.setattr(pickle, "load", forbidden)
    monkeypatch.setattr(pickle, "loads", forbidden)
    monkeypatch.setattr(pickle, "Unpickler", forbidden)
    monkeypatch.setattr(torch, "load", forbidden)
    from vae_designer.core.project.store import load_project

    project = load_project(image_project)
    assert project.encodings.shape == (40, 4)
    assert project.model() is not None
    assert project.trainer_state().epoch == 2


def test_encode_csv(image_project, tmp_path):
    p = ok(run_cli("encode", image_project))
    rows = p.stdout.strip().splitlines()
    assert rows[0].split(",")[:3] == ["path", "label", "z0"] and len(rows) == 41
    ok(run_cli("encode", image_project, "--csv", tmp_path / "z.csv"))
    assert (tmp_path / "z.csv").read_text() == p.stdout


def test_sample_and_reproduce_from_sidecar(image_project, tmp_path):
    out = tmp_path / "out"
    ok(run_cli("sample", image_project, "-n", "3", "-o", out, "--seed", "7"))
    pngs = sorted(out.glob("*.png"))
    assert len(pngs) == 3 and len(list(out.glob("*.json"))) == 3
    img = Image.open(pngs[0])
    assert img.size == (32, 32)
    side = json.loads(pngs[0].with_suffix(".json").read_text())
    assert side["seed"] == 7 and len(side["latent"]) == 4 and side["source"] == "sample"
    assert side["prior"] == "fitted" and side["temperature"] == 1.0  # where the designs lie, by default
    # the same seed gives the same designs; the sidecar reproduces the file byte for byte
    again = tmp_path / "again"
    ok(run_cli("sample", image_project, "-n", "3", "-o", again, "--seed", "7"))
    assert [f.read_bytes() for f in sorted(again.glob("*.png"))] == [f.read_bytes() for f in pngs]
    repro = tmp_path / "repro"
    ok(run_cli("sample", image_project, "--from-json", pngs[1].with_suffix(".json"), "-o", repro))
    assert (repro / pngs[1].name).read_bytes() == pngs[1].read_bytes()
    # the plain prior on request, recorded in the sidecar, reproduced all the same
    plain = tmp_path / "plain"
    p = ok(run_cli("sample", image_project, "-n", "2", "-o", plain, "--prior", "normal", "--temperature", "0.5"))
    assert "wrote 2 of 2 designs" in p.stderr
    first = sorted(plain.glob("*.json"))[0]
    assert json.loads(first.read_text())["prior"] == "normal"
    ok(run_cli("sample", image_project, "--from-json", first, "-o", repro))
    assert (repro / first.with_suffix(".png").name).read_bytes() == first.with_suffix(".png").read_bytes()


def test_sample_crisp_png_at_a_size_svg_and_dxf(image_project, tmp_path):
    import xml.etree.ElementTree as ET

    from vae_designer.core.project.store import load_project

    manifest = load_project(image_project).manifest
    assert manifest["image_look"] == "silhouette" and manifest["image_tones"]
    big = tmp_path / "big"
    ok(run_cli("sample", image_project, "-n", "2", "-o", big, "--size", "200"))
    png = sorted(big.glob("*.png"))[0]
    assert Image.open(png).size == (200, 200)
    side = json.loads(png.with_suffix(".json").read_text())
    assert side["export"]["pixels"] == 200 and side["export"]["look"] == "silhouette"
    repro = tmp_path / "repro"
    ok(run_cli("sample", image_project, "--from-json", png.with_suffix(".json"), "-o", repro))
    assert (repro / png.name).read_bytes() == png.read_bytes()
    vec = tmp_path / "vec"
    ok(run_cli("sample", image_project, "-n", "1", "-o", vec, "--format", "svg"))
    root = ET.parse(next(vec.glob("*.svg"))).getroot()
    size = manifest["typical_size"]
    assert root.get("viewBox") == f"0 0 {size:g} {size:g}"
    ok(run_cli("interpolate", image_project, "wide_01.png", "tall/tall_00.png", "--steps", "2", "-o", vec,
               "--format", "dxf"))
    assert len(list(vec.glob("interp_*.dxf"))) == 2
    fail(run_cli("sample", image_project, "-n", "1", "-o", vec, "--format", "svg", "--size", "64"), "--size")


def test_interpolate_between_training_files_and_sidecars(image_project, tmp_path):
    out = tmp_path / "interp"
    ok(run_cli("interpolate", image_project, "wide_01.png", "tall/tall_00.png", "--steps", "4", "-o", out))
    files = sorted(out.glob("*.png"))
    assert len(files) == 4
    # the ends are different designs (compared as decoded: a 2-epoch model's crisp pictures may both be
    # bare paper, its ink nowhere above one half)
    from vae_designer.core.latent.generate import decode
    from vae_designer.core.project.store import load_project

    proj = load_project(image_project)
    ends = decode(proj, np.array([json.loads(f.with_suffix(".json").read_text())["latent"] for f in files[::3]]))
    assert np.abs(ends[0] - ends[1]).max() > 0
    # the ends are exactly the two training items' encodings, the middle lies between
    za = proj.encodings[proj.paths.index("wide/wide_01.png")]
    zb = proj.encodings[proj.paths.index("tall/tall_00.png")]
    lat = [np.array(json.loads(f.with_suffix(".json").read_text())["latent"]) for f in files]
    np.testing.assert_allclose(lat[0], za, rtol=1e-6)
    np.testing.assert_allclose(lat[-1], zb, rtol=1e-6)
    np.testing.assert_allclose(lat[1], za + (zb - za) / 3, rtol=1e-5, atol=1e-6)
    side = json.loads(files[1].with_suffix(".json").read_text())
    assert side["parents"] == ["wide/wide_01.png", "tall/tall_00.png"]
    assert side["weights"] == pytest.approx([2 / 3, 1 / 3])
    ok(run_cli("interpolate", image_project, files[0].with_suffix(".json"), "wide_03.png", "--steps", "2",
           "-o", tmp_path / "i2"))


def test_resume_continues_the_curve(image_folder, image_project, tmp_path):
    import shutil

    copy = tmp_path / "copy.vaed"
    shutil.copytree(image_project, copy)
    fail(run_cli("train", image_folder, "-o", copy, "--resume"), "already trained 2 epochs")
    ok(run_cli("train", image_folder, "-o", copy, "--resume", "--epochs", "3"))
    from vae_designer.core.project.store import load_project

    before, after = load_project(image_project), load_project(copy)
    assert after.epoch == 3 and after.id == before.id
    assert after.metrics["history"][:2] == before.metrics["history"]
    # training from scratch for 3 epochs gives the same curve
    fresh = tmp_path / "fresh.vaed"
    ok(run_cli("train", image_folder, "-o", fresh, "--resolution", "32", *TINY[:1], "3", *TINY[2:]))
    h_fresh = load_project(fresh).metrics["history"]
    for a, b in zip(after.metrics["history"], h_fresh):
        assert a["val_recon"] == pytest.approx(b["val_recon"], rel=1e-5)
    # the training options reach the project's TrainConfig
    shifted = tmp_path / "shifted.vaed"
    ok(run_cli("train", image_folder, "-o", shifted, "--resolution", "32", *TINY, "--shift", "2", "--no-early-stop"))
    assert load_project(shifted).train_config.shift_pixels == 2 and load_project(shifted).train_config.early_stop == 0
    assert load_project(fresh).train_config.shift_pixels == 0 and load_project(fresh).train_config.early_stop == 0.2


@pytest.mark.parametrize("args,message", [
    (["train", "{folder}", "-o", "{project}"], "already a project"),
    (["train", "{folder}", "-o", "{tmp}/p", "--epochs", "0"], "at least 1"),
    (["train", "{folder}", "-o", "{tmp}/p", "--device", "tpu"], "invalid choice"),
    (["train", "{tmp}/nothing", "-o", "{tmp}/p"], "no such folder"),
    (["sample", "{tmp}", "-n", "2", "-o", "{tmp}/o"], "not a VAE Designer project"),
    (["sample", "{project}", "-n", "2", "-o", "{tmp}/o", "--format", "stl"], "does not fit"),
    (["sample", "{project}", "--from-json", "{tmp}/bad.json", "-o", "{tmp}/o"], "bad.json"),
    (["sample", "{project}", "-n", "2", "-o", "{tmp}/o", "--level", "0.4"], "for mesh projects"),
    (["sample", "{project}", "-n", "2", "-o", "{tmp}/o", "--seed", "-3"], "--seed must be zero or"),
    (["sample", "{project}", "-n", "2", "-o", "{tmp}/o", "--prior", "wide"], "invalid choice"),
    (["interpolate", "{project}", "nope.png", "wide_01.png", "-o", "{tmp}/o"], "neither a training file"),
    (["encode", "{project}", "--csv", "{tmp}/missing/z.csv"], "does not exist"),
    (["info", "{tmp}/nowhere"], "no such project"),
])
def test_cli_errors_are_one_line_exit_2(image_folder, image_project, tmp_path, args, message):
    (tmp_path / "bad.json").write_text("{not json")
    fmt = dict(folder=image_folder, project=image_project, tmp=tmp_path)
    fail(run_cli(*[a.format(**fmt) for a in args]), message)


def test_mesh_project_exports_watertight_meshes_in_source_units(mesh_folder, tmp_path):
    project = tmp_path / "boxes.vaed"
    ok(run_cli("train", mesh_folder, "-o", project, "--epochs", "60", "--latent-dim", "4", "--batch-size", "4"))
    for fmt in ("stl", "obj", "ply", "glb"):
        out = tmp_path / fmt
        ok(run_cli("interpolate", project, "long_0.stl", "tall_1.stl", "--steps", "2", "-o", out,
               "--format", fmt))
        files = sorted(out.glob(f"*.{fmt}"))
        assert len(files) == 2
        for f in files:
            m = trimesh.load(f, force="mesh")
            m.merge_vertices()
            assert m.is_watertight and m.volume > 0
            assert 0.3 < max(m.extents) < 1.6  # the boxes were 1 unit long
    repro = tmp_path / "repro"
    ok(run_cli("sample", project, "--from-json", tmp_path / "stl" / "interp_000.json", "-o", repro))
    assert (repro / "interp_000.stl").read_bytes() == (tmp_path / "stl" / "interp_000.stl").read_bytes()
    # samples at a chosen surface level: every one written (an empty draw would be replaced), reproducible
    p = ok(run_cli("sample", project, "-n", "4", "-o", tmp_path / "samples", "--level", "0.4"))
    assert "wrote 4 of 4 designs" in p.stderr
    stls = sorted((tmp_path / "samples").glob("*.stl"))
    assert len(stls) == 4
    side = json.loads(stls[0].with_suffix(".json").read_text())
    assert side["export"]["level"] == 0.4 and side["prior"] == "fitted"
    ok(run_cli("sample", project, "--from-json", stls[0].with_suffix(".json"), "-o", repro))
    assert (repro / stls[0].name).read_bytes() == stls[0].read_bytes()


def test_kill_during_save_leaves_previous_project_readable(image_project, tmp_path):
    import shutil

    from vae_designer.core.project.store import load_project

    copy = tmp_path / "p.vaed"
    shutil.copytree(image_project, copy)
    before = load_project(copy)
    # a process that saves the project over and over, killed at a random moment
    code = (
        "import sys\n"
        "from vae_designer.core.project.store import load_project, save_project\n"
        "p = load_project(sys.argv[1]); s = p.trainer_state()\n"
        "print('ready', flush=True)\n"
        "while True:\n"
        "    save_project(p.path, s, p.manifest, p.encodings)\n"
    )
    for delay in (0.05, 0.2, 0.45):
        proc = subprocess.Popen([sys.executable, "-c", code, str(copy)], cwd=REPO, stdout=subprocess.PIPE)
        assert proc.stdout.readline().strip() == b"ready"
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        after = load_project(copy)
        assert after.id == before.id
        assert np.array_equal(after.encodings, before.encodings)
        for k, v in before.weights.items():
            assert np.array_equal(after.weights[k].numpy(), v.numpy())
        assert np.array_equal(after.density().sample(4, 0), before.density().sample(4, 0))


def test_two_process_torchrun_training(image_folder, tmp_path):
    project = tmp_path / "ddp.vaed"
    env = dict(os.environ, OMP_NUM_THREADS="1")
    p = subprocess.run([sys.executable, "-m", "torch.distributed.run", "--nproc_per_node=2",
                        "--standalone", "-m", "vae_designer", "train", str(image_folder), "-o",
                        str(project), "--resolution", "32", "--epochs", "1", "--latent-dim", "4",
                        "--batch-size", "8", "--device", "cpu"],
                       capture_output=True, text=True, cwd=REPO, timeout=300, env=env)
    assert p.returncode == 0, p.stderr[-3000:]
    from vae_designer.core.project.store import load_project

    proj = load_project(project)
    assert proj.epoch == 1 and proj.encodings.shape == (40, 4)
    assert len(proj.metrics["history"]) == 1
