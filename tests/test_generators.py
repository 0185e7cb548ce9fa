"""core.generators: run_to_end and the throttle the GUI's workers put between a generator and the GUI."""

from __future__ import annotations

from vae_designer.core.generators import run_to_end, throttled


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def ticking(clock, events, result="result", closed=None):
    """Yield ``events`` ((seconds since the start, event) pairs) as the clock reaches them."""
    try:
        for t, event in events:
            clock.now = t
            yield event
        return result
    finally:
        if closed is not None:
            closed.append(True)


def test_throttle_passes_one_event_per_interval_and_always_the_last():
    clock = Clock()
    events = [(0.00, "a"), (0.01, "b"), (0.02, "c"), (0.12, "d"), (0.13, "e"), (0.14, "f")]
    seen = []
    out = run_to_end(throttled(ticking(clock, events), 0.1, clock=clock), seen.append)
    assert out == "result"
    assert seen == ["a", "d", "f"]  # "f" was held back: it arrives before the end


def test_kept_events_always_pass_after_the_one_held_back():
    clock = Clock()
    events = [(0.00, "s1"), (0.01, "s2"), (0.02, "EPOCH"), (0.03, "s3"), (0.04, "s4")]
    seen = []
    run_to_end(throttled(ticking(clock, events), 0.1, keep=str.isupper, clock=clock), seen.append)
    assert seen == ["s1", "s2", "EPOCH", "s4"]


def test_closing_the_throttle_closes_the_generator():
    clock, closed = Clock(), []
    gen = throttled(ticking(clock, [(0.0, 1), (1.0, 2), (2.0, 3)], closed=closed), 0.1, clock=clock)
    assert next(gen) == 1
    gen.close()
    assert closed == [True]


def test_run_to_end_closes_the_generator_when_the_caller_fails():
    clock, closed = Clock(), []

    def boom(_event):
        raise KeyboardInterrupt

    try:
        run_to_end(ticking(clock, [(0.0, 1), (1.0, 2)], closed=closed), boom)
    except KeyboardInterrupt:
        pass
    assert closed == [True]
