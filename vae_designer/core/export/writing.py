"""Writing an export's bytes: atomically, with an OS failure as one readable line."""

from __future__ import annotations

from pathlib import Path

from ..errors import UserError
from ..fsio import atomic_write_bytes


def write_bytes(path: Path, data: bytes) -> None:
    """Atomic write (:func:`core.fsio.atomic_write_bytes`); an OS failure becomes a :class:`UserError`."""
    try:
        atomic_write_bytes(path, data)
    except OSError as exc:
        reason = exc.strerror or one_line(exc)
        raise UserError(f"could not write {path}: {reason}") from None


def one_line(exc: BaseException) -> str:
    """The first line of an exception's message (at most 160 characters), or its type's name."""
    text = str(exc).strip().splitlines()
    return text[0][:160] if text else type(exc).__name__
