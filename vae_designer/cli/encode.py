"""``vae-designer encode PROJECT [--csv OUT.csv]``: latent coordinates of the training set."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

from vae_designer.core.errors import UserError


def add_parser(sub) -> None:
    p = sub.add_parser("encode", help="latent coordinates (means) of the training designs as CSV")
    p.add_argument("project")
    p.add_argument("--csv", metavar="OUT.csv", help="write to this file instead of standard output")


def run(args) -> int:
    from vae_designer.core.fsio import atomic_write_bytes
    from vae_designer.core.project.store import load_project

    project = load_project(args.project)
    mu = project.encodings
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["path", "label"] + [f"z{i}" for i in range(mu.shape[1])])
    for path, label, row in zip(project.paths, project.labels, mu):
        w.writerow([path, label] + [repr(float(v)) for v in row])
    if args.csv:
        target = Path(args.csv)
        if not target.parent.is_dir():
            raise UserError(f"--csv: folder {target.parent} does not exist")
        atomic_write_bytes(target, buf.getvalue().encode())
        print(f"{len(mu)} rows written to {target}", file=sys.stderr)
    else:
        sys.stdout.write(buf.getvalue())
    return 0
