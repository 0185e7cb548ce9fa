"""Designs that meet a specification: the property bank, "Snap to spec", the map's measured lattice.

* :class:`PropertyBank` -- designs the model makes, measured: the training
  encodings and draws from the fitted density (:func:`bank_latents`), decoded and
  fast-measured (``core.export.measure.measure_fields``) once per model.  Where the
  designs that meet given constraints are.
* :func:`snap_to_spec` -- the nearest latent vector to a start that meets the
  constraints.  Search, then a line search: the bank's designs that meet them (with a
  small margin, since the fast measure and the exported file differ by about a per
  cent) nearest the start are the targets; along each straight latent path from the
  start to one of them the first point that meets them is found in two rounds of
  batched decoding (``steps`` evenly, then ``steps`` between the last miss and the
  first hit); the nearest such point whose *exact* measurement (what its export is
  written from) meets every constraint is the snap.  With ``novelty`` (the map's
  ``LatentMap.novelty``) a point must also stay among the designs -- novelty at most
  ``max_novelty`` (default 2: "new" but not "far out", or the start's own) -- so a
  snap between two designs does not land in the fog between them.  Gradient descent through the
  decoder on soft measures is the other way; ``benchmarks/constraints.py`` measures
  both, and this search is what the app and the CLI use (it succeeds more often
  and in less time, see the README).
* :func:`lattice_values` -- the fast measurements of the designs on an n x n lattice of
  map points (lifted as the cursor is): the map's constraint shading and its
  property colours between the training designs.

``decoder(z)`` is any function of latent vectors (B, D) -> probabilities: the
project's model (``generate.decode``) in the CLI, the map's shared model in the app.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .constraints import meets, names_of, slack

BANK_ENCODINGS = 2000  # at most this many training encodings in a bank (a seeded subset beyond)
BANK_DRAWS = 1000  # and this many draws from the fitted density
MESH_BANK_ENCODINGS, MESH_BANK_DRAWS = 600, 400  # a mesh costs ten times an image to decode and measure
# the slack (a share of the frame's size) a snap aims for beyond each bound: the fast measure and the
# exact one differ by ~0.2% of the canvas for images, up to ~1% for meshes (the export's smoothing)
SNAP_MARGIN = {"image": 0.004, "mesh": 0.01}
SNAP_TARGETS = {"image": 6, "mesh": 4}  # paths searched (a 32^3 mesh costs ~5x a 64^2 image to decode)
SNAP_STEPS = {"image": 12, "mesh": 8}  # points along each path, in each of two rounds
MAX_NOVELTY = 2.0  # a snap with the map's novelty stays at most this far out (or as far as its start)


def bank_latents(kind: str, encodings: np.ndarray, density=None, seed: int = 0) -> np.ndarray:
    """The latents a bank measures: training encodings (a seeded subset of a big collection) and
    draws from the fitted ``density`` (if any)."""
    enc = np.asarray(encodings, np.float32)
    n_enc, n_draw = (MESH_BANK_ENCODINGS, MESH_BANK_DRAWS) if kind == "mesh" else (BANK_ENCODINGS, BANK_DRAWS)
    if len(enc) > n_enc:
        enc = enc[np.sort(np.random.default_rng(seed).choice(len(enc), n_enc, replace=False))]
    if density is None:
        return enc
    return np.concatenate([enc, np.asarray(density.sample(n_draw, seed), np.float32)])


@dataclass
class PropertyBank:
    """Latents (K, D) and the fast measurements of their designs ({name: (K,)})."""

    kind: str
    frame: dict
    latents: np.ndarray
    values: dict = field(default_factory=dict)
    seconds: float = 0.0

    @classmethod
    def build(cls, decoder: Callable, latents, kind: str, frame: dict, names=None, batch: int = 64,
              cancelled: Callable[[], bool] | None = None) -> PropertyBank:
        """Decode and measure ``latents`` in batches (``names``: default every property but the
        mesh's surface area, which :meth:`ensure` adds when a constraint needs it)."""
        from ..export.measure import property_names

        t0 = time.perf_counter()
        names = tuple(names or [n for n in property_names(kind) if n != "surface_area"])
        bank = cls(kind, frame, np.asarray(latents, np.float32))
        bank.values = bank._measure(decoder, names, batch, cancelled)
        bank.seconds = time.perf_counter() - t0
        return bank

    def _measure(self, decoder, names, batch, cancelled) -> dict:
        from ..errors import Cancelled
        from ..export.measure import measure_fields

        parts: dict[str, list] = {n: [] for n in names}
        for s in range(0, len(self.latents), batch):
            if cancelled is not None and cancelled():
                raise Cancelled()
            out = measure_fields(self.kind, decoder(self.latents[s : s + batch]), self.frame, names)
            for n in names:
                parts[n].append(out[n])
        return {n: np.concatenate(v) if v else np.zeros(0) for n, v in parts.items()}

    def ensure(self, decoder: Callable, names, batch: int = 64) -> None:
        """Measure ``names`` the bank does not have yet."""
        missing = [n for n in names if n not in self.values]
        if missing:
            self.values.update(self._measure(decoder, missing, batch, None))

    def __len__(self) -> int:
        return len(self.latents)


@dataclass
class Snap:
    """What :func:`snap_to_spec` found: the latent ``z``, its exact ``properties``, whether they meet
    the constraints (``met``), the latent ``distance`` from the start, how many designs were
    decoded, the seconds it took, and a sentence for the user."""

    z: np.ndarray
    properties: dict
    met: bool
    distance: float = 0.0
    decoded: int = 0
    seconds: float = 0.0
    message: str = ""


def snap_to_spec(z0, constraints, bank: PropertyBank, decoder: Callable, *, margin: float | None = None,
                 targets: int | None = None, steps: int | None = None, novelty: Callable | None = None,
                 max_novelty: float | None = None) -> Snap:
    """The nearest latent to ``z0`` whose design meets every constraint (see the module docstring)."""
    from ..export.measure import measure_design

    t0 = time.perf_counter()
    kind, frame = bank.kind, bank.frame
    targets, steps = targets or SNAP_TARGETS[kind], steps or SNAP_STEPS[kind]
    margin = SNAP_MARGIN[kind] if margin is None else margin
    z0 = np.asarray(z0, np.float32).ravel()
    constraints = tuple(constraints)
    bank.ensure(decoder, names_of(constraints))

    def exact(z):
        return measure_design(kind, decoder(z[None])[0], frame, names_of(constraints))

    start = exact(z0)
    if meets(start, constraints):
        return Snap(z0, start, True, 0.0, 1, time.perf_counter() - t0, "the design already meets the constraints")
    plausible = None
    if novelty is not None:
        limit = max(MAX_NOVELTY if max_novelty is None else max_novelty, float(novelty(z0[None])[0][0]))
        plausible = lambda z: novelty(z)[0] <= limit
    s = slack(bank.values, constraints, frame)
    ok = s >= margin
    if not ok.any():
        ok = s >= 0
    if plausible is not None and (ok & plausible(bank.latents)).any():
        ok &= plausible(bank.latents)
    if not ok.any():
        return Snap(z0, start, False, 0.0, 1, time.perf_counter() - t0,
                    f"none of the {len(bank)} designs measured for this model meets the constraints")
    idx = np.flatnonzero(ok)
    dist = np.linalg.norm(bank.latents[idx] - z0, axis=1)
    chosen = idx[np.argsort(dist)[:targets]]
    ends = bank.latents[chosen]
    points, decoded = _first_hits(z0, ends, constraints, frame, decoder, margin, steps, plausible)
    decoded += 1
    for z in sorted(points, key=lambda z: float(np.linalg.norm(z - z0))) + list(ends):
        props = exact(z)
        decoded += 1
        if meets(props, constraints):
            d = float(np.linalg.norm(z - z0))
            return Snap(z, props, True, d, decoded, time.perf_counter() - t0,
                        f"moved {d:.2f} in latent space to meet the constraints")
    return Snap(z0, start, False, 0.0, decoded, time.perf_counter() - t0,
                "no design near those that meet the constraints passed the exact measurement")


def _first_hits(z0, ends, constraints, frame, decoder, margin, steps, plausible=None) -> tuple[list[np.ndarray], int]:
    """Along each path z0 -> end, the first point (of ``steps``, then ``steps`` more between the last
    miss and it) that the fast measure says meets the constraints with ``margin`` (and that is
    ``plausible``, when given)."""
    from ..export.measure import measure_fields

    kind = frame["kind"]
    names = names_of(constraints)

    def passing(ts):  # ts (T, S) fractions along each path -> (T, S) bool
        z = (z0[None, None] + ts[..., None] * (ends[:, None] - z0[None, None])).astype(np.float32)
        flat = z.reshape(-1, len(z0))
        ok = slack(measure_fields(kind, decoder(flat), frame, names), constraints, frame) >= margin
        if plausible is not None:
            ok &= plausible(flat)
        return ok.reshape(ts.shape), z

    grid = np.tile(np.linspace(0.0, 1.0, steps + 1)[1:], (len(ends), 1))
    hit, _ = passing(grid)
    hit[:, -1] = True  # the end itself met them in the bank
    first = np.argmax(hit, axis=1)
    lo = np.where(first > 0, grid[np.arange(len(ends)), np.maximum(first - 1, 0)], 0.0)
    hi = grid[np.arange(len(ends)), first]
    fine = lo[:, None] + (hi - lo)[:, None] * np.linspace(0.0, 1.0, steps + 1)[None, 1:]
    hit2, z2 = passing(fine)
    hit2[:, -1] = True
    k = np.argmax(hit2, axis=1)
    return [z2[i, k[i]] for i in range(len(ends))], 2 * len(ends) * steps


# ----------------------------------------------------------------------------------- the map's lattice
def lattice_points(bounds, n: int) -> np.ndarray:
    """(n*n, 2) cell centres over ``bounds`` (x0, x1, y0, y1), row by row from the top (highest y)."""
    x0, x1, y0, y1 = (float(b) for b in bounds)
    xs = x0 + (np.arange(n) + 0.5) * (x1 - x0) / n
    ys = y0 + (np.arange(n) + 0.5) * (y1 - y0) / n
    gx, gy = np.meshgrid(xs, ys[::-1])
    return np.stack([gx.ravel(), gy.ravel()], axis=1)


def lattice_values(latent_map, decoder: Callable, kind: str, frame: dict, bounds, n: int, names=None,
                   batch: int = 64, cancelled: Callable[[], bool] | None = None) -> dict[str, np.ndarray]:
    """Fast measurements ({name: (n*n,)}, :func:`lattice_points` order) of the designs at the lattice
    of map points, lifted as the cursor lifts them."""
    bank = PropertyBank.build(decoder, latent_map.lift(lattice_points(bounds, n)), kind, frame, names, batch,
                              cancelled)
    return bank.values
