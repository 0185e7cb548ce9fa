"""The Qt-free core of VAE Designer.

Modules, in the order data flows through them:

* ``settings``   -- frozen, JSON-round-tripping preprocessing settings.
* ``discover``   -- walking a design folder: which files, which kind, which labels.
* ``images``     -- one image file -> a centred R x R "ink" array (shape = bright).
* ``meshes``     -- one mesh file -> triangles normalised into the unit cube.
* ``voxelize``   -- triangles -> an R^3 occupancy grid (shell + outside flood fill).
* ``cache``      -- per-file results kept under the user cache directory.
* ``ingest``     -- the cancellable, parallel generator that ties these together
  and returns a ``DesignSet`` (``designset``).
* ``preview``    -- contact sheets of processed items (meshes as shaded depth).

Nothing in here imports Qt (``tests/test_core_no_qt.py`` proves it).
"""
