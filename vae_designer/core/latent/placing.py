"""A design from outside the training set, on the map: the designer's own sketch or mesh.

Wherever a design is named -- ``interpolate``, ``complete``, ``direction``, the app's
Place Design -- it may be a training file of the project (its relative path or unique
file name), a sidecar ``.json`` of an earlier export, or **any image or mesh file**.  A file
is preprocessed exactly as the training set was (``core.ingest.process.process_file`` with
the project's stored ``IngestSettings``: background, crop and centre, or normalise and
voxelize), brought to the model's channels, and encoded (the posterior mean), so the same
file of the training set lands on its own point of the map.

:func:`design_of` resolves a name to a :class:`DesignRef`: its latent vector, and the design
as the model sees it (``x``, float32 in the model's item shape) with where it lies in source
units (``frame``: ``centre`` and ``size``) -- what completion keeps a part of.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import UserError


@dataclass
class DesignRef:
    """A named design: ``z`` (D,), ``x`` (item shape, float32 in [0, 1]) as the model sees it,
    ``frame`` (``centre``, ``size``: the model's square/cube in source units), ``origin``:
    "file" | "training" | "sidecar"."""

    name: str
    z: np.ndarray
    x: np.ndarray
    frame: dict = field(default_factory=dict)
    origin: str = "file"
    meta: dict = field(default_factory=dict)  # the preprocessing's metadata of a file


def design_kind(path) -> str | None:
    """"image" or "mesh" for a design file's extension, else None."""
    from ..ingest.discover import IMAGE_EXTENSIONS, MESH_EXTENSIONS

    ext = os.path.splitext(str(path))[1].lower()
    return "image" if ext in IMAGE_EXTENSIONS else "mesh" if ext in MESH_EXTENSIONS else None


def item_input(kind: str, array: np.ndarray, channels: int, resolution: int) -> np.ndarray:
    """A processed item's compact array (``FileResult.array``) as model input (item shape)."""
    if kind == "mesh":
        return np.unpackbits(array, count=resolution**3).reshape(1, resolution, resolution, resolution) \
            .astype(np.float32)
    a = np.asarray(array, np.float32) / 255.0
    if a.ndim == 3 and channels == 1:
        a = a.max(axis=2)  # a colour file in a grey collection: ink as in a grey collection
    if a.ndim == 2:
        return a[None] if channels == 1 else np.repeat(a[None], 3, axis=0)
    return np.moveaxis(a, 2, 0)


def preprocess_file(path, manifest: dict, channels: int) -> tuple[np.ndarray, dict]:
    """A design file preprocessed as the project's training set was: (model input, metadata)."""
    from ..ingest.process import process_file
    from ..ingest.settings import IngestSettings

    path = Path(path)
    if not path.is_file():
        raise UserError(f"{path}: no such design file")
    kind = design_kind(path)
    settings = IngestSettings.from_dict(manifest["settings"])
    if kind is None:
        raise UserError(f"{path.name}: not a design file (images: PNG, JPEG, ...; meshes: STL, OBJ, PLY, ...)")
    if kind != settings.kind:
        raise UserError(f"{path.name} is {'an image' if kind == 'image' else 'a mesh'}; this project's designs "
                        f"are {settings.kind}s")
    result = process_file(str(path), path.name, settings)
    if not result.ok:
        raise UserError(f"{path.name}: {result.reason}")
    return item_input(kind, result.array, channels, settings.resolution), result.meta


def encode_inputs(config, weights, x: np.ndarray) -> np.ndarray:
    """Posterior means (n, D) float32 of model inputs ``x`` (n, *item shape)."""
    import torch

    from ..training.inference import cached_model

    model = cached_model(config, weights)
    with torch.no_grad():
        mu, _ = model.encode(torch.from_numpy(np.ascontiguousarray(x, np.float32)))
    return mu.float().numpy()


def place_file(path, config, weights, manifest: dict) -> DesignRef:
    """Preprocess and encode a design file (see the module docstring)."""
    x, meta = preprocess_file(path, manifest, config.channels)
    z = encode_inputs(config, weights, x[None])[0]
    frame = {"centre": list(meta["centre"]), "size": float(meta["size"])}
    return DesignRef(Path(path).name, z, x, frame, "file", meta)


def decoded_frame(kind: str, manifest: dict) -> dict:
    """Where a decoded design lies in source units (exports put it there): the collection's
    typical canvas (images, [0, S] pixels) or cube (meshes, centred on the origin)."""
    size = float(manifest.get("typical_size", manifest.get("resolution", 1.0)))
    return {"centre": [size / 2.0, size / 2.0] if kind == "image" else [0.0, 0.0, 0.0], "size": size}


def training_index(project, ref: str) -> int | None:
    """The training item ``ref`` names (relative path or unique file name, with or without its
    extension), None when it names none; :class:`UserError` when it names several."""
    paths = project.paths
    if ref in paths:
        return paths.index(ref)
    matches = [i for i, p in enumerate(paths) if p.rsplit("/", 1)[-1] == ref or
               p.rsplit("/", 1)[-1].rsplit(".", 1)[0] == ref]
    if len(matches) > 1:
        raise UserError(f"{ref!r} matches {len(matches)} training files; give the path relative "
                        f"to the design folder, e.g. {paths[matches[0]]!r}")
    return matches[0] if matches else None


def design_of(project, ref: str, *, need_input: bool = True) -> DesignRef:
    """The design ``ref`` names: a sidecar, a training file, or any design file (module docstring).

    ``need_input``: also make ``x`` (a training item is read from the design folder again, a
    sidecar's design decoded); without, ``x`` may be empty (only the latent vector is wanted).
    """
    ref = str(ref)
    if ref.lower().endswith(".json") and os.path.isfile(ref):
        from ..export.files import read_sidecar
        from .generate import decode

        z = np.asarray(read_sidecar(ref)["latent"], np.float32)
        if z.shape != (project.model_config.latent_dim,):
            raise UserError(f"{Path(ref).name}: its latent vector has {z.size} values; this project uses "
                            f"{project.model_config.latent_dim}")
        x = decode(project, z[None])[0] if need_input else np.empty(0, np.float32)
        return DesignRef(Path(ref).stem, z, x, decoded_frame(project.kind, project.manifest), "sidecar")
    index = training_index(project, ref)
    if index is not None:
        return _training_design(project, index, need_input)
    if os.path.isfile(ref) and design_kind(ref) is not None:
        return place_file(ref, project.model_config, project.weights, project.manifest)
    raise UserError(f"{ref!r} is neither a training file of this project, a sidecar .json file nor a design file")


def _training_design(project, index: int, need_input: bool) -> DesignRef:
    """A training item: its stored encoding and, when the design folder is still there, the
    item processed again (else the decoding of its encoding stands in for it)."""
    path = project.paths[index]
    z = np.asarray(project.encodings[index], np.float32)
    meta = project.manifest["items"][index].get("meta", {})
    frame = {"centre": list(meta.get("centre", [])), "size": float(meta.get("size", 1.0))} \
        if "centre" in meta else decoded_frame(project.kind, project.manifest)
    x = np.empty(0, np.float32)
    if need_input:
        source = Path(project.manifest.get("root", "")) / path
        if source.is_file():
            x, _ = preprocess_file(source, project.manifest, project.model_config.channels)
        else:
            from .generate import decode

            x = decode(project, z[None])[0]
    return DesignRef(path, z, x, frame, "training", meta)
