"""One place that owns training for the window: the training worker, its weight
snapshots, reconstructions of a few originals, and saving the project.

Flow::

    training job (GeneratorJob over     --event (steps rate limited)--> page: progress, curves
      jobs.training_steps, background   --weights / snapshot (CPU)----> reconstructions (LatestJobs):
      pool, lowered priority)                                            a *copy* of the model
                                                                         decodes 8 originals
                                        --improved (best so far)------> saver (LatestJobs):
                                                                         encode + save_project
                                        --returned (final state)------> saver (final save)

Pause, resume and stop go to the run's ``TrainControl`` (made here, on the GUI thread: it
imports no torch), which also follows the app's interaction gate (``common.jobs.interaction``):
while the user drags on the map the trainer waits between chunks of work.  The GUI thread
only moves references around; the model being trained is never touched outside its
worker.  Until the user picks a place (Save Project As), a new model autosaves under the
user data directory.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, Signal

from ..common.jobs import LatestJobs, interaction
from ..common.settings_store import data_dir
from ..common.workers import GeneratorJob, start_worker
from .jobs import RECON_ITEMS, Reconstructor, is_progress, pick_examples, save_job, training_steps

translate = QCoreApplication.translate  # lupdate reads translate("Context", "...")


class TrainingSession(QObject):
    state_changed = Signal(str)  # 'idle' | 'starting' | 'running' | 'paused' | 'stopping'
    event = Signal(object)  # TrainEvent
    history_loaded = Signal(object)  # list of per-epoch dicts of a reopened project
    snapshot = Signal(object)  # full TrainerState (CPU copies) after each epoch
    recon = Signal(object)  # {'originals', 'recons', 'indices', 'caption'}
    saved = Signal(object)  # core Project
    save_failed = Signal(str)
    failed = Signal(str)
    status = Signal(str)  # a status bar message
    idle = Signal()  # neither training nor saving any more

    def __init__(self, workspace, parent: QObject | None = None):
        super().__init__(parent)
        self.workspace = workspace
        self.opened = None
        self.state = "idle"
        self.latest_state = None  # newest TrainerState seen (snapshot or final)
        self.project = None  # the last saved/opened core Project
        self.project_path: str | None = None
        self.autosave_location = False  # project_path is the automatic one, not chosen by the user
        self.last_event = None
        self.last_error: str | None = None
        self._job: GeneratorJob | None = None  # the training run's worker
        self._control = None  # its TrainControl
        self._indices: list[int] = []
        self._save_seq = 0
        self._save_done_seq = 0
        self._unconfirmed: tuple | None = None  # (chosen path, previous path, previous autosave flag)
        self._saver = LatestJobs(save_job, name="project-save", parent=self)
        self._saver.done.connect(self._on_saved)
        self._saver.failed.connect(self._on_save_failed)
        self._recon = LatestJobs(Reconstructor(), name="reconstructions", parent=self)
        self._recon.done.connect(lambda _tag, out: self.recon.emit(out))
        self._recon.failed.connect(lambda _tag, msg: self.status.emit(
            self.tr("Reconstructions failed: {0}").format(msg)))

    # what is open
    def set_opened(self, opened) -> None:
        """A new folder or project was opened (never while training)."""
        self.opened = opened
        self.latest_state = None
        self.last_event = None
        self.project = opened.project
        self.project_path = str(opened.project.path) if opened.project is not None else None
        self.autosave_location = False
        designs = opened.designs
        self._indices = pick_examples(designs, RECON_ITEMS.get(designs.kind, 8)) if designs is not None else []
        history = list(opened.project.metrics.get("history", [])) if opened.project is not None else []
        self.history_loaded.emit(history)
        project = opened.project
        if project is not None and designs is not None and (designs.kind, designs.resolution, designs.channels) \
                == (project.model_config.kind, project.model_config.resolution, project.model_config.channels):
            self._submit_recon(project.model_config, project.weights,
                               self.tr("saved best model (epoch {0})").format(project.metrics.get("best_epoch")))

    @property
    def designs(self):
        return self.opened.designs if self.opened is not None else None

    @property
    def can_continue(self) -> bool:
        """There is a model to train further on exactly the designs that are open."""
        o = self.opened
        if o is None or o.designs is None:
            return False
        if self.latest_state is not None:
            return True
        return self.project is not None and o.designs.paths == self.project.paths

    @property
    def trained_epochs(self) -> int:
        if self.latest_state is not None:
            return int(self.latest_state.epoch)
        return int(self.project.epoch) if self.project is not None else 0

    @property
    def control(self):
        """The running training's TrainControl (None when not training): what it was asked
        (``paused``, ``stopped``, ``held_seconds``); change it through the session."""
        return self._control

    @property
    def running(self) -> bool:
        return self._job is not None

    @property
    def saving(self) -> bool:
        return self._save_done_seq < self._save_seq

    @property
    def busy(self) -> bool:
        return self.running or self.saving

    @property
    def can_save(self) -> bool:
        return self.latest_state is not None or self.project is not None


    # control
    def start(self, values: dict, latent_dim: int, continue_project: bool = False) -> bool:
        """Start training with the form's ``values`` (TrainConfig fields).

        The configs are built in the training worker (the trainer's modules import
        torch); invalid values come back through ``failed`` as one readable line.
        """
        if self.running or self.designs is None:
            return False
        resume_from = None
        if continue_project and self.can_continue:
            # the newest state in memory, else the one saved in the project
            resume_from = self.latest_state if self.latest_state is not None else self.project
        if resume_from is None:
            # a new model never overwrites a project: it autosaves to a new folder until
            # the user picks a place with Save Project As
            self.project_path = str(self._autosave_path())
            self.autosave_location = True
            self._unconfirmed = None
            self.project = None
            self.latest_state = None
        self.last_error = None
        self._start_job(self.designs, _setup(self.designs, dict(values), latent_dim, resume_from))
        self.status.emit(self.tr("Starting training…"))
        return True

    def _start_job(self, designs, setup) -> None:
        from vae_designer.core.training import TrainControl  # no torch: the control module is light

        control = TrainControl()
        job = GeneratorJob(lambda _cancel: training_steps(designs, setup, control), name="training",
                           background=True, min_interval=0.1, keep=lambda m: not is_progress(m))
        job.yielded.connect(self._on_message)
        job.returned.connect(self._on_result)
        job.failed.connect(self._on_failed)
        job.ended.connect(self._on_finished)
        self._job, self._control = job, control
        interaction.follow(control)  # the user dragging on the map holds training too
        self._set_state("starting")
        start_worker(job)

    def pause(self) -> None:
        if self._control is not None and self.state in ("running", "starting"):
            self._control.pause()
            self._set_state("paused")
            self.status.emit(self.tr("Training paused"))

    def resume(self) -> None:
        if self._control is not None and self.state == "paused":
            self._control.resume()
            self._set_state("running")
            self.status.emit(self.tr("Training resumed"))

    def stop(self) -> None:
        if self._control is not None and self.state != "stopping":
            self._control.stop()  # wakes a paused trainer too
            self._set_state("stopping")
            self.status.emit(self.tr("Stopping: keeping the best model so far…"))

    # saving
    def save(self) -> None:
        """Save the newest state to the current project folder."""
        if self.project_path is None:
            return
        self._submit_save(self.project_path, keep_id=True)

    def save_as(self, path: str) -> None:
        """Save into a folder the user chose; later autosaves go there too (unless this save fails)."""
        path = os.path.abspath(path)
        if self._unconfirmed is None:
            self._unconfirmed = (path, self.project_path, self.autosave_location)
        else:
            self._unconfirmed = (path, *self._unconfirmed[1:])
        self.project_path = path
        self.autosave_location = False
        self._submit_save(path, keep_id=False)

    def _submit_save(self, path: str, keep_id: bool, autosave: bool | None = None) -> None:
        """Save the newest state; ``autosave`` (default: while training runs) marks a save that a
        later one at the end of training supersedes, so that a killed run says so when reopened."""
        autosave = self.running if autosave is None else autosave
        state = self.latest_state
        if state is None and self.project is not None:
            # a reopened project, not trained since: nothing new to write, or copy it over
            if Path(path).resolve() == Path(self.project.path).resolve():
                self.saved.emit(self.project)
                return
            import shutil

            from vae_designer.core.project.store import load_project

            try:
                shutil.copytree(self.project.path, path, dirs_exist_ok=False)
                project = load_project(path)
            except Exception as exc:  # noqa: BLE001
                self._on_save_failed((0, path), f"{path}: {exc}")
            else:
                self._on_saved((0, path), project)
            return
        if state is None or self.designs is None:
            return
        self._save_seq += 1
        project_id = self.project.id if keep_id and self.project is not None else None
        self._saver.submit({"path": path, "state": state, "designs": self.designs, "project_id": project_id,
                            "autosave": autosave}, tag=(self._save_seq, path))

    def _autosave_path(self) -> Path:
        name = self.opened.name if self.opened is not None else "designs"
        root = data_dir() / "projects"
        root.mkdir(parents=True, exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        path = root / f"{name}-{stamp}"
        n = 1
        while path.exists():
            n += 1
            path = root / f"{name}-{stamp}-{n}"
        return path

    # the workers' signals
    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.state_changed.emit(state)

    def _on_event(self, ev) -> None:
        self.last_event = ev
        if ev.kind in ("start", "step", "epoch") and self.state == "starting":
            self._set_state("running")
        if ev.kind == "nan":
            self.status.emit(nan_message(ev))
        self.event.emit(ev)

    def _on_message(self, message: tuple) -> None:
        kind, value = message
        {"event": self._on_event, "snapshot": self._on_snapshot, "weights": self._on_weights,
         "improved": self._on_improved}[kind](value)

    def _on_snapshot(self, state) -> None:
        """A full state after an epoch: what Save and Continue use."""
        self.latest_state = state
        self.snapshot.emit(state)
        self._submit_recon(state.model_config, state.weights, self.tr("after epoch {0}").format(state.epoch))

    def _on_weights(self, state) -> None:
        """Current weights between epochs (no optimizer state): reconstructions only."""
        self._submit_recon(state.model_config, state.weights, self.tr("during epoch {0}").format(state.epoch + 1))

    def _on_improved(self, state) -> None:
        self.latest_state = state
        if self.project_path:
            self._submit_save(self.project_path, keep_id=True, autosave=True)

    def _on_result(self, state) -> None:
        self.latest_state = state
        if state is not None:
            self._submit_recon(state.model_config, state.best_weights or state.weights,
                               self.tr("best model (epoch {0})").format(state.best_epoch) if state.best_weights
                               else self.tr("epoch {0}").format(state.epoch))
            if self.project_path:
                self._submit_save(self.project_path, keep_id=True, autosave=False)

    def _on_failed(self, message: str) -> None:
        self.last_error = message
        self.failed.emit(message)

    def _on_finished(self, job) -> None:
        if job is not self._job:
            return
        interaction.unfollow(self._control)
        self._job = self._control = None
        self._set_state("idle")
        ev = self.last_event
        if self.last_error is None:
            done = ev is not None and ev.kind == "done"
            self.status.emit(self.tr("Training finished") if done else self.tr("Training stopped"))
        self._maybe_idle()

    def _on_saved(self, tag, project) -> None:
        self._save_done_seq = max(self._save_done_seq, tag[0])
        if self._unconfirmed is not None and tag[1] == self._unconfirmed[0]:
            self._unconfirmed = None
        self.project = project
        self.project_path = str(project.path)
        self.saved.emit(project)
        self.status.emit(self.tr("Saved the best model (epoch {0}) to {1}").format(project.metrics.get("best_epoch"),
                                                                                  project.path))
        self._maybe_idle()

    def _on_save_failed(self, tag, message: str) -> None:
        self._save_done_seq = max(self._save_done_seq, tag[0])
        if self._unconfirmed is not None and tag[1] == self._unconfirmed[0]:
            # the chosen folder cannot take the project: keep saving where we did before
            _, self.project_path, self.autosave_location = self._unconfirmed
            self._unconfirmed = None
        self.save_failed.emit(message)
        self._maybe_idle()

    def _maybe_idle(self) -> None:
        if not self.busy:
            self.idle.emit()

    def _submit_recon(self, model_config, weights, caption: str) -> None:
        if not self._indices or self.designs is None:
            return
        self._recon.submit({"designs": self.designs, "indices": self._indices, "model_config": model_config,
                            "weights": weights, "caption": caption})

    def shutdown(self) -> None:
        """Window closing: stop training, finish the pending save, end the helper workers."""
        if self._job is not None:
            self._control.stop()
            self._job.wait(30)
            interaction.unfollow(self._control)
        self._recon.shutdown(wait=True)
        self._saver.shutdown(wait=True, finish_pending=True)


def nan_message(ev) -> str:
    """What the window says when a step's loss or gradient was not finite (the core's detail after it)."""
    if not ev.message:
        return translate("TrainingSession", "The loss became NaN")
    return translate("TrainingSession", "The loss became NaN: {0}").format(ev.message)


def autosave_note(project, how_to_continue: str = "") -> str:
    """One sentence for a user opening an interrupted project ('' if it is not one): the core's
    ``Project.autosave_note``, in the interface's language."""
    a = getattr(project, "autosave", None)
    if a is None:
        return ""
    when = (a.get("saved") or "").replace("T", " ")
    if when:
        note = translate("TrainingSession", "Training did not finish: this is the autosave of epoch {0} (best "
                         "model: epoch {1}) from {2}.").format(a["epoch"], a["best_epoch"], when)
    else:
        note = translate("TrainingSession", "Training did not finish: this is the autosave of epoch {0} (best "
                         "model: epoch {1}).").format(a["epoch"], a["best_epoch"])
    return f"{note} {how_to_continue}".strip()


def _setup(designs, values: dict, latent_dim: int, resume_from):
    """What the training worker calls first: ``(model_config, train_config, state_or_None)``,
    for a new model or to continue ``resume_from`` (a TrainerState or a Project)."""

    def setup():
        import dataclasses

        from vae_designer.core.errors import UserError
        from vae_designer.core.model.config import ModelConfig, TrainConfig

        if resume_from is None:
            return ModelConfig.for_designs(designs, latent_dim=latent_dim), TrainConfig(**values), None
        state = resume_from.trainer_state() if hasattr(resume_from, "trainer_state") else resume_from
        if values["epochs"] <= state.epoch:
            raise UserError(translate("TrainingSession", "This model has already trained {0} epochs: "
                                                       "set Epochs above {0} to continue it").format(state.epoch))
        return state.model_config, dataclasses.replace(state.train_config, **values), state

    return setup
