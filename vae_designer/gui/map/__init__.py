"""The Map page: the latent map of a trained project, its tools, previews, pins and exports.
May import ``gui.common`` and the core; not the app shell or the other pages.  (While the user drags,
training waits through ``common.jobs.interaction``, the gate the page holds.)

The state is the core's Qt-free ``core.latent.session.MapSession``; these modules are
views that get state and callbacks, and the page that composes them.

Modules:

* ``page``            -- :class:`MapPage`: composes the views, follows the session's signals.
* ``session_signals`` -- the map session's observer callbacks as Qt signals.
* ``header``          -- title, projection, colour by, backdrop toggle, status.
* ``plot_view``       -- the plot: cursor, hover, clicks, selection ring, backdrop item.
* ``drawing``         -- the points and their legend (``point_cloud`` draws big maps).
* ``colour``          -- colour tables, the colour bar, colouring points by reconstruction error.
* ``projections``     -- the chosen projection, fitted here or (UMAP) in a worker.
* ``preview_panel``   -- the decoded design, novelty, Pin / Export (``preview_view`` pictures;
  the 3D view in ``mesh_preview``, imported only when OpenGL is available).
* ``live_decode``     -- decoding the cursor's design, newest request wins, latency measured.
* ``tools``           -- sweep, surprise, blend.
* ``tool_tabs``       -- the tools area's tabs and the steering tools: ``directions_panel`` (named
  directions, a slider with a typed value), ``completion_panel`` (mark a region missing, complete
  it), ``placing`` (own design files placed on the map: File → Place Design…, drops) and
  ``placed_marks`` (their stars on the map).
* ``exports``         -- pin thumbnails, exports of designs, pins and sequences.
* ``decoder``         -- what the map's workers run (decoding with the saved weights).
* ``strips``          -- under the map: the picked designs and the history strip, the session kept:
  ``selection`` (Shift+drag rectangle, Ctrl+Shift+drag lasso), ``selection_strip`` (picked designs,
  groups, CSV), ``history_strip`` (the steps, click to go back), ``keeper`` (the session saved into
  the project as it changes and on close, restored on reopening).
* ``backdrop``, ``gallery``, ``compare_view``, ``item_card`` -- the other views.
* ``steering``        -- measured properties, constraints, Snap to spec, colour by property:
  ``constraints_panel`` (the properties label, the constraints panel), ``spec_map`` (the shaded,
  coloured lattice), ``spec_jobs`` (what their workers run).
"""
