"""Driving core generators: to their end, and with their progress thinned out.

Long work in the core is a generator that yields progress and *returns* its result
(``ingest_steps``, ``Trainer.run``).  :func:`run_to_end` drives one to its result (the
CLI, ``load_designs``, tests, benchmarks); the GUI's workers (``gui.common.workers``) iterate
them on worker threads, through :func:`throttled` so that the GUI thread is not flooded
with progress (training yields thousands of step events).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator
from typing import TypeVar

R = TypeVar("R")
_NOTHING = object()


def run_to_end(gen: Generator[object, None, R], on_event: Callable[[object], None] | None = None) -> R:
    """Iterate ``gen`` to its end, handing each yielded event to ``on_event``; return its result.

    The generator is closed on the way out whatever happens (its ``finally`` blocks run
    when ``on_event`` raises or the caller is interrupted).
    """
    try:
        while True:
            try:
                event = next(gen)
            except StopIteration as stop:
                return stop.value
            if on_event is not None:
                on_event(event)
    finally:
        gen.close()


def throttled(gen: Generator[object, None, R], min_interval: float, *,
              keep: Callable[[object], bool] | None = None,
              clock: Callable[[], float] = time.monotonic) -> Generator[object, None, R]:
    """``gen``'s events, at most one every ``min_interval`` seconds; returns ``gen``'s result.

    An event that comes too soon after the last one passed on is held back and replaced by the
    next; the one held back when ``gen`` returns is passed on before the end, so the last
    event always arrives.  Events for which ``keep(event)`` is true always pass (after the one
    held back, so nothing is reordered) and do not count as the last one passed on.  Closing
    this generator closes ``gen``.
    """
    last = -float("inf")
    pending = _NOTHING
    try:
        while True:
            try:
                event = next(gen)
            except StopIteration as stop:
                if pending is not _NOTHING:
                    yield pending
                return stop.value
            if keep is not None and keep(event):
                if pending is not _NOTHING:
                    yield pending
                    pending = _NOTHING
                yield event
                continue
            now = clock()
            if now - last >= min_interval:
                last, pending = now, _NOTHING
                yield event
            else:
                pending = event
    finally:
        gen.close()
