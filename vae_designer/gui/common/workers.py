"""Long work off the GUI thread: superqt's workers, on the app's two thread pools.

* :class:`GeneratorJob` iterates a core generator (``ingest_steps``, ``Trainer.run`` ...)
  that yields progress and *returns* its result: progress (``yielded``) is rate limited by
  ``core.generators.throttled``; ``returned``, ``failed`` (one line) or ``aborted``
  (cancelled) end it, then ``finished``.  ``cancel()`` sets the event the generator checks
  and also stops it at its next yield; the generator is closed on the worker thread
  whatever ends it, so its ``finally`` blocks (a process pool's shutdown, a cache write) run.
* :class:`FunctionJob` calls one function the same way (``returned`` / ``failed``).
* :func:`start_worker` starts either on one of two dedicated ``QThreadPool``\\ s and keeps it
  referenced until it has finished; :func:`wait_for_workers` waits for both (app exit).
  :mod:`.jobs` builds the newest-job-wins runner and the interaction gate on these.

Both are superqt's ``GeneratorWorker`` / ``FunctionWorker`` (QRunnables whose signals come
back to the GUI thread as queued connections), with what was measured to go wrong for this
app changed:

* ``WorkerBase.start`` uses ``QThreadPool.globalInstance()``, whose size is the core count
  (2 here): a training run and one more job would leave nothing for the map's decoder.  And
  a background thread lowers its own priority (:func:`lower_priority`, nice +10 on Linux),
  which an unprivileged user cannot undo, so a pool thread once used for background work
  must never run the decoder.  Hence two pools: *interactive* (normal priority: the map's
  decoders, loading what the user opened) and *background* (lowered: training, saves,
  refits, reconstructions), each with threads to spare (idle ones expire after 30 s).
* ``GeneratorWorker`` emits every yield and, when aborted, leaves the generator unclosed
  (its ``finally`` blocks ran later, on whichever thread collected it); a ``RuntimeError``
  raised by the work is taken for a deleted worker and dropped with a warning, no
  ``errored``, no ``finished``.  ``WorkerBase.run`` swaps the process-wide
  ``warnings.showwarning`` and filters for each worker, and two overlapping workers leave
  them swapped for good.  :meth:`_Outcomes.run` replaces it.

Measured on the 2-core machine this was written on (``benchmarks/map_latency.py`` on the 2D
sample project, other work on the machine): cursor move to repainted preview p95 5.7 ms idle
and 8.8 ms while training, as with the QThreads before (9.0 / 14.5 ms in a noisier run of
theirs; runs vary by a few ms with the machine's load).  Starting a worker on a warm pool
costs ~0.3 ms, waking a waiting thread ~0.05 ms, so a :class:`.jobs.LatestJobs` runner
lingers a second for the next job of a drag.  Progress: ``throttled`` passes one event per
``min_interval`` (0.05 s for loading, 0.1 s for training steps; the trainer's own
``event_interval`` spaces them too) and always the last.

Owners keep their workers and, before they go, cancel them (or stop the trainer) and
``wait`` for them.  Workers are made on the GUI thread (their signals' thread).
"""

from __future__ import annotations

import atexit
import logging
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable, Generator
from typing import Any

from PySide6.QtCore import QObject, QThread, QThreadPool, Signal
from superqt.utils import FunctionWorker, GeneratorWorker  # (through qtpy: the PySide6 imported above)

from vae_designer.core.errors import Cancelled, UserError
from vae_designer.core.generators import throttled

log = logging.getLogger(__name__)

# Threads per pool: more than ever run at once (each newest-job runner uses one while it has
# work, training one, an open one), so that no job waits for a thread.
POOL_THREADS = {False: 6, True: 12}  # background?


def lower_priority() -> None:
    """Make the calling thread (and the torch/OpenMP threads it starts later) yield the CPU to the GUI.

    On a 2-core machine, training saturates both cores; at normal priority the
    GUI thread waits for a time slice and the event loop stalls for 100 ms and
    more.  On Linux a thread is a task with its own nice value (threads it
    creates inherit it), so a nice 10 above the main thread's lets the GUI run as
    soon as it wakes while training still gets every cycle the GUI does not use.
    Elsewhere, QThread's priority does the same.  Calling it again changes nothing:
    a pool thread that runs background work again stays where it is (Python does
    not keep a pool thread's thread-local data from one job to the next).
    """
    if sys.platform.startswith("linux"):
        try:
            tid = threading.get_native_id()
            target = min(19, os.getpriority(os.PRIO_PROCESS, os.getpid()) + 10)  # the main thread's + 10
            if os.getpriority(os.PRIO_PROCESS, tid) < target:
                os.setpriority(os.PRIO_PROCESS, tid, target)
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


class JobSignals(QObject):
    """The signals of superqt's generator workers plus ``failed(str)`` (the one line to show) and
    ``ended(worker)`` (the last one)."""

    started = Signal()
    finished = Signal()
    returned = Signal(object)
    errored = Signal(object)  # the exception ('failed' has the line to show)
    warned = Signal(tuple)  # (superqt's; not emitted: warnings take Python's usual path)
    yielded = Signal(object)
    paused = Signal()
    resumed = Signal()
    aborted = Signal()
    failed = Signal(str)
    ended = Signal(object)


class _Outcomes:
    """What both job classes add to superqt's workers: a name, a pool, one outcome, ``wait``."""

    name: str
    background: bool
    outcome: str | None  # None while it runs, then 'result' | 'failed' | 'cancelled'

    def _init_outcomes(self, name: str, background: bool) -> None:
        if not isinstance(self.signals, JobSignals):
            self.signals = JobSignals()
        self.name = name
        self.background = background
        self.outcome = None
        self._ended = threading.Event()

    def start(self) -> None:
        """Start on the app's pools (:func:`start_worker`), never Qt's global one."""
        start_worker(self)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the work has ended (True) or ``timeout`` seconds have passed (False)."""
        return self._ended.wait(timeout)

    def run(self) -> None:
        """Run the work and emit its outcome (superqt's ``WorkerBase.run``, see the module docstring)."""
        self._running = True
        self.outcome, value = self._outcome()
        self._running = False
        self._ended.set()
        try:
            if self.outcome == "result":
                self.returned.emit(value)
            elif self.outcome == "failed":
                self.failed.emit(value[0])
                self.errored.emit(value[1])
            else:
                self.aborted.emit()
            self.finished.emit()
            self.ended.emit(self)
        except RuntimeError:  # its signals are gone (the app ended while it ran): nobody to tell
            pass

    def _outcome(self) -> tuple[str, Any]:
        """('result', value) | ('failed', (line, exception)) | ('cancelled', None)."""
        try:
            self.started.emit()
            if self.background:
                lower_priority()
            value = self.work()
            if self.abort_requested:
                raise Cancelled()
        except Cancelled:
            return "cancelled", None
        except Exception as exc:  # noqa: BLE001 - every failure becomes a message, never a crash
            return "failed", (failure_message(self.name, exc), exc)
        return "result", value


class FunctionJob(_Outcomes, FunctionWorker):
    """``fn(*args, **kwargs)`` on a worker thread: ``returned(value)`` or ``failed(message)``;
    raising :class:`Cancelled` is the 'cancelled' outcome (``aborted``)."""

    def __init__(self, fn: Callable, *args, name: str = "work", background: bool = True, **kwargs):
        FunctionWorker.__init__(self, fn, *args, **kwargs)
        self._init_outcomes(name, background)


def _steps(make, cancel: threading.Event, min_interval: float, keep) -> Generator:
    """The generator a :class:`GeneratorJob` iterates (made on the worker thread)."""
    return (yield from throttled(make(cancel), min_interval, keep=keep))


class GeneratorJob(_Outcomes, GeneratorWorker):
    """Iterate ``make(cancel_event)`` on a worker thread; see the module docstring.

    ``min_interval``: seconds between ``yielded`` events (the last one always comes);
    ``keep(event)``: events that always pass.
    """

    def __init__(self, make: Callable[[threading.Event], Generator], *, name: str = "work",
                 background: bool = False, min_interval: float = 0.05,
                 keep: Callable[[Any], bool] | None = None):
        self._cancel = threading.Event()
        GeneratorWorker.__init__(self, _steps, make, self._cancel, min_interval, keep, SignalsClass=JobSignals)
        self._init_outcomes(name, background)

    def cancel(self) -> None:
        """Ask the generator to stop (the event it checks) and stop iterating it at its next yield."""
        self._cancel.set()
        self.quit()

    def work(self):
        """superqt's loop (abort, pause, ``send``) but the generator is closed on this thread whatever
        ends it, and what it raises is raised (superqt hands a RuntimeError back as a value)."""
        try:
            while not self.abort_requested:
                if self._paused or self._pause_requested:
                    self._pause_step()
                    continue
                try:
                    event = self._gen.send(self._next_value())
                except StopIteration as stop:
                    return stop.value
                self.yielded.emit(event)
            raise Cancelled()
        finally:
            close_quietly(self._gen)

    def _pause_step(self) -> None:
        """superqt's pause protocol: ``pause()`` / ``resume()`` take effect between yields."""
        if self._pause_requested:
            self._paused, self._pause_requested = True, False
            self.paused.emit()
        elif self._resume_requested:
            self._paused = self._resume_requested = False
            self.resumed.emit()
        else:
            time.sleep(self._pause_interval)


# -- the pools ----------------------------------------------------------------------------------
_pools: dict[bool, QThreadPool] = {}
EXIT_WAIT_MS = 15000  # at interpreter exit, wait this long for the pools' threads
_running: set = set()
_running_lock = threading.Lock()


def worker_pool(background: bool) -> QThreadPool:
    """The pool for background (lowered priority) or interactive (normal priority) work."""
    pool = _pools.get(background)
    if pool is None:
        if not _pools:  # a script that ends without the app's quit path must not pull Python down under
            atexit.register(_wait_at_exit)  # a pool thread still running (a segfault at exit)
        pool = QThreadPool()
        pool.setObjectName("background-workers" if background else "interactive-workers")
        pool.setMaxThreadCount(POOL_THREADS[background])
        _pools[background] = pool
    return pool


def _forget(worker) -> None:
    """``ended`` has been delivered (to the owner's slots first): drop the worker and its signals,
    which also frees the owner's slots (a lambda holding the worker would keep it for ever)."""
    with _running_lock:
        _running.discard(worker)
    worker.signals.deleteLater()


def start_worker(worker: _Outcomes) -> _Outcomes:
    """Start ``worker`` on the pool its ``background`` flag names; it stays referenced until it ends.

    Connect to its signals first: its signals object goes once ``ended`` has been delivered."""
    with _running_lock:
        if worker in _running:
            raise RuntimeError(f"{worker.name}: already started")
        _running.add(worker)
    worker.ended.connect(_forget)
    worker_pool(worker.background).start(worker)
    return worker


def _wait_at_exit() -> None:
    """At interpreter exit: give the pools' threads (a runner lingering for its next job) time to end."""
    if not wait_for_workers(EXIT_WAIT_MS):
        log.warning("workers still running at exit after %d ms", EXIT_WAIT_MS)


def wait_for_workers(msecs: int = -1) -> bool:
    """Wait up to ``msecs`` (-1: for ever) for both pools to have nothing to run; True when so.

    Owners stop their work first (cancel, stop the trainer): this only waits.
    """
    return all(pool.waitForDone(msecs) for pool in list(_pools.values()))
