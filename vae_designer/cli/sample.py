"""``vae-designer sample PROJECT``: new designs from the prior, or one reproduced from its sidecar."""

from __future__ import annotations

from vae_designer.core.errors import UserError

from .common import out_dir, positive_float, positive_int


def add_parser(sub) -> None:
    p = sub.add_parser("sample", help="generate designs from a trained project",
                       description="Decode random latent vectors (or the one in a sidecar) and export "
                                   "them, each with a JSON sidecar that reproduces it.")
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
                   help="scale of the prior samples: below 1 is safer, above 1 more surprising")
    p.add_argument("--from-json", metavar="SIDECAR", help="reproduce the export this sidecar describes")


def run(args) -> int:
    from vae_designer.core.latent.generate import check_format, export_design, prior_samples, reproduce
    from vae_designer.core.project.store import load_project

    project = load_project(args.project)
    if args.from_json:
        if args.n is not None or args.size is not None:
            raise UserError("-n and --size cannot be combined with --from-json (the sidecar holds them)")
        written = reproduce(project, args.from_json, out_dir(args.output), args.format)
        print(written[0])
        return 0
    fmt = check_format(project, args.format)
    n = args.n or 8
    folder = out_dir(args.output)
    z = prior_samples(project, n, args.seed, args.temperature)
    width = max(3, len(str(n - 1)))
    for i in range(n):
        written = export_design(project, z[i], folder / f"sample_{args.seed}_{i:0{width}d}", fmt,
                                source="sample", seed=args.seed, pixels=args.size)
        print(written[0])
    return 0
