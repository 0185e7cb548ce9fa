"""Latent map fidelity: does decoding a training item's map position reproduce it?

For every training item, the map point is lifted back to a latent vector
(``LatentMap.lift(coords[i])``, what the cursor does when dropped on the item)
and decoded; that is compared with decoding the item's own encoding.  Images:
mean SSIM (scikit-image) of the decoded pictures; meshes: mean IoU of the
decoded occupancy (> 0.5).  Target (PRODUCT.md): >= 0.9.  Also reported: the
same for points a quarter of the map spacing away from each item (how smooth
the map is near items), and for the PCA plane alone (no residuals), which is
what a map without the lift's residual blending would show.

Usage: python benchmarks/map_fidelity.py PROJECT [--method pca|dims] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]


def score(kind: str, a: np.ndarray, b: np.ndarray) -> float:
    if kind == "image":
        from skimage.metrics import structural_similarity

        x = a[0] if a.shape[0] == 1 else np.moveaxis(a, 0, -1)
        y = b[0] if b.shape[0] == 1 else np.moveaxis(b, 0, -1)
        return float(structural_similarity(x, y, data_range=1.0, channel_axis=-1 if x.ndim == 3 else None))
    ia, ib = a > 0.5, b > 0.5
    union = np.logical_or(ia, ib).sum()
    return 1.0 if union == 0 else float(np.logical_and(ia, ib).sum() / union)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("project")
    ap.add_argument("--method", default="pca", choices=["pca", "dims"])
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()

    import torch

    from vae_designer.core.latent.space import LatentMap
    from vae_designer.core.project.store import load_project
    from vae_designer.core.training import decode_latents

    torch.set_num_threads(1)
    t0 = time.perf_counter()
    project = load_project(args.project)
    model = project.model()
    enc = project.encodings
    lm = LatentMap.fit(enc, args.method)
    rng = np.random.default_rng(0)
    angle = rng.uniform(0, 2 * np.pi, len(enc))
    offset = 0.25 * lm.spacing * np.stack([np.cos(angle), np.sin(angle)], axis=1)
    plane = (lm.mean + lm.coords @ lm.axes).astype(np.float32)
    res = {"kind": project.kind, "items": len(enc), "latent_dim": int(enc.shape[1]), "method": args.method}
    ref = decode_latents(model, enc, batch_size=1)
    for name, z in (("at_item", lm.lift(lm.coords)), ("quarter_spacing_away", lm.lift(lm.coords + offset)),
                    ("plane_only", plane)):
        dec = decode_latents(model, z, batch_size=1)
        s = np.array([score(project.kind, ref[i], dec[i]) for i in range(len(enc))])
        res[name] = {"mean": round(float(s.mean()), 4), "min": round(float(s.min()), 4)}
    res["metric"] = "SSIM" if project.kind == "image" else "IoU"
    res["seconds"] = round(time.perf_counter() - t0, 1)
    res["target"] = 0.9
    if args.json:
        print(json.dumps(res))
    else:
        print(f"map fidelity ({res['kind']}, {res['items']} items, latent {res['latent_dim']}, {args.method}): "
              f"{res['metric']} of decoding the map position vs decoding the item's encoding")
        for k in ("at_item", "quarter_spacing_away", "plane_only"):
            print(f"  {k:22s} mean {res[k]['mean']:.4f}  min {res[k]['min']:.4f}"
                  + ("   (target >= 0.9: " + ("OK" if res[k]['mean'] >= 0.9 else "FAIL") + ")"
                     if k == "at_item" else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
