"""How good a project's model is on designs it never trained on: the held-out report.

``vae-designer evaluate PROJECT`` prints it and the Training page shows it after training, so a
designer knows whether to train longer.  ``benchmarks/quality.py`` scores with the same measures.

* **Held-out reconstructions** (the project's validation split, read again from the design
  folder it was trained on): each design's saved encoding decoded with the best weights.
  ``iou``: of ``p > 0.5`` with the design (mean over designs); ``shape_iou`` (images): of the
  design's shape as a silhouette project exports it -- the first tone band of
  ``core.export.crisp.band_fields``, the same on the design and on its decoding; for a
  collection with one ink tone (digits, logos) this is the 0.5 mask again, for the cars (paper,
  windows 0.31, body 0.85) it is the whole car, where the 0.5 mask is the body without its
  windows and cuts through the anti-aliased 1-pixel frames around them; ``undecided``: the share of the
  pixels / voxels along each design's outline (its boundary band, both sides) that the model
  leaves undecided (between 20% and 80% of the way from one level to the next: paper and ink,
  or a silhouette collection's tones) -- beside the same share in the designs themselves (a
  64^2 picture's anti-aliased edge is grey too) and in the designs as the model learnt them
  (silhouettes snapped to their flat tones); ``nll``: the Bernoulli negative log-likelihood of
  the design as learnt under the decoded probabilities, nats per design.
* **Samples**: ``samples`` draws from the project's fitted latent density, decoded.  A sample is
  *clean* when it is not empty, its largest part holds at least 95% of it (images: 8-connected
  pixels above 0.5; meshes: the exported surface's bodies by volume, and it is watertight), and
  (images) at most 15% of its visible pixels are undecided.  A silhouette collection's designs are
  shown and exported as their smooth outline, filled in the collection's tones; ``as_exported``
  judges them so (an undecided edge is not a flaw there, empty or several parts still are).

Without the design folder the held-out part is None (the samples are still judged).
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

LEVEL = 0.5  # inside / foreground: p > LEVEL
UNDECIDED = (0.2, 0.8)  # p strictly between these fractions of the way between two levels is undecided
VISIBLE = 0.2  # an image pixel with p > VISIBLE can be seen
MAIN_PART = 0.95  # a clean sample's largest part holds at least this share
UNDECIDED_VISIBLE_MAX = 0.15  # a clean image has at most this share of its visible pixels undecided
SAMPLES = 64
# advice thresholds: below / above these a designer is told what to do
ADVISE_IOU, ADVISE_UNDECIDED, ADVISE_CLEAN = 0.90, 0.25, 0.70


def grids(a: np.ndarray) -> np.ndarray:
    """(N, C, *spatial) -> (N, *spatial): the one channel, or the strongest ink of a colour image."""
    a = np.asarray(a, np.float32)
    return a[:, 0] if a.shape[1] == 1 else a.max(axis=1)


def iou_per_item(probs: np.ndarray, target: np.ndarray) -> np.ndarray:
    """IoU of ``probs > 0.5`` with ``target > 0.5`` for each item (1.0 where both are empty)."""
    return _mask_iou(grids(probs) > LEVEL, grids(target) > LEVEL)


def _mask_iou(pred: np.ndarray, truth: np.ndarray) -> np.ndarray:
    """IoU of two stacks of boolean masks, item by item (1.0 where both are empty)."""
    n = len(pred)
    inter = (pred & truth).reshape(n, -1).sum(1)
    union = (pred | truth).reshape(n, -1).sum(1)
    return np.where(union > 0, inter / np.maximum(union, 1), 1.0)


def shape_iou_per_item(probs: np.ndarray, target: np.ndarray, levels=None) -> np.ndarray:
    """IoU of the design's shape as exported (see the module docstring) for each image item."""
    from ..export.crisp import band_fields

    tones = sorted(levels)[1:] if levels is not None else [1.0]
    pred = np.stack([band_fields(p, tones)[0] > LEVEL for p in grids(probs)])
    truth = np.stack([band_fields(t, tones)[0] > LEVEL for t in grids(target)])
    return _mask_iou(pred, truth)


def boundary_band(mask: np.ndarray) -> np.ndarray:
    """Pixels / voxels next to the mask's boundary, on both sides: dilation XOR erosion (scipy's
    default cross-shaped element); the grid border is not an edge (erosion sees outside as inside)."""
    return ndimage.binary_dilation(mask) ^ ndimage.binary_erosion(mask, border_value=1)


def collection_levels(designs) -> list[float]:
    """Paper and the ink tones of a silhouette collection (``core.ingest.looks``), else [0, 1]."""
    if designs is not None and designs.kind == "image" and designs.data.ndim == 3:
        from ..ingest.looks import collection_tones

        tones = collection_tones(designs.data)
        if tones:
            return [0.0, *[float(t) for t in tones]]
    return [0.0, 1.0]


def undecided(p: np.ndarray, levels=None) -> np.ndarray:
    """Where ``p`` lies in the middle (0.2..0.8 of the way) between the two levels around it."""
    lv = np.asarray(sorted(levels if levels is not None else (0.0, 1.0)), np.float32)
    i = np.clip(np.searchsorted(lv, p, side="right") - 1, 0, len(lv) - 2)
    t = (p - lv[i]) / np.maximum(lv[i + 1] - lv[i], 1e-6)
    return (t > UNDECIDED[0]) & (t < UNDECIDED[1])


def undecided_edge_share(probs: np.ndarray, target: np.ndarray, levels=None) -> float:
    """Fraction of the targets' boundary-band pixels / voxels that are :func:`undecided`, pooled."""
    band_total = count = 0
    for p, t in zip(grids(probs), grids(target)):
        band = boundary_band(t > LEVEL)
        band_total += int(band.sum())
        count += int((band & undecided(p, levels)).sum())
    return count / band_total if band_total else 0.0


def bernoulli_nll(probs: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Negative log-likelihood (nats) of each target (values in 0..1) under Bernoulli ``probs``."""
    p = np.clip(np.asarray(probs, np.float64), 1e-6, 1 - 1e-6)
    t = np.asarray(target, np.float64)
    n = len(p)
    return -(t * np.log(p) + (1 - t) * np.log1p(-p)).reshape(n, -1).sum(axis=1)


def image_flaw(p: np.ndarray, levels=None) -> str:
    """'' if the 2D sample ``p`` (R, R) is clean, else why not: 'empty', 'parts' (largest
    8-connected part of p > 0.5 under 95% of it) or 'undecided' (over 15% of p > 0.2 undecided)."""
    fg = p > LEVEL
    if not fg.any():
        return "empty"
    labels, _ = ndimage.label(fg, structure=np.ones((3, 3), bool))
    if np.bincount(labels.ravel())[1:].max() < MAIN_PART * fg.sum():
        return "parts"
    visible = p > VISIBLE
    if (undecided(p, levels) & visible).sum() > UNDECIDED_VISIBLE_MAX * visible.sum():
        return "undecided"
    return ""


def mesh_flaw(mesh) -> tuple[str, bool, float]:
    """(flaw, watertight, main-body share) of an exported mesh; flaw '' when clean, else 'empty',
    'not watertight' or 'parts' (largest body under 95% of the volume).  Bodies are the connected
    pieces with positive volume; a cavity's inner shell (negative volume) is not one."""
    if mesh is None or len(mesh.faces) == 0:
        return "empty", False, 0.0
    watertight = bool(mesh.is_watertight)
    volumes = [float(b.volume) for b in mesh.split(only_watertight=False)]
    solid = sum(v for v in volumes if v > 0)
    main = max(volumes) / solid if solid > 0 else 0.0
    if not watertight:
        return "not watertight", watertight, main
    if main < MAIN_PART:
        return "parts", watertight, main
    return "", watertight, main


def sample_flaws(kind: str, probs: np.ndarray, levels=None) -> list[str]:
    """Each decoded sample's flaw ('' when clean): images on their probabilities, meshes on the
    surface their export is made of (``export.mesh.mesh_from_probs``)."""
    from ..errors import UserError
    from ..export.mesh import mesh_from_probs

    out = []
    for p in probs:
        if kind == "image":
            out.append(image_flaw(grids(p[None])[0], levels))
            continue
        try:
            mesh = mesh_from_probs(p[0] if p.ndim == 4 else p)
        except UserError:  # nothing above the level
            mesh = None
        out.append(mesh_flaw(mesh)[0])
    return out


def evaluate(project, designs=None, samples: int = SAMPLES, seed: int = 0) -> dict:
    """The held-out report of ``project`` (see the module docstring).  ``designs``: the design
    folder it was trained on, loaded (a DesignSet; held-out designs no longer in it are left out),
    or None."""
    from ..export.design import project_look
    from .generate import decode
    from .sampling import sample_latents

    levels = collection_levels(designs)
    report: dict = {"project": str(project.path), "kind": project.kind,
                    "epoch": int(project.metrics.get("best_epoch", project.epoch)), "held_out": None}
    val = [int(i) for i in project.metrics.get("split", {}).get("val", [])]
    where = {p: i for i, p in enumerate(designs.paths)} if designs is not None else {}
    found = [(v, where[project.paths[v]]) for v in val if project.paths[v] in where]  # files still there
    if found:
        idx = np.asarray([i for _, i in found])
        target = designs.batch(idx)
        learnt = _as_learnt(designs, project, idx)  # silhouettes: snapped to their tones, as trained on
        probs = decode(project, project.encodings[[v for v, _ in found]])
        report["held_out"] = {"designs": len(found), "iou": float(iou_per_item(probs, target).mean()),
                              "undecided": float(undecided_edge_share(probs, target, levels)),
                              "undecided_in_designs": float(undecided_edge_share(target, target, levels)),
                              "undecided_as_learnt": float(undecided_edge_share(learnt, target, levels)),
                              "nll": float(bernoulli_nll(probs, learnt).mean())}
        if project.kind == "image":
            report["held_out"]["shape_iou"] = float(shape_iou_per_item(probs, target, levels).mean())
    if samples > 0:
        flaws = sample_flaws(project.kind, decode(project, sample_latents(project, samples, seed)), levels)
        report["samples"] = _tally(flaws)
        if project.kind == "image" and project_look(project.manifest) == "silhouette":
            # what a silhouette project shows and exports is the smooth outline, filled: no grey there
            report["samples"]["as_exported"] = _tally(["" if f == "undecided" else f for f in flaws])
    report["advice"] = advice(report)
    return report


def _as_learnt(designs, project, idx: np.ndarray) -> np.ndarray:
    """The designs ``idx`` as the model learnt them (``training.trainer.training_data``: a silhouette
    collection snapped to its flat tones), float 0..1 like ``DesignSet.batch``."""
    import dataclasses

    from ..training.trainer import training_data

    data = training_data(designs, project.train_config)
    if data is designs.data:
        return designs.batch(idx)
    return dataclasses.replace(designs, data=data).batch(idx)


def _tally(flaws: list[str]) -> dict:
    counts: dict[str, int] = {}
    for f in flaws:
        if f:
            counts[f] = counts.get(f, 0) + 1
    clean = len(flaws) - sum(counts.values())
    return {"drawn": len(flaws), "clean": clean, "flaws": counts, "clean_share": clean / max(len(flaws), 1)}


def advice(report: dict) -> list[str]:
    """What to do, in a designer's words, where the report falls short (empty when it does not)."""
    out = []
    held = report.get("held_out")
    if held is not None and held["iou"] < ADVISE_IOU:
        out.append(f"held-out designs come back at IoU {held['iou']:.2f}: train longer (more epochs), or on more "
                   "designs of each kind")
    if held is not None and held["undecided"] > ADVISE_UNDECIDED:
        crisp = " (exports and the preview draw the smooth outline: they stay crisp)" \
            if report["kind"] == "image" else ""
        out.append(f"{held['undecided']:.0%} of the outline is undecided (blurry edges): train longer{crisp}")
    s = report.get("samples")
    s = s.get("as_exported", s) if s is not None else None  # what the designer gets
    if s is not None and s["clean_share"] < ADVISE_CLEAN:
        out.append(f"only {s['clean']} of {s['drawn']} samples are clean designs: train longer, or sample with a "
                   "lower temperature")
    return out


def report_lines(report: dict) -> list[str]:
    """The report as lines of text (what the CLI prints)."""
    lines = [f"{report['project']} ({report['kind']}, best epoch {report['epoch']})"]
    held = report.get("held_out")
    if held is None:
        lines.append("held-out designs: the design folder is not available (samples only)")
    else:
        shape = f" (the shape as exported {held['shape_iou']:.3f})" if "shape_iou" in held else ""
        lines.append(f"held-out designs ({held['designs']}): IoU {held['iou']:.3f}{shape}, undecided edge "
                     f"{held['undecided']:.3f} (the designs themselves {held['undecided_in_designs']:.3f}, as "
                     f"learnt {held['undecided_as_learnt']:.3f}), reconstruction NLL {held['nll']:.1f} nats per design")
    s = report.get("samples")
    if s is not None:
        why = ", ".join(f"{k} {v}" for k, v in sorted(s["flaws"].items()))
        clean = f"samples: {s['clean']} of {s['drawn']} clean ({s['clean_share']:.0%})"
        lines.append(clean + (f"; {why}" if why else ""))
        if "as_exported" in s:
            e = s["as_exported"]
            lines.append(f"samples as shown and exported (the smooth outline): {e['clean']} of {e['drawn']} clean "
                         f"({e['clean_share']:.0%})")
    lines += [f"advice: {a}" for a in report.get("advice", [])]
    return lines
