"""Preprocessing settings: what turns a folder of files into model inputs.

A frozen dataclass so that it can key the cache and be stored in a project's
manifest; ``to_json``/``from_json`` round-trip it exactly.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass

from ..errors import UserError

KINDS = ("image", "mesh")
IMAGE_RESOLUTIONS = (32, 64, 128)
MESH_RESOLUTIONS = (32, 64)
DEFAULT_RESOLUTION = {"image": 64, "mesh": 32}
RESOLUTIONS = {"image": IMAGE_RESOLUTIONS, "mesh": MESH_RESOLUTIONS}  # what the GUI and CLI offer


def resolution_help() -> str:
    """'images 32/64/128 (default 64), meshes 32/64 (default 32)': for option help texts."""
    plural = {"image": "images", "mesh": "meshes"}
    return ", ".join(f"{plural[k]} {'/'.join(map(str, RESOLUTIONS[k]))} (default {DEFAULT_RESOLUTION[k]})"
                     for k in ("image", "mesh"))

# Bump when the output of preprocessing changes, so old cache entries are ignored.
PREPROCESS_VERSION = 3  # 2: mesh surface samples spread evenly over each triangle; 3: images' canvas centre/size


@dataclass(frozen=True)
class IngestSettings:
    """How items of one kind are normalised.

    ``margin`` is the empty border around the content, as a fraction of the
    side (images) or in voxels (meshes, at least 1 so the outside flood fill
    can surround the shape).
    """

    kind: str
    resolution: int
    image_margin: float = 0.08
    mesh_margin_voxels: int = 1
    version: int = PREPROCESS_VERSION

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise UserError(f"unknown kind {self.kind!r}: use 'image' or 'mesh'")
        allowed = IMAGE_RESOLUTIONS if self.kind == "image" else MESH_RESOLUTIONS
        if self.resolution not in allowed:
            raise UserError(
                f"resolution {self.resolution} is not supported for {self.kind}s: "
                f"use one of {', '.join(map(str, allowed))}"
            )

    @classmethod
    def default(cls, kind: str, resolution: int | None = None) -> IngestSettings:
        return cls(kind=kind, resolution=resolution or DEFAULT_RESOLUTION.get(kind, 64))

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict) -> IngestSettings:
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})

    @classmethod
    def from_json(cls, text: str) -> IngestSettings:
        return cls.from_dict(json.loads(text))
