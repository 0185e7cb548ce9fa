"""Gaussian-mixture maths for :mod:`.density`: EM from a k-means++ start, log-probabilities.

Plain numpy in float64.  Every product of the encodings with a matrix is made in blocks of
rows small enough for OpenBLAS to stay on one thread (:func:`by_rows`, :func:`gram`): on a
small machine that is also training, OpenBLAS's threads wait for each other and a fit that
takes a tenth of a second took twenty.
"""

from __future__ import annotations

import numpy as np

MAX_ITER = 100
TOL = 1e-3  # EM stops when the mean log-likelihood per encoding improves by less
_LOG_2PI = float(np.log(2 * np.pi))
_ONE_THREAD_WORK = 1 << 18  # OpenBLAS multiplies on one thread up to this many multiply-adds


def component_limit(n: int, d: int, cov: str, max_components: int) -> int:
    """How many components ``n`` encodings support: on average 2(D+1) encodings per full
    covariance, 10 per diagonal one (fewer make BIC's choice a lottery of degenerate fits)."""
    per_component = 2 * (d + 1) if cov == "full" else 10
    return max(1, min(int(max_components), n // per_component))


def parameter_count(k: int, d: int, cov: str) -> int:
    return (k - 1) + k * d + k * (d * (d + 1) // 2 if cov == "full" else d)


def em(x: np.ndarray, k: int, cov: str, reg: np.ndarray, seed: int, start=None):
    """EM from a k-means++ start, or from the mixture ``start`` (weights, means, covariances):
    ((weights, means, covariances), total log-likelihood of ``x``)."""
    if start is None:
        labels = _kmeans(x, k, np.random.default_rng([seed, k]))
        resp = np.zeros((len(x), k))
        resp[np.arange(len(x)), labels] = 1.0
        start = _m_step(x, resp, cov, reg)
    params, previous = start, -np.inf
    for _ in range(MAX_ITER):
        log_prob = weighted_log_prob(x, *params)  # (K, N)
        norm = logsumexp(log_prob, axis=0)
        if norm.mean() - previous < TOL:
            break
        previous = float(norm.mean())
        params = _m_step(x, np.exp(log_prob - norm).T, cov, reg)
    else:
        norm = logsumexp(weighted_log_prob(x, *params), axis=0)
    return params, float(norm.sum())


def _kmeans(x: np.ndarray, k: int, rng: np.random.Generator, iterations: int = 10) -> np.ndarray:
    """Cluster labels (N,) from k-means++ seeding and a few Lloyd steps."""
    centres = [x[rng.integers(len(x))]]
    d2 = ((x - centres[0]) ** 2).sum(axis=1)
    for _ in range(1, k):
        total = d2.sum()
        i = int(rng.choice(len(x), p=d2 / total)) if total > 0 else int(rng.integers(len(x)))
        centres.append(x[i])
        d2 = np.minimum(d2, ((x - x[i]) ** 2).sum(axis=1))
    c = np.array(centres)
    labels = np.zeros(len(x), np.int64)
    for _ in range(iterations):
        labels = ((c**2).sum(axis=1) - 2.0 * by_rows(x, c.T)).argmin(axis=1)  # + |x|^2, the same for all
        for j in range(k):
            if (labels == j).any():
                c[j] = x[labels == j].mean(axis=0)
    return labels


def _m_step(x: np.ndarray, resp: np.ndarray, cov: str, reg: np.ndarray):
    """Weights, means and floored covariances from responsibilities (N, K); components that lost
    every encoding are dropped."""
    nk = resp.sum(axis=0)
    keep = nk > 1e-8 * len(x)
    resp, nk = resp[:, keep], nk[keep]
    means = gram(resp, x) / nk[:, None]
    if cov == "diag":
        covs = gram(resp, x**2) / nk[:, None] - means**2
        covs = np.maximum(covs, 0.0) + reg
    else:
        covs = np.empty((len(nk), x.shape[1], x.shape[1]))
        for k in range(len(nk)):  # one (D, N) @ (N, D) product each: a batched matmul is 100x slower here
            centred = x - means[k]
            covs[k] = gram(centred * resp[:, k : k + 1], centred) / nk[k]
            covs[k].flat[:: x.shape[1] + 1] += reg
    return nk / nk.sum(), means, covs


def weighted_log_prob(x: np.ndarray, weights, means, covs) -> np.ndarray:
    """log(w_k) + log N(x_n; mean_k, cov_k) for every component and point: (K, N)."""
    d = x.shape[1]
    if covs.ndim == 2:
        precision = 1.0 / covs  # (K, D); the squares expanded: no (K, N, D) array
        maha = (by_rows(x**2, precision.T) - 2.0 * by_rows(x, (means * precision).T)).T \
            + (means**2 * precision).sum(axis=1)[:, None]
        log_det = np.log(covs).sum(axis=1)
    else:
        chol = np.linalg.cholesky(covs)
        inv_t = np.swapaxes(np.linalg.inv(chol), 1, 2)  # y = (x - mean) @ inv(L).T solves L y = x - mean
        maha = np.stack([(by_rows(x - means[k], inv_t[k]) ** 2).sum(axis=1) for k in range(len(means))])
        log_det = 2.0 * np.log(np.diagonal(chol, axis1=1, axis2=2)).sum(axis=1)
    return np.log(weights)[:, None] - 0.5 * (maha + log_det[:, None] + d * _LOG_2PI)


def by_rows(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a @ b`` in blocks of rows small enough for OpenBLAS to stay on one thread."""
    step = _rows_per_block(a.shape[1] * b.shape[1])
    if len(a) <= step:
        return a @ b
    out = np.empty((len(a), b.shape[1]))
    for i in range(0, len(a), step):
        out[i : i + step] = a[i : i + step] @ b
    return out


def gram(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``a.T @ b`` (a sum over the rows) in blocks of rows, on one thread as :func:`_by_rows`."""
    step = _rows_per_block(a.shape[1] * b.shape[1])
    if len(a) <= step:
        return a.T @ b
    out = np.zeros((a.shape[1], b.shape[1]))
    for i in range(0, len(a), step):
        out += a[i : i + step].T @ b[i : i + step]
    return out


def _rows_per_block(work_per_row: int) -> int:
    return max(1, _ONE_THREAD_WORK // max(1, work_per_row))


def logsumexp(a: np.ndarray, axis: int) -> np.ndarray:
    top = a.max(axis=axis, keepdims=True)
    shifted = np.subtract(a, top)
    np.exp(shifted, out=shifted)
    return (top + np.log(shifted.sum(axis=axis, keepdims=True))).squeeze(axis)
