"""Pictures and files made from designs: exported PNGs, meshes and sidecars, and previews.
May import ``ingest`` (items, ``DesignSet``) and the shelves; not ``model`` or ``training``.

Modules:

* ``files``   -- decoded probabilities -> PNG pictures, marching-cubes meshes (STL/OBJ/PLY/GLB)
  in source units, and the JSON sidecars that let an export be reproduced.
* ``preview`` -- thumbnails and contact sheets of processed items (meshes as shaded depth).
"""
