"""``vae-designer evaluate PROJECT [--json]``: the model's held-out report (reconstructions of the
validation split, clean share of samples) and what to do when it falls short."""

from __future__ import annotations

import json
import sys

from .common import positive_int


def add_parser(sub) -> None:
    p = sub.add_parser("evaluate", help="how well the model does on designs it did not train on",
                       description="Held-out designs (the validation split, read again from the design folder the "
                                   "project was trained on): IoU, the undecided share of their outlines, the "
                                   "reconstruction NLL; samples from the fitted density: the share that are clean "
                                   "designs (one main part, not empty, little undecided grey).")
    p.add_argument("project")
    p.add_argument("--samples", type=positive_int, default=64, help="samples to judge (default 64)")
    p.add_argument("--seed", type=int, default=0, help="seed of the samples (default 0)")
    p.add_argument("--json", action="store_true", help="print one JSON object")


def load_training_designs(project):
    """The design folder ``project`` was trained on, loaded as it was (None when it is gone)."""
    import os

    from vae_designer.core.generators import run_to_end
    from vae_designer.core.ingest import ingest_steps

    root, settings = project.manifest.get("root") or "", project.manifest.get("settings", {})
    if not root or not os.path.isdir(root):
        return None
    return run_to_end(ingest_steps(root, settings.get("kind"), settings.get("resolution")))


def run(args) -> int:
    from vae_designer.core.latent.evaluation import evaluate, report_lines
    from vae_designer.core.project.store import load_project

    project = load_project(args.project)
    report = evaluate(project, load_training_designs(project), samples=args.samples, seed=args.seed)
    if args.json:
        print(json.dumps(report, indent=1))
    else:
        print("\n".join(report_lines(report)))
    if report["held_out"] is None:
        sys.stderr.write(f"vae-designer: the design folder {project.manifest.get('root') or '?'} is not available: "
                         "held-out designs were not scored\n")
    return 0
