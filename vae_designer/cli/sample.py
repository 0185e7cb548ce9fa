"""``vae-designer sample PROJECT``: new designs drawn where designs live (or from the plain prior),
or one reproduced from its sidecar."""

from __future__ import annotations

import sys

from vae_designer.core.errors import UserError

from .common import out_dir, positive_float, positive_int, probability


def add_parser(sub) -> None:
    p = sub.add_parser("sample", help="generate designs from a trained project",
                       description="Decode random latent vectors (or the one in a sidecar) and export "
                                   "them, each with a JSON sidecar that reproduces it. A draw that decodes "
                                   "to an empty design is skipped and replaced by the next one.")
    p.add_argument("project", help="project folder")
    p.add_argument("-n", type=positive_int, default=None, help="how many designs (default 8)")
    p.add_argument("-o", "--output", required=True, metavar="OUTDIR", help="folder to write into")
    p.add_argument("--format", choices=["png", "svg", "dxf", "stl", "obj", "ply", "glb"],
                   help="png for image projects (svg or dxf outlines too for silhouettes); "
                        "stl (default), obj, ply or glb for mesh projects")
    p.add_argument("--size", type=positive_int, metavar="PX",
                   help="side of PNG pictures in pixels (default: the model's resolution), e.g. 1024")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--temperature", type=positive_float, default=1.0,
                   help="spread of the draws: below 1 is safer, above 1 more surprising (default 1)")
    p.add_argument("--prior", choices=["fitted", "normal"], default="fitted",
                   help="fitted (default): where the training designs lie in latent space (a Gaussian "
                        "mixture fitted to their encodings); normal: the VAE's plain prior N(0, I)")
    p.add_argument("--level", type=probability, default=None,
                   help="mesh projects: the occupancy level of the surface, between 0 and 1 (default 0.5; "
                        "lower gives fuller shapes)")
    p.add_argument("--where", action="append", default=[], metavar="CONSTRAINT",
                   help="keep only designs that meet this, measured on the exported file, e.g. 'aspect>=2.4' or "
                        "'height<=1450' (repeat for more; names: see 'vae-designer measure')")
    p.add_argument("--axis", choices=["x", "y", "z"], default="x",
                   help="mesh projects: the axis the frontal area is seen along (default x)")
    p.add_argument("--from-json", metavar="SIDECAR", help="reproduce the export this sidecar describes")


def run(args) -> int:
    from vae_designer.core.generators import run_to_end
    from vae_designer.core.latent.constraints import parse_constraints
    from vae_designer.core.latent.generate import check_format, reproduce
    from vae_designer.core.latent.sampling import sample_designs
    from vae_designer.core.project.store import load_project

    project = load_project(args.project)
    if args.from_json:
        if args.n is not None or args.size is not None or args.where:
            raise UserError("-n, --size and --where cannot be combined with --from-json (the sidecar holds them)")
        written = reproduce(project, args.from_json, out_dir(args.output), args.format)
        print(written[0])
        return 0
    if args.level is not None and project.kind != "mesh":
        raise UserError("--level is for mesh projects (it sets where the surface lies)")
    if args.seed < 0:
        raise UserError(f"--seed must be zero or a positive whole number, not {args.seed}")
    fmt = check_format(project, args.format)
    constraints = parse_constraints(args.where, project.kind)
    n = args.n or 8
    folder = out_dir(args.output)
    batch = run_to_end(sample_designs(project, n, folder, fmt, seed=args.seed, temperature=args.temperature,
                                      prior=args.prior, level=0.5 if args.level is None else args.level,
                                      pixels=args.size, constraints=constraints, axis=args.axis),
                       lambda paths: print(paths[0], flush=True))
    if batch.designs < n and constraints:
        raise UserError(f"{batch.summary(str(folder))}: {n - batch.designs} could not be found in {batch.draws} "
                        "draws; try wider ranges or a higher --temperature")
    if batch.designs < n:  # what was written stays; the line says how far it got and what to try
        hints = (["a lower --level"] if project.kind == "mesh" else []) + ["a lower --temperature"]
        if args.prior == "normal":
            hints.append("--prior fitted")
        raise UserError(f"wrote {batch.designs} of {n} designs into {folder}: {batch.empty} of {batch.draws} draws "
                        f"decoded to empty designs; try {' or '.join(hints)}")
    sys.stderr.write(f"vae-designer: {batch.summary(str(folder))}\n")
    return 0
