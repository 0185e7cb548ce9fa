"""Driving core generators under a tqdm progress bar (stderr, only on a terminal)."""

from __future__ import annotations

import sys

from tqdm import tqdm


def drive(gen, desc: str, unit: str = "file"):
    """Iterate a core generator that yields ``done``/``total`` events; return its result."""
    bar = None
    try:
        while True:
            try:
                event = next(gen)
            except StopIteration as stop:
                return stop.value
            if bar is None:
                bar = tqdm(total=event.total, desc=desc, unit=unit, file=sys.stderr,
                           disable=None, leave=False, dynamic_ncols=True)
            bar.n = event.done
            bar.refresh()
    finally:
        gen.close()
        if bar is not None:
            bar.close()
