"""Time to quality on MNIST: our conv VAE (through the Trainer) vs the classic MLP VAE, 60 s each.

Data: ../shared/data/mnist-test loaded with ``load_designs(..., resolution=32)``
(the app's own preprocessing: ink cropped, centred and scaled to 32x32).

Split: *first 9,000 train, last 1,000 validate in MNIST's own order*.  Note
that a DesignSet is sorted by relative path, "DIGIT/INDEX.png", i.e. grouped
by digit, so "the first 9,000 items" of it would validate on nines only.
The file name is the image's index in the MNIST test set, so the split here
is: index < 9000 trains, index >= 9000 validates (all ten digits in both).

Contenders, each trained for ``--seconds`` (60) of wall time on this CPU:

* ours: ``Trainer`` with the default ``ModelConfig.for_designs`` and
  ``TrainConfig`` (only the epoch count raised so that the clock, not the
  epoch count, ends training); validation each epoch is part of its time.
  Stopped with ``TrainControl.stop()`` from a timer.
* theirs: pytorch/examples ``vae/main.py`` unchanged except for the input
  size: 1024-400-20-400-1024 MLP, ReLU, sigmoid output, BCE(sum) + KL, Adam
  1e-3, batch 128, shuffled, on the same 32x32 pixels (float32, in memory).

Both are then scored the same way, with their final weights (ours: the
Trainer's exponential moving average of the weights, the model it validates
and saves; theirs: the weights as they are): the validation
negative ELBO (Bernoulli reconstruction + KL, beta = 1) in nats per image,
one posterior sample per image with the same fixed noise.  Grey levels are
kept (not binarised), so the pixels' own entropy (~111 nats per validation image
at this scale) is a floor that neither model can go below; it is printed too.

``OMP_WAIT_POLICY=PASSIVE`` is set (unless already set) before torch loads; see
trainer_overhead.py: on a shared 2-core CPU torch's spinning threads otherwise
lose up to 10x whenever another process wants a core.

Usage: python benchmarks/time_to_quality.py [--seconds 60] [--width W] [--folder PATH]
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import argparse
import sys
import time
from pathlib import Path

from timed_training import train_for

TARGET = 0.9
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"


def mnist_split(designs, n_train: int = 9000) -> dict:
    """Index in the MNIST test set (the file name) < n_train: train; the rest: validate."""
    index = [int(Path(p).stem) for p in designs.paths]
    order = sorted(range(len(designs)), key=lambda i: index[i])
    return {"train": sorted(order[:n_train]), "val": sorted(order[n_train:])}


def load_avg() -> str:
    try:
        return open("/proc/loadavg").read().split()[0]
    except OSError:
        return "?"


def make_mlp(n_pixels: int):
    import torch.nn as nn
    import torch.nn.functional as F

    class MLPVAE(nn.Module):
        """pytorch/examples vae/main.py (784 -> n_pixels); ``forward`` returns logits, not sigmoid."""

        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(n_pixels, 400)
            self.fc21 = nn.Linear(400, 20)
            self.fc22 = nn.Linear(400, 20)
            self.fc3 = nn.Linear(20, 400)
            self.fc4 = nn.Linear(400, n_pixels)

        def encode(self, x):
            h1 = F.relu(self.fc1(x.flatten(1)))
            return self.fc21(h1), self.fc22(h1)

        def decode(self, z):
            return self.fc4(F.relu(self.fc3(z)))

        def forward(self, x, noise=None):
            import torch

            mu, logvar = self.encode(x)
            eps = torch.randn_like(mu) if noise is None else noise
            return self.decode(mu + eps * torch.exp(0.5 * logvar)), mu, logvar

    return MLPVAE()


def train_mlp(X, train_idx, seconds: float, seed: int = 1):
    """pytorch/examples' train loop: sigmoid + BCE(sum) + KLD, Adam 1e-3, batch 128, shuffle."""
    import torch
    import torch.nn.functional as F

    torch.manual_seed(seed)
    model = make_mlp(X[0].numel())
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    Xf = X.flatten(1)
    gen = torch.Generator().manual_seed(seed)
    t0 = time.perf_counter()
    epochs = 0.0
    steps = 0
    done = False
    while not done:
        perm = train_idx[torch.randperm(len(train_idx), generator=gen)]
        for i in range(0, len(perm), 128):
            x = Xf[perm[i : i + 128]]
            logits, mu, logvar = model(x)
            bce = F.binary_cross_entropy(torch.sigmoid(logits), x, reduction="sum")
            kld = -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
            loss = bce + kld
            opt.zero_grad()
            loss.backward()
            opt.step()
            steps += 1
            epochs += len(x) / len(perm)
            if time.perf_counter() - t0 >= seconds:
                done = True
                break
    return model, epochs, steps, time.perf_counter() - t0


def evaluate(model, X, val_idx, latent_dim: int, seed: int = 12345):
    """(recon, kl) nats per image over the validation items, one fixed-noise posterior sample each."""
    import torch

    from vae_designer.core.model.losses import vae_loss

    model.eval()
    gen = torch.Generator().manual_seed(seed)
    noise = torch.randn((len(val_idx), latent_dim), generator=gen)
    recon = kl = 0.0
    with torch.no_grad():
        for i in range(0, len(val_idx), 250):
            idx = val_idx[i : i + 250]
            x = X[idx]
            logits, mu, logvar = model(x, noise[i : i + 250])
            _, r, k = vae_loss(logits.view_as(x), x, mu, logvar)
            recon += float(r) * len(idx)
            kl += float(k) * len(idx)
    return recon / len(val_idx), kl / len(val_idx)


def pixel_entropy(X) -> float:
    x = X.double().clamp(1e-12, 1 - 1e-12)
    h = -(x * x.log() + (1 - x) * (1 - x).log())
    h[(X == 0) | (X == 1)] = 0
    return float(h.flatten(1).sum(1).mean())


def train_ours(designs, split, seconds: float, width: int | None = None):
    from vae_designer.core.model.config import ModelConfig, TrainConfig
    from vae_designer.core.training import TrainControl, Trainer

    mc = ModelConfig.for_designs(designs, width=width)
    tc = TrainConfig.for_designs(designs, epochs=10_000, device="cpu")
    control = TrainControl()
    trainer = Trainer(designs, mc, tc, control=control, split=split)

    def report(ev, elapsed):
        print(f"  ours: epoch {ev.epoch} at {elapsed:5.1f} s: validation "
              f"{ev.val_recon + ev.val_kl:.2f} nats (trainer's own estimate)", flush=True)

    state, elapsed = train_for(trainer, seconds, report)
    epochs = state.epoch + state.progress.get("step", 0) / trainer.steps_per_epoch
    # the trainer's weight average: what it validates, keeps as best and saves
    return trainer.ema_model, mc, tc, state, epochs, elapsed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=60.0, help="training wall time of each model")
    ap.add_argument("--folder", default=str(SHARED / "mnist-test"))
    ap.add_argument("--width", type=int, help="our model's width (default: ModelConfig.for_designs's)")
    args = ap.parse_args()
    if not os.path.isdir(args.folder):
        print(f"{args.folder}: not found (the shared MNIST test folder)", file=sys.stderr)
        return 2

    import torch

    from vae_designer.core.ingest import load_designs

    designs = load_designs(args.folder, "image", 32)
    split = mnist_split(designs)
    X = torch.from_numpy(designs.batch(range(len(designs))))
    train_idx, val_idx = torch.tensor(split["train"]), torch.tensor(split["val"])
    floor = pixel_entropy(X[val_idx])
    print(f"MNIST test set at 32x32: {len(train_idx)} train (MNIST index < 9000) / {len(val_idx)} validate; "
          f"{args.seconds:g} s of training each; torch threads {torch.get_num_threads()}")

    print(f"ours (conv VAE through the Trainer), load average {load_avg()}:", flush=True)
    model, mc, _tc, state, ep_ours, t_ours = train_ours(designs, split, args.seconds, args.width)
    r_o, k_o = evaluate(model, X, val_idx, mc.latent_dim)

    print(f"theirs (pytorch/examples MLP VAE), load average {load_avg()}:", flush=True)
    mlp, ep_mlp, steps_mlp, t_mlp = train_mlp(X, train_idx, args.seconds)
    r_m, k_m = evaluate(mlp, X, val_idx, 20)
    print(f"  theirs: {ep_mlp:.1f} epochs ({steps_mlp} steps) in {t_mlp:.1f} s; load average {load_avg()}")

    ours, theirs = r_o + k_o, r_m + k_m
    print()
    print(f"validation negative ELBO, nats per image (floor: the pixels' own entropy {floor:.1f}):")
    print(f"  ours   conv VAE  latent {mc.latent_dim:2d} width {mc.width}  {ep_ours:5.1f} epochs in {t_ours:4.1f} s: "
          f"{ours:7.2f}  (recon {r_o:.2f} + KL {k_o:.2f}; best epoch's {state.best_val:.2f})")
    print(f"  theirs MLP VAE   1024-400-20          {ep_mlp:5.1f} epochs in {t_mlp:4.1f} s: "
          f"{theirs:7.2f}  (recon {r_m:.2f} + KL {k_m:.2f})")
    ratio = ours / theirs
    print(f"ratio ours / theirs = {ratio:.3f} (target <= {TARGET}): {'PASS' if ratio <= TARGET else 'FAIL'}; "
          f"above the floor: {(ours - floor) / (theirs - floor):.3f}")
    return 0 if ratio <= TARGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
