"""Autosave during headless training: the best model so far reaches disk as training improves it.

A batch scheduler or ``torchrun`` ends a job with SIGTERM at its time limit, and
sometimes with SIGKILL; either way the project on disk must hold the newest best
model.  :class:`Autosaver` is offered the trainer after every epoch; when the best
validation loss improved since the last save and enough time has passed, it
encodes the training set and saves the project (atomically, marked as an
autosave).  Saving costs an encoding pass over the training set, so saves are
spaced by at least ``min_interval`` seconds and by ten times the last save's own
duration: autosaving never takes more than about a tenth of the training time.
When the best model has not improved for ``progress_interval`` seconds (a run past its
best, or a resumed one that has not beaten it yet), the progress is saved anyway, so a
killed job resumes from at most that long ago (the best weights on disk stay the best).

The app does the same in its saver (``gui.training.session``); this class
is what the CLI uses, on rank 0 only.
"""

from __future__ import annotations

import time

MIN_INTERVAL_S = 5.0
PROGRESS_INTERVAL_S = 30.0  # save the progress this often even when the best model did not improve
COST_FACTOR = 10.0  # wait at least this many times the last save's duration


class Autosaver:
    """Save ``trainer`` snapshots to ``path`` as the best model improves (at most every few seconds)."""

    def __init__(self, path, designs, project_id: str | None = None, *, min_interval: float = MIN_INTERVAL_S,
                 progress_interval: float = PROGRESS_INTERVAL_S, clock=time.monotonic, write=None):
        """``write(state, autosave) -> Project``: how a save is written (default: encode the
        training set and save the project; a benchmark or a test may write elsewhere)."""
        self.path = path
        self.designs = designs
        self.project_id = project_id
        self.min_interval = float(min_interval)
        self._clock = clock
        self._write = write or self._write_project
        self.progress_interval = float(progress_interval)
        self._next_allowed = clock() + self.min_interval  # the first epochs improve every time
        self._progress_due = clock() + self.progress_interval
        self._pending = False  # an improvement not yet on disk
        self.saves = 0
        self.last_saved_epoch: int | None = None

    def offer(self, trainer, improved: bool) -> bool:
        """After an epoch: save if the best model improved since the last save and it is time, or
        if the progress has not been saved for ``progress_interval`` seconds.  True when it saved.
        """
        self._pending = self._pending or bool(improved)
        now = self._clock()
        if now < self._next_allowed or not (self._pending or now >= self._progress_due):
            return False
        self.save(trainer.snapshot(), autosave=True)
        return True

    def _write_project(self, state, autosave: bool):
        from ..training.inference import encode_all
        from .store import save_project

        mu = encode_all(state.best_weights or state.weights, state.model_config, self.designs)
        return save_project(self.path, state, self.designs, mu, project_id=self.project_id, autosave=autosave)

    def save(self, state, autosave: bool):
        """Encode the training set with ``state``'s best weights and save the project."""
        t0 = self._clock()
        project = self._write(state, autosave)
        self.project_id = getattr(project, "id", self.project_id)
        spent = self._clock() - t0
        self._next_allowed = self._clock() + max(self.min_interval, COST_FACTOR * spent)
        self._progress_due = self._clock() + max(self.progress_interval, COST_FACTOR * spent)
        self._pending = False
        self.saves += 1
        self.last_saved_epoch = state.epoch
        return project
