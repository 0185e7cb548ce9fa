"""What to build and how to train it: two frozen dataclasses with a JSON round trip.

``ModelConfig`` fixes the network (saved in a project's ``config.json`` beside
the weights, pythae style: the weights are meaningless without it), and
``TrainConfig`` the optimisation.  Both validate on construction and raise
:class:`~vae_designer.core.errors.UserError` with one readable line, so the CLI
and the GUI can pass user input straight in.  ``from_dict`` ignores unknown
keys (a project written by a newer version still opens) and fills missing ones
with today's defaults.  ``ModelConfig.for_designs`` / ``TrainConfig.for_designs``
give the defaults for a loaded DesignSet (they differ between images and voxels).

Defaults were picked by short experiments on this project's 2-core CPU
(MNIST at 32x32: validation negative ELBO after a fixed number of epochs;
the 99 Voron CAD meshes at 32^3: validation IoU after 150 epochs):

* ``latent_dim = 32``: 16 cost ~4 nats on MNIST (189.4 vs 185.6 after 8
  epochs), 64 gained nothing (186.9); unused dimensions collapse to the
  prior at no cost.
* ``width`` (channels of the first convolution, doubling at each halving of
  the resolution, capped at 8x): 16 for 32x32 images, 32 for 64x64 and
  128x128 images, 16 for voxels.  On MNIST at 32x32, width 32 is ~3.5 nats
  better per epoch but width 16 runs 2.3x as many epochs in the same time:
  after 60 s of training 187.1 vs 189.9 nats.  Larger images have more
  detail to carry, so they keep 32.  On voxels width 32 took twice the time
  for the same IoU (0.679 vs 0.677).
* Adam, ``lr = 2e-3``: 1e-3 was 6 nats behind after 6 epochs; 3e-3 was
  about a nat ahead on MNIST and level on voxels.  2e-3 keeps a margin for
  the larger 64/128 models and unknown data (the NaN guard halves the rate
  if it is ever too high).
* ``batch_size``: 64 for images (32 and 64 learn equally per epoch; 64 runs
  faster per item), 16 for voxels (0.687 vs 0.677 IoU at 32: a small
  collection needs the extra steps per epoch).
* ``ema_decay = 0.999``: validation, the best weights and the saved model use
  an exponential moving average of the weights (warm-up ``(1+t)/(10+t)``):
  -3 nats on MNIST at every point of training, with no schedule to tune.
* ``beta = 1`` (the true ELBO), ``kl_warmup_epochs = 1``: one epoch of linear
  KL warm-up; it neither helped nor hurt MNIST (190.6 vs 190.7) and guards
  against an early posterior collapse on other data.  beta = 0.5 did not
  improve voxel IoU (0.679 vs 0.677).
* ``free_bits = 0``: off; free bits change the objective (the reported ELBO
  is no longer what is optimised).
* ``epochs`` (``for_designs``): ~72,000 item passes for images, ~15,000 for voxels, 30 to
  300 epochs, ended early by ``early_stop``.  On the bundled cars (300 silhouettes at 64x64,
  held-out IoU at 0.5): 0.892 after 60 epochs (18,000 passes), 0.915-0.920 after 120 (36,000),
  0.927 after 240 (72,000; the shape as exported 0.961 -> 0.968), still improving; 165 s on this
  2-core CPU, and 1,500 MNIST digits at 64x64 take 153 s for their 48 epochs.  Wider (48) or
  deeper networks (a residual 3x3 layer at each scale) reach less in the same time (0.906 and
  0.828 after 90 s against 0.927), and so do a higher rate (3e-3, 4e-3) and a cosine decay.
* ``early_stop = 0.2``: MNIST's validation loss is best at epoch 26 of 48 and then rises (the
  model starts to learn its 1,350 training digits by heart); stopping after a fifth of the epochs
  without improvement (at least 10) ends it at 36 with the same best weights.
* ``snap_tones`` (silhouettes learnt with hard edges): held-out IoU on the cars 0.904 vs
  0.896 after 60 epochs, 0.936 vs 0.919 after 120 (beta 0.05 in both pairs).
* ``shift_pixels = 0`` (images): moving each training picture by up to 2 pixels helps a
  collection that the model learns by heart -- 1,500 MNIST digits at 64x64, 100 s: held-out IoU
  0.839 -> 0.857, validation 405 -> 357 nats (1 pixel: 0.854) -- and costs one whose designs the
  model has not yet fitted: the bundled cars, 90 s, 0.927 -> 0.897 (training and held-out IoU are
  level there).  Ingestion frames every design alike, so a shift teaches placements no design
  has; it stays off by default and ``train --shift 2`` turns it on.
* ``augment`` (voxels): random mirroring along the two horizontal axes, 0.677
  vs 0.665 IoU on held-out meshes.  It teaches the model mirrored designs
  too; turn it off for collections whose handedness matters.
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass

from ..errors import UserError
from ..ingest.settings import IMAGE_RESOLUTIONS, KINDS, MESH_RESOLUTIONS

DEVICES = ("auto", "cpu", "cuda", "mps")

# Default first-layer width by kind and resolution (see the module docstring).
DEFAULT_WIDTH = {("image", 32): 16, ("image", 64): 32, ("image", 128): 32, ("mesh", 32): 16, ("mesh", 64): 16}
# Default batch size by kind (see the module docstring).
DEFAULT_BATCH = {"image": 64, "mesh": 16}
ITEM_PASSES = {"image": 72000, "mesh": 15000}  # default training length: item passes (for_designs)
ACTIVATIONS = ("relu", "leaky_relu", "silu")
AUGMENTS = ("off", "mirror", "turn")
EARLY_STOP_MIN_EPOCHS = 10  # TrainConfig.early_stop never ends training with less patience than this


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
    def for_designs(cls, designs, latent_dim: int = 32, width: int | None = None, **kwargs) -> ModelConfig:
        """The default model for a loaded ``DesignSet`` (kind, resolution and channels from it)."""
        width = width or DEFAULT_WIDTH.get((designs.kind, designs.resolution), 32)
        return cls(kind=designs.kind, resolution=designs.resolution, channels=designs.channels,
                   latent_dim=latent_dim, width=width, **kwargs)


@dataclass(frozen=True)
class TrainConfig(_JsonMixin):
    """How to train.

    The field defaults suit images; :meth:`for_designs` gives the defaults for
    a DesignSet of either kind (use it rather than ``TrainConfig()``).
    ``batch_size`` is per process (under torchrun each rank takes this many).
    ``ema_decay``: the weight average used for validation and the saved model
    (0 = off, validate the raw weights).
    ``pos_weight``: weight of occupied voxels in the voxel BCE; ``None`` sets it
    from the training data's occupancy (see :func:`losses.auto_pos_weight`);
    ignored for images.  ``augment`` (voxels only): 'mirror' flips each item
    at random along x and/or y (4 variants), 'turn' also swaps x and y (all 8
    symmetries of the square: quarter turns about the vertical axis and
    mirrors), 'off' trains on the designs as they are.
    ``grad_clip``: gradient norm limit (0 = off); the norm is computed anyway
    to catch non-finite gradients.  ``event_interval`` seconds between 'step'
    events.  ``snap_tones`` (images): a silhouette collection is learnt with its ink
    snapped to its flat tones (hard edges; see ``core.ingest.looks.snap_to_tones``).
    ``early_stop``: training ends early once the validation loss has not improved for this share
    of ``epochs`` (at least :data:`EARLY_STOP_MIN_EPOCHS` epochs); 0 = always run every epoch.
    ``shift_pixels`` (images): each training item moved by a random whole number of pixels, up to
    this many in x and y (paper fills in; validation sees the designs as they are); 0 = off.
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
    augment: str = "turn"
    grad_clip: float = 0.0
    weight_decay: float = 0.0
    ema_decay: float = 0.999
    event_interval: float = 0.25
    snap_tones: bool = True
    early_stop: float = 0.2
    shift_pixels: int = 0

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
        if isinstance(self.augment, bool):  # older configs: true / false
            object.__setattr__(self, "augment", "mirror" if self.augment else "off")
        if self.augment not in AUGMENTS:
            raise UserError(f"unknown augment {self.augment!r}: use one of {', '.join(AUGMENTS)}")
        _check_float("grad_clip", self.grad_clip, 0.0)
        _check_float("weight_decay", self.weight_decay, 0.0, 1.0)
        _check_float("ema_decay", self.ema_decay, 0.0, 0.99999)
        if not isinstance(self.snap_tones, bool):
            raise UserError(f"snap_tones must be true or false, not {self.snap_tones!r}")
        _check_float("event_interval", self.event_interval, 0.0, 60.0)
        _check_float("early_stop", self.early_stop, 0.0, 1.0)
        _check_int("shift_pixels", self.shift_pixels, 0, 16)

    @classmethod
    def for_designs(cls, designs, **overrides) -> TrainConfig:
        """The defaults for a DesignSet (or a kind name), with ``overrides`` applied on top.

        Batch size by kind; epochs by collection size: enough epochs for about
        36,000 item passes for images and 15,000 for voxels (a small collection
        needs many epochs -- the Voron meshes reach their IoU after ~150), at
        least 30 and at most 300.
        Overrides that are None are ignored (convenient for CLI options).
        """
        kind = designs if isinstance(designs, str) else designs.kind
        base = {"batch_size": DEFAULT_BATCH.get(kind, 64)}
        if not isinstance(designs, str) and len(designs):
            passes = ITEM_PASSES.get(kind, 15000)
            base["epochs"] = int(min(300, max(30, math.ceil(passes / len(designs)))))
        return cls(**{**base, **{k: v for k, v in overrides.items() if v is not None}})
