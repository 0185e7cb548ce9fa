"""JSON sidecars: the small file beside each export that reproduces it exactly.

Written atomically like every export (:func:`.writing.write_bytes`); read with one
readable :class:`UserError` for anything a user could hand in by mistake.
"""

from __future__ import annotations

import json
import math
import numbers
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from ..errors import UserError
from .writing import one_line, write_bytes

SIDECAR_FORMAT = 1
SIDECAR_APP = "vae-designer"
SIDECAR_REQUIRED = ("project_id", "weights_sha256", "kind", "latent", "source", "export")


def sidecar(**fields) -> dict:
    """A sidecar dict that reproduces one export; fills app, version and creation time.

    Schema (JSON object, ``format_version`` 1)::

        app             "vae-designer"                 (filled in)
        app_version     vae_designer.__version__       (filled in)
        format_version  1                              (filled in)
        created         ISO 8601 UTC timestamp         (filled in unless given)
        project_id      str    the project that made it
        weights_sha256  str    hash of the weights used to decode
        kind            "image" | "mesh"
        latent          [float, ...]  the decoded latent vector (exact floats)
        seed            int | null    random seed, if any (default null)
        source          str    "sample" | "interpolate" | "blend" | "sweep" | "map" | ...
        parents         [str, ...]    optional: training names or latent ids it came from
        weights         [float, ...]  optional: blend weights, one per parent
        export          {"format": "png" | "stl" | ..., plus for meshes "level",
                         "smooth", "centre": [x, y, z], "size"; for images
                         "background", "scale"}

    Extra keys are kept (readers ignore what they do not know).  Numpy scalars
    and arrays are converted to plain Python numbers; Python's ``json`` writes
    floats with ``repr``, so latents read back bit-identical.  A missing
    required key or a wrong type is a programming error: ``ValueError``.
    """
    import vae_designer

    data = dict(fields)
    for key in ("app", "app_version", "format_version"):
        if key in data:
            raise ValueError(f"sidecar field '{key}' is filled in automatically")
    out = {
        "app": SIDECAR_APP,
        "app_version": vae_designer.__version__,
        "format_version": SIDECAR_FORMAT,
    }
    out.update(_plain(data))
    out.setdefault("seed", None)
    out.setdefault("created", datetime.now(timezone.utc).isoformat(timespec="seconds"))
    problem = _sidecar_problem(out)
    if problem:
        raise ValueError(f"invalid sidecar: {problem}")
    return out


def write_sidecar(path, data: dict) -> None:
    """Write a sidecar as pretty JSON (2-space indent), atomically."""
    problem = _sidecar_problem(data)
    if problem:
        raise ValueError(f"invalid sidecar: {problem}")
    text = json.dumps(_plain(data), indent=2, allow_nan=False) + "\n"
    write_bytes(Path(path), text.encode("utf-8"))


def read_sidecar(path) -> dict:
    """Read and check a sidecar; :class:`UserError` (one line) when it cannot be used."""
    path = Path(path)
    name = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UserError(f"sidecar not found: {path}") from None
    except IsADirectoryError:
        raise UserError(f"sidecar is a folder, not a JSON file: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"cannot read sidecar {name}: {one_line(exc)}") from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise UserError(f"{name} is not valid JSON ({one_line(exc)})") from None
    if not isinstance(data, dict) or data.get("app") != SIDECAR_APP:
        raise UserError(f"{name} is not a VAE Designer sidecar")
    version = data.get("format_version")
    if isinstance(version, int) and not isinstance(version, bool) and version > SIDECAR_FORMAT:
        raise UserError(
            f"{name} was written by a newer VAE Designer (sidecar format {version}); please update"
        )
    problem = _sidecar_problem(data)
    if problem:
        raise UserError(f"{name} is not a usable VAE Designer sidecar: {problem}")
    return data


def sidecar_path(export_path) -> Path:
    """Where an export's sidecar goes: same folder and name, ``.json`` extension."""
    return Path(export_path).with_suffix(".json")


def _sidecar_problem(d) -> str | None:
    """None if ``d`` is a valid sidecar, else a short description of what is wrong."""
    if not isinstance(d, dict):
        return "not a JSON object"
    if d.get("app") != SIDECAR_APP:
        return f"'app' is not '{SIDECAR_APP}'"
    if d.get("format_version") != SIDECAR_FORMAT:
        return f"unsupported format_version {d.get('format_version')!r}"
    missing = [k for k in SIDECAR_REQUIRED if k not in d]
    if missing:
        return "missing " + ", ".join(missing)
    for key in ("project_id", "weights_sha256", "source"):
        if not isinstance(d[key], str):
            return f"'{key}' must be a string"
    if d["kind"] not in ("image", "mesh"):
        return f"'kind' must be 'image' or 'mesh', not {d['kind']!r}"
    if not _finite_floats(d["latent"]) or len(d["latent"]) == 0:
        return "'latent' must be a non-empty list of finite numbers"
    seed = d.get("seed")
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
        return "'seed' must be a whole number or null"
    if "weights" in d and not _finite_floats(d["weights"]):
        return "'weights' must be a list of finite numbers"
    if "parents" in d and not (
        isinstance(d["parents"], list) and all(isinstance(x, (str, int)) for x in d["parents"])
    ):
        return "'parents' must be a list of names or ids"
    if not isinstance(d["export"], dict) or not isinstance(d["export"].get("format"), str):
        return "'export' must be an object with a 'format'"
    return None


def _finite_floats(x) -> bool:
    return isinstance(x, list) and all(
        isinstance(v, numbers.Real) and not isinstance(v, bool) and math.isfinite(v) for v in x
    )


def _plain(x):
    """Numpy scalars/arrays and tuples -> plain JSON-able Python values (floats exact)."""
    if isinstance(x, dict):
        return {str(k): _plain(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_plain(v) for v in x]
    if isinstance(x, np.ndarray):
        return _plain(x.tolist())
    if isinstance(x, np.bool_):
        return bool(x)
    if isinstance(x, np.integer):
        return int(x)
    if isinstance(x, np.floating):
        return float(x)
    if isinstance(x, Path):
        return str(x)
    return x
