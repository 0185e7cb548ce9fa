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


def _number(kind, accept, noun: str, rule: str):
    """An argparse ``type``: parse with ``kind``, refuse values ``accept`` rejects (one-line messages)."""

    def parse(text: str):
        try:
            v = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"invalid {noun}: {text!r}") from None
        if not accept(v):
            raise argparse.ArgumentTypeError(f"{rule}, not {text}")
        return v

    return parse


positive_int = _number(int, lambda v: v >= 1, "positive integer", "must be at least 1")
# NaN fails every comparison, so the float rules refuse it too
positive_float = _number(float, lambda v: 0 < v < float("inf"), "number", "must be a positive number")
non_negative_float = _number(float, lambda v: 0 <= v < float("inf"), "number",
                             "must be zero or a positive number")
probability = _number(float, lambda v: 0 < v < 1, "number", "must lie between 0 and 1")
