"""Named directions in latent space, and walking along one without leaving the data.

Raw latent dimensions mean nothing to a designer; a direction with a name does: "sedan → suv"
(from the labels), "A → B" (from two groups of designs the designer picked), "PC 1" (the
direction in which the collection varies most).  A :class:`Direction` is a unit vector ``u``
with an ``origin`` and a ``unit`` length, so that each design has a *value* along it, what
the designer types or drags:

    value(z) = (z - origin) . u / unit

* **Labels / groups, A → B**: ``u`` along the difference of the two groups' mean encodings
  (or, with ``probe=True``, the normal of a logistic-regression probe that tells them apart,
  which ignores variation the two groups share); ``origin`` is A's mean and ``unit`` the gap
  between the means along ``u``: value 0 is as A-like as A's average design, 1 as B-like as
  B's.
* **Principal directions, PC k**: the k-th principal axis of the encodings (the map's PCA
  axes are PC 1 and PC 2); ``origin`` the mean, ``unit`` the standard deviation along it:
  values are in standard deviations from the collection's average.

**Walking** (:func:`walk`) moves a start design ``z0`` to other values.  The straight line
``z0 + (v - value(z0)) * unit * u`` soon leaves the region the decoder has seen (between
clusters, out along directions where the designs hardly vary) and decodes to fog.  The walk
``"on-data"`` (the default) corrects each point ``x`` of the line by the change in the
aggregate posterior's pull at that point -- the expected encoding given ``x`` under the
density of the training encodings (:func:`walk_density`: one Gaussian kernel on every
encoding, ``KERNEL`` times their spread; any :class:`~.density.LatentDensity` works),
observed through isotropic Gaussian noise of variance ``tau``^2 times that density's mean
variance per dimension (N):

    c(x) = E[z | x] - x = sum_k r_k(x) N (S_k + N)^-1 (m_k - x)      (closed form per component)
    z(v) = x(v) + P (c(x(v)) - c(z0))                                (P: removes the part along u)

so ``z(value(z0)) = z0`` exactly, the value along ``u`` stays the one typed, and the rest is
drawn towards the designs near that point of the line (a kernel regression of the encodings,
Nadaraya-Watson).  It is smooth in ``v`` (the responsibilities ``r_k`` are), so a sequence
has no jumps.  The project's fitted mixture (:meth:`Project.density`) has too few components
to say where in a cluster the designs lie: with it the walk hardly leaves the straight line.
``benchmarks/directions.py`` compares the walks: re-encoded exported designs moving
monotonically towards B, property steps, novelty.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..errors import UserError

WALKS = ("on-data", "straight")
TAU = 1.0  # the walk's observation noise, in units of the encodings' typical spread
KERNEL = 0.2  # the walk density's kernel width, in units of the encodings' spread
PCS = 8  # principal directions offered
ARROWS = ("->", "→")


@dataclass(frozen=True, eq=False)
class Direction:
    """A named direction: ``u`` (D,) unit vector, ``origin`` (D,), ``unit`` (latent length of
    one value step); ``kind`` "labels" | "groups" | "pca"; ``key``: how the CLI names it."""

    name: str
    key: str
    kind: str
    u: np.ndarray
    origin: np.ndarray
    unit: float
    ends: tuple[str, str] = ("", "")  # A and B of an A -> B direction
    extra: dict = field(default_factory=dict)  # how it was made (probe, group members)

    def value(self, z) -> np.ndarray:
        """The value of each latent vector of ``z`` (n, D) (or one, (D,)) along the direction."""
        z = np.asarray(z, np.float64)
        return ((z - self.origin) @ self.u) / self.unit

    @property
    def default_range(self) -> tuple[float, float]:
        """What a slider covers: a bit beyond both ends (A -> B), or +-3 standard deviations (PCs)."""
        return (-0.5, 1.5) if self.kind != "pca" else (-3.0, 3.0)

    def describe(self) -> dict:
        """The sidecar's ``direction`` object."""
        return {"name": self.name, "key": self.key, "kind": self.kind, "unit": float(self.unit),
                "vector": [float(v) for v in self.u], "origin": [float(v) for v in self.origin], **self.extra}


def _unit_vector(v: np.ndarray, what: str) -> np.ndarray:
    n = float(np.linalg.norm(v))
    if not np.isfinite(n) or n < 1e-9:
        raise UserError(f"{what}: the two groups lie at the same place in latent space; there is no direction")
    return v / n


def group_direction(za, zb, name_a: str = "A", name_b: str = "B", *, probe: bool = False,
                    kind: str = "groups", key: str | None = None) -> Direction:
    """The direction from group A's encodings ``za`` (n, D) to group B's ``zb`` (m, D)."""
    za, zb = np.atleast_2d(np.asarray(za, np.float64)), np.atleast_2d(np.asarray(zb, np.float64))
    if not len(za) or not len(zb):
        raise UserError(f"{name_a} -> {name_b}: each end needs at least one design")
    ma, mb = za.mean(axis=0), zb.mean(axis=0)
    name = f"{name_a} → {name_b}"
    extra = {"from": name_a, "to": name_b, "designs": [len(za), len(zb)]}
    if probe and len(za) >= 2 and len(zb) >= 2:
        u = _unit_vector(_probe_normal(za, zb), name)
        extra["probe"] = True
    else:
        u = _unit_vector(mb - ma, name)
    unit = float((mb - ma) @ u)
    if unit <= 1e-9:
        raise UserError(f"{name}: the probe does not separate the two groups")
    return Direction(name, key or f"{name_a}->{name_b}", kind, u, ma, unit, (name_a, name_b), extra)


def _probe_normal(za: np.ndarray, zb: np.ndarray, l2: float = 1e-2, iterations: int = 30) -> np.ndarray:
    """The weight vector (in latent units) of an L2-regularised logistic regression telling B
    (1) from A (0), fitted by Newton's method on the standardised encodings, classes balanced."""
    x = np.vstack([za, zb])
    y = np.r_[np.zeros(len(za)), np.ones(len(zb))]
    sw = np.r_[np.full(len(za), 0.5 / len(za)), np.full(len(zb), 0.5 / len(zb))]
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-6
    xs = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    w = np.zeros(xs.shape[1])
    reg = np.full(xs.shape[1], l2)
    reg[-1] = 0.0
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(xs @ w, -30, 30)))
        grad = xs.T @ (sw * (p - y)) + reg * w
        hess = (xs * (sw * p * (1 - p))[:, None]).T @ xs + np.diag(reg + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w[:-1] / scale


def label_direction(encodings, labels, a: str, b: str, *, probe: bool = False) -> Direction:
    """"A → B" from the designs labelled ``a`` and ``b``."""
    labels = np.asarray(list(labels), dtype=object)
    known = sorted(set(labels.tolist()))
    for name in (a, b):
        if name not in known:
            raise UserError(f"no designs are labelled {name!r}: the labels are {', '.join(known)}")
    if a == b:
        raise UserError(f"{a} -> {b}: pick two different labels")
    z = np.asarray(encodings, np.float64)
    return group_direction(z[labels == a], z[labels == b], a, b, probe=probe, kind="labels")


def principal_directions(encodings, k: int = PCS) -> list[Direction]:
    """The first ``k`` principal directions of the encodings ("PC 1" ...), signs as on the map
    (the largest loading of each axis is positive)."""
    z = np.asarray(encodings, np.float64)
    if z.ndim != 2 or len(z) < 2:
        raise UserError("principal directions need at least two encoded designs")
    mean = z.mean(axis=0)
    _, s, vt = np.linalg.svd(z - mean, full_matrices=False)
    out = []
    for i in range(min(k, len(s))):
        sd = float(s[i] / np.sqrt(len(z)))
        if sd <= 1e-9:
            break
        u = vt[i] * np.sign(vt[i][np.abs(vt[i]).argmax()])
        out.append(Direction(f"PC {i + 1}", f"pc{i + 1}", "pca", u, mean, sd,
                             extra={"variance_share": float(s[i] ** 2 / max((s**2).sum(), 1e-300))}))
    return out


def parse_direction(spec: str, encodings, labels, *, probe: bool = False, groups=None) -> Direction:
    """A direction named as on the command line: ``"A->B"`` (labels, or the map session's named groups
    of training designs, ``groups``: {name: indices}; ``→`` works too) or ``"pcK"``."""
    text = spec.strip()
    low = text.lower().replace(" ", "")
    if low.startswith("pc") and low[2:].isdigit():
        k = int(low[2:])
        pcs = principal_directions(encodings, max(k, 1))
        if not 1 <= k <= len(pcs):
            raise UserError(f"{spec!r}: this project has principal directions pc1 to pc{len(pcs)}")
        return pcs[k - 1]
    for arrow in ARROWS:
        if arrow in text:
            a, b = (part.strip() for part in text.split(arrow, 1))
            if groups and a in groups and b in groups:
                return groups_direction(encodings, groups, a, b, probe=probe)
            try:
                return label_direction(encodings, labels, a, b, probe=probe)
            except UserError as exc:
                if not groups:
                    raise
                raise UserError(f"{exc}; the map's groups are {', '.join(sorted(groups))}") from None
    known = ", ".join(sorted(set(labels)))
    named = f"; groups: {', '.join(sorted(groups))}" if groups else ""
    raise UserError(f"unknown direction {spec!r}: use LABEL->LABEL (labels: {known}{named}) or pc1, pc2, ...")


def groups_direction(encodings, groups, a: str, b: str, *, probe: bool = False) -> Direction:
    """"A → B" from two named groups of training designs (``groups``: {name: indices}, as the map
    session keeps them)."""
    if a == b:
        raise UserError(f"{a} -> {b}: pick two different groups")
    z = np.asarray(encodings, np.float64)
    sides = []
    for name in (a, b):
        idx = np.asarray([i for i in groups[name] if 0 <= int(i) < len(z)], np.int64)
        if not len(idx):
            raise UserError(f"group {name!r} holds no designs of this project")
        sides.append(z[idx])
    return group_direction(sides[0], sides[1], a, b, probe=probe, kind="groups", key=f"{a}->{b}")


# ------------------------------------------------------------------------------------------ walking
def check_walk(method: str) -> str:
    if method not in WALKS:
        raise UserError(f"unknown walk {method!r}: use {' or '.join(WALKS)}")
    return method


def walk_density(encodings, kernel: float = KERNEL):
    """The density the on-data walk follows: a Gaussian kernel of ``kernel`` times the encodings'
    spread on each of the (training) encodings (a seeded subset of ``MAX_FIT`` of a bigger
    collection, so that a slider's step stays a few milliseconds)."""
    from .density import MAX_FIT, REG_ABS, LatentDensity

    z = np.asarray(encodings, np.float64)
    if z.ndim != 2 or not len(z):
        raise UserError("walking on the data needs at least one encoded design")
    if len(z) > MAX_FIT:
        z = z[np.sort(np.random.default_rng(0).choice(len(z), MAX_FIT, replace=False))]
    spread = z.var(axis=0) + REG_ABS
    return LatentDensity(np.ones(len(z)), z, np.tile(kernel * kernel * spread, (len(z), 1)), bandwidth=kernel)


def walk(z0, direction: Direction, values, density=None, method: str = "on-data", tau: float = TAU) -> np.ndarray:
    """Latent vectors (n, D) float32: the start design ``z0`` moved to each of ``values`` along
    ``direction`` (see the module docstring); ``density``: what ``"on-data"`` follows (a
    ``LatentDensity``, usually :func:`walk_density` of the training encodings)."""
    check_walk(method)
    z0 = np.asarray(z0, np.float64).ravel()
    values = np.atleast_1d(np.asarray(values, np.float64))
    u = direction.u
    line = z0[None] + ((values - float(direction.value(z0)))[:, None] * direction.unit) * u[None]
    if method == "straight":
        return line.astype(np.float32)
    if density is None:
        raise UserError("walking on the data needs the project's latent density")
    pull = data_pull(density, np.vstack([z0[None], line]), tau)
    change = pull[1:] - pull[:1]
    change -= (change @ u)[:, None] * u[None]  # the value along u stays the one asked for
    return (line + change).astype(np.float32)


def data_pull(density, x, tau: float = TAU) -> np.ndarray:
    """c(x) = E[z | x] - x (n, D) under ``density`` with the observation noise of the module docstring."""
    x = np.atleast_2d(np.asarray(x, np.float64))
    w, m, cov = density.weights, density.means, density.covariances
    spread = _spread(w, m, cov)
    noise = np.full_like(spread, (tau * tau) * spread.mean() + 1e-12)  # (D,): the same in every direction
    if cov.ndim == 2:  # diagonal components (and kernel mixtures)
        total = cov + noise[None]  # (K, D)
        diff = m[None] - x[:, None]  # (n, K, D)
        log_r = np.log(w)[None] - 0.5 * ((diff**2 / total[None]).sum(-1) + np.log(total).sum(-1)[None])
        r = _softmax(log_r)
        return np.einsum("nk,nkd->nd", r, diff * (noise[None] / total)[None])
    total = cov + np.diag(noise)[None]  # (K, D, D)
    chol = np.linalg.cholesky(total)
    out_terms, log_r = [], []
    for k in range(len(w)):
        diff = m[k][None] - x  # (n, D)
        sol = np.linalg.solve(total[k], diff.T).T  # (S_k + N)^-1 (m_k - x)
        out_terms.append(sol * noise[None])
        maha = (diff * sol).sum(-1)
        log_r.append(np.log(w[k]) - 0.5 * maha - np.log(np.diag(chol[k])).sum())
    r = _softmax(np.stack(log_r, axis=1))
    return np.einsum("nk,knd->nd", r, np.stack(out_terms))


def _spread(w: np.ndarray, m: np.ndarray, cov: np.ndarray) -> np.ndarray:
    """The mixture's variance along each dimension (D,)."""
    own = cov if cov.ndim == 2 else np.diagonal(cov, axis1=1, axis2=2)
    mean = w @ m
    return w @ (own + m**2) - mean**2


def _softmax(log_r: np.ndarray) -> np.ndarray:
    r = np.exp(log_r - log_r.max(axis=1, keepdims=True))
    return r / r.sum(axis=1, keepdims=True)
