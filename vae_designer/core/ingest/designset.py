"""``DesignSet``: a loaded design folder, compact in memory.

Images are kept as uint8 (N, R, R) grey or (N, R, R, 3) colour "ink" (shape
bright, background 0); voxels as bit-packed uint8 (N, R^3 / 8).  So 100k 64x64
grey images take 400 MB and 10k 32^3 shapes 41 MB.  ``batch`` turns rows into
float32 model input on demand.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from .settings import IngestSettings


@dataclass
class Skipped:
    path: str
    reason: str

    def to_dict(self) -> dict:
        return {"path": self.path, "reason": self.reason}


@dataclass
class DesignSet:
    root: str
    settings: IngestSettings
    paths: list[str]  # relative to root, POSIX separators
    labels: list[str]  # one per item
    data: np.ndarray  # see module docstring
    meta: list[dict]
    skipped: list[Skipped] = field(default_factory=list)
    seconds: float = 0.0
    item_ms: list[float] = field(default_factory=list)  # processing time of freshly processed items
    from_cache: int = 0

    @property
    def kind(self) -> str:
        return self.settings.kind

    @property
    def resolution(self) -> int:
        return self.settings.resolution

    def __len__(self) -> int:
        return len(self.paths)

    @property
    def colour(self) -> bool:
        return self.kind == "image" and self.data.ndim == 4

    @property
    def channels(self) -> int:
        return 3 if self.colour else 1


    @property
    def label_counts(self) -> dict[str, int]:
        counts = Counter(self.labels)
        return {k: counts[k] for k in sorted(counts)}

    @property
    def item_shape(self) -> tuple[int, ...]:
        """Shape of one model input: (C, R, R) or (1, R, R, R)."""
        R = self.resolution
        return (self.channels, R, R) if self.kind == "image" else (1, R, R, R)

    def batch(self, indices) -> np.ndarray:
        """float32 (B, *item_shape) in [0, 1] for the given item indices."""
        rows = self.data[np.asarray(indices)]
        if self.kind == "mesh":
            R = self.resolution
            bits = np.unpackbits(rows, axis=1, count=R**3)
            return bits.reshape(len(rows), 1, R, R, R).astype(np.float32)
        x = rows.astype(np.float32) / 255.0
        return x[:, None] if x.ndim == 3 else np.moveaxis(x, 3, 1)

    def voxels(self, index: int) -> np.ndarray:
        """bool R^3 grid of one mesh item."""
        R = self.resolution
        return np.unpackbits(self.data[index], count=R**3).reshape(R, R, R).astype(bool)

    def summary(self) -> dict:
        """The ``scan --json`` object."""
        return {
            "root": self.root,
            "kind": self.kind,
            "resolution": self.resolution,
            "count": len(self),
            "channels": self.channels,
            "labels": self.label_counts,
            "skipped": [s.to_dict() for s in self.skipped],
            "seconds": round(self.seconds, 3),
            "from_cache": self.from_cache,
        }
