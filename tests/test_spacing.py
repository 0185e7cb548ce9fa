"""Where a direction sequence's steps fall (core.latent.spacing): equal changes of the design."""

from __future__ import annotations

import numpy as np

from vae_designer.core.latent.spacing import FLOOR, jump_score, spaced


def _walk(n: int = 96):
    """A fine walk from value 0 to 2: the area is flat for the first 70% and then grows steeply (a
    pickup's bed filling in), the height grows evenly; the look changes evenly."""
    grid = np.linspace(0.0, 2.0, n)
    t = np.linspace(0.0, 1.0, n)
    area = 4000.0 + 900.0 * np.clip((t - 0.7) / 0.3, 0, 1) ** 2
    height = 40.0 + 10.0 * t
    return grid, np.full(n - 1, 0.01), np.stack([area, height], axis=1)


def _score(values, grid, props):
    t = (values - grid[0]) / (grid[-1] - grid[0])
    return jump_score(t, np.linspace(0, 1, len(grid)), props, FLOOR * np.abs(props).mean(axis=0))


def test_steps_gather_where_a_property_changes_steeply_and_none_jumps():
    grid, look, props = _walk()
    values = spaced(grid, look, props, 8)
    assert values[0] == 0.0 and values[-1] == 2.0 and np.all(np.diff(values) > 0)
    even = np.linspace(0.0, 2.0, 8)
    assert _score(even, grid, props) > 3  # equal value steps: the area jumps in the last steps
    assert _score(values, grid, props) <= 3
    assert (values > 1.4).sum() > (even > 1.4).sum()  # more steps where the area changes
    np.testing.assert_array_equal(values, spaced(grid, look, props, 8))  # deterministic


def test_a_walk_that_runs_downwards_and_flat_properties():
    grid, look, props = _walk()
    down = spaced(grid[::-1], look[::-1], props[::-1], 6)
    assert down[0] == 2.0 and down[-1] == 0.0 and np.all(np.diff(down) < 0)
    flat = np.tile([[10.0, np.nan]], (len(grid), 1))  # nothing changes (and one property is never defined)
    np.testing.assert_allclose(spaced(grid, look, flat, 5), np.linspace(0.0, 2.0, 5))  # the look's equal shares
