"""Threads that keep long work off the GUI thread.

* :class:`GeneratorThread` iterates a core generator (``ingest_steps`` ...) that
  yields progress and *returns* its result; progress is rate limited, the result,
  a user-facing error or a cancellation come back as signals.
* :class:`TrainingThread` runs ``core.training.Trainer.run()``; it forwards the
  trainer's events (steps rate limited) and, between steps, takes weight
  snapshots (``trainer.snapshot()``: CPU copies) that it hands to the GUI -- the
  GUI never touches the model being trained.
* :class:`LatestJobThread` runs a function on the most recent job submitted and
  drops stale ones: reconstructions from the newest snapshot, autosaves of the
  newest best model.

All signals cross threads as queued connections, so their slots run on the GUI
thread.  Owners must call ``cancel``/``stop`` and ``wait`` before dropping a
running thread.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable, Generator
from typing import Any

from PySide6.QtCore import QThread, Signal

from vae_designer.core.errors import Cancelled, UserError

log = logging.getLogger(__name__)


def lower_priority() -> None:
    """Make the calling thread (and the torch/OpenMP threads it starts later) yield the CPU to the GUI.

    On a 2-core machine, training saturates both cores; at normal priority the
    GUI thread waits for a time slice and the event loop stalls for 100 ms and
    more.  On Linux a thread is a task with its own nice value (threads it
    creates inherit it), so raising it by 10 lets the GUI run as soon as it
    wakes while training still gets every cycle the GUI does not use.
    Elsewhere, QThread's priority does the same.
    """
    if sys.platform.startswith("linux"):
        try:
            tid = threading.get_native_id()
            os.setpriority(os.PRIO_PROCESS, tid, min(19, os.getpriority(os.PRIO_PROCESS, tid) + 10))
            return
        except (AttributeError, OSError):
            pass
    QThread.currentThread().setPriority(QThread.Priority.LowPriority)


def training_threads() -> int:
    """torch threads for training in the app: one core is left to the GUI and its helpers.

    On 2 cores, two torch threads plus the GUI thread oversubscribe the CPU: the
    event loop stalls and, under load, training itself runs slower than on one
    thread (measured: ~700 vs ~500 designs/s at 32x32 while other work ran).
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 2
    return max(1, cores - 1)


def describe_error(exc: BaseException) -> str:
    """One readable line for a dialog: the message of a UserError, else type and message."""
    if isinstance(exc, UserError):
        return str(exc)
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def failure_message(what: str, exc: BaseException) -> str:
    """Log an unexpected failure with its traceback (a UserError is the user's, not ours);
    return the one line to show."""
    if not isinstance(exc, UserError):
        log.error("%s failed:\n%s", what, traceback.format_exc())
    return describe_error(exc)


def close_quietly(gen) -> None:
    """Close a generator (its ``finally`` blocks run); a failure there must not mask the outcome."""
    if gen is not None:
        try:
            gen.close()
        except Exception:  # noqa: BLE001
            pass


class GeneratorThread(QThread):
    """Run ``make(cancel_event)`` -> generator in a thread; yields become ``progress``.

    ``result`` carries the generator's return value.  Cancellation sets the
    event the generator checks, and also closes it at its next yield.
    """

    progress = Signal(object)
    result = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, make: Callable[[threading.Event], Generator], *, min_interval: float = 0.05,
                 parent=None, name: str = "work"):
        super().__init__(parent)
        self.setObjectName(name)
        self._make = make
        self._cancel = threading.Event()
        self._min_interval = min_interval
        self.outcome: str | None = None  # 'result' | 'failed' | 'cancelled'

    def cancel(self) -> None:
        self._cancel.set()


    def run(self) -> None:
        gen = None
        try:
            gen = self._make(self._cancel)
            last, pending = 0.0, None
            while True:
                if self._cancel.is_set():
                    raise Cancelled()
                try:
                    event = next(gen)
                except StopIteration as stop:
                    value = stop.value
                    break
                now = time.monotonic()
                if now - last >= self._min_interval:
                    self.progress.emit(event)
                    last, pending = now, None
                else:
                    pending = event
            if pending is not None:
                self.progress.emit(pending)
            self.outcome = "result"
            self.result.emit(value)
        except Cancelled:
            self.outcome = "cancelled"
            self.cancelled.emit()
        except Exception as exc:  # noqa: BLE001 - every failure becomes a dialog, never a crash
            self.outcome = "failed"
            self.failed.emit(failure_message(self.objectName(), exc))
        finally:
            close_quietly(gen)


class TrainingThread(QThread):
    """Train in a thread; hand back events, weight snapshots and the final state.

    ``event``: TrainEvent ('step' events at most every ``step_interval`` s; the
    trainer itself already spaces them by ``TrainConfig.event_interval``).
    ``snapshot``: a full TrainerState (weights, best weights, optimizer) after
    every epoch.  ``weights``: a light TrainerState (no optimizer state) every
    ``snapshot_interval`` s between epochs -- for reconstructions.
    ``improved``: the full state when the best validation loss improved
    (autosave).  ``result``: the final TrainerState (done or stopped; the
    trainer keeps the best weights either way).
    """

    event = Signal(object)
    snapshot = Signal(object)
    weights = Signal(object)
    improved = Signal(object)
    result = Signal(object)
    failed = Signal(str)

    def __init__(self, designs, setup: Callable[[], tuple], *, step_interval: float = 0.1,
                 snapshot_interval: float = 3.0, torch_threads: int | None = None, parent=None):
        """``setup()`` runs in the thread and returns ``(model_config, train_config, state_or_None)``:
        building configs and reading a project's optimizer state import torch, which
        the GUI thread must not wait for."""
        super().__init__(parent)
        self.setObjectName("training")
        # The TrainControl is made in the thread (importing the trainer imports torch,
        # seconds the GUI thread must not wait); requests made before then are kept here.
        self.control = None
        self._lock = threading.Lock()
        self._want_paused = False
        self._want_stopped = False
        self._designs = designs
        self._setup = setup
        self._step_interval = step_interval
        self._snapshot_interval = snapshot_interval
        self._torch_threads = torch_threads
        self.trainer = None  # only for tests/diagnostics; the GUI must not use the model
        self.final_state = None
        self.error: str | None = None

    # control, callable from the GUI thread (TrainControl is thread-safe)
    def pause(self) -> None:
        with self._lock:
            self._want_paused = True
            if self.control is not None:
                self.control.pause()

    def resume(self) -> None:
        with self._lock:
            self._want_paused = False
            if self.control is not None:
                self.control.resume()

    def stop(self) -> None:
        with self._lock:
            self._want_stopped = True
            if self.control is not None:
                self.control.stop()

    def hold(self, seconds: float) -> None:
        """Give interactive work the CPU for ``seconds`` (see ``TrainControl.hold``)."""
        control = self.control
        if control is not None:
            control.hold(seconds)

    @property
    def paused(self) -> bool:
        with self._lock:
            return self._want_paused and not self._want_stopped

    @property
    def stopping(self) -> bool:
        with self._lock:
            return self._want_stopped

    def _make_control(self):
        from vae_designer.core.training import TrainControl

        control = TrainControl()
        with self._lock:
            if self._want_paused:
                control.pause()
            if self._want_stopped:
                control.stop()
            self.control = control
        return control

    def run(self) -> None:
        gen = None
        try:
            lower_priority()
            import torch

            from vae_designer.core.training import Trainer

            torch.set_num_threads(self._torch_threads or training_threads())
            control = self._make_control()
            model_config, train_config, state = self._setup()
            trainer = Trainer(self._designs, model_config, train_config, control=control, state=state)
            self.trainer = trainer
            gen = trainer.run()
            last_step = last_snap = time.monotonic()
            while True:
                try:
                    ev = next(gen)
                except StopIteration as stop:
                    final = stop.value
                    break
                now = time.monotonic()
                if ev.kind == "step":
                    if now - last_step >= self._step_interval:
                        self.event.emit(ev)
                        last_step = now
                    if now - last_snap >= self._snapshot_interval:
                        self.weights.emit(trainer.snapshot(include_optimizer=False))
                        last_snap = now
                    continue
                self.event.emit(ev)
                if ev.kind == "epoch":
                    snap = trainer.snapshot()
                    last_snap = now
                    self.snapshot.emit(snap)
                    if ev.improved:
                        self.improved.emit(snap)
            self.final_state = final if final is not None else trainer.snapshot()
            self.result.emit(self.final_state)
        except Exception as exc:  # noqa: BLE001
            self.error = failure_message("training", exc)
            self.failed.emit(self.error)
        finally:
            close_quietly(gen)


class InteractionGate:
    """While the user drags on the map, background jobs wait to start.

    On a small CPU, a reconstruction grid, an autosave or a map refit started
    in the middle of a drag competes with the decoder for the cores; they can
    all wait the fraction of a second until the hand rests.  ``hold(seconds)``
    (each cursor move) extends the wait; background :class:`LatestJobThread` threads
    check the gate before each job (a job under way runs to its end).
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._until = 0.0

    def hold(self, seconds: float) -> None:
        with self._cond:
            self._until = max(self._until, time.monotonic() + seconds)

    def wait(self, cancelled: Callable[[], bool]) -> None:
        """Block while held (polling ``cancelled`` at least every 0.1 s)."""
        with self._cond:
            while not cancelled():
                remaining = self._until - time.monotonic()
                if remaining <= 0:
                    return
                self._cond.wait(min(remaining, 0.1))


#: The app's one gate: the Map page holds it, background job threads wait on it.
interaction = InteractionGate()


class LatestJobThread(QThread):
    """Run ``fn(job)`` on the newest submitted job; older pending jobs are dropped.

    ``done(tag, result)`` / ``failed(tag, message)``.  The thread starts on the first
    ``submit`` and lives until ``shutdown``.
    """

    done = Signal(object, object)
    failed = Signal(object, str)

    def __init__(self, fn: Callable[[Any], Any], *, name: str = "latest-job", background: bool = True,
                 parent=None):
        super().__init__(parent)
        self._background = background
        self.setObjectName(name)
        self._fn = fn
        self._cond = threading.Condition()
        self._job: tuple | None = None
        self._quit = False
        self._busy = False

    def submit(self, job, tag=None) -> None:
        with self._cond:
            self._job = (job, tag)
            self._cond.notify()
        if not self.isRunning() and not self._quit:
            self.start()

    @property
    def idle(self) -> bool:
        with self._cond:
            return self._job is None and not self._busy

    def shutdown(self, wait: bool = True, finish_pending: bool = False) -> None:
        """Stop the thread (after the job in progress, and the pending one if asked)."""
        with self._cond:
            if not finish_pending:
                self._job = None
            self._quit = True
            self._cond.notify()
        if wait:
            self.wait()

    def run(self) -> None:
        if self._background:
            lower_priority()
        while True:
            with self._cond:
                while self._job is None and not self._quit:
                    self._cond.wait()
                if self._job is None:
                    return
            if self._background:  # the user is dragging on the map: start when the hand rests
                interaction.wait(lambda: self._quit)
            with self._cond:
                if self._job is None:
                    if self._quit:
                        return
                    continue
                job, tag = self._job
                self._job = None
                self._busy = True
            try:
                out = self._fn(job)
            except Exception as exc:  # noqa: BLE001
                self.failed.emit(tag, failure_message(self.objectName(), exc))
            else:
                self.done.emit(tag, out)
            finally:
                with self._cond:
                    self._busy = False
