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

With constraints (``sample --where``, :mod:`.constraints`) it keeps only designs that meet
every one, *measured on the exported file itself* (the sidecar's ``properties``): draws
are first screened in batches by the fast measurement of their decodings (those clearly
outside are not exported), an exported design that breaks a constraint is deleted again,
and up to :func:`max_draws` (many more with constraints) are tried before it says how many
could not be found.
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


def max_draws(n: int, constrained: bool = False) -> int:
    """How many draws a batch of ``n`` designs may take before it gives up on empty ones (and, with
    constraints, on designs that break them)."""
    return 64 * int(n) + 256 if constrained else 4 * int(n) + 16


SCREEN_BATCH = 64  # draws decoded at once to screen them against constraints
SCREEN_SLACK = -0.01  # a draw this close to meeting the constraints (by the fast measure) is exported and
# measured on its file: the file decides (the fast measure and a 64-pixel PNG differ by about a per cent)


@dataclass
class SampledBatch:
    """What :func:`sample_designs` did: the files it wrote (design, sidecar), how many it was asked
    for, how many draws it took and how many of them decoded to empty designs."""

    wanted: int
    written: list[Path] = field(default_factory=list)
    draws: int = 0
    empty: int = 0
    unmet: int = 0  # draws whose designs broke a constraint
    constraints: tuple = ()

    @property
    def designs(self) -> int:
        return len(self.written) // 2

    def summary(self, where: str = "") -> str:
        """"wrote 16 of 16 designs into OUT (3 empty draws skipped and replaced)"."""
        into = f" into {where}" if where else ""
        notes = [f"{self.empty} empty draw{'s' if self.empty != 1 else ''} skipped"] if self.empty else []
        if notes and self.designs == self.wanted:
            notes[-1] += " and replaced"
        if self.constraints:
            notes.append(f"{self.unmet} of {self.draws} draws broke the constraints")
        meeting = f" meeting {' and '.join(c.text() for c in self.constraints)}" if self.constraints else ""
        return (f"wrote {self.designs} of {self.wanted} design{'s' if self.wanted != 1 else ''}{meeting}{into}"
                + (f" ({'; '.join(notes)})" if notes else ""))


def sample_designs(project, n: int, folder: Path, fmt: str, *, seed: int = 0, temperature: float = 1.0,
                   prior: str = "fitted", level: float = 0.5, pixels: int | None = None, constraints=(),
                   axis: str = "x") -> Generator[list[Path], None, SampledBatch]:
    """Export ``n`` designs drawn from ``prior`` into ``folder`` as ``sample_SEED_III.FMT`` with
    sidecars; yields each pair of paths as written and returns a :class:`SampledBatch`.

    Draw ``j`` is ``sample_latents(project, j + 1, seed, temperature, prior)[j]``; its sidecar
    records ``seed``, ``prior``, ``temperature`` and ``draw`` = j (and the ``constraints`` it
    met).  A draw that decodes to an empty design (:func:`is_empty`), or breaks one of the
    ``constraints`` (:class:`.constraints.Constraint`; see the module docstring), is skipped;
    after :func:`max_draws` the batch stops short.  ``pixels``: the side of PNG pictures (image
    projects; default the model's resolution); ``axis``: a mesh's frontal axis.
    """
    if not 0.0 < level < 1.0:
        raise UserError(f"the level must lie between 0 and 1, not {level}")
    constraints = tuple(constraints)
    zs = sample_latents(project, max_draws(n, bool(constraints)), seed, temperature, prior)
    screen = _Screen(project, zs, constraints, axis)
    batch = SampledBatch(wanted=int(n), constraints=constraints)
    width = max(3, len(str(n - 1)))
    extra = {"prior": prior, "temperature": float(temperature)}
    if constraints:
        extra["constraints"] = [c.text() for c in constraints]
    for j, z in enumerate(zs):
        if batch.designs == n:
            break
        batch.draws += 1
        if not screen.may_meet(j):
            batch.unmet += 1
            continue
        probs = decode(project, z[None])[0]
        if is_empty(project.kind, probs, level):
            batch.empty += 1
            continue
        paths = export_design(project, z, Path(folder) / f"sample_{seed}_{batch.designs:0{width}d}", fmt,
                              probs=probs, source="sample", seed=seed, level=level, pixels=pixels,
                              extra={**extra, "draw": j}, axis=axis)
        if constraints and not _file_meets(paths[1], constraints):
            for path in paths:
                path.unlink(missing_ok=True)
            batch.unmet += 1
            continue
        batch.written += paths
        yield paths
    return batch


class _Screen:
    """Which draws may meet the constraints, by the fast measurement of their decodings (in batches,
    as the sampling reaches them)."""

    def __init__(self, project, zs: np.ndarray, constraints: tuple, axis: str) -> None:
        self.project, self.zs, self.constraints = project, zs, constraints
        self.ok = np.zeros(len(zs), bool)
        self.done = 0
        if constraints:
            from ..export.measure import frame_of

            self.frame = frame_of(project.kind, project.manifest, axis)

    def may_meet(self, j: int) -> bool:
        if not self.constraints:
            return True
        if j >= self.done:
            from ..export.measure import measure_fields
            from .constraints import names_of, slack

            stop = min(len(self.zs), self.done + SCREEN_BATCH)
            probs = decode(self.project, self.zs[self.done : stop])
            values = measure_fields(self.project.kind, probs, self.frame, names_of(self.constraints))
            self.ok[self.done : stop] = slack(values, self.constraints, self.frame) >= SCREEN_SLACK
            self.done = stop
        return bool(self.ok[j])


def _file_meets(sidecar_path: Path, constraints) -> bool:
    """Whether the properties the sidecar records (measured on its file) meet every constraint."""
    import json

    from .constraints import meets

    props = json.loads(Path(sidecar_path).read_text(encoding="utf-8")).get("properties") or {}
    return bool(meets({c.name: np.nan if props.get(c.name) is None else props[c.name] for c in constraints},
                      constraints))


def surprises_meeting(project, latent_dim: int, n: int, seed: int, temperature: float, constraints, decoder,
                      frame: dict, max_seeds: int | None = None, batch: int = 32) -> tuple[list, int]:
    """The app's Surprise x N with constraints: surprises of seeds ``seed``, ``seed + 1``, ... (each
    :func:`surprise_latent` of its own seed, so its sidecar's seed regenerates it) whose designs meet
    every constraint -- screened by the fast measurement in batches, kept by the exact one (what
    their exports are written from).  Returns ``([(seed, z, sidecar fields), ...] up to n, seeds
    tried)``; at most ``max_seeds`` (default :func:`max_draws`) are tried."""
    from ..export.measure import measure_design, measure_fields
    from .constraints import meets, names_of, slack

    constraints = tuple(constraints)
    names = names_of(constraints)
    limit = max_draws(n, True) if max_seeds is None else int(max_seeds)
    found: list = []
    tried = 0
    while len(found) < n and tried < limit:
        seeds = list(range(seed + tried, seed + min(tried + batch, limit)))
        drawn = [surprise_latent(project, latent_dim, s, temperature) for s in seeds]
        zs = np.stack([z for z, _ in drawn]).astype(np.float32)
        probs = decoder(zs)
        fast = slack(measure_fields(project.kind if project is not None else frame["kind"], probs, frame, names),
                     constraints, frame)
        for i in np.flatnonzero(fast >= SCREEN_SLACK):
            tried_here = seeds[i] - seed + 1
            if meets(measure_design(frame["kind"], probs[i], frame, names), constraints):
                found.append((seeds[i], zs[i], drawn[i][1]))
                if len(found) == n:
                    return found, tried_here
        tried += len(seeds)
    return found, tried
