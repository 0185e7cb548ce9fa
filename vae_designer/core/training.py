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
  finally 'done' or 'stopped'.
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

import contextlib
import copy
import dataclasses
import math
import os
import threading
import time
from collections.abc import Generator
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn as nn

from .errors import Cancelled, UserError
from .losses import auto_pos_weight, vae_loss
from .model_config import ModelConfig, TrainConfig
from .models import VAE, build_model

# Consecutive non-finite steps before rolling back to the last epoch boundary, and before giving up.
NAN_ROLLBACK_AFTER = 3
NAN_GIVE_UP_AFTER = 12
VAL_BATCH = 256
# Forward multiply-accumulates per chunk on a CPU: a chunk's forward + backward takes ~0.1 s on an
# idle 2-core CPU and stays under ~0.5 s when the CPU is shared (see Trainer._forward_backward).
CPU_CHUNK_MACS = 6e8
# While the user is exploring (a hold in the last few seconds) CPU chunks are this much smaller,
# so a drag that starts while a chunk runs waits ~25-50 ms for the trainer to yield, not ~0.1-0.2
# s (one torch thread in the app).  It costs ~10-25% throughput, only while the map is in use, and
# changes only the rounding of the accumulated gradients, not what is computed.
INTERACTIVE_CHUNK_DIVISOR = 4
INTERACTIVE_WINDOW_S = 5.0
EMA_EVERY = 4  # optimizer steps per update of the weight average
_VAL_STREAM = 0x5EED_0001  # separates the validation noise stream from the training ones


# --------------------------------------------------------------------------------------------
# control and events
# --------------------------------------------------------------------------------------------
class TrainControl:
    """Thread-safe pause / resume / stop flags shared by a trainer and its owner.

    ``hold(seconds)`` is a short, self-expiring pause for interactive work: the
    app calls it on every cursor move of the latent map, so that on a small CPU
    the decoder gets the cores while the user drags; training continues by
    itself a moment after the last move.  Held and paused time are not counted
    in items per second or the ETA, and neither changes what is computed.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._paused = False
        self._stopped = False
        self._hold_until = 0.0
        self._last_hold = -1e9
        self.held_seconds = 0.0  # total time the trainer waited in holds

    def hold(self, seconds: float) -> None:
        """Let the trainer wait (between chunks of work) until ``seconds`` from now."""
        with self._cond:
            now = time.perf_counter()
            self._hold_until = max(self._hold_until, now + seconds)
            self._last_hold = now

    def interactive(self, within: float = INTERACTIVE_WINDOW_S) -> bool:
        """Whether a hold was asked for in the last ``within`` seconds: the user is exploring, so
        the trainer works in smaller chunks and the next hold is honoured sooner."""
        return time.perf_counter() - self._last_hold < within

    @property
    def held(self) -> bool:
        return time.perf_counter() < self._hold_until

    def wait_while_held(self) -> float:
        """Block while a hold lasts and not stopped; return the seconds waited."""
        start = time.perf_counter()
        with self._cond:
            while not self._stopped:
                remaining = self._hold_until - time.perf_counter()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
        waited = time.perf_counter() - start
        self.held_seconds += waited
        return waited

    def pause(self) -> None:
        with self._cond:
            self._paused = True
            self._cond.notify_all()

    def resume(self) -> None:
        with self._cond:
            self._paused = False
            self._cond.notify_all()

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify_all()

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def stopped(self) -> bool:
        return self._stopped

    def wait_while_paused(self, timeout: float | None = None) -> float:
        """Block (without using CPU) while paused and not stopped; return the seconds waited."""
        start = time.perf_counter()
        with self._cond:
            while self._paused and not self._stopped:
                remaining = None if timeout is None else timeout - (time.perf_counter() - start)
                if remaining is not None and remaining <= 0:
                    break
                self._cond.wait(0.5 if remaining is None else min(0.5, remaining))
        return time.perf_counter() - start


@dataclass
class TrainEvent:
    """One progress report.

    ``epoch`` counts *completed* epochs (a 'step' event during the third epoch
    has ``epoch == 2``); ``step`` is the step inside the current epoch.  Loss
    values are nats per item; ``train_*`` are running means over the current
    epoch (step events) or the whole epoch (epoch events).  ``val_*``,
    ``best_val`` are None until the first validation.  ``val_iou`` is the
    mean validation IoU at threshold 0.5 (voxel grids only).
    """

    kind: str  # 'start' | 'step' | 'epoch' | 'nan' | 'done' | 'stopped'
    epoch: int = 0
    epochs: int = 0
    step: int = 0
    steps_per_epoch: int = 0
    train_recon: float | None = None
    train_kl: float | None = None
    val_recon: float | None = None
    val_kl: float | None = None
    items_per_second: float = 0.0
    eta_seconds: float | None = None
    best_val: float | None = None
    best_epoch: int = 0
    improved: bool = False
    message: str = ""
    lr: float | None = None
    val_iou: float | None = None

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclass
class TrainerState:
    """Everything needed to continue training, as plain data (tensors are CPU, contiguous).

    ``epoch``: completed epochs.  ``progress``: {} at an epoch boundary, else the
    position inside epoch ``epoch + 1`` (``step``, the epoch's running sums,
    seconds so far, the batch size and process count it was counted in) --
    JSON-able, so a project can store it and resume mid-epoch exactly; a state
    without it (or with another batch size) redoes that epoch from its start,
    from the saved weights.  ``history``: one dict per completed epoch.
    ``weights``: the live weights (training continues from them);
    ``best_weights``: the weight average at the best validation epoch (what
    decoding and export use).  ``optimizer_tensors`` / ``optimizer_meta``: the
    Adam state as in :func:`optimizer_to_flat`, plus the weight average as
    ``ema.<parameter>`` tensors and ``optimizer_meta['ema_steps']``.
    """

    model_config: ModelConfig
    train_config: TrainConfig
    epoch: int = 0
    best_epoch: int = 0
    best_val: float = math.inf
    history: list = field(default_factory=list)
    weights: dict = field(default_factory=dict)
    best_weights: dict = field(default_factory=dict)
    optimizer_tensors: dict = field(default_factory=dict)
    optimizer_meta: dict = field(default_factory=dict)
    split: dict = field(default_factory=dict)
    pos_weight: float | None = None
    lr: float | None = None
    progress: dict = field(default_factory=dict)


# --------------------------------------------------------------------------------------------
# optimizer state without pickle
# --------------------------------------------------------------------------------------------
def optimizer_to_flat(opt: torch.optim.Optimizer) -> tuple[dict, dict]:
    """``(tensors, meta)``: the optimizer's state as flat CPU tensors ("state.3.exp_avg") + JSON."""
    sd = opt.state_dict()
    tensors: dict[str, torch.Tensor] = {}
    scalars: dict[str, dict] = {}
    for pid, st in sd["state"].items():
        for key, value in st.items():
            if torch.is_tensor(value):
                tensors[f"state.{pid}.{key}"] = _cpu_copy(value)
            else:
                scalars.setdefault(str(pid), {})[key] = value
    groups = []
    for g in sd["param_groups"]:
        groups.append({k: (list(v) if isinstance(v, tuple) else v) for k, v in g.items()})
    meta = {"format": 1, "type": type(opt).__name__, "param_groups": groups, "scalars": scalars,
            "steps": int(max((float(v) for k, v in tensors.items() if k.endswith(".step")), default=0))}
    return tensors, meta


def optimizer_from_flat(opt: torch.optim.Optimizer, tensors: dict, meta: dict) -> None:
    """Load what :func:`optimizer_to_flat` produced into ``opt`` (same parameters, same order)."""
    if not meta or not meta.get("param_groups"):
        return  # nothing saved: a fresh optimizer
    if meta.get("type", type(opt).__name__) != type(opt).__name__:
        raise UserError(f"saved optimizer is {meta.get('type')}, not {type(opt).__name__}")
    state: dict[int, dict] = {}
    for name, value in tensors.items():
        _, pid, key = name.split(".", 2)
        state.setdefault(int(pid), {})[key] = value
    for pid, st in meta.get("scalars", {}).items():
        state.setdefault(int(pid), {}).update(st)
    groups = []
    for g in meta["param_groups"]:
        g = dict(g)
        if "betas" in g:
            g["betas"] = tuple(g["betas"])
        groups.append(g)
    try:
        opt.load_state_dict({"state": state, "param_groups": groups})
    except (ValueError, KeyError, RuntimeError) as exc:
        raise UserError(f"saved optimizer state does not fit this model ({exc})") from None


# --------------------------------------------------------------------------------------------
# devices and processes
# --------------------------------------------------------------------------------------------
def resolve_device(name: str = "auto") -> torch.device:
    """'auto' -> cuda, then mps, then cpu; an explicit choice that is unavailable is a UserError."""
    if name == "auto":
        if torch.cuda.is_available():
            name = "cuda"
        elif getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
            name = "mps"
        else:
            name = "cpu"
    if name == "cuda":
        if not torch.cuda.is_available():
            raise UserError("device 'cuda' was requested but no CUDA GPU is available")
        if _distributed():
            return torch.device("cuda", int(os.environ.get("LOCAL_RANK", 0)) % torch.cuda.device_count())
        return torch.device("cuda")
    if name == "mps":
        if getattr(torch.backends, "mps", None) is None or not torch.backends.mps.is_available():
            raise UserError("device 'mps' was requested but Apple's Metal backend is not available")
        return torch.device("mps")
    if name != "cpu":
        raise UserError(f"unknown device {name!r}: use auto, cpu, cuda or mps")
    return torch.device("cpu")


def _distributed() -> bool:
    return torch.distributed.is_available() and torch.distributed.is_initialized()


def is_main_process() -> bool:
    """True unless this is a torchrun process other than rank 0 (which must not write files)."""
    if _distributed():
        return torch.distributed.get_rank() == 0
    return int(os.environ.get("RANK", "0")) == 0


def init_distributed_from_env(device: str | None = "auto") -> bool:
    """Join torchrun's process group (gloo on CPU, nccl on CUDA); True if this call did it.

    Does nothing (False) outside torchrun, for a world of one process, or when a
    process group already exists (then it is not ours to destroy).
    """
    if not torch.distributed.is_available() or torch.distributed.is_initialized():
        return False
    if "RANK" not in os.environ or int(os.environ.get("WORLD_SIZE", "1")) <= 1:
        return False
    want = device or "auto"
    use_cuda = want in ("auto", "cuda") and torch.cuda.is_available()
    if want == "mps":
        raise UserError("training on several processes is not supported on Apple's Metal backend")
    if use_cuda:
        torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", 0)) % torch.cuda.device_count())
    torch.distributed.init_process_group(backend="nccl" if use_cuda else "gloo")
    return True


# --------------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------------
def _cpu_copy(t: torch.Tensor) -> torch.Tensor:
    return t.detach().to("cpu", copy=True, memory_format=torch.contiguous_format)


def _state_copy(module: nn.Module) -> dict[str, torch.Tensor]:
    return {k: _cpu_copy(v) for k, v in module.state_dict().items()}


def _seed(*parts: int) -> int:
    """A 63-bit seed mixed from integers (numpy's SeedSequence: well-spread, platform-independent)."""
    lo, hi = np.random.SeedSequence([int(p) & 0xFFFFFFFFFFFFFFFF for p in parts]).generate_state(2, np.uint32)
    return (int(lo) | (int(hi) << 32)) & 0x7FFFFFFFFFFFFFFF


def make_split(n: int, seed: int, val_fraction: float) -> dict[str, list[int]]:
    """A seeded train/validation split of ``n`` items (sorted index lists).

    At least one validation item when ``val_fraction > 0`` and ``n >= 2``;
    at least one training item always.
    """
    if n < 1:
        raise UserError("no designs to train on")
    n_val = round(n * val_fraction)
    if val_fraction > 0 and n >= 2:
        n_val = max(1, n_val)
    n_val = min(n_val, n - 1)
    perm = np.random.default_rng(_seed(seed, 0x5B117)).permutation(n)
    return {"train": sorted(int(i) for i in perm[n_val:]), "val": sorted(int(i) for i in perm[:n_val])}


def _generator(seed: int) -> torch.Generator:
    g = torch.Generator()
    g.manual_seed(seed)
    return g


def _model_of(model_or_weights, model_config: ModelConfig, device) -> VAE:
    if isinstance(model_or_weights, nn.Module):
        m = model_or_weights.module if hasattr(model_or_weights, "module") else model_or_weights
        return m
    m = build_model(model_config)
    m.load_state_dict(model_or_weights)
    return m.to(device)


def _items_per_batch(batch_size: int, item_shape) -> int:
    """``batch_size``, lowered so that one batch holds at most ~8M values (64^3 voxels: 32 items)."""
    return max(1, min(int(batch_size), (1 << 23) // int(np.prod(item_shape))))


def encode_all(model_or_weights, model_config: ModelConfig, designs, batch_size: int = 256,
               device: str | torch.device = "cpu") -> np.ndarray:
    """Posterior means of every design, float32 (N, latent_dim): the latent map's points.

    ``model_or_weights``: a VAE (used as is, on its device) or a state dict
    (a model is built on ``device``).  The model's train/eval mode is restored.
    """
    model = _model_of(model_or_weights, model_config, device)
    batch_size = _items_per_batch(batch_size, model_config.item_shape)
    dev = next(model.parameters()).device
    was_training = model.training
    model.eval()
    out = np.empty((len(designs), model_config.latent_dim), np.float32)
    try:
        with torch.no_grad():
            for i in range(0, len(designs), batch_size):
                x = torch.from_numpy(designs.batch(np.arange(i, min(i + batch_size, len(designs))))).to(dev)
                mu, _ = model.encode(x)
                out[i : i + len(x)] = mu.float().cpu().numpy()
    finally:
        model.train(was_training)
    return out


def reconstruction_errors(model_or_weights, model_config: ModelConfig, designs, batch_size: int = 256,
                          device: str | torch.device = "cpu", cancel=None) -> np.ndarray:
    """Each design's reconstruction error, float32 (N,): the negative log-likelihood in nats
    (Bernoulli, summed over pixels / voxels -- the ``recon`` term of the loss) of the design
    under the decoding of its own posterior mean, i.e. of what its point on the map decodes to.

    High values mark the designs the model has not learned (outliers, broken files, rare
    shapes): what the map's "colour by reconstruction error" shows.  ``cancel``: an object
    with ``is_set()`` (a ``threading.Event``), checked between batches.
    """
    import torch.nn.functional as F

    model = _model_of(model_or_weights, model_config, device)
    batch_size = _items_per_batch(batch_size, model_config.item_shape)
    dev = next(model.parameters()).device
    was_training = model.training
    model.eval()
    out = np.empty(len(designs), np.float32)
    try:
        with torch.no_grad():
            for i in range(0, len(designs), batch_size):
                if cancel is not None and cancel.is_set():
                    raise Cancelled()
                x = torch.from_numpy(designs.batch(np.arange(i, min(i + batch_size, len(designs))))).to(dev)
                mu, _ = model.encode(x)
                logits = model.decode(mu).float()
                nll = F.binary_cross_entropy_with_logits(logits, x, reduction="none").flatten(1).sum(1)
                out[i : i + len(x)] = nll.cpu().numpy()
    finally:
        model.train(was_training)
    return out


def decode_latents(model: VAE, z, batch_size: int = 256) -> np.ndarray:
    """Probabilities (sigmoid of the logits), float32 (N, *item_shape), for latent codes ``z``."""
    model = model.module if hasattr(model, "module") else model
    dev = next(model.parameters()).device
    batch_size = _items_per_batch(batch_size, model.item_shape)
    z = torch.as_tensor(np.asarray(z, dtype=np.float32))
    if z.ndim == 1:
        z = z[None]
    out = []
    with torch.no_grad():
        for i in range(0, len(z), batch_size):
            logits = model.decode(z[i : i + batch_size].to(dev))
            out.append(torch.sigmoid(logits.float()).contiguous().cpu().numpy())
    if not out:
        return np.empty((0, *model.item_shape), np.float32)
    return np.concatenate(out)


# --------------------------------------------------------------------------------------------
# the trainer
# --------------------------------------------------------------------------------------------
class _Stop(Exception):
    pass


class Trainer:
    """Trains a VAE on a DesignSet; see the module docstring for the contract.

    ``split``: an explicit ``{'train': [...], 'val': [...]}`` (benchmarks);
    by default it comes from ``state`` or from the seed.
    """

    def __init__(self, designs, model_config: ModelConfig, train_config: TrainConfig,
                 control: TrainControl | None = None, state: TrainerState | None = None,
                 split: dict | None = None):
        if (designs.kind, designs.resolution, designs.channels) != (
                model_config.kind, model_config.resolution, model_config.channels):
            raise UserError(f"the model is for {model_config.channels}-channel {model_config.kind}s at "
                            f"{model_config.resolution}, the designs are {designs.channels}-channel "
                            f"{designs.kind}s at {designs.resolution}")
        if len(designs) < 1:
            raise UserError("no designs to train on")
        if state is not None and state.model_config != model_config:
            raise UserError("the saved state was trained with a different model configuration")
        self.designs = designs
        self.model_config = model_config
        self.train_config = cfg = train_config
        self.control = control or TrainControl()
        self.device = resolve_device(cfg.device)
        self.distributed = _distributed()
        self.rank = torch.distributed.get_rank() if self.distributed else 0
        self.world = torch.distributed.get_world_size() if self.distributed else 1
        if self.distributed and self.device.type == "mps":
            raise UserError("training on several processes is not supported on Apple's Metal backend")
        self._lock = threading.RLock()

        # split
        n = len(designs)
        if split is None and state is not None and state.split:
            split = state.split
        if split is None:
            split = make_split(n, cfg.seed, cfg.val_fraction)
        train_idx = [int(i) for i in split.get("train", [])]
        val_idx = [int(i) for i in split.get("val", [])]
        if not train_idx or any(not 0 <= i < n for i in train_idx + val_idx):
            raise UserError("the train/validation split does not fit these designs "
                            "(the design folder changed?)")
        self.split = {"train": train_idx, "val": val_idx}
        self._train_idx = torch.tensor(train_idx, dtype=torch.long)
        self._val_idx = torch.tensor(val_idx, dtype=torch.long)

        # data on the device, compact
        self._data = torch.from_numpy(np.ascontiguousarray(designs.data)).to(self.device)
        self._is_mesh = designs.kind == "mesh"
        self._shifts = torch.arange(7, -1, -1, dtype=torch.uint8, device=self.device)

        # model (initialised from the seed without disturbing anyone else's RNG)
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(_seed(cfg.seed, 0x1417))
            model = build_model(model_config)
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
        if cfg.ema_decay > 0:
            self.ema_model: VAE = copy.deepcopy(self.model).requires_grad_(False)
        else:
            self.ema_model = self.model
        self._ema_steps = 0
        self._params = list(self.model.parameters())
        self._ema_params = list(self.ema_model.parameters())
        self._sentinels = [self.model.encoder[0].weight, self.model.decoder[-1].weight,
                           self.model.decoder[-1].bias]

        # optimiser and learning rate: a changed lr in the config wins over the saved (lowered) one
        lr = cfg.lr
        if state is not None and state.lr is not None and state.train_config.lr == cfg.lr:
            lr = float(state.lr)
        self.lr = lr
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=lr, weight_decay=cfg.weight_decay)
        if state is not None and state.optimizer_meta:
            self._load_flat(state.optimizer_tensors, state.optimizer_meta)
        self._set_lr(lr)

        # voxel positive weight
        if self._is_mesh:
            if state is not None and state.pos_weight is not None:
                self.pos_weight = float(state.pos_weight)
            elif cfg.pos_weight is not None:
                self.pos_weight = float(cfg.pos_weight)
            else:
                self.pos_weight = auto_pos_weight(self._train_mean())
        else:
            self.pos_weight = None

        # progress
        self.epoch = state.epoch if state is not None else 0
        self.best_epoch = state.best_epoch if state is not None else 0
        self.best_val = float(state.best_val) if state is not None and state.best_val is not None else math.inf
        self.history = copy.deepcopy(state.history) if state is not None else []
        self._best_weights = ({k: v.clone() for k, v in state.best_weights.items()}
                              if state is not None and state.best_weights else {})
        self.batch_size = cfg.batch_size
        self.steps_per_epoch = max(1, math.ceil(self._per_rank_count() / self.batch_size))
        self._progress = dict(state.progress) if state is not None and state.progress else {}
        if self._progress and (self._progress.get("batch_size") != self.batch_size
                               or self._progress.get("world") != self.world):
            self._progress = {}  # steps of another size: redo the epoch from its start
        # items per forward/backward: a step is split into chunks of at most this many items
        # (gradients accumulated) so that pause/stop are checked at least every ~0.3 s on a CPU
        if self.device.type == "cpu" and not self.distributed:
            self.chunk = max(1, int(CPU_CHUNK_MACS // max(1, self.model.macs_per_item)))
        else:
            self.chunk = self.batch_size
        self.val_chunk = max(1, min(VAL_BATCH, 3 * self.chunk))
        self._boundary: tuple[dict, dict, dict] | None = None  # last epoch-boundary rollback point
        self._pos = None  # (step, seconds before t0, nan steps, t0) inside the current epoch
        self._acc = torch.zeros(3, dtype=torch.float64)
        self._held_in_step = 0.0
        self._recent_ips = 0.0
        self._t_last_event = 0.0
        # validation noise: one fixed draw per validation item, the same every epoch
        self._val_noise = torch.randn((len(val_idx), model_config.latent_dim),
                                      generator=_generator(_seed(cfg.seed, _VAL_STREAM))).to(self.device)
        self.nan_events = 0

    # -- data ---------------------------------------------------------------------------------
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
        perm = np.random.default_rng(_seed(self.train_config.seed, 0xE70C, epoch)).permutation(
            len(self._train_idx))
        order = self._train_idx[torch.from_numpy(perm)]
        if self.world > 1:
            total = self._per_rank_count() * self.world
            if total > len(order):  # pad by wrapping, like DistributedSampler
                order = torch.cat([order, order[: total - len(order)]])
            order = order[self.rank :: self.world]
        return order

    def _augment(self, x: torch.Tensor, g: torch.Generator) -> torch.Tensor:
        """Voxels: each item mirrored ('mirror') or also turned ('turn') about the vertical axis.

        The grid is indexed [x, y, z] with z up (see ``preview.render_voxels``):
        'mirror' flips x and/or y; 'turn' also swaps x and y, which with the
        flips gives all 8 symmetries of the square (quarter turns and mirrors).
        """
        r = torch.rand((x.shape[0], 3), generator=g) < 0.5
        if self.train_config.augment == "mirror":
            r[:, 2] = False
        codes = r[:, 0].long() + 2 * r[:, 1].long() + 4 * r[:, 2].long()
        if not bool(codes.any()):
            return x
        out = x.clone()
        for code in codes.unique().tolist():
            if code == 0:
                continue
            sel = (codes == code).nonzero().flatten().to(x.device)
            xs = x[sel]
            if code & 1:
                xs = xs.flip(2)
            if code & 2:
                xs = xs.flip(3)
            if code & 4:
                xs = xs.transpose(2, 3)
            out[sel] = xs
        return out

    # -- optimiser helpers -----------------------------------------------------------------
    def _set_lr(self, lr: float) -> None:
        self.lr = lr
        for g in self.optimizer.param_groups:
            g["lr"] = lr

    def _beta(self, epoch: int, step: int) -> float:
        cfg = self.train_config
        if cfg.kl_warmup_epochs <= 0:
            return cfg.beta
        t = (epoch + step / self.steps_per_epoch) / cfg.kl_warmup_epochs
        return cfg.beta * min(1.0, t)

    def _grad_norm(self) -> torch.Tensor:
        grads = [p.grad for p in self.model.parameters() if p.grad is not None]
        if not grads:
            return torch.zeros((), device=self.device)
        norms = torch._foreach_norm(grads)
        return torch.linalg.vector_norm(torch.stack(norms))

    def _grads_finite(self) -> torch.Tensor:
        """Whether the gradients are finite, from the two ends of the network (a 0-d bool tensor).

        Back-propagation carries a NaN or inf that appears anywhere in the
        backward pass into the gradient of the first encoder layer (every path
        from the loss ends there) and one that appears in the decoder's output
        into the last layer's; a parameter-only overflow needs an infinite
        activation, which the loss check has already caught.  Checking these
        two small tensors instead of a norm over all parameters saves a full
        pass over the gradients every step.
        """
        out = torch.ones((), dtype=torch.bool, device=self.device)
        for p in self._sentinels:
            if p.grad is not None:
                out = out & torch.isfinite(p.grad).all()
        return out

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
                tensors[f"ema.{k}"] = _cpu_copy(v)
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
        self._params = list(self.model.parameters())
        self._ema_params = list(self.ema_model.parameters())
        self._sentinels = [self.model.encoder[0].weight, self.model.decoder[-1].weight,
                           self.model.decoder[-1].bias]

    def _save_boundary(self) -> None:
        tensors, meta = self._flat()
        self._boundary = (_state_copy(self.model), tensors, meta)

    def _restore_boundary(self) -> None:
        if self._boundary is None:
            return
        weights, tensors, meta = self._boundary
        with self._lock:
            self.model.load_state_dict(weights)
            lr = self.lr
            self._load_flat(tensors, meta)
            self._set_lr(lr)

    # -- public ------------------------------------------------------------------------------
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
                weights=_state_copy(self.model),
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
        except _Stop:
            yield self._event("stopped", message=f"stopped during epoch {self.epoch + 1}; "
                              f"best validation {self._fmt(self.best_val)} at epoch {self.best_epoch}")
            return self.snapshot()
        yield self._event("done", message=f"finished {self.epoch} epochs; best validation "
                          f"{self._fmt(self.best_val)} nats at epoch {self.best_epoch}")
        return self.snapshot()

    # -- the loop ----------------------------------------------------------------------------------
    @staticmethod
    def _fmt(v: float) -> str:
        return f"{v:.2f}" if v is not None and math.isfinite(v) else "n/a"

    def _check_control(self) -> float:
        """Honour pause (returns seconds paused) and stop (raises _Stop); single process only.

        Under DDP the stop flag is agreed by all ranks once per step instead.
        """
        waited = 0.0
        if self.control.paused and not self.control.stopped:
            waited = self.control.wait_while_paused()
        if self.control.held and not self.distributed:
            waited += self.control.wait_while_held()
        if self.control.stopped and not self.distributed:
            raise _Stop()
        return waited

    def _forward_backward(self, x, noise, beta):
        """Loss and gradients of one batch, in chunks of ``self.chunk`` items.

        Returns (loss finite, recon sum, kl sum) with the sums over items.  Single
        process: a stop between chunks abandons the step (gradients dropped, nothing
        applied) and raises _Stop.  Under DDP every chunk runs (ranks stay in step).
        """
        n = x.shape[0]
        chunk = self.chunk
        if not self.distributed and self.control.interactive():
            chunk = max(1, chunk // INTERACTIVE_CHUNK_DIVISOR)
        parts = max(1, math.ceil(n / chunk))
        size = math.ceil(n / parts)
        recon_sum = kl_sum = None
        finite = torch.ones((), dtype=torch.bool, device=self.device)
        for c0 in range(0, n, size):
            xs, ns = x[c0 : c0 + size], noise[c0 : c0 + size]
            m = xs.shape[0]
            last = c0 + size >= n
            sync = contextlib.nullcontext() if (last or not self.distributed) else self._net.no_sync()
            with sync:
                logits, mu, logvar = self._net(xs, ns)
                loss, recon, kl = vae_loss(logits, xs, mu, logvar, beta=beta, pos_weight=self.pos_weight,
                                           free_bits=self.train_config.free_bits)
                ok = torch.isfinite(loss)
                if not self.distributed and not bool(ok):
                    return False, None, None
                finite = finite & ok
                (loss * (m / n)).backward()
            r, k = recon.detach().double() * m, kl.detach().double() * m
            recon_sum = r if recon_sum is None else recon_sum + r
            kl_sum = k if kl_sum is None else kl_sum + k
            if not last and not self.distributed:
                if self.control.held:
                    self._held_in_step += self.control.wait_while_held()
                if self.control.stopped:
                    self.optimizer.zero_grad(set_to_none=True)
                    raise _Stop()
        return finite, recon_sum, kl_sum

    def _run_epoch(self, epoch: int):
        cfg = self.train_config
        spe = self.steps_per_epoch
        order = self.epoch_order(epoch).to(self.device)
        p = self._progress
        start_step = int(p.get("step", 0))
        # running sums of this epoch: recon * items, kl * items, items (float64, on the device)
        acc = torch.tensor([p.get("recon_sum", 0.0), p.get("kl_sum", 0.0), p.get("items", 0.0)],
                           dtype=torch.float64, device=self.device)
        seconds = float(p.get("seconds", 0.0))
        nan_steps = int(p.get("nan_steps", 0))
        t_epoch = time.perf_counter()
        with self._lock:
            self._acc = acc
            self._pos = (start_step, seconds, nan_steps, t_epoch)
        consecutive_nan = 0
        L = self.model_config.latent_dim
        items_this_run = 0

        step = start_step
        while step < spe:
            paused = self._check_control()
            if paused:
                t_epoch += paused
                with self._lock:
                    self._pos = (step, seconds, nan_steps, t_epoch)
            idx = order[step * self.batch_size : (step + 1) * self.batch_size]
            b = len(idx)
            g = _generator(_seed(cfg.seed, epoch, step, self.rank))
            x = self._batch(idx)
            if self._is_mesh and cfg.augment != "off":
                x = self._augment(x, g)
            noise = torch.randn((b, L), generator=g).to(self.device, non_blocking=True)

            self.optimizer.zero_grad(set_to_none=True)
            finite, recon_sum, kl_sum = self._forward_backward(x, noise, self._beta(epoch, step))
            if self._held_in_step:  # waited for interactive work between chunks: not training time
                t_epoch += self._held_in_step
                self._held_in_step = 0.0
            loss_ok = bool(finite)  # single process: False when the loss was not finite
            gnorm = grads_ok = None
            if loss_ok or self.distributed:
                if cfg.grad_clip > 0:
                    gnorm = self._grad_norm()
                    grads_ok = torch.isfinite(gnorm)
                else:
                    grads_ok = self._grads_finite()
            if self.distributed:
                flags = torch.stack([torch.tensor(float(self.control.stopped), device=self.device),
                                     (~finite).float(), (~grads_ok).float()])
                torch.distributed.all_reduce(flags, op=torch.distributed.ReduceOp.MAX)
                stop_all, bad_loss, bad_grad = (bool(v) for v in flags.tolist())
                loss_ok = not bad_loss
                ok = not (bad_loss or bad_grad)
            else:
                stop_all = False
                ok = loss_ok and bool(grads_ok)

            if ok:
                if cfg.grad_clip > 0:
                    params = [q for q in self.model.parameters() if q.grad is not None]
                    torch._foreach_mul_([q.grad for q in params],
                                        torch.clamp(cfg.grad_clip / (gnorm + 1e-6), max=1.0))
                with self._lock:
                    self.optimizer.step()
                    self._update_ema()
                    acc += torch.stack([recon_sum, kl_sum,
                                        torch.tensor(float(b), dtype=torch.float64, device=self.device)])
                    step += 1
                    self._pos = (step, seconds, nan_steps, t_epoch)
                consecutive_nan = 0
                items_this_run += b * self.world
            else:
                self.optimizer.zero_grad(set_to_none=True)
                consecutive_nan += 1
                nan_steps += 1
                self.nan_events += 1
                if consecutive_nan >= NAN_GIVE_UP_AFTER:
                    raise UserError(f"training diverged: {consecutive_nan} steps in a row gave a non-finite "
                                    f"loss even at learning rate {self.lr:.3g}; try a lower --lr")
                note = ""
                if consecutive_nan >= NAN_ROLLBACK_AFTER:
                    self._restore_boundary()
                    note = "; weights restored from the start of the epoch"
                step += 1  # skip this batch: retrying the same data would fail the same way
                with self._lock:
                    self._set_lr(self.lr * 0.5)
                    self._pos = (step, seconds, nan_steps, t_epoch)
                what = "loss" if not loss_ok else "gradient"
                yield self._event("nan", epoch=epoch, step=step,
                                  message=f"non-finite {what} at epoch {epoch + 1} step {step}: the step was "
                                          f"undone and the learning rate lowered to {self.lr:.3g}{note}")
            if stop_all:
                raise _Stop()

            now = time.perf_counter()
            if now - self._t_last_event >= cfg.event_interval or step == spe:
                self._t_last_event = now
                ips = items_this_run / max(now - t_epoch, 1e-9) if items_this_run else 0.0
                self._recent_ips = ips
                a = acc.tolist()
                remaining_items = ((spe - step) + (cfg.epochs - epoch - 1) * spe) * self.batch_size * self.world
                yield self._event("step", epoch=epoch, step=step,
                                  train_recon=a[0] / max(a[2], 1), train_kl=a[1] / max(a[2], 1),
                                  items_per_second=ips,
                                  eta_seconds=remaining_items / ips if ips > 0 else None)
        seconds += time.perf_counter() - t_epoch
        train_items_per_s = (acc[2].item() * self.world) / max(seconds, 1e-9)

        # validation (a stop here keeps the finished training steps: the state says step == spe)
        t_val = time.perf_counter()
        with self._lock:
            self._pos = (spe, seconds, nan_steps, t_val)
        val = self._validate()
        seconds += time.perf_counter() - t_val
        train = acc.clone()
        if self.distributed:
            torch.distributed.all_reduce(train)
        tr = train.tolist()
        train_recon, train_kl = tr[0] / max(tr[2], 1), tr[1] / max(tr[2], 1)
        if val is not None:
            val_recon, val_kl, val_iou = val
            score = val_recon + val_kl
        else:
            val_recon = val_kl = val_iou = None
            score = train_recon + train_kl
        improved = math.isfinite(score) and score < self.best_val
        record = {"epoch": epoch + 1, "train_recon": train_recon, "train_kl": train_kl,
                  "val_recon": val_recon, "val_kl": val_kl, "lr": self.lr, "beta": self._beta(epoch, spe),
                  "seconds": seconds, "items_per_second": train_items_per_s, "nan_steps": nan_steps}
        if self._is_mesh:
            record["val_iou"] = val_iou
        with self._lock:
            if improved:
                self.best_val = score
                self.best_epoch = epoch + 1
                self._best_weights = _state_copy(self.ema_model)
            self.history.append(record)
            self.epoch = epoch + 1
            self._progress = {}
            self._pos = None
        self._save_boundary()
        remaining = (self.train_config.epochs - self.epoch) * seconds
        yield self._event("epoch", epoch=self.epoch, step=spe, train_recon=train_recon, train_kl=train_kl,
                          val_recon=val_recon, val_kl=val_kl, val_iou=val_iou, improved=improved,
                          items_per_second=train_items_per_s, eta_seconds=remaining)

    def _validate(self):
        """(recon, kl, iou) means over the validation set (all ranks together), or None if empty.

        Uses the weight average, one fixed noise draw per item (the same every
        epoch, so the curve is not noisy from sampling), beta = 1: the negative
        ELBO.  IoU (voxels): the reconstruction from the posterior mean, > 0.5.
        """
        if len(self._val_idx) == 0:
            return None
        idx_all = self._val_idx
        positions = torch.arange(len(idx_all))
        if self.world > 1:
            positions = positions[self.rank :: self.world]
        sums = torch.zeros(4, dtype=torch.float64, device=self.device)
        model = self.ema_model
        was_training = model.training
        model.eval()
        try:
            with torch.no_grad():
                for i in range(0, len(positions), self.val_chunk):
                    if not self.distributed:
                        self._check_control()
                    pos = positions[i : i + self.val_chunk]
                    x = self._batch(idx_all[pos].to(self.device))
                    logits, mu, logvar = model(x, self._val_noise[pos.to(self.device)])
                    _, recon, kl = vae_loss(logits, x, mu, logvar)
                    b = len(pos)
                    iou = torch.zeros((), dtype=torch.float64, device=self.device)
                    if self._is_mesh:
                        pred = model.decode(mu) > 0
                        truth = x > 0.5
                        inter = (pred & truth).flatten(1).sum(1).double()
                        union = (pred | truth).flatten(1).sum(1).double()
                        iou = torch.where(union > 0, inter / union.clamp(min=1), torch.ones_like(union)).sum()
                    sums += torch.stack([recon.double() * b, kl.double() * b, iou,
                                         torch.tensor(float(b), dtype=torch.float64, device=self.device)])
        finally:
            model.train(was_training)
        if self.distributed:
            torch.distributed.all_reduce(sums)
        s = sums.tolist()
        n = max(s[3], 1)
        return s[0] / n, s[1] / n, (s[2] / n if self._is_mesh else None)

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
