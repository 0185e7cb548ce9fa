"""The newest-job-wins runner and the one interaction gate, on the worker pools of :mod:`.workers`.

* :class:`LatestJobs` runs ``fn(job)`` on the newest job submitted, one at a time, and drops
  the stale ones: the map's decoders, refits and projections, reconstructions from the
  newest snapshot, saves of the newest best model.
* :data:`interaction` is the app's one :class:`InteractionGate`: the Map page holds it on
  every cursor move; background job runners wait on it before each job, and a running
  training (its ``TrainControl`` follows the gate) waits between chunks of work.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from .workers import FunctionJob, failure_message, start_worker

# How long work waits after a cursor move on the map.  Moves during a drag come every
# ~10-30 ms, so a drag keeps it waiting; it goes on a quarter second after the last.
INTERACTION_HOLD_S = 0.25

# Seconds a LatestJobs runner waits for the next job before it gives its pool thread back.
LINGER_S = 1.0


class InteractionGate:
    """While the user drags on the map, background work waits.

    On a small CPU, a reconstruction grid, an autosave, a map refit or a training step started
    in the middle of a drag competes with the decoder for the cores; they can all wait the
    fraction of a second until the hand rests.  ``hold(seconds)`` (each cursor move) extends
    the wait: background :class:`LatestJobs` check the gate before each job (a job under way
    runs to its end), and every follower -- a running training's ``TrainControl``, added with
    :meth:`follow` -- is held too (``control.hold``: the trainer waits between chunks).
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._until = 0.0
        self._followers: list = []

    def hold(self, seconds: float = INTERACTION_HOLD_S) -> None:
        with self._cond:
            self._until = max(self._until, time.monotonic() + seconds)
            followers = list(self._followers)
        for follower in followers:
            follower.hold(seconds)

    def release(self) -> None:
        """End the hold now (the hand has left the map)."""
        with self._cond:
            self._until = 0.0
            self._cond.notify_all()

    @property
    def held(self) -> bool:
        with self._cond:
            return time.monotonic() < self._until

    def follow(self, follower) -> None:
        """``follower.hold(seconds)`` is called with every hold from now on (until :meth:`unfollow`)."""
        with self._cond:
            if follower not in self._followers:
                self._followers.append(follower)

    def unfollow(self, follower) -> None:
        with self._cond:
            if follower in self._followers:
                self._followers.remove(follower)

    def wait(self, cancelled: Callable[[], bool]) -> None:
        """Block while held (polling ``cancelled`` at least every 0.1 s)."""
        with self._cond:
            while not cancelled():
                remaining = self._until - time.monotonic()
                if remaining <= 0:
                    return
                self._cond.wait(min(remaining, 0.1))


#: The app's one gate: the Map page holds it; background jobs and training wait on it.
interaction = InteractionGate()


class LatestJobs(QObject):
    """Run ``fn(job)`` on the newest submitted job; older pending jobs are dropped.

    ``done(tag, result)`` / ``failed(tag, message)``.  Jobs run one at a time, in a worker
    started on the first ``submit`` that finds none running; it takes the newest job until
    there has been none for ``LINGER_S`` and ends, so an idle runner holds no thread.  ``background`` jobs run on
    the background pool and wait on :data:`interaction` before each job; the others on
    the interactive pool.  After :meth:`shutdown`, submits are ignored.  ``gate``: another gate
than the app's (tests).
    """

    done = Signal(object, object)
    failed = Signal(object, str)

    def __init__(self, fn: Callable[[Any], Any], *, name: str = "latest-job", background: bool = True,
                 gate: InteractionGate | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self._gate = gate or interaction
        self.setObjectName(name)
        self._name = name
        self._fn = fn
        self._background = background
        self._cond = threading.Condition()
        self._job: tuple | None = None
        self._quit = False
        self._busy = False
        self._runner: FunctionJob | None = None

    def submit(self, job, tag=None) -> None:
        with self._cond:
            if self._quit:
                return
            self._job = (job, tag)
            self._cond.notify_all()
            if self._runner is not None:  # it takes this job when the one under way ends
                return
            runner = self._runner = FunctionJob(self._drain, name=self._name, background=self._background)
        start_worker(runner)

    @property
    def idle(self) -> bool:
        with self._cond:
            return self._job is None and not self._busy

    def shutdown(self, wait: bool = True, finish_pending: bool = False) -> None:
        """No more jobs: drop the pending one (unless ``finish_pending``), and with ``wait`` block
        until the job under way (and the pending one, if asked) has ended."""
        with self._cond:
            if not finish_pending:
                self._job = None
            self._quit = True
            self._cond.notify_all()
            while wait and self._runner is not None:
                self._cond.wait()

    def _wait_for_job(self) -> bool:
        """True when there is a job to run.  Else the runner lingers a moment (a drag's next move
        comes within milliseconds: starting a worker for it costs ~0.3 ms, waking this one ~0.05)
        and, still without one, ends."""
        with self._cond:
            if self._job is None and not self._quit:
                self._cond.wait(LINGER_S)
            if self._job is None:
                self._runner = None
                self._cond.notify_all()
                return False
            return True

    def _take(self) -> tuple | None:
        """The newest job (marked busy), or None if it was dropped meanwhile."""
        with self._cond:
            if self._job is None:
                return None
            job, self._job = self._job, None
            self._busy = True
            return job

    def _drain(self) -> None:
        """The runner: the newest job, until there is none."""
        while self._wait_for_job():
            if self._background:  # the user is dragging on the map: start when the hand rests
                self._gate.wait(lambda: self._quit)
            taken = self._take()
            if taken is None:
                continue
            job, tag = taken
            try:
                out = self._fn(job)
            except Exception as exc:  # noqa: BLE001
                self.failed.emit(tag, failure_message(self._name, exc))
            else:
                self.done.emit(tag, out)
            finally:
                with self._cond:
                    self._busy = False
