"""Training a VAE on a design set (a generator: events out, pause/stop in, a resumable state back)
and using the trained model (encoding, decoding, reconstruction errors).

Modules:

* ``trainer``   -- :class:`Trainer`; its docstring is the contract (control, events,
  determinism, weight average, NaN guard, throughput, snapshots, several processes).
* ``epoch``     -- one epoch in progress, in named steps (chunks, NaN guard, events, validation).
* ``seeds``     -- seeds mixed from integers, the train/validation split, each epoch's order.
* ``control``   -- :class:`TrainControl` (pause, resume, stop, hold) and :class:`TrainEvent`.
* ``state``     -- :class:`TrainerState` and the optimizer state as flat tensors + JSON.
* ``devices``   -- the device to train on and torchrun's process group.
* ``inference`` -- :func:`encode_all`, :func:`reconstruction_errors`, :func:`decode_latents`
  and the shared cache of eval-mode models (:func:`cached_model`).

The names below are importable from the package and load their module on first use, so that
a light import (``core.project`` needs ``training.state``) does not load the trainer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..lazy_exports import lazy_exports

_HOME = {
    "TrainControl": "control", "TrainEvent": "control", "INTERACTIVE_WINDOW_S": "control",
    "TrainerState": "state", "optimizer_to_flat": "state", "optimizer_from_flat": "state",
    "resolve_device": "devices", "is_distributed": "devices", "is_main_process": "devices",
    "init_distributed_from_env": "devices",
    "make_split": "seeds",
    "encode_all": "inference", "reconstruction_errors": "inference", "decode_latents": "inference",
    "ModelCache": "inference", "cached_model": "inference",
    "Trainer": "trainer", "CPU_CHUNK_MACS": "trainer", "VAL_BATCH": "trainer", "EMA_EVERY": "trainer",
    "INTERACTIVE_CHUNK_DIVISOR": "epoch", "NAN_ROLLBACK_AFTER": "epoch", "NAN_GIVE_UP_AFTER": "epoch",
}

__all__ = [
    "CPU_CHUNK_MACS",
    "EMA_EVERY",
    "INTERACTIVE_CHUNK_DIVISOR",
    "INTERACTIVE_WINDOW_S",
    "NAN_GIVE_UP_AFTER",
    "NAN_ROLLBACK_AFTER",
    "VAL_BATCH",
    "ModelCache",
    "TrainControl",
    "TrainEvent",
    "Trainer",
    "TrainerState",
    "cached_model",
    "decode_latents",
    "encode_all",
    "init_distributed_from_env",
    "is_distributed",
    "is_main_process",
    "make_split",
    "optimizer_from_flat",
    "optimizer_to_flat",
    "reconstruction_errors",
    "resolve_device",
]

if TYPE_CHECKING:  # what linters and type checkers see; at run time __getattr__ imports on demand
    from .control import INTERACTIVE_WINDOW_S, TrainControl, TrainEvent
    from .devices import init_distributed_from_env, is_distributed, is_main_process, resolve_device
    from .epoch import INTERACTIVE_CHUNK_DIVISOR, NAN_GIVE_UP_AFTER, NAN_ROLLBACK_AFTER
    from .inference import ModelCache, cached_model, decode_latents, encode_all, reconstruction_errors
    from .seeds import make_split
    from .state import TrainerState, optimizer_from_flat, optimizer_to_flat
    from .trainer import CPU_CHUNK_MACS, EMA_EVERY, VAL_BATCH, Trainer


__getattr__, __dir__ = lazy_exports(__name__, _HOME, __all__)
