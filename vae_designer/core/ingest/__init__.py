"""Ingestion: a design folder -> a ``DesignSet`` (discover, process in worker processes, cache).
May import only the shelves (``core.errors``, ``core.fsio``) and third-party libraries.

``settings`` (the preprocessing settings and the resolution tables) and ``designset`` (the
loaded set) live here because they are ingestion's input and output; the rooms above
(``model``, ``training``, ``export``, ``project``) import them from here, never the reverse.

Modules:

* ``settings``  -- frozen, JSON-round-tripping preprocessing settings; kinds and resolutions.
* ``discover``  -- walking a design folder: which files, which kind, which labels.
* ``images``    -- one image file -> a centred R x R "ink" array (shape = bright).
* ``meshes``    -- one mesh file -> triangles normalised into the unit cube.
* ``voxelize``  -- triangles -> an R^3 occupancy grid (shell + outside flood fill).
* ``process``   -- one file -> one processed item: the unit of work run in worker processes.
* ``cache``     -- per-file results kept under the user cache directory.
* ``designset`` -- :class:`DesignSet`, the loaded set, compact in memory.
* ``looks``     -- what an image collection is: silhouettes (and their flat ink tones), grey, colour.
* ``steps``     -- :func:`ingest_steps`, the cancellable, parallel generator that ties these
  together, and :func:`load_designs`, which simply drives it.

The names below are importable from the package and load ``steps`` on first use, so that a
light import (``model.config`` needs ``ingest.settings``; worker processes preload
``ingest.process``) does not load the pool machinery.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy_exports import lazy_exports

_HOME = {"Progress": "steps", "ingest_steps": "steps", "load_designs": "steps"}

__all__ = ["Progress", "ingest_steps", "load_designs"]

if TYPE_CHECKING:  # what linters and type checkers see; at run time __getattr__ imports on demand
    from .steps import Progress, ingest_steps, load_designs


__getattr__, __dir__ = lazy_exports(__name__, _HOME, __all__)
