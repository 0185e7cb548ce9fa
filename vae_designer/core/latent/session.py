"""The map session: what the designer is looking at on the latent map, without any Qt.

One :class:`MapSession` per open model holds the state the Map page shows and its
tools change -- the model and how to decode with it (:class:`DecodeContext`), the
encodings and their 2D layout (:class:`~.space.LatentMap`), the design under the
cursor (:class:`Design`), the selected training design and the pins -- and tells
observers what changed (``observe(event, callback)``; events in :data:`EVENTS`).
The GUI subscribes its views (``gui.map.session_signals`` turns the callbacks
into Qt signals); the views never hold this state themselves.

Every change goes through a method here, so undo/redo, constraints and named
directions can be added in one place: a method changes the state, then emits one
event with what changed.  Undo and redo (:mod:`.history`): the design on show, the
pins, the groups and the constraints are the session's undoable parts (``history.track``); a method
decorated with :func:`undoable` records one step, and the cursor's design is recorded
when it rests (:meth:`MapSession.settle`, the end of a drag) or when a design of
another kind replaces it.  Making another change undoable is one line: decorate its
method (and ``track`` a new part once, in ``__init__``).

Data flow: ``open_model`` (a saved project, or a model of the training page) ->
``follow`` (each autosave while training: new weights, same designs) ->
``move_to(xy)`` / ``show(z)`` (the cursor's design) -> the GUI decodes
``context.job(z=...)`` in a worker and pins or exports with :mod:`.generate`.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable

import numpy as np

from .history import History
from .session_parts import DecodeContext, Design, Pin, clean_name, look_of, next_key

#: What observers can subscribe to, and what each callback receives.
EVENTS = {
    "model": "new_model: bool -- another model, or the same model's newer weights (follow)",
    "layout": "-- another 2D layout of the same encodings (projection changed)",
    "design": "design: Design -- the design under the cursor changed",
    "selection": "index: int -- the selected training design (-1: none)",
    "pins": "-- pins added, removed or renamed",
    "history": "-- a step recorded, undone, redone or jumped to (session.history)",
    "groups": "-- named groups of training designs added, changed or removed (session.groups)",
    "picked": "indices: np.ndarray -- the training designs picked on the map (rectangle, lasso)",
    "constraints": "-- constraints on measured properties set, added or removed (session.constraints)",
}

#: Sources whose designs come in a stream (a drag, a slider): one step when the design rests
#: (``settle``), not one per move.  Any other source (a surprise, a blend) is a step of its own.
GESTURES = ("map", "sweep")
DESIGN_LABELS = {"map": "Move", "surprise": "Surprise", "sweep": "Sweep", "blend": "Blend", "sample": "Design"}


__all__ = ["EVENTS", "DecodeContext", "Design", "MapSession", "Pin", "clean_name", "look_of"]

def undoable(label: str, merge: str | None = None) -> Callable:
    """Make a session method one step of undo: what changed before it (a drag not yet ended) is
    recorded first, then what it changed, as ``label`` (see :mod:`.history`; ``merge``: repeated
    calls make one step)."""
    def wrap(method: Callable) -> Callable:
        @functools.wraps(method)
        def run(self, *args, **kwargs):
            self.history.record()
            out = method(self, *args, **kwargs)
            self.history.record(label, merge)
            return out
        return run
    return wrap


def _constraint(name, op, value):
    from .constraints import Constraint

    return Constraint(str(name), str(op), float(value))


class MapSession:
    """See the module docstring.  All methods run on one thread (the GUI's)."""

    def __init__(self) -> None:
        self._observers: dict[str, list[Callable]] = {e: [] for e in EVENTS}
        self.pins: list[Pin] = []
        self.groups: dict[str, list[int]] = {}  # named groups of training designs (directions "A -> B")
        self._layouts = 0  # counts the layouts shown: a design's ``xy`` holds on its own layout only
        self.history = History(lambda: self._emit("history"))
        self.history.track("design", lambda: self.design, self._put_design, self._design_label)
        self.history.track("pins", lambda: tuple((p, p.name) for p in self.pins), self._put_pins, "Pins")
        self.history.track("groups", lambda: {k: tuple(v) for k, v in self.groups.items()}, self._put_groups,
                           "Groups", encode=lambda v: {k: list(x) for k, x in v.items()},
                           decode=lambda v: {str(k): tuple(int(i) for i in x) for k, x in v.items()})
        self.constraints: list = []  # core.latent.constraints.Constraint, kept across models like pins
        self.history.track("constraints", lambda: tuple(self.constraints), self._put_constraints, "Constraints",
                           encode=lambda v: [[c.name, c.op, c.value] for c in v],
                           decode=lambda v: tuple(_constraint(*c) for c in v))
        self._reset()

    def _reset(self) -> None:
        self.context: DecodeContext | None = None
        self.project = None  # the saved project the map shows (exports need one), or None
        self.designs = None  # the DesignSet of the map's designs when loaded (reconstructions, thumbnails)
        self.encodings: np.ndarray | None = None
        self.labels: list[str] = []
        self.paths: list[str] = []
        self.latent_map = None
        self.method, self.dims = "pca", (0, 1)
        self.design: Design | None = None
        self._design_key: tuple | None = None  # the context key the design was shown with
        self.selected = -1
        self.picked = np.zeros(0, np.int64)  # training designs picked by a rectangle or lasso
        self.refits = 0  # how many times ``follow`` moved the map to newer weights
        self._layouts += 1
        self.history.reset()

    # ------------------------------------------------------------------ observing
    def observe(self, event: str, callback: Callable) -> None:
        if event not in EVENTS:
            raise ValueError(f"unknown map session event {event!r}: one of {', '.join(EVENTS)}")
        self._observers[event].append(callback)

    def _emit(self, event: str, *args) -> None:
        for callback in list(self._observers[event]):
            callback(*args)

    # ------------------------------------------------------------------ the model
    @property
    def kind(self) -> str | None:
        return self.context.kind if self.context is not None else None

    @property
    def config(self):
        return self.context.config if self.context is not None else None

    @property
    def has_map(self) -> bool:
        return self.latent_map is not None and self.context is not None

    def open_model(self, kind: str, config, weights, encodings, labels, paths, *, project=None,
                   designs=None, background=None) -> None:
        """Show another model: its encodings laid out by PCA, nothing selected (pins stay)."""
        from .space import LatentMap

        if list(paths) != self.paths:  # groups hold indices of these designs
            self.groups = {}
        self._reset()
        self.context = DecodeContext(kind, config, weights, next_key(),
                                     tuple(background) if background is not None else None,
                                     look_of(project.manifest if project is not None else None))
        self.project, self.designs = project, designs
        self.encodings = np.asarray(encodings, np.float32)
        self.labels, self.paths = list(labels), list(paths)
        self.latent_map = LatentMap.fit(self.encodings, self.method, self.dims)
        self._emit("model", True)
        self._keep_fitting_constraints()

    def layout_job(self, **fields) -> dict:
        """A job for ``LatentMap.fit`` in a worker: the chosen projection, UMAP started from the
        layout on show when it is a UMAP of as many designs (so the picture moves, not jumps)."""
        lm = self.latent_map
        init = lm.coords if self.method == "umap" and lm is not None and lm.method == "umap" \
            and len(lm.coords) == len(self.paths) else None
        return {"method": self.method, "dims": self.dims, "init": init, **fields}

    def same_designs(self, project) -> bool:
        """``project`` is a newer save of the model on show (same designs, same architecture)."""
        return self.has_map and project.paths == self.paths and project.model_config == self.config

    def follow(self, project, latent_map, designs=None) -> None:
        """Newer weights of the model on show (an autosave while training) and their layout
        (``designs``: the loaded designs, when they have become known)."""
        background = self.context.background
        if background is None and project.manifest.get("typical_background") is not None:
            background = tuple(project.manifest["typical_background"])
        self.context = DecodeContext(self.kind, self.config, project.weights, next_key(), background,
                                     look_of(project.manifest))
        self.project = project
        if designs is not None:
            self.designs = designs
        self.encodings = np.asarray(project.encodings, np.float32)
        self.latent_map = latent_map
        self.refits += 1
        self._layouts += 1
        self._emit("model", False)

    def clear(self) -> None:
        """No model: nothing to show (pins are cleared by ``clear_pins``)."""
        self._reset()
        self._emit("model", True)

    # ------------------------------------------------------------------ the layout
    def set_layout(self, latent_map, method: str, dims) -> None:
        """Another 2D layout of the same encodings: ``method`` and ``dims`` as for ``LatentMap.fit``."""
        self.latent_map = latent_map
        self.method, self.dims = method, tuple(dims)
        self._layouts += 1
        self._emit("layout")

    def choose_layout(self, method: str, dims) -> None:
        """Remember the projection the user chose (its fit may still be running elsewhere)."""
        self.method, self.dims = method, tuple(dims)

    def start_point(self) -> tuple[float, float]:
        """Where the cursor starts on a new map: the design nearest the middle of all."""
        c = self.latent_map.coords
        start = c[int(np.argmin(np.linalg.norm(c - c.mean(axis=0), axis=1)))]
        return float(start[0]), float(start[1])

    def anchor(self, xy) -> int | None:
        """The design the cursor is on (the selected one, else the nearest to ``xy``): where the
        cursor goes back to after a refit, since old coordinates mean nothing on a new map."""
        lm = self.latent_map
        if lm is None or not len(lm.coords):
            return None
        if 0 <= self.selected < len(lm.coords):
            return self.selected
        return int(np.argmin(np.linalg.norm(lm.coords - np.asarray(xy, np.float32), axis=1)))

    def point_of(self, z: np.ndarray) -> tuple[float, float]:
        y = self.latent_map.project(np.asarray(z, np.float32).reshape(1, -1))[0]
        return float(y[0]), float(y[1])

    # ------------------------------------------------------------------ the design on show
    def move_to(self, xy) -> Design | None:
        """The cursor moved to map point ``xy``: show the lifted latent (None if nothing changed)."""
        if not self.has_map:
            return None
        z = self.latent_map.lift(np.asarray([xy], np.float64))[0]
        d = self.design
        if d is not None and d.source == "map" and self._design_key == self.context.key and np.array_equal(z, d.z):
            return None
        return self.show(z, xy=(float(xy[0]), float(xy[1])))

    def show(self, z: np.ndarray, source: str = "map", meta: dict | None = None, xy=None) -> Design | None:
        """Show a latent vector (from the cursor, a surprise, a sweep...).  ``xy``: the map point the
        cursor chose it at (else the cursor goes where it projects).  A design of a stream
        (:data:`GESTURES`) is recorded when it rests (``settle``), any other at once."""
        if not self.has_map:
            return None
        if self.design is not None and (not self.history.entries or self.design.source != source):
            self.history.record()  # where the session started, or the end of the previous gesture
        self.design = Design(np.asarray(z, np.float32).ravel(), source, dict(meta or {}), xy, self._layouts)
        self._design_key = self.context.key
        self._emit("design", self.design)
        if source not in GESTURES:
            self.history.record()
        return self.design

    def settle(self, label: str | None = None):
        """The design has come to rest (a drag ended, a click): one step of the history, if it changed."""
        return self.history.record(label) if self.has_map else None

    # ------------------------------------------------------------------ undo and redo (see .history)
    def undo(self):
        """Back one step; the step now current (None when there is nothing to undo)."""
        return self.history.undo() if self.has_map else None

    def redo(self):
        return self.history.redo() if self.has_map else None

    def jump(self, index: int):
        """Go to step ``index`` of ``history.entries`` (the history strip's click)."""
        return self.history.jump(index) if self.has_map else None

    @staticmethod
    def _design_label(design) -> str:
        source = design.source if design is not None else "map"
        return DESIGN_LABELS.get(source, source.replace("-", " ").replace("_", " ").capitalize())

    def _put_design(self, design) -> None:
        if design is not None and self.has_map:
            self.show(design.z, design.source, design.meta, design.xy if design.layout == self._layouts else None)

    def _put_pins(self, value) -> None:
        for pin, name in value:
            pin.name = name
        self.pins = [pin for pin, _name in value]
        self._emit("pins")

    def _put_groups(self, value) -> None:
        self.groups = {k: list(v) for k, v in value.items()}
        self._emit("groups")

    # ------------------------------------------------------------------ selection
    def select(self, index: int) -> bool:
        if not self.has_map or not 0 <= index < len(self.latent_map.coords):
            return False
        self.selected = int(index)
        self._emit("selection", self.selected)
        return True

    def deselect(self) -> None:
        if self.selected != -1:
            self.selected = -1
            self._emit("selection", -1)

    def label_of(self, index: int) -> str:
        return self.labels[index] if 0 <= index < len(self.labels) else ""

    def path_of(self, index: int) -> str:
        return self.paths[index] if 0 <= index < len(self.paths) else str(index)

    # ------------------------------------------------------------------ picked designs and groups
    def pick(self, indices) -> np.ndarray:
        """Pick these training designs (a rectangle or lasso on the map; empty: none)."""
        n = len(self.paths)
        idx = np.unique(np.asarray(indices, np.int64).ravel())
        idx = idx[(idx >= 0) & (idx < n)]
        if not np.array_equal(idx, self.picked):
            self.picked = idx
            self._emit("picked", idx)
        return idx

    @undoable("Group")
    def set_group(self, name: str, indices) -> str:
        """Name a group of training designs (replacing a group of that name); the name used."""
        from ..errors import UserError

        name = " ".join(str(name).split())
        if not name:
            raise UserError("a group needs a name")
        n = len(self.paths)
        members = sorted({int(i) for i in np.asarray(indices, np.int64).ravel() if 0 <= int(i) < n})
        if self.groups.get(name) != members:
            self.groups = {**self.groups, name: members}
            self._emit("groups")
        return name

    @undoable("Remove group")
    def remove_group(self, name: str) -> bool:
        if name not in self.groups:
            return False
        self.groups = {k: v for k, v in self.groups.items() if k != name}
        self._emit("groups")
        return True

    # ------------------------------------------------------------------ pins
    def unique_name(self, base: str) -> str:
        names = {p.name for p in self.pins}
        if base not in names:
            return base
        return next(f"{base}-{n}" for n in itertools.count(2) if f"{base}-{n}" not in names)

    @undoable("Pin")
    def add_pins(self, pins: list[Pin]) -> list[Pin]:
        """Keep these designs (names made unique)."""
        for pin in pins:
            pin.name = self.unique_name(clean_name(pin.name, "design"))
            self.pins.append(pin)
        if pins:
            self._emit("pins")
        return pins

    @undoable("Remove pins")
    def remove_pins(self, pins: list[Pin]) -> int:
        gone = {id(p) for p in pins}
        before = len(self.pins)
        self.pins = [p for p in self.pins if id(p) not in gone]
        if len(self.pins) != before:
            self._emit("pins")
        return before - len(self.pins)

    @undoable("Rename pin")
    def rename_pin(self, pin: Pin, text: str) -> str:
        """Rename a pin (cleaned to a safe file name; unchanged if nothing is left of ``text``)."""
        name = clean_name(text, pin.name)
        if name != pin.name:
            pin.name = name
            self._emit("pins")
        return pin.name

    @undoable("Clear pins")
    def clear_pins(self) -> None:
        if self.pins:
            self.pins = []
            self._emit("pins")

    def pin_design(self, thumb: np.ndarray | None, nearest: int | None = None, name: str | None = None) -> Pin | None:
        """Pin the design on show; named after the nearest training design when known."""
        d = self.design
        if d is None:
            return None
        near = self.paths[nearest] if nearest is not None and 0 <= nearest < len(self.paths) else ""
        stem = near.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0] if near else ""
        pin = Pin(name or (f"near-{stem}" if stem else "design"), d.z.copy(), thumb, source=d.source,
                  parents=[near] if near and d.source == "map" else [], seed=d.meta.get("seed"),
                  extra={k: v for k, v in d.meta.items() if k != "seed"})
        return self.add_pins([pin])[0]

    # ------------------------------------------------------------------ constraints
    @undoable("Constraints")
    def set_constraints(self, constraints) -> None:
        """The constraints on measured properties (``core.latent.constraints``) the designer asks
        for: the map shades where designs break them, Snap and Surprise x N meet them.  Undoable."""
        self._put_constraints(constraints)

    def _put_constraints(self, constraints) -> None:
        constraints = list(dict.fromkeys(constraints))
        if constraints != self.constraints:
            self.constraints = constraints
            self._emit("constraints")

    def add_constraints(self, constraints) -> None:
        self.set_constraints([*self.constraints, *constraints])

    def remove_constraint(self, constraint) -> None:
        self.set_constraints([c for c in self.constraints if c != constraint])

    def _keep_fitting_constraints(self) -> None:
        """Another model: constraints on properties its designs do not have are dropped."""
        from ..export.measure import property_names

        names = property_names(self.kind) if self.kind else ()
        self._put_constraints([c for c in self.constraints if c.name in names])
