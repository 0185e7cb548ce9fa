"""The worker layer (gui.common.workers, gui.common.jobs): outcomes, cancellation that closes the
generator, newest-job-wins, the interaction gate, and the two pools (no starving, priorities).

Every wait is on a signal or a state, with generous timeouts: these pass while another process
keeps a core busy."""

from __future__ import annotations

import os
import sys
import threading

import pytest
from PySide6.QtCore import QThread

from vae_designer.core.errors import Cancelled, UserError
from vae_designer.gui.common.jobs import InteractionGate, LatestJobs
from vae_designer.gui.common.workers import FunctionJob, GeneratorJob, start_worker, wait_for_workers

WAIT = 30000  # ms: generous, for a loaded machine


def run_job(qtbot, job):
    with qtbot.waitSignal(job.finished, timeout=WAIT):
        start_worker(job)
    return job


def test_generator_job_result_with_rate_limited_progress_and_the_last_event(qtbot):
    def steps(cancel):
        yield from range(1000)  # far faster than one per min_interval
        return "done"

    job = GeneratorJob(steps, min_interval=3600)
    seen, results = [], []
    job.yielded.connect(seen.append)
    job.returned.connect(results.append)
    run_job(qtbot, job)
    assert job.outcome == "result" and results == ["done"]
    assert seen == [0, 999]  # the first, then only the last one held back


@pytest.mark.parametrize("exc, line", [(ValueError("bad value\nmore"), "ValueError: bad value"),
                                       (RuntimeError("torch said no"), "RuntimeError: torch said no"),
                                       (UserError("no designs in that folder"), "no designs in that folder")])
def test_generator_job_failure_is_one_line(qtbot, exc, line):
    def steps(cancel):
        yield 1
        raise exc

    job = GeneratorJob(steps)
    messages, returned = [], []
    job.failed.connect(messages.append)
    job.returned.connect(returned.append)
    run_job(qtbot, job)
    assert job.outcome == "failed" and messages == [line] and not returned


def test_cancel_stops_at_the_next_yield_and_closes_the_generator_on_its_thread(qtbot):
    started, closed_on = threading.Event(), []

    def steps(cancel):
        try:
            while True:  # never checks the event itself: stopped at a yield
                started.set()
                yield "tick"
        finally:
            closed_on.append(threading.get_ident())

    job = GeneratorJob(steps)
    aborted, returned = [], []
    job.aborted.connect(lambda: aborted.append(True))
    job.returned.connect(returned.append)
    start_worker(job)
    assert started.wait(WAIT / 1000)
    with qtbot.waitSignal(job.finished, timeout=WAIT):
        job.cancel()
    assert job.outcome == "cancelled" and aborted == [True] and not returned
    assert closed_on and closed_on[0] != threading.get_ident()  # the finally ran, on the worker thread


def test_cancel_seen_by_the_generator_is_the_cancelled_outcome(qtbot):
    started, closed = threading.Event(), []

    def steps(cancel):
        try:
            started.set()
            cancel.wait()  # the work checks the event between its own steps (ingest_steps does)
            raise Cancelled()
            yield  # a generator
        finally:
            closed.append(True)

    job = GeneratorJob(steps)
    aborted, failed = [], []
    job.aborted.connect(lambda: aborted.append(True))
    job.failed.connect(failed.append)
    start_worker(job)
    assert started.wait(WAIT / 1000)
    with qtbot.waitSignal(job.finished, timeout=WAIT):
        job.cancel()
    assert job.outcome == "cancelled" and aborted == [True] and not failed and closed


def test_function_job_outcomes(qtbot):
    ok = run_job(qtbot, FunctionJob(lambda a, b: a + b, 2, 3))
    assert ok.outcome == "result"
    bad = FunctionJob(lambda: 1 / 0)
    messages = []
    bad.failed.connect(messages.append)
    run_job(qtbot, bad)
    assert bad.outcome == "failed" and messages == ["ZeroDivisionError: division by zero"]


def test_newest_job_wins_and_stale_jobs_are_dropped(qtbot):
    release = threading.Event()
    ran = []

    def fn(job):
        ran.append(job)
        if job == 1:
            release.wait(WAIT / 1000)
        return job * 10

    jobs = LatestJobs(fn, background=False)
    done = []
    jobs.done.connect(lambda tag, out: done.append((tag, out)))
    jobs.submit(1, tag="a")
    qtbot.waitUntil(lambda: ran == [1], timeout=WAIT)
    for n, tag in ((2, "b"), (3, "c"), (4, "d")):  # while the first runs: only the newest is kept
        jobs.submit(n, tag=tag)
    assert not jobs.idle
    release.set()
    qtbot.waitUntil(lambda: len(done) == 2, timeout=WAIT)
    assert ran == [1, 4] and done == [("a", 10), ("d", 40)]
    qtbot.waitUntil(lambda: jobs.idle, timeout=WAIT)
    jobs.shutdown(wait=True)


def test_failing_job_is_reported_and_the_runner_goes_on(qtbot):
    jobs = LatestJobs(lambda job: 1 // job, background=False)
    failed, done = [], []
    jobs.failed.connect(lambda tag, msg: failed.append((tag, msg)))
    jobs.done.connect(lambda tag, out: done.append((tag, out)))
    jobs.submit(0, tag="zero")
    qtbot.waitUntil(lambda: bool(failed), timeout=WAIT)
    jobs.submit(1, tag="one")
    qtbot.waitUntil(lambda: bool(done), timeout=WAIT)
    assert failed == [("zero", "ZeroDivisionError: integer division or modulo by zero")] and done == [("one", 1)]
    jobs.shutdown(wait=True)


def test_shutdown_drops_or_finishes_the_pending_job(qtbot):
    for finish in (False, True):
        release, ran = threading.Event(), []

        def fn(job, release=release, ran=ran):
            ran.append(job)
            release.wait(WAIT / 1000)
            return job

        jobs = LatestJobs(fn, background=False)
        jobs.submit("first")
        qtbot.waitUntil(lambda ran=ran: ran == ["first"], timeout=WAIT)
        jobs.submit("pending")
        threading.Timer(0.05, release.set).start()  # lets the job under way end while shutdown waits
        jobs.shutdown(wait=True, finish_pending=finish)
        assert ran == (["first", "pending"] if finish else ["first"])
        jobs.submit("after")  # ignored: shut down
        assert jobs.idle and ran[-1] != "after"


def test_background_jobs_wait_while_the_gate_is_held_and_followers_are_held_too(qtbot):
    gate = InteractionGate()
    held = []

    class Control:  # what a running training's TrainControl does with a hold
        def hold(self, seconds):
            held.append(seconds)

    control = Control()
    gate.follow(control)
    gate.hold(600)  # the user drags (a long hold: released below, whatever the machine's speed)
    assert gate.held and held == [600]
    ran = []
    background = LatestJobs(ran.append, background=True, gate=gate)
    interactive = LatestJobs(ran.append, background=False, gate=gate)
    background.submit("background")
    interactive.submit("interactive")  # not gated: the decoder must keep up with the drag
    qtbot.waitUntil(lambda: ran == ["interactive"], timeout=WAIT)
    assert not background.idle  # still waiting for the hand to rest
    gate.release()
    qtbot.waitUntil(lambda: ran == ["interactive", "background"], timeout=WAIT)
    gate.unfollow(control)
    gate.hold(0.01)
    assert held == [600]  # not following any more
    for jobs in (background, interactive):
        jobs.shutdown(wait=True)


def test_long_background_work_starves_no_other_job(qtbot):
    """More long background workers than the machine has cores (QThreadPool.globalInstance()'s
    size): an interactive job and a background job still run at once."""
    release, running = threading.Event(), []

    def long_work(cancel):
        running.append(True)
        release.wait(WAIT / 1000)
        yield
        return "long"

    long_jobs = [GeneratorJob(long_work, background=True) for _ in range(QThread.idealThreadCount() + 1)]
    try:
        for job in long_jobs:
            start_worker(job)
        qtbot.waitUntil(lambda: len(running) == len(long_jobs), timeout=WAIT)
        done = []
        interactive = LatestJobs(lambda job: job, background=False)
        background = LatestJobs(lambda job: job, background=True, gate=InteractionGate())
        for jobs in (interactive, background):
            jobs.done.connect(lambda tag, out: done.append(out))
        interactive.submit("decode")
        background.submit("save")
        qtbot.waitUntil(lambda: sorted(done) == ["decode", "save"], timeout=WAIT)
    finally:
        release.set()
    qtbot.waitUntil(lambda: all(job.outcome == "result" for job in long_jobs), timeout=WAIT)
    assert wait_for_workers(WAIT)
    for jobs in (interactive, background):
        jobs.shutdown(wait=True)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice values are Linux's")
def test_background_threads_are_lowered_and_interactive_ones_never_are(qtbot):
    def nice(_job):
        return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    base = os.getpriority(os.PRIO_PROCESS, 0)
    seen = {}
    for background in (True, False, True, False):  # again: a reused thread keeps its pool's priority
        jobs = LatestJobs(nice, background=background, gate=InteractionGate())
        jobs.done.connect(lambda tag, out: seen.setdefault(tag, []).append(out))
        jobs.submit(None, tag=background)
        qtbot.waitUntil(lambda jobs=jobs: jobs.idle, timeout=WAIT)
        jobs.shutdown(wait=True)
    qtbot.waitUntil(lambda: sum(len(v) for v in seen.values()) == 4, timeout=WAIT)
    assert seen[False] == [base, base]
    assert all(n == min(19, base + 10) for n in seen[True])
