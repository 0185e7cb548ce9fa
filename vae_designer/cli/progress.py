"""Driving core generators under a tqdm progress bar (stderr, only on a terminal)."""

from __future__ import annotations

import sys

from tqdm import tqdm

from vae_designer.core.generators import run_to_end


def drive(gen, desc: str, unit: str = "file"):
    """Iterate a core generator that yields ``done``/``total`` events; return its result."""
    bars = []

    def show(event) -> None:
        if not bars:
            bars.append(tqdm(total=event.total, desc=desc, unit=unit, file=sys.stderr,
                             disable=None, leave=False, dynamic_ncols=True))
        bars[0].n = event.done
        bars[0].refresh()

    try:
        return run_to_end(gen, show)
    finally:
        for bar in bars:
            bar.close()
