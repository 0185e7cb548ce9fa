"""The Training page and the training run behind it (trainer thread, snapshots, autosave).
May import ``gui.common``, ``gui.dataset`` (thumbnail pictures) and the core; not the app shell or the map.

Modules:

* ``page``       -- :class:`TrainingPage`: settings, controls, loss plot, reconstructions.
* ``session``    -- :class:`TrainingSession`: one training run: the trainer thread, weight
  snapshots, reconstructions, autosave of the best model.
* ``settings``   -- the form of training settings and the trainer's defaults.
* ``loss_plot``  -- the loss curves.
* ``recon_grid`` -- originals beside their reconstructions.
"""
