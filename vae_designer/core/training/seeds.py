"""Everything random in training is derived from integers, never from a running generator:
the train/validation split from the seed, each epoch's order from (seed, epoch), each step's
noise from (seed, epoch, step, rank).  So a state saved at any step resumes exactly."""

from __future__ import annotations

import math

import numpy as np
import torch

from ..errors import UserError


def derive_seed(*parts: int) -> int:
    """A 63-bit seed mixed from integers (numpy's SeedSequence: well-spread, platform-independent)."""
    lo, hi = np.random.SeedSequence([int(p) & 0xFFFFFFFFFFFFFFFF for p in parts]).generate_state(2, np.uint32)
    return (int(lo) | (int(hi) << 32)) & 0x7FFFFFFFFFFFFFFF


def seeded_generator(seed: int) -> torch.Generator:
    """A CPU generator of its own (nobody else's random state is touched)."""
    g = torch.Generator()
    g.manual_seed(seed)
    return g


def make_split(n: int, seed: int, val_fraction: float, groups=()) -> dict[str, list[int]]:
    """A seeded train/validation split of ``n`` items (sorted index lists).

    At least one validation item when ``val_fraction > 0`` and ``n >= 2``;
    at least one training item always.  ``groups``: index lists of items that go to the same
    side (near-identical designs, :func:`.duplicates.duplicate_groups`): the items are taken in
    the seeded order, and a group goes to validation only when all of it fits there (the split
    is the plain one when there are no groups; when no group fits, duplicates cannot be kept apart).
    """
    if n < 1:
        raise UserError("no designs to train on")
    n_val = round(n * val_fraction)
    if val_fraction > 0 and n >= 2:
        n_val = max(1, n_val)
    n_val = min(n_val, n - 1)
    perm = np.random.default_rng(derive_seed(seed, 0x5B117)).permutation(n)
    plain = {"train": sorted(int(i) for i in perm[n_val:]), "val": sorted(int(i) for i in perm[:n_val])}
    group_of = {int(i): g for g in map(list, groups) for i in g}
    if not group_of or not n_val:
        return plain
    val: list[int] = []
    decided: set[int] = set()
    for i in (int(i) for i in perm):
        if i in decided or len(val) == n_val:
            continue
        members = group_of.get(i, [i])
        decided.update(members)
        if len(val) + len(members) <= n_val:
            val += members
    if not val or len(val) == n:
        return plain
    taken = set(val)
    return {"train": [i for i in range(n) if i not in taken], "val": sorted(val)}


def epoch_order(train_idx: torch.Tensor, seed: int, epoch: int, rank: int = 0, world: int = 1) -> torch.Tensor:
    """Rank ``rank``'s training indices for ``epoch`` (0-based), in order; from (seed, epoch) only.

    With several processes the order is padded by wrapping (like DistributedSampler) so that
    every rank takes the same number of steps, then dealt out rank by rank.
    """
    perm = np.random.default_rng(derive_seed(seed, 0xE70C, epoch)).permutation(len(train_idx))
    order = train_idx[torch.from_numpy(perm)]
    if world > 1:
        total = math.ceil(len(train_idx) / world) * world
        if total > len(order):
            order = torch.cat([order, order[: total - len(order)]])
        order = order[rank::world]
    return order
