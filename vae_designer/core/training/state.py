"""What training leaves behind as plain data: :class:`TrainerState` (JSON-able values and CPU
tensors, no pickle) and the optimizer's state flattened into tensors + JSON and back."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch
import torch.nn as nn

from ..errors import UserError
from ..model.config import ModelConfig, TrainConfig


@dataclass
class TrainerState:
    """Everything needed to continue training, as plain data (tensors are CPU, contiguous).

    ``epoch``: completed epochs.  ``progress``: {} at an epoch boundary, else the
    position inside epoch ``epoch + 1`` (``step``, the epoch's running sums,
    seconds so far, the batch size and process count it was counted in) --
    JSON-able, so a project can store it and resume mid-epoch exactly; a state
    without it (or with another batch size) redoes that epoch from its start,
    from the saved weights.  ``history``: one dict per completed epoch.
    ``weights``: the live weights (training continues from them);
    ``best_weights``: the weight average at the best validation epoch (what
    decoding and export use).  ``optimizer_tensors`` / ``optimizer_meta``: the
    Adam state as in :func:`optimizer_to_flat`, plus the weight average as
    ``ema.<parameter>`` tensors and ``optimizer_meta['ema_steps']``.
    """

    model_config: ModelConfig
    train_config: TrainConfig
    epoch: int = 0
    best_epoch: int = 0
    best_val: float = math.inf
    history: list = field(default_factory=list)
    weights: dict = field(default_factory=dict)
    best_weights: dict = field(default_factory=dict)
    optimizer_tensors: dict = field(default_factory=dict)
    optimizer_meta: dict = field(default_factory=dict)
    split: dict = field(default_factory=dict)
    pos_weight: float | None = None
    lr: float | None = None
    progress: dict = field(default_factory=dict)



def cpu_copy(t: torch.Tensor) -> torch.Tensor:
    """A contiguous CPU copy, never a view of the live tensor."""
    return t.detach().to("cpu", copy=True, memory_format=torch.contiguous_format)


def state_copy(module: nn.Module) -> dict[str, torch.Tensor]:
    """The module's state dict as CPU copies (see :func:`cpu_copy`)."""
    return {k: cpu_copy(v) for k, v in module.state_dict().items()}


def optimizer_to_flat(opt: torch.optim.Optimizer) -> tuple[dict, dict]:
    """``(tensors, meta)``: the optimizer's state as flat CPU tensors ("state.3.exp_avg") + JSON."""
    sd = opt.state_dict()
    tensors: dict[str, torch.Tensor] = {}
    scalars: dict[str, dict] = {}
    for pid, st in sd["state"].items():
        for key, value in st.items():
            if torch.is_tensor(value):
                tensors[f"state.{pid}.{key}"] = cpu_copy(value)
            else:
                scalars.setdefault(str(pid), {})[key] = value
    groups = []
    for g in sd["param_groups"]:
        groups.append({k: (list(v) if isinstance(v, tuple) else v) for k, v in g.items()})
    meta = {"format": 1, "type": type(opt).__name__, "param_groups": groups, "scalars": scalars,
            "steps": int(max((float(v) for k, v in tensors.items() if k.endswith(".step")), default=0))}
    return tensors, meta


def optimizer_from_flat(opt: torch.optim.Optimizer, tensors: dict, meta: dict) -> None:
    """Load what :func:`optimizer_to_flat` produced into ``opt`` (same parameters, same order)."""
    if not meta or not meta.get("param_groups"):
        return  # nothing saved: a fresh optimizer
    if meta.get("type", type(opt).__name__) != type(opt).__name__:
        raise UserError(f"saved optimizer is {meta.get('type')}, not {type(opt).__name__}")
    state: dict[int, dict] = {}
    for name, value in tensors.items():
        _, pid, key = name.split(".", 2)
        state.setdefault(int(pid), {})[key] = value
    for pid, st in meta.get("scalars", {}).items():
        state.setdefault(int(pid), {}).update(st)
    groups = []
    for g in meta["param_groups"]:
        g = dict(g)
        if "betas" in g:
            g["betas"] = tuple(g["betas"])
        groups.append(g)
    try:
        opt.load_state_dict({"state": state, "param_groups": groups})
    except (ValueError, KeyError, RuntimeError) as exc:
        raise UserError(f"saved optimizer state does not fit this model ({exc})") from None
