"""Occupancy probabilities -> a smooth, watertight triangle mesh in source units (marching cubes).

The surface is extracted from the *probability field* (not a thresholded staircase),
enlarged twice by cubic spline interpolation first (:mod:`.refine`), so the level
surface follows the field's smooth shape between voxel centres instead of the
terraces of a coarse grid; from a grid padded with zeros so that every surface is
closed, oriented outwards, lightly Taubin-smoothed (which moves vertices only, so the
mesh stays watertight) and scaled back to the source units by inverting
:func:`core.ingest.voxelize.voxelize`'s mapping.  :func:`mesh_measures` gives an
export's volume and bounding box for its sidecar; :func:`preview_surface` is the
lighter extraction for an interactive view.
"""

from __future__ import annotations

import numpy as np

from ..errors import UserError
from .refine import spline_zoom

# Taubin smoothing (Taubin 1995): a shrink step then a slightly larger inflate
# step; a low-pass filter on the surface that keeps its volume.
_TAUBIN_LAMBDA = 0.5
_TAUBIN_MU = -0.53
# Probabilities closer than this to the level are moved this far off it (see mesh_from_probs).
_LEVEL_GAP = 1e-3
# Empty voxels around the grid before refining: the spline's ringing dies out before the border.
_REFINE_PAD = 2
DEFAULT_REFINE = 2  # what new exports use; sidecars from before refining was added reproduce with 1


def default_smooth(refine: int) -> int:
    """Taubin passes when none are asked for: 2 on the raw grid (light), 16 on a 2x refined one
    (its edges are half as long, so each pass reaches half as far; 4 * refine^2 beyond)."""
    return 2 if int(refine) == 1 else 4 * int(refine) ** 2


def mesh_from_probs(
    probs: np.ndarray,
    level: float = 0.5,
    smooth: int | None = None,
    centre=(0, 0, 0),
    size: float = 1.0,
    margin_voxels: int = 1,
    min_component_voxels: int = 4,
    refine: int = DEFAULT_REFINE,
):
    """Occupancy probabilities (R, R, R) indexed [x, y, z] -> watertight trimesh in source units.

    * **Sub-voxel surface.**  With ``refine`` = 2 (default) the field, padded with two
      voxels of zeros, is enlarged twice by cubic spline interpolation before marching
      cubes: the surface, with 4x the triangles, follows the field's curvature instead of
      straight cuts between voxel centres.  ``refine`` = 1 meshes the raw grid (the
      extraction before refining was added; old sidecars reproduce with it).
    * **Surface.**  Marching cubes (Lewiner) on the field at ``level``, padded with
      zeros so a shape touching the grid border is still closed.  Values within 1e-3 of
      the level are moved 1e-3 off it, to their own side: no zero-area or sliver
      triangles (they would collapse in a float32 STL and open the surface).
    * **Specks.**  Separate blobs (26-connected voxels above the level) with
      fewer than ``min_component_voxels`` voxels are removed before meshing;
      the largest blob is always kept.  A decoder's stray voxels in empty
      space are noise that ruins a print; real parts of a design (a wheel,
      a handle) span more voxels than that.  Set 0 to keep everything.
      Cavities (empty space enclosed by the shape) are kept as inner surfaces.
    * **Orientation.**  Faces point outwards (one global check of the signed volume:
      a per-body flip would turn cavities inside out).
    * **Smoothing.**  ``smooth`` Taubin passes (each a shrink step lambda=0.5
      and an inflate step mu=-0.53): removes the terracing that a nearly
      binary field leaves, keeps the volume, and moves vertices only (watertight).
      0 = none; None (default) = :func:`default_smooth`: 2 on the raw grid, 16 refined.
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
    p = without_specks(p, level, min_component_voxels)
    refine = int(refine)
    field = p if refine == 1 else spline_zoom(np.pad(p, _REFINE_PAD), refine).astype(np.float32)
    verts, faces = _closed_surface(field, level)
    smooth = default_smooth(refine) if smooth is None else smooth
    if smooth and smooth > 0:
        verts = _taubin(verts, faces, int(smooth))

    return trimesh.Trimesh(vertices=_source_units(verts, R, span, refine, size, centre), faces=faces, process=False)


def _source_units(verts: np.ndarray, R: int, span: int, refine: int, size: float, centre) -> np.ndarray:
    """Marching-cubes vertices (indices into the padded, maybe refined field) -> source units."""
    if refine == 1:  # padded index -> unpadded voxel-centre coordinate -> unit box (as before refining)
        unit = (verts - 1.0 + 0.5 - R / 2.0) / span
    else:  # refined sample j sits at (j + 0.5) / refine in the padded grid's voxel-edge coordinates
        unit = ((verts - 0.5) / refine - _REFINE_PAD - R / 2.0) / span
    return unit * float(size) + np.asarray(centre, dtype=np.float64).reshape(1, 3)


def mesh_measures(mesh) -> dict:
    """An exported mesh's ``volume`` and ``bbox`` (``min``, ``max``, ``size``: [x, y, z]) in its own
    units (source units for :func:`mesh_from_probs`' meshes): what the sidecar reports."""
    lo, hi = np.asarray(mesh.bounds, np.float64)
    return {"volume": float(mesh.volume),
            "bbox": {"min": lo.tolist(), "max": hi.tolist(), "size": (hi - lo).tolist()}}


def preview_surface(probs, level: float = 0.5, refine: int = DEFAULT_REFINE):
    """A light surface for an interactive 3D view: (vertices (V, 3) float32 in grid units centred on 0,
    faces (F, 3) int32, outward unit normals (V, 3) float32 from the field's gradient).

    The same sub-voxel surface as :func:`mesh_from_probs` without speck removal,
    Taubin smoothing or units.  Measured on the 2-core machine (``benchmarks/smooth_designs.py``,
    a sphere): at 32^3 ``refine`` = 1 takes ~1 ms and ``refine`` = 2 ~28 ms; at 64^3 ~14 ms and
    ~210 ms.  So a view that follows a dragged cursor within 33 ms shows ``refine`` = 1 while it
    moves and ``refine`` = 2 once it rests.  Empty arrays when nothing reaches the level.
    """
    from skimage import measure

    p = _cube(probs)
    R = p.shape[0]
    if not (p > level).any():
        return np.zeros((0, 3), np.float32), np.zeros((0, 3), np.int32), np.zeros((0, 3), np.float32)
    refine = int(refine)
    pad = 1 if refine == 1 else _REFINE_PAD
    field = spline_zoom(np.pad(p, pad), refine).astype(np.float32) if refine > 1 else np.pad(p, pad)
    verts, faces, normals, _ = measure.marching_cubes(field, float(level), gradient_direction="ascent")
    grid = (verts + 0.5) / refine - pad - R / 2.0
    return grid.astype(np.float32), faces.astype(np.int32), normals.astype(np.float32)


def _cube(probs) -> np.ndarray:
    """Probabilities as a float32 (R, R, R) cube without NaNs (leading axes of size 1 dropped)."""
    p = np.asarray(probs, dtype=np.float32)
    while p.ndim > 3 and p.shape[0] == 1:
        p = p[0]
    if p.ndim != 3 or len(set(p.shape)) != 1:
        raise ValueError(f"mesh probs must be a cube (R, R, R), got shape {p.shape}")
    return np.nan_to_num(p, nan=0.0)


def without_specks(p: np.ndarray, level: float, min_component_voxels: int) -> np.ndarray:
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
