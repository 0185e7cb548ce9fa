"""Direction sequences "label A → label B": do the designs move towards B, smoothly, on the data?

For every ordered pair of labels (``--pairs`` at most) and ``--starts`` held-out designs of A
each (the project's validation split), the sequence of ``--steps`` designs from the start design's
own value to 1 (B's level) is written exactly as ``vae-designer direction`` writes it
(``core.latent.guided.direction_sequence``: PNG + sidecar), once per way of walking: the default
(``on-data`` walk, ``even`` spacing), ``on-data`` with equal value steps, and the plain straight line
with equal value steps.  Then:

* **towards B**: the margin ``|z - mean_A| - |z - mean_B|`` of each design under the
  nearest-label-mean classifier in latent space (label means of the project's encodings), for
  the design's latent vector (its sidecar's) and, stricter, for its *exported file* read back and
  encoded as a user's own file would be (``core.latent.placing.place_file``; the encoder's error
  on a decoded design is part of it); a sequence is *monotone* when the margin never decreases
  from one design to the next; it *ends at B* when the last design's nearest label mean is B's
  (re-encoded);
* **smooth**: the properties each sidecar records of its file (area, bounding-box width and
  height in source pixels, aspect = width / height); a sequence *jumps* when a property's
  largest step exceeds 3x its median step (a median below 0.5% of the property's mean counts as
  that 0.5%: a property that hardly changes does not jump by a pixel);
* **on the data**: the mean novelty of the sequence's latents (distance to the nearest training
  encoding over the typical spacing, ``LatentMap.novelty``; the map's "Novelty").

Usage: python benchmarks/directions.py PROJECT [PROJECT ...] [--pairs 30] [--starts 3] [--steps 8]
       [--out DIR]
(e.g. the projects ``benchmarks/completion.py`` trains: /tmp/vae-designer-completion/cars, .../mnist)
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

PROPS = ("area", "width", "height", "aspect")
FLOOR = 0.005


def props_of(sidecar: Path) -> list[float]:
    e = json.loads(sidecar.read_text())["export"]
    w, h = e["bbox"]["size"]
    return [e["area"], w, h, w / max(h, 1e-9)]


def jumps(values: np.ndarray) -> bool:
    """Whether any property (column) has a step above 3x its (floored) median step."""
    steps = np.abs(np.diff(values, axis=0))
    floor = FLOOR * np.abs(values).mean(axis=0)
    return bool((steps.max(axis=0) > 3 * np.maximum(np.median(steps, axis=0), floor)).any())


def run_project(path: str, args) -> list[dict]:
    from vae_designer.core.generators import run_to_end
    from vae_designer.core.latent.guided import direction_sequence
    from vae_designer.core.latent.placing import place_file
    from vae_designer.core.latent.space import LatentMap
    from vae_designer.core.project.store import load_project

    project = load_project(path)
    enc, labels = project.encodings, np.array(project.labels)
    names = sorted(set(labels))
    means = np.stack([enc[labels == n].mean(axis=0) for n in names])
    lmap = LatentMap.fit(enc)
    val = project.metrics["split"]["val"]
    pairs = list(itertools.permutations(names, 2))[: args.pairs]
    rows = []
    for walk, spacing in (("on-data", "even"), ("on-data", "values"), ("straight", "values")):
        monotone = monotone_latent = ends = smooth = total = 0
        novelty = []
        for a, b in pairs:
            ia, ib = names.index(a), names.index(b)
            for i in [i for i in val if labels[i] == a][: args.starts]:
                folder = Path(tempfile.mkdtemp(dir=args.out))
                written = run_to_end(direction_sequence(project, project.paths[i], f"{a}->{b}", folder, "png",
                                                        steps=args.steps, method=walk, spacing=spacing))
                pngs = [p for p in written if p.suffix == ".png"]
                z = np.stack([place_file(p, project.model_config, project.weights, project.manifest).z
                              for p in pngs])
                d = np.linalg.norm(z[:, None] - means[None], axis=2)
                margin = d[:, ia] - d[:, ib]
                monotone += bool((np.diff(margin) >= 0).all())
                ends += int(np.argmin(d[-1])) == ib
                smooth += not jumps(np.array([props_of(p.with_suffix(".json")) for p in pngs]))
                zs = np.array([json.loads(p.with_suffix(".json").read_text())["latent"] for p in pngs])
                dl = np.linalg.norm(zs[:, None] - means[None], axis=2)
                monotone_latent += bool((np.diff(dl[:, ia] - dl[:, ib]) >= 0).all())
                novelty.append(float(lmap.novelty(zs)[0].mean()))
                total += 1
        rows.append({"project": Path(path).name, "walk": f"{walk}, {spacing}", "sequences": total,
                     "monotone": monotone, "monotone_latent": monotone_latent, "ends_at_b": ends, "smooth": smooth,
                     "novelty": float(np.mean(novelty))})
        print(f"  {Path(path).name} {walk} {spacing}: {monotone_latent}/{total} monotone towards B (latents), "
              f"{monotone}/{total} (files re-encoded), {ends}/{total} end at B, {smooth}/{total} without jumps, "
              f"novelty {np.mean(novelty):.2f}", flush=True)
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("projects", nargs="+")
    ap.add_argument("--pairs", type=int, default=30, help="ordered label pairs per project (default 30)")
    ap.add_argument("--starts", type=int, default=3, help="held-out start designs per pair (default 3)")
    ap.add_argument("--steps", type=int, default=8, help="designs per sequence (default 8)")
    ap.add_argument("--out", default=None, help="where the sequences are written (default: a temporary folder)")
    args = ap.parse_args()
    args.out = args.out or tempfile.mkdtemp(prefix="vae-directions-")
    Path(args.out).mkdir(parents=True, exist_ok=True)
    rows = [r for p in args.projects for r in run_project(p, args)]
    print("\n| project | walk, spacing | sequences | monotone towards B: latents | files re-encoded | end at B | "
          "no jumps (3x median) | novelty |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        n = r["sequences"]
        print(f"| {r['project']} | {r['walk']} | {n} | {r['monotone_latent'] / n:.0%} | {r['monotone'] / n:.0%} | "
              f"{r['ends_at_b'] / n:.0%} | {r['smooth'] / n:.0%} | {r['novelty']:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
