"""The two ends of the training generator: :class:`TrainControl` (pause, resume, stop and
short holds, set from any thread) going in, :class:`TrainEvent` progress reports coming out."""

from __future__ import annotations

import dataclasses
import threading
import time
from dataclasses import dataclass

# A hold asked for within this many seconds means the user is exploring the map (see
# TrainControl.interactive): the trainer then works in smaller chunks (trainer.INTERACTIVE_CHUNK_DIVISOR).
INTERACTIVE_WINDOW_S = 5.0


class TrainControl:
    """Thread-safe pause / resume / stop flags shared by a trainer and its owner.

    ``hold(seconds)`` is a short, self-expiring pause for interactive work: the
    app calls it on every cursor move of the latent map, so that on a small CPU
    the decoder gets the cores while the user drags; training continues by
    itself a moment after the last move.  Held and paused time are not counted
    in items per second or the ETA, and neither changes what is computed.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._paused = False
        self._stopped = False
        self._hold_until = 0.0
        self._last_hold = -1e9
        self.held_seconds = 0.0  # total time the trainer waited in holds

    def hold(self, seconds: float) -> None:
        """Let the trainer wait (between chunks of work) until ``seconds`` from now."""
        with self._cond:
            now = time.perf_counter()
            self._hold_until = max(self._hold_until, now + seconds)
            self._last_hold = now

    def interactive(self, within: float = INTERACTIVE_WINDOW_S) -> bool:
        """Whether a hold was asked for in the last ``within`` seconds: the user is exploring, so
        the trainer works in smaller chunks and the next hold is honoured sooner."""
        return time.perf_counter() - self._last_hold < within

    @property
    def held(self) -> bool:
        return time.perf_counter() < self._hold_until

    def wait_while_held(self) -> float:
        """Block while a hold lasts and not stopped; return the seconds waited."""
        start = time.perf_counter()
        with self._cond:
            while not self._stopped:
                remaining = self._hold_until - time.perf_counter()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
        waited = time.perf_counter() - start
        self.held_seconds += waited
        return waited

    def pause(self) -> None:
        with self._cond:
            self._paused = True
            self._cond.notify_all()

    def resume(self) -> None:
        with self._cond:
            self._paused = False
            self._cond.notify_all()

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify_all()

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def stopped(self) -> bool:
        return self._stopped

    def wait_while_paused(self, timeout: float | None = None) -> float:
        """Block (without using CPU) while paused and not stopped; return the seconds waited."""
        start = time.perf_counter()
        with self._cond:
            while self._paused and not self._stopped:
                remaining = None if timeout is None else timeout - (time.perf_counter() - start)
                if remaining is not None and remaining <= 0:
                    break
                self._cond.wait(0.5 if remaining is None else min(0.5, remaining))
        return time.perf_counter() - start


@dataclass
class TrainEvent:
    """One progress report.

    ``epoch`` counts *completed* epochs (a 'step' event during the third epoch
    has ``epoch == 2``); ``step`` is the step inside the current epoch.  Loss
    values are nats per item; ``train_*`` are running means over the current
    epoch (step events) or the whole epoch (epoch events).  ``val_*``,
    ``best_val`` are None until the first validation.  ``val_iou`` is the
    mean validation IoU at threshold 0.5 (voxel grids only).
    """

    kind: str  # 'start' | 'step' | 'epoch' | 'nan' | 'done' | 'stopped'
    epoch: int = 0
    epochs: int = 0
    step: int = 0
    steps_per_epoch: int = 0
    train_recon: float | None = None
    train_kl: float | None = None
    val_recon: float | None = None
    val_kl: float | None = None
    items_per_second: float = 0.0
    eta_seconds: float | None = None
    best_val: float | None = None
    best_epoch: int = 0
    improved: bool = False
    message: str = ""
    lr: float | None = None
    val_iou: float | None = None

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)
