"""Latent-space maths behind the design map: projection, lift, novelty, directions.

The map shows the training set's encodings (latent means, N x D) in 2D.  A 2D
map cannot show a D-dimensional space, so the way back from a map point to a
latent vector (the *lift*) is what makes the map honest:

    z(y) = mean + y @ axes + sum_k w_k(y) * residual_k * fade(y)

* ``axes`` span the plane of the projection (PCA by default, or two chosen
  latent dimensions); ``y @ axes`` is the part of a design the map shows.
* ``residual_k`` is what the map hides of the k-th nearest training item (its
  encoding minus its own projection); ``w_k`` are inverse-distance (Shepard)
  weights, so at an item's own position the weight is 1 and the lift returns
  exactly that item's encoding: decoding there reproduces the item.
* Between items the residuals blend smoothly; far from every item ``fade``
  takes them to zero, leaving the plane: a plausible "average" design.

A non-linear layout (UMAP, or any 2D embedding of the items) has no plane:
:meth:`LatentMap.from_coords` builds a map from given coordinates whose lift is
inverse-distance interpolation of the nearest items' encodings in map space
(Franke-Little weights, which reach zero at the first neighbour left out, so
the lift stays continuous where the set of neighbours changes), exact at items;
its ``project`` places a latent vector by the same weighting of its nearest
items in latent space.

Novelty is the latent distance from a design to its nearest training item,
divided by the typical distance between neighbouring training items: about 1
is "as new as items are from each other", well above 2 is out in the unknown.
Distances are measured over the *active* dimensions only (those whose means
vary across the designs: Burda et al.'s active units, variance > 0.01).  The
encoder leaves the other dimensions at the prior and the decoder ignores
them, so a prior sample's noise there changes nothing on screen -- counted, it
made every surprise look a hundred spacings away from everything.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from ..errors import UserError

NEIGHBOURS = 8
# Variance of a dimension's means over the designs above which it counts as active.
ACTIVE_VARIANCE = 0.01


@dataclass
class LatentMap:
    encodings: np.ndarray  # (N, D) float32
    mean: np.ndarray  # (D,)
    axes: np.ndarray  # (2, D): map coordinates y = (z - mean) @ axes.T
    coords: np.ndarray  # (N, 2)
    residuals: np.ndarray  # (N, D)
    method: str
    spacing: float  # median distance between neighbouring items on the map
    latent_spacing: float  # median latent distance to the nearest other item
    linear: bool = True  # False: built from given coordinates (from_coords), no plane
    _tree2d: cKDTree | None = None
    active: np.ndarray | None = None  # (D,) bool: the active dimensions novelty is measured in
    novelty_spacing: float = 1.0  # median distance to the nearest other item, active dimensions
    _active_encodings: np.ndarray | None = None

    @classmethod
    def fit(cls, encodings: np.ndarray, method: str = "pca", dims: tuple[int, int] = (0, 1),
            init: np.ndarray | None = None) -> LatentMap:
        """Lay the encodings flat: "pca", "dims" (two latent dimensions) or "umap" (optional,
        non-linear; ``init``: previous coordinates to start from)."""
        z = np.asarray(encodings, np.float64)
        if z.ndim != 2 or len(z) < 1:
            raise UserError("the map needs at least one encoded design")
        n, d = z.shape
        mean = z.mean(axis=0)
        centred = z - mean
        if method == "pca":
            if n >= 2 and d >= 2:
                _, _, vt = np.linalg.svd(centred, full_matrices=False)
                axes = vt[:2]
                if axes.shape[0] < 2:
                    axes = np.vstack([axes, np.eye(d)[1:2]])
            else:
                axes = np.eye(max(d, 2))[:2, :d]
            # a stable orientation: the largest loading of each axis is positive
            signs = np.sign(axes[np.arange(2), np.abs(axes).argmax(axis=1)])
            axes = axes * signs[:, None]
        elif method == "umap":
            return cls.from_coords(z, umap_coords(z, init=init), method="umap")
        elif method == "dims":
            i, j = dims
            if not (0 <= i < d and 0 <= j < d) or i == j:
                raise UserError(f"latent dimensions {i} and {j}: pick two different ones below {d}")
            axes = np.zeros((2, d))
            axes[0, i] = axes[1, j] = 1.0
        else:
            raise UserError(f"unknown map projection {method!r}")
        coords = centred @ axes.T
        residuals = centred - coords @ axes
        m = cls(z.astype(np.float32), mean, axes, coords, residuals, method, 1.0, 1.0)
        return m._index(z)

    @classmethod
    def from_coords(cls, encodings: np.ndarray, coords: np.ndarray, method: str = "custom") -> LatentMap:
        """A map laid out by given 2D coordinates of the items (UMAP, t-SNE, a designer's own).

        No plane: ``axes`` are zero and ``residuals`` are the items' whole encodings
        (minus the mean), so the lift interpolates encodings (see the module docstring).
        """
        z = np.asarray(encodings, np.float64)
        y = np.asarray(coords, np.float64)
        if z.ndim != 2 or len(z) < 1:
            raise UserError("the map needs at least one encoded design")
        if y.shape != (len(z), 2) or not np.isfinite(y).all():
            raise UserError(f"map coordinates must be finite and shaped ({len(z)}, 2), not {y.shape}")
        mean = z.mean(axis=0)
        m = cls(z.astype(np.float32), mean, np.zeros((2, z.shape[1])), y.copy(), z - mean, method, 1.0, 1.0,
                linear=False)
        return m._index(z)

    def _index(self, z: np.ndarray) -> LatentMap:
        """Build the 2D k-d tree and the typical spacings (in the map and in latent space)."""
        m, coords, n = self, self.coords, len(self.coords)
        m._tree2d = cKDTree(coords)
        if n >= 2:
            d2, _ = m._tree2d.query(coords, k=2)
            m.spacing = float(np.median(d2[:, 1])) or float(np.ptp(coords)) / np.sqrt(n) or 1.0
            # latent nearest-neighbour spacing from up to 1000 items against all
            # (a k-d tree is slow in 32 dimensions; brute force by matrix product is not)
            rng = np.random.default_rng(0)
            pick = rng.choice(n, size=min(n, 1000), replace=False)
            dist, _ = m._nearest_latent(z[pick], exclude=pick)
            m.latent_spacing = float(np.median(dist)) or 1.0
        m.active = active_mask(m.encodings)
        m._active_encodings = np.ascontiguousarray(m.encodings[:, m.active], np.float32)
        if n >= 2:
            dist, _ = _nearest_rows(m._active_encodings, m._active_encodings[pick], exclude=pick)
            m.novelty_spacing = float(np.median(dist)) or 1.0
        return m

    def _nearest_latent(self, q: np.ndarray, exclude=None) -> tuple[np.ndarray, np.ndarray]:
        """Brute-force nearest encodings of queries q (B, D)."""
        return _nearest_rows(self.encodings.astype(np.float32), q, exclude)

    def _knearest_latent(self, q: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The k nearest encodings of queries q (B, D), nearest first: (distances, indices), (B, k)."""
        z = self.encodings.astype(np.float32)
        zz = np.einsum("ij,ij->i", z, z)
        k = min(k, len(z))
        dists, idxs = [], []
        for s in range(0, len(q), 256):
            qb = np.asarray(q[s : s + 256], np.float32)
            d2 = zz[None] - 2.0 * qb @ z.T + np.einsum("ij,ij->i", qb, qb)[:, None]
            idx = np.argpartition(d2, k - 1, axis=1)[:, :k] if k < len(z) else np.tile(np.arange(len(z)),
                                                                                          (len(qb), 1))
            # exact distances of the few candidates (the expansion above cancels near 0)
            dist = np.linalg.norm(qb[:, None].astype(np.float64) - z[idx], axis=2)
            order = np.argsort(dist, axis=1)
            dists.append(np.take_along_axis(dist, order, 1))
            idxs.append(np.take_along_axis(idx, order, 1))
        return np.concatenate(dists), np.concatenate(idxs)

    def project(self, z: np.ndarray) -> np.ndarray:
        """Map coordinates of latent vectors (B, D) -> (B, 2).

        Built from coordinates (no plane): the coordinates of the nearest items in latent
        space, weighted as the lift weights map neighbours, so an item's encoding lands on it.
        """
        z = np.atleast_2d(np.asarray(z, np.float64))
        if self.linear:
            return (z - self.mean) @ self.axes.T
        dist, idx = self._knearest_latent(z, NEIGHBOURS + 1)
        w = _neighbour_weights(dist, NEIGHBOURS, 1e-9 * max(self.latent_spacing, 1e-12))
        return np.einsum("bk,bkc->bc", w, self.coords[idx[:, : w.shape[1]]])

    def lift(self, y: np.ndarray) -> np.ndarray:
        """Latent vectors (B, D) float32 for map points (B, 2); see the module docstring."""
        y = np.atleast_2d(np.asarray(y, np.float64))
        if not self.linear:
            k = min(NEIGHBOURS + 1, len(self.coords))
            dist, idx = self._tree2d.query(y, k=k)
            dist, idx = dist.reshape(len(y), k), idx.reshape(len(y), k)
            w = _neighbour_weights(dist, NEIGHBOURS, 1e-9 * max(self.spacing, 1e-12))
            residual = np.einsum("bk,bkd->bd", w, self.residuals[idx[:, : w.shape[1]]])
            return (self.mean + residual).astype(np.float32)
        k = min(NEIGHBOURS, len(self.coords))
        dist, idx = self._tree2d.query(y, k=k)
        dist = dist.reshape(len(y), k)
        idx = idx.reshape(len(y), k)
        exact = dist[:, 0] < 1e-9 * max(self.spacing, 1e-12)
        w = 1.0 / np.maximum(dist, 1e-12) ** 2
        w /= w.sum(axis=1, keepdims=True)
        w[exact] = 0.0
        w[exact, 0] = 1.0
        residual = np.einsum("bk,bkd->bd", w, self.residuals[idx])
        # fade the hidden part away when far from every item (3 spacings ~ gone)
        fade = np.exp(-((dist[:, 0] / (2.0 * self.spacing)) ** 2))
        fade[exact] = 1.0
        z = self.mean + y @ self.axes + residual * fade[:, None]
        return z.astype(np.float32)

    def nearest_item(self, y: np.ndarray) -> tuple[int, float]:
        """Index of the training item nearest a map point, and its map distance."""
        dist, idx = self._tree2d.query(np.asarray(y, np.float64).ravel()[:2])
        return int(idx), float(dist)

    def novelty(self, z: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(novelty ratio, index of nearest training item) for latent vectors (B, D), over the
        active dimensions (see the module docstring)."""
        q = np.atleast_2d(np.asarray(z, np.float32))[:, self.active]
        dist, idx = _nearest_rows(self._active_encodings, q)
        return dist / self.novelty_spacing, idx

    def bounds(self, pad: float = 0.1) -> tuple[float, float, float, float]:
        lo, hi = self.coords.min(axis=0), self.coords.max(axis=0)
        span = np.maximum(hi - lo, 1e-6)
        return (lo[0] - pad * span[0], hi[0] + pad * span[0], lo[1] - pad * span[1], hi[1] + pad * span[1])


def _nearest_rows(z: np.ndarray, q: np.ndarray, exclude=None) -> tuple[np.ndarray, np.ndarray]:
    """Nearest rows of z (N, D) to queries q (B, D), brute force in chunks of 256 (a k-d
    tree is slow in 32 dimensions; a matrix product is not): (distances, indices)."""
    zz = np.einsum("ij,ij->i", z, z)
    dists, idxs = [], []
    for s in range(0, len(q), 256):
        qb = np.asarray(q[s : s + 256], np.float32)
        d2 = zz[None] - 2.0 * qb @ z.T + np.einsum("ij,ij->i", qb, qb)[:, None]
        if exclude is not None:
            d2[np.arange(len(qb)), np.asarray(exclude[s : s + 256])] = np.inf
        i = d2.argmin(axis=1)
        dists.append(np.linalg.norm(qb.astype(np.float64) - z[i], axis=1))  # exact, not cancelled
        idxs.append(i)
    return np.concatenate(dists), np.concatenate(idxs)


def active_mask(encodings: np.ndarray) -> np.ndarray:
    """Boolean mask of the active latent dimensions (all of them if none passes the bar)."""
    var = np.asarray(encodings, np.float64).var(axis=0)
    mask = var > ACTIVE_VARIANCE
    return mask if mask.any() else np.ones_like(mask)


def _neighbour_weights(dist: np.ndarray, k: int, exact_below: float) -> np.ndarray:
    """Inverse-distance weights (B, <=k) of the k nearest of (B, k+1) sorted distances.

    Franke-Little's modified Shepard weights ``((R - d) / (R d))^2`` with R the
    distance of the first neighbour left out: a neighbour's weight reaches zero
    just as it leaves the set, so the interpolation is continuous everywhere.
    With no neighbour left out (few items) they are plain 1/d^2 weights.  A
    query on an item gets exactly that item.
    """
    d = dist[:, :k]
    # scaled by the nearest distance squared (same normalised weights, no overflow near an item)
    ratio = d[:, :1] / np.maximum(d, 1e-300)
    if dist.shape[1] > k:
        R = dist[:, k : k + 1]
        w = (np.maximum(R - d, 0.0) / np.maximum(R, 1e-300) * ratio) ** 2
    else:
        w = ratio**2
    total = w.sum(axis=1, keepdims=True)
    flat = total[:, 0] <= 0  # all neighbours equally far (R == d): plain average
    w[flat] = 1.0
    w /= w.sum(axis=1, keepdims=True)
    exact = d[:, 0] <= exact_below
    w[exact] = 0.0
    w[exact, 0] = 1.0
    return w


def umap_available() -> bool:
    """Whether the optional UMAP projection can be offered (umap-learn installed; not imported here:
    importing it compiles numba code, seconds that only a fit should pay)."""
    spec = importlib.util.find_spec("umap")
    # a leftover folder (numba's cache after an uninstall) is a namespace package with no code
    return spec is not None and spec.origin is not None


def umap_coords(encodings: np.ndarray, seed: int = 0, init: np.ndarray | None = None) -> np.ndarray:
    """A 2D UMAP embedding (N, 2) of the encodings; ``init``: previous coordinates to start from
    (a refit after more training then moves the points instead of reshuffling the map)."""
    if not umap_available():
        raise UserError("the UMAP projection needs umap-learn: pip install 'vae-designer[umap]'")
    import umap

    z = np.asarray(encodings, np.float32)
    n = len(z)
    if n < 4:
        raise UserError("the UMAP projection needs at least 4 designs")
    start = np.asarray(init, np.float64) if init is not None and np.shape(init) == (n, 2) else "spectral"
    reducer = umap.UMAP(n_components=2, n_neighbors=min(15, n - 1), min_dist=0.1, random_state=seed,
                        init=start)
    return np.asarray(reducer.fit_transform(z), np.float64)


def active_dimensions(encodings: np.ndarray) -> list[int]:
    """Latent dimensions ordered by activity (variance of the means across designs).

    A dimension the encoder does not use has means ~0 for every design (its KL
    is ~0); the most active ones carry the most information (Burda et al.'s
    active-units measure), so they make the most useful sweep sliders.
    """
    var = np.asarray(encodings, np.float64).var(axis=0)
    return [int(i) for i in np.argsort(-var)]


def blend(za: np.ndarray, zb: np.ndarray, steps: int) -> tuple[np.ndarray, np.ndarray]:
    """``steps`` latent vectors from za to zb (ends included) and their weights t."""
    t = np.linspace(0.0, 1.0, steps) if steps > 1 else np.array([0.5])
    z = (1 - t)[:, None] * np.asarray(za)[None] + t[:, None] * np.asarray(zb)[None]
    return z.astype(np.float32), t


def sweep(z: np.ndarray, dim: int, values: np.ndarray) -> np.ndarray:
    """Copies of z with dimension ``dim`` set to each of ``values``."""
    out = np.repeat(np.asarray(z, np.float32)[None], len(values), axis=0)
    out[:, dim] = values
    return out
