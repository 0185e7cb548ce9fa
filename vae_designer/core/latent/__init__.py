"""Working with latent vectors: the design map's maths, and from latent vectors to files.
May import ``export``, ``training``, ``model``, ``ingest`` and the shelves; not ``project``.

Modules:

* ``space``    -- :class:`LatentMap` (projection, the lift from a map point back to a latent
  vector, neighbours, novelty), active dimensions, blends and sweeps.
* ``session``  -- :class:`MapSession`: what the Map page shows (model and decode context,
  layout, the design on show, selection, pins), changed through its methods, observed.
* ``generate`` -- prior samples, interpolation, export of decoded designs, reproduction
  from sidecars (shared by the CLI and the GUI).
"""
