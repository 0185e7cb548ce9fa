"""The VAEs: a 2D convolutional one for images and a 3D one for voxel grids.

``build_model(ModelConfig) -> VAE``.  Input is float in [0, 1] of shape
``(B, *item_shape)``; the decoder returns Bernoulli *logits* of the same
shape (``losses.vae_loss`` applies the likelihood, ``torch.sigmoid`` gives
probabilities).

Architecture (one class for both kinds; ``dims`` = 2 or 3)::

    encoder: [conv k3 s2 p1 -> LeakyReLU] x n   (R -> R/2 -> ... -> 4)
             flatten -> linear -> (mu, logvar)
    decoder: linear -> LeakyReLU -> reshape (C_n, 4, 4[, 4])
             [conv-transpose k4 s2 p1 -> LeakyReLU] x (n-1) -> conv-transpose -> logits

with ``n = log2(R) - 2`` halvings and channels ``width * 2^i`` capped at
``8 * width``.  Why this shape, measured on the 2-core CPU this app targets:

* Strided convolutions do the downsampling and the upsampling in the same
  layer: no pooling or upsample layers, which cost memory traffic that a CPU
  cannot hide.  The decoder's transposed convolutions use kernel 4 with
  stride 2, which avoids the checkerboard artefacts of 3x3 ones; the encoder
  uses kernel 3, which gave the same validation ELBO on MNIST as kernel 4
  (185.6 vs 185.3 nats after 8 epochs) for 9/16 of the encoder's work in 2D
  and 27/64 in 3D.
* No normalisation layers.  BatchNorm makes an item's output depend on the
  rest of the batch (different in training and evaluation, different per DDP
  rank, wrong for batches of 1 from the latent map) and GroupNorm adds two
  passes over every activation map; at these depths (3-5 layers) plain Adam
  trains stably without them, and the model stays a pure function of its
  input: the same
  weights decode the same way in the GUI, the CLI and every rank.
* Channels-last memory layout (NHWC / NDHWC), which oneDNN runs ~25-35%
  faster than NCHW for the image model and ~13% faster for the voxel model
  on the CPU; the layout is internal (state dicts are made contiguous when
  saved and load into either layout).
* The last decoder bias starts at the logit of the mean pixel / occupancy of
  the data (:meth:`VAE.init_output_bias`), so training does not spend its
  first hundred steps learning the background.
* ``logvar`` is clamped to [-12, 8]: a posterior variance outside
  [6e-6, 3e3] is meaningless here, and the clamp keeps ``exp`` finite, so a
  single bad batch cannot make the KL term infinite.
"""

from __future__ import annotations

import math

import torch
import torch.nn as nn

from .config import ModelConfig

LOGVAR_MIN, LOGVAR_MAX = -12.0, 8.0
BOTTOM = 4  # spatial size at the bottleneck


def _activation(name: str) -> nn.Module:
    if name == "relu":
        return nn.ReLU(inplace=True)
    if name == "silu":
        return nn.SiLU(inplace=True)
    return nn.LeakyReLU(0.2, inplace=True)


class VAE(nn.Module):
    """A convolutional VAE; see the module docstring for the design.

    ``encode(x) -> (mu, logvar)``, ``decode(z) -> logits``,
    ``forward(x, noise=None) -> (logits, mu, logvar)``: in training mode
    ``z = mu + exp(logvar / 2) * noise`` (``noise`` standard normal, drawn
    here when not given -- the trainer passes its own, seeded noise); in
    evaluation mode without ``noise``, ``z = mu`` (a deterministic
    reconstruction).
    """

    def __init__(self, config: ModelConfig):
        super().__init__()
        self.config = config
        R, w, L = config.resolution, config.width, config.latent_dim
        self.dims = 2 if config.kind == "image" else 3
        self.item_shape = tuple(config.item_shape)
        Conv = nn.Conv2d if self.dims == 2 else nn.Conv3d
        ConvT = nn.ConvTranspose2d if self.dims == 2 else nn.ConvTranspose3d
        n = round(math.log2(R)) - int(math.log2(BOTTOM))
        chans = [min(w * 2**i, 8 * w) for i in range(n)]
        self.bottom_channels = chans[-1]
        flat = chans[-1] * BOTTOM**self.dims

        d = self.dims
        enc: list[nn.Module] = []
        cin = config.channels
        macs, side = 0, R
        for c in chans:
            enc += [Conv(cin, c, 3, 2, 1), _activation(config.activation)]
            side //= 2
            macs += side**d * c * cin * 3**d
            cin = c
        self.encoder = nn.Sequential(*enc, nn.Flatten())
        self.to_stats = nn.Linear(flat, 2 * L)

        self.from_latent = nn.Sequential(nn.Linear(L, flat), _activation(config.activation))
        dec: list[nn.Module] = []
        for c_in, c_out in zip(chans[::-1], chans[::-1][1:]):
            dec += [ConvT(c_in, c_out, 4, 2, 1), _activation(config.activation)]
        dec.append(ConvT(chans[0], config.channels, 4, 2, 1))
        self.decoder = nn.Sequential(*dec)
        macs += flat * 2 * L + L * flat
        side = BOTTOM
        for c_in, c_out in zip(chans[::-1], [*chans[::-1][1:], config.channels]):
            macs += side**d * c_in * c_out * 4**d
            side *= 2
        #: multiply-accumulates of one item's forward pass (the trainer sizes CPU chunks with it)
        self.macs_per_item = int(macs)

        # Start with a small posterior variance and mean, so the first steps are not noise.
        nn.init.zeros_(self.to_stats.bias)
        with torch.no_grad():
            self.to_stats.weight[L:].mul_(0.1)
        self.memory_format = torch.channels_last if self.dims == 2 else torch.channels_last_3d
        self.to(memory_format=self.memory_format)

    # -- the three operations -------------------------------------------------
    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        x = x.contiguous(memory_format=self.memory_format)
        h = self.to_stats(self.encoder(x))
        mu, logvar = h.chunk(2, dim=1)
        return mu, logvar.clamp(LOGVAR_MIN, LOGVAR_MAX)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        h = self.from_latent(z).view(z.shape[0], self.bottom_channels, *([BOTTOM] * self.dims))
        return self.decoder(h.contiguous(memory_format=self.memory_format))

    def forward(self, x: torch.Tensor, noise: torch.Tensor | None = None):
        mu, logvar = self.encode(x)
        if noise is None and not self.training:
            z = mu
        else:
            if noise is None:
                noise = torch.randn_like(mu)
            z = mu + torch.exp(0.5 * logvar) * noise
        return self.decode(z), mu, logvar

    # -- helpers ------------------------------------------------------------------
    @torch.no_grad()
    def init_output_bias(self, mean: float | torch.Tensor) -> None:
        """Set the last layer's bias to ``logit(mean)`` (per channel, or one value)."""
        m = torch.as_tensor(mean, dtype=torch.float32).clamp(1e-4, 1 - 1e-4)
        last = self.decoder[-1]
        last.bias.copy_(torch.log(m) - torch.log1p(-m))

    @property
    def latent_dim(self) -> int:
        return self.config.latent_dim


def build_model(config: ModelConfig) -> VAE:
    """A freshly initialised VAE for ``config`` (torch's default init; seed torch first)."""
    return VAE(config)


