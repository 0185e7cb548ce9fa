"""The Qt-free core of VAE Designer, in rooms (packages) that import only the rooms below them.

Rooms, bottom to top (``pyproject.toml``'s import-linter ``layers`` contract holds it):

* shelves, usable by every room: ``errors`` (``UserError``, ``Cancelled``, ``SkipFile``),
  ``fsio`` (atomic writes and JSON I/O), ``generators`` (``run_to_end``) and
  ``lazy_exports`` (a room's package exporting names without importing every module).
* ``ingest/``   -- a design folder -> a ``DesignSet``: settings, discover, images, meshes,
  voxelize, process (the worker-process unit), cache, designset, steps (``ingest_steps``).
* ``model/``    -- config (``ModelConfig``, ``TrainConfig``), networks (the VAEs), losses.
* ``training/`` -- the trainer and the use of a trained model (encoding, decoding).
* ``export/``   -- files (crisp PNG, SVG/DXF outlines, smooth meshes, sidecars) and previews
  (thumbnails, contact sheets); beside ``training``, neither imports the other.
* ``latent/``   -- space (the design map's maths) and generate (latent vectors -> files).
* ``project/``  -- store (project folders on disk) and autosave; beside ``latent``.

Nothing in here imports Qt (``tests/test_core_no_qt.py`` proves it).
"""
