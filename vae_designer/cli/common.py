"""Small helpers shared by the subcommands."""

from __future__ import annotations

import argparse
from pathlib import Path

from vae_designer.core.errors import UserError


def out_dir(path: str) -> Path:
    """Create (if needed) and return an output folder; UserError if it cannot be one."""
    p = Path(path)
    if p.exists() and not p.is_dir():
        raise UserError(f"-o {path}: exists and is not a folder")
    try:
        p.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"-o {path}: cannot create folder ({exc.strerror})") from None
    return p


def positive_int(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid positive integer: {text!r}") from None
    if v < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {v}")
    return v


def positive_float(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid number: {text!r}") from None
    if not v > 0 or v != v or v == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number, not {text}")
    return v


def non_negative_float(text: str) -> float:
    try:
        v = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid number: {text!r}") from None
    if not v >= 0 or v == float("inf"):
        raise argparse.ArgumentTypeError(f"must be zero or a positive number, not {text}")
    return v
