"""Near-identical designs stay on one side of the train/validation split (core.training.duplicates)."""

from __future__ import annotations

import numpy as np

from vae_designer.core.ingest.designset import DesignSet
from vae_designer.core.ingest.settings import IngestSettings
from vae_designer.core.model.config import ModelConfig, TrainConfig
from vae_designer.core.training.duplicates import duplicate_groups
from vae_designer.core.training.seeds import make_split
from vae_designer.core.training.trainer import Trainer


def _pictures(R: int = 32) -> DesignSet:
    """20 distinct boxes; #3 is copied exactly as #20, #7 with one pixel changed as #21 and #22 (a
    chain of copies), and #11 in a paler ink as #23 (the same outline, not the same design)."""
    rng = np.random.default_rng(0)
    data = np.zeros((24, R, R), np.uint8)
    for i in range(20):
        x0, y0 = rng.integers(2, 10, 2)
        x1, y1 = x0 + rng.integers(8, 20), y0 + rng.integers(8, 20)
        data[i, y0:y1, x0:x1] = 255
    data[20] = data[3]
    data[21] = data[7]
    data[21, 16, 16] ^= 255
    data[22] = data[21]
    data[23] = (data[11] > 0) * np.uint8(160)
    return DesignSet(root="/generated", settings=IngestSettings("image", R), paths=[f"{i:03d}.png" for i in range(24)],
                     labels=["box"] * 24, data=data, meta=[{"background": [255, 255, 255]}] * 24)


def test_copies_and_near_copies_are_found_and_other_designs_are_not():
    assert duplicate_groups(_pictures()) == [[3, 20], [7, 21, 22]]


def test_voxel_copies_are_found():
    R = 32
    grids = np.zeros((5, R, R, R), bool)
    for i in range(4):
        grids[i, 2:8 + 4 * i, 3:24, 2:18 + 2 * i] = True
    grids[4] = grids[1]
    designs = DesignSet(root="/generated", settings=IngestSettings("mesh", R), paths=[f"{i}.stl" for i in range(5)],
                        labels=["part"] * 5, data=np.stack([np.packbits(g.ravel()) for g in grids]), meta=[{}] * 5)
    assert duplicate_groups(designs) == [[1, 4]]


def test_a_group_is_never_split_and_without_groups_the_split_is_the_plain_one():
    groups = [[3, 20], [7, 21, 22], [0, 1, 2, 4, 5, 6]]
    for seed in range(40):
        split = make_split(30, seed, 0.2, groups)
        val = set(split["val"])
        assert sorted(split["train"] + split["val"]) == list(range(30)) and 1 <= len(val) <= 6
        assert all(set(g) <= val or not set(g) & val for g in groups)
    assert make_split(30, 5, 0.2, []) == make_split(30, 5, 0.2)
    assert make_split(30, 5, 0.2, [list(range(30))]) == make_split(30, 5, 0.2)  # nothing can be kept apart


def test_the_trainer_keeps_copies_on_one_side():
    designs = _pictures()
    mc = ModelConfig.for_designs(designs, latent_dim=4, width=4)
    for seed in range(6):
        split = Trainer(designs, mc, TrainConfig(epochs=1, device="cpu", val_fraction=0.25, seed=seed)).split
        for group in ([3, 20], [7, 21, 22]):
            assert len({i in split["val"] for i in group}) == 1
