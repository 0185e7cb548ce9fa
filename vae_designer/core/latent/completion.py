"""Completion: a design with a region marked missing, regenerated consistent with the rest.

The designer keeps part of a design (the front of a car, the base of a part) and asks for
the rest.  Decoding the encoder's output for the masked design is the obvious answer and a
poor one: the encoder never saw a design with a hole, and fills it with the hole's
background.  Instead the latent vector is *fitted* to the kept part:

    minimise  BCE(decode(z)[kept], x[kept])  -  log p(z)                (nats)

-- the kept region's Bernoulli log-likelihood under the decoder and the fitted latent density
of the training designs (:mod:`.density`, the aggregate posterior) as the prior, so that the
answer stays among designs the decoder knows (a maximum a posteriori fit of the kept
evidence, as in DeepSDF's shape completion, with the prior the samples come from).  The
objective has many local minima, and several of them are plausible completions, so it is
minimised from several starts at once (Adam on the batch): the encoder's output for the masked
design and the training designs (and density draws) whose decodings best fit the kept part.
The distinct results are the completions offered, the one whose missing region agrees most with the
other good fits first (a minimum-Bayes-risk choice: a lone fit that matches the kept part a little
better but fills the region unlike the others is usually wrong).

Regions (a boolean mask over the model's grid, True = missing): :func:`box_mask` from a box
in the design's source units (or in fractions of the grid), :func:`mask_from_png` from a mask
picture (bright = missing) drawn over the design's source image or its square canvas.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..errors import Cancelled, UserError

STEPS = 150  # Adam steps
LEARNING_RATE = 0.05
STARTS = 8  # at least this many starts (2n for n completions)
POOL = 512  # training encodings (nearest the masked design's encoding) screened for starts
DRAWS = 64  # and density draws
DISTINCT_IOU = 0.9  # two completions whose missing regions overlap more than this are one


@dataclass
class Completion:
    """One completion: ``z`` (D,), ``probs`` (item shape), ``loss`` (nats: misfit of the kept
    part plus -log p(z)), ``kept_iou`` (how well the kept part is reproduced), ``start``."""

    z: np.ndarray
    probs: np.ndarray
    loss: float
    kept_iou: float
    start: str


# ------------------------------------------------------------------------------------------ regions
def region_mask(kind: str, resolution: int, box, frame: dict | None = None, margin_voxels: int = 1) -> np.ndarray:
    """Boolean (R, R) (images, [row, column]) or (R, R, R) (meshes, [x, y, z]) mask of the cells
    whose centres lie in ``box``: (x0, y0, x1, y1) for images, (x0, y0, z0, x1, y1, z1) for meshes.

    ``frame`` (``centre``, ``size``): the box is in the design's source units -- pixels of the
    source image (x right, y down) or the mesh's own coordinates; None: in fractions (0..1) of
    the model's canvas or cube.
    """
    dims = 2 if kind == "image" else 3
    box = np.asarray(box, np.float64).ravel()
    if box.size != 2 * dims or not np.isfinite(box).all():
        raise UserError(f"a box around part of {'an image' if dims == 2 else 'a mesh'} needs {2 * dims} numbers "
                        f"({'X0,Y0,X1,Y1' if dims == 2 else 'X0,Y0,Z0,X1,Y1,Z1'}), not {box.size}")
    lo, hi = np.minimum(box[:dims], box[dims:]), np.maximum(box[:dims], box[dims:])
    R = int(resolution)
    if frame is None:
        glo, ghi = lo * R, hi * R
    elif dims == 2:  # source pixels -> model pixels on the design's square canvas
        origin = np.asarray(frame["centre"], np.float64) - frame["size"] / 2.0
        glo, ghi = (lo - origin) / frame["size"] * R, (hi - origin) / frame["size"] * R
    else:  # the voxelizer's mapping (core.ingest.voxelize)
        span = R - 2 * int(margin_voxels)
        centre = np.asarray(frame["centre"], np.float64)
        glo, ghi = (lo - centre) / frame["size"] * span + R / 2.0, (hi - centre) / frame["size"] * span + R / 2.0
    c = np.arange(R) + 0.5
    inside = [(c >= glo[k]) & (c <= ghi[k]) for k in range(dims)]
    if dims == 2:  # box is (x, y); the grid is [row = y, column = x]
        return inside[1][:, None] & inside[0][None, :]
    return inside[0][:, None, None] & inside[1][None, :, None] & inside[2][None, None, :]


def mask_from_png(path, resolution: int, frame: dict | None = None, source_size=None) -> np.ndarray:
    """(R, R) missing mask from a mask picture: bright (or opaque, over transparency) = missing.

    A picture the size of the design's source image (``source_size`` [w, h]) is mapped through
    the design's canvas (``frame``); any other picture covers the model's square canvas.
    """
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as img:
            img.load()
            if img.mode in ("RGBA", "LA", "PA") or "transparency" in img.info:
                rgba = img.convert("RGBA")
                grey = np.asarray(rgba.convert("L"), np.float32) * (np.asarray(rgba)[..., 3] / 255.0)
            else:
                grey = np.asarray(img.convert("L"), np.float32)
    except FileNotFoundError:
        raise UserError(f"mask not found: {path}") from None
    except (UnidentifiedImageError, OSError) as exc:
        raise UserError(f"cannot read the mask {path}: {exc}") from None
    marked = grey > 127.5
    R = int(resolution)
    if source_size is not None and frame is not None and tuple(marked.shape[::-1]) == tuple(source_size):
        h, w = marked.shape
        c = (np.arange(R) + 0.5) / R * frame["size"]
        origin = np.asarray(frame["centre"], np.float64) - frame["size"] / 2.0
        cols, rows = np.floor(origin[0] + c).astype(int), np.floor(origin[1] + c).astype(int)
        ok_c, ok_r = (cols >= 0) & (cols < w), (rows >= 0) & (rows < h)
        out = np.zeros((R, R), bool)
        out[np.ix_(ok_r, ok_c)] = marked[np.ix_(rows[ok_r], cols[ok_c])]
    else:
        small = Image.fromarray(marked.astype(np.uint8) * 255).resize((R, R), Image.Resampling.BOX)
        out = np.asarray(small) > 127
    if not out.any():
        raise UserError(f"{path}: the mask marks nothing as missing (paint the missing region white)")
    return out


def item_mask(mask: np.ndarray, item_shape) -> np.ndarray:
    """A region mask over the grid as a mask of the model's item (channels broadcast)."""
    mask = np.asarray(mask, bool)
    out = np.broadcast_to(mask, tuple(item_shape)).copy()
    if out.all():
        raise UserError("the region covers the whole design: nothing is left to complete it from")
    if not out.any():
        raise UserError("the region is empty: mark the part of the design that is missing")
    return out


# ------------------------------------------------------------------------------------------ fitting
class _TorchPrior:
    """-log p(z) of a :class:`~.density.LatentDensity` for torch tensors (n, D) -> (n,)."""

    def __init__(self, density) -> None:
        import torch

        w, m, c = density.weights, density.means, density.covariances
        d = m.shape[1]
        self.log_w = torch.tensor(np.log(w), dtype=torch.float32)
        self.means = torch.tensor(m, dtype=torch.float32)
        self.diag = c.ndim == 2
        const = 0.5 * d * np.log(2 * np.pi)
        if self.diag:
            self.inv = torch.tensor(1.0 / c, dtype=torch.float32)
            self.const = torch.tensor(0.5 * np.log(c).sum(axis=1) + const, dtype=torch.float32)
        else:
            chol = np.linalg.cholesky(c)
            self.inv = torch.tensor(np.linalg.inv(chol), dtype=torch.float32)  # L^-1, (K, D, D)
            self.const = torch.tensor(np.log(np.diagonal(chol, axis1=1, axis2=2)).sum(axis=1) + const,
                                      dtype=torch.float32)

    def __call__(self, z):
        import torch

        diff = z[:, None, :] - self.means[None]  # (n, K, D)
        if self.diag:
            maha = (diff * diff * self.inv[None]).sum(-1)
        else:
            maha = torch.einsum("kij,nkj->nki", self.inv, diff).pow(2).sum(-1)
        return -torch.logsumexp(self.log_w[None] - 0.5 * maha - self.const[None], dim=1)


def _kept_bce(model, z, x, kept, pos_weight=None):
    """Per design (n,): BCE of the decoding of ``z`` against ``x`` on the kept cells (nats;
    ``pos_weight``: occupied cells weighted as in training, ``core.model.losses``)."""
    import torch.nn.functional as F

    logits = model.decode(z).float()
    bce = F.binary_cross_entropy_with_logits(logits, x.expand_as(logits), reduction="none")
    if pos_weight is not None and pos_weight != 1.0:
        bce = bce + (pos_weight - 1.0) * x * F.softplus(-logits)
    return (bce * kept).flatten(1).sum(1)


def _starts(model, objective, x, kept, encodings, density, n_starts: int, seed: int):
    """Start latents (S, D) and their names: the masked design's encoding, then the candidates
    (training encodings near it, density draws) whose decodings fit the kept part best."""
    import torch

    with torch.no_grad():
        z_enc = model.encode(x * kept)[0].float()
        pool = [np.zeros((0, z_enc.shape[1]), np.float32)]
        names: list[str] = []
        if encodings is not None and len(encodings):
            enc = np.asarray(encodings, np.float32)
            near = np.argsort(np.linalg.norm(enc - z_enc.numpy(), axis=1))[:POOL]
            pool.append(enc[near])
            names += [f"design {int(i)}" for i in near]
        if density is not None:
            pool.append(density.sample(DRAWS, seed))
            names += [f"draw {k}" for k in range(DRAWS)]
        cand = torch.from_numpy(np.concatenate(pool))
        scores = [objective(cand[s : s + 64]) for s in range(0, len(cand), 64)]
        order = torch.argsort(torch.cat(scores)).numpy() if len(cand) else np.zeros(0, int)
    take = order[: n_starts - 1]
    return torch.cat([z_enc, cand[take]]), ["masked encoding"] + [names[i] for i in take]


def complete_design(config, weights, x, missing, n: int = 4, *, density=None, encodings=None, seed: int = 0,
                    steps: int = STEPS, prior_weight: float = 1.0, pos_weight: float | None = None,
                    cancel: Callable[[], bool] | None = None) -> list[Completion]:
    """Up to ``n`` distinct completions of design ``x`` (item shape, in [0, 1]) whose ``missing``
    cells (bool, item shape or grid shape) are regenerated; best first (module docstring).

    ``density``: the fitted latent density (the prior; None: N(0, I)); ``encodings``: the
    training encodings (starts); ``cancel()``: checked between steps (raises Cancelled).
    """
    import torch

    from ..training.inference import cached_model

    if int(n) < 1:
        raise UserError("-n must be at least 1")
    model = cached_model(config, weights)
    xt = torch.from_numpy(np.ascontiguousarray(x, np.float32))[None]
    kept = torch.from_numpy(~item_mask(missing, config.item_shape))[None].float()
    base = _TorchPrior(density) if density is not None else (lambda z: 0.5 * (z * z).sum(1))
    prior = (lambda z: prior_weight * base(z)) if prior_weight != 1.0 else base
    objective = lambda z: _kept_bce(model, z, xt, kept, pos_weight) + prior(z)
    z0, names = _starts(model, objective, xt, kept, encodings, density, max(STARTS, 2 * int(n)), seed)
    z = z0.clone().requires_grad_(True)
    opt = torch.optim.Adam([z], lr=LEARNING_RATE)
    for _ in range(int(steps)):
        if cancel is not None and cancel():
            raise Cancelled()
        opt.zero_grad()
        loss = objective(z).sum()
        loss.backward()
        opt.step()
    with torch.no_grad():
        final = objective(z)
        probs = torch.sigmoid(model.decode(z).float()).numpy()
    return _distinct(z.detach().numpy(), probs, final.numpy(), names, np.asarray(x, np.float32),
                     ~kept[0].numpy().astype(bool), int(n))


def _distinct(zs, probs, losses, names, x, missing, n: int) -> list[Completion]:
    """The best ``n`` results whose missing regions differ (IoU <= ``DISTINCT_IOU``), best first
    (fewer when fewer differ: a completion is not offered twice)."""
    filled = [(p > 0.5)[missing] for p in probs]
    order = _consensus_order(np.argsort(losses), filled)
    chosen: list[int] = []
    for i in order:
        if all(_iou(filled[i], filled[j]) <= DISTINCT_IOU for j in chosen):
            chosen.append(int(i))
        if len(chosen) == n:
            break
    kept = ~missing
    truth = x[kept] > 0.5
    return [Completion(zs[i].astype(np.float32), probs[i], float(losses[i]), _iou((probs[i] > 0.5)[kept], truth),
                       names[i]) for i in chosen]


def _consensus_order(by_loss: np.ndarray, filled: list[np.ndarray]) -> list[int]:
    """The better half of the fits (by loss) ordered by how much their missing regions agree with the
    others' (mean IoU: the minimum-Bayes-risk choice under IoU when each is equally likely), then
    the rest by loss.  Measured (``benchmarks/completion.py``): IoU in the region +0.003 (cars),
    +0.011 (MNIST), +0.021 (Voron) over taking the lowest loss."""
    top = [int(i) for i in by_loss[: max(2, len(by_loss) // 2)]]
    agree = {i: np.mean([_iou(filled[i], filled[j]) for j in top if j != i]) for i in top}
    return sorted(top, key=lambda i: -agree[i]) + [int(i) for i in by_loss if int(i) not in agree]


def _iou(a: np.ndarray, b: np.ndarray) -> float:
    union = np.logical_or(a, b).sum()
    return float(np.logical_and(a, b).sum() / union) if union else 1.0


def region_iou(probs: np.ndarray, truth: np.ndarray, missing: np.ndarray, level: float = 0.5) -> float:
    """IoU of ``probs > 0.5`` with ``truth > 0.5`` inside the missing region (what the benchmark scores)."""
    m = np.broadcast_to(np.asarray(missing, bool), np.shape(truth))
    return _iou(np.asarray(probs)[m] > level, np.asarray(truth)[m] > level)
