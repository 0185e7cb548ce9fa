"""The Map page: the latent map of a trained project, its tools, previews, pins and exports.
May import ``gui.common``, ``gui.training`` and the core; not the app shell.  (While the user drags, training
waits through ``common.jobs.interaction``, the gate the page holds.)

Modules:

* ``page``         -- :class:`MapPage`: sources, cursor, preview; made of the parts below.
* ``drawing``      -- layout, points, colours, backdrop (``point_cloud`` draws big maps).
* ``colour``       -- colour tables and the colour bar (labels, reconstruction errors).
* ``backdrop``     -- the decoded lattice behind the points.
* ``exports``      -- pins, exports, compare.
* ``tools``        -- sweep, surprise, blend.
* ``decoder``      -- what the map's threads run (decoding with the saved weights).
* ``point_cloud``  -- one item that draws a big map's points.
* ``gallery``, ``compare_view``, ``item_card``, ``preview_view`` -- the views beside the map;
  the 3D view in ``mesh_preview``, imported only when OpenGL is available.
"""
