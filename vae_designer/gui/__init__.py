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

import os as _os

# OpenMP threads that wait by spinning starve everything else on a small CPU (the GUI thread,
# and each other: training ran 8x slower on 2 busy cores).  Passive waiting costs little; it
# must be set before torch loads its OpenMP runtime, i.e. before the GUI imports torch.
_os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
