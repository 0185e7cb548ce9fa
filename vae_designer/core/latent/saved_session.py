"""A map session as a document: the pins, the groups, the history and the design on show.

What a project keeps of the designer's work on its map, so that reopening it puts them
back where they were (``project.store.save_session`` writes it into the project folder).
:func:`session_document` gives a JSON-ready dict and the pictures (pins' and steps'
thumbnails, RGB uint8 arrays by name); :func:`restore_session` puts them back into a
session that shows the same model.

The document::

    {"format": 1, "latent_dim": D, "paths": N,
     "pins":    [{"name", "z": [D floats], "source", "parents", "weights", "seed", "extra"}, ...],
     "history": {"position": k, "steps": [{"label", "time", "merge", "state": {part: value}}, ...]},
     "live":    {part: value}}          # what was on show (it may differ from step k: a drag)

A state's ``design`` is ``{"z", "source", "meta"}`` or null; ``pins`` lists
``[pin number, name]`` pairs into the pin table (every pin of the session or of a step);
other parts are JSON as their ``History.track(encode=...)`` makes them.  A part the
document lacks keeps the session's value; a part the session does not know is ignored.
Latents are written as decimal floats, which read back to the same float32 values.
"""

from __future__ import annotations

import numpy as np

from ..errors import UserError
from .history import Step
from .session import Design, MapSession, Pin

FORMAT = 1
OWN_PARTS = ("design", "pins")  # the parts encoded here (the others encode themselves)


def _jsonable(value):
    """Sidecar fields as JSON (numpy scalars and arrays become numbers and lists)."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return value.tolist()
    return value.item() if isinstance(value, np.generic) else value


def _latent(values, dim: int) -> np.ndarray:
    z = np.asarray(values, np.float32).ravel()
    if z.shape != (dim,) or not np.isfinite(z).all():
        raise UserError(f"a latent vector of {z.size} values where the model has {dim}")
    return z


class _Pins:
    """The table of pins a document refers to by number."""

    def __init__(self) -> None:
        self.pins: list[Pin] = []
        self._number: dict[int, int] = {}

    def number(self, pin: Pin) -> int:
        if id(pin) not in self._number:
            self._number[id(pin)] = len(self.pins)
            self.pins.append(pin)
        return self._number[id(pin)]


def _encode_state(session: MapSession, state: dict, table: _Pins) -> dict:
    out = {}
    for name, value in state.items():
        if name == "design":
            out[name] = None if value is None else {"z": [float(v) for v in value.z], "source": value.source,
                                                    "meta": _jsonable(value.meta)}
        elif name == "pins":
            out[name] = [[table.number(pin), pin_name] for pin, pin_name in value]
        else:
            encode = session.history.parts[name].encode
            out[name] = _jsonable(encode(value) if encode else value)
    return out


def session_document(session: MapSession) -> tuple[dict, dict[str, np.ndarray]]:
    """The session's work as a JSON-ready document and its pictures (see the module docstring)."""
    table = _Pins()
    h = session.history
    live = _encode_state(session, h.snapshot(), table)
    steps = [{"label": s.label, "time": s.time, "merge": s.merge, "state": _encode_state(session, s.state, table)}
             for s in h.entries]
    pins = [{"name": p.name, "z": [float(v) for v in p.z], "source": p.source, "parents": _jsonable(p.parents),
             "weights": _jsonable(p.weights), "seed": _jsonable(p.seed), "extra": _jsonable(p.extra)}
            for p in table.pins]
    pictures = {f"pin/{k}": p.thumb for k, p in enumerate(table.pins) if p.thumb is not None}
    pictures.update({f"step/{k}": s.thumb for k, s in enumerate(h.entries) if s.thumb is not None})
    dim = int(session.encodings.shape[1]) if session.encodings is not None else None
    return ({"format": FORMAT, "latent_dim": dim, "paths": len(session.paths), "pins": pins,
             "history": {"position": h.position, "steps": steps}, "live": live},
            {k: np.ascontiguousarray(v, np.uint8) for k, v in pictures.items()})


def _decode_pins(doc: dict, dim: int, pictures: dict) -> list[Pin]:
    pins = []
    for k, p in enumerate(doc.get("pins") or []):
        pins.append(Pin(str(p["name"]), _latent(p["z"], dim), pictures.get(f"pin/{k}"),
                        source=str(p.get("source", "map")), parents=list(p.get("parents") or []),
                        weights=p.get("weights"), seed=p.get("seed"), extra=dict(p.get("extra") or {})))
    return pins


def _decode_state(session: MapSession, value: dict, pins: list[Pin], dim: int) -> dict:
    state = session.history.snapshot()  # parts the document lacks keep the session's values
    for name, v in (value or {}).items():
        if name == "design":
            state[name] = None if v is None else Design(_latent(v["z"], dim), str(v.get("source", "map")),
                                                        dict(v.get("meta") or {}))
        elif name == "pins":
            state[name] = tuple((pins[int(n)], str(pin_name)) for n, pin_name in v)
        elif name in session.history.parts:
            decode = session.history.parts[name].decode
            state[name] = decode(v) if decode else v
    return state


def restore_session(session: MapSession, doc: dict, pictures: dict | None = None) -> None:
    """Put a saved session's work back into ``session`` (which shows the model it was saved with).

    UserError, and nothing changed, when the document does not fit the model (another latent
    size, another number of designs) or is damaged."""
    pictures = pictures or {}
    if not session.has_map:
        raise UserError("no map to restore the session into")
    dim = int(session.encodings.shape[1])
    if int(doc.get("format", 0)) > FORMAT:
        raise UserError(f"the saved map session is of a newer format ({doc.get('format')})")
    if doc.get("latent_dim") not in (None, dim) or doc.get("paths") not in (None, len(session.paths)):
        raise UserError("the saved map session belongs to another model (other latent size or designs)")
    try:
        pins = _decode_pins(doc, dim, pictures)
        history = doc.get("history") or {}
        steps = []
        for k, s in enumerate(history.get("steps") or []):
            state = _decode_state(session, s.get("state"), pins, dim)
            steps.append(Step(str(s.get("label", "")), state, float(s.get("time", 0.0)), s.get("merge"),
                              pictures.get(f"step/{k}")))
        live = _decode_state(session, doc.get("live"), pins, dim)
        position = int(history.get("position", len(steps) - 1))
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
        raise UserError(f"the saved map session is damaged ({type(exc).__name__}: {exc})") from None
    session.history.load(steps, position)
    session.history.restore(live)
