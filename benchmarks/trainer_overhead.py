"""Trainer overhead: items per second of the Trainer vs a bare PyTorch loop (target ratio >= 0.95).

Both train the same model (same config, same initial weights), on the same
data, with the same batch size, in the same process, side by side at a fine
grain: the Trainer runs until its next progress event (~0.25 s, its default
event interval), then the bare loop does exactly the same work (the same
number of steps; a validation pass when the Trainer's segment held one), and
so on.  On a shared CPU whose load changes from second to second, both sides
of every pair see the same load; the ratio of the summed times over all pairs
is the figure (the median of the per-pair ratios is printed beside it).

The bare loop gets every advantage: its data is already float32 in memory,
it has no events, no pause/stop checks, no NaN guard, no weight average, no
best-weight copies, no seeded per-step noise -- the loop of pytorch/examples
(forward, loss, backward, Adam step, ``loss.item()``).  The Trainer's time is
everything between resuming its generator and receiving the next event, so
all of its bookkeeping counts, including its epoch-end work.

Data: MNIST from ../shared/data/mnist-test at 32x32 (first 9,000 train, last
1,000 validate in MNIST's own order), or ``--synthetic`` random images.

``OMP_WAIT_POLICY=PASSIVE`` is set (unless already set) before torch loads:
with torch's default spinning OpenMP threads a 2-thread process on a 2-core
machine runs ~5-10x slower whenever anything else wants a core (measured:
52 vs 473 items/s beside one busy process).  It applies to both loops alike.

Usage: python benchmarks/trainer_overhead.py [--seconds 60] [--batch-size 64] [--items 9000]
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import argparse
import statistics
import time
from pathlib import Path

TARGET = 0.95
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def load(args):
    import numpy as np

    from vae_designer.core.ingest.designset import DesignSet
    from vae_designer.core.ingest.settings import IngestSettings

    folder = SHARED / "mnist-test"
    if not args.synthetic and folder.is_dir():
        from time_to_quality import mnist_split

        from vae_designer.core.ingest import load_designs

        designs = load_designs(folder, "image", 32)
        split = mnist_split(designs)
        split["train"] = split["train"][: args.items]
        return designs, split, "mnist-test 32x32"
    rng = np.random.default_rng(0)
    n = args.items + args.items // 9
    data = (rng.random((n, 32, 32)) < 0.2).astype(np.uint8) * 255
    designs = DesignSet(root="/synthetic", settings=IngestSettings("image", 32), paths=[f"{i}.png" for i in range(n)],
                        labels=["x"] * n, data=data, meta=[{}] * n)
    return designs, {"train": list(range(args.items)), "val": list(range(args.items, n))}, "synthetic 32x32"


class BareLoop:
    """The loop everyone writes first (pytorch/examples vae/main.py), on the same model and data."""

    def __init__(self, model, lr, X, train, val, batch_size, device):
        import torch

        self.torch = torch
        self.model, self.X, self.train, self.val, self.bs = model, X, train, val, batch_size
        self.opt = torch.optim.Adam(model.parameters(), lr=lr)
        self.gen = torch.Generator(device=device).manual_seed(0)
        self.perm, self.pos, self.total = None, 0, 0.0

    def steps(self, k: int) -> None:
        from vae_designer.core.model.losses import vae_loss

        torch = self.torch
        self.model.train()
        for _ in range(k):
            if self.perm is None or self.pos >= len(self.perm):
                self.perm = self.train[torch.randperm(len(self.train), generator=self.gen, device=self.train.device)]
                self.pos = 0
            x = self.X[self.perm[self.pos : self.pos + self.bs]]
            self.pos += self.bs
            logits, mu, logvar = self.model(x)
            loss, _, _ = vae_loss(logits, x, mu, logvar)
            self.opt.zero_grad()
            loss.backward()
            self.opt.step()
            self.total += loss.item()

    def validate(self) -> None:
        from vae_designer.core.model.losses import vae_loss

        self.model.eval()
        with self.torch.no_grad():
            for i in range(0, len(self.val), 256):
                x = self.X[self.val[i : i + 256]]
                logits, mu, logvar = self.model(x)
                vae_loss(logits, x, mu, logvar)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=60.0, help="measured time, both loops together")
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--items", type=int, default=9000, help="training items per epoch")
    ap.add_argument("--synthetic", action="store_true", help="random images instead of MNIST")
    ap.add_argument("--device", default="cpu", help="cpu (the target), cuda or mps")
    args = ap.parse_args()

    import torch

    from vae_designer.core.model.config import ModelConfig, TrainConfig
    from vae_designer.core.model.networks import build_model
    from vae_designer.core.training import Trainer

    designs, split, what = load(args)
    mc = ModelConfig.for_designs(designs)
    tc = TrainConfig.for_designs(designs, epochs=100_000, batch_size=args.batch_size, device=args.device)
    trainer = Trainer(designs, mc, tc, split=split)
    dev = trainer.device
    bare_model = build_model(mc).to(dev)
    bare_model.load_state_dict(trainer.model.state_dict())
    X = torch.from_numpy(designs.batch(range(len(designs)))).to(dev)
    bare = BareLoop(bare_model, tc.lr, X, torch.tensor(split["train"], device=dev),
                    torch.tensor(split["val"], device=dev), args.batch_size, dev)
    spe = trainer.steps_per_epoch
    print(f"data: {what}, {len(split['train'])} train / {len(split['val'])} validation items; model "
          f"{mc.to_dict()}; batch {args.batch_size}; {spe} steps per epoch; device {dev}; torch threads "
          f"{torch.get_num_threads()}; OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY')}", flush=True)

    def sync():
        if dev.type == "cuda":
            torch.cuda.synchronize()

    run = trainer.run()
    # warm-up, not timed: the Trainer's first epoch, a bare epoch and a validation
    ev = next(run)
    while ev.kind != "epoch":
        ev = next(run)
    bare.steps(spe)
    bare.validate()
    done = ev.epoch * spe

    pairs = []  # (steps, validated, trainer seconds, bare seconds)
    end = time.perf_counter() + args.seconds
    report = time.perf_counter() + 10
    while time.perf_counter() < end:
        sync()
        t0 = time.perf_counter()
        ev = next(run)
        sync()
        t1 = time.perf_counter()
        now = ev.epoch * spe + (ev.step if ev.kind == "step" else 0)
        k, validated = now - done, ev.kind == "epoch"
        done = now
        bare.steps(k)
        if validated:
            bare.validate()
        sync()
        t2 = time.perf_counter()
        pairs.append((k, validated, t1 - t0, t2 - t1))
        if t2 >= report:
            report = t2 + 10
            tt = sum(p[2] for p in pairs)
            tb = sum(p[3] for p in pairs)
            print(f"  {len(pairs):4d} pairs: trainer {sum(p[0] for p in pairs) * args.batch_size / tt:7.1f} items/s, "
                  f"bare {sum(p[0] for p in pairs) * args.batch_size / tb:7.1f} items/s", flush=True)
    run.close()

    items = sum(p[0] for p in pairs) * args.batch_size
    t_trainer = sum(p[2] for p in pairs)
    t_bare = sum(p[3] for p in pairs)
    step_ratios = [p[3] / p[2] for p in pairs if p[0] > 0 and not p[1] and p[2] > 0]
    vals = sum(p[1] for p in pairs)
    ratio = t_bare / t_trainer
    print(f"{len(pairs)} pairs, {items} training items and {vals} validation passes on each side")
    print(f"trainer   {items / t_trainer:7.1f} items/s")
    print(f"bare loop {items / t_bare:7.1f} items/s")
    print(f"ratio {ratio:.3f} (same work, summed time; median of the {len(step_ratios)} step-only pairs "
          f"{statistics.median(step_ratios):.3f}); target >= {TARGET}: {'PASS' if ratio >= TARGET else 'FAIL'}")
    return 0 if ratio >= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
