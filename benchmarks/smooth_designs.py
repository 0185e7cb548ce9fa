"""Crisp 2D and smooth 3D designs: export timings and smoothness, before (old path) and after.

2D (silhouettes): a decoder-like disc field at 64^2 -> PNG at 1024 px, the old way
(the 64^2 raster enlarged with Lanczos, the only way to a big picture before) and the
crisp way (outline filled, anti-aliased).  Smoothness: grey pixels per pixel of edge
length (an anti-aliased edge has about 1; a blurred one many), and the outline's
radius error.  Timings: outline, 1024 px picture, SVG, uncertainty overlay.

3D (meshes): sphere fields at 32^3 and 64^3 (a logistic falloff about a voxel wide, like
a decoder's), old extraction (``refine=1``, 2 Taubin passes: byte for byte what exports
did before) vs new (``refine=2``, 16 passes): ms per export (median of 7), mean
deviation of the face normals from the true sphere's, mean dihedral angle between
neighbouring faces, volume error; and ``preview_surface``'s ms (what an interactive
view can call).

With ``--image-project`` / ``--mesh-project`` the same figures on decoded training items
(no ground truth there: dihedral angles and the share of creases > 30 degrees), and
with ``--render OUTDIR`` before/after pictures of them (meshes flat-shaded by
``render_mesh.py``).

Usage: python benchmarks/smooth_designs.py [--image-project P] [--mesh-project P] [--render OUTDIR] [--items N]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

OLD = {"refine": 1, "smooth": 2}
NEW = {"refine": 2, "smooth": 16}


def ms(fn, repeats: int = 7) -> float:
    fn()  # warm: imports, cached zoom matrices
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return 1e3 * float(np.median(times))


def disc_field(R=64, radius=20.0, width=0.8):
    y, x = np.mgrid[:R, :R] + 0.5
    return (1 / (1 + np.exp((np.hypot(x - R / 2, y - R / 2) - radius) / width)))[None]


def grey_per_edge_pixel(rgb: np.ndarray, perimeter_px: float) -> float:
    g = rgb[..., 0]
    return float(((g > 10) & (g < 245)).sum() / perimeter_px)


def bench_2d() -> None:
    from PIL import Image

    from vae_designer.core.export.crisp import crisp_picture, uncertainty_overlay
    from vae_designer.core.export.files import image_from_probs
    from vae_designer.core.export.outline import outline_from_probs
    from vae_designer.core.export.vector import svg_text

    p, px = disc_field(), 1024
    old = lambda: np.asarray(Image.fromarray(image_from_probs(p)).resize((px, px), Image.Resampling.LANCZOS))
    perimeter = 2 * np.pi * 20.0 * px / 64
    o = outline_from_probs(p)
    radii = np.hypot(*(o.loops[0] - 32.0).T)
    print("2D silhouette, disc r=20 px at 64^2 -> 1024 px PNG")
    print(f"  grey pixels per edge pixel: old {grey_per_edge_pixel(old(), perimeter):.2f}, "
          f"crisp {grey_per_edge_pixel(crisp_picture(p, px), perimeter):.2f}")
    print(f"  outline radius error: mean {abs(radii.mean() - 20):.4f} px, spread {radii.std():.4f} px (model pixels)")
    print(f"  ms: old 1024 px {ms(old):.1f}; outline {ms(lambda: outline_from_probs(p)):.1f}; "
          f"crisp 64 px {ms(lambda: crisp_picture(p, 64)):.1f}, 380 px {ms(lambda: crisp_picture(p, 380)):.1f}, "
          f"1024 px {ms(lambda: crisp_picture(p, 1024)):.1f}; svg {ms(lambda: svg_text(o, 640.0)):.1f}; "
          f"overlay 380 px {ms(lambda: uncertainty_overlay(p, 380)):.1f}")


def ball_field(R: int, width=0.8):
    x = np.arange(R) + 0.5
    X, Y, Z = np.meshgrid(x, x, x, indexing="ij")
    r = np.sqrt((X - R / 2) ** 2 + (Y - R / 2) ** 2 + (Z - R / 2) ** 2)
    radius = 0.35 * R
    return (1 / (1 + np.exp((r - radius) / width))).astype(np.float32), radius


def mesh_figures(mesh, centre=None) -> str:
    ang = np.degrees(mesh.face_adjacency_angles)
    out = f"dihedral {ang.mean():5.2f} deg, creases>30 {100 * np.mean(ang > 30):4.1f}%"
    if centre is not None:
        d = mesh.triangles_center - centre
        d /= np.linalg.norm(d, axis=1, keepdims=True)
        dev = np.degrees(np.arccos(np.clip(np.einsum("ij,ij->i", mesh.face_normals, d), -1, 1))).mean()
        out = f"normal dev {dev:4.2f} deg, " + out
    return out + f", {len(mesh.faces)} faces"


def bench_3d() -> None:
    from vae_designer.core.export.mesh import mesh_from_probs, preview_surface

    for R in (32, 64):
        p, radius = ball_field(R)
        span = R - 2
        size = float(span)  # 1 source unit = 1 voxel
        true_volume = 4 / 3 * np.pi * radius**3
        print(f"3D sphere r={radius:.1f} voxels at {R}^3")
        for name, opts in (("old", OLD), ("new", NEW)):
            m = mesh_from_probs(p, size=size, **opts)
            t = ms(lambda p=p, size=size, opts=opts: mesh_from_probs(p, size=size, **opts), 5 if R == 64 else 7)
            print(f"  {name} (refine {opts['refine']}, smooth {opts['smooth']:2d}): {t:6.1f} ms/export, "
                  f"{mesh_figures(m, np.zeros(3))}, volume {100 * (m.volume / true_volume - 1):+.2f}%, "
                  f"watertight {m.is_watertight}")
        t1, t2 = (ms(lambda p=p, r=r: preview_surface(p, refine=r)) for r in (1, 2))
        print(f"  preview_surface: refine 1 {t1:.1f} ms, refine 2 {t2:.1f} ms")


def project_images(path: str, items: int, render: Path | None) -> None:
    from PIL import Image

    from vae_designer.core.export.crisp import crisp_picture
    from vae_designer.core.export.files import image_from_probs
    from vae_designer.core.latent.generate import decode
    from vae_designer.core.project.store import load_project

    project = load_project(path)
    tones = project.manifest.get("image_tones") or [1.0]
    probs = decode(project, project.encodings[np.linspace(0, len(project.paths) - 1, items).astype(int)])
    t_old = ms(lambda: Image.fromarray(image_from_probs(probs[0])).resize((1024, 1024), Image.Resampling.LANCZOS), 3)
    t_new = ms(lambda: crisp_picture(probs[0], 1024, tones=tones), 3)
    print(f"{path}: look {project.manifest.get('image_look')}, tones {tones}; 1024 px PNG: "
          f"old {t_old:.1f} ms, crisp {t_new:.1f} ms")
    if render:
        rows = [np.concatenate([np.asarray(Image.fromarray(image_from_probs(q)).resize(
            (1024, 1024), Image.Resampling.LANCZOS)), crisp_picture(q, 1024, tones=tones)], axis=1) for q in probs]
        Image.fromarray(np.concatenate(rows, axis=0)).save(render / "images_before_after.png")


def project_meshes(path: str, items: int, render: Path | None) -> None:
    from PIL import Image
    from render_mesh import render_mesh

    from vae_designer.core.export.mesh import mesh_from_probs
    from vae_designer.core.latent.generate import decode
    from vae_designer.core.project.store import load_project

    project = load_project(path)
    size = float(project.manifest.get("typical_size", 1.0))
    probs = decode(project, project.encodings[np.linspace(0, len(project.paths) - 1, items).astype(int)])
    rows = []
    for k, q in enumerate(probs):
        tiles = []
        for name, opts in (("old", OLD), ("new", NEW)):
            m = mesh_from_probs(q[0], size=size, **opts)
            t = ms(lambda q=q, opts=opts: mesh_from_probs(q[0], size=size, **opts), 3)
            print(f"{path} item {k} {name}: {t:6.1f} ms, {mesh_figures(m)}, volume {m.volume:.4g}, "
                  f"watertight {m.is_watertight}")
            tiles.append(render_mesh(m.vertices, m.faces, 512))
        rows.append(np.concatenate(tiles, axis=1))
    if render:
        Image.fromarray(np.concatenate(rows, axis=0)).save(render / "meshes_before_after.png")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--image-project")
    ap.add_argument("--mesh-project")
    ap.add_argument("--render", type=Path, help="folder for before/after pictures of the projects' designs")
    ap.add_argument("--items", type=int, default=3)
    args = ap.parse_args()
    if args.render:
        args.render.mkdir(parents=True, exist_ok=True)
    bench_2d()
    bench_3d()
    if args.image_project:
        project_images(args.image_project, args.items, args.render)
    if args.mesh_project:
        project_meshes(args.mesh_project, args.items, args.render)
    return 0


if __name__ == "__main__":
    sys.exit(main())
