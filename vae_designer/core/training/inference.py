"""Using a trained model: latent means of a design set (the map's points), each design's
reconstruction error, decoding latent vectors, and the one cache of eval-mode models built from
``(model_config, weights)`` that they, projects and the app's map workers share."""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict

import numpy as np
import torch
import torch.nn as nn

from ..errors import Cancelled
from ..model.config import ModelConfig
from ..model.networks import VAE, build_model


class _Entry:
    """A cached model and weak references to the tensors of the weights it was built from."""

    def __init__(self, model: VAE, weights: dict):
        self.model = model
        self.refs = [(name, weakref.ref(t)) for name, t in weights.items()]

    def alive(self) -> bool:
        return all(ref() is not None for _, ref in self.refs)

    def fits(self, weights: dict) -> bool:
        """Whether ``weights`` still holds exactly the tensors this model was built from."""
        return len(weights) == len(self.refs) and all(weights.get(name) is ref() for name, ref in self.refs)


class ModelCache:
    """``(model_config, weights)`` -> an eval-mode VAE on a device, built once per weights object.

    Keyed on the config, the device and ``id(weights)``.  An entry holds weak references to
    the weights' tensors, never the weights: it is used only while those very tensors are
    still the dict's values (a reused ``id`` of a freed dict cannot return another model) and
    is forgotten once they are freed; at most ``size`` models are kept (least recently used
    goes first).  Weights are taken to be immutable: a dict whose tensors change in place
    (``state_dict()`` of a model being trained) must be passed as a fresh dict each time, as
    ``Trainer.snapshot`` does.

    The models are shared, read-only: callers run forward passes under ``no_grad`` /
    ``inference_mode`` (safe from several threads at once: nothing in the VAE's forward pass
    writes module state) and never load weights into them, train them or move them.  A
    thread that wants to load new weights into a model of its own (the app's reconstruction
    of training snapshots) keeps its own instance instead.  Thread-safe: a model is built
    outside the lock, once, while other threads asking for the same one wait for it.
    """

    def __init__(self, size: int = 4):
        self.size = size
        self._entries: OrderedDict[tuple, _Entry] = OrderedDict()
        self._building: dict[tuple, threading.Event] = {}
        self._lock = threading.Lock()
        self.builds = 0  # models built so far (a test can tell a reuse from a rebuild)

    def get(self, model_config: ModelConfig, weights: dict, device: str | torch.device = "cpu") -> VAE:
        dev = torch.device(device)
        key = (model_config, str(dev), id(weights))
        while True:
            with self._lock:
                model = self._lookup(key, weights)
                if model is not None:
                    return model
                pending = self._building.get(key)
                if pending is None:
                    pending = self._building[key] = threading.Event()
                    break
            pending.wait()  # another thread is building this one
        try:
            model = _build(model_config, weights, dev)
            with self._lock:
                self._entries[key] = _Entry(model, weights)
                while len(self._entries) > self.size:
                    self._entries.popitem(last=False)
                self.builds += 1
        finally:
            with self._lock:
                del self._building[key]
            pending.set()
        return model

    def _lookup(self, key: tuple, weights: dict) -> VAE | None:
        """The cached model for ``key`` if it fits ``weights`` (call with the lock held)."""
        for stale in [k for k, e in self._entries.items() if not e.alive()]:
            del self._entries[stale]
        entry = self._entries.get(key)
        if entry is None or not entry.fits(weights):
            return None
        self._entries.move_to_end(key)
        return entry.model

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def _build(model_config: ModelConfig, weights: dict, device: torch.device) -> VAE:
    # never as inference tensors, even when asked for inside torch.inference_mode(): the model is
    # shared, and another caller may use it under no_grad or with autograd on its inputs
    with torch.inference_mode(False):
        m = build_model(model_config)
        m.load_state_dict(weights)
        m = m.to(device)
    m.eval()
    return m


MODELS = ModelCache()


def cached_model(model_config: ModelConfig, weights: dict, device: str | torch.device = "cpu") -> VAE:
    """The shared eval-mode VAE with ``weights`` on ``device`` (see :class:`ModelCache`)."""
    return MODELS.get(model_config, weights, device)


def _model_of(model_or_weights, model_config: ModelConfig, device) -> VAE:
    """A VAE as given (unwrapped from DistributedDataParallel), or the cached one for a state dict."""
    if isinstance(model_or_weights, nn.Module):
        return model_or_weights.module if hasattr(model_or_weights, "module") else model_or_weights
    return cached_model(model_config, model_or_weights, device)


def _items_per_batch(batch_size: int, item_shape) -> int:
    """``batch_size``, lowered so that one batch holds at most ~8M values (64^3 voxels: 32 items)."""
    return max(1, min(int(batch_size), (1 << 23) // int(np.prod(item_shape))))


def encode_all(model_or_weights, model_config: ModelConfig, designs, batch_size: int = 256,
               device: str | torch.device = "cpu") -> np.ndarray:
    """Posterior means of every design, float32 (N, latent_dim): the latent map's points.

    ``model_or_weights``: a VAE (used as is, on its device) or a state dict
    (the shared model for it on ``device``, see :func:`cached_model`).  The
    model's train/eval mode is restored.
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
