"""Undo, redo and the history strip of the map session: snapshots of its undoable parts.

A :class:`History` keeps a bounded list of :class:`Step` s, each a snapshot of the
session's *parts* -- the design on show, the pins, the groups, and whatever a feature
registers later (constraints) -- and where in that list the session is.  A part is a
name and two functions (:meth:`History.track`): ``get()`` reads its value, ``put(value)``
sets it back and tells the session's observers.  Values are kept, not copied, so ``get``
must return something the session will not change afterwards (a tuple, a fresh dict, an
object that is replaced rather than edited).

Recording is cheap and says only what is new: :meth:`History.record` snapshots every part
and adds a step when something differs from the step the session is at (nothing
otherwise).  The session records

* after each undoable method (``session.undoable``: one decorator line per method), having
  first recorded what changed without a step of its own (a drag the GUI has not
  ended yet), so that undoing a pin never also undoes a move;
* when the design *rests*: ``session.settle()`` (the GUI calls it at the end of a drag or
  a click), so a drag of a hundred cursor moves is one step, and when a design of another
  kind replaces it (a surprise after a drag).

Undo first records the state on show (redo comes back to it), then puts the previous
step's values back -- only the parts that differ, each announcing its own change.  A new
step after an undo drops the steps that were ahead (one line of history, as in every
editor).  ``merge``: consecutive records with the same merge key replace the newest step
instead of adding one (typing a number digit by digit, a slider moved).

Each step has a ``thumb`` slot for the history strip's picture of its design (filled by
the GUI, kept with the saved session) and the time it was made.
"""

from __future__ import annotations

import dataclasses
import itertools
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

HISTORY_LIMIT = 100  # steps kept (the oldest go first)
_keys = itertools.count(1)


@dataclass
class Step:
    """One point of the history: a snapshot of every part, what made it, when."""

    label: str
    state: dict  # part name -> value
    time: float = field(default_factory=time.time)
    merge: str | None = None
    thumb: np.ndarray | None = None  # RGB uint8: the strip's picture of the step's design
    key: int = field(default_factory=lambda: next(_keys))  # unique while the app runs


@dataclass
class Part:
    name: str
    get: Callable[[], object]
    put: Callable[[object], None]
    label: Callable[[object], str]  # what a step that changed only this part is called
    encode: Callable | None = None  # value -> JSON (saved sessions); None: the value is JSON already
    decode: Callable | None = None  # JSON -> value


def same(a, b) -> bool:
    """Equal values of parts: arrays by content, containers and dataclasses field by field (those
    that take part in comparisons), other objects by identity or ``==``."""
    if a is b:
        return True
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and a.shape == b.shape \
            and bool(np.array_equal(a, b))
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if dataclasses.is_dataclass(a) and not isinstance(a, type):
        return type(a) is type(b) and all(same(getattr(a, f.name), getattr(b, f.name))
                                          for f in dataclasses.fields(a) if f.compare)
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return False


class History:
    """See the module docstring.  ``changed()`` is called after every record, undo, redo or jump."""

    def __init__(self, changed: Callable[[], None] | None = None, limit: int = HISTORY_LIMIT) -> None:
        self.parts: dict[str, Part] = {}
        self.entries: list[Step] = []
        self.position = -1  # the step the session is at (-1: none yet)
        self.limit = max(2, int(limit))
        self._changed = changed or (lambda: None)
        self._paused = 0
        self.dropped = 0  # steps dropped at the old end to keep within the limit

    # ------------------------------------------------------------------ parts
    def track(self, name: str, get: Callable, put: Callable, label: str | Callable[[object], str] = "",
              encode: Callable | None = None, decode: Callable | None = None) -> None:
        """Make a part of the session undoable (see the module docstring)."""
        text = label or name.capitalize()
        self.parts[name] = Part(name, get, put, label if callable(label) else (lambda _v: text), encode, decode)

    def snapshot(self) -> dict:
        return {name: part.get() for name, part in self.parts.items()}

    def differences(self, state: dict, other: dict) -> list[str]:
        return [n for n in self.parts if n not in state or n not in other or not same(state[n], other[n])]

    # ------------------------------------------------------------------ where we are
    @property
    def current(self) -> Step | None:
        return self.entries[self.position] if 0 <= self.position < len(self.entries) else None

    @property
    def can_undo(self) -> bool:
        return self.position > 0 or (self.current is not None and self._drifted())

    @property
    def can_redo(self) -> bool:
        return self.position < len(self.entries) - 1

    @property
    def recording(self) -> bool:
        return self._paused == 0

    @contextmanager
    def paused(self) -> Iterator[None]:
        """Changes made meanwhile are not recorded (restoring, opening a model)."""
        self._paused += 1
        try:
            yield
        finally:
            self._paused -= 1

    def _drifted(self) -> bool:
        """The session shows something the current step does not hold."""
        return bool(self.differences(self.current.state, self.snapshot()))

    # ------------------------------------------------------------------ recording
    def record(self, label: str | None = None, merge: str | None = None) -> Step | None:
        """Add a step if the session differs from the current one; the step (None if nothing changed).
        ``label`` None: named after what changed."""
        if not self.recording:
            return None
        state = self.snapshot()
        at = self.current
        if at is None:  # the first step: where the session started
            return self._push(Step("Start", state))
        changed = self.differences(at.state, state)
        if not changed:
            return None
        text = label or self.parts[changed[0]].label(state[changed[0]])
        if merge is not None and at.merge == merge and self.position == len(self.entries) - 1 and self.position > 0:
            at.label, at.state, at.time, at.thumb = text, state, time.time(), None
            self._changed()
            return at
        del self.entries[self.position + 1:]
        return self._push(Step(text, state, merge=merge))

    def _push(self, step: Step) -> Step:
        self.entries.append(step)
        if len(self.entries) > self.limit:
            self.dropped += len(self.entries) - self.limit
            del self.entries[: len(self.entries) - self.limit]
        self.position = len(self.entries) - 1
        self._changed()
        return step

    # ------------------------------------------------------------------ going back and forth
    def undo(self) -> Step | None:
        """Back one step (what is on show is recorded first); the step now current, or None."""
        if not self.recording:
            return None
        self.record()
        return self.jump(self.position - 1) if self.position > 0 else None

    def redo(self) -> Step | None:
        """Forward one step (a change on show that no step holds yet is dropped, as an edit after an
        undo drops the steps ahead)."""
        return self.jump(self.position + 1) if self.recording and self.can_redo else None

    def jump(self, index: int) -> Step | None:
        """Go to step ``index`` (the strip's click); its values are put back, part by part."""
        if not 0 <= index < len(self.entries) or not self.recording:
            return None
        if index < self.position:  # what is on show is recorded, so that redo comes back to it
            dropped = self.dropped
            self.record()
            index -= self.dropped - dropped  # the oldest steps may have gone to make room
        self.position = max(index, 0)
        self.restore(self.entries[index].state)
        self._changed()
        return self.entries[index]

    def restore(self, state: dict) -> None:
        """Put back the values of ``state`` that differ from the session's, without recording."""
        live = self.snapshot()
        with self.paused():
            for name in self.differences(state, live):
                if name in state:
                    self.parts[name].put(state[name])

    def reset(self) -> None:
        """Forget every step (another model: its latent vectors mean something else)."""
        self.entries, self.position = [], -1
        self._changed()

    def load(self, entries: list[Step], position: int) -> None:
        """Steps read back from a saved session (the session's state is set to the current one)."""
        self.entries = list(entries)[-self.limit:]
        self.position = min(max(int(position) - (len(entries) - len(self.entries)), 0), len(self.entries) - 1)
        if self.current is not None:
            self.restore(self.current.state)
        self._changed()
