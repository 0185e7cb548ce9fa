"""Files from the steering tools: a sequence along a named direction, completions of a design.

Shared by the CLI (``direction``, ``complete``) and the app.  The start design is named as
everywhere (:func:`.placing.design_of`: a training file, a sidecar or any design file); every
design is written with :func:`.generate.export_design`, so each has a sidecar that
``sample --from-json`` reproduces byte for byte, and that says how it was made:

* ``source`` "direction", ``parents`` [start], ``direction`` = {name, key, kind, unit, vector,
  origin, ...} of :meth:`.directions.Direction.describe` plus ``value``, ``start_value``,
  ``step``, ``steps`` and ``walk`` ("on-data" or "straight");
* ``source`` "complete", ``parents`` [design], ``completion`` = {rank, region, kept_iou,
  loss, start}.
"""

from __future__ import annotations

from collections.abc import Generator
from pathlib import Path

import numpy as np

from ..errors import UserError
from .generate import export_design


def direction_values(direction, start_value: float, start: float | None, end: float | None,
                     steps: int) -> np.ndarray:
    """The values of a sequence: from ``start`` (default: the start design's own value) to
    ``end`` (default: 1, B's level, for an A -> B direction; 2 standard deviations for a PC)."""
    if int(steps) < 2:
        raise UserError("--steps must be at least 2 (the start and the end)")
    v0 = float(start_value) if start is None else float(start)
    v1 = (1.0 if direction.kind != "pca" else 2.0) if end is None else float(end)
    if not (np.isfinite(v0) and np.isfinite(v1)):
        raise UserError("the values along a direction must be finite numbers")
    return np.linspace(v0, v1, int(steps))


SPACINGS = ("even", "values")  # "even": equal changes of the design (.spacing), "values": equal value steps


def direction_sequence(project, ref: str, spec: str, folder, fmt: str, *, steps: int = 8,
                       start: float | None = None, end: float | None = None, method: str = "on-data",
                       probe: bool = False, spacing: str = "even",
                       pixels: int | None = None, groups=None) -> Generator[list[Path], None, list[Path]]:
    """Write ``steps`` designs from the design ``ref`` along direction ``spec`` ("A->B" of the
    labels or of the named ``groups`` {name: training indices}, "pcK") into ``folder`` as
    ``direction_III.FMT`` with sidecars; yields each pair.
    ``spacing``: "even" (default: equal changes of the design, :func:`.spacing.even_values`) or "values"
    (equal steps of the value)."""
    from .directions import check_walk, parse_direction, walk, walk_density
    from .placing import design_of
    from .spacing import even_values

    check_walk(method)
    if spacing not in SPACINGS:
        raise UserError(f"unknown spacing {spacing!r}: use {' or '.join(SPACINGS)}")
    direction = parse_direction(spec, project.encodings, project.labels, probe=probe, groups=groups)
    design = design_of(project, ref, need_input=False)
    start_value = float(direction.value(design.z))
    values = direction_values(direction, start_value, start, end, steps)
    density = walk_density(training_split(project)) if method == "on-data" else None
    if spacing == "even":
        values = even_values(project, design.z, direction, values, density, method)
    zs = walk(design.z, direction, values, density, method)
    written: list[Path] = []
    width = max(3, len(str(len(values) - 1)))
    for k, (z, v) in enumerate(zip(zs, values)):
        info = {**direction.describe(), "value": float(v), "start_value": start_value, "step": k + 1,
                "steps": len(values), "walk": method, "spacing": spacing}
        paths = export_design(project, z, Path(folder) / f"direction_{k:0{width}d}", fmt, source="direction",
                              parents=[design.name], pixels=pixels, extra={"direction": info})
        written += paths
        yield paths
    return written


def region_of(project, design, *, mask: str | None = None, box=None, units: str = "source") -> np.ndarray:
    """The missing region of ``design`` (a :class:`.placing.DesignRef`) over the model's grid, from
    a mask picture or a box (``units``: "source" -- the design's source units -- or "fraction")."""
    from .completion import mask_from_png, region_mask

    if (mask is None) == (box is None):
        raise UserError("give the missing region either as --mask MASK.png or as --box")
    R = project.model_config.resolution
    if mask is not None:
        if project.kind != "image":
            raise UserError("--mask is a picture: it marks a region of an image design; for meshes use --box")
        return mask_from_png(mask, R, design.frame, design.meta.get("source_size"))
    if units not in ("source", "fraction"):
        raise UserError(f"unknown box units {units!r}: use source or fraction")
    margin = int(project.manifest.get("settings", {}).get("mesh_margin_voxels", 1))
    return region_mask(project.kind, R, box, design.frame if units == "source" else None, margin)


def training_split(project) -> np.ndarray:
    """The training split's encodings (all of them when there is no split): the designs a
    completion may start from (held-out designs stay unseen, as for the density)."""
    train = (project.metrics.get("split") or {}).get("train") or []
    enc = np.asarray(project.encodings)
    return enc[np.asarray(train, np.int64)] if len(train) and max(train) < len(enc) else enc


def parse_box(text: str) -> list[float]:
    """"X0,Y0,Z0,X1,Y1,Z1" (or X0,Y0,X1,Y1) -> numbers; :class:`UserError` when it is not that."""
    try:
        values = [float(v) for v in str(text).replace(" ", "").split(",")]
    except ValueError:
        raise UserError(f"--box {text!r}: give numbers separated by commas, e.g. 0,0,0.5,1,1,1") from None
    if len(values) not in (4, 6) or not all(np.isfinite(values)):
        raise UserError(f"--box {text!r}: give X0,Y0,X1,Y1 (images) or X0,Y0,Z0,X1,Y1,Z1 (meshes)")
    return values


def completions(project, ref: str, folder, fmt: str, *, n: int = 4, mask: str | None = None, box=None,
                units: str = "source", seed: int = 0, steps: int | None = None,
                pixels: int | None = None) -> Generator[list[Path], None, list[Path]]:
    """Complete the missing region of design ``ref`` up to ``n`` ways into ``folder`` as
    ``complete_III.FMT`` with sidecars, best first (see :mod:`.completion`; fewer when fewer
    completions differ); yields each pair."""
    from .completion import STEPS, complete_design
    from .placing import design_of

    design = design_of(project, ref)
    missing = region_of(project, design, mask=mask, box=box, units=units)
    region = {"mask": str(mask)} if mask is not None else {"box": [float(v) for v in box], "units": units}
    region["cells"] = int(missing.sum())
    found = complete_design(project.model_config, project.weights, design.x, missing, n, density=project.density(),
                            encodings=training_split(project),
                            seed=seed, steps=STEPS if steps is None else steps,
                            pos_weight=project.metrics.get("pos_weight") if project.kind == "mesh" else None)
    from .sampling import is_empty

    found = [c for c in found if not is_empty(project.kind, c.probs)]
    if not found:
        raise UserError("every completion decoded to an empty design: the model may need more training, "
                        "or a smaller missing region")
    written: list[Path] = []
    width = max(3, len(str(len(found) - 1)))
    for k, c in enumerate(found):
        info = {"rank": k + 1, "region": region, "kept_iou": round(c.kept_iou, 4), "loss": round(c.loss, 3),
                "start": c.start}
        paths = export_design(project, c.z, Path(folder) / f"complete_{k:0{width}d}", fmt,
                              source="complete", seed=seed, parents=[design.name], pixels=pixels,
                              extra={"completion": info})
        written += paths
        yield paths
    return written
