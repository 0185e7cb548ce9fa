"""A flat-shaded picture of a triangle mesh, in numpy only: for looking at exported meshes.

Every face is drawn with its own normal (flat shading), so terraces and facets
show as plainly as they would in a slicer or a CAD viewer.  Faces are splatted
as dense barycentric point samples into a z-buffer (the nearest sample wins);
good enough for a few hundred thousand faces at up to ~1024 px.
Used by ``smooth_designs.py``; ``python benchmarks/render_mesh.py MESH OUT.png`` renders one file.
"""

from __future__ import annotations

import sys

import numpy as np


def _view(vertices: np.ndarray, azimuth: float, elevation: float) -> np.ndarray:
    """Vertices (z up) turned so the camera looks along +y from front-left and above."""
    a, e = np.radians(azimuth), np.radians(elevation)
    turn = np.array([[np.cos(a), -np.sin(a), 0], [np.sin(a), np.cos(a), 0], [0, 0, 1]])
    tilt = np.array([[1, 0, 0], [0, np.cos(e), -np.sin(e)], [0, np.sin(e), np.cos(e)]])
    return vertices @ (tilt @ turn).T


def render_mesh(vertices, faces, size: int = 768, azimuth: float = -35.0, elevation: float = 25.0,
                colour=(90, 160, 230), background=(24, 26, 30)) -> np.ndarray:
    """RGB uint8 (size, size, 3) flat-shaded orthographic render of a mesh (z up)."""
    v = _view(np.asarray(vertices, np.float64), azimuth, elevation)
    f = np.asarray(faces, np.int64)
    lo, hi = v.min(axis=0), v.max(axis=0)
    scale = 0.9 * size / max(hi[0] - lo[0], hi[2] - lo[2], 1e-12)
    px = np.column_stack([(v[:, 0] - (lo[0] + hi[0]) / 2) * scale + size / 2,
                          size / 2 - (v[:, 2] - (lo[2] + hi[2]) / 2) * scale, v[:, 1]])
    tri = px[f]
    n = np.cross(v[f][:, 1] - v[f][:, 0], v[f][:, 2] - v[f][:, 0])
    n /= np.maximum(np.linalg.norm(n, axis=1, keepdims=True), 1e-12)
    light = np.array([-0.4, -0.8, 0.45])
    light /= np.linalg.norm(light)
    shade = 0.18 + 0.82 * np.clip(n @ light, 0, 1)
    edge = np.linalg.norm(tri[:, [1, 2, 0], :2] - tri[:, :, :2], axis=2).max()
    m = int(np.clip(np.ceil(edge * 1.5), 2, 40))
    i, j = np.meshgrid(np.arange(m + 1), np.arange(m + 1), indexing="ij")
    keep = i + j <= m
    w = np.column_stack([i[keep], j[keep], m - i[keep] - j[keep]]) / m  # barycentric lattice
    depth = np.full(size * size, np.inf)
    out = np.zeros(size * size)
    for start in range(0, len(f), 4096):
        pts = np.einsum("sk,fkd->fsd", w, tri[start:start + 4096])
        x, y, z = (np.round(pts[..., 0]).astype(int), np.round(pts[..., 1]).astype(int), pts[..., 2])
        ok = (x >= 0) & (x < size) & (y >= 0) & (y < size)
        idx, z = (y * size + x)[ok], z[ok]
        s = np.broadcast_to(shade[start:start + 4096, None], ok.shape)[ok]
        order = np.argsort(-z, kind="stable")  # far first: the nearest sample is written last
        idx, z, s = idx[order], z[order], s[order]
        closer = z < depth[idx]
        depth[idx[closer]] = z[closer]
        out[idx[closer]] = s[closer]
    hit = np.isfinite(depth).reshape(size, size)
    rgb = np.empty((size, size, 3), np.uint8)
    rgb[:] = background
    rgb[hit] = np.round(out.reshape(size, size)[hit, None] * np.asarray(colour, float)).astype(np.uint8)
    return rgb


def main(argv: list[str]) -> int:
    import trimesh
    from PIL import Image

    mesh = trimesh.load(argv[0], force="mesh")
    Image.fromarray(render_mesh(mesh.vertices, mesh.faces)).save(argv[1])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
