"""Where designs live in latent space: a Gaussian mixture fitted to the training encodings.

A VAE's decoder has only ever seen latent vectors near the training encodings.
Draws from the prior N(0, I) mostly land elsewhere -- in the holes between the
clusters and out along directions where the designs hardly vary -- and decode to
grey fog or scattered specks.  Sampling from the *aggregate posterior* instead
(the distribution of the encodings themselves) lands on plausible designs:
ex-post density estimation (Ghosh et al. 2020, "From variational to
deterministic autoencoders"), here fitted to the posterior means of the
training split.

* **Candidates.**  (1) A Gaussian mixture with full covariances (latent sizes up
  to ``FULL_MAX_DIM``) and (2) one with diagonal covariances, each fitted by EM
  (:mod:`.gaussians`) for 1..``MAX_COMPONENTS`` components, the number chosen by
  BIC; (3) a kernel mixture: one Gaussian on every encoding, all with the
  encodings' own spread times a bandwidth chosen by leave-one-out likelihood.
  Small collections (tens of designs) are often best described by (3), large
  ones by (1) or (2).
* **Choice.**  The candidate with the highest held-out likelihood over
  ``FOLDS``-fold cross-validation of the encodings wins (BIC among (1) and (2)
  when there are too few encodings to hold any out).  A collection of more than
  ``MAX_FIT`` designs is represented by a seeded random subset of that many.  Everything random comes
  from ``seed``: the same encodings always give the same density.  Every
  covariance gets a small floor (a thousandth of the encodings' variance along
  each dimension, plus 1e-6), so an unused dimension cannot collapse a component.
* **Sample.**  ``sample(n, seed, temperature)``: draw i's noise is row i of
  ``default_rng(seed).standard_normal((n, D))`` -- exactly the normal prior's
  draw (:func:`.generate.prior_latents`) -- and its component comes from a second
  stream of the same seed; the draw is ``mean_k + temperature * L_k @ noise``
  (``L_k`` the Cholesky factor of component k's covariance: the temperature
  scales each covariance by T^2).  The first m draws of a seed are the same
  whatever n, so a batch can replace an empty design by drawing on.
* **Score.**  ``log_density(z)``: log-density in nats, for plausibility.

:meth:`LatentDensity.to_arrays` is what a project stores (``density.safetensors``,
``core.project.store``); nothing here reads or writes files.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import UserError
from .gaussians import component_limit, em, logsumexp, parameter_count, weighted_log_prob

KINDS = ("full", "diag", "kernel")
MAX_COMPONENTS = 8
FULL_MAX_DIM = 128  # full covariances above this size cost too much to fit (K x D^2 per encoding)
FOLDS = 5
HELD_OUT = 500  # a big collection holds out folds until this many encodings were held out, not all
BANDWIDTHS = (0.05, 0.1, 0.15, 0.2, 0.3, 0.4, 0.6, 0.8, 1.0)  # kernel spread / encodings' spread
MAX_FIT = 4000  # a bigger collection is represented by a seeded random subset of its encodings
BANDWIDTH_QUERIES = 500  # at most this many encodings score each bandwidth (leave-one-out)
FIT_SEED = 0
REG_ABS, REG_REL = 1e-6, 1e-3
COMPONENT_STREAM = 0xC0  # a seed's second random stream: which component each draw comes from


@dataclass(frozen=True, eq=False)
class LatentDensity:
    """A Gaussian mixture over latent vectors: ``weights`` (K,), ``means`` (K, D) and
    ``covariances``, (K, D, D) full or (K, D) diagonal; ``bandwidth`` for a kernel mixture."""

    weights: np.ndarray
    means: np.ndarray
    covariances: np.ndarray
    bandwidth: float | None = None

    def __post_init__(self) -> None:
        w, m, c = (np.asarray(a, np.float64) for a in (self.weights, self.means, self.covariances))
        k = len(w)
        ok = (w.ndim == 1 and k >= 1 and m.ndim == 2 and m.shape[0] == k and c.shape[0] == k
              and c.shape[1:] in ((m.shape[1],), (m.shape[1], m.shape[1])))
        if not ok or not all(np.isfinite(a).all() for a in (w, m, c)) or (w <= 0).any() or \
                (c.ndim == 2 and (c <= 0).any()):
            raise UserError("the latent density is damaged (its arrays do not make a mixture)")
        try:
            scales = np.sqrt(c) if c.ndim == 2 else np.linalg.cholesky(c)
        except np.linalg.LinAlgError:
            raise UserError("the latent density is damaged (a covariance is not positive definite)") from None
        for name, value in (("weights", w / w.sum()), ("means", m), ("covariances", c), ("_scales", scales)):
            object.__setattr__(self, name, value)

    @property
    def kind(self) -> str:
        """"kernel" (one component per encoding), "diag" or "full" (the covariances)."""
        return "kernel" if self.bandwidth is not None else "diag" if self.covariances.ndim == 2 else "full"

    @property
    def components(self) -> int:
        return len(self.weights)

    @property
    def dim(self) -> int:
        return self.means.shape[1]

    def describe(self) -> str:
        if self.kind == "kernel":
            return f"kernel mixture over {self.components} encodings (bandwidth {self.bandwidth:g} of their spread)"
        k = self.components
        return f"{k} Gaussian component{'s' if k != 1 else ''}, {'diagonal' if self.kind == 'diag' else 'full'} " \
               "covariance"

    def sample(self, n: int, seed: int, temperature: float = 1.0) -> np.ndarray:
        """``n`` draws (n, D) float32; the same seed gives the same draws, the first m whatever ``n``."""
        n, temperature = _checked_draw(n, seed, temperature)
        noise = np.random.default_rng(seed).standard_normal((n, self.dim))
        u = np.random.default_rng([seed, COMPONENT_STREAM]).random(n)
        k = np.minimum(np.searchsorted(np.cumsum(self.weights), u, side="right"), self.components - 1)
        scales = self._scales[k]  # (n, D) or (n, D, D)
        spread = noise * scales if scales.ndim == 2 else np.einsum("nij,nj->ni", scales, noise)
        return (self.means[k] + temperature * spread).astype(np.float32)

    def log_density(self, z) -> np.ndarray:
        """The mixture's log-density (nats) at each latent vector of ``z`` (n, D) -> (n,)."""
        z = np.atleast_2d(np.asarray(z, np.float64))
        if z.shape[1] != self.dim:
            raise UserError(f"latent vectors have {z.shape[1]} values; the density has {self.dim}")
        return logsumexp(weighted_log_prob(z, self.weights, self.means, self.covariances), axis=0)

    def to_arrays(self) -> dict[str, np.ndarray]:
        """float64 ``weights``, ``means``, ``covariances`` (full) or ``variances`` (diagonal), and
        for a kernel mixture ``bandwidth`` (1,)."""
        out = {"weights": self.weights, "means": self.means,
               "covariances" if self.covariances.ndim == 3 else "variances": self.covariances}
        if self.bandwidth is not None:
            out["bandwidth"] = np.array([self.bandwidth], np.float64)
        return out

    @classmethod
    def from_arrays(cls, arrays: dict) -> LatentDensity:
        """The inverse of :meth:`to_arrays`; :class:`UserError` when the arrays do not make a mixture."""
        cov = arrays.get("covariances", arrays.get("variances"))
        if "weights" not in arrays or "means" not in arrays or cov is None:
            raise UserError("the latent density is damaged (an array is missing)")
        bandwidth = arrays.get("bandwidth")
        return cls(np.asarray(arrays["weights"]), np.asarray(arrays["means"]), np.asarray(cov),
                   None if bandwidth is None else float(np.asarray(bandwidth).ravel()[0]))


def _checked_draw(n: int, seed: int, temperature: float) -> tuple[int, float]:
    if int(n) < 1:
        raise UserError("-n must be at least 1")
    if int(seed) < 0:
        raise UserError(f"the seed must be zero or a positive whole number, not {seed}")
    if not (np.isfinite(temperature) and temperature > 0):
        raise UserError(f"the temperature must be a positive number, not {temperature}")
    return int(n), float(temperature)


@dataclass
class _Candidate:
    kind: str
    size: float  # components (full, diag) or bandwidth (kernel)
    density: LatentDensity  # fitted to all the encodings
    bic: float = np.inf


def fit_density(encodings, *, seed: int = FIT_SEED, kinds: tuple[str, ...] = KINDS,
                max_components: int = MAX_COMPONENTS) -> LatentDensity:
    """The density of ``encodings`` (N, D) among ``kinds`` (see the module docstring) with the
    highest held-out likelihood; deterministic for a ``seed``."""
    x = np.asarray(encodings, np.float64)
    if x.ndim != 2 or len(x) < 1 or not np.isfinite(x).all():
        raise UserError("the latent density needs at least one finite encoding")
    if not kinds or set(kinds) - set(KINDS):
        raise UserError(f"density kinds must be among {', '.join(KINDS)}, not {kinds}")
    if len(x) > MAX_FIT:  # plenty for 8 components, and the fit stays well under a second
        x = x[np.sort(np.random.default_rng([seed, 0x5E]).choice(len(x), MAX_FIT, replace=False))]
    if x.shape[1] > FULL_MAX_DIM and len(kinds) > 1:
        kinds = tuple(k for k in kinds if k != "full")
    few = len(x) < 2 * FOLDS
    if few and len(kinds) > 1:
        kinds = tuple(k for k in kinds if k != "kernel") or kinds
    candidates = [_candidate(x, kind, seed, max_components) for kind in kinds]
    if len(candidates) == 1:
        return candidates[0].density
    if few:
        return min(candidates, key=lambda c: c.bic).density
    return candidates[int(np.argmax(_held_out_loglik(x, candidates, seed)))].density


def _floor(x: np.ndarray) -> np.ndarray:
    return REG_ABS + REG_REL * x.var(axis=0)


def _candidate(x: np.ndarray, kind: str, seed: int, max_components: int) -> _Candidate:
    """The best density of one kind for all of ``x``: components by BIC, or the kernel bandwidth
    by leave-one-out likelihood."""
    if kind == "kernel":
        h = _kernel_bandwidth(x, seed)
        return _Candidate(kind, h, _kernel(x, h))
    reg = _floor(x)
    best, worse = None, 0
    for k in range(1, component_limit(len(x), x.shape[1], kind, max_components) + 1):
        params, loglik = em(x, k, kind, reg, seed)
        bic = -2.0 * loglik + parameter_count(k, x.shape[1], kind) * np.log(len(x))
        if best is None or bic < best.bic - 1e-9:
            best, worse = _Candidate(kind, k, LatentDensity(*params), bic), 0
        else:  # stop once two more components in a row did not lower the BIC
            worse += 1
            if worse == 2:
                break
    return best


def _kernel(x: np.ndarray, h: float) -> LatentDensity:
    """One Gaussian on every encoding, variance h^2 times the encodings' variance (floored)."""
    spread = x.var(axis=0) + REG_ABS
    return LatentDensity(np.ones(len(x)), x, np.tile(h * h * spread, (len(x), 1)), bandwidth=float(h))


def _kernel_bandwidth(x: np.ndarray, seed: int) -> float:
    """The bandwidth of ``BANDWIDTHS`` with the highest leave-one-out log-likelihood (scored on
    at most ``BANDWIDTH_QUERIES`` encodings)."""
    n, d = x.shape
    spread = x.var(axis=0) + REG_ABS
    q = np.random.default_rng([seed, 0xB0]).permutation(n)[:BANDWIDTH_QUERIES]
    # squared distances in units of the spread: one matrix, rescaled for every bandwidth
    unit = LatentDensity(np.ones(n), x, np.tile(spread, (n, 1)))
    base = weighted_log_prob(x[q], unit.weights, x, unit.covariances)  # (N, Q): log(1/N) + log N(x_q; x_j, S)
    const = np.log(1.0 / n) - 0.5 * (np.log(spread).sum() + d * np.log(2 * np.pi))
    dist2 = (-2.0 * (base - const)).astype(np.float32)  # float32: only to compare the bandwidths
    dist2[q, np.arange(len(q))] = np.inf  # leave each query out of its own estimate
    scores = [float(logsumexp(-0.5 * dist2 / (h * h) - d * np.log(h), axis=0).mean()) for h in BANDWIDTHS]
    return float(BANDWIDTHS[int(np.argmax(scores))])


def _held_out_loglik(x: np.ndarray, candidates: list[_Candidate], seed: int) -> list[float]:
    """Mean log-likelihood of held-out encodings under each candidate refitted without them
    (``FOLDS`` folds, until at least ``HELD_OUT`` encodings were held out; EM starts from the
    candidate's fit to all the encodings)."""
    folds = np.array_split(np.random.default_rng([seed, 0xF0]).permutation(len(x)), FOLDS)
    totals, held = np.zeros(len(candidates)), 0
    for fold in folds:
        rest = np.setdiff1d(np.arange(len(x)), fold)
        for i, c in enumerate(candidates):
            if c.kind == "kernel":
                density = _kernel(x[rest], c.size)
            else:
                d = c.density
                start = (d.weights, d.means, d.covariances)
                density = LatentDensity(*em(x[rest], d.components, c.kind, _floor(x[rest]), seed, start)[0])
            totals[i] += density.log_density(x[fold]).sum()
        held += len(fold)
        if held >= HELD_OUT:
            break
    return list(totals / held)
