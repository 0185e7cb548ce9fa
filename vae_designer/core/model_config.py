"""What to build and how to train it: two frozen dataclasses with a JSON round trip.

``ModelConfig`` fixes the network (saved in a project's ``config.json`` beside
the weights, pythae style: the weights are meaningless without it), and
``TrainConfig`` the optimisation.  Both validate on construction and raise
:class:`~vae_designer.core.errors.UserError` with one readable line, so the CLI
and the GUI can pass user input straight in.  ``from_dict`` ignores unknown
keys (a project written by a newer version still opens) and fills missing ones
with today's defaults.

Defaults were picked by short experiments on this project's 2-core CPU
(MNIST at 32x32 and the Voron CAD meshes at 32^3; see ``benchmarks/``):

* ``latent_dim = 32``: enough for MNIST-like images and a few hundred meshes;
  unused dimensions simply collapse to the prior, which costs nothing in
  quality.
* ``width``: channels of the first convolution (doubling at each halving of
  the resolution, capped at 8x).  32 for images, 16 for voxels: 3D convolutions
  cost ~R times more per item, and 16 already reaches the voxel IoU target.
* ``lr = 2e-3`` with Adam, ``batch_size = 64``: the fastest wall-clock
  convergence we measured; larger batches do not run faster per item on a CPU,
  and 3e-3 occasionally destabilised the first epoch.
* ``beta = 1`` (the true ELBO), ``kl_warmup_epochs = 1``: one epoch of linear
  KL warm-up lets the decoder start using the latent before the prior pulls the
  posterior in; longer warm-ups only delayed the validation ELBO.
* ``free_bits = 0``: off; free bits change the objective (the reported ELBO
  is no longer what is optimised) and did not help at these data sizes.
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass

from .errors import UserError
from .settings import IMAGE_RESOLUTIONS, KINDS, MESH_RESOLUTIONS

DEVICES = ("auto", "cpu", "cuda", "mps")

# Default first-layer width by kind (see the module docstring).
DEFAULT_WIDTH = {"image": 32, "mesh": 16}
ACTIVATIONS = ("relu", "leaky_relu", "silu")


def _known(cls, data: dict) -> dict:
    if not isinstance(data, dict):
        raise UserError(f"{cls.__name__}: expected a JSON object, got {type(data).__name__}")
    names = {f.name for f in dataclasses.fields(cls)}
    return {k: v for k, v in data.items() if k in names}


def _check_int(name: str, value, lo: int, hi: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise UserError(f"{name} must be a whole number, not {value!r}")
    if not lo <= value <= hi:
        raise UserError(f"{name} must be between {lo} and {hi}, not {value}")


def _check_float(name: str, value, lo: float, hi: float = math.inf, lo_open: bool = False) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise UserError(f"{name} must be a finite number, not {value!r}")
    if value < lo or (lo_open and value == lo) or value > hi:
        bound = f"above {lo}" if lo_open else f"at least {lo}"
        raise UserError(f"{name} must be {bound}" + (f" and at most {hi}" if hi < math.inf else "")
                        + f", not {value}")


class _JsonMixin:
    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict):
        return cls(**_known(cls, data))

    @classmethod
    def from_json(cls, text: str):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise UserError(f"{cls.__name__}: not valid JSON ({exc.msg})") from None
        return cls.from_dict(data)


@dataclass(frozen=True)
class ModelConfig(_JsonMixin):
    """The VAE's architecture.  ``channels`` is 1 (grey) or 3 (colour) for images, 1 for meshes.

    ``activation`` and ``arch_version`` exist so that a later, different
    network never silently loads weights saved for this one.
    """

    kind: str
    resolution: int
    channels: int = 1
    latent_dim: int = 32
    width: int = 32
    activation: str = "leaky_relu"
    arch_version: int = 1

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise UserError(f"unknown kind {self.kind!r}: use 'image' or 'mesh'")
        allowed = IMAGE_RESOLUTIONS if self.kind == "image" else MESH_RESOLUTIONS
        if self.resolution not in allowed:
            raise UserError(f"resolution {self.resolution!r} is not supported for {self.kind}s: "
                            f"use one of {', '.join(map(str, allowed))}")
        if self.kind == "image" and self.channels not in (1, 3):
            raise UserError(f"images have 1 (grey) or 3 (colour) channels, not {self.channels!r}")
        if self.kind == "mesh" and self.channels != 1:
            raise UserError(f"voxel grids have 1 channel, not {self.channels!r}")
        _check_int("latent_dim", self.latent_dim, 1, 1024)
        _check_int("width", self.width, 4, 256)
        if self.activation not in ACTIVATIONS:
            raise UserError(f"unknown activation {self.activation!r}: use one of {', '.join(ACTIVATIONS)}")
        if self.arch_version != 1:
            raise UserError(f"model architecture version {self.arch_version!r} is not supported by this "
                            "version of VAE Designer")

    @property
    def item_shape(self) -> tuple[int, ...]:
        R = self.resolution
        return (self.channels, R, R) if self.kind == "image" else (1, R, R, R)

    @classmethod
    def for_designs(cls, designs, latent_dim: int = 32, width: int | None = None, **kwargs) -> "ModelConfig":
        """The default model for a loaded ``DesignSet`` (kind, resolution and channels from it)."""
        return cls(kind=designs.kind, resolution=designs.resolution, channels=designs.channels,
                   latent_dim=latent_dim, width=width or DEFAULT_WIDTH[designs.kind], **kwargs)


@dataclass(frozen=True)
class TrainConfig(_JsonMixin):
    """How to train.

    ``batch_size`` is per process (under torchrun each rank takes this many).
    ``pos_weight``: weight of occupied voxels in the voxel BCE; ``None`` sets it
    from the training data's occupancy (see :func:`losses.auto_pos_weight`);
    ignored for images.  ``augment`` (voxels only): random flips along x and y
    (left/right, front/back) per item, which multiplies a small collection 4x.
    ``grad_clip``: gradient norm limit (0 = off); the norm is computed anyway
    to catch non-finite gradients.  ``event_interval`` seconds between 'step'
    events.
    """

    epochs: int = 30
    batch_size: int = 64
    lr: float = 2e-3
    beta: float = 1.0
    kl_warmup_epochs: float = 1.0
    free_bits: float = 0.0
    seed: int = 0
    device: str = "auto"
    val_fraction: float = 0.1
    pos_weight: float | None = None
    augment: bool = True
    grad_clip: float = 0.0
    weight_decay: float = 0.0
    ema_decay: float = 0.999
    event_interval: float = 0.25

    def __post_init__(self) -> None:
        _check_int("epochs", self.epochs, 1, 1_000_000)
        _check_int("batch_size", self.batch_size, 1, 65536)
        _check_float("lr", self.lr, 0.0, 10.0, lo_open=True)
        _check_float("beta", self.beta, 0.0, 1e6)
        _check_float("kl_warmup_epochs", self.kl_warmup_epochs, 0.0, 1e6)
        _check_float("free_bits", self.free_bits, 0.0, 100.0)
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or not 0 <= self.seed < 2**63:
            raise UserError(f"seed must be a whole number from 0 to 2^63-1, not {self.seed!r}")
        if self.device not in DEVICES:
            raise UserError(f"unknown device {self.device!r}: use one of {', '.join(DEVICES)}")
        _check_float("val_fraction", self.val_fraction, 0.0, 0.5)
        if self.pos_weight is not None:
            _check_float("pos_weight", self.pos_weight, 0.0, 1000.0, lo_open=True)
        if not isinstance(self.augment, bool):
            raise UserError(f"augment must be true or false, not {self.augment!r}")
        _check_float("grad_clip", self.grad_clip, 0.0)
        _check_float("weight_decay", self.weight_decay, 0.0, 1.0)
        _check_float("ema_decay", self.ema_decay, 0.0, 0.99999)
        _check_float("event_interval", self.event_interval, 0.0, 60.0)
