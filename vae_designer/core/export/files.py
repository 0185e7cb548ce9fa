"""Decoded designs -> files a designer can use: PNG pictures, meshes, JSON sidecars.

The model works in "ink" (images: background 0, shape bright) and occupancy
probabilities (meshes: an R^3 grid indexed ``[x, y, z]``).  This module turns
those back into what the designer handed in:

* **Images** go back to the look of the source collection with
  :func:`core.ingest.images.ink_to_image` and the collection's background colour.
* **Meshes** are extracted with marching cubes on the *probability field*
  (not a thresholded staircase), from a grid padded with zeros so that every
  surface is closed, oriented outwards, lightly Taubin-smoothed (which moves
  vertices only, so the mesh stays watertight) and scaled back to the source
  units by inverting :func:`core.ingest.voxelize.voxelize`'s mapping.
* **Sidecars** are small JSON files beside each export holding what is needed
  to reproduce it exactly (see :func:`sidecar`).

Every file is written atomically (:func:`core.fsio.atomic_write_bytes`):
a crash or a full disk during an export leaves any previous file intact.
"""

from __future__ import annotations

import io
import json
import math
import numbers
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from ..errors import UserError
from ..fsio import atomic_write_bytes

MESH_FORMATS = ("stl", "obj", "ply", "glb")
SIDECAR_FORMAT = 1
SIDECAR_APP = "vae-designer"
SIDECAR_REQUIRED = ("project_id", "weights_sha256", "kind", "latent", "source", "export")

# Taubin smoothing (Taubin 1995): a shrink step then a slightly larger inflate
# step; a low-pass filter on the surface that keeps its volume.
_TAUBIN_LAMBDA = 0.5
_TAUBIN_MU = -0.53
# Probabilities closer than this to the level are moved this far off it (see mesh_from_probs).
_LEVEL_GAP = 1e-3


# --------------------------------------------------------------------------- images


def image_from_probs(probs: np.ndarray, background=(1.0, 1.0, 1.0)) -> np.ndarray:
    """Decoder output -> RGB uint8 picture (R, R, 3) in the source collection's look.

    ``probs`` is float ink in [0, 1], shaped (C, R, R) with C = 1 (grey) or
    3 (colour), or (R, R).  ``background`` is the collection's background
    colour in 0..1 (an item's ``meta["background"]``): for white paper the
    shape comes out dark on white.
    """
    a = np.nan_to_num(np.asarray(probs, dtype=np.float32), nan=0.0)
    if a.ndim == 3:
        if a.shape[0] == 1:
            a = a[0]
        elif a.shape[0] == 3:
            a = np.moveaxis(a, 0, -1)
        else:
            raise ValueError(f"image probs must have 1 or 3 channels, got shape {a.shape}")
    elif a.ndim != 2:
        raise ValueError(f"image probs must be (C, R, R) or (R, R), got shape {a.shape}")
    ink = np.round(np.clip(a, 0.0, 1.0) * 255.0).astype(np.uint8)
    from ..ingest.images import ink_to_image

    return ink_to_image(ink, background)


def write_png(rgb: np.ndarray, path, scale: int = 1, resample: str = "lanczos") -> None:
    """Write an RGB (or grey / RGBA) uint8 picture as PNG, atomically.

    ``scale`` > 1 enlarges it by that integer factor, with ``resample``
    "lanczos" (smooth edges, the default: decoded designs are small) or
    "nearest" (crisp pixel blocks).
    """
    from PIL import Image

    arr = np.asarray(rgb)
    if arr.dtype != np.uint8:
        arr = np.clip(np.round(arr), 0, 255).astype(np.uint8)
    if arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[..., 0]
    img = Image.fromarray(np.ascontiguousarray(arr))
    scale = int(scale)
    if scale < 1:
        raise UserError(f"image scale must be a whole number of at least 1, not {scale}")
    if scale > 1:
        filters = {"lanczos": Image.Resampling.LANCZOS, "nearest": Image.Resampling.NEAREST}
        if resample not in filters:
            raise UserError(f"unknown resampling '{resample}' (use lanczos or nearest)")
        img = img.resize((img.width * scale, img.height * scale), filters[resample])
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=False)
    _write_bytes(Path(path), buf.getvalue())


# --------------------------------------------------------------------------- meshes


def mesh_from_probs(
    probs: np.ndarray,
    level: float = 0.5,
    smooth: int = 2,
    centre=(0, 0, 0),
    size: float = 1.0,
    margin_voxels: int = 1,
    min_component_voxels: int = 4,
):
    """Occupancy probabilities (R, R, R) indexed [x, y, z] -> watertight trimesh in source units.

    * **Surface.**  Marching cubes (Lewiner) on the probability field at
      ``level``, after padding the grid with one layer of zeros, so a shape
      touching the grid border is still closed.  Probabilities that equal the
      level (within 1e-3) are moved 1e-3 off it, to their own side, which keeps marching cubes from
      emitting zero-area or sliver triangles (which would collapse in a float32
      STL and open the surface).
    * **Specks.**  Separate blobs (26-connected voxels above the level) with
      fewer than ``min_component_voxels`` voxels are removed before meshing;
      the largest blob is always kept.  A decoder's stray voxels in empty
      space are noise that ruins a print; real parts of a design (a wheel,
      a handle) span more voxels than that.  Set 0 to keep everything.
      Cavities (empty space enclosed by the shape) are kept as inner surfaces.
    * **Orientation.**  Faces point outwards (positive volume).  Marching cubes
      gives every surface the same orientation, so one global check of the
      signed volume is enough; a per-body flip would turn cavities inside out.
    * **Smoothing.**  ``smooth`` Taubin passes (each a shrink step lambda=0.5
      and an inflate step mu=-0.53): removes the terracing that a nearly
      binary field leaves, keeps the volume, and moves vertices only, so the
      mesh stays watertight.  0 = none; 2 (default) is light, 5-10 takes
      the steps off a hard-edged field.
    * **Units.**  Ingestion scaled each mesh's bounding box so its largest side
      spans ``R - 2 * margin_voxels`` voxels, centred in the grid, with voxel
      ``i`` covering [i, i+1).  This is inverted: grid point ``i`` (the voxel
      centre ``i + 0.5``) maps to ``(i + 0.5 - R/2) / span * size + centre``.
      Pass an item's ``meta["centre"]`` and ``meta["size"]`` (or an average of
      its neighbours' for a new design) to get source units back.

    Raises :class:`UserError` when no probability reaches the level.
    """
    import trimesh

    p = _cube(probs)
    R = p.shape[0]
    span = R - 2 * int(margin_voxels)
    if span <= 0:
        raise ValueError(f"margin_voxels={margin_voxels} leaves nothing of a {R}^3 grid")
    level = float(level)
    p = _without_specks(p, level, min_component_voxels)
    verts, faces = _closed_surface(p, level)
    if smooth and smooth > 0:
        verts = _taubin(verts, faces, int(smooth))

    # padded index -> unpadded voxel-centre coordinate -> unit box -> source units
    unit = (verts - 1.0 + 0.5 - R / 2.0) / span
    out = unit * float(size) + np.asarray(centre, dtype=np.float64).reshape(1, 3)
    return trimesh.Trimesh(vertices=out, faces=faces, process=False)


def _cube(probs) -> np.ndarray:
    """Probabilities as a float32 (R, R, R) cube without NaNs (leading axes of size 1 dropped)."""
    p = np.asarray(probs, dtype=np.float32)
    while p.ndim > 3 and p.shape[0] == 1:
        p = p[0]
    if p.ndim != 3 or len(set(p.shape)) != 1:
        raise ValueError(f"mesh probs must be a cube (R, R, R), got shape {p.shape}")
    return np.nan_to_num(p, nan=0.0)


def _without_specks(p: np.ndarray, level: float, min_component_voxels: int) -> np.ndarray:
    """``p`` with the blobs above ``level`` smaller than ``min_component_voxels`` set to 0 (the
    largest blob always stays); UserError when nothing is above the level."""
    from scipy import ndimage

    inside = p > level
    if not inside.any():
        raise UserError(
            f"decoded design is empty: no voxel has occupancy above {level:g} "
            f"(highest is {float(p.max()):.3g}); try a lower level"
        )
    if min_component_voxels <= 1:
        return p
    labels, count = ndimage.label(inside, structure=np.ones((3, 3, 3), bool))
    if count <= 1:
        return p
    sizes = np.bincount(labels.ravel(), minlength=count + 1)
    sizes[0] = 0
    drop = sizes < min_component_voxels
    drop[0] = False
    drop[int(sizes.argmax())] = False
    return np.where(drop[labels], 0.0, p).astype(np.float32) if drop.any() else p


def _closed_surface(p: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """Marching cubes on the padded field: (vertices in padded grid units, outward faces)."""
    from skimage import measure

    R = p.shape[0]
    # Pad with "surely outside" so every surface closes.  Values at (or within
    # _LEVEL_GAP of) the level are moved off it, to their own side (exactly the
    # level counts as outside): marching cubes would otherwise put a vertex on
    # the grid point itself, giving zero-area triangles or, after an STL's
    # float32 round trip, vertices that collapse and open the surface.
    field = np.full((R + 2,) * 3, -level, np.float32)  # padding: probability 0
    field[1:-1, 1:-1, 1:-1] = p - np.float32(level)
    near = np.abs(field) < _LEVEL_GAP
    field[near] = np.where(field[near] > 0, _LEVEL_GAP, -_LEVEL_GAP)
    verts, faces, _, _ = measure.marching_cubes(field, 0.0, gradient_direction="ascent")
    faces = faces.astype(np.int64)
    verts = verts.astype(np.float64)
    if _signed_volume(verts, faces) < 0:
        faces = faces[:, ::-1].copy()
    return verts, faces


def _signed_volume(verts: np.ndarray, faces: np.ndarray) -> float:
    t = verts[faces]
    return float(np.einsum("ij,ij->i", t[:, 0], np.cross(t[:, 1], t[:, 2])).sum() / 6.0)


def _taubin(verts: np.ndarray, faces: np.ndarray, passes: int) -> np.ndarray:
    """Equal-weight Taubin smoothing, ``passes`` x (shrink, inflate)."""
    from scipy import sparse

    n = len(verts)
    e = np.concatenate([faces[:, [0, 1]], faces[:, [1, 2]], faces[:, [2, 0]]])
    # every edge of a closed mesh appears once in each direction: no deduplication needed
    adj = sparse.csr_matrix((np.ones(len(e)), (e[:, 0], e[:, 1])), shape=(n, n))
    adj.data[:] = 1.0  # in case duplicate entries were summed
    deg = np.asarray(adj.sum(axis=1)).ravel()
    avg = sparse.diags(1.0 / np.maximum(deg, 1.0)) @ adj
    v = verts.copy()
    for _ in range(passes):
        v += _TAUBIN_LAMBDA * (avg @ v - v)
        v += _TAUBIN_MU * (avg @ v - v)
    return v


def mesh_format(path, fmt: str | None = None) -> str:
    """The mesh format to write: ``fmt`` or the file extension; UserError if unknown."""
    name = (fmt or Path(path).suffix.lstrip(".")).lower().lstrip(".")
    if name not in MESH_FORMATS:
        shown = name or "(no extension)"
        raise UserError(f"unknown mesh format '{shown}' for {Path(path).name} (use stl, obj, ply or glb)")
    return name


def write_mesh(mesh, path, fmt: str | None = None) -> None:
    """Write a mesh as STL, OBJ, PLY or GLB (``fmt``, else from the extension), atomically.

    The mesh is exported to bytes first and then written via a temporary file
    and a rename.  OBJ and PLY keep shared vertices; STL stores triangle soup
    (readers merge the vertices back).
    """
    name = mesh_format(path, fmt)
    data = mesh.export(file_type=name)
    if isinstance(data, str):
        data = data.encode("utf-8")
    _write_bytes(Path(path), data)


# --------------------------------------------------------------------------- sidecars


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
    _write_bytes(Path(path), text.encode("utf-8"))


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
        raise UserError(f"cannot read sidecar {name}: {_one_line(exc)}") from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise UserError(f"{name} is not valid JSON ({_one_line(exc)})") from None
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


# --------------------------------------------------------------------------- shared


def _write_bytes(path: Path, data: bytes) -> None:
    """Atomic write; an OS failure becomes one readable line (a :class:`UserError`)."""
    try:
        atomic_write_bytes(path, data)
    except OSError as exc:
        reason = exc.strerror or _one_line(exc)
        raise UserError(f"could not write {path}: {reason}") from None


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:160] if text else type(exc).__name__
