"""``vae-designer scan FOLDER``: report what a design folder would load as."""

from __future__ import annotations

import json
import os

from vae_designer.core.errors import UserError
from vae_designer.core.ingest import ingest_steps
from vae_designer.core.ingest.settings import resolution_help

from .progress import drive


def add_parser(sub) -> None:
    p = sub.add_parser("scan", help="report what a design folder would load as",
                       description="Load a design folder (using the cache) and report what the "
                                   "model would see, and every file that was skipped and why.")
    p.add_argument("folder", help="folder of design images or meshes (sub-folders are labels)")
    p.add_argument("--kind", choices=["image", "mesh"], help="force the kind (default: detected)")
    p.add_argument("--resolution", type=int, metavar="N",
                   help=f"side of the processed items: {resolution_help()}")
    p.add_argument("--json", action="store_true", help="print one JSON object instead of a summary")
    p.add_argument("--preview", metavar="OUT.png", help="write a contact sheet of processed items")
    p.add_argument("--no-cache", action="store_true", help="ignore and do not update the cache")
    p.add_argument("--workers", type=int, metavar="N", help="worker processes (default: all cores)")


def run(args) -> int:
    if args.preview and not args.preview.lower().endswith(".png"):
        raise UserError(f"--preview must name a .png file, not {args.preview!r}")
    if args.preview:
        parent = os.path.dirname(os.path.abspath(args.preview))
        if not os.path.isdir(parent):
            raise UserError(f"--preview: folder {parent} does not exist")
    designs = drive(
        ingest_steps(args.folder, args.kind, args.resolution, use_cache=not args.no_cache,
                     workers=args.workers),
        desc="loading",
    )
    if args.preview:
        import io
        from pathlib import Path

        from vae_designer.core.export.preview import contact_sheet
        from vae_designer.core.fsio import atomic_write_bytes

        buf = io.BytesIO()
        contact_sheet(designs).save(buf, format="PNG")
        atomic_write_bytes(Path(args.preview), buf.getvalue())
    summary = designs.summary()
    if args.json:
        print(json.dumps(summary, indent=None))
        return 0
    grey = "" if designs.kind == "mesh" else (" colour" if designs.colour else " grey")
    shape = f"{designs.resolution}^3 voxels" if designs.kind == "mesh" else \
        f"{designs.resolution}x{designs.resolution}{grey}"
    noun = designs.kind + ("es" if designs.kind == "mesh" else "s")
    print(f"{summary['count']} {noun} loaded as {shape} from {designs.root} "
          f"in {designs.seconds:.2f} s ({designs.from_cache} from cache)")
    width = max(len(k) for k in summary["labels"])
    for label, n in summary["labels"].items():
        print(f"  {label:<{width}}  {n}")
    if designs.skipped:
        print(f"{len(designs.skipped)} skipped:")
        for s in designs.skipped:
            print(f"  {s.path}: {s.reason}")
    if args.preview:
        print(f"preview written to {args.preview}")
    return 0
