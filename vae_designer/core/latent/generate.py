"""From latent vectors to files: normal-prior draws, interpolation, reproduction from sidecars.

Shared by the CLI (``sample``, ``interpolate``) and the GUI's export actions; a design is named
by a training file, a sidecar or any design file (:mod:`.placing`).
Every exported design gets a JSON sidecar (``core.export``) holding the exact
latent vector and the project's weights checksum, so ``sample --from-json``
writes the same file again.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import UserError

IMAGE_FORMATS = ("png", "svg", "dxf")  # svg and dxf (outlines) for silhouette projects only
MESH_FORMATS = ("stl", "obj", "ply", "glb")
# sidecar fields that export_design writes itself (or ``sidecar`` fills in); others are "extra"
SIDECAR_OWN = frozenset({"app", "app_version", "format_version", "created", "project_id", "weights_sha256",
                         "kind", "latent", "seed", "source", "parents", "weights", "export", "properties",
                         "measured"})


def default_format(project) -> str:
    return "png" if project.kind == "image" else "stl"


def check_format(project, fmt: str | None) -> str:
    from ..export.design import check_design_format

    return check_design_format(project.kind, project.manifest, fmt or default_format(project))


def decode(project, z: np.ndarray) -> np.ndarray:
    """Probabilities for latent vectors z (B, D) with the project's best weights."""
    from ..training.inference import decode_latents

    z = np.atleast_2d(np.asarray(z, dtype=np.float32))
    if z.shape[1] != project.model_config.latent_dim:
        raise UserError(f"latent vector has {z.shape[1]} values; this project uses "
                        f"{project.model_config.latent_dim}")
    return decode_latents(project.model(), z)


def prior_latents(latent_dim: int, n: int, seed: int, temperature: float = 1.0) -> np.ndarray:
    """``n`` draws (n, D) from the normal prior N(0, temperature^2 I); the same seed gives the same
    draws (and the first m of n draws are the m draws of that seed).

    The app's surprises use ``n=1`` with one seed per design, so each sidecar's ``seed``,
    ``temperature`` and ``prior`` regenerate its latent vector (``sampling.sample_latents``
    draws from the fitted density with the same noise).
    """
    if n < 1:
        raise UserError("-n must be at least 1")
    if seed < 0:
        raise UserError(f"the seed must be zero or a positive whole number, not {seed}")
    if not (np.isfinite(temperature) and temperature > 0):
        raise UserError(f"the temperature must be a positive number, not {temperature}")
    rng = np.random.default_rng(seed)
    return (rng.standard_normal((n, latent_dim)) * temperature).astype(np.float32)


def latent_of(project, ref: str) -> tuple[np.ndarray, str]:
    """The latent vector of a named design and its name: a training item's encoding (by relative
    path or unique file name), a sidecar's latent, or any design file encoded as the training set
    was (:func:`.placing.design_of`)."""
    from .placing import design_of

    design = design_of(project, ref, need_input=False)
    return design.z, design.name


def export_design(project, z: np.ndarray, out_stem: Path, fmt: str, *, probs: np.ndarray | None = None,
                  source: str = "sample", seed: int | None = None, parents=None, weights=None,
                  smooth: int | None = None, level: float = 0.5, extra: dict | None = None,
                  pixels: int | None = None, recipe: dict | None = None, axis: str = "x") -> list[Path]:
    """Decode ``z`` (unless ``probs`` given), write the design file and its sidecar; return both paths.

    The sidecar records the file's ``properties`` (``core.export.measure``: measured on the
    file as written, in source units; ``axis``: the mesh's frontal axis) and what they mean
    (``measured``).

    ``extra``: more sidecar fields that describe how the design was made (a
    surprise's ``temperature``, a sweep's ``sweep`` = {dimension, value, ...});
    they never override the standard fields and ``reproduce`` carries them over.
    ``pixels``: a PNG's side; ``recipe``: the sidecar ``export`` being reproduced
    (see ``core.export.design.write_design``).

    Exports decode one vector at a time: convolution kernels may sum in another
    order for another batch size, and a sidecar must reproduce its file byte for
    byte however many designs were exported with it.
    """
    from ..export.design import write_design
    from ..export.sidecar import sidecar, write_sidecar

    z = np.asarray(z, np.float32).ravel()
    if probs is None:
        probs = decode(project, z[None])[0]
    out_stem = Path(out_stem)
    target = out_stem.with_name(f"{out_stem.name}.{fmt}")
    export = write_design(project.kind, probs, target, fmt, project.manifest, level=level, smooth=smooth,
                          pixels=pixels, recipe=recipe)
    fields = dict(project_id=project.id, weights_sha256=project.weights_sha256, kind=project.kind,
                  latent=[float(v) for v in z], seed=seed, source=source, export=export,
                  **file_properties(project, target, fmt, export, axis))
    if parents is not None:
        fields["parents"] = list(parents)
    if weights is not None:
        fields["weights"] = [float(w) for w in weights]
    for key, value in (extra or {}).items():
        if key not in fields and key not in SIDECAR_OWN:
            fields[key] = value
    side = out_stem.with_name(f"{out_stem.name}.json")
    write_sidecar(side, sidecar(**fields))
    return [target, side]


def file_properties(project, target: Path, fmt: str, export: dict, axis: str = "x") -> dict:
    """The sidecar's ``properties`` of a file just written (non-finite ones null) and ``measured``."""
    from ..export.measure import frame_of
    from ..export.measure_files import measure_written, measured_fields

    frame = frame_of(project.kind, project.manifest, axis)
    props = measure_written(target, fmt, frame, export)
    return {"properties": {k: (float(v) if np.isfinite(v) else None) for k, v in props.items()},
            "measured": measured_fields(frame)}


def reproduce(project, sidecar_path: str, out_dir: Path, fmt: str | None = None) -> list[Path]:
    """Write the design a sidecar describes, again, into ``out_dir``."""
    from ..export.files import read_sidecar

    data = read_sidecar(sidecar_path)
    if data.get("project_id") != project.id:
        raise UserError(f"{sidecar_path}: made with another project ({data.get('project_id')})")
    if data.get("weights_sha256") != project.weights_sha256:
        raise UserError(f"{sidecar_path}: the project's weights changed since this export "
                        "(trained further); it cannot be reproduced exactly")
    exp = data.get("export", {})
    fmt = check_format(project, fmt or exp.get("format"))
    z = np.asarray(data["latent"], np.float32)
    return export_design(project, z, Path(out_dir) / Path(sidecar_path).stem, fmt,
                         source=data.get("source", "sample"), seed=data.get("seed"),
                         parents=data.get("parents"), weights=data.get("weights"),
                         smooth=int(exp.get("smooth", 2)), level=float(exp.get("level", 0.5)),
                         extra={k: v for k, v in data.items() if k not in SIDECAR_OWN}, recipe=exp,
                         axis=data.get("measured", {}).get("frontal_axis", "x"))
