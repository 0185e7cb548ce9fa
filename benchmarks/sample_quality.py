"""Sample quality: draws from the plain prior N(0, I) against draws from the fitted density.

For each prior (``core.latent.sampling.PRIORS``), ``-n`` designs (default 32, seed 0,
temperature 1) are decoded and scored; the training split's own encodings, decoded, are
the reference row ("train"), i.e. what a design of this model looks like.  The row
"backdrop" is the Map page's backdrop: a lattice over the PCA map lifted to latent vectors
(``LatentMap.lift``, no sampling; about ``-n`` cells).

* ``grey``      undecided pixels / voxels (0.2 < p < 0.8) among the visible ones (p > 0.2):
                fog.  Crisp designs have only their antialiased edge here.
* ``sharp``     mean gradient magnitude over the visible pixels / voxels: steep (crisp) edges.
                The row "data" is the training designs themselves, for the scale of both: a
                collection of grey-level designs (the bundled cars have light-grey bodies and
                darker windows) is "grey" by this measure too.
* ``parts``     connected components of the design (p > 0.5; 8-connected pixels, 26-connected
                voxels), median and the share of designs in one piece.
* ``empty``     share of designs with nothing above 0.5 (what ``sample`` skips).
* ``novelty``   latent distance to the nearest training encoding over the active dimensions,
                divided by the typical spacing of the training encodings (``LatentMap.novelty``):
                0 is a copy, about 1 is as far as designs are from each other.
* ``copy IoU``  IoU (p > 0.5) of a sample with the decoding of its nearest training encoding:
                near 1 means the sample is a copy of a training design.
* ``log q``     mean log-density under the fitted mixture (nats).

``--sheets DIR`` writes a contact sheet of the designs of each row (``core.export.preview``).

Usage: python benchmarks/sample_quality.py PROJECT [-n 32] [--seed 0] [--temperature 1] [--sheets DIR]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]


def parts(kind: str, p: np.ndarray) -> int:
    from scipy import ndimage

    mask = (p.max(axis=0) if kind == "image" else p[0]) > 0.5
    return int(ndimage.label(mask, structure=np.ones((3,) * mask.ndim, bool))[1])


def grey_share(p: np.ndarray) -> float:
    visible = p > 0.2
    return float(((p > 0.2) & (p < 0.8)).sum() / visible.sum()) if visible.any() else float("nan")


def iou(a: np.ndarray, b: np.ndarray) -> float:
    ia, ib = a > 0.5, b > 0.5
    union = np.logical_or(ia, ib).sum()
    return 1.0 if union == 0 else float(np.logical_and(ia, ib).sum() / union)


def sharpness(p: np.ndarray) -> float:
    """Mean gradient magnitude over the visible pixels / voxels: crisp edges are steep."""
    visible = p > 0.2
    if not visible.any():
        return float("nan")
    grads = np.gradient(p[0] if p.shape[0] == 1 else p.max(axis=0))
    return float(np.sqrt(sum(g**2 for g in grads))[visible[0] if p.shape[0] == 1 else visible.any(axis=0)].mean())


def score(project, probs: np.ndarray, z: np.ndarray | None, latent_map, train_probs: np.ndarray) -> dict:
    """The figures of one row: decoded designs ``probs`` (of latents ``z``, or the data itself)."""
    counts = np.array([parts(project.kind, p) for p in probs])
    out = {"probs": probs, "grey": float(np.nanmean([grey_share(p) for p in probs])),
           "sharp": float(np.nanmean([sharpness(p) for p in probs])),
           "parts": float(np.median(counts)), "whole": float(np.mean(counts == 1)),
           "empty": float(np.mean([not (p > 0.5).any() for p in probs])),
           "novelty": np.full(len(probs), np.nan), "novelty_median": np.nan, "copy_iou": np.nan, "log_q": np.nan}
    if z is not None:
        novelty, nearest = latent_map.novelty(z)
        out.update(novelty=novelty, novelty_median=float(np.median(novelty)),
                   copy_iou=float(np.median([iou(p, train_probs[j]) for p, j in zip(probs, nearest)])),
                   log_q=float(np.mean(project.density().log_density(z))))
    return out


def decoded(project, z: np.ndarray) -> np.ndarray:
    from vae_designer.core.latent.generate import decode

    return np.concatenate([decode(project, z[i : i + 32]) for i in range(0, len(z), 32)])


def the_data(project, indices: np.ndarray) -> np.ndarray | None:
    """The training designs themselves (from the design folder, through the ingestion cache)."""
    from vae_designer.core.errors import UserError
    from vae_designer.core.ingest import load_designs

    try:
        designs = load_designs(project.manifest["root"], project.kind, project.manifest["resolution"])
    except UserError:
        return None
    if designs.paths != project.paths:
        return None
    return designs.batch(indices)


def sheet(project, probs: np.ndarray, captions: list[str], path: Path) -> None:
    """A contact sheet of decoded designs (``preview.contact_sheet`` on a DesignSet made of them)."""
    from vae_designer.core.export.preview import contact_sheet
    from vae_designer.core.ingest.designset import DesignSet
    from vae_designer.core.ingest.settings import IngestSettings

    R = project.manifest["resolution"]
    if project.kind == "image":
        ink = np.clip(probs * 255 + 0.5, 0, 255).astype(np.uint8)
        data = ink[:, 0] if ink.shape[1] == 1 else np.moveaxis(ink, 1, -1)
    else:
        data = np.packbits((probs[:, 0] > 0.5).reshape(len(probs), -1), axis=1)
    designs = DesignSet(root="", settings=IngestSettings(kind=project.kind, resolution=R), paths=captions,
                        labels=["sample"] * len(probs), data=data, meta=[{} for _ in probs])
    contact_sheet(designs, max_items=len(probs), size=96, columns=8).save(path)


def backdrop_latents(encodings: np.ndarray, n: int) -> np.ndarray:
    """What the Map page's backdrop decodes: an n x n lattice over the PCA map's bounds, lifted."""
    from vae_designer.core.latent.space import LatentMap

    latent_map = LatentMap.fit(encodings)
    x0, x1, y0, y1 = latent_map.bounds()
    xs, ys = x0 + (np.arange(n) + 0.5) * (x1 - x0) / n, y0 + (np.arange(n) + 0.5) * (y1 - y0) / n
    gx, gy = np.meshgrid(xs, ys[::-1])
    return latent_map.lift(np.stack([gx.ravel(), gy.ravel()], axis=1)).astype(np.float32)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("project")
    ap.add_argument("-n", type=int, default=32)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--temperature", type=float, default=1.0)
    ap.add_argument("--sheets", metavar="DIR", help="write a contact sheet per row into DIR")
    args = ap.parse_args()

    import torch

    sys.path.insert(0, str(REPO))
    from vae_designer.core.latent.sampling import PRIORS, sample_latents
    from vae_designer.core.latent.space import LatentMap
    from vae_designer.core.project.store import load_project, training_encodings

    torch.set_num_threads(1)
    project = load_project(args.project)
    train = training_encodings(project.encodings, project.metrics.get("split"))
    latent_map = LatentMap.fit(train)
    train_probs = decoded(project, train)
    picks = np.random.default_rng(args.seed).choice(len(train), min(args.n, len(train)), replace=False)
    rows = {"train": train[np.sort(picks)]}
    rows.update({prior: sample_latents(project, args.n, args.seed, args.temperature, prior) for prior in PRIORS})
    rows["backdrop"] = backdrop_latents(project.encodings, int(np.ceil(np.sqrt(args.n))))
    d = project.density()
    print(f"{args.project}: {project.kind}, {len(train)} training encodings, latent {train.shape[1]}, "
          f"{int(latent_map.active.sum())} active dimensions; density: {d.describe()}")
    print(f"{args.n} draws each, seed {args.seed}, temperature {args.temperature:g}")
    print(f"{'row':>8} {'grey':>6} {'sharp':>6} {'parts':>6} {'whole':>6} {'empty':>6} {'novelty':>8} "
          f"{'copy IoU':>9} {'log q':>9}")
    train_idx = np.asarray(project.metrics["split"]["train"])[np.sort(picks)]
    data = the_data(project, train_idx)
    scored = {} if data is None else {"data": score(project, data, None, latent_map, train_probs)}
    scored.update({name: score(project, decoded(project, z), z, latent_map, train_probs) for name, z in rows.items()})
    for name, s in scored.items():
        print(f"{name:>8} {s['grey']:6.3f} {s['sharp']:6.3f} {s['parts']:6.1f} {s['whole']:6.2f} {s['empty']:6.2f} "
              f"{s['novelty_median']:8.2f} {s['copy_iou']:9.3f} {s['log_q']:9.1f}")
        if args.sheets:
            folder = Path(args.sheets)
            folder.mkdir(parents=True, exist_ok=True)
            captions = [f"n{v:.2f} p{parts(project.kind, p)}" for v, p in zip(s["novelty"], s["probs"])]
            sheet(project, s["probs"], captions, folder / f"{Path(args.project).name}-{name}.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
