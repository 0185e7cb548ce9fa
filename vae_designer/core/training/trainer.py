"""Training as a generator: progress events out, pause/stop in, a resumable state back.

``Trainer(designs, model_config, train_config, control, state).run()`` yields
:class:`TrainEvent` objects and *returns* the final :class:`TrainerState`
(``state = yield from trainer.run()``).  The GUI drives it from a worker
thread, the CLI under a progress bar, ``torchrun`` on several processes.

Contract, and how it is kept:

* **Control.**  :class:`TrainControl` is checked between steps, and on a
  CPU also between the *chunks* of a step: a batch whose forward pass costs
  more than ``CPU_CHUNK_MACS`` multiply-adds (large images, 64^3 voxels) is
  run in chunks with gradients accumulated, and a stop between chunks drops
  the unfinished step.  So ``stop()`` takes effect within a second at any
  size and batch size; while paused the trainer blocks on a condition
  variable (no CPU) and wakes at once on ``resume()`` or ``stop()``.
* **Events.**  'start', then 'step' events at most every
  ``TrainConfig.event_interval`` seconds (0.25 s: a GUI is never flooded),
  an 'epoch' event after each validation, 'nan' when a step was undone, and
  finally 'done' or 'stopped'.  'done' comes early when the validation loss has not improved
  for :attr:`Trainer.patience` epochs (``TrainConfig.early_stop``; every rank decides alike,
  the validation is shared).
* **Determinism.**  Everything random is derived from ``(seed, epoch,
  step)`` rather than from a running generator: the train/validation split
  from ``seed``, each epoch's order from ``(seed, epoch)``, each step's
  reparameterisation noise (and voxel flips) from ``(seed, epoch, step,
  rank)``, validation noise from ``seed`` (one draw per validation item).  So the same seed and
  data give the same curve, and a state saved at any step -- epoch boundary
  or not -- resumes to exactly the numbers continuous training gives on the
  CPU (``TrainerState.progress`` holds the position inside an epoch).
* **Weight average and best weights.**  An exponential moving average of
  the weights (``TrainConfig.ema_decay``) is what is validated: after each
  epoch its validation negative ELBO (recon + KL, beta = 1, fixed noise) is
  computed, and the lowest one's averaged weights are kept as
  ``best_weights`` -- what a project decodes and exports with.  The average
  travels with the optimizer state (``optimizer_tensors['ema.*']``), so
  resuming continues it exactly.
* **NaN guard.**  A step whose loss or gradient norm is not finite is never
  applied: weights and optimizer state stay as they were before it (the
  optimizer is only stepped after the check, so nothing needs copying), the
  learning rate is halved, and a 'nan' event says so.  If several steps in a
  row fail, the weights and optimizer are restored from the last epoch
  boundary; if that does not help either, training stops with a UserError.
* **Throughput.**  The whole dataset lives on the device as the DesignSet's
  compact uint8 rows (bit-packed voxels are unpacked on the device); a batch
  is an index, a gather and a conversion to float.  No DataLoader, no worker
  processes, no host-device copies per step.  ``benchmarks/trainer_overhead.py``
  measures the cost of everything else against a bare loop.
* **Snapshots.**  :meth:`Trainer.snapshot` returns CPU copies, safe to call
  from another thread: the in-place parameter update holds a lock that the
  snapshot takes too, so a snapshot never sees half an optimizer step.
* **Several processes.**  When ``torch.distributed`` is initialised
  (:func:`init_distributed_from_env` under torchrun) the model is wrapped in
  DistributedDataParallel, each epoch's order is sharded by rank (padded so
  every rank takes the same number of steps), the stop flag and the NaN
  verdict are agreed by an all-reduce every step (no rank can be left waiting
  in a collective), and epoch metrics are all-reduced so every rank reports
  and decides the same.  ``batch_size`` is per process.
"""

from __future__ import annotations

import copy
import math
import threading
import time
from collections.abc import Generator

import numpy as np
import torch
import torch.nn as nn

from ..errors import UserError
from ..model.config import EARLY_STOP_MIN_EPOCHS, ModelConfig, TrainConfig
from ..model.losses import auto_pos_weight
from ..model.networks import VAE, build_model
from .control import TrainControl, TrainEvent
from .devices import is_distributed, resolve_device
from .duplicates import duplicate_groups
from .epoch import EpochRun, StopRequested
from .seeds import derive_seed, epoch_order, make_split, seeded_generator
from .state import TrainerState, cpu_copy, optimizer_from_flat, optimizer_to_flat, state_copy

VAL_BATCH = 256
# Forward multiply-accumulates per chunk on a CPU: a chunk's forward + backward takes ~0.1 s on an
# idle 2-core CPU and stays under ~0.5 s when the CPU is shared (see EpochRun.forward_backward).
CPU_CHUNK_MACS = 6e8
EMA_EVERY = 4  # optimizer steps per update of the weight average
_VAL_STREAM = 0x5EED_0001  # separates the validation noise stream from the training ones


def training_data(designs, cfg: TrainConfig) -> np.ndarray:
    """The designs' compact data as the model learns it: a silhouette collection's ink snapped to
    its flat tones when ``cfg.snap_tones`` (see ``core.ingest.looks``), else as loaded."""
    if not cfg.snap_tones or designs.kind != "image" or designs.data.ndim != 3:
        return designs.data
    from ..ingest.looks import collection_tones, snap_to_tones

    tones = collection_tones(designs.data)
    return designs.data if tones is None else snap_to_tones(designs.data, tones)


class Trainer:
    """Trains a VAE on a DesignSet; see the module docstring for the contract.

    ``split``: an explicit ``{'train': [...], 'val': [...]}`` (benchmarks);
    by default it comes from ``state`` or from the seed.
    """

    def __init__(self, designs, model_config: ModelConfig, train_config: TrainConfig,
                 control: TrainControl | None = None, state: TrainerState | None = None,
                 split: dict | None = None):
        _check_fits(designs, model_config, state)
        self.designs = designs
        self.model_config = model_config
        self.train_config = cfg = train_config
        self.control = control or TrainControl()
        self._init_processes()
        self._lock = threading.RLock()
        self._init_split(split, state)
        # data on the device, compact
        self._data = torch.from_numpy(np.ascontiguousarray(training_data(designs, cfg))).to(self.device)
        self._is_mesh = designs.kind == "mesh"
        self._shifts = torch.arange(7, -1, -1, dtype=torch.uint8, device=self.device)
        self._init_model(state)
        self._init_optimizer(state)
        self.pos_weight = self._voxel_pos_weight(state)
        self._init_progress(state)
        self._init_chunks()
        self._boundary: tuple[dict, dict, dict] | None = None  # last epoch-boundary rollback point
        self._pos = None  # (step, seconds before t0, nan steps, t0) inside the current epoch
        self._acc = torch.zeros(3, dtype=torch.float64)
        self._held_in_step = 0.0
        self._recent_ips = 0.0
        self._t_last_event = 0.0
        # validation noise: one fixed draw per validation item, the same every epoch
        self._val_noise = torch.randn((len(self.split["val"]), model_config.latent_dim),
                                      generator=seeded_generator(derive_seed(cfg.seed, _VAL_STREAM))).to(self.device)
        self.nan_events = 0

    # -- construction, step by step (in this order) -------------------------------------------------
    def _init_processes(self) -> None:
        self.device = resolve_device(self.train_config.device)
        self.distributed = is_distributed()
        self.rank = torch.distributed.get_rank() if self.distributed else 0
        self.world = torch.distributed.get_world_size() if self.distributed else 1
        if self.distributed and self.device.type == "mps":
            raise UserError("training on several processes is not supported on Apple's Metal backend")

    def _init_split(self, split: dict | None, state: TrainerState | None) -> None:
        n = len(self.designs)
        if split is None and state is not None and state.split:
            split = state.split
        if split is None:
            groups = duplicate_groups(self.designs) if self.train_config.val_fraction > 0 else []
            split = make_split(n, self.train_config.seed, self.train_config.val_fraction, groups)
        train_idx = [int(i) for i in split.get("train", [])]
        val_idx = [int(i) for i in split.get("val", [])]
        if not train_idx or any(not 0 <= i < n for i in train_idx + val_idx):
            raise UserError("the train/validation split does not fit these designs "
                            "(the design folder changed?)")
        self.split = {"train": train_idx, "val": val_idx}
        self._train_idx = torch.tensor(train_idx, dtype=torch.long)
        self._val_idx = torch.tensor(val_idx, dtype=torch.long)

    def _init_model(self, state: TrainerState | None) -> None:
        """The model (initialised from the seed without disturbing anyone else's RNG), its
        DistributedDataParallel wrapper and the weight average."""
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(derive_seed(self.train_config.seed, 0x1417))
            model = build_model(self.model_config)
        if state is None or not state.weights:
            model.init_output_bias(self._train_mean())
        else:
            model.load_state_dict(state.weights)
        self.model: VAE = model.to(self.device)
        self._net: nn.Module = self.model
        if self.distributed:
            from torch.nn.parallel import DistributedDataParallel as DDP

            self._net = DDP(self.model, device_ids=[self.device.index] if self.device.type == "cuda" else None,
                            broadcast_buffers=False)
        # the weight average used for validation, best weights and the saved model
        if self.train_config.ema_decay > 0:
            self.ema_model: VAE = copy.deepcopy(self.model).requires_grad_(False)
        else:
            self.ema_model = self.model
        self._ema_steps = 0
        self._track_parameters()

    def _init_optimizer(self, state: TrainerState | None) -> None:
        """Adam; a changed lr in the config wins over the saved (lowered) one."""
        cfg = self.train_config
        lr = cfg.lr
        if state is not None and state.lr is not None and state.train_config.lr == cfg.lr:
            lr = float(state.lr)
        self.lr = lr
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=lr, weight_decay=cfg.weight_decay)
        if state is not None and state.optimizer_meta:
            self._load_flat(state.optimizer_tensors, state.optimizer_meta)
        self.set_lr(lr)

    def _voxel_pos_weight(self, state: TrainerState | None) -> float | None:
        """Weight of occupied voxels: saved, configured, or from the training data; None for images."""
        if not self._is_mesh:
            return None
        if state is not None and state.pos_weight is not None:
            return float(state.pos_weight)
        if self.train_config.pos_weight is not None:
            return float(self.train_config.pos_weight)
        return auto_pos_weight(self._train_mean())

    def _init_progress(self, state: TrainerState | None) -> None:
        self.epoch = state.epoch if state is not None else 0
        self.best_epoch = state.best_epoch if state is not None else 0
        self.best_val = float(state.best_val) if state is not None and state.best_val is not None else math.inf
        self.history = copy.deepcopy(state.history) if state is not None else []
        self._best_weights = ({k: v.clone() for k, v in state.best_weights.items()}
                              if state is not None and state.best_weights else {})
        self.batch_size = self.train_config.batch_size
        self.steps_per_epoch = max(1, math.ceil(self._per_rank_count() / self.batch_size))
        self._progress = dict(state.progress) if state is not None and state.progress else {}
        if self._progress and (self._progress.get("batch_size") != self.batch_size
                               or self._progress.get("world") != self.world):
            self._progress = {}  # steps of another size: redo the epoch from its start

    def _init_chunks(self) -> None:
        """Items per forward/backward: a step is split into chunks of at most this many items
        (gradients accumulated) so that pause/stop are checked at least every ~0.3 s on a CPU."""
        if self.device.type == "cpu" and not self.distributed:
            self.chunk = max(1, int(CPU_CHUNK_MACS // max(1, self.model.macs_per_item)))
        else:
            self.chunk = self.batch_size
        self.val_chunk = max(1, min(VAL_BATCH, 3 * self.chunk))

    # -- data -----------------------------------------------------------------------------------------
    def _train_mean(self) -> float:
        """Mean pixel / occupancy of (up to 2,000) training items."""
        idx = self._train_idx[:2000]
        with torch.no_grad():
            return float(self._batch(idx.to(self.device)).mean())

    def _batch(self, idx: torch.Tensor) -> torch.Tensor:
        """float32 (B, *item_shape) in [0, 1] on the device, from device indices."""
        rows = self._data.index_select(0, idx)
        if self._is_mesh:
            R = self.model_config.resolution
            bits = (rows.unsqueeze(-1) >> self._shifts) & 1
            return bits.view(len(idx), 1, R, R, R).float()
        x = rows.float().div_(255.0)
        return x.unsqueeze(1) if x.ndim == 3 else x.permute(0, 3, 1, 2)

    def _per_rank_count(self) -> int:
        return math.ceil(len(self._train_idx) / self.world)

    def epoch_order(self, epoch: int) -> torch.Tensor:
        """This rank's training indices for ``epoch`` (0-based), in order; from (seed, epoch) only."""
        return epoch_order(self._train_idx, self.train_config.seed, epoch, self.rank, self.world)

    # -- optimiser helpers ------------------------------------------------------------------------
    def set_lr(self, lr: float) -> None:
        """Use learning rate ``lr`` from the next step on (the plateau schedule lowers it so too)."""
        self.lr = lr
        for g in self.optimizer.param_groups:
            g["lr"] = lr

    def _beta(self, epoch: int, step: int) -> float:
        cfg = self.train_config
        if cfg.kl_warmup_epochs <= 0:
            return cfg.beta
        t = (epoch + step / self.steps_per_epoch) / cfg.kl_warmup_epochs
        return cfg.beta * min(1.0, t)

    def _track_parameters(self) -> None:
        """The parameter lists the weight average and the NaN guard work on (after any reload)."""
        self._params = list(self.model.parameters())
        self._ema_params = list(self.ema_model.parameters())
        self._sentinels = [self.model.encoder[0].weight, self.model.decoder[-1].weight,
                           self.model.decoder[-1].bias]

    def _update_ema(self) -> None:
        """Polyak average with the usual warm-up, decay min(ema_decay, (1 + t) / (10 + t)) per step.

        Applied every EMA_EVERY optimizer steps with the decay raised to that
        power (the same average up to the order of the updates), so that its
        pass over the weights costs a quarter.
        """
        if self.ema_model is self.model:
            return
        self._ema_steps += 1
        t = self._ema_steps
        if t % EMA_EVERY:
            return
        d = min(self.train_config.ema_decay, (1.0 + t) / (10.0 + t)) ** EMA_EVERY
        with torch.no_grad():
            torch._foreach_lerp_(self._ema_params, self._params, 1.0 - d)

    def _flat(self) -> tuple[dict, dict]:
        """Optimizer state + the weight average as flat CPU tensors and JSON meta (see optimizer_to_flat)."""
        tensors, meta = optimizer_to_flat(self.optimizer)
        if self.ema_model is not self.model:
            for k, v in self.ema_model.state_dict().items():
                tensors[f"ema.{k}"] = cpu_copy(v)
            meta["ema_steps"] = self._ema_steps
        return tensors, meta

    def _load_flat(self, tensors: dict, meta: dict) -> None:
        optimizer_from_flat(self.optimizer, {k: v for k, v in tensors.items() if k.startswith("state.")}, meta)
        if self.ema_model is not self.model:
            ema = {k[4:]: v for k, v in tensors.items() if k.startswith("ema.")}
            if ema:
                self.ema_model.load_state_dict(ema)
                self._ema_steps = int(meta.get("ema_steps", 0))
            else:  # saved without an average: start it from the weights
                self.ema_model.load_state_dict(self.model.state_dict())
                self._ema_steps = 0
        self._track_parameters()

    def _save_boundary(self) -> None:
        tensors, meta = self._flat()
        self._boundary = (state_copy(self.model), tensors, meta)

    def _restore_boundary(self) -> None:
        if self._boundary is None:
            return
        weights, tensors, meta = self._boundary
        with self._lock:
            self.model.load_state_dict(weights)
            lr = self.lr
            self._load_flat(tensors, meta)
            self.set_lr(lr)

    # -- public -----------------------------------------------------------------------------------
    def snapshot(self, include_optimizer: bool = True) -> TrainerState:
        """CPU copies of everything (thread-safe; never the live tensors).

        ``weights`` are the live weights (what training continues from);
        ``best_weights`` the weight average at the best validation epoch.
        """
        with self._lock:
            tensors, meta = self._flat() if include_optimizer else ({}, {})
            return TrainerState(
                model_config=self.model_config,
                train_config=self.train_config,
                epoch=self.epoch,
                best_epoch=self.best_epoch,
                best_val=self.best_val,
                history=copy.deepcopy(self.history),
                weights=state_copy(self.model),
                best_weights={k: v.clone() for k, v in self._best_weights.items()},
                optimizer_tensors=tensors,
                optimizer_meta=meta,
                split={k: list(v) for k, v in self.split.items()},
                pos_weight=self.pos_weight,
                lr=self.lr,
                progress=self._progress_now(),
            )

    def _progress_now(self) -> dict:
        """The position inside the current epoch ({} at a boundary); call with the lock held."""
        if self._pos is None:
            return copy.deepcopy(self._progress)
        step, seconds, nan_steps, t0 = self._pos
        a = self._acc.tolist()
        if step == 0 and a[2] == 0:
            return {}
        return {"step": step, "recon_sum": a[0], "kl_sum": a[1], "items": a[2],
                "seconds": seconds + (time.perf_counter() - t0), "nan_steps": nan_steps,
                "batch_size": self.batch_size, "world": self.world}

    def run(self) -> Generator[TrainEvent, None, TrainerState]:
        """Train up to ``train_config.epochs``; yields events, returns the final state."""
        E = self.train_config.epochs
        self._t_last_event = 0.0
        self._recent_ips = 0.0
        yield self._event("start", message=f"training on {self.device.type}"
                          + (f" x {self.world} processes" if self.world > 1 else ""))
        if self.epoch >= E:
            yield self._event("done", message=f"already trained {self.epoch} epochs")
            return self.snapshot()
        try:
            if self._boundary is None:
                self._save_boundary()
            while self.epoch < E:
                yield from self._run_epoch(self.epoch)
                if self.epoch < E and self.stalled_epochs() >= self.patience > 0:
                    yield self._event("done", message=f"stopped early after {self.epoch} of {E} epochs: validation "
                                      f"has not improved for {self.stalled_epochs()} epochs; best validation "
                                      f"{_fmt(self.best_val)} nats at epoch {self.best_epoch}")
                    return self.snapshot()
        except StopRequested:
            yield self._event("stopped", message=f"stopped during epoch {self.epoch + 1}; "
                              f"best validation {_fmt(self.best_val)} at epoch {self.best_epoch}")
            return self.snapshot()
        yield self._event("done", message=f"finished {self.epoch} epochs; best validation "
                          f"{_fmt(self.best_val)} nats at epoch {self.best_epoch}")
        return self.snapshot()

    @property
    def patience(self) -> int:
        """Epochs without a better validation loss after which :meth:`run` ends early (0: never):
        ``train_config.early_stop`` of the planned epochs, at least ``EARLY_STOP_MIN_EPOCHS``; only
        with a validation split (without one the score is the training loss)."""
        share = self.train_config.early_stop
        if share <= 0 or not self.split.get("val"):
            return 0
        return max(EARLY_STOP_MIN_EPOCHS, math.ceil(share * self.train_config.epochs))

    def stalled_epochs(self) -> int:
        """Epochs since the best validation loss (all of them before any)."""
        return self.epoch - self.best_epoch

    # -- the loop ---------------------------------------------------------------------------------
    def _run_epoch(self, epoch: int) -> Generator[TrainEvent, None, None]:
        """One epoch (see :class:`.epoch.EpochRun`): steps, each of which may report a 'nan'
        event, 'step' events at most every ``event_interval`` seconds, then the validation's
        'epoch' event.  Raises StopRequested when the control says stop."""
        run = EpochRun(self, epoch)
        while run.step < self.steps_per_epoch:
            yield from run.train_step()
            event = run.step_event()
            if event is not None:
                yield event
        yield run.finish()

    def _event(self, kind: str, **kw) -> TrainEvent:
        base = dict(kind=kind, epoch=self.epoch, epochs=self.train_config.epochs,
                    steps_per_epoch=self.steps_per_epoch, best_epoch=self.best_epoch,
                    best_val=self.best_val if math.isfinite(self.best_val) else None, lr=self.lr,
                    items_per_second=self._recent_ips)
        if kind in ("start", "done", "stopped") and self.history:
            last = self.history[-1]
            base.update(train_recon=last["train_recon"], train_kl=last["train_kl"],
                        val_recon=last["val_recon"], val_kl=last["val_kl"], val_iou=last.get("val_iou"))
        base.update(kw)
        return TrainEvent(**base)


def _check_fits(designs, model_config: ModelConfig, state: TrainerState | None) -> None:
    """UserError unless the designs, the model configuration and a saved state belong together."""
    if (designs.kind, designs.resolution, designs.channels) != (
            model_config.kind, model_config.resolution, model_config.channels):
        raise UserError(f"the model is for {model_config.channels}-channel {model_config.kind}s at "
                        f"{model_config.resolution}, the designs are {designs.channels}-channel "
                        f"{designs.kind}s at {designs.resolution}")
    if len(designs) < 1:
        raise UserError("no designs to train on")
    if state is not None and state.model_config != model_config:
        raise UserError("the saved state was trained with a different model configuration")


def _fmt(v: float) -> str:
    return f"{v:.2f}" if v is not None and math.isfinite(v) else "n/a"
