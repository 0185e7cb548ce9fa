"""A silhouette's outline as vector files in source units: SVG paths and DXF polylines.

Source units are the pixels of the source images: the model's R x R square
covers ``size`` of them (the collection's typical canvas, see
:func:`core.ingest.images.process_image`'s ``meta["size"]``), so a loop point
``(x, y)`` in model pixels becomes ``(x, y) * size / R``.

* **SVG**: one ``<path>`` holding every loop, ``fill-rule="evenodd"`` (holes
  are holes), filled with the collection's ink colour over a background
  rectangle of its paper colour (``id="background"``: delete it for a
  transparent drawing); ``viewBox="0 0 size size"``, y down like the pictures.
  A flat-toned design has one path per tone band (``id="design"`` is the shape,
  ``tone-2``... the darker bands painted over it).
* **DXF** (AutoCAD R12, ASCII -- the version every CAD program reads): one
  closed ``POLYLINE`` per loop, the shape's boundaries on layer ``OUTLINE`` and
  the holes' on layer ``HOLES``; y up as in CAD (``y_dxf = size - y``), so the
  drawing is not mirrored.  Units are left unset (``$INSUNITS`` 0): pixels.
  It holds the design's shape (for a flat-toned design, its lightest band's outline).
"""

from __future__ import annotations

import numpy as np

from .outline import Outline


def _number(v: float) -> str:
    """A coordinate with at most 4 decimals and no trailing zeros ('12.5', '3', '-0.125')."""
    text = f"{v:.4f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _hex(rgb) -> str:
    return "#" + "".join(f"{int(c):02x}" for c in np.asarray(rgb).reshape(3))


def svg_text(outline: Outline | list[Outline], size: float, ink=(0, 0, 0), paper=(255, 255, 255)) -> str:
    """The outline as an SVG document in source units (``size`` = the model square's side in them);
    ``ink`` and ``paper`` are RGB 0..255 (``paper=None``: no background rectangle).  A list of
    outlines (the tone bands of :func:`.crisp.tone_outlines`) with a list of ``ink`` colours gives
    one path per band, lightest first, each painted over the one before."""
    outlines = outline if isinstance(outline, list) else [outline]
    inks = ink if isinstance(outline, list) else [ink]
    side = _number(float(size))
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{side}" height="{side}" '
        f'viewBox="0 0 {side} {side}">',
    ]
    if paper is not None:
        lines.append(f'  <rect id="background" x="0" y="0" width="{side}" height="{side}" fill="{_hex(paper)}"/>')
    for k, (o, colour) in enumerate(zip(outlines, inks)):
        scale = float(size) / o.resolution
        d = " ".join("M" + " L".join(f"{_number(x)} {_number(y)}" for x, y in loop * scale) + " Z"
                     for loop in o.loops)
        name = "design" if k == 0 else f"tone-{k + 1}"
        lines.append(f'  <path id="{name}" fill="{_hex(colour)}" fill-rule="evenodd" stroke="none" d="{d}"/>')
    lines.append("</svg>")
    return "\n".join(lines) + "\n"


def _pairs(*items) -> list[str]:
    """DXF group code / value pairs, one per line each."""
    out = []
    for code, value in items:
        out += [str(code), str(value)]
    return out


def dxf_text(outline: Outline, size: float) -> str:
    """The outline as an ASCII DXF (R12) drawing in source units, y up; see the module docstring."""
    scale = float(size) / outline.resolution
    depths = outline.depths()
    loops = [np.column_stack([loop[:, 0] * scale, float(size) - loop[:, 1] * scale]) for loop in outline.loops]
    lo = np.concatenate(loops).min(axis=0) if loops else np.zeros(2)
    hi = np.concatenate(loops).max(axis=0) if loops else np.zeros(2)
    out = _pairs((0, "SECTION"), (2, "HEADER"), (9, "$ACADVER"), (1, "AC1009"), (9, "$INSUNITS"), (70, 0),
                 (9, "$EXTMIN"), (10, _number(lo[0])), (20, _number(lo[1])), (30, 0),
                 (9, "$EXTMAX"), (10, _number(hi[0])), (20, _number(hi[1])), (30, 0), (0, "ENDSEC"))
    out += _pairs((0, "SECTION"), (2, "TABLES"), (0, "TABLE"), (2, "LAYER"), (70, 2))
    for name, colour in (("OUTLINE", 7), ("HOLES", 1)):
        out += _pairs((0, "LAYER"), (2, name), (70, 0), (62, colour), (6, "CONTINUOUS"))
    out += _pairs((0, "ENDTAB"), (0, "ENDSEC"), (0, "SECTION"), (2, "ENTITIES"))
    for pts, depth in zip(loops, depths):
        layer = "OUTLINE" if depth % 2 == 0 else "HOLES"
        out += _pairs((0, "POLYLINE"), (8, layer), (66, 1), (70, 1), (10, 0), (20, 0), (30, 0))
        for x, y in pts:
            out += _pairs((0, "VERTEX"), (8, layer), (10, _number(x)), (20, _number(y)), (30, 0))
        out += _pairs((0, "SEQEND"), (8, layer))
    out += _pairs((0, "ENDSEC"), (0, "EOF"))
    return "\n".join(out) + "\n"
