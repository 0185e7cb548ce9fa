"""Design quality of what the app trains and exports, side by side with a pythae VAE.

Data sets (``--only`` picks some):

* ``cars``:  the bundled car silhouettes, ``vae_designer/assets/samples/cars-2d`` (300 images),
  loaded with ``load_designs(..., "image", 64)``.
* ``mnist``: ../shared/data/mnist-test at 64x64, a deterministic subset: per
  digit the ``--per-digit`` (150) images with the lowest MNIST index (the file
  name), 1,500 images in all.
* ``voron``: ../shared/data/meshes-voron0 (99 CAD parts) at 32^3.

Each data set is trained three times, one after the other (never at once):

1. **ours, default settings**: ``ModelConfig.for_designs`` / ``TrainConfig.for_designs``
   unchanged, ``Trainer(designs, mc, tc).run()`` driven to its end by
   ``core.generators.run_to_end``; its wall time is reported.  Its
   validation split (``state.split["val"]``, the default 10%) is *the held-out set*
   of all three runs.
2. **ours, 60 s**: the same defaults with the epoch count raised, stopped after
   ``--seconds`` (60) by a timer through its ``TrainControl`` (as the app's
   Stop button does; ``timed_training.train_for``), on the same split.
3. **pythae, 60 s**: a ``pythae.models.VAE`` (pythae 0.1.2, BCE reconstruction
   loss, the same latent size) with pythae's ResNet nets for 64x64 images
   (``Encoder_ResNet_VAE_CELEBA`` / ``Decoder_ResNet_AE_CELEBA``, first and last
   layer made 1-channel) or, for 32^3 voxels, for which pythae has no
   networks, its default MLP nets; Adam (``--peer-lr``, 1e-3; pythae's trainer
   default is 1e-4), batch 64, 2 threads, the same ``--seconds``, final
   weights.  It runs in a subprocess with pythae's own virtual environment
   (``benchmarks/pythae_peer.py``), given the exact train and held-out arrays
   (float32, as ``DesignSet.batch`` makes them) in an .npz.

Ours is scored with the best weights (``state.best_weights``: the weight
average at the epoch of lowest validation ELBO, what a project decodes and
exports with -- note that this choice is made on the held-out items), through
``core.training.inference`` (``encode_all``, ``decode_latents``); the peer with
its final weights.  Scores (see the functions at the top; all on the decoder's
probabilities p, each held-out item decoded from its posterior mean):

* **held-out IoU**: IoU of ``p > 0.5`` with ``target > 0.5``, mean over held-out items.
  Images also get the IoU of **the shape as exported** (``evaluation.shape_iou_per_item``: the
  first tone band of ``core.export.crisp.band_fields`` on both): for one ink tone (MNIST) it is
  the same number; for the cars it is the whole car, where ``p > 0.5`` is the dark body alone,
  whose top edge is the 1-pixel anti-aliased frame around the light windows.
* **undecided edge**: of all pixels / voxels in the targets' boundary bands
  (binary dilation XOR erosion of the target mask, scipy's default cross /
  6-neighbour element; the grid border does not count as an edge), the
  fraction whose p lies in (0.2, 0.8), pooled over the held-out items.
  For a silhouette collection with several flat ink tones (the cars: paper,
  windows 0.31, body 0.85) "decided" means at one of its levels: p is
  undecided when it lies in the middle 60% between the two levels around it
  (for one tone, levels 0 and 1, exactly (0.2, 0.8)), so a window the model
  paints at its own tone is decided.  For grey data (MNIST's anti-aliased
  strokes) a faithful grey edge counts as undecided too; an empty decoding has
  no undecided edge at all (read it beside the IoU).
* **clean samples**: of ``--samples`` (64) latent draws, decoded and exported,
  the share that are clean.  Ours: drawn by :func:`sample_latents` (the fitted
  aggregate-posterior density of ``core.latent.density`` when that module
  exists, else N(0, I); the table says which) and written with the project's
  own export path (the run is saved with ``core.project.store.save_project`` and
  each sample goes through ``core.latent.generate.export_design``); the peer:
  N(0, I) (pythae's own default sampler), the same draws as ours under N(0, I),
  written with ``core.export.files``.  An image sample is clean if it is not
  empty (some p > 0.5), its largest 8-connected part (p > 0.5) holds >= 95% of
  the foreground and <= 15% of its visible pixels (p > 0.2) are undecided
  (p < 0.8).  A mesh sample is clean if the exported STL, read back with
  trimesh, is non-empty, watertight and its largest body holds >= 95% of the
  volume (inner shells of cavities, of negative volume, are not bodies).
* **Chamfer** (meshes): each held-out reconstruction, exported as a mesh in
  source units (``mesh_from_probs`` with the item's ``meta["centre"]`` and
  ``meta["size"]``, i.e. the inverse of the voxelizer's mapping) against its
  source file loaded with trimesh: the symmetric mean nearest-neighbour
  distance (mean of both directions, scipy cKDTree) of 5,000 surface samples
  each, in the source's units (mm for the Voron parts); median over held-out items.

A last row, **held-out designs**, scores the held-out targets themselves as if
they had been decoded (targets as p, judged as samples too): what a perfect
reconstruction would score.  Grey data (anti-aliased edges, the cars' grey
windows and hubs, MNIST's strokes) has an undecided edge of its own, and its
Chamfer is the floor of the 32^3 voxel grid.

Targets (issue text; on this 2-core CPU): default training <= 180 s for ~1,500
images at 64x64; held-out IoU >= 0.95 for the silhouettes at 64x64, >= 0.80 for
the meshes at 32^3; undecided edge <= 0.10 and >= 90% clean samples (default
training); every exported mesh watertight with one main body; in the same
60 s, held-out IoU >= 1.10x the peer's and undecided edge <= 0.5x the peer's.

The pythae environment (kept apart so that pip cannot touch the app's torch)::

    python -m venv --system-site-packages /tmp/pythae-venv
    /tmp/pythae-venv/bin/pip install --no-deps pythae==0.1.2   # or the wheel file
    /tmp/pythae-venv/bin/python -c "import pythae.models"      # check: nothing missing

``--no-deps`` keeps pip from reinstalling torch; what pythae imports for a VAE
(pydantic 2, cloudpickle, imageio, tqdm, scipy) comes from the system site
packages; install any that is missing with ``--no-deps`` too.  Without the
environment (``--peer-python``) the peer rows say why they are missing.

``OMP_WAIT_POLICY=PASSIVE`` is set (unless already set) before torch loads; see
trainer_overhead.py: on a shared 2-core CPU torch's spinning threads otherwise
lose up to 10x whenever another process wants a core.

Usage: python benchmarks/quality.py [--only cars|mnist|voron ...] [--seconds 60] [--quick] [--json]
       [--per-digit 150] [--samples 64] [--peer-python PATH] [--out DIR]
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import argparse
import dataclasses
import importlib
import importlib.util
import json
import math
import pkgutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SHARED = REPO.parent / "shared" / "data"
CARS = REPO / "vae_designer" / "assets" / "samples" / "cars-2d"
PEER_PYTHON = "/tmp/pythae-venv/bin/python"
DATASETS = ("cars", "mnist", "voron")

sys.path.insert(0, str(REPO))
from vae_designer.core.latent import evaluation  # noqa: E402 - the measures, shared with `vae-designer evaluate`

LEVEL, MAIN_PART = evaluation.LEVEL, evaluation.MAIN_PART
CHAMFER_POINTS = 5000

TARGET_DEFAULT_SECONDS = 180.0
TARGET_IOU = {"cars": 0.95, "voron": 0.80}
TARGET_UNDECIDED = 0.10
TARGET_CLEAN = 0.90
TARGET_IOU_RATIO = 1.10
TARGET_UNDECIDED_RATIO = 0.5

DENSITY_MODULE = "vae_designer.core.latent.density"


def _has_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


HAS_DENSITY = _has_module(DENSITY_MODULE)  # decided at import time


# --------------------------------------------------------------------------- metrics


#: the levels a decided value sits at: paper and full ink, or a silhouette collection's tones (run_dataset)
LEVELS = [0.0, 1.0]

# The measures are the product's own (``vae-designer evaluate``): core.latent.evaluation.
_grids, iou_per_item, boundary_band, collection_levels, mesh_flaw, shape_iou_per_item = (
    evaluation.grids, evaluation.iou_per_item, evaluation.boundary_band, evaluation.collection_levels,
    evaluation.mesh_flaw, evaluation.shape_iou_per_item)


def undecided(p: np.ndarray) -> np.ndarray:
    return evaluation.undecided(p, LEVELS)


def undecided_edge_share(probs: np.ndarray, target: np.ndarray) -> float:
    return evaluation.undecided_edge_share(probs, target, LEVELS)


def image_flaw(p: np.ndarray) -> str:
    return evaluation.image_flaw(p, LEVELS)


def chamfer_distance(a, b, points: int = CHAMFER_POINTS, seed: int = 0) -> float:
    """Symmetric mean nearest-neighbour distance between ``points`` surface samples of meshes a and b:
    (mean over a's samples of the distance to b's nearest + the same from b to a) / 2, in their units."""
    import trimesh
    from scipy.spatial import cKDTree

    pa, _ = trimesh.sample.sample_surface(a, points, seed=seed)
    pb, _ = trimesh.sample.sample_surface(b, points, seed=seed + 1)
    return float((cKDTree(pb).query(pa)[0].mean() + cKDTree(pa).query(pb)[0].mean()) / 2)


# --------------------------------------------------------------------------- hooks


def export_function(name: str):
    """``name`` from ``core.export.files`` -- or wherever the export package keeps it now (it is
    being refactored): the package itself, then its other modules."""
    tried = ["vae_designer.core.export.files", "vae_designer.core.export"]
    for module in tried:
        try:
            fn = getattr(importlib.import_module(module), name, None)
        except ImportError:
            fn = None
        if fn is not None:
            return fn
    package = importlib.import_module("vae_designer.core.export")
    for info in pkgutil.iter_modules(package.__path__):
        fn = getattr(importlib.import_module(f"{package.__name__}.{info.name}"), name, None)
        if fn is not None:
            return fn
    raise ImportError(f"no {name} in vae_designer.core.export")


def normal_latents(latent_dim: int, n: int, seed: int) -> np.ndarray:
    """N(0, I) draws: ``default_rng(seed).standard_normal((n, D))``, as ``generate.prior_latents``."""
    return np.random.default_rng(seed).standard_normal((n, latent_dim)).astype(np.float32)


def sample_latents(project_or_state, n: int, seed: int) -> tuple[np.ndarray, str]:
    """``n`` latent vectors to sample ours from, and which sampler drew them.

    The aggregate posterior when ``core.latent.density`` exists (at import time): the project's
    own fitted density (``Project.density()``) where it has one, else ``fit_density`` on the
    training split's encodings.  Otherwise (or for a bare TrainerState) the prior N(0, I).
    """
    obj = project_or_state
    dim = obj.model_config.latent_dim
    if HAS_DENSITY:
        own = getattr(obj, "density", None)
        if callable(own):
            density = own()
            return density.sample(n, seed), f"samples from the project's fitted density ({density.describe()})"
        encodings = getattr(obj, "encodings", None)
        if encodings is not None:
            density_module = importlib.import_module(DENSITY_MODULE)
            train = (getattr(obj, "metrics", None) or {}).get("split", {}).get("train")
            density = density_module.fit_density(encodings if train is None else encodings[train])
            describe = density.describe() if hasattr(density, "describe") else type(density).__name__
            return density.sample(n, seed), f"samples from fit_density on the training encodings ({describe})"
    return normal_latents(dim, n, seed), "samples from N(0, I)"


# --------------------------------------------------------------------------- data


def subset(designs, indices):
    """A DesignSet of the given items only."""
    idx = list(indices)
    return dataclasses.replace(designs, paths=[designs.paths[i] for i in idx],
                               labels=[designs.labels[i] for i in idx], data=designs.data[idx],
                               meta=[designs.meta[i] for i in idx], skipped=[])


def mnist_subset(designs, per_digit: int):
    """Per digit (label), the ``per_digit`` items with the lowest MNIST index (the file name)."""
    by_label: dict[str, list[tuple[int, int]]] = {}
    for i, (path, label) in enumerate(zip(designs.paths, designs.labels)):
        by_label.setdefault(label, []).append((int(Path(path).stem), i))
    keep = sorted(i for rows in by_label.values() for _, i in sorted(rows)[:per_digit])
    return subset(designs, keep)


def load(name: str, args):
    """(DesignSet, one-line description) of a data set; None, reason when its folder is missing."""
    from vae_designer.core.ingest import load_designs

    if name == "cars":
        folder, kind, res, what = CARS, "image", 64, "car silhouettes (vae_designer/assets/samples/cars-2d) at 64x64"
    elif name == "mnist":
        folder, kind, res = Path(args.data) / "mnist-test", "image", 64
        what = f"MNIST test set at 64x64, {args.per_digit} per digit (lowest MNIST indices)"
    else:
        folder, kind, res, what = Path(args.data) / "meshes-voron0", "mesh", 32, "Voron 0 CAD meshes at 32^3"
    if not folder.is_dir():
        return None, f"{folder}: not found"
    designs = load_designs(folder, kind, res)
    if name == "mnist":
        designs = mnist_subset(designs, args.per_digit)
    return designs, what


def load_avg() -> str:
    try:
        return open("/proc/loadavg").read().split()[0]
    except OSError:
        return "?"


# --------------------------------------------------------------------------- training


def train_default(designs, epochs: int | None, log):
    """Ours with the default settings (``epochs`` overrides only the epoch count, for --quick),
    driven by run_to_end: (state, wall seconds)."""
    from vae_designer.core.generators import run_to_end
    from vae_designer.core.model.config import ModelConfig, TrainConfig
    from vae_designer.core.training import Trainer

    mc = ModelConfig.for_designs(designs)
    tc = TrainConfig.for_designs(designs, epochs=epochs)
    t0 = time.perf_counter()
    next_report = [15.0]

    def progress(ev) -> None:
        now = time.perf_counter() - t0
        if ev.kind == "epoch" and (now >= next_report[0] or ev.epoch == ev.epochs):
            next_report[0] = now + 15
            log(f"    {now:5.0f} s  epoch {ev.epoch:3d}/{ev.epochs}  validation "
                f"{ev.val_recon + ev.val_kl:9.2f} nats")

    log(f"  ours, default settings ({tc.epochs} epochs, batch {tc.batch_size}, width {mc.width}, "
        f"latent {mc.latent_dim}); load average {load_avg()}")
    state = run_to_end(Trainer(designs, mc, tc).run(), progress)
    return state, time.perf_counter() - t0


def train_timed(designs, split: dict, seconds: float, log):
    """Ours with the default settings for ``seconds`` of wall time: (state, seconds, epochs)."""
    from timed_training import train_for

    from vae_designer.core.model.config import ModelConfig, TrainConfig
    from vae_designer.core.training import Trainer

    mc = ModelConfig.for_designs(designs)
    tc = TrainConfig.for_designs(designs, epochs=100_000)
    trainer = Trainer(designs, mc, tc, split=split)
    log(f"  ours, {seconds:g} s; load average {load_avg()}")
    state, elapsed = train_for(trainer, seconds)
    return state, elapsed, state.epoch + state.progress.get("step", 0) / trainer.steps_per_epoch


def peer_check(python: str) -> str:
    """'' if ``python`` can import pythae's VAE, else why not."""
    if not os.path.exists(python):
        return f"{python}: not found (set up the pythae venv, see the docstring, or pass --peer-python)"
    try:
        r = subprocess.run([python, "-c", "import pythae.models, torch"], capture_output=True, text=True,
                           timeout=300)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"{python}: {exc}"
    if r.returncode:
        return f"{python} cannot import pythae: {(r.stderr.strip().splitlines() or ['?'])[-1]}"
    return ""


def train_peer(python: str, x_train, x_val, z, seconds: float, latent_dim: int, lr: float, workdir: Path):
    """Run pythae_peer.py in the pythae venv: (val_probs, sample_probs, info)."""
    workdir.mkdir(parents=True, exist_ok=True)
    src, dst = workdir / "peer-in.npz", workdir / "peer-out.npz"
    cfg = dict(seconds=seconds, latent_dim=latent_dim, lr=lr, batch_size=64, threads=2, seed=0)
    np.savez(src, x_train=x_train, x_val=x_val, z_samples=z, config=json.dumps(cfg))
    r = subprocess.run([python, str(HERE / "pythae_peer.py"), str(src), str(dst)], capture_output=True,
                       text=True, timeout=seconds + 900)
    if r.returncode:
        raise RuntimeError(f"pythae_peer.py failed: {(r.stderr.strip().splitlines() or ['?'])[-1]}")
    out = np.load(dst)
    return out["val_probs"], out["sample_probs"], json.loads(str(out["info"]))


# --------------------------------------------------------------------------- scoring


def mesh_settings(designs) -> tuple[float, int]:
    """(typical size, margin voxels): what a project's export uses for a new mesh design."""
    return (float(np.median([m["size"] for m in designs.meta])), int(designs.settings.mesh_margin_voxels))


def check_samples(designs, probs: np.ndarray, outdir: Path, write) -> dict:
    """Clean share of decoded samples: each written with ``write(i, p) -> path``, then judged (images
    on their probabilities, meshes on the file read back)."""
    import trimesh

    from vae_designer.core.errors import UserError

    outdir.mkdir(parents=True, exist_ok=True)
    flaws: dict[str, int] = {}
    exported = watertight = main_body = 0
    for i, p in enumerate(probs):
        if designs.kind == "image":
            write(i, p)
            flaw = image_flaw(_grids(p[None])[0])
        else:
            try:
                mesh = trimesh.load(write(i, p), force="mesh")
            except UserError:  # nothing above the level: no surface to export
                mesh = None
            flaw, tight, main = mesh_flaw(mesh)
            exported += mesh is not None and len(mesh.faces) > 0
            watertight += tight
            main_body += tight and main >= MAIN_PART
        if flaw:
            flaws[flaw] = flaws.get(flaw, 0) + 1
    n = len(probs)
    out = {"samples": n, "clean": n - sum(flaws.values()), "flaws": flaws}
    out["clean_share"] = out["clean"] / n if n else 0.0
    if designs.kind == "mesh":
        out.update(exported=exported, watertight=watertight, main_body=main_body)
    return out


def direct_writer(designs, outdir: Path):
    """Write samples with core.export.files (no project): PNG in the collection's look, or STL at the
    collection's typical size."""
    if designs.kind == "image":
        image_from_probs, write_png = export_function("image_from_probs"), export_function("write_png")
        bgs = [tuple(m.get("background", (1.0, 1.0, 1.0))) for m in designs.meta]
        background = max(set(bgs), key=bgs.count)

        def write(i, p):
            path = outdir / f"sample_{i:02d}.png"
            write_png(image_from_probs(p, background=background), path)
            return path
    else:
        mesh_from_probs, write_mesh = export_function("mesh_from_probs"), export_function("write_mesh")
        size, margin = mesh_settings(designs)

        def write(i, p):
            path = outdir / f"sample_{i:02d}.stl"
            write_mesh(mesh_from_probs(p[0], size=size, margin_voxels=margin), path, "stl")
            return path
    return write


def project_writer(project, z: np.ndarray, fmt: str, outdir: Path):
    """Write samples through the project's own export path (``core.latent.generate.export_design``)."""
    from vae_designer.core.latent.generate import export_design

    def write(i, p):
        return export_design(project, z[i], outdir / f"sample_{i:02d}", fmt, probs=p, source="sample")[0]
    return write


def chamfer_items(designs, val: list[int], probs: np.ndarray) -> dict:
    """Chamfer distance (source units) of each held-out reconstruction to its source mesh."""
    import trimesh

    from vae_designer.core.errors import UserError

    mesh_from_probs = export_function("mesh_from_probs")
    _, margin = mesh_settings(designs)
    out = []
    for i, p in zip(val, probs):
        meta = designs.meta[i]
        source = trimesh.load(os.path.join(designs.root, designs.paths[i]), force="mesh")
        try:
            recon = mesh_from_probs(p[0], centre=meta["centre"], size=meta["size"], margin_voxels=margin)
        except UserError:
            out.append((math.inf, math.inf))
            continue
        d = chamfer_distance(recon, source)
        out.append((d, d / meta["size"]))
    return {"chamfer": statistics.median(d for d, _ in out), "chamfer_rel": statistics.median(r for _, r in out),
            "chamfer_empty": sum(math.isinf(d) for d, _ in out)}


def score(designs, val: list[int], val_probs: np.ndarray, sample_probs: np.ndarray, outdir: Path, write) -> dict:
    target = designs.batch(val)
    row = {"iou": float(iou_per_item(val_probs, target).mean()),
           "undecided": undecided_edge_share(val_probs, target)}
    if designs.kind == "image":
        row["shape_iou"] = float(shape_iou_per_item(val_probs, target, collection_levels(designs)).mean())
    row.update(check_samples(designs, sample_probs, outdir, write))
    if designs.kind == "mesh":
        row.update(chamfer_items(designs, val, val_probs))
    return row


def score_ours(designs, state, n_samples: int, seed: int, workdir: Path) -> dict:
    """Scores of a trained state: held-out decoding with the best weights, samples exported through
    a saved project (or directly, if that path fails)."""
    from vae_designer.core.training.inference import cached_model, decode_latents, encode_all

    mc = state.model_config
    weights = state.best_weights or state.weights
    model = cached_model(mc, weights)
    mu = encode_all(model, mc, designs)
    val = state.split["val"]
    val_probs = decode_latents(model, mu[val])
    fmt = "png" if designs.kind == "image" else "stl"
    outdir = workdir / "samples"
    try:
        from vae_designer.core.project.store import save_project

        project = save_project(workdir / "project", state, designs, mu)
        z, sampler = sample_latents(project, n_samples, seed)
        write, export = project_writer(project, z, fmt, outdir), "project export (core.latent.generate.export_design)"
    except (ImportError, AttributeError, TypeError) as exc:
        z, sampler = sample_latents(state, n_samples, seed)
        write = direct_writer(designs, outdir)
        export = f"direct (core.export), the project path failed: {type(exc).__name__}: {exc}"
    row = score(designs, val, val_probs, decode_latents(model, z), outdir, write)
    row.update(sampler=sampler, export=export, best_epoch=state.best_epoch,
               weights="best" if state.best_weights else "last (no validation yet)")
    return row


# --------------------------------------------------------------------------- one data set


def run_dataset(name: str, args, log) -> dict:
    import torch

    designs, what = load(name, args)
    if designs is None:
        log(f"{name}: skipped, {what}")
        return {"skipped": what}
    log(f"\n{name}: {what}: {len(designs)} items; torch threads {torch.get_num_threads()}")
    work = Path(args.workdir) / name
    result: dict = {"what": what, "items": len(designs), "kind": designs.kind}
    LEVELS[:] = collection_levels(designs)
    result["levels"] = list(LEVELS)

    state, wall = train_default(designs, args.default_epochs, log)
    split = state.split
    result.update(train=len(split["train"]), held_out=len(split["val"]))
    # reference: the held-out designs themselves, scored as if they were decoded (targets as p)
    targets_p = designs.batch(split["val"])
    outdir = work / "held-out-designs"
    ref = score(designs, split["val"], targets_p, targets_p, outdir, direct_writer(designs, outdir))
    ref.update(seconds=math.nan, epochs=math.nan, sampler="the held-out designs judged as samples")
    result["reference"] = ref
    row = score_ours(designs, state, args.samples, args.sample_seed, work / "ours-default")
    row.update(seconds=wall, epochs=state.epoch)
    result["ours_default"] = row

    state, wall, epochs = train_timed(designs, split, args.seconds, log)
    row = score_ours(designs, state, args.samples, args.sample_seed, work / "ours-timed")
    row.update(seconds=wall, epochs=epochs)
    result["ours_timed"] = row

    if args.peer_reason:
        result["peer"] = {"missing": args.peer_reason}
    else:
        log(f"  pythae, {args.seconds:g} s; load average {load_avg()}")
        latent_dim = state.model_config.latent_dim
        z = normal_latents(latent_dim, args.samples, args.sample_seed)
        try:
            val_probs, sample_probs, info = train_peer(
                args.peer_python, designs.batch(split["train"]), designs.batch(split["val"]), z, args.seconds,
                latent_dim, args.peer_lr, work / "peer")
        except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
            result["peer"] = {"missing": str(exc)}
        else:
            outdir = work / "peer" / "samples"
            row = score(designs, split["val"], val_probs, sample_probs, outdir, direct_writer(designs, outdir))
            row.update(seconds=info["seconds"], epochs=info["epochs"], sampler="samples from N(0, I)", info=info)
            result["peer"] = row
    result["targets"] = targets(name, result)
    return result


def _divide(a: float, b: float) -> float:
    """a / b, inf for a positive a over 0, nan for 0 / 0."""
    return a / b if b else (math.inf if a > 0 else math.nan)


def targets(name: str, r: dict) -> list[dict]:
    """Each target that applies to this data set: what, value, limit, met."""
    out = []

    def add(what: str, value, limit, met: bool) -> None:
        out.append({"target": what, "value": value, "limit": limit, "met": bool(met)})

    d, t, p = r["ours_default"], r["ours_timed"], r.get("peer", {})
    if r["kind"] == "image":
        add(f"default training <= {TARGET_DEFAULT_SECONDS:g} s (stated for ~1,500 images at 64x64)",
            d["seconds"], TARGET_DEFAULT_SECONDS, d["seconds"] <= TARGET_DEFAULT_SECONDS)
    if name in TARGET_IOU:
        add(f"held-out IoU >= {TARGET_IOU[name]} (default)", d["iou"], TARGET_IOU[name], d["iou"] >= TARGET_IOU[name])
        if "shape_iou" in d and abs(d["shape_iou"] - d["iou"]) > 5e-4:  # several tones: the exported shape too
            add(f"held-out IoU of the shape as exported >= {TARGET_IOU[name]} (default)", d["shape_iou"],
                TARGET_IOU[name], d["shape_iou"] >= TARGET_IOU[name])
    add(f"undecided edge <= {TARGET_UNDECIDED} (default)", d["undecided"], TARGET_UNDECIDED,
        d["undecided"] <= TARGET_UNDECIDED)
    add(f"clean samples >= {TARGET_CLEAN:.0%} (default)", d["clean_share"], TARGET_CLEAN,
        d["clean_share"] >= TARGET_CLEAN)
    if r["kind"] == "mesh":
        n = d["exported"]  # non-empty samples (an empty one exports no mesh; it is not clean either)
        add("every exported mesh watertight (default)", d["watertight"] / n if n else 0.0, 1.0,
            n > 0 and d["watertight"] == n)
        add("every exported mesh one main body (default)", d["main_body"] / n if n else 0.0, 1.0,
            n > 0 and d["main_body"] == n)
    if "iou" in p:  # a ratio of two zeros is nan: not met either way
        ratio = _divide(t["iou"], p["iou"])
        add(f"held-out IoU ours/pythae >= {TARGET_IOU_RATIO} ({t['seconds']:.0f} s each)", ratio,
            TARGET_IOU_RATIO, ratio >= TARGET_IOU_RATIO)
        ratio = _divide(t["undecided"], p["undecided"])
        add(f"undecided edge ours/pythae <= {TARGET_UNDECIDED_RATIO} (same time)", ratio, TARGET_UNDECIDED_RATIO,
            ratio <= TARGET_UNDECIDED_RATIO)
    return out


# --------------------------------------------------------------------------- output


def _num(value: float, width: int) -> str:
    return f"{value:{width}.1f}" if math.isfinite(value) else f"{'-':>{width}s}"


def _ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b else "-"


def print_table(name: str, r: dict, log) -> None:
    if "skipped" in r:
        return
    mesh = r["kind"] == "mesh"
    log(f"\n== {name}: {r['what']}: {r['items']} items, {r['train']} train / {r['held_out']} held out")
    head = (f"  {'':22s} {'wall s':>7s} {'epochs':>7s} {'held-out IoU':>13s} {'undecided edge':>15s}"
            f" {'clean samples':>14s}")
    log(head + (f" {'Chamfer (median)':>22s}" if mesh else ""))
    rows = [("ours, default", r["ours_default"]), (f"ours, {r['ours_timed']['seconds']:.0f} s", r["ours_timed"])]
    p = r.get("peer", {})
    if "iou" in p:
        rows.append((f"pythae, {p['seconds']:.0f} s", p))
    for label, row in [*rows, ("held-out designs", r["reference"])]:
        line = (f"  {label:22s} {_num(row['seconds'], 7)} {_num(row['epochs'], 7)} {row['iou']:13.3f}"
                f" {row['undecided']:15.3f}"
                f" {row['clean']:>7d}/{row['samples']:<3d} {row['clean_share']:3.0%}")
        if mesh:
            line += f" {row['chamfer']:9.3f} ({row['chamfer_rel']:.2%} of size)"
        log(line)
    if "iou" in p:
        t = r["ours_timed"]
        line = (f"  {'ratio ours/pythae':22s} {'':7s} {'':7s} {_ratio(t['iou'], p['iou']):>13s}"
                f" {_ratio(t['undecided'], p['undecided']):>15s} {_ratio(t['clean_share'], p['clean_share']):>14s}")
        if mesh:
            line += f" {_ratio(t['chamfer'], p['chamfer']):>9s}"
        log(line)
    else:
        log(f"  pythae: no peer: {p.get('missing', '?')}")
    if any("shape_iou" in row and abs(row["shape_iou"] - row["iou"]) > 5e-4 for _, row in rows):
        log("  held-out IoU of the shape as exported (the whole silhouette, every tone; the 0.5 mask above is the "
            "dark body alone): " + ", ".join(f"{label} {row['shape_iou']:.3f}" for label, row in rows
                                             if "shape_iou" in row))
    for label, row in [*rows, ("held-out designs", r["reference"])]:
        flaws = ", ".join(f"{k} {v}" for k, v in sorted(row["flaws"].items())) or "none"
        extra = (f"; of {row['exported']} exported meshes {row['watertight']} watertight, {row['main_body']} "
                 "with one main body") if mesh else ""
        log(f"  {label}: {row['sampler']}; flaws: {flaws}{extra}")
    d = r["ours_default"]
    log(f"  ours: {d['weights']} weights (best epoch {d['best_epoch']}); samples written by {d['export']}")
    if "info" in p:
        log(f"  pythae {p['info']['pythae']}: {p['info']['nets']}, {p['info']['parameters']:,} parameters, "
            f"Adam lr {p['info']['lr']:g}, batch {p['info']['batch_size']}, {p['info']['steps']} steps")
    if mesh:
        log(f"  Chamfer: source units (mm for Voron); ours' held-out reconstructions with no surface: "
            f"{d['chamfer_empty']}")
    log("  held-out designs: the held-out target grids themselves scored as if decoded (what a perfect "
        "reconstruction would score; clean: judged as samples; Chamfer: the voxel grid's own floor)")
    for t in r["targets"]:
        log(f"  target {t['target']}: {t['value']:.3f} -> {'PASS' if t['met'] else 'FAIL'}")


def _jsonable(value):
    """``value`` with numpy numbers as Python numbers and inf / nan as None (strict JSON)."""
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value) if math.isfinite(value) else None
    return value


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", action="append", choices=DATASETS, help="data set(s) to run (default: all)")
    ap.add_argument("--seconds", type=float, default=60.0, help="wall time of the side-by-side runs")
    ap.add_argument("--per-digit", type=int, default=150, help="MNIST images per digit")
    ap.add_argument("--samples", type=int, default=64, help="samples to export and judge per model")
    ap.add_argument("--sample-seed", type=int, default=0)
    ap.add_argument("--data", default=str(SHARED), help="the shared data folder")
    ap.add_argument("--peer-python", default=PEER_PYTHON, help="python of the pythae virtual environment")
    ap.add_argument("--peer-lr", type=float, default=1e-3, help="the peer's Adam learning rate")
    ap.add_argument("--no-peer", action="store_true", help="skip the pythae runs")
    ap.add_argument("--out", help="keep projects and exported samples here (default: a temporary folder)")
    ap.add_argument("--quick", action="store_true",
                    help="check that the script works: 2 epochs, 5 s, 10 per digit, 8 samples")
    ap.add_argument("--json", action="store_true", help="print the results as JSON (progress goes to stderr)")
    args = ap.parse_args()
    args.default_epochs = None
    if args.quick:
        args.default_epochs, args.seconds, args.per_digit, args.samples = 2, 5.0, 10, 8
    stream = sys.stderr if args.json else sys.stdout

    def log(*parts) -> None:
        print(*parts, file=stream, flush=True)

    args.peer_reason = "--no-peer" if args.no_peer else peer_check(args.peer_python)
    names = args.only or list(DATASETS)
    results = {}
    with tempfile.TemporaryDirectory(prefix="vae-quality-") as tmp:
        args.workdir = args.out or tmp
        log(f"quality benchmark: {', '.join(names)}; {args.seconds:g} s side by side; "
            f"{'QUICK (not real figures); ' if args.quick else ''}density sampler "
            f"{'available' if HAS_DENSITY else 'absent: N(0, I)'}; pythae: {args.peer_reason or args.peer_python}")
        for name in names:
            results[name] = run_dataset(name, args, log)
            print_table(name, results[name], log)
    met = all(t["met"] for r in results.values() for t in r.get("targets", []))
    log(f"\nall targets met: {'yes' if met else 'no'}"
        + (" (quick run: the figures mean nothing)" if args.quick else ""))
    if args.json:
        print(json.dumps(_jsonable({"quick": args.quick, "seconds": args.seconds, "load_average": load_avg(),
                                    "density_sampler": HAS_DENSITY, "datasets": results, "all_met": met}),
                         indent=1, allow_nan=False))
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
