"""``vae-designer direction PROJECT START --along A->B --steps N -o OUTDIR``: a sequence of designs
from a start design along a named direction (labels, principal directions), with sidecars."""

from __future__ import annotations

import sys

from .common import out_dir, positive_int

FORMATS = ["png", "svg", "dxf", "stl", "obj", "ply", "glb"]


def add_parser(sub) -> None:
    p = sub.add_parser("direction", help="designs from a start design along a named direction",
                       description="START is a training file name (or path relative to the design folder), a "
                                   "sidecar .json file or any design file (encoded as the training set was). "
                                   "Directions: LABEL->LABEL (difference of the two labels' mean encodings; "
                                   "GROUP->GROUP: two groups made on the app's map; "
                                   "--probe: a linear probe) or pcK (the K-th principal direction). Values: 0 is "
                                   "label A's average, 1 label B's; for pcK, standard deviations from the mean.")
    p.add_argument("project")
    p.add_argument("start", metavar="START")
    p.add_argument("--along", required=True, metavar="DIRECTION", help='e.g. "sedan->suv" or pc1')
    p.add_argument("--steps", type=positive_int, default=8, help="designs to write, ends included (default 8)")
    p.add_argument("--from", dest="start_value", type=float, metavar="VALUE",
                   help="value of the first design (default: the start design's own value)")
    p.add_argument("--to", dest="end_value", type=float, metavar="VALUE",
                   help="value of the last design (default 1 for LABEL->LABEL: as B-like as B's average; 2 for pcK)")
    p.add_argument("--walk", choices=["on-data", "straight"], default="on-data",
                   help="on-data (default): each step drawn towards where designs with that value lie (the "
                        "fitted latent density); straight: the straight line")
    p.add_argument("--spacing", choices=["even", "values"], default="even",
                   help="even (default): the designs change by equal amounts from one to the next; values: equal "
                        "steps of the value")
    p.add_argument("--probe", action="store_true", help="LABEL->LABEL from a logistic-regression probe")
    p.add_argument("-o", "--output", required=True, metavar="OUTDIR")
    p.add_argument("--format", choices=FORMATS, help="as for sample")
    p.add_argument("--size", type=positive_int, metavar="PX", help="side of PNG pictures in pixels")


def saved_groups(project_path) -> dict[str, list[int]]:
    """The named groups of training designs the app's map session keeps in the project (none if it
    has no session)."""
    from vae_designer.core.errors import UserError
    from vae_designer.core.project.store import load_session

    try:
        found = load_session(project_path)
    except UserError:  # a damaged session: directions by label still work
        return {}
    live = (found[0].get("live") or {}) if found else {}
    return {str(k): [int(i) for i in v] for k, v in (live.get("groups") or {}).items()}


def run(args) -> int:
    from vae_designer.core.generators import run_to_end
    from vae_designer.core.latent.generate import check_format
    from vae_designer.core.latent.guided import direction_sequence
    from vae_designer.core.project.store import load_project

    project = load_project(args.project)
    fmt = check_format(project, args.format)
    folder = out_dir(args.output)
    written = run_to_end(direction_sequence(project, args.start, args.along, folder, fmt, steps=args.steps,
                                            start=args.start_value, end=args.end_value, method=args.walk,
                                            probe=args.probe, spacing=args.spacing, pixels=args.size,
                                            groups=saved_groups(args.project)),
                         lambda paths: print(paths[0], flush=True))
    sys.stderr.write(f"vae-designer: wrote {len(written) // 2} designs along {args.along} into {folder}\n")
    return 0
