"""``vae-designer interpolate PROJECT A B --steps N -o OUTDIR``: designs between two."""

from __future__ import annotations

import numpy as np

from .common import out_dir, positive_int


def add_parser(sub) -> None:
    p = sub.add_parser("interpolate", help="designs on the straight latent path between two designs",
                       description="A and B are training file names (or paths relative to the design "
                                   "folder), sidecar .json files of earlier exports or any design files "
                                   "(encoded as the training set was).")
    p.add_argument("project")
    p.add_argument("a", metavar="A")
    p.add_argument("b", metavar="B")
    p.add_argument("--steps", type=positive_int, default=8, help="designs to write, ends included (default 8)")
    p.add_argument("-o", "--output", required=True, metavar="OUTDIR")
    p.add_argument("--format", choices=["png", "svg", "dxf", "stl", "obj", "ply", "glb"],
                   help="as for sample: png (svg, dxf for silhouettes) or stl, obj, ply, glb")
    p.add_argument("--size", type=positive_int, metavar="PX", help="side of PNG pictures in pixels")


def run(args) -> int:
    from vae_designer.core.latent.generate import check_format, export_design, latent_of
    from vae_designer.core.project.store import load_project

    project = load_project(args.project)
    fmt = check_format(project, args.format)
    za, name_a = latent_of(project, args.a)
    zb, name_b = latent_of(project, args.b)
    folder = out_dir(args.output)
    ts = np.linspace(0.0, 1.0, args.steps) if args.steps > 1 else np.array([0.5])
    z = ((1 - ts)[:, None] * za[None] + ts[:, None] * zb[None]).astype(np.float32)
    for i, t in enumerate(ts):
        written = export_design(project, z[i], folder / f"interp_{i:03d}", fmt,
                                source="interpolate", parents=[name_a, name_b], weights=[1 - t, t],
                                pixels=args.size)
        print(written[0])
    return 0
