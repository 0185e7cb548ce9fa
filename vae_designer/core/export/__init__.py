"""Pictures and files made from designs: exported PNGs, meshes and sidecars, and previews.
May import ``ingest`` (items, ``DesignSet``) and the shelves; not ``model`` or ``training``.

Modules:

* ``files``   -- decoded probabilities -> PNG pictures; meshes written as STL/OBJ/PLY/GLB (and the
  names of ``mesh`` and ``sidecar`` that callers import from here).
* ``mesh``    -- occupancy probabilities -> watertight marching-cubes meshes in source units.
* ``sidecar`` -- the JSON sidecars that let an export be reproduced.
* ``writing`` -- atomic writes whose OS failures are one readable line.
* ``preview`` -- thumbnails and contact sheets of processed items (meshes as shaded depth).
"""
