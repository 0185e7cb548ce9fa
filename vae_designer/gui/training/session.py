"""One place that owns training for the window: the trainer thread, its weight
snapshots, reconstructions of a few originals, and saving the project.

Flow::

    TrainingThread (trainer.run())  --event------------------> page: progress, curves
                                    --snapshot (CPU weights)--> recon thread: a *copy* of the
                                                                 model decodes 8 originals
                                    --improved (best so far)--> save thread: encode + save_project
                                    --result (final state)----> save thread (final save)

The GUI thread only moves references around; the model being trained is never
touched outside its thread.  Until the user picks a place (Save Project As), a
new model autosaves under the user data directory.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Signal

from ..common.jobs import INTERACTION_HOLD_S, LatestJobs
from ..common.settings_store import data_dir
from ..common.workers import TrainingThread

RECON_ITEMS = {"image": 8, "mesh": 6}
RECON_SIZE = 96


def pick_examples(designs, n: int) -> list[int]:
    """``n`` items spread evenly over the set (which is sorted by path, so over the labels)."""
    if designs is None or len(designs) == 0:
        return []
    return [int(i) for i in np.unique(np.linspace(0, len(designs) - 1, min(n, len(designs))).round())]


def to_display(designs_kind: str, probs: np.ndarray, size: int = RECON_SIZE) -> np.ndarray:
    """One decoded item (C, R, R) or (1, R, R, R) probabilities -> RGB uint8 like the thumbnails."""
    from PIL import Image

    from vae_designer.core.export.preview import render_voxels

    if designs_kind == "mesh":
        grid = probs[0] if probs.ndim == 4 else probs
        return render_voxels(grid > 0.5, size)
    a = np.clip(probs, 0, 1)
    a = (a[0] if a.shape[0] == 1 else np.moveaxis(a, 0, -1)) * 255
    img = Image.fromarray(a.round().astype(np.uint8))
    if img.mode != "RGB":
        img = img.convert("RGB")
    resample = Image.Resampling.NEAREST if size % img.size[0] == 0 else Image.Resampling.BILINEAR
    return np.asarray(img.resize((size, size), resample))


class _Reconstructor:
    """Runs in the recon thread: keeps its own model copy, loads each snapshot into it.

    Not the core's shared model cache (``core.training.inference.cached_model``): every
    snapshot is a new weights dict, so a cache would never reuse a model and would build
    one per snapshot, where loading into this one copies the weights; and a model that
    weights are loaded into must not be shared with other threads.
    """

    def __init__(self):
        self._model = None
        self._config = None
        self._originals = []
        self._originals_key = None

    def __call__(self, job: dict) -> dict:
        import torch

        from vae_designer.core.export.preview import thumbnail
        from vae_designer.core.model.networks import build_model

        designs, indices, config, weights = job["designs"], job["indices"], job["model_config"], job["weights"]
        key = (id(designs), tuple(indices))
        if self._originals_key != key:
            self._originals = [thumbnail(designs, i, RECON_SIZE) for i in indices]
            self._originals_key = key
        if self._model is None or self._config != config:
            self._model = build_model(config)
            self._model.eval()
            self._config = config
        self._model.load_state_dict(weights)
        with torch.no_grad():
            x = torch.from_numpy(designs.batch(indices))
            logits = self._model(x)[0]
            probs = torch.sigmoid(logits).numpy()
        return {"caption": job.get("caption"), "indices": indices, "originals": self._originals,
                "recons": [to_display(designs.kind, p) for p in probs]}


def _save_job(job: dict):
    """Runs in the save thread: latent means of the training set, then an atomic project save."""
    from vae_designer.core.project.store import save_project
    from vae_designer.core.training import encode_all

    state, designs = job["state"], job["designs"]
    weights = state.best_weights or state.weights
    mu = encode_all(weights, state.model_config, designs)
    return save_project(job["path"], state, designs, mu, project_id=job.get("project_id"),
                        autosave=job.get("autosave", False))


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
        self._thread: TrainingThread | None = None
        self._indices: list[int] = []
        self._save_seq = 0
        self._save_done_seq = 0
        self._unconfirmed: tuple | None = None  # (chosen path, previous path, previous autosave flag)
        self._saver = LatestJobs(_save_job, name="project-save", parent=self)
        self._saver.done.connect(self._on_saved)
        self._saver.failed.connect(self._on_save_failed)
        self._recon = LatestJobs(_Reconstructor(), name="reconstructions", parent=self)
        self._recon.done.connect(lambda _tag, out: self.recon.emit(out))
        self._recon.failed.connect(lambda _tag, msg: self.status.emit(f"Reconstructions failed: {msg}"))

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
                               f"saved best model (epoch {project.metrics.get('best_epoch')})")

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
        """The running trainer's TrainControl (None when not training or not started yet)."""
        return self._thread.control if self._thread is not None else None

    @property
    def trainer(self):
        """The running Trainer, for diagnostics and tests only: the GUI never touches its model."""
        return self._thread.trainer if self._thread is not None else None

    @property
    def running(self) -> bool:
        return self._thread is not None

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

        The configs are built in the training thread (the trainer's modules import
        torch); invalid values come back through ``failed`` as one readable line.
        """
        if self.running or self.designs is None:
            return False
        designs = self.designs
        values = dict(values)
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

        def setup():
            import dataclasses

            from vae_designer.core.errors import UserError
            from vae_designer.core.model.config import ModelConfig, TrainConfig

            if resume_from is None:
                return ModelConfig.for_designs(designs, latent_dim=latent_dim), TrainConfig(**values), None
            state = resume_from.trainer_state() if hasattr(resume_from, "trainer_state") else resume_from
            if values["epochs"] <= state.epoch:
                raise UserError(f"this model has already trained {state.epoch} epochs: set Epochs above "
                                f"{state.epoch} to continue it")
            return state.model_config, dataclasses.replace(state.train_config, **values), state

        self.last_error = None
        thread = TrainingThread(designs, setup, parent=self)
        thread.event.connect(self._on_event)
        thread.snapshot.connect(self._on_snapshot)
        thread.weights.connect(self._on_weights)
        thread.improved.connect(self._on_improved)
        thread.result.connect(self._on_result)
        thread.failed.connect(self._on_failed)
        thread.finished.connect(lambda t=thread: self._on_finished(t))
        self._thread = thread
        self._set_state("starting")
        thread.start()
        self.status.emit("Starting training…")
        return True

    def pause(self) -> None:
        if self._thread is not None and self.state in ("running", "starting"):
            self._thread.pause()
            self._set_state("paused")
            self.status.emit("Training paused")

    def yield_to_interaction(self, seconds: float = INTERACTION_HOLD_S) -> None:
        """The user is dragging on the map: let the trainer wait between chunks of work
        until ``seconds`` after the latest call, so that decoding gets the CPU."""
        if self._thread is not None and self.state == "running":
            self._thread.hold(seconds)

    def resume(self) -> None:
        if self._thread is not None and self.state == "paused":
            self._thread.resume()
            self._set_state("running")
            self.status.emit("Training resumed")

    def stop(self) -> None:
        if self._thread is not None and self.state != "stopping":
            self._thread.stop()
            self._thread.resume()  # a paused trainer must wake up to notice the stop
            self._set_state("stopping")
            self.status.emit("Stopping: keeping the best model so far…")

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

    # thread signals
    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.state_changed.emit(state)

    def _on_event(self, ev) -> None:
        self.last_event = ev
        if ev.kind in ("start", "step", "epoch") and self.state == "starting":
            self._set_state("running")
        if ev.kind == "nan":
            self.status.emit(ev.message or "The loss became NaN")
        self.event.emit(ev)

    def _on_snapshot(self, state) -> None:
        """A full state after an epoch: what Save and Continue use."""
        self.latest_state = state
        self.snapshot.emit(state)
        self._submit_recon(state.model_config, state.weights, f"after epoch {state.epoch}")

    def _on_weights(self, state) -> None:
        """Current weights between epochs (no optimizer state): reconstructions only."""
        self._submit_recon(state.model_config, state.weights, f"during epoch {state.epoch + 1}")

    def _on_improved(self, state) -> None:
        self.latest_state = state
        if self.project_path:
            self._submit_save(self.project_path, keep_id=True, autosave=True)

    def _on_result(self, state) -> None:
        self.latest_state = state
        if state is not None:
            self._submit_recon(state.model_config, state.best_weights or state.weights,
                               f"best model (epoch {state.best_epoch})" if state.best_weights
                               else f"epoch {state.epoch}")
            if self.project_path:
                self._submit_save(self.project_path, keep_id=True, autosave=False)

    def _on_failed(self, message: str) -> None:
        self.last_error = message
        self.failed.emit(message)

    def _on_finished(self, thread) -> None:
        if thread is self._thread:
            self._thread = None
        thread.deleteLater()
        self._set_state("idle")
        ev = self.last_event
        if self.last_error is None:
            self.status.emit("Training finished" if ev is not None and ev.kind == "done" else "Training stopped")
        self._maybe_idle()

    def _on_saved(self, tag, project) -> None:
        self._save_done_seq = max(self._save_done_seq, tag[0])
        if self._unconfirmed is not None and tag[1] == self._unconfirmed[0]:
            self._unconfirmed = None
        self.project = project
        self.project_path = str(project.path)
        self.saved.emit(project)
        self.status.emit(f"Saved the best model (epoch {project.metrics.get('best_epoch')}) to {project.path}")
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
        """Window closing: stop training, finish the pending save, end the helper threads."""
        if self._thread is not None:
            self._thread.stop()
            self._thread.resume()
            self._thread.wait(30000)
        self._recon.shutdown(wait=True)
        self._saver.shutdown(wait=True, finish_pending=True)
