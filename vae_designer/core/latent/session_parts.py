"""The values a map session holds: how to decode (DecodeContext), the design on show (Design), a
kept design (Pin), and the look fields of a project manifest.  No Qt; see :mod:`.session`."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

import numpy as np

_keys = itertools.count(1)


def next_key() -> tuple:
    """A key unique to one set of weights (workers cache one model per key)."""
    return ("weights", next(_keys))


LOOK_FIELDS = ("image_look", "image_tones", "channels")  # a project manifest's fields that say how designs look


def look_of(manifest: dict | None) -> dict:
    """The fields of a project manifest that say how its image designs are drawn."""
    return {k: manifest[k] for k in LOOK_FIELDS if manifest and manifest.get(k) is not None}


@dataclass(frozen=True)
class DecodeContext:
    """Everything a worker needs to decode latents with the session's model.

    ``key`` is unique to these weights (workers cache one model per key), so a job
    made before a refit never decodes with the newer weights or vice versa.
    """

    kind: str  # 'image' | 'mesh'
    config: object  # core.model.config.ModelConfig
    weights: dict
    key: tuple
    background: tuple | None = None
    look: dict = field(default_factory=dict)  # how image designs look: the manifest's image_look, image_tones

    def job(self, **fields) -> dict:
        """The job dict of the map's workers: the context's fields plus ``fields``."""
        return {"config": self.config, "weights": self.weights, "weights_key": self.key, "kind": self.kind,
                "background": self.background, "look": self.look, **fields}


@dataclass
class Design:
    """A latent vector on show, and how it was made (its sidecar's ``source``, ``seed``, extras)."""

    z: np.ndarray
    source: str = "map"  # 'map' (the cursor), 'surprise', 'sweep', 'blend', ...
    meta: dict = field(default_factory=dict)  # sidecar fields: a surprise's seed and temperature
    # the map point the cursor chose it at, on layout number ``layout`` (None: where z projects)
    xy: tuple | None = field(default=None, compare=False)
    layout: int = field(default=0, compare=False)

    def export_fields(self) -> dict:
        """``export_design`` keyword arguments for the sidecar: ``seed`` and ``extra``."""
        return {"seed": self.meta.get("seed"), "extra": {k: v for k, v in self.meta.items() if k != "seed"}}


@dataclass
class Pin:
    """A design the designer keeps, with how it was made (written into its sidecar on export)."""

    name: str
    z: np.ndarray  # latent vector (D,)
    thumb: np.ndarray | None = None  # RGB uint8
    source: str = "map"
    parents: list = field(default_factory=list)
    weights: list | None = None  # blend weights, one per parent
    seed: int | None = None  # a surprise's random seed (its sidecar's "seed")
    extra: dict = field(default_factory=dict)  # more sidecar fields (a surprise's "temperature"...)

    def export_fields(self) -> dict:
        return {"seed": self.seed, "extra": self.extra}


def clean_name(text: str, fallback: str) -> str:
    """A pin name that is also a safe file name (no path separators or shell-hostile characters)."""
    return "".join(c for c in text.strip() if c not in '/\\:*?"<>|') or fallback
