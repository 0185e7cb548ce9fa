"""``vae-designer complete PROJECT DESIGN (--mask MASK.png | --box ...) -n N -o OUTDIR``: regenerate a
missing region of a design, consistent with the rest, several ways."""

from __future__ import annotations

import sys

from .common import out_dir, positive_int

FORMATS = ["png", "svg", "dxf", "stl", "obj", "ply", "glb"]


def add_parser(sub) -> None:
    p = sub.add_parser("complete", help="complete a design whose region is marked missing",
                       description="DESIGN is a training file name, a sidecar .json file or any design file "
                                   "(preprocessed as the training set was). The latent vector is fitted to the "
                                   "kept part (with the training designs' latent density as the prior) from "
                                   "several starts; the N best distinct completions are written, best first.")
    p.add_argument("project")
    p.add_argument("design", metavar="DESIGN")
    region = p.add_mutually_exclusive_group(required=True)
    region.add_argument("--mask", metavar="MASK.png",
                        help="images: white marks the missing region, drawn over the design's source image (same "
                             "size) or over its square canvas (any other size)")
    region.add_argument("--box", metavar="X0,Y0,Z0,X1,Y1,Z1",
                        help="the missing box: X0,Y0,Z0,X1,Y1,Z1 for meshes, X0,Y0,X1,Y1 for images (y down), in "
                             "the design's source units (see --units)")
    p.add_argument("--units", choices=["source", "fraction"], default="source",
                   help="--box in source units (mesh units, source image pixels; default) or in fractions 0..1 "
                        "of the model's canvas or cube")
    p.add_argument("-n", type=positive_int, default=4, help="how many completions (default 4)")
    p.add_argument("-o", "--output", required=True, metavar="OUTDIR")
    p.add_argument("--seed", type=int, default=0, help="random seed of the density draws among the starts")
    p.add_argument("--steps", type=positive_int, help="optimisation steps (default 150)")
    p.add_argument("--format", choices=FORMATS, help="as for sample")
    p.add_argument("--size", type=positive_int, metavar="PX", help="side of PNG pictures in pixels")


def run(args) -> int:
    from vae_designer.core.errors import UserError
    from vae_designer.core.generators import run_to_end
    from vae_designer.core.latent.generate import check_format
    from vae_designer.core.latent.guided import completions, parse_box
    from vae_designer.core.project.store import load_project

    if args.seed < 0:
        raise UserError(f"--seed must be zero or a positive whole number, not {args.seed}")
    box = parse_box(args.box) if args.box is not None else None
    project = load_project(args.project)
    fmt = check_format(project, args.format)
    folder = out_dir(args.output)
    written = run_to_end(completions(project, args.design, folder, fmt, n=args.n, mask=args.mask, box=box,
                                     units=args.units, seed=args.seed, steps=args.steps, pixels=args.size),
                         lambda paths: print(paths[0], flush=True))
    k = len(written) // 2
    same = f" (the other {args.n - k} came out the same as these)" if k < args.n else ""
    sys.stderr.write(f"vae-designer: wrote {k} completion{'s' if k != 1 else ''} into {folder}{same}\n")
    return 0
