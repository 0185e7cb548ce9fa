"""``vae-designer measure FILE|SIDECAR|PROJECT [--json]``: measured properties in source units."""

from __future__ import annotations

import json
import sys

from vae_designer.core.errors import UserError


def add_parser(sub) -> None:
    p = sub.add_parser("measure", help="measured properties of designs, in source units",
                       description="Measure an exported design (PNG, SVG, DXF; STL, OBJ, PLY, OFF, GLB), the "
                                   "file a sidecar .json describes, or every training design of a project. "
                                   "Images: width, height, aspect, area, centroid_x, centroid_y (source pixels); "
                                   "meshes: length (x), width (y), height (z), volume, surface_area, "
                                   "frontal_area (seen along --axis), in the meshes' units.")
    p.add_argument("path", metavar="FILE|SIDECAR|PROJECT")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--axis", choices=["x", "y", "z"], default="x",
                   help="meshes: the axis the frontal area is seen along (default x; a sidecar's own wins)")


def run(args) -> int:
    from vae_designer.core.project.store import is_project

    result = _project(args.path, args.axis) if is_project(args.path) else _file(args.path, args.axis)
    if args.json:
        print(json.dumps(_finite(result), indent=2))
        return 0
    if "items" not in result:
        from vae_designer.core.export.measure_files import property_table

        print(f"{result['file']}  ({result['kind']}, {result['units']})")
        for line in property_table(result):
            print("  " + line)
        return 0
    _print_items(result)
    return 0


def _file(path: str, axis: str) -> dict:
    from vae_designer.core.export.measure_files import measure_file

    return measure_file(path, axis)


def _project(path: str, axis: str) -> dict:
    """Every training design of a project, measured from the design folder it was trained on."""
    import os

    import numpy as np

    from vae_designer.core.export.measure import measure_designs
    from vae_designer.core.generators import run_to_end
    from vae_designer.core.ingest import ingest_steps
    from vae_designer.core.project.store import load_project

    project = load_project(path)
    root, settings = project.manifest.get("root") or "", project.manifest.get("settings", {})
    if not root or not os.path.isdir(root):
        raise UserError(f"the design folder this project was trained on ({root or 'unknown'}) is not available")
    designs = run_to_end(ingest_steps(root, settings.get("kind"), settings.get("resolution")))
    values = measure_designs(designs, project.manifest, axis)
    names = list(values)
    items = [{"path": p, "label": label, "properties": {n: float(values[n][i]) for n in names}}
             for i, (p, label) in enumerate(zip(designs.paths, designs.labels))]
    summary = {n: {"min": float(np.nanmin(v)), "median": float(np.nanmedian(v)), "max": float(np.nanmax(v))}
               for n, v in values.items() if len(v)}
    return {"project": str(project.path), "kind": project.kind,
            "units": "source pixels" if project.kind == "image" else "source units",
            "measured": "each training design at the model's resolution, in its own source frame",
            "count": len(items), "summary": summary, "items": items}


def _print_items(result: dict) -> None:
    from vae_designer.core.export.measure_files import _fmt

    names = list(result["summary"])
    print(f"{result['count']} training designs of {result['project']} ({result['kind']}, {result['units']})")
    head = ["path", "label", *names]
    rows = [[it["path"], it["label"], *(_fmt(it["properties"][n]) for n in names)] for it in result["items"]]
    rows.append(["median", "", *(_fmt(result["summary"][n]["median"]) for n in names)])
    widths = [max(len(str(r[k])) for r in [head, *rows]) for k in range(len(head))]
    out = sys.stdout
    for r in [head, *rows]:
        out.write("  ".join(str(v).ljust(w) if k < 2 else str(v).rjust(w) for k, (v, w) in
                            enumerate(zip(r, widths))).rstrip() + "\n")


def _finite(x):
    """NaN (an empty design's aspect) as null: JSON has no NaN."""
    if isinstance(x, dict):
        return {k: _finite(v) for k, v in x.items()}
    if isinstance(x, list):
        return [_finite(v) for v in x]
    if isinstance(x, float) and x != x:
        return None
    return x
