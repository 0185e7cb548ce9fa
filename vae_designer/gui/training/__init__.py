"""The Training page and the training run behind it (its worker, snapshots, autosave).
May import ``gui.common``, ``gui.dataset`` (thumbnail pictures) and the core; not the app shell or the map.

Modules:

* ``page``       -- :class:`TrainingPage`: settings, controls, loss plot, reconstructions.
* ``session``    -- :class:`TrainingSession`: one training run: its worker, pause/resume/stop,
  weight snapshots, reconstructions, autosave of the best model.
* ``jobs``       -- what the session's workers run: the training generator, reconstructions,
  saving the project.
* ``settings``   -- the form of training settings and the trainer's defaults.
* ``loss_plot``  -- the loss curves.
* ``recon_grid`` -- originals beside their reconstructions.
"""
