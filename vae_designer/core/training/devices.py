"""Where training runs: the device ('auto' and explicit choices), and the process group that
torchrun's environment describes (one process per GPU or CPU worker, rank 0 writes files)."""

from __future__ import annotations

import os

import torch

from ..errors import UserError


def resolve_device(name: str = "auto") -> torch.device:
    """'auto' -> cuda, then mps, then cpu; an explicit choice that is unavailable is a UserError."""
    if name == "auto":
        if torch.cuda.is_available():
            name = "cuda"
        elif getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
            name = "mps"
        else:
            name = "cpu"
    if name == "cuda":
        if not torch.cuda.is_available():
            raise UserError("device 'cuda' was requested but no CUDA GPU is available")
        if is_distributed():
            return torch.device("cuda", int(os.environ.get("LOCAL_RANK", 0)) % torch.cuda.device_count())
        return torch.device("cuda")
    if name == "mps":
        if getattr(torch.backends, "mps", None) is None or not torch.backends.mps.is_available():
            raise UserError("device 'mps' was requested but Apple's Metal backend is not available")
        return torch.device("mps")
    if name != "cpu":
        raise UserError(f"unknown device {name!r}: use auto, cpu, cuda or mps")
    return torch.device("cpu")


def is_distributed() -> bool:
    """Whether this process is one of several in an initialised torch.distributed group."""
    return torch.distributed.is_available() and torch.distributed.is_initialized()


def is_main_process() -> bool:
    """True unless this is a torchrun process other than rank 0 (which must not write files)."""
    if is_distributed():
        return torch.distributed.get_rank() == 0
    return int(os.environ.get("RANK", "0")) == 0


def init_distributed_from_env(device: str | None = "auto") -> bool:
    """Join torchrun's process group (gloo on CPU, nccl on CUDA); True if this call did it.

    Does nothing (False) outside torchrun, for a world of one process, or when a
    process group already exists (then it is not ours to destroy).
    """
    if not torch.distributed.is_available() or torch.distributed.is_initialized():
        return False
    if "RANK" not in os.environ or int(os.environ.get("WORLD_SIZE", "1")) <= 1:
        return False
    want = device or "auto"
    use_cuda = want in ("auto", "cuda") and torch.cuda.is_available()
    if want == "mps":
        raise UserError("training on several processes is not supported on Apple's Metal backend")
    if use_cuda:
        torch.cuda.set_device(int(os.environ.get("LOCAL_RANK", 0)) % torch.cuda.device_count())
    torch.distributed.init_process_group(backend="nccl" if use_cuda else "gloo")
    return True
