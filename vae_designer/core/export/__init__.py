"""Pictures and files made from designs: exported PNGs, meshes and sidecars, and previews.
May import ``ingest`` (items, ``DesignSet``) and the shelves; not ``model`` or ``training``.

Modules:

* ``design``  -- one decoded design -> its file in the format asked for, and the sidecar's ``export``.
* ``outline`` -- a silhouette's probabilities -> its smooth outline (closed loops, even-odd).
* ``crisp``   -- crisp silhouette pictures at any size (one band per flat tone), the uncertainty
  overlay, smoothly enlarged rasters.
* ``vector``  -- outlines as SVG paths and DXF (R12) polylines in source units.
* ``refine``  -- the cubic spline enlargement of probability fields (2D and 3D).
* ``files``   -- decoded probabilities -> PNG pictures; meshes written as STL/OBJ/PLY/GLB (and the
  names of ``mesh`` and ``sidecar`` that callers import from here).
* ``mesh``    -- occupancy probabilities -> smooth, watertight meshes in source units; volume, bbox;
  the preview surface.
* ``sidecar`` -- the JSON sidecars that let an export be reproduced.
* ``writing`` -- atomic writes whose OS failures are one readable line.
* ``preview`` -- thumbnails and contact sheets of processed items (meshes as shaded depth).
* ``measure`` -- measured properties in source units (images: width, height, aspect, area, centroid;
  meshes: length, width, height, volume, surface and frontal area), exact and fast.
* ``measure_files`` -- measuring exported files (PNG, SVG, DXF, meshes) and sidecars.
"""
