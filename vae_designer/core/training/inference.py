"""Using a trained model: latent means of a design set (the map's points), each design's
reconstruction error, decoding latent vectors."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn as nn

from ..errors import Cancelled
from ..model_config import ModelConfig
from ..models import VAE, build_model


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
