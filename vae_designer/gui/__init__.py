"""The PySide6 desktop app: a thin layer over ``vae_designer.core``.

The app shell, at this level (it may import every room below):

* ``app``              -- QApplication, theme, icon; ``run_app(path)`` (the ``vae-designer`` command).
* ``main_window``      -- sidebar + stacked pages, status bar, closing; its parts ``main_menus``
  (actions, menus, shortcuts, the Help dialogs) and ``main_opening`` (file dialogs, samples,
  recent items, drag and drop).
* ``workspace``        -- what is open (design folder, project); loads it in a worker.
* ``app_lifecycle``, ``crash_reporter`` -- quitting on signals, error reports.

The rooms (packages), each importing only ``common``, the rooms below it and the core:

* ``start/``    -- the Start page.
* ``dataset/``  -- the Dataset page and its ``thumbnails``.
* ``training/`` -- the Training page, ``session`` (one training run: its worker, weight
  snapshots, reconstructions, autosave of the best model), ``jobs`` (what those workers run)
  and its widgets (``settings``, ``loss_plot``, ``recon_grid``).
* ``map/``      -- the Map page (``page``), made of ``drawing``, ``colour``, ``backdrop``,
  ``exports``, ``tools``, ``decoder``, ``point_cloud``, ``gallery``, ``item_card``,
  ``compare_view`` and ``preview_view`` (its 3D view in ``mesh_preview``, imported only when
  OpenGL is available).
* ``common/``   -- ``theme``, ``icons``, ``widgets``, ``dialogs``, ``settings_store`` (look and
  persistence); ``workers`` (superqt's workers on the app's two thread pools, interactive and
  background: the one way long work runs, results back through signals); ``jobs`` (the
  newest-job-wins runner, the interaction gate); ``display`` (a display for scripts).

Nothing here trains or decodes on the GUI thread: heavy work goes to workers
and the GUI only ever sees CPU copies of the weights (snapshots).
"""

# OMP_WAIT_POLICY=PASSIVE (the GUI thread must not be starved by spinning OpenMP threads)
# is set by the parent package, vae_designer/__init__.py, before anything imports torch.

# PySide6-Essentials 6.12.0 on CPython < 3.12 under-counts references to None, True and False
# (void Qt calls, signals carrying bools) until the process aborts; pyproject.toml excludes that
# release and tests/gui/test_bindings_refcount.py checks whichever bindings are installed.
