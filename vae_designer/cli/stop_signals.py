"""SIGTERM is Ctrl-C: a long CLI command that is asked to end stops cleanly and keeps its work.

Batch schedulers and ``torchrun`` end a job with SIGTERM (then SIGKILL a while
later); a terminal sends SIGINT.  :func:`graceful_stop` routes both to one
callback while the work that can be stopped runs (training: stop at the next
chunk, save the best model).  Outside it -- or on a second signal, when the user
insists -- a signal raises ``KeyboardInterrupt`` as Ctrl-C always has.
Signal handlers can only be set from the main thread; elsewhere this does
nothing (the caller's own stop path still works).
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable, Iterator

SIGNALS = tuple(s for s in (getattr(signal, "SIGINT", None), getattr(signal, "SIGTERM", None)) if s)


@contextlib.contextmanager
def graceful_stop(on_stop: Callable[[int], None]) -> Iterator[dict]:
    """Within the block, the first SIGINT/SIGTERM calls ``on_stop(signum)``; a second raises
    KeyboardInterrupt.  Yields a dict whose ``'signal'`` is the number received (or None)."""
    seen: dict = {"signal": None}
    if threading.current_thread() is not threading.main_thread():
        yield seen
        return

    def handler(signum, _frame):
        if seen["signal"] is not None:
            raise KeyboardInterrupt
        seen["signal"] = signum
        on_stop(signum)

    previous = {s: signal.signal(s, handler) for s in SIGNALS}
    try:
        yield seen
    finally:
        for s, h in previous.items():
            signal.signal(s, h)


def interrupt_on_sigterm() -> None:
    """Make SIGTERM raise KeyboardInterrupt like SIGINT (for the stretches with nothing to keep)."""
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "SIGTERM"):
        signal.signal(signal.SIGTERM, signal.default_int_handler)
