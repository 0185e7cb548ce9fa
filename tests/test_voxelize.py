"""Voxelization keeps volume, thin parts and several bodies, and survives small holes."""

import numpy as np
import trimesh

from vae_designer.core.ingest.meshes import normalise
from vae_designer.core.ingest.voxelize import voxelize


def vox(mesh, R, **kw):
    unit, _, _ = normalise(mesh.triangles)
    return voxelize(unit, R, **kw)


def test_sphere_volume_within_5_percent_at_64():
    sphere = trimesh.creation.icosphere(subdivisions=4)
    grid, info = vox(sphere, 64)
    r = (64 - 2) / 2  # largest side spans R - 2 voxels
    true = sphere.volume / (4 / 3 * np.pi) * (4 / 3 * np.pi * r**3)
    assert abs(grid.sum() / true - 1) < 0.05
    assert not info["leaky"]


def table():
    top = trimesh.creation.box((1.0, 0.6, 0.04))
    top.apply_translation((0, 0, 0.5))
    parts = [top]
    for x, y in [(-0.45, -0.25), (0.45, -0.25), (-0.45, 0.25), (0.45, 0.25)]:
        leg = trimesh.creation.cylinder(radius=0.006, height=0.5, sections=8)  # 0.36 voxel wide at 32^3
        leg.apply_translation((x, y, 0.25))
        parts.append(leg)
    return trimesh.util.concatenate(parts)


def test_thin_table_legs_survive_at_32():
    grid, _ = vox(table(), 32)
    zs = np.flatnonzero(grid.any(axis=(0, 1)))
    top_z = zs.max()
    # every z-slice between the floor and the top holds four separate leg columns
    from scipy import ndimage

    for z in range(zs.min(), top_z - 2):
        _, n = ndimage.label(grid[:, :, z])
        assert n == 4, (z, n)


def test_small_hole_does_not_flood_the_inside():
    sphere = trimesh.creation.icosphere(subdivisions=4)
    c = sphere.triangles_center
    keep = ~((c[:, 2] > 0) & (np.hypot(c[:, 0], c[:, 1]) < 0.08))
    assert (~keep).sum() > 0
    holed = trimesh.Trimesh(sphere.vertices, sphere.faces[keep], process=False)
    for R in (32, 64):
        full, _ = vox(sphere, R)
        grid, info = vox(holed, R)
        assert grid.sum() > 0.95 * full.sum()  # solid, not a hollow shell
    assert info["leaky"]


def test_overlapping_bodies_are_one_solid():
    a = trimesh.creation.box((1.0, 0.5, 0.5))
    b = trimesh.creation.box((0.5, 0.5, 1.0))  # crosses a: overlapping, not unioned
    both = trimesh.util.concatenate([a, b])
    grid, _ = vox(both, 32)
    # the overlap region is filled, not emptied by parity
    assert grid[15:17, 15:17, 15:17].all()
    assert grid.sum() > vox(a, 32)[0].sum()


def test_open_sheet_stays_a_sheet():
    plane = trimesh.Trimesh([[0, 0, 0], [1, 0, 0], [1, 1, 0], [0, 1, 0]], [[0, 1, 2], [0, 2, 3]])
    grid, info = vox(plane, 32)
    assert 0 < grid.sum() <= 2 * 30 * 30
    assert not info["leaky"]
