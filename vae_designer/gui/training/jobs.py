"""What the training session's workers run (no Qt): the training run itself, reconstructions of
a few originals from a weight snapshot, and saving the project.

:func:`training_steps` is the generator a background ``GeneratorJob`` iterates: it makes the
trainer (importing torch on the worker thread, never the GUI's), iterates ``Trainer.run()``
and hands on, tagged, what the session wants: every event (the job rate-limits the steps),
a light weight snapshot every few seconds between epochs, a full snapshot after every epoch
and the same again when it is the best so far; it returns the final state.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator

import numpy as np

from ..common.workers import training_threads

SNAPSHOT_INTERVAL_S = 3.0  # seconds between light weight snapshots (reconstructions) within an epoch


RECON_ITEMS = {"image": 8, "mesh": 6}
RECON_SIZE = 96


def pick_examples(designs, n: int) -> list[int]:
    """``n`` items spread evenly over the set (which is sorted by path, so over the labels)."""
    if designs is None or len(designs) == 0:
        return []
    return [int(i) for i in np.unique(np.linspace(0, len(designs) - 1, min(n, len(designs))).round())]


def to_display(designs_kind: str, probs: np.ndarray, size: int = RECON_SIZE, background=(1.0, 1.0, 1.0)) -> np.ndarray:
    """One decoded item (C, R, R) or (1, R, R, R) probabilities -> RGB uint8 like the thumbnails
    (images: their ink on the collection's ``background``, as the map shows designs)."""
    from PIL import Image

    from vae_designer.core.export.files import image_from_probs
    from vae_designer.core.export.preview import render_voxels

    if designs_kind == "mesh":
        grid = probs[0] if probs.ndim == 4 else probs
        return render_voxels(grid > 0.5, size)
    img = Image.fromarray(np.ascontiguousarray(image_from_probs(probs, background)))
    resample = Image.Resampling.NEAREST if size % img.size[0] == 0 else Image.Resampling.BILINEAR
    return np.asarray(img.resize((size, size), resample))


class Reconstructor:
    """Runs in the reconstructions' worker: keeps its own model copy, loads each snapshot into it.

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
                "recons": [to_display(designs.kind, p, background=_background(designs)) for p in probs]}


def _background(designs) -> tuple:
    """The paper of an image collection (its first item's background), for pictures of its designs."""
    return tuple(designs.meta[0].get("background", (1.0, 1.0, 1.0))) if len(designs.meta) else (1.0, 1.0, 1.0)


def save_job(job: dict):
    """Runs in the saver's worker: latent means of the training set, then an atomic project save."""
    from vae_designer.core.project.store import save_project
    from vae_designer.core.training import encode_all

    state, designs = job["state"], job["designs"]
    weights = state.best_weights or state.weights
    mu = encode_all(weights, state.model_config, designs)
    return save_project(job["path"], state, designs, mu, project_id=job.get("project_id"),
                        autosave=job.get("autosave", False))


def is_progress(message: tuple) -> bool:
    """A step event: the messages the training job may thin out (all others always arrive)."""
    return message[0] == "event" and message[1].kind == "step"


def training_steps(designs, setup: Callable[[], tuple], control, *, snapshot_interval: float = SNAPSHOT_INTERVAL_S,
                   torch_threads: int | None = None) -> Generator[tuple, None, object]:
    """Train; yields ``(kind, value)`` messages, returns the final TrainerState.

    ``setup()`` returns ``(model_config, train_config, state_or_None)`` (building configs and
    reading a project's optimizer state import torch).  Messages: ``("event", TrainEvent)``;
    ``("weights", state)`` -- a light state (no optimizer) every ``snapshot_interval`` s;
    ``("snapshot", state)`` -- the full state after every epoch, then ``("improved", state)``
    when its validation is the best so far.  ``control`` is the trainer's TrainControl.
    """
    import torch

    from vae_designer.core.training import Trainer

    torch.set_num_threads(torch_threads or training_threads())
    model_config, train_config, state = setup()
    trainer = Trainer(designs, model_config, train_config, control=control, state=state)
    run = trainer.run()
    try:
        last_snap = time.monotonic()
        while True:
            try:
                ev = next(run)
            except StopIteration as stop:
                final = stop.value
                break
            yield "event", ev
            now = time.monotonic()
            if ev.kind == "step" and now - last_snap >= snapshot_interval:
                yield "weights", trainer.snapshot(include_optimizer=False)
                last_snap = now
            elif ev.kind == "epoch":
                snap = trainer.snapshot()
                last_snap = now
                yield "snapshot", snap
                if ev.improved:
                    yield "improved", snap
    finally:
        run.close()
    return final if final is not None else trainer.snapshot()
