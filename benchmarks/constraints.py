"""Constraints on measured properties: ``sample --where`` and "Snap to spec", measured.

0. **Measuring** -- the fast measurement (vectorised, on the grid) against the exact one (on the
   geometry the export is written from) for the training designs' decodings: the largest and the
   median difference per property as a share of the canvas (to the property's power), and the
   milliseconds per design of each.
1. **sample --where** -- for each project and each constraint set (three drawn from the
   project's own designs, or the ones given with ``--where``), ``vae-designer sample -n N
   --where ...`` runs as a user runs it (a subprocess); then every file it wrote is measured
   again here, independently of the sampling process (``core.export.measure_files.measure_file``
   on the file as it lies on disk), and for meshes also by trimesh itself (bounding box,
   volume, area of the loaded file).  Target: 100% of the returned designs meet every
   constraint.  Printed: designs written, draws taken, seconds, share meeting the constraints.
2. **Snap to spec** -- random start points (map points drawn uniformly over the map, lifted as
   the cursor lifts them) and random constraint sets (one or two properties, bounds at random
   percentiles of the designs the model makes, kept only when some training design's
   decoding meets them exactly: "a feasible training design exists"), each snapped by
   ``core.latent.spec.snap_to_spec`` (the search the app uses, with the map's novelty) and by
   gradient descent through the decoder on soft measures (``gradient_snap`` below, here
   only: the alternative, measured).  Success = the exact measurement of the result meets
   every constraint.  Target: >= 90% of start points, each within 1 s on 2 cores.  The
   property bank (built once per model, in the background in the app) is timed separately.

Projects (see benchmarks/README.md):

    vae-designer train vae_designer/assets/samples/cars-2d -o /tmp/bench-2d --epochs 20
    vae-designer train vae_designer/assets/samples/cars-3d -o /tmp/bench-3d --epochs 60
    vae-designer train ../shared/data/meshes-voron0 -o /tmp/bench-voron

Usage: python benchmarks/constraints.py PROJECT [PROJECT ...] [-n 8] [--starts 60] [--sets 12]
                                         [--where CONSTRAINT ...] [--gradient-starts 30] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
LOOKED_AT = {"image": ("width", "height", "aspect", "area"),
             "mesh": ("length", "width", "height", "volume", "frontal_area")}


def decoded_values(project, frame):
    """The fast measurements of the training designs' decodings, those decodings' exact ones, and how
    they compare (see the module docstring)."""
    from vae_designer.core.export.measure import measure_design, measure_fields, property_of
    from vae_designer.core.latent.generate import decode

    probs = decode(project, project.encodings)
    measure_fields(project.kind, probs[:2], frame)  # imports and caches out of the timing
    t0 = time.perf_counter()
    fast = measure_fields(project.kind, probs, frame)
    fast_ms = 1000 * (time.perf_counter() - t0) / len(probs)
    t0 = time.perf_counter()
    exact = [measure_design(project.kind, p, frame) for p in probs]
    exact_ms = 1000 * (time.perf_counter() - t0) / len(probs)
    agreement = {}
    for name in fast:
        e = np.array([x[name] for x in exact])
        d = np.abs(fast[name] - e) / frame["size"] ** property_of(project.kind, name).dim
        d = d[np.isfinite(d)]
        agreement[name] = {"median": float(np.median(d)), "max": float(d.max())}
    return fast, exact, {"fast_ms": round(fast_ms, 2), "exact_ms": round(exact_ms, 1), "designs": len(probs),
                         "by_property": agreement}


def random_sets(kind: str, fast: dict, exact: list, rng, count: int) -> list[list[str]]:
    """Constraint sets on one or two properties, bounds at random percentiles of the designs the model
    makes; only those some training design's exact measurement meets."""
    from vae_designer.core.latent.constraints import meets, parse_constraints

    sets: list[list[str]] = []
    names = LOOKED_AT[kind]
    while len(sets) < count:
        texts = []
        for name in rng.choice(names, size=int(rng.integers(1, 3)), replace=False):
            v = fast[name][np.isfinite(fast[name])]
            if rng.random() < 0.5:
                texts.append(f"{name}>={np.percentile(v, rng.uniform(55, 90)):.4g}")
            else:
                texts.append(f"{name}<={np.percentile(v, rng.uniform(10, 45)):.4g}")
        cs = parse_constraints(texts, kind)
        if any(meets(e, cs) for e in exact):
            sets.append(texts)
    return sets


def trimesh_check(path: Path) -> dict:
    """A mesh file measured by trimesh alone (what any other tool would read)."""
    import trimesh

    mesh = trimesh.load(str(path), force="mesh", process=False)
    size = mesh.bounds[1] - mesh.bounds[0]
    return {"length": float(size[0]), "width": float(size[1]), "height": float(size[2]),
            "volume": float(abs(mesh.volume)), "surface_area": float(mesh.area)}


def bench_sample_where(path: str, project, sets: list[list[str]], n: int) -> list[dict]:
    from vae_designer.core.export.measure_files import measure_file
    from vae_designer.core.latent.constraints import meets, parse_constraints

    rows = []
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    for texts in sets:
        out = Path(tempfile.mkdtemp(prefix="bench-where-"))
        args = [sys.executable, "-m", "vae_designer", "sample", path, "-n", str(n), "-o", str(out), "--seed", "7"]
        for t in texts:
            args += ["--where", t]
        t0 = time.perf_counter()
        run = subprocess.run(args, capture_output=True, text=True, cwd=REPO, env=env)
        seconds = time.perf_counter() - t0
        cs = parse_constraints(texts, project.kind)
        files = sorted(f for f in out.iterdir() if f.suffix != ".json")
        ok = [meets(measure_file(f)["properties"], cs) for f in files]
        row = {"project": Path(path).name, "constraints": texts, "wanted": n, "written": len(files),
               "meeting": int(sum(ok)), "seconds": round(seconds, 1), "exit": run.returncode,
               "message": run.stderr.strip().splitlines()[-1] if run.stderr.strip() else ""}
        if project.kind == "mesh" and files:  # trimesh's own numbers on the properties it has
            agree = []
            for f in files:
                mine, theirs = measure_file(f)["properties"], trimesh_check(f)
                agree += [abs(mine[k] - theirs[k]) / max(abs(theirs[k]), 1e-12) for k in theirs]
            row["trimesh_max_rel_diff"] = float(max(agree))
            row["meeting_by_trimesh"] = int(sum(meets({**measure_file(f)["properties"], **trimesh_check(f)}, cs)
                                                for f in files))
        rows.append(row)
    return rows


def gradient_snap(project, frame, z0, constraints, steps: int = 80, lr: float = 0.05, check_every: int = 10):
    """Gradient descent on z through the decoder on soft measures of its probabilities (a sigmoid of
    the distance to the shape's level) until the exact measurement meets the constraints."""
    import torch

    from vae_designer.core.export.measure import measure_design
    from vae_designer.core.latent.constraints import meets, scale_of

    model = project.model()
    for p in model.parameters():
        p.requires_grad_(False)
    z0t = torch.as_tensor(np.asarray(z0, np.float32))
    z = z0t.clone().requires_grad_(True)
    opt = torch.optim.Adam([z], lr=lr)
    t0 = time.perf_counter()
    for step in range(1, steps + 1):
        probs = torch.sigmoid(model.decode(z[None]).float())[0]
        soft = soft_measures(project.kind, probs, frame)
        loss = 1e-3 * ((z - z0t) ** 2).mean()
        for c in constraints:
            v = soft[c.name]
            excess = (v - c.value) if c.op in (">=", ">") else (c.value - v) if c.op in ("<=", "<") else \
                -(v - c.value).abs()
            loss = loss + torch.relu(0.01 - excess / scale_of(c.name, frame)) ** 2 * 100.0
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % check_every == 0 or step == steps:
            zz = z.detach().numpy().copy()
            with torch.no_grad():
                p = torch.sigmoid(model.decode(torch.from_numpy(zz)[None]).float()).numpy()[0]
            if meets(measure_design(project.kind, p, frame), constraints):
                return zz, True, time.perf_counter() - t0
    return z.detach().numpy(), False, time.perf_counter() - t0


def soft_measures(kind: str, probs, frame) -> dict:
    """Differentiable stand-ins for the properties (source units), from probabilities (C, R, R) or
    (1, R, R, R): soft counts of cells, columns and rows above the shape's level."""
    import torch

    level, sharp = float(frame["level"]), 0.05
    if kind == "image":
        p = probs.amax(dim=0)
        R = p.shape[-1]
        s = frame["size"] / R
        inside = torch.sigmoid((p - level) / sharp)
        width = torch.sigmoid((p.amax(dim=0) - level) / sharp).sum() * s
        height = torch.sigmoid((p.amax(dim=1) - level) / sharp).sum() * s
        c = torch.arange(R, dtype=p.dtype) + 0.5
        area = inside.sum()
        return {"width": width, "height": height, "aspect": width / (height + 1e-6), "area": area * s * s,
                "centroid_x": frame["centre"][0] - frame["size"] / 2 + (inside.sum(0) * c).sum() / area * s,
                "centroid_y": frame["centre"][1] - frame["size"] / 2 + (inside.sum(1) * c).sum() / area * s}
    p = probs.reshape(probs.shape[-3:])
    R = p.shape[-1]
    v = frame["size"] / (R - 2 * int(frame.get("margin", 1)))
    out = {"volume": torch.sigmoid((p - level) / sharp).sum() * v**3}
    for name, axis in (("length", 0), ("width", 1), ("height", 2)):
        others = tuple(a for a in range(3) if a != axis)
        out[name] = torch.sigmoid((p.amax(dim=others) - level) / sharp).sum() * v
    axis = "xyz".index(frame.get("axis", "x"))
    out["frontal_area"] = torch.sigmoid((p.amax(dim=axis) - level) / sharp).sum() * v * v
    return out


def bench_snap(project, frame, sets, starts: int, gradient_starts: int, rng) -> dict:
    from vae_designer.core.export.measure import measure_design
    from vae_designer.core.latent.constraints import meets, parse_constraints
    from vae_designer.core.latent.generate import decode
    from vae_designer.core.latent.space import LatentMap
    from vae_designer.core.latent.spec import PropertyBank, bank_latents, snap_to_spec

    def decoder(z):
        return decode(project, z)

    t0 = time.perf_counter()
    bank = PropertyBank.build(decoder, bank_latents(project.kind, project.encodings, project.density()),
                              project.kind, frame)
    bank_s = time.perf_counter() - t0
    lm = LatentMap.fit(project.encodings)
    x0, x1, y0, y1 = lm.bounds(pad=0.0)
    points = np.column_stack([rng.uniform(x0, x1, starts), rng.uniform(y0, y1, starts)])
    zs = lm.lift(points)
    search, grad = [], []
    for k, z0 in enumerate(zs):
        cs = parse_constraints(sets[k % len(sets)], project.kind)
        if meets(measure_design(project.kind, decoder(z0[None])[0], frame), cs):
            continue  # it meets them already: nothing to snap
        snap = snap_to_spec(z0, cs, bank, decoder, novelty=lm.novelty)
        start_novelty = float(lm.novelty(z0[None])[0][0])
        search.append({"met": bool(snap.met), "seconds": snap.seconds, "distance": snap.distance,
                       "novelty": float(lm.novelty(snap.z[None])[0][0]), "decoded": snap.decoded,
                       "start_novelty": start_novelty})
        if len(grad) < gradient_starts:
            zg, met, seconds = gradient_snap(project, frame, z0, cs)
            grad.append({"met": bool(met), "seconds": seconds, "distance": float(np.linalg.norm(zg - z0)),
                         "novelty": float(lm.novelty(zg[None])[0][0]), "start_novelty": start_novelty})
    return {"bank_designs": len(bank), "bank_seconds": round(bank_s, 2), "search": summary(search),
            "gradient": summary(grad)}


def summary(rows: list[dict]) -> dict:
    if not rows:
        return {"n": 0}
    met = [r for r in rows if r["met"]]
    sec = np.array([r["seconds"] for r in rows])
    return {"n": len(rows), "success": round(len(met) / len(rows), 3),
            "within_1s": round(float(np.mean([r["met"] and r["seconds"] <= 1.0 for r in rows])), 3),
            "p50_s": round(float(np.median(sec)), 3), "p95_s": round(float(np.percentile(sec, 95)), 3),
            "max_s": round(float(sec.max()), 3),
            "median_distance": round(float(np.median([r["distance"] for r in met])), 3) if met else None,
            "median_novelty": round(float(np.median([r["novelty"] for r in met])), 2) if met else None,
            "median_start_novelty": round(float(np.median([r["start_novelty"] for r in rows])), 2)}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("projects", nargs="+")
    ap.add_argument("-n", type=int, default=8, help="designs per sample --where run (default 8)")
    ap.add_argument("--starts", type=int, default=60, help="snap start points per project (default 60)")
    ap.add_argument("--sets", type=int, default=12, help="random constraint sets per project (default 12)")
    ap.add_argument("--where-sets", type=int, default=3, help="constraint sets for sample --where (default 3)")
    ap.add_argument("--where", action="append", default=[], help="a constraint of one extra sample --where set")
    ap.add_argument("--gradient-starts", type=int, default=30, help="start points also snapped by gradient")
    ap.add_argument("--skip-where", action="store_true", help="only the snap part")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "2")

    from vae_designer.core.export.measure import frame_of
    from vae_designer.core.project.store import load_project

    results = []
    for path in args.projects:
        rng = np.random.default_rng(0)
        project = load_project(path)
        frame = frame_of(project.kind, project.manifest)
        fast, exact, agreement = decoded_values(project, frame)
        sets = random_sets(project.kind, fast, exact, rng, max(args.sets, args.where_sets))
        where_sets = sets[: args.where_sets] + ([args.where] if args.where else [])
        res = {"project": path, "kind": project.kind, "measuring": agreement,
               "sample_where": [] if args.skip_where else bench_sample_where(path, project, where_sets, args.n),
               "snap": bench_snap(project, frame, sets, args.starts, args.gradient_starts, rng)}
        results.append(res)
        if not args.json:
            report(res)
    if args.json:
        print(json.dumps(results, indent=2))
    return 0


def report(res: dict) -> None:
    print(f"\n{res['project']} ({res['kind']})")
    m = res["measuring"]
    print(f"  measuring {m['designs']} decoded designs: fast {m['fast_ms']} ms each, exact {m['exact_ms']} ms each; "
          "fast - exact, share of the canvas (median / max; the aspect's own difference):")
    print("    " + "  ".join(f"{k} {100 * v['median']:.2f}/{100 * v['max']:.2f}%" for k, v in m["by_property"].items()))
    print("  sample --where: designs meeting every constraint, measured again on the written files")
    for row in res["sample_where"]:
        extra = ""
        if "trimesh_max_rel_diff" in row:
            extra = (f"; trimesh agrees within {100 * row['trimesh_max_rel_diff']:.2f}%, "
                     f"{row['meeting_by_trimesh']}/{row['written']} meet by its numbers")
        share = row["meeting"] / row["written"] if row["written"] else float("nan")
        print(f"    {' and '.join(row['constraints']):45s} wrote {row['written']}/{row['wanted']} "
              f"in {row['seconds']:5.1f} s, {row['meeting']}/{row['written']} meet ({100 * share:.0f}%){extra}")
        if row["written"] < row["wanted"]:
            print(f"      {row['message']}")
    snap = res["snap"]
    print(f"  snap to spec (property bank: {snap['bank_designs']} designs measured in {snap['bank_seconds']} s, "
          "once per model)")
    for name in ("search", "gradient"):
        s = snap[name]
        if s["n"]:
            print(f"    {name:8s} n={s['n']:3d}  success {100 * s['success']:5.1f}%  within 1 s "
                  f"{100 * s['within_1s']:5.1f}%  p50 {s['p50_s']:.2f} s  p95 {s['p95_s']:.2f} s  "
                  f"max {s['max_s']:.2f} s  distance {s['median_distance']}  novelty {s['median_novelty']} "
                  f"(starts {s['median_start_novelty']})")


if __name__ == "__main__":
    sys.exit(main())
