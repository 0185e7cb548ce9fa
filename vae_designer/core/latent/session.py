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
event with what changed.

Data flow: ``open_model`` (a saved project, or a model of the training page) ->
``follow`` (each autosave while training: new weights, same designs) ->
``move_to(xy)`` / ``show(z)`` (the cursor's design) -> the GUI decodes
``context.job(z=...)`` in a worker and pins or exports with :mod:`.generate`.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

#: What observers can subscribe to, and what each callback receives.
EVENTS = {
    "model": "new_model: bool -- another model, or the same model's newer weights (follow)",
    "layout": "-- another 2D layout of the same encodings (projection changed)",
    "design": "design: Design -- the design under the cursor changed",
    "selection": "index: int -- the selected training design (-1: none)",
    "pins": "-- pins added, removed or renamed",
    "constraints": "-- constraints on measured properties set, added or removed (session.constraints)",
}

_keys = itertools.count(1)
LOOK_FIELDS = ("image_look", "image_tones", "channels")  # a project manifest's fields that say how designs look


def look_of(manifest: dict | None) -> dict:
    """The fields of a project manifest that say how its image designs are drawn."""
    return {k: manifest[k] for k in LOOK_FIELDS if manifest and manifest.get(k) is not None}


@dataclass(frozen=True)
class DecodeContext:
    """Everything a worker needs to decode latents with the session's model.

    ``key`` is unique to these weights (workers cache one model per key), so a job
    made before a refit never decodes with the newer weights or vice versa.
    """

    kind: str  # 'image' | 'mesh'
    config: object  # core.model.config.ModelConfig
    weights: dict
    key: tuple
    background: tuple | None = None
    look: dict = field(default_factory=dict)  # how image designs look: the manifest's image_look, image_tones

    def job(self, **fields) -> dict:
        """The job dict of the map's workers: the context's fields plus ``fields``."""
        return {"config": self.config, "weights": self.weights, "weights_key": self.key, "kind": self.kind,
                "background": self.background, "look": self.look, **fields}


@dataclass
class Design:
    """A latent vector on show, and how it was made (its sidecar's ``source``, ``seed``, extras)."""

    z: np.ndarray
    source: str = "map"  # 'map' (the cursor), 'surprise', 'sweep', 'blend', ...
    meta: dict = field(default_factory=dict)  # sidecar fields: a surprise's seed and temperature

    def export_fields(self) -> dict:
        """``export_design`` keyword arguments for the sidecar: ``seed`` and ``extra``."""
        return {"seed": self.meta.get("seed"), "extra": {k: v for k, v in self.meta.items() if k != "seed"}}


@dataclass
class Pin:
    """A design the designer keeps, with how it was made (written into its sidecar on export)."""

    name: str
    z: np.ndarray  # latent vector (D,)
    thumb: np.ndarray | None = None  # RGB uint8
    source: str = "map"
    parents: list = field(default_factory=list)
    weights: list | None = None  # blend weights, one per parent
    seed: int | None = None  # a surprise's random seed (its sidecar's "seed")
    extra: dict = field(default_factory=dict)  # more sidecar fields (a surprise's "temperature"...)

    def export_fields(self) -> dict:
        return {"seed": self.seed, "extra": self.extra}


def clean_name(text: str, fallback: str) -> str:
    """A pin name that is also a safe file name (no path separators or shell-hostile characters)."""
    return "".join(c for c in text.strip() if c not in '/\\:*?"<>|') or fallback


class MapSession:
    """See the module docstring.  All methods run on one thread (the GUI's)."""

    def __init__(self) -> None:
        self._observers: dict[str, list[Callable]] = {e: [] for e in EVENTS}
        self.pins: list[Pin] = []
        self.constraints: list = []  # core.latent.constraints.Constraint, kept across models like pins
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
        self.refits = 0  # how many times ``follow`` moved the map to newer weights

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

        self._reset()
        self.context = DecodeContext(kind, config, weights, ("weights", next(_keys)),
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
        self.context = DecodeContext(self.kind, self.config, project.weights, ("weights", next(_keys)), background,
                                     look_of(project.manifest))
        self.project = project
        if designs is not None:
            self.designs = designs
        self.encodings = np.asarray(project.encodings, np.float32)
        self.latent_map = latent_map
        self.refits += 1
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
        return self.show(z)

    def show(self, z: np.ndarray, source: str = "map", meta: dict | None = None) -> Design | None:
        """Show a latent vector (from the cursor, a surprise, a sweep...)."""
        if not self.has_map:
            return None
        self.design = Design(np.asarray(z, np.float32).ravel(), source, dict(meta or {}))
        self._design_key = self.context.key
        self._emit("design", self.design)
        return self.design

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

    # ------------------------------------------------------------------ pins
    def unique_name(self, base: str) -> str:
        names = {p.name for p in self.pins}
        if base not in names:
            return base
        return next(f"{base}-{n}" for n in itertools.count(2) if f"{base}-{n}" not in names)

    def add_pins(self, pins: list[Pin]) -> list[Pin]:
        """Keep these designs (names made unique)."""
        for pin in pins:
            pin.name = self.unique_name(clean_name(pin.name, "design"))
            self.pins.append(pin)
        if pins:
            self._emit("pins")
        return pins

    def remove_pins(self, pins: list[Pin]) -> int:
        gone = {id(p) for p in pins}
        before = len(self.pins)
        self.pins = [p for p in self.pins if id(p) not in gone]
        if len(self.pins) != before:
            self._emit("pins")
        return before - len(self.pins)

    def rename_pin(self, pin: Pin, text: str) -> str:
        """Rename a pin (cleaned to a safe file name; unchanged if nothing is left of ``text``)."""
        name = clean_name(text, pin.name)
        if name != pin.name:
            pin.name = name
            self._emit("pins")
        return pin.name

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
    def set_constraints(self, constraints) -> None:
        """The constraints on measured properties (``core.latent.constraints``) the designer asks
        for: the map shades where designs break them, Snap and Surprise x N meet them."""
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
        self.set_constraints([c for c in self.constraints if c.name in names])
