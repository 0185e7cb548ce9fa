"""The fitted latent density (core.latent.density): what the app's surprises and ``sample`` draw from.

Plain numpy on generated points: the mixture finds clusters that are there, the temperature
widens and narrows the draws, the draws are seeded and a prefix of a longer batch, the
log-density is a real density, and the stored arrays give back the same mixture.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import multivariate_normal

from vae_designer.core.errors import UserError
from vae_designer.core.latent.density import COMPONENT_STREAM, LatentDensity, fit_density
from vae_designer.core.latent.generate import prior_latents


def two_clusters(n: int = 1200, seed: int = 0):
    """30% around (3, 0, 0, 0), elongated along x; 70% around (-2, 1, 0, 0), round and tight."""
    rng = np.random.default_rng(seed)
    n_a = int(0.3 * n)
    a = rng.standard_normal((n_a, 4)) * [1.0, 0.3, 0.3, 0.3] + [3, 0, 0, 0]
    b = rng.standard_normal((n - n_a, 4)) * 0.4 + [-2, 1, 0, 0]
    return rng.permutation(np.concatenate([a, b]))


@pytest.mark.parametrize("kinds", [("full",), ("diag",), ("full", "diag", "kernel")])
def test_the_mixture_recovers_two_clusters(kinds):
    d = fit_density(two_clusters(), kinds=kinds)
    assert d.kind in ("full", "diag") and d.components == 2
    order = np.argsort(d.means[:, 0])  # b (left) first
    np.testing.assert_allclose(d.weights[order], [0.7, 0.3], atol=0.03)
    np.testing.assert_allclose(d.means[order], [[-2, 1, 0, 0], [3, 0, 0, 0]], atol=0.1)
    variances = d.covariances if d.kind == "diag" else np.diagonal(d.covariances, axis1=1, axis2=2)
    np.testing.assert_allclose(variances[order], [[0.16] * 4, [1.0, 0.09, 0.09, 0.09]], rtol=0.2)


def test_the_fit_is_deterministic_and_ignores_a_dimension_the_encoder_leaves_unused():
    x = two_clusters(400)
    x = np.concatenate([x, np.zeros((len(x), 1))], axis=1)  # an unused dimension: variance 0
    a, b = fit_density(x), fit_density(x)
    for key, value in a.to_arrays().items():
        np.testing.assert_array_equal(value, b.to_arrays()[key])
    z = a.sample(500, seed=3)
    assert np.isfinite(z).all() and np.abs(z[:, 4]).max() < 1e-2


def test_a_few_designs_of_many_kinds_get_a_kernel_on_each_and_draws_stay_near_them():
    rng = np.random.default_rng(1)
    centres = rng.standard_normal((8, 6)) * 3  # eight kinds of design, five of each: too few for 8 Gaussians
    x = np.repeat(centres, 5, axis=0) + rng.standard_normal((40, 6)) * 0.1
    d = fit_density(x)
    assert d.kind == "kernel" and d.components == 40 and 0 < d.bandwidth < 1
    z = d.sample(400, seed=0)
    nearest_kind = np.linalg.norm(z[:, None] - centres[None], axis=2).min(axis=1)
    assert np.mean(nearest_kind < 1.0) > 0.9  # a Gaussian would put most of them between the kinds
    wide = fit_density(x, kinds=("full", "diag"))
    assert np.mean(np.linalg.norm(wide.sample(400, seed=0)[:, None] - centres[None], axis=2).min(axis=1) < 1.0) < 0.5


def test_one_or_identical_encodings_still_give_a_density():
    for x in (np.zeros((1, 3)), np.zeros((7, 3)), np.ones((30, 3))):
        d = fit_density(x)
        z = d.sample(10, seed=0)
        assert np.isfinite(z).all() and np.abs(z - x[0]).max() < 0.1
        assert np.isfinite(d.log_density(z)).all()
    with pytest.raises(UserError):
        fit_density(np.zeros((0, 3)))
    with pytest.raises(UserError):
        fit_density(np.full((4, 3), np.nan))


def test_temperature_widens_and_narrows_every_component():
    d = fit_density(two_clusters(), kinds=("full",))
    base = d.sample(4000, seed=5)
    u = np.random.default_rng([5, COMPONENT_STREAM]).random(4000)  # each draw's component, as sample picks it
    k = np.minimum(np.searchsorted(np.cumsum(d.weights), u, side="right"), d.components - 1)
    for t in (0.5, 2.0):
        z = d.sample(4000, seed=5, temperature=t)
        # the same noise and components, scaled about each component's mean
        np.testing.assert_allclose(z - d.means[k], t * (base - d.means[k]), rtol=1e-4, atol=1e-4)
        spread = np.sqrt(((z - d.means[k]) ** 2).sum(axis=1)).mean()
        assert spread == pytest.approx(t * np.sqrt(((base - d.means[k]) ** 2).sum(axis=1)).mean(), rel=1e-3)
    with pytest.raises(UserError):
        d.sample(3, seed=0, temperature=0)


def test_draws_are_seeded_a_prefix_of_longer_batches_and_the_normal_priors_noise():
    d = fit_density(two_clusters(300))
    np.testing.assert_array_equal(d.sample(5, seed=9), d.sample(40, seed=9)[:5])
    assert not np.array_equal(d.sample(5, seed=9), d.sample(5, seed=10))
    with pytest.raises(UserError):
        d.sample(2, seed=-1)
    # a standard normal "mixture" draws exactly the normal prior's vectors for a seed
    unit = LatentDensity(np.ones(1), np.zeros((1, 4)), np.ones((1, 4)))
    np.testing.assert_allclose(unit.sample(6, seed=4, temperature=0.8), prior_latents(4, 6, 4, 0.8), rtol=1e-6)


def test_log_density_is_the_mixtures_density():
    d = fit_density(two_clusters(), kinds=("full",))
    z = d.sample(50, seed=1)
    expected = np.log(sum(w * multivariate_normal(m, c).pdf(z) for w, m, c in zip(d.weights, d.means, d.covariances)))
    np.testing.assert_allclose(d.log_density(z), expected, rtol=1e-8)
    far = d.log_density(np.full((1, 4), 50.0))
    assert far[0] < d.log_density(d.means).min() - 100  # far from the designs: implausible
    with pytest.raises(UserError):
        d.log_density(np.zeros((1, 5)))


@pytest.mark.parametrize("kinds", [("full",), ("diag",), ("kernel",)])
def test_arrays_round_trip_gives_the_same_draws(kinds):
    d = fit_density(two_clusters(200), kinds=kinds)
    again = LatentDensity.from_arrays({k: v.copy() for k, v in d.to_arrays().items()})
    assert again.kind == d.kind and again.describe() == d.describe()
    np.testing.assert_array_equal(again.sample(20, seed=2, temperature=1.3), d.sample(20, seed=2, temperature=1.3))
    arrays = d.to_arrays()
    for damaged in ({k: v for k, v in arrays.items() if k != "means"},
                    {**arrays, "weights": -arrays["weights"]},
                    {**arrays, "means": arrays["means"][:, :2]}):
        with pytest.raises(UserError):
            LatentDensity.from_arrays(damaged)
