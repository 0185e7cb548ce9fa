"""The one way to drive a core generator to its end.

Long work in the core is a generator that yields progress and *returns* its result
(``ingest_steps``, ``Trainer.run``).  The GUI's worker threads iterate such generators
themselves (they rate-limit progress and check for cancellation between yields);
everything else -- the CLI, ``load_designs``, tests, benchmarks -- uses
:func:`run_to_end`.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import TypeVar

R = TypeVar("R")


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
