"""Near-identical designs in a collection, so that the validation split holds designs the model
has not seen.

Real collections repeat themselves: the Voron printer's left-front and right-rear panel clips are
the same part under two names, a faceplate comes as one body and as a multi-body file, two ADXL
mounts differ by half a millimetre.  After ingestion (normalised, voxelised or rasterised at the
model's resolution) such designs are the same grid.  If one lands in the training split and its
copy in the validation split, the "held-out" figures -- reconstruction IoU, completion against the
nearest training design -- measure memory, not generalisation (``benchmarks/completion.py`` found
the nearest training design scoring 1.0 on such a copy).  :func:`duplicate_groups` finds them;
:func:`~.seeds.make_split` keeps each group on one side of the split.

Two designs are *twins* when their shapes (cells above 0.5) overlap with an IoU of at least
``TWIN_IOU`` and their values differ by at most ``TWIN_MEAN_DIFF`` on average (so two pictures
of one outline in different colours are not twins).  Finding them is linear in the collection:
each design gets a coarse signature (its occupancy in blocks of ``BLOCK`` cells per axis, above
one half), designs are only compared within a signature, and there by one matrix product.  A
near-twin whose coarse signature differs in a block can be missed; exact copies never are.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

TWIN_IOU = 0.98
TWIN_MEAN_DIFF = 0.02
BLOCK = 4  # cells per axis of one block of the coarse signature
CHUNK_CELLS = 2**24  # cells converted to floats at a time (64 MB)


def duplicate_groups(designs) -> list[list[int]]:
    """Groups (sorted index lists, each of at least two designs, sorted by first index) of the
    ``designs`` (a :class:`~..ingest.designset.DesignSet`) that are twins of each other (module
    docstring; twins of twins are one group)."""
    n = len(designs)
    chunk = max(1, CHUNK_CELLS // max(1, int(np.prod(designs.item_shape))))
    buckets: dict[bytes, list[int]] = defaultdict(list)
    for start in range(0, n, chunk):
        idx = np.arange(start, min(n, start + chunk))
        for i, sig in zip(idx, _signatures(designs.batch(idx))):
            buckets[sig].append(int(i))
    parent = list(range(n))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for members in buckets.values():
        if len(members) < 2:
            continue
        x = designs.batch(members).reshape(len(members), -1)
        for a, b in _twin_pairs(x):
            ra, rb = root(members[a]), root(members[b])
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(n):
        groups[root(i)].append(i)
    return sorted((g for g in groups.values() if len(g) > 1), key=lambda g: g[0])


def _signatures(x: np.ndarray) -> list[bytes]:
    """(B, C, *grid) floats -> each design's coarse occupancy signature."""
    shape = (x > 0.5).any(axis=1)  # a cell is occupied in any channel
    B, R = shape.shape[0], shape.shape[1]
    k = BLOCK if R % BLOCK == 0 else 1
    blocks = shape.reshape(B, *[v for _ in range(shape.ndim - 1) for v in (R // k, k)])
    axes = tuple(range(2, blocks.ndim, 2))
    coarse = blocks.mean(axis=axes) > 0.5
    return [np.packbits(c.ravel()).tobytes() for c in coarse]


def _twin_pairs(x: np.ndarray) -> list[tuple[int, int]]:
    """Index pairs (a < b) of the rows of ``x`` (k, cells) that are twins."""
    occ = (x > 0.5).astype(np.float32)
    inter = occ @ occ.T
    count = occ.sum(axis=1)
    union = count[:, None] + count[None] - inter
    iou = np.where(union > 0, inter / np.maximum(union, 1), 1.0)
    a, b = np.nonzero(np.triu(iou >= TWIN_IOU, k=1))
    return [(int(i), int(j)) for i, j in zip(a, b) if np.abs(x[i] - x[j]).mean() <= TWIN_MEAN_DIFF]
