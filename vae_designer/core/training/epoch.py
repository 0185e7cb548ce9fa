"""One epoch of a :class:`~.trainer.Trainer` in progress, in named steps: wait out pause and
holds, a step's inputs, forward/backward in chunks, the NaN guard's verdict (agreed by every
rank), apply or undo, throttled progress events, then validation, history and the best model.

:class:`EpochRun` holds what used to be the epoch loop's local variables -- the position a
mid-epoch snapshot saves -- and works on its trainer's model, optimizer and lock.  The order
of operations is the trainer's contract (see its module docstring): the numbers of a run are
the same whether it ran in one go or was resumed from any step.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Generator
from typing import TYPE_CHECKING

import torch

from ..errors import UserError
from ..model.losses import vae_loss
from .control import TrainEvent
from .seeds import derive_seed, seeded_generator
from .state import state_copy

if TYPE_CHECKING:
    from .trainer import Trainer

# Consecutive non-finite steps before rolling back to the last epoch boundary, and before giving up.
NAN_ROLLBACK_AFTER = 3
NAN_GIVE_UP_AFTER = 12
# While the user is exploring (a hold in the last few seconds) CPU chunks are this much smaller,
# so a drag that starts while a chunk runs waits ~25-50 ms for the trainer to yield, not ~0.1-0.2
# s (one torch thread in the app).  It costs ~10-25% throughput, only while the map is in use, and
# changes only the rounding of the accumulated gradients, not what is computed.
INTERACTIVE_CHUNK_DIVISOR = 4


class StopRequested(Exception):
    """The control said stop: raised between steps or chunks, ``Trainer.run`` reports 'stopped'."""


class EpochRun:
    """Epoch ``epoch`` of ``trainer``, from its saved position (``trainer._progress``) on.

    ``step``: the next step; ``acc``: running sums recon * items, kl * items, items (float64,
    on the device); ``seconds``: training time of the epoch before ``t0``, which pauses and
    holds move on (they are not training time).  The trainer's ``_pos`` is this position as
    published to snapshots, updated under its lock.
    """

    def __init__(self, trainer: Trainer, epoch: int):
        t = self.trainer = trainer
        self.epoch = epoch
        self.order = t.epoch_order(epoch).to(t.device)
        p = t._progress
        self.step = int(p.get("step", 0))
        self.acc = torch.tensor([p.get("recon_sum", 0.0), p.get("kl_sum", 0.0), p.get("items", 0.0)],
                                dtype=torch.float64, device=t.device)
        self.seconds = float(p.get("seconds", 0.0))
        self.nan_steps = int(p.get("nan_steps", 0))
        self.t0 = time.perf_counter()
        with t._lock:
            t._acc = self.acc
            self._publish()
        self.consecutive_nan = 0
        self.items_this_run = 0

    def _publish(self) -> None:
        """Let snapshots see the current position (call with the trainer's lock held)."""
        self.trainer._pos = (self.step, self.seconds, self.nan_steps, self.t0)

    # -- one step -------------------------------------------------------------------------------------
    def train_step(self) -> Generator[TrainEvent, None, None]:
        """One optimizer step, or one undone by the NaN guard (which yields a 'nan' event)."""
        t = self.trainer
        paused = self.check_control()
        if paused:
            self.t0 += paused
            with t._lock:
                self._publish()
        b, x, noise = self._inputs()
        t.optimizer.zero_grad(set_to_none=True)
        finite, recon_sum, kl_sum = self.forward_backward(x, noise, t._beta(self.epoch, self.step))
        if t._held_in_step:  # waited for interactive work between chunks: not training time
            self.t0 += t._held_in_step
            t._held_in_step = 0.0
        ok, loss_ok, stop_all, gnorm = self._verdict(finite)
        if ok:
            self._apply(b, recon_sum, kl_sum, gnorm)
        else:
            yield self._undo(loss_ok)
        if stop_all:
            raise StopRequested()

    def check_control(self) -> float:
        """Honour pause (returns seconds paused) and stop (raises StopRequested); single process only.

        Under DDP the stop flag is agreed by all ranks once per step instead.
        """
        t, control = self.trainer, self.trainer.control
        waited = 0.0
        if control.paused and not control.stopped:
            waited = control.wait_while_paused()
        if control.held and not t.distributed:
            waited += control.wait_while_held()
        if control.stopped and not t.distributed:
            raise StopRequested()
        return waited

    def _inputs(self) -> tuple[int, torch.Tensor, torch.Tensor]:
        """(items, batch, noise): the step's batch (augmented) and its reparameterisation noise,
        both from (seed, epoch, step, rank) alone."""
        t, cfg = self.trainer, self.trainer.train_config
        idx = self.order[self.step * t.batch_size : (self.step + 1) * t.batch_size]
        b = len(idx)
        g = seeded_generator(derive_seed(cfg.seed, self.epoch, self.step, t.rank))
        x = t._batch(idx)
        if t._is_mesh and cfg.augment != "off":
            x = augment_voxels(x, g, t.train_config.augment)
        elif not t._is_mesh and cfg.shift_pixels:
            x = shift_images(x, g, cfg.shift_pixels)
        noise = torch.randn((b, t.model_config.latent_dim), generator=g).to(t.device, non_blocking=True)
        return b, x, noise

    def forward_backward(self, x, noise, beta):
        """Loss and gradients of one batch, in chunks of ``trainer.chunk`` items.

        Returns (loss finite, recon sum, kl sum) with the sums over items.  Single
        process: a stop between chunks abandons the step (gradients dropped, nothing
        applied) and raises StopRequested.  Under DDP every chunk runs (ranks stay in step).
        """
        t = self.trainer
        n = x.shape[0]
        chunk = t.chunk
        if not t.distributed and t.control.interactive():
            chunk = max(1, chunk // INTERACTIVE_CHUNK_DIVISOR)
        parts = max(1, math.ceil(n / chunk))
        size = math.ceil(n / parts)
        recon_sum = kl_sum = None
        finite = torch.ones((), dtype=torch.bool, device=t.device)
        for c0 in range(0, n, size):
            xs, ns = x[c0 : c0 + size], noise[c0 : c0 + size]
            m = xs.shape[0]
            last = c0 + size >= n
            sync = contextlib.nullcontext() if (last or not t.distributed) else t._net.no_sync()
            with sync:
                logits, mu, logvar = t._net(xs, ns)
                loss, recon, kl = vae_loss(logits, xs, mu, logvar, beta=beta, pos_weight=t.pos_weight,
                                           free_bits=t.train_config.free_bits)
                ok = torch.isfinite(loss)
                if not t.distributed and not bool(ok):
                    return False, None, None
                finite = finite & ok
                (loss * (m / n)).backward()
            r, k = recon.detach().double() * m, kl.detach().double() * m
            recon_sum = r if recon_sum is None else recon_sum + r
            kl_sum = k if kl_sum is None else kl_sum + k
            if not last and not t.distributed:
                if t.control.held:
                    t._held_in_step += t.control.wait_while_held()
                if t.control.stopped:
                    t.optimizer.zero_grad(set_to_none=True)
                    raise StopRequested()
        return finite, recon_sum, kl_sum

    # -- the NaN guard ----------------------------------------------------------------------------
    def _verdict(self, finite) -> tuple[bool, bool, bool, torch.Tensor | None]:
        """(apply the step, loss finite, stop now, gradient norm or None), the same on every rank.

        The loss is checked first, then the gradients: their norm when clipping needs it
        anyway, else the two ends of the network (:meth:`_grads_finite`).  Under DDP the stop
        flag and both checks are agreed by one all-reduce, so no rank is left waiting.
        """
        t = self.trainer
        loss_ok = bool(finite)  # single process: False when the loss was not finite
        gnorm = grads_ok = None
        if loss_ok or t.distributed:
            if t.train_config.grad_clip > 0:
                gnorm = self._grad_norm()
                grads_ok = torch.isfinite(gnorm)
            else:
                grads_ok = self._grads_finite()
        if not t.distributed:
            return loss_ok and bool(grads_ok), loss_ok, False, gnorm
        flags = torch.stack([torch.tensor(float(t.control.stopped), device=t.device),
                             (~finite).float(), (~grads_ok).float()])
        torch.distributed.all_reduce(flags, op=torch.distributed.ReduceOp.MAX)
        stop_all, bad_loss, bad_grad = (bool(v) for v in flags.tolist())
        return not (bad_loss or bad_grad), not bad_loss, stop_all, gnorm

    def _grad_norm(self) -> torch.Tensor:
        t = self.trainer
        grads = [p.grad for p in t.model.parameters() if p.grad is not None]
        if not grads:
            return torch.zeros((), device=t.device)
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
        out = torch.ones((), dtype=torch.bool, device=self.trainer.device)
        for p in self.trainer._sentinels:
            if p.grad is not None:
                out = out & torch.isfinite(p.grad).all()
        return out

    def _apply(self, b: int, recon_sum, kl_sum, gnorm) -> None:
        """Clip, then step the optimizer and the weight average and count the step, all under the
        lock a snapshot takes (it never sees half an optimizer step)."""
        t, cfg = self.trainer, self.trainer.train_config
        if cfg.grad_clip > 0:
            params = [q for q in t.model.parameters() if q.grad is not None]
            torch._foreach_mul_([q.grad for q in params], torch.clamp(cfg.grad_clip / (gnorm + 1e-6), max=1.0))
        with t._lock:
            t.optimizer.step()
            t._update_ema()
            self.acc += torch.stack([recon_sum, kl_sum, torch.tensor(float(b), dtype=torch.float64, device=t.device)])
            self.step += 1
            self._publish()
        self.consecutive_nan = 0
        self.items_this_run += b * t.world

    def _undo(self, loss_ok: bool) -> TrainEvent:
        """A non-finite step: never applied (the optimizer steps only after the check), the batch
        skipped and the learning rate halved; after NAN_ROLLBACK_AFTER in a row the weights and
        optimizer go back to the epoch boundary, after NAN_GIVE_UP_AFTER training gives up."""
        t = self.trainer
        t.optimizer.zero_grad(set_to_none=True)
        self.consecutive_nan += 1
        self.nan_steps += 1
        t.nan_events += 1
        if self.consecutive_nan >= NAN_GIVE_UP_AFTER:
            raise UserError(f"training diverged: {self.consecutive_nan} steps in a row gave a non-finite "
                            f"loss even at learning rate {t.lr:.3g}; try a lower --lr")
        note = ""
        if self.consecutive_nan >= NAN_ROLLBACK_AFTER:
            t._restore_boundary()
            note = "; weights restored from the start of the epoch"
        self.step += 1  # skip this batch: retrying the same data would fail the same way
        with t._lock:
            t.set_lr(t.lr * 0.5)
            self._publish()
        what = "loss" if not loss_ok else "gradient"
        return t._event("nan", epoch=self.epoch, step=self.step,
                        message=f"non-finite {what} at epoch {self.epoch + 1} step {self.step}: the step was "
                                f"undone and the learning rate lowered to {t.lr:.3g}{note}")

    # -- progress -------------------------------------------------------------------------------------
    def step_event(self) -> TrainEvent | None:
        """A 'step' event when ``event_interval`` seconds have passed since the last one (and
        after the epoch's last step): running means, this run's items per second, the ETA."""
        t, cfg, spe = self.trainer, self.trainer.train_config, self.trainer.steps_per_epoch
        now = time.perf_counter()
        if now - t._t_last_event < cfg.event_interval and self.step != spe:
            return None
        t._t_last_event = now
        ips = self.items_this_run / max(now - self.t0, 1e-9) if self.items_this_run else 0.0
        t._recent_ips = ips
        a = self.acc.tolist()
        remaining_items = ((spe - self.step) + (cfg.epochs - self.epoch - 1) * spe) * t.batch_size * t.world
        return t._event("step", epoch=self.epoch, step=self.step,
                        train_recon=a[0] / max(a[2], 1), train_kl=a[1] / max(a[2], 1),
                        items_per_second=ips,
                        eta_seconds=remaining_items / ips if ips > 0 else None)

    # -- the end of the epoch ---------------------------------------------------------------------
    def finish(self) -> TrainEvent:
        """After the last step: validate, record the epoch, keep the best weights, save the
        rollback point; returns the 'epoch' event."""
        t, spe = self.trainer, self.trainer.steps_per_epoch
        self.seconds += time.perf_counter() - self.t0
        train_items_per_s = (self.acc[2].item() * t.world) / max(self.seconds, 1e-9)
        # validation (a stop here keeps the finished training steps: the state says step == spe)
        t_val = time.perf_counter()
        with t._lock:
            t._pos = (spe, self.seconds, self.nan_steps, t_val)
        val = self.validate()
        self.seconds += time.perf_counter() - t_val
        record, score = self._record(val, train_items_per_s)
        improved = math.isfinite(score) and score < t.best_val
        self._commit(record, score, improved)
        t._save_boundary()
        remaining = (t.train_config.epochs - t.epoch) * self.seconds
        return t._event("epoch", epoch=t.epoch, step=spe, train_recon=record["train_recon"],
                        train_kl=record["train_kl"], val_recon=record["val_recon"], val_kl=record["val_kl"],
                        val_iou=val[2] if val is not None else None, improved=improved,
                        items_per_second=train_items_per_s, eta_seconds=remaining)

    def validate(self):
        """(recon, kl, iou) means over the validation set (all ranks together), or None if empty.

        Uses the weight average, one fixed noise draw per item (the same every
        epoch, so the curve is not noisy from sampling), beta = 1: the negative
        ELBO.  IoU (voxels): the reconstruction from the posterior mean, > 0.5.
        """
        t = self.trainer
        if len(t._val_idx) == 0:
            return None
        idx_all = t._val_idx
        positions = torch.arange(len(idx_all))
        if t.world > 1:
            positions = positions[t.rank :: t.world]
        sums = torch.zeros(4, dtype=torch.float64, device=t.device)
        model = t.ema_model
        was_training = model.training
        model.eval()
        try:
            with torch.no_grad():
                for i in range(0, len(positions), t.val_chunk):
                    if not t.distributed:
                        self.check_control()
                    pos = positions[i : i + t.val_chunk]
                    sums += self._validation_sums(model, idx_all[pos].to(t.device), pos)
        finally:
            model.train(was_training)
        if t.distributed:
            torch.distributed.all_reduce(sums)
        s = sums.tolist()
        n = max(s[3], 1)
        return s[0] / n, s[1] / n, (s[2] / n if t._is_mesh else None)

    def _validation_sums(self, model, idx: torch.Tensor, pos: torch.Tensor) -> torch.Tensor:
        """(recon * items, kl * items, IoU sum, items) of one validation chunk, float64."""
        t = self.trainer
        x = t._batch(idx)
        logits, mu, logvar = model(x, t._val_noise[pos.to(t.device)])
        _, recon, kl = vae_loss(logits, x, mu, logvar)
        b = len(pos)
        iou = torch.zeros((), dtype=torch.float64, device=t.device)
        if t._is_mesh:
            pred = model.decode(mu) > 0
            truth = x > 0.5
            inter = (pred & truth).flatten(1).sum(1).double()
            union = (pred | truth).flatten(1).sum(1).double()
            iou = torch.where(union > 0, inter / union.clamp(min=1), torch.ones_like(union)).sum()
        return torch.stack([recon.double() * b, kl.double() * b, iou,
                            torch.tensor(float(b), dtype=torch.float64, device=t.device)])

    def _record(self, val, items_per_second: float) -> tuple[dict, float]:
        """This epoch's history entry (training means all-reduced over ranks) and its score: the
        validation negative ELBO, or the training one without a validation set."""
        t = self.trainer
        train = self.acc.clone()
        if t.distributed:
            torch.distributed.all_reduce(train)
        tr = train.tolist()
        train_recon, train_kl = tr[0] / max(tr[2], 1), tr[1] / max(tr[2], 1)
        if val is not None:
            val_recon, val_kl, val_iou = val
            score = val_recon + val_kl
        else:
            val_recon = val_kl = val_iou = None
            score = train_recon + train_kl
        record = {"epoch": self.epoch + 1, "train_recon": train_recon, "train_kl": train_kl,
                  "val_recon": val_recon, "val_kl": val_kl, "lr": t.lr, "beta": t._beta(self.epoch, t.steps_per_epoch),
                  "seconds": self.seconds, "items_per_second": items_per_second, "nan_steps": self.nan_steps}
        if t._is_mesh:
            record["val_iou"] = val_iou
        return record, score

    def _commit(self, record: dict, score: float, improved: bool) -> None:
        """The epoch is done: best weights (the weight average) if it improved, history, position."""
        t = self.trainer
        with t._lock:
            if improved:
                t.best_val = score
                t.best_epoch = self.epoch + 1
                t._best_weights = state_copy(t.ema_model)
            t.history.append(record)
            t.epoch = self.epoch + 1
            t._progress = {}
            t._pos = None


def shift_images(x: torch.Tensor, g: torch.Generator, k: int) -> torch.Tensor:
    """Images (B, C, R, R): each moved by a random whole number of pixels in -k..k along each axis,
    the uncovered border filled with paper (0 ink); the same layout as ``x``."""
    B, _, R, _ = x.shape
    d = torch.randint(-k, k + 1, (B, 2), generator=g).tolist()
    padded = torch.nn.functional.pad(x, (k, k, k, k))
    out = torch.stack([padded[i, :, k + dy : k + dy + R, k + dx : k + dx + R] for i, (dy, dx) in enumerate(d)])
    layout = torch.channels_last if x.is_contiguous(memory_format=torch.channels_last) else torch.contiguous_format
    return out.contiguous(memory_format=layout)


def augment_voxels(x: torch.Tensor, g: torch.Generator, mode: str) -> torch.Tensor:
    """Voxels: each item mirrored ('mirror') or also turned ('turn') about the vertical axis.

    The grid is indexed [x, y, z] with z up (see ``preview.render_voxels``):
    'mirror' flips x and/or y; 'turn' also swaps x and y, which with the
    flips gives all 8 symmetries of the square (quarter turns and mirrors).
    """
    r = torch.rand((x.shape[0], 3), generator=g) < 0.5
    if mode == "mirror":
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
