"""Trainer overhead: items per second of the Trainer vs a bare PyTorch loop (target ratio >= 0.95).

Both train the same model (same config, same initial weights), on the same
data, with the same batch size, in the same process, side by side: epochs
alternate (trainer epoch, bare epoch, trainer epoch, ...) so that a change in
the load on this shared CPU hits both alike.  Each side does the same work per
epoch: a shuffled pass over the training items (forward, loss, backward,
Adam step, ``loss.item()`` as in pytorch/examples) and a validation pass.

The bare loop gets every advantage: its data is already float32 in memory,
it has no events, no pause/stop checks, no NaN guard, no best-weight copies,
no seeded per-step noise.  The trainer's time is everything between resuming
its generator and the next 'epoch' event, so all of its bookkeeping counts.

Data: MNIST from ../shared/data/mnist-test at 32x32 (first 9,000 train, last
1,000 validate in MNIST's own order), or ``--synthetic`` random images when
that folder is missing.

Usage: python benchmarks/trainer_overhead.py [--rounds 4] [--batch-size 64] [--items 9000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TARGET = 0.95
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def load(args):
    import numpy as np

    from vae_designer.core.designset import DesignSet
    from vae_designer.core.settings import IngestSettings

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


def bare_epoch(model, opt, X, train, val, batch_size, gen):
    """The loop everyone writes first (pytorch/examples vae/main.py), on the same model."""
    import torch

    from vae_designer.core.losses import vae_loss

    model.train()
    perm = train[torch.randperm(len(train), generator=gen, device=train.device)]
    total = 0.0
    for i in range(0, len(perm), batch_size):
        x = X[perm[i : i + batch_size]]
        logits, mu, logvar = model(x)
        loss, _, _ = vae_loss(logits, x, mu, logvar)
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item()
    model.eval()
    with torch.no_grad():
        for i in range(0, len(val), 256):
            x = X[val[i : i + 256]]
            logits, mu, logvar = model(x)
            vae_loss(logits, x, mu, logvar)
    return total


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=4, help="epochs of each, alternating")
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--items", type=int, default=9000, help="training items per epoch")
    ap.add_argument("--synthetic", action="store_true", help="random images instead of MNIST")
    ap.add_argument("--device", default="cpu", help="cpu (the target), cuda or mps")
    args = ap.parse_args()

    import torch

    from vae_designer.core.model_config import ModelConfig, TrainConfig
    from vae_designer.core.models import build_model
    from vae_designer.core.training import Trainer

    designs, split, what = load(args)
    mc = ModelConfig.for_designs(designs)
    tc = TrainConfig(epochs=args.rounds + 1, batch_size=args.batch_size, device=args.device)
    trainer = Trainer(designs, mc, tc, split=split)

    dev = trainer.device
    bare = build_model(mc).to(dev)
    bare.load_state_dict(trainer.model.state_dict())
    opt = torch.optim.Adam(bare.parameters(), lr=tc.lr)
    X = torch.from_numpy(designs.batch(range(len(designs)))).to(dev)
    train_idx, val_idx = torch.tensor(split["train"], device=dev), torch.tensor(split["val"], device=dev)
    gen = torch.Generator(device=dev).manual_seed(0)
    n = len(train_idx)
    print(f"data: {what}, {n} train / {len(val_idx)} validation items; model {mc.to_dict()}; "
          f"batch {args.batch_size}; device {dev}; torch threads {torch.get_num_threads()}")

    # warm-up: one epoch of each (allocator, oneDNN kernel selection), not timed
    run = trainer.run()
    ev = next(run)
    while ev.kind != "epoch":
        ev = next(run)
    bare_epoch(bare, opt, X, train_idx, val_idx, args.batch_size, gen)

    t_rates, b_rates = [], []
    for r in range(args.rounds):
        t0 = time.perf_counter()
        ev = next(run)
        while ev.kind != "epoch":
            ev = next(run)
        t_rates.append(n / (time.perf_counter() - t0))
        t0 = time.perf_counter()
        bare_epoch(bare, opt, X, train_idx, val_idx, args.batch_size, gen)
        b_rates.append(n / (time.perf_counter() - t0))
        print(f"round {r + 1}: trainer {t_rates[-1]:7.1f} items/s   bare loop {b_rates[-1]:7.1f} items/s   "
              f"ratio {t_rates[-1] / b_rates[-1]:.3f}   (trainer's own figure {ev.items_per_second:.1f}/s "
              f"training only)", flush=True)
    run.close()
    ratios = [t / b for t, b in zip(t_rates, b_rates)]
    ratio = statistics.median(ratios)
    print(f"trainer   {statistics.median(t_rates):.1f} items/s (median of {args.rounds})")
    print(f"bare loop {statistics.median(b_rates):.1f} items/s (median of {args.rounds})")
    print(f"ratio {ratio:.3f} (median of paired rounds; target >= {TARGET}): "
          f"{'PASS' if ratio >= TARGET else 'FAIL'}")
    return 0 if ratio >= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
