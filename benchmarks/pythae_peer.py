"""Helper of quality.py (not a benchmark): train a pythae VAE for a fixed wall time, in its own venv.

Run by ``quality.py`` with the pythae virtual environment's python (see
quality.py's docstring for setting it up); imports numpy, torch and pythae
only, never vae_designer.

    python pythae_peer.py IN.npz OUT.npz

``IN.npz``: ``x_train`` and ``x_val`` (float32, (N, C, R, R) images or
(N, 1, R, R, R) voxels, values in [0, 1]: the very arrays our model trains and
is scored on), ``z_samples`` (float32 (S, latent_dim): the latent vectors to
decode as samples) and ``config`` (a JSON string: ``seconds``, ``latent_dim``,
``lr``, ``batch_size``, ``threads``, ``seed``).

The model: ``pythae.models.VAE`` with ``reconstruction_loss="bce"`` (the data
are occupancies / ink in [0, 1]: the same Bernoulli ELBO as ours, beta = 1).

* 64x64 images: pythae's ResNet nets for 64x64 input,
  ``Encoder_ResNet_VAE_CELEBA`` / ``Decoder_ResNet_AE_CELEBA`` (4 strided
  convolutions to 128x4x4 and 2 residual blocks, mirrored in the decoder).
  They are written for 3 channels; for grey input their first convolution
  (3 -> 64) and last transposed convolution (64 -> 3) are replaced by the
  same layers with 1 channel, nothing else changed.
* 32^3 voxels: pythae 0.1.2 has no 3D networks; its default MLP nets
  (``Encoder_VAE_MLP`` / ``Decoder_AE_MLP``: input -> 512 -> latent, and back,
  sigmoid output) are what ``VAE(model_config)`` builds for any ``input_dim``.

Training: pythae's own training step (``model(DatasetOutput(data=x)).loss``,
backward, optimizer step) in a plain loop over shuffled mini-batches, Adam,
until ``seconds`` of wall time have passed (checked after every step; model
building and imports are not counted), final weights.  Then the validation
items are decoded from their posterior means and ``z_samples`` are decoded.

``OUT.npz``: ``val_probs``, ``sample_probs`` (float32, the decoder's sigmoid
output) and ``info`` (JSON: epochs, steps, seconds, nets, parameters, pythae
version, last training loss).
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import json
import sys
import time

import numpy as np


def build_model(item_shape: tuple[int, ...], latent_dim: int):
    """(pythae VAE, a description of its nets) for one item shape."""
    import torch.nn as nn
    from pythae.models import VAE, VAEConfig

    config = VAEConfig(input_dim=tuple(item_shape), latent_dim=latent_dim, reconstruction_loss="bce")
    if len(item_shape) == 3 and item_shape[1:] == (64, 64):
        from pythae.models.nn.benchmarks.celeba import Decoder_ResNet_AE_CELEBA, Encoder_ResNet_VAE_CELEBA

        encoder, decoder = Encoder_ResNet_VAE_CELEBA(config), Decoder_ResNet_AE_CELEBA(config)
        nets = "Encoder_ResNet_VAE_CELEBA / Decoder_ResNet_AE_CELEBA (pythae's ResNets for 64x64)"
        channels = item_shape[0]
        if channels != 3:
            encoder.layers[0][0] = nn.Conv2d(channels, 64, 4, 2, padding=1)
            decoder.layers[-1][0] = nn.ConvTranspose2d(64, channels, 4, 2, padding=1)
            encoder.n_channels = decoder.n_channels = channels
            encoder.input_dim = decoder.input_dim = tuple(item_shape)
            nets += f", first and last layer for {channels} channel{'s' if channels > 1 else ''}"
        return VAE(config, encoder=encoder, decoder=decoder), nets
    if len(item_shape) == 4:
        return VAE(config), "Encoder_VAE_MLP / Decoder_AE_MLP (pythae's default nets: it has none for 3D)"
    raise SystemExit(f"no pythae nets chosen for items of shape {item_shape}")


def train(model, x_train, seconds: float, batch_size: int, lr: float, seed: int) -> dict:
    import torch
    from pythae.data.datasets import DatasetOutput

    opt = torch.optim.Adam(model.parameters(), lr=lr)
    gen = torch.Generator().manual_seed(seed)
    n = len(x_train)
    model.train()
    t0 = time.perf_counter()
    steps, epochs, loss = 0, 0.0, float("nan")
    done = False
    while not done:
        perm = torch.randperm(n, generator=gen)
        for i in range(0, n, batch_size):
            x = x_train[perm[i : i + batch_size]]
            out = model(DatasetOutput(data=x), epoch=int(epochs), dataset_size=n, uses_ddp=False)
            opt.zero_grad()
            out.loss.backward()
            opt.step()
            loss = float(out.loss.detach())
            steps += 1
            epochs += len(x) / n
            if time.perf_counter() - t0 >= seconds:
                done = True
                break
    return {"steps": steps, "epochs": epochs, "seconds": time.perf_counter() - t0, "last_loss": loss}


def decode(model, x_val, z_samples, batch: int = 64) -> tuple[np.ndarray, np.ndarray]:
    import torch

    model.eval()
    val, samples = [], []
    with torch.no_grad():
        for i in range(0, len(x_val), batch):
            mu = model.encoder(x_val[i : i + batch]).embedding
            val.append(model.decoder(mu)["reconstruction"].float().numpy())
        for i in range(0, len(z_samples), batch):
            samples.append(model.decoder(z_samples[i : i + batch])["reconstruction"].float().numpy())
    shape = (0, *x_val.shape[1:])
    return (np.concatenate(val) if val else np.empty(shape, np.float32),
            np.concatenate(samples) if samples else np.empty(shape, np.float32))


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__.splitlines()[0] + "\nusage: pythae_peer.py IN.npz OUT.npz", file=sys.stderr)
        return 2
    from importlib.metadata import version

    import torch

    data = np.load(sys.argv[1])
    cfg = json.loads(str(data["config"]))
    torch.set_num_threads(int(cfg["threads"]))
    torch.manual_seed(int(cfg["seed"]))
    x_train = torch.from_numpy(np.ascontiguousarray(data["x_train"], np.float32))
    x_val = torch.from_numpy(np.ascontiguousarray(data["x_val"], np.float32))
    z = torch.from_numpy(np.ascontiguousarray(data["z_samples"], np.float32))
    model, nets = build_model(tuple(x_train.shape[1:]), int(cfg["latent_dim"]))
    info = train(model, x_train, float(cfg["seconds"]), int(cfg["batch_size"]), float(cfg["lr"]), int(cfg["seed"]))
    val_probs, sample_probs = decode(model, x_val, z)
    info.update(nets=nets, parameters=sum(p.numel() for p in model.parameters()),
                pythae=version("pythae"), torch=torch.__version__, threads=torch.get_num_threads(),
                lr=float(cfg["lr"]), batch_size=int(cfg["batch_size"]))
    np.savez(sys.argv[2], val_probs=val_probs, sample_probs=sample_probs, info=json.dumps(info))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
