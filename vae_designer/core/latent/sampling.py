"""New designs from a trained project: where the latent vectors are drawn, and a batch that
keeps drawing until it has its designs.

Two priors (``PRIORS``):

* ``"fitted"`` (the default): the project's fitted density (:meth:`Project.density`, a
  Gaussian mixture over the training encodings, :mod:`.density`): draws land where
  designs live, so they decode to whole, crisp shapes.
* ``"normal"``: the VAE's own prior N(0, T^2 I), which the training objective pulls the
  encodings towards but never reaches; most of its draws fall between the designs.

The temperature T widens (> 1) or narrows (< 1) either.  For one seed both priors use the
same noise, so a seed's fitted draw is its normal draw carried into the fitted density.
Sidecars record ``prior`` and ``temperature`` beside the ``seed``; the exact ``latent`` is
stored too, so reproducing a file never depends on them.

A drawn design can still come out empty (no voxel above the surface level of a mesh, no
visibly inked pixel in an image).  :func:`sample_designs` skips such a draw and takes the
next one, up to :func:`max_draws`, and says how many it wrote and skipped.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import UserError
from .generate import decode, export_design, prior_latents

PRIORS = ("fitted", "normal")
IMAGE_LEVEL = 0.2  # an image with no pixel inked above this shows nothing: it is empty


def check_prior(prior: str) -> str:
    if prior not in PRIORS:
        raise UserError(f"unknown prior {prior!r}: use {' or '.join(PRIORS)}")
    return prior


def sample_latents(project, n: int, seed: int, temperature: float = 1.0, prior: str = "fitted") -> np.ndarray:
    """``n`` latent vectors (n, D) float32 from ``prior``; the same seed gives the same draws, and
    the first ``m`` draws of a seed are the same whatever ``n`` (so a batch can draw on)."""
    if check_prior(prior) == "normal":
        return prior_latents(project.model_config.latent_dim, n, seed, temperature)
    return project.density().sample(n, seed, temperature)


def surprise_latent(project, latent_dim: int, seed: int, temperature: float) -> tuple[np.ndarray, dict]:
    """The app's surprise for ``seed``: its latent vector (D,) and the sidecar fields that say how
    it was drawn (``temperature``, ``prior``).  From the fitted density of the saved ``project``;
    from the normal prior while there is no project (nothing to fit to)."""
    if project is None:
        return prior_latents(latent_dim, 1, seed, temperature)[0], {"temperature": temperature, "prior": "normal"}
    return sample_latents(project, 1, seed, temperature)[0], {"temperature": temperature, "prior": "fitted"}


def is_empty(kind: str, probs: np.ndarray, level: float = 0.5) -> bool:
    """Whether a decoded design has nothing in it: no voxel above the surface ``level`` (meshes:
    there is no surface to export), no pixel visibly inked, above ``IMAGE_LEVEL`` (images; a
    faint but visible design is written -- the remedy for those is training, not another draw)."""
    p = np.asarray(probs)
    return not bool((p > (level if kind == "mesh" else IMAGE_LEVEL)).any())


def max_draws(n: int) -> int:
    """How many draws a batch of ``n`` designs may take before it gives up on empty ones."""
    return 4 * int(n) + 16


@dataclass
class SampledBatch:
    """What :func:`sample_designs` did: the files it wrote (design, sidecar), how many it was asked
    for, how many draws it took and how many of them decoded to empty designs."""

    wanted: int
    written: list[Path] = field(default_factory=list)
    draws: int = 0
    empty: int = 0

    @property
    def designs(self) -> int:
        return len(self.written) // 2

    def summary(self, where: str = "") -> str:
        """"wrote 16 of 16 designs into OUT (3 empty draws skipped and replaced)"."""
        into = f" into {where}" if where else ""
        skipped = (f" ({self.empty} empty draw{'s' if self.empty != 1 else ''} skipped"
                   f"{' and replaced' if self.designs == self.wanted else ''})") if self.empty else ""
        return f"wrote {self.designs} of {self.wanted} design{'s' if self.wanted != 1 else ''}{into}{skipped}"


def sample_designs(project, n: int, folder: Path, fmt: str, *, seed: int = 0, temperature: float = 1.0,
                   prior: str = "fitted", level: float = 0.5,
                   pixels: int | None = None) -> Generator[list[Path], None, SampledBatch]:
    """Export ``n`` designs drawn from ``prior`` into ``folder`` as ``sample_SEED_III.FMT`` with
    sidecars; yields each pair of paths as written and returns a :class:`SampledBatch`.

    Draw ``j`` is ``sample_latents(project, j + 1, seed, temperature, prior)[j]``; its sidecar
    records ``seed``, ``prior``, ``temperature`` and ``draw`` = j.  A draw that decodes to an
    empty design (:func:`is_empty`) is skipped; after :func:`max_draws` the batch stops short.
    ``pixels``: the side of PNG pictures (image projects; default the model's resolution).
    """
    if not 0.0 < level < 1.0:
        raise UserError(f"the level must lie between 0 and 1, not {level}")
    zs = sample_latents(project, max_draws(n), seed, temperature, prior)
    batch = SampledBatch(wanted=int(n))
    width = max(3, len(str(n - 1)))
    for j, z in enumerate(zs):
        if batch.designs == n:
            break
        batch.draws += 1
        probs = decode(project, z[None])[0]
        if is_empty(project.kind, probs, level):
            batch.empty += 1
            continue
        paths = export_design(project, z, Path(folder) / f"sample_{seed}_{batch.designs:0{width}d}", fmt,
                              probs=probs, source="sample", seed=seed, level=level, pixels=pixels,
                              extra={"prior": prior, "temperature": float(temperature), "draw": j})
        batch.written += paths
        yield paths
    return batch
