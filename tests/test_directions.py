"""Named directions (core.latent.directions): from labels, from two groups, principal directions;
their values; walking along one stays on the data, keeps the typed value and has no jumps."""

from __future__ import annotations

import numpy as np
import pytest

from vae_designer.core.errors import UserError
from vae_designer.core.latent.directions import (
    group_direction,
    label_direction,
    parse_direction,
    principal_directions,
    walk,
    walk_density,
)


def two_curved_clusters(n: int = 200, seed: int = 0):
    """Encodings of two labels on a bent band in 3D: the straight line from one to the other cuts
    through the empty middle of the bend (where no design lies)."""
    rng = np.random.default_rng(seed)
    t = rng.uniform(0, np.pi, n)
    z = np.stack([np.cos(t) * 3, np.sin(t) * 3, rng.normal(0, 0.1, n)], axis=1) + rng.normal(0, 0.15, (n, 3))
    labels = np.where(t < np.pi / 2, "a", "b")
    return z.astype(np.float32), list(labels)


def test_a_label_direction_runs_from_a_to_b_with_values_0_and_1_at_the_means():
    z, labels = two_curved_clusters()
    d = label_direction(z, labels, "a", "b")
    lab = np.array(labels)
    ma, mb = z[lab == "a"].mean(0), z[lab == "b"].mean(0)
    assert d.name == "a → b" and d.key == "a->b" and d.kind == "labels"
    np.testing.assert_allclose(np.linalg.norm(d.u), 1.0, atol=1e-9)
    np.testing.assert_allclose(d.value(np.stack([ma, mb])), [0.0, 1.0], atol=1e-6)
    # the probe separates the two groups too, and its values keep the same ends
    p = label_direction(z, labels, "a", "b", probe=True)
    assert p.extra["probe"] and (p.value(z[lab == "b"]).mean() > p.value(z[lab == "a"]).mean())
    np.testing.assert_allclose(p.value(np.stack([ma, mb])), [0.0, 1.0], atol=1e-6)
    assert float(np.median(p.value(z[lab == "b"]))) > 0.5 > float(np.median(p.value(z[lab == "a"])))


def test_group_and_principal_directions():
    z, _ = two_curved_clusters()
    g = group_direction(z[:3], z[3:6], "mine", "theirs")
    np.testing.assert_allclose(g.value(z[3:6].mean(0, keepdims=True)), [1.0], atol=1e-6)
    pcs = principal_directions(z, 3)
    assert [p.key for p in pcs] == ["pc1", "pc2", "pc3"]
    # PC 1 has the largest spread; its values are standard deviations from the mean
    np.testing.assert_allclose(pcs[0].value(z).std(), 1.0, atol=1e-6)
    np.testing.assert_allclose(pcs[0].value(z).mean(), 0.0, atol=1e-6)
    assert pcs[0].unit > pcs[1].unit > pcs[2].unit
    assert abs(pcs[0].u @ pcs[1].u) < 1e-9


def test_directions_are_named_as_on_the_command_line_and_bad_names_say_what_exists():
    z, labels = two_curved_clusters()
    assert parse_direction("a->b", z, labels).ends == ("a", "b")
    assert parse_direction(" b → a ", z, labels).ends == ("b", "a")
    assert parse_direction("PC2", z, labels).name == "PC 2"
    with pytest.raises(UserError, match="the labels are a, b"):
        parse_direction("a->c", z, labels)
    with pytest.raises(UserError, match="pc1 to pc3"):
        parse_direction("pc9", z, labels)
    with pytest.raises(UserError, match="LABEL->LABEL"):
        parse_direction("sideways", z, labels)
    with pytest.raises(UserError, match="same place"):
        group_direction(z[:1], z[:1])


def test_named_groups_of_the_map_session_make_directions_by_name():
    z, labels = two_curved_clusters()
    groups = {"left": list(range(0, 20)), "right": list(range(180, 200)), "none": [999]}
    d = parse_direction("left->right", z, labels, groups=groups)
    assert d.kind == "groups" and d.key == "left->right" and d.name == "left → right"
    np.testing.assert_allclose(d.value(np.stack([z[:20].mean(0), z[180:].mean(0)])), [0.0, 1.0], atol=1e-6)
    assert parse_direction("a->b", z, labels, groups=groups).kind == "labels"  # labels still by name
    with pytest.raises(UserError, match="holds no designs"):
        parse_direction("left->none", z, labels, groups=groups)
    with pytest.raises(UserError, match="groups: left, none, right"):
        parse_direction("sideways", z, labels, groups=groups)


def test_walking_keeps_the_typed_value_starts_at_the_design_and_stays_on_the_data():
    z, labels = two_curved_clusters()
    d = label_direction(z, labels, "a", "b")
    start = z[int(np.argmin(d.value(z)))]
    values = np.linspace(float(d.value(start)), 1.0, 41)
    straight = walk(start, d, values, method="straight")
    ours = walk(start, d, values, walk_density(z))
    np.testing.assert_allclose(d.value(ours), values, atol=1e-4)  # the value is the one asked for
    np.testing.assert_allclose(ours[0], start, atol=1e-5)  # and the walk starts on the design itself
    np.testing.assert_allclose(d.value(straight), values, atol=1e-4)

    def off_data(path):
        return np.linalg.norm(path[:, None] - z[None], axis=2).min(axis=1)

    assert off_data(ours).mean() < 0.9 * off_data(straight).mean()  # towards the bend, off its empty middle
    steps = np.linalg.norm(np.diff(ours, axis=0), axis=1)
    assert steps.max() <= 3 * np.median(steps)  # no jumps
    with pytest.raises(UserError, match="density"):
        walk(start, d, values)
