"""Constraints on measured properties: ``aspect>=2.4``, ``height<=1450``, ``1000<=length<=4800mm``.

The language, shared by ``sample --where``, the app's constraints panel and the
map session:

    CONSTRAINT := NAME OP NUMBER [UNIT]  |  NUMBER [UNIT] OP NAME OP NUMBER [UNIT]
    OP         := >= | <= | > | < | ==

``NAME`` is a property of the project's kind (``core.export.measure.PROPERTIES``:
images ``width height aspect area centroid_x centroid_y``; meshes ``length width
height volume surface_area frontal_area``).  Numbers are in the source units (the
source images' pixels, the meshes' own units) and may group thousands with ``,``
or ``_`` (``1,450``).  A unit is optional: ``px`` (``px2``/``px²`` for areas) for
images; for meshes ``mm``, ``cm``, ``m`` or ``in`` (with ``2``/``²``, ``3``/``³``
for areas and volumes), converted on the understanding that mesh files are in
millimetres (STL has no units; CAD exports them in mm).  ``==`` holds within 1%
of the value.  Anything else is a one-line :class:`UserError`.

:func:`slack` says by how much designs meet a set of constraints (negative: how
far they break them), each constraint's excess divided by the property's *scale*
(the frame's size to the property's power; 1 for the aspect), so that searches can
add up constraints on different properties.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ..errors import UserError

OPS = (">=", "<=", "==", ">", "<")
EQUAL_TOLERANCE = 0.01  # '==' holds within this share of the value
_MESH_UNITS = {"mm": 1.0, "cm": 10.0, "m": 1000.0, "in": 25.4}
_POWERS = {"": 1, "2": 2, "²": 2, "3": 3, "³": 3}
_NUMBER = r"[-+]?(?:\d[\d,_]*\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_SIDE = rf"\s*({_NUMBER})\s*([A-Za-z]+[23²³]?)?\s*"
_OP = r"(>=|<=|==|>|<|=>|=<|≥|≤)"


@dataclass(frozen=True)
class Constraint:
    """``name op value``; ``value`` in the source units."""

    name: str
    op: str
    value: float

    def text(self) -> str:
        return f"{self.name}{self.op}{self.value:.10g}"

    def holds(self, v):
        """Whether values (a float or an array; NaN never holds) meet the constraint."""
        v = np.asarray(v, np.float64)
        with np.errstate(invalid="ignore"):
            out = {">=": v >= self.value, "<=": v <= self.value, ">": v > self.value, "<": v < self.value,
                   "==": np.abs(v - self.value) <= EQUAL_TOLERANCE * abs(self.value)}[self.op]
        return out & np.isfinite(v)

    def excess(self, v):
        """How far values are inside the bound (>= 0 where it holds; NaN as far out as can be)."""
        v = np.asarray(v, np.float64)
        if self.op in (">=", ">"):
            out = v - self.value
        elif self.op in ("<=", "<"):
            out = self.value - v
        else:
            out = EQUAL_TOLERANCE * abs(self.value) - np.abs(v - self.value)
        return np.where(np.isfinite(out), out, -np.inf)


def parse_constraint(text: str, kind: str) -> list[Constraint]:
    """One constraint (two for a range ``A <= name <= B``) from its text; see the module docstring."""
    from ..export.measure import property_names

    raw = str(text).strip()
    names = property_names(kind)
    m = re.fullmatch(rf"\s*([A-Za-z_]+)\s*{_OP}{_SIDE}", raw)
    if m:
        name, op, number, unit = m.groups()
        return [Constraint(_name(name, names, raw, kind), _op(op), _value(number, unit, name, kind, raw))]
    m = re.fullmatch(rf"{_SIDE}{_OP}\s*([A-Za-z_]+)\s*{_OP}{_SIDE}", raw)
    if m:
        n1, u1, op1, name, op2, n2, u2 = m.groups()
        name = _name(name, names, raw, kind)
        flipped = {">=": "<=", "<=": ">=", ">": "<", "<": ">", "==": "=="}
        return [Constraint(name, flipped[_op(op1)], _value(n1, u1, name, kind, raw)),
                Constraint(name, _op(op2), _value(n2, u2, name, kind, raw))]
    raise UserError(f"cannot read the constraint {raw!r}: write it like 'aspect>=2.4' "
                    f"(a property, one of {' '.join(OPS)}, a number)")


def parse_constraints(texts, kind: str) -> tuple[Constraint, ...]:
    """Every constraint of ``--where`` texts (or of :meth:`Constraint.text`)."""
    out: list[Constraint] = []
    for text in texts or ():
        out += parse_constraint(text, kind)
    return tuple(out)


def _name(name: str, names, raw: str, kind: str) -> str:
    if name not in names:
        close = [n for n in names if n.startswith(name[:3].lower())]
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise UserError(f"unknown property {name!r} in {raw!r}{hint}: {kind} designs have {', '.join(names)}")
    return name


def _op(op: str) -> str:
    return {"=>": ">=", "=<": "<=", "≥": ">=", "≤": "<="}.get(op, op)


def _value(number: str, unit: str | None, name: str, kind: str, raw: str) -> float:
    from ..export.measure import property_of

    if not re.fullmatch(r"[-+]?\d{1,3}(?:[,_]\d{3})*(?:\.\d*)?(?:[eE][-+]?\d+)?|[^,_]*", number):
        raise UserError(f"cannot read the number {number!r} in {raw!r}")
    value = float(number.replace(",", "").replace("_", ""))
    if not np.isfinite(value):
        raise UserError(f"the number in {raw!r} must be finite")
    if not unit:
        return value
    dim = property_of(kind, name).dim
    m = re.fullmatch(r"([A-Za-z]+)([23²³]?)", unit)
    base, power = m.group(1).lower(), _POWERS[m.group(2)]
    known = {"px": 1.0} if kind == "image" else _MESH_UNITS
    if base not in known or dim == 0:
        units = "source pixels (px)" if kind == "image" else "the meshes' units (mm, cm, m, in)"
        what = "has no unit" if dim == 0 else f"is in {units}"
        raise UserError(f"unknown unit {unit!r} in {raw!r}: {name} {what}")
    if power != dim:
        need = {1: "a length", 2: "an area", 3: "a volume"}[dim]
        raise UserError(f"{name} is {need}: write {unit[:len(base)]}{'' if dim == 1 else dim}, not {unit!r}")
    return value * known[base] ** dim


# ----------------------------------------------------------------------------------- applying them
def scale_of(name: str, frame: dict) -> float:
    """What one unit of slack on ``name`` means: the frame's size to the property's power (1 for ratios)."""
    from ..export.measure import property_of

    dim = property_of(frame["kind"], name).dim
    return float(frame["size"]) ** dim if dim else 1.0


def slack(values: dict, constraints, frame: dict) -> np.ndarray:
    """The smallest normalised excess of each design (see the module docstring): >= 0 where every
    constraint holds.  ``values``: {name: (B,) or float}; +inf without constraints."""
    out = None
    for c in constraints:
        e = np.asarray(c.excess(values[c.name]), np.float64) / scale_of(c.name, frame)
        out = e if out is None else np.minimum(out, e)
    if out is None:
        first = next(iter(values.values()), 0.0)
        return np.full(np.shape(first), np.inf)
    return out


def meets(values: dict, constraints):
    """Whether designs meet every constraint (an array, or a bool for one design's floats)."""
    ok = None
    for c in constraints:
        h = c.holds(values[c.name])
        ok = h if ok is None else ok & h
    if ok is None:
        return True
    return bool(ok) if np.ndim(ok) == 0 else ok


def broken(values: dict, constraints) -> list[Constraint]:
    """The constraints one design (floats) breaks."""
    return [c for c in constraints if not bool(c.holds(values[c.name]))]


def names_of(constraints) -> tuple[str, ...]:
    """The properties constraints are on, each once, in order."""
    return tuple(dict.fromkeys(c.name for c in constraints))
