"""The PySide6 desktop app: a thin layer over ``vae_designer.core``.

Modules, each with one job:

* ``app``              -- QApplication, theme, icon; ``run_app(path)`` (the ``vae-designer`` command).
* ``main_window``      -- sidebar + stacked pages, menus, shortcuts, drag and drop, closing.
* ``workspace``        -- what is open (design folder, project); loads it in a worker thread.
* ``workers``          -- QThreads that run core generators (ingestion, training) and hand
  results back through signals; a "latest job" thread for reconstructions and saves.
* ``training_session`` -- one training run: the trainer thread, weight snapshots,
  reconstructions, autosave of the best model.
* ``start_page``, ``dataset_page``, ``training_page`` -- the pages; ``thumbnails``,
  ``loss_plot``, ``recon_grid``, ``train_settings`` -- the widgets they are made of.
* ``theme``, ``icons``, ``widgets``, ``dialogs``, ``settings_store`` -- look and persistence.

Nothing here trains or decodes on the GUI thread: heavy work goes to threads
and the GUI only ever sees CPU copies of the weights (snapshots).
"""

# OMP_WAIT_POLICY=PASSIVE (the GUI thread must not be starved by spinning OpenMP threads)
# is set by the parent package, vae_designer/__init__.py, before anything imports torch.

# Some PySide6 builds on CPython < 3.12 drop a reference to None on every void Qt call, which ends
# the process after enough painting ("deallocating None"): see none_refcount.
from .none_refcount import keep_none_alive as _keep_none_alive  # noqa: E402

NONE_GUARD = _keep_none_alive()
