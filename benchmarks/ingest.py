"""Ingestion speed on the real data in ../shared/data.

Prints:
* ms per mesh (load + normalise + voxelize, measured inside the worker for each
  file) at 32^3 and 64^3 on the Voron folder: median and p90.  Target: median
  <= 50 ms at 64^3.
* images per second on the MNIST folder (cold, all cores).
* cold / warm load time of a folder and their ratio (target >= 20x): the first
  load processes every file, the next ones read the per-file cache (the median
  of three is the warm figure).

Usage: python benchmarks/ingest.py [--data ../shared/data]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from vae_designer.core.ingest import load_designs


def fresh_cache() -> None:
    os.environ["VAE_DESIGNER_CACHE_DIR"] = tempfile.mkdtemp(prefix="vae-bench-cache-")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(Path(__file__).resolve().parents[2] / "shared" / "data"))
    args = ap.parse_args()
    data = Path(args.data)
    voron, mnist = data / "meshes-voron0", data / "mnist-test"

    print(f"cores: {os.cpu_count()}")
    for R in (32, 64):
        fresh_cache()
        d = load_designs(voron, resolution=R, workers=1, use_cache=False)  # per-file timing, no contention
        ms = np.array(d.item_ms)
        print(f"mesh ingestion {R}^3: {len(ms)} meshes, median {np.median(ms):.1f} ms, "
              f"p90 {np.percentile(ms, 90):.1f} ms, max {ms.max():.1f} ms per mesh"
              + ("   (target: median <= 50 ms)" if R == 64 else ""))

    for name, folder, kw in (("MNIST images", mnist, {}), ("Voron meshes 64^3", voron, {"resolution": 64})):
        fresh_cache()
        t = time.perf_counter()
        cold = load_designs(folder, **kw)
        t_cold = time.perf_counter() - t
        warms = []
        for _ in range(3):  # the median of three reopenings: the first one can meet the cold load's
            t = time.perf_counter()  # writes still being flushed to disk
            warm = load_designs(folder, **kw)
            warms.append(time.perf_counter() - t)
        t_warm = float(np.median(warms))
        assert warm.from_cache == len(warm) + len(warm.skipped) - sum(
            1 for s in warm.skipped if "not a design" in s.reason or "file in a" in s.reason)
        extra = f", {len(cold) / t_cold:.0f} items/s cold" if name.startswith("MNIST") else ""
        print(f"{name}: {len(cold)} items, cold {t_cold:.2f} s, warm {t_warm:.3f} s "
              f"(median of {', '.join(f'{w:.3f}' for w in warms)}), "
              f"ratio {t_cold / t_warm:.0f}x{extra}   (target: >= 20x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
