"""Shared by the quality benchmarks: run a Trainer for a fixed wall-clock time."""

from __future__ import annotations

import threading
import time

from vae_designer.core.generators import run_to_end


def train_for(trainer, seconds: float, on_epoch=None):
    """Drive ``trainer.run()`` until it ends or ``seconds`` have passed (then it is stopped
    through its TrainControl, as the app's Stop button does).

    ``on_epoch(event, elapsed_seconds)`` is called after each epoch.  Returns
    ``(final TrainerState, elapsed seconds)``.
    """
    timer = threading.Timer(seconds, trainer.control.stop)
    t0 = time.perf_counter()
    timer.start()
    def epoch(ev) -> None:
        if ev.kind == "epoch" and on_epoch is not None:
            on_epoch(ev, time.perf_counter() - t0)

    try:
        state = run_to_end(trainer.run(), epoch)
    finally:
        timer.cancel()
    return state, time.perf_counter() - t0
