"""The models, the loss and the trainer, on tiny generated designs (no files, no GPU).

What is asserted is behaviour a user relies on: stop takes effect within a
second, pause holds the trainer still without using the CPU, a saved state
resumes to exactly the numbers of uninterrupted training, the same seed gives
the same curve, a non-finite step is undone, the best validation weights are
the ones kept, and two processes under DistributedDataParallel agree.
"""

from __future__ import annotations

import json
import math
import os
import socket
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import pytest
import torch
from helpers import IDLE_CPU_SHARE, REPO, watched_control_class

from vae_designer.core.errors import UserError
from vae_designer.core.generators import run_to_end
from vae_designer.core.ingest.designset import DesignSet
from vae_designer.core.ingest.settings import IngestSettings
from vae_designer.core.model.config import ModelConfig, TrainConfig
from vae_designer.core.model.losses import auto_pos_weight, vae_loss
from vae_designer.core.model.networks import build_model
from vae_designer.core.training import (
    TrainControl,
    Trainer,
    TrainerState,
    decode_latents,
    encode_all,
    make_split,
    optimizer_from_flat,
    optimizer_to_flat,
    reconstruction_errors,
)
from vae_designer.core.training.epoch import augment_voxels, shift_images


# ---------------------------------------------------------------------------------------------
# tiny designs
# ---------------------------------------------------------------------------------------------
def image_designs(n: int = 48, R: int = 32, seed: int = 0, colour: bool = False) -> DesignSet:
    """Filled rectangles and discs of random size and place, as ink (shape bright)."""
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[:R, :R]
    data = np.zeros((n, R, R, 3) if colour else (n, R, R), np.uint8)
    for i in range(n):
        cx, cy = rng.uniform(R * 0.3, R * 0.7, 2)
        r = rng.uniform(R * 0.15, R * 0.3)
        shape = ((xx - cx) ** 2 + (yy - cy) ** 2 < r * r) if i % 2 else \
            ((abs(xx - cx) < r) & (abs(yy - cy) < r * 0.6))
        value = (shape * rng.uniform(150, 255)).astype(np.uint8)
        data[i] = value[..., None] * np.array([1, 0.5, 0.2])[None, None] if colour else value
    return DesignSet(root="/generated", settings=IngestSettings("image", R),
                     paths=[f"{'disc' if i % 2 else 'box'}/{i:03d}.png" for i in range(n)],
                     labels=["disc" if i % 2 else "box" for i in range(n)], data=data,
                     meta=[{"background": [255, 255, 255]} for _ in range(n)])


def voxel_designs(n: int = 24, R: int = 32, seed: int = 0) -> DesignSet:
    """Axis-aligned boxes of random proportions, bit-packed like ingestion does."""
    rng = np.random.default_rng(seed)
    rows = []
    for _ in range(n):
        g = np.zeros((R, R, R), bool)
        lo = rng.integers(2, R // 3, 3)
        hi = rng.integers(R // 2, R - 2, 3)
        g[lo[0]:hi[0], lo[1]:hi[1], lo[2]:hi[2]] = True
        rows.append(np.packbits(g.ravel()))
    return DesignSet(root="/generated", settings=IngestSettings("mesh", R), paths=[f"{i:03d}.stl" for i in range(n)],
                     labels=["box"] * n, data=np.stack(rows), meta=[{}] * n)


def tiny(designs, **train) -> tuple[ModelConfig, TrainConfig]:
    mc = ModelConfig.for_designs(designs, latent_dim=8, width=8)
    tc = TrainConfig(**{"epochs": 3, "batch_size": 8, "lr": 2e-3, "device": "cpu", "val_fraction": 0.25,
                        **train})
    return mc, tc


def drive(gen, on_event=None):
    """Run a trainer generator to the end; return (events, final state)."""
    events = []

    def keep(ev):
        events.append(ev)
        if on_event:
            on_event(ev)

    return events, run_to_end(gen, keep)


TIMING = {"seconds", "items_per_second"}


def curve(history):
    return [{k: v for k, v in h.items() if k not in TIMING} for h in history]


def assert_same_tensors(a: dict, b: dict):
    assert a.keys() == b.keys()
    for k in a:
        assert torch.equal(a[k], b[k]), k


def through_disk(state: TrainerState, tmp_path: Path) -> TrainerState:
    """What a project does: JSON for the plain data, safetensors for tensors -- no pickle."""
    from safetensors.torch import load_file, save_file

    def tensors(name, d):
        save_file(d or {"__empty__": torch.zeros(0)}, tmp_path / f"{name}.safetensors")
        out = load_file(tmp_path / f"{name}.safetensors")
        out.pop("__empty__", None)
        return out

    plain = json.loads(json.dumps({
        "model": state.model_config.to_dict(), "train": state.train_config.to_dict(), "epoch": state.epoch,
        "best_epoch": state.best_epoch, "best_val": state.best_val, "history": state.history,
        "optimizer_meta": state.optimizer_meta, "split": state.split, "pos_weight": state.pos_weight,
        "lr": state.lr, "progress": state.progress}))
    return TrainerState(
        model_config=ModelConfig.from_dict(plain["model"]), train_config=TrainConfig.from_dict(plain["train"]),
        epoch=plain["epoch"], best_epoch=plain["best_epoch"], best_val=plain["best_val"],
        history=plain["history"], weights=tensors("w", state.weights), best_weights=tensors("b", state.best_weights),
        optimizer_tensors=tensors("o", state.optimizer_tensors), optimizer_meta=plain["optimizer_meta"],
        split=plain["split"], pos_weight=plain["pos_weight"], lr=plain["lr"], progress=plain["progress"])


def through_project(state: TrainerState, designs, tmp_path: Path) -> TrainerState:
    """The real thing: save_project, then load_project(...).trainer_state()."""
    from vae_designer.core.project.store import load_project, save_project

    mu = np.zeros((len(designs), state.model_config.latent_dim), np.float32)
    save_project(tmp_path / "project", state, designs, mu)
    return load_project(tmp_path / "project").trainer_state()


# ---------------------------------------------------------------------------------------------
# configs, models, loss
# ---------------------------------------------------------------------------------------------
def test_configs_round_trip_and_reject_bad_values():
    mc = ModelConfig("image", 64, channels=3, latent_dim=16, width=24)
    tc = TrainConfig(epochs=7, beta=0.5, free_bits=0.1, device="cpu", pos_weight=3.0)
    assert ModelConfig.from_json(mc.to_json()) == mc
    assert TrainConfig.from_dict(json.loads(json.dumps(tc.to_dict()))) == tc
    assert TrainConfig.from_dict({**tc.to_dict(), "from_the_future": 1}) == tc  # unknown keys ignored
    bad = [lambda: ModelConfig("image", 32, latent_dim=0), lambda: ModelConfig("mesh", 128),
           lambda: ModelConfig("image", 48), lambda: ModelConfig("sound", 32),
           lambda: ModelConfig("mesh", 32, channels=3), lambda: TrainConfig(device="tpu"),
           lambda: TrainConfig(lr=0), lambda: TrainConfig(epochs=0), lambda: TrainConfig(val_fraction=0.9),
           lambda: TrainConfig(beta=float("nan")), lambda: TrainConfig(batch_size=2.5)]
    assert ModelConfig.for_designs(image_designs(4, colour=True)).channels == 3
    assert ModelConfig.for_designs(voxel_designs(2), latent_dim=8).item_shape == (1, 32, 32, 32)
    assert TrainConfig.for_designs(voxel_designs(10)).batch_size == 16
    assert TrainConfig.for_designs(voxel_designs(10)).epochs == 300
    assert TrainConfig.for_designs(image_designs(1000), lr=1e-3, seed=None).epochs == 72  # 72,000 item passes
    assert TrainConfig.for_designs(image_designs(3000)).epochs == 30  # at least 30
    assert TrainConfig.for_designs(image_designs(1000), lr=1e-3).lr == 1e-3
    for make in bad:
        with pytest.raises(UserError) as info:
            make()
        assert "\n" not in str(info.value) and str(info.value)


@pytest.mark.parametrize("kind,R,C", [("image", 32, 1), ("image", 64, 3), ("image", 128, 1),
                                      ("mesh", 32, 1), ("mesh", 64, 1)])
def test_models_have_the_item_shape_for_every_resolution(kind, R, C):
    cfg = ModelConfig(kind, R, channels=C, latent_dim=5, width=4)
    model = build_model(cfg)
    x = torch.rand(2, *cfg.item_shape)
    logits, mu, logvar = model(x)
    assert logits.shape == x.shape and mu.shape == logvar.shape == (2, 5)
    assert model.decode(torch.zeros(3, 5)).shape == (3, *cfg.item_shape)
    model.eval()  # evaluation without noise decodes the mean: deterministic
    assert torch.equal(model(x)[0], model(x)[0])


def test_loss_is_nats_per_item_and_pos_weight_only_weights_the_fit():
    torch.manual_seed(0)
    x = (torch.rand(4, 1, 8, 8, 8) < 0.1).float()
    logits = torch.randn_like(x)
    mu, logvar = torch.randn(4, 3), torch.randn(4, 3)
    loss, recon, kl = vae_loss(logits, x, mu, logvar)
    bce = torch.nn.functional.binary_cross_entropy_with_logits(logits, x, reduction="none").flatten(1).sum(1)
    kl_ref = (-0.5 * (1 + logvar - mu**2 - logvar.exp())).sum(1)
    assert torch.allclose(recon, bce.mean()) and torch.allclose(kl, kl_ref.mean())
    assert torch.allclose(loss, recon + kl)
    wloss, wrecon, _ = vae_loss(logits, x, mu, logvar, beta=0.5, pos_weight=3.0)
    wbce = torch.nn.functional.binary_cross_entropy_with_logits(logits, x, pos_weight=torch.tensor(3.0),
                                                                reduction="sum") / 4
    assert torch.allclose(wrecon, recon)  # reported recon stays the true likelihood
    assert torch.allclose(wloss, wbce + 0.5 * kl, rtol=1e-5)
    fb_loss, _, fb_kl = vae_loss(logits, x, torch.zeros(4, 3), torch.zeros(4, 3), free_bits=0.5)
    assert float(fb_kl) == 0 and torch.allclose(fb_loss, recon + 1.5)  # 3 dims x 0.5 nats
    assert auto_pos_weight(0.1) == pytest.approx(3.0**0.5) and auto_pos_weight(0.9) == 1.0


def test_optimizer_state_round_trips_without_pickle():
    model = build_model(ModelConfig("image", 32, latent_dim=4, width=4))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    model(torch.rand(2, 1, 32, 32))[0].sum().backward()
    opt.step()
    tensors, meta = optimizer_to_flat(opt)
    meta = json.loads(json.dumps(meta))
    assert all(k.startswith("state.") for k in tensors) and meta["steps"] == 1
    opt2 = torch.optim.Adam(model.parameters(), lr=5.0)
    optimizer_from_flat(opt2, tensors, meta)
    assert opt2.param_groups[0]["lr"] == 1e-3
    for (k1, v1), (k2, v2) in zip(sorted(optimizer_to_flat(opt2)[0].items()), sorted(tensors.items())):
        assert k1 == k2 and torch.equal(v1, v2)


def test_split_is_seeded_and_disjoint():
    a, b, c = make_split(100, 1, 0.1), make_split(100, 1, 0.1), make_split(100, 2, 0.1)
    assert a == b and a != c
    assert len(a["val"]) == 10 and sorted(a["train"] + a["val"]) == list(range(100))
    assert len(make_split(3, 0, 0.1)["val"]) == 1 and make_split(1, 0, 0.1) == {"train": [0], "val": []}


# ---------------------------------------------------------------------------------------------
# the trainer
# ---------------------------------------------------------------------------------------------
def test_training_learns_keeps_best_and_reports_events():
    designs = image_designs()
    mc, tc = tiny(designs, epochs=4)
    events, state = drive(Trainer(designs, mc, tc).run())
    kinds = [e.kind for e in events]
    assert kinds[0] == "start" and kinds[-1] == "done" and kinds.count("epoch") == 4
    first, last = state.history[0], state.history[-1]
    assert last["train_recon"] < first["train_recon"]  # it learns
    vals = [h["val_recon"] + h["val_kl"] for h in state.history]
    assert state.best_val == pytest.approx(min(vals)) and state.best_epoch == 1 + int(np.argmin(vals))
    assert state.epoch == 4 and state.progress == {} and state.best_weights
    assert all(v.is_contiguous() and v.device.type == "cpu" for v in state.weights.values())
    epoch_events = [e for e in events if e.kind == "epoch"]
    assert [e.epoch for e in epoch_events] == [1, 2, 3, 4]
    assert all(math.isfinite(e.val_recon) and e.items_per_second > 0 for e in epoch_events)
    assert sum(e.improved for e in epoch_events) >= 1


def test_best_weights_are_the_best_epochs_even_when_training_gets_worse():
    designs = image_designs()
    mc, tc = tiny(designs, epochs=5)
    trainer = Trainer(designs, mc, tc)
    at_epoch = {}

    def averaged(snap):  # validation and best weights use the weight average, saved as "ema.*"
        return {k[4:]: v for k, v in snap.optimizer_tensors.items() if k.startswith("ema.")}

    def on_event(ev):
        if ev.kind == "epoch":
            at_epoch[ev.epoch] = averaged(trainer.snapshot())
            if ev.epoch == 2:  # from here on the learning rate is absurd: validation gets worse
                trainer.set_lr(0.3)

    _, state = drive(trainer.run(), on_event)
    vals = [h["val_recon"] + h["val_kl"] for h in state.history]
    assert min(vals[2:]) > min(vals[:2]), vals
    assert state.best_epoch in (1, 2)
    assert_same_tensors(state.best_weights, at_epoch[state.best_epoch])
    final = averaged(state)
    assert not all(torch.equal(state.best_weights[k], final[k]) for k in final)


@pytest.mark.parametrize("early_stop", [0.2, 0.0])
def test_training_ends_early_once_validation_stops_improving(early_stop):
    """``early_stop``: no better validation loss for the patience (at least 10 epochs) ends the run
    with 'done' and the best weights kept; 0 runs every planned epoch."""
    designs = image_designs()
    mc, tc = tiny(designs, epochs=14, early_stop=early_stop)
    trainer = Trainer(designs, mc, tc)
    assert trainer.patience == (10 if early_stop else 0)

    def on_event(ev):
        if ev.kind == "epoch" and ev.epoch == 2:  # from here on validation gets worse
            trainer.set_lr(0.3)

    events, state = drive(trainer.run(), on_event)
    assert events[-1].kind == "done" and state.best_epoch in (1, 2)
    if early_stop:
        assert state.epoch == state.best_epoch + 10 < 14
        assert "stopped early" in events[-1].message and state.best_weights is not None
    else:
        assert state.epoch == 14 and "finished 14 epochs" in events[-1].message


def test_same_seed_same_curve_and_another_seed_another():
    designs = voxel_designs()
    mc, tc = tiny(designs, epochs=2)
    _, a = drive(Trainer(designs, mc, tc).run())
    _, b = drive(Trainer(designs, mc, tc).run())
    _, c = drive(Trainer(designs, mc, TrainConfig(**{**tc.to_dict(), "seed": 1})).run())
    assert curve(a.history) == curve(b.history)
    assert_same_tensors(a.weights, b.weights)
    assert curve(a.history) != curve(c.history)
    assert a.pos_weight == pytest.approx(auto_pos_weight(designs.batch(a.split["train"]).mean()), rel=0.05)
    assert all(0 <= h["val_iou"] <= 1 for h in a.history)


def test_image_shifts_move_each_picture_within_reach_and_training_with_them_is_seeded():
    x = torch.zeros((6, 1, 12, 12))
    x[:, :, 5:7, 5:7] = 1.0  # a 2x2 square in the middle
    out = shift_images(x, torch.Generator().manual_seed(3), 2)
    assert torch.equal(out, shift_images(x, torch.Generator().manual_seed(3), 2))  # seeded
    assert out.shape == x.shape and torch.equal(out.sum((1, 2, 3)), x.sum((1, 2, 3)))  # nothing lost
    for item in out:
        ys, xs = torch.nonzero(item[0] > 0, as_tuple=True)
        assert 3 <= int(ys.min()) <= 7 and 3 <= int(xs.min()) <= 7  # moved by at most 2 pixels
    assert len({tuple(torch.nonzero(o[0]).min(0).values.tolist()) for o in out}) > 1  # not all alike
    designs = image_designs()
    mc, tc = tiny(designs, epochs=2, shift_pixels=2)
    _, a = drive(Trainer(designs, mc, tc).run())
    _, b = drive(Trainer(designs, mc, tc).run())
    _, plain = drive(Trainer(designs, mc, TrainConfig(**{**tc.to_dict(), "shift_pixels": 0})).run())
    assert curve(a.history) == curve(b.history) != curve(plain.history)
    with pytest.raises(UserError, match="shift_pixels"):
        TrainConfig(shift_pixels=-1)


@pytest.mark.parametrize("stop_at", ["epoch", "mid-epoch", "first-epoch"])
def test_resume_from_saved_state_equals_continuous_training(tmp_path, stop_at):
    designs = image_designs(40)
    mc, tc = tiny(designs, epochs=4, event_interval=0.0)
    _, continuous = drive(Trainer(designs, mc, tc).run())

    if stop_at == "epoch":
        _, part = drive(Trainer(designs, mc, TrainConfig(**{**tc.to_dict(), "epochs": 2})).run())
        assert part.progress == {}
    else:
        control = TrainControl()
        trainer = Trainer(designs, mc, tc, control=control)
        steps = [0]

        skip = trainer.steps_per_epoch if stop_at == "mid-epoch" else 0

        def on_event(ev):
            if ev.kind == "step":
                steps[0] += 1
                if steps[0] == skip + 2:  # two steps into the second (or the first) epoch
                    control.stop()

        events, part = drive(trainer.run(), on_event)
        assert events[-1].kind == "stopped"
        assert part.epoch == skip // trainer.steps_per_epoch and part.progress["step"] == 2
    if stop_at == "first-epoch":  # nothing validated yet: no best value, no best weights
        assert part.best_val == float("inf")
        part = through_project(part, designs, tmp_path)
        assert part.best_val == float("inf")
    else:
        part = through_disk(part, tmp_path)
    _, resumed = drive(Trainer(designs, mc, tc, state=part).run())
    assert curve(resumed.history) == curve(continuous.history)
    assert_same_tensors(resumed.weights, continuous.weights)
    assert_same_tensors(resumed.best_weights, continuous.best_weights)
    assert_same_tensors(resumed.optimizer_tensors, continuous.optimizer_tensors)
    assert resumed.best_epoch == continuous.best_epoch


WatchedControl = watched_control_class()


def _train_in_thread(trainer):
    """Run ``trainer`` in a thread; returns (thread, events, result, done, stepped): ``stepped`` is
    set whenever the trainer reports an event (clear it, then wait on it)."""
    events, result = [], {}
    box, stepped = threading.Event(), threading.Event()

    def work():
        try:
            gen = trainer.run()
            while True:
                try:
                    events.append(next(gen))
                    stepped.set()
                except StopIteration as stop:
                    result["state"] = stop.value
                    return
        finally:
            box.set()

    thread = threading.Thread(target=work, daemon=True)
    thread.start()
    return thread, events, result, box, stepped


def _wait_for(pred, timeout=120.0):
    end = time.monotonic() + timeout
    while not pred():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.01)


def test_stop_from_another_thread_takes_effect_within_a_second():
    """A stop is honoured at the next chunk boundary: the step under way (or the validation chunk)
    is the most that still reports, then the trainer ends.  A chunk is sized to ~0.1 s of CPU work
    (CPU_CHUNK_MACS), which is what makes that "within a second"; the seconds themselves are
    measured by benchmarks, not asserted here (quiet figure: 5-35 ms from stop() to the end)."""
    designs = image_designs(64)
    mc, tc = tiny(designs, epochs=1000, event_interval=0.0)
    control = TrainControl()
    trainer = Trainer(designs, mc, tc, control=control)
    thread, events, result, done, _ = _train_in_thread(trainer)
    _wait_for(lambda: sum(e.kind == "step" for e in events) >= 3)  # mid-epoch
    control.stop()
    n = len(events)  # every event reported from here on was under way when stop() returned
    assert done.wait(120)
    after = [e.kind for e in events[n:]]
    assert after[-1] == "stopped" and len(after) <= 2 and set(after[:-1]) <= {"step", "epoch"}, after
    assert result["state"].epoch < 1000
    thread.join(10)


def test_pause_holds_still_without_cpu_then_resume_and_stop_while_paused():
    designs = image_designs(64)
    mc, tc = tiny(designs, epochs=1000, event_interval=0.0)
    control = WatchedControl()
    trainer = Trainer(designs, mc, tc, control=control)
    thread, events, _, done, stepped = _train_in_thread(trainer)
    _wait_for(lambda: len(events) >= 3)
    control.pause()
    assert control.paused
    assert control.in_pause.wait(120)  # the step under way finished; the trainer waits
    n = len(events)
    stepped.clear()
    assert not stepped.wait(0.8)  # no step while paused (a wait that ended early would show here)
    assert len(events) == n
    control.resume()
    _wait_for(lambda: len(events) > n + 2)  # it carries on
    # and the pause cost the waiting thread (almost) no CPU: no busy waiting
    wait = control.pauses[0]
    assert wait["wall"] >= 0.8 and wait["cpu"] < IDLE_CPU_SHARE * wait["wall"], wait
    control.pause()
    assert control.in_pause.wait(120)
    n = len(events)
    control.stop()  # a stop while paused ends training too, without another step
    assert done.wait(120)
    assert [e.kind for e in events[n:]] == ["stopped"]
    thread.join(10)


def test_hold_lets_interactive_work_have_the_cpu_then_training_goes_on_by_itself():
    designs = image_designs(64)
    mc, tc = tiny(designs, epochs=3, event_interval=0.0)
    reference = Trainer(designs, mc, tc)
    reference.chunk = 4
    _, plain = drive(reference.run())

    control = WatchedControl()
    trainer = Trainer(designs, mc, tc, control=control)
    trainer.chunk = 4  # holds are honoured between chunks too
    thread, events, result, done, _ = _train_in_thread(trainer)
    _wait_for(lambda: len(events) >= 3)
    # the user drags on the map: a hold with every move, until the trainer waits in one (on a
    # loaded machine the chunk under way may take longer than one hold lasts)
    hold = 0.8
    end = time.monotonic() + 120
    while True:
        asked = time.perf_counter()
        control.hold(hold)
        if control.in_hold.wait(0.05):
            break
        assert time.monotonic() < end, "the trainer never honoured a hold"
    # the hold is recent: steps run in smaller chunks while the user explores
    assert control.interactive() and not control.interactive(within=0.0)
    assert done.wait(120)  # the hold expires by itself: training goes on without being told
    thread.join(10)
    assert events[-1].kind == "done"
    waits = [w for w in control.holds if w["waited"] > 0]
    assert waits
    # it waited until the last hold ran out, not less...
    assert waits[-1]["left"] >= asked + hold
    # ...without busy waiting (a little CPU to enter and leave each wait is allowed for)...
    assert sum(w["cpu"] for w in waits) < IDLE_CPU_SHARE * sum(w["wall"] for w in waits) + 0.002 * len(waits), waits
    # ...and the time held is what is kept out of the speed figures
    assert control.held_seconds == pytest.approx(sum(w["waited"] for w in control.holds))
    # and no longer than it was asked to (quiet figure: the hold plus < 1 ms; 5x slack for load)
    assert control.held_seconds < 5 * hold
    state = result["state"]
    # a hold changes when, not what: while the user explores, steps run in smaller chunks, which
    # only changes the rounding of the accumulated gradients
    for a, b in zip(state.history, plain.history):
        assert a["train_recon"] == pytest.approx(b["train_recon"], rel=1e-4)
        assert a["val_recon"] == pytest.approx(b["val_recon"], rel=1e-4)
    assert max(float((state.weights[k] - plain.weights[k]).abs().max()) for k in plain.weights) < 1e-3


def test_steps_run_in_smaller_chunks_while_the_user_explores():
    from vae_designer.core.training import INTERACTIVE_CHUNK_DIVISOR

    designs = image_designs(40)
    mc, tc = tiny(designs, epochs=1)  # batches of 8
    calls = {}
    for mode in ("alone", "exploring"):
        control = TrainControl()
        if mode == "exploring":
            control.hold(0.0)  # a cursor move just now: no wait, but the user is at the map
        trainer = Trainer(designs, mc, tc, control=control)
        trainer.chunk = 8
        n = [0]
        trainer.model.register_forward_hook(lambda m, a, o, n=n: n.__setitem__(0, n[0] + m.training))
        drive(trainer.run())
        calls[mode] = n[0]
    batches = [8, 8, 8, 6]  # 30 training designs (a quarter validates) in batches of 8
    assert calls["alone"] == len(batches)
    assert calls["exploring"] == sum(math.ceil(b / (8 // INTERACTIVE_CHUNK_DIVISOR)) for b in batches)


def test_snapshot_from_another_thread_is_a_consistent_copy():
    designs = image_designs(64)
    mc, tc = tiny(designs, epochs=1000)
    control = TrainControl()
    trainer = Trainer(designs, mc, tc, control=control)
    thread, events, _result, done, _ = _train_in_thread(trainer)
    _wait_for(lambda: len(events) >= 2)
    snap = trainer.snapshot()
    control.stop()
    assert done.wait(120)
    live = trainer.model.state_dict()
    assert all(snap.weights[k].data_ptr() != live[k].data_ptr() for k in live)
    model = build_model(mc)
    model.load_state_dict(snap.weights)  # a complete state dict
    assert snap.optimizer_meta["steps"] == snap.progress.get("step", 0) + trainer.steps_per_epoch * snap.epoch
    thread.join(1)


@pytest.mark.parametrize("poison", ["loss", "gradient"])
def test_nan_step_is_rolled_back_and_the_learning_rate_lowered(poison):
    designs = image_designs()
    mc, tc = tiny(designs, epochs=2)
    trainer = Trainer(designs, mc, tc)
    calls, before = [0], {}
    bad_call = trainer.steps_per_epoch + 1  # the second step of epoch 2

    def grad_hook(grad):
        return grad * float("nan")

    def forward_hook(module, args, output):
        if not module.training:
            return None
        calls[0] += 1
        if calls[0] != bad_call:
            return None
        before["weights"] = {k: v.clone() for k, v in module.state_dict().items()}
        before["optimizer"] = optimizer_to_flat(trainer.optimizer)[0]
        logits, mu, logvar = output
        if poison == "loss":
            return logits * float("nan"), mu, logvar
        logits.register_hook(grad_hook)  # finite loss, non-finite gradients
        return None

    trainer.model.register_forward_hook(forward_hook)
    after = {}

    def on_event(ev):
        if ev.kind == "nan":
            after["weights"] = {k: v.clone() for k, v in trainer.model.state_dict().items()}
            after["optimizer"] = optimizer_to_flat(trainer.optimizer)[0]
            after["event"] = ev

    events, state = drive(trainer.run(), on_event)
    assert [e.kind for e in events].count("nan") == 1
    assert_same_tensors(after["weights"], before["weights"])  # the step was undone
    assert_same_tensors(after["optimizer"], before["optimizer"])
    assert after["event"].lr == pytest.approx(tc.lr / 2) and poison in after["event"].message
    assert state.lr == pytest.approx(tc.lr / 2) and state.history[-1]["lr"] == pytest.approx(tc.lr / 2)
    assert state.history[1]["nan_steps"] == 1 and events[-1].kind == "done"
    assert all(math.isfinite(v) for v in state.weights["to_stats.weight"].flatten().tolist())
    assert all(math.isfinite(h["train_recon"]) and math.isfinite(h["val_recon"]) for h in state.history)


@pytest.mark.parametrize("mode,variants", [("mirror", 4), ("turn", 8)])
def test_voxel_augmentation_gives_the_symmetries_of_the_square_about_the_vertical_axis(mode, variants):
    g = np.zeros((32, 32, 32), bool)
    g[2:20, 5:9, 1:30] = True  # an L-shaped, asymmetric part
    g[2:6, 5:25, 1:4] = True
    x = torch.from_numpy(g).float()[None, None].repeat(64, 1, 1, 1, 1)
    out = augment_voxels(x, torch.Generator().manual_seed(0), mode)
    allowed = []
    for swap in (False, True):
        for fx in (False, True):
            for fy in (False, True):
                v = x[0, 0]
                v = v.flip(0) if fx else v
                v = v.flip(1) if fy else v
                allowed.append(v.transpose(0, 1) if swap else v)
    allowed = allowed[:variants] if mode == "mirror" else allowed
    seen = set()
    for item in out[:, 0]:
        matches = [i for i, v in enumerate(allowed) if torch.equal(item, v)]
        assert matches, "not a symmetry of the square about z"
        seen.add(matches[0])
        assert torch.equal(item.sum((0, 1)), x[0, 0].sum((0, 1)))  # the profile along z (up) is kept
    assert len(seen) == variants  # every variant occurs in 64 draws; z (up) is never flipped
    assert torch.equal(augment_voxels(x, torch.Generator().manual_seed(0), mode), out)  # seeded


def test_large_batches_run_in_chunks_with_the_same_result_and_stop_between_chunks():
    designs = image_designs(40)
    mc, tc = tiny(designs, epochs=2)
    _, whole = drive(Trainer(designs, mc, tc).run())
    chunked = Trainer(designs, mc, tc)
    chunked.chunk = 3  # batches of 8 -> chunks of 3, 3, 2 with gradients accumulated
    _, parts = drive(chunked.run())
    for a, b in zip(whole.history, parts.history):
        assert a["train_recon"] == pytest.approx(b["train_recon"], rel=1e-4)
        assert a["val_recon"] == pytest.approx(b["val_recon"], rel=1e-4)
    assert max(float((whole.weights[k] - parts.weights[k]).abs().max()) for k in whole.weights) < 1e-3

    control = TrainControl()
    trainer = Trainer(designs, mc, tc, control=control)
    trainer.chunk = 3
    calls, before = [0], {}

    def hook(module, args, output):
        if module.training:
            calls[0] += 1
            if calls[0] == 7:  # first chunk of the third step
                before["weights"] = {k: v.clone() for k, v in module.state_dict().items()}
                control.stop()  # arrives while the step is half done

    trainer.model.register_forward_hook(hook)
    events, state = drive(trainer.run())
    assert events[-1].kind == "stopped" and calls[0] == 7  # no further chunk ran
    assert state.progress["step"] == 2  # the unfinished step is not counted...
    assert_same_tensors(state.weights, before["weights"])  # ...and not applied
    assert state.optimizer_meta["steps"] == 2


def test_encode_all_and_decode_latents():
    designs = image_designs(20, colour=True)
    mc, tc = tiny(designs, epochs=1)
    _, state = drive(Trainer(designs, mc, tc).run())
    mu = encode_all(state.best_weights, mc, designs, batch_size=7)
    assert mu.shape == (20, 8) and mu.dtype == np.float32
    model = build_model(mc)
    model.load_state_dict(state.best_weights)
    model.eval()
    assert np.allclose(encode_all(model, mc, designs), mu, atol=1e-6)
    probs = decode_latents(model, mu[:3])
    assert probs.shape == (3, 3, 32, 32) and probs.min() >= 0 and probs.max() <= 1


def test_models_from_weights_are_built_once_per_weights_object_and_shared():
    import gc

    from vae_designer.core.training import ModelCache
    from vae_designer.core.training.inference import MODELS

    mc = ModelConfig("image", 32, latent_dim=4, width=4)
    weights = {k: v.clone() for k, v in build_model(mc).state_dict().items()}
    cache = ModelCache(size=3)
    model = cache.get(mc, weights)
    assert not model.training and cache.get(mc, weights) is model and cache.builds == 1
    same_tensors = dict(weights)  # another dict: its own entry, even with the same tensors
    assert cache.get(mc, same_tensors) is not model and cache.builds == 2
    same_tensors["to_stats.bias"] = same_tensors["to_stats.bias"].clone()  # same dict, other tensors
    assert cache.get(mc, same_tensors) is not model and cache.builds == 3
    other = {k: v + 1 for k, v in weights.items()}
    assert cache.get(mc, other) is not model and cache.builds == 4 and len(cache) == 3
    del other
    gc.collect()
    assert cache.get(mc, weights) is model and len(cache) == 2  # freed weights: their model is forgotten
    threads_got = []
    fresh = {k: v * 0.5 for k, v in weights.items()}
    threads = [threading.Thread(target=lambda: threads_got.append(cache.get(mc, fresh))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(m) for m in threads_got}) == 1 and cache.builds == 5  # built once for all four
    # encode_all and reconstruction_errors with a state dict share the process-wide cache
    designs = image_designs(6)
    builds = MODELS.builds
    encode_all(weights, mc, designs)
    reconstruction_errors(weights, mc, designs)
    assert MODELS.builds == builds + 1


def test_reconstruction_errors_are_each_items_nll_and_flag_a_corrupted_item():
    import dataclasses

    designs = image_designs(32)
    mc, tc = tiny(designs, epochs=4)
    _, state = drive(Trainer(designs, mc, tc).run())
    err = reconstruction_errors(state.best_weights, mc, designs, batch_size=5)
    assert err.shape == (32,) and err.dtype == np.float32 and np.isfinite(err).all() and (err > 0).all()
    # by hand for one item: the BCE of the decoding of its own encoding, in nats summed over pixels
    model = build_model(mc)
    model.load_state_dict(state.best_weights)
    model.eval()
    x = designs.batch([3])
    p = decode_latents(model, encode_all(model, mc, designs)[3:4]).astype(np.float64)
    p = np.clip(p, 1e-7, 1 - 1e-7)
    by_hand = -(x * np.log(p) + (1 - x) * np.log(1 - p)).sum()
    assert err[3] == pytest.approx(by_hand, rel=1e-3)
    # a design replaced by noise is the one the model reconstructs worst
    data = designs.data.copy()
    data[7] = np.random.default_rng(1).integers(0, 256, data[7].shape, dtype=np.uint8)
    broken = dataclasses.replace(designs, data=data)
    err2 = reconstruction_errors(model, mc, broken)
    assert int(np.argmax(err2)) == 7 and err2[7] > 2 * np.median(err2)
    np.testing.assert_allclose(np.delete(err2, 7), np.delete(err, 7), rtol=1e-4)
    cancel = threading.Event()
    cancel.set()
    from vae_designer.core.errors import Cancelled

    with pytest.raises(Cancelled):
        reconstruction_errors(model, mc, designs, cancel=cancel)


def test_mismatched_designs_are_a_user_error():
    designs = image_designs(8)
    with pytest.raises(UserError):
        Trainer(designs, ModelConfig("image", 64), TrainConfig(device="cpu"))
    if not torch.cuda.is_available():
        with pytest.raises(UserError):
            Trainer(designs, ModelConfig.for_designs(designs), TrainConfig(device="cuda"))


# ---------------------------------------------------------------------------------------------
# several processes
# ---------------------------------------------------------------------------------------------
DDP_SCRIPT = textwrap.dedent("""
    import json, sys, torch
    sys.path[:0] = [{repo!r}, {tests!r}]
    from test_training import image_designs, tiny, drive
    from vae_designer.core.training import Trainer, init_distributed_from_env, is_main_process
    assert init_distributed_from_env("cpu")
    assert torch.distributed.get_backend() == "gloo"
    designs = image_designs(45)
    mc, tc = tiny(designs, epochs=1)
    trainer = Trainer(designs, mc, tc)
    events, state = drive(trainer.run())
    ep = [e for e in events if e.kind == "epoch"][0]
    checksum = sum(float(v.double().sum()) for v in state.weights.values())
    out = dict(rank=torch.distributed.get_rank(), main=is_main_process(), steps=trainer.steps_per_epoch,
               order=trainer.epoch_order(0).tolist(), train_recon=ep.train_recon, val_recon=ep.val_recon,
               val_kl=ep.val_kl, best_val=state.best_val, checksum=checksum, has_state=bool(state.weights))
    # as the CLI does: the DDP wrapper (and the gloo work it holds) goes before the process group,
    # while the interpreter is alive -- gloo threads torn down at finalisation can abort the process
    del trainer
    import gc; gc.collect()
    torch.distributed.destroy_process_group()
    print("RESULT " + json.dumps(out))
""")


@pytest.mark.slow
def test_two_processes_with_ddp_on_gloo_agree(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    script = tmp_path / "ddp_worker.py"
    script.write_text(DDP_SCRIPT.format(repo=str(REPO), tests=str(REPO / "tests")))
    procs = []
    for rank in range(2):
        env = {**os.environ, "RANK": str(rank), "LOCAL_RANK": str(rank), "WORLD_SIZE": "2",
               "MASTER_ADDR": "127.0.0.1", "MASTER_PORT": str(port), "OMP_NUM_THREADS": "1"}
        procs.append(subprocess.Popen([sys.executable, str(script)], env=env, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, text=True))
    results = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err[-2000:]
        results.append(json.loads(out.split("RESULT ", 1)[1]))
    r0, r1 = sorted(results, key=lambda r: r["rank"])
    assert r0["main"] and not r1["main"]
    n_train = 45 - round(45 * 0.25)
    assert r0["steps"] == r1["steps"] == math.ceil(math.ceil(n_train / 2) / 8)
    assert len(r0["order"]) == len(r1["order"]) == n_train // 2
    assert not set(r0["order"]) & set(r1["order"])  # disjoint shards
    assert len(set(r0["order"]) | set(r1["order"])) == n_train  # that cover the training set
    for key in ("train_recon", "val_recon", "val_kl", "best_val", "checksum"):
        assert r0[key] == r1[key], key  # all-reduced metrics, synchronised weights
    assert r0["has_state"]
