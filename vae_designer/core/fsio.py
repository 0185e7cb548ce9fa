"""Files written so that a crash or a kill never leaves half of one: atomic writes, JSON in and out.

Every file the app writes -- projects, exports, sidecars, the ingestion cache, CLI
outputs -- goes through :func:`atomic_write_bytes`: a temporary file in the same
folder, flushed and fsynced, then renamed over the target, so a reader sees the old
file or the new one, never a part.  JSON is read with one readable error for a
missing or broken file.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from .errors import UserError


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and a rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def json_bytes(data) -> bytes:
    """``data`` as indented, human-readable JSON text ending in a newline."""
    return (json.dumps(data, indent=2, sort_keys=False) + "\n").encode()


def write_json(path: str | os.PathLike, data) -> None:
    """Write ``data`` as readable JSON, atomically."""
    atomic_write_bytes(path, json_bytes(data))


def read_json(path: str | os.PathLike, what: str = "") -> dict:
    """Read a JSON file; UserError (one line) when it is missing or not JSON.  ``what``
    ends the missing-file message ('missing from the project')."""
    path = Path(path)
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        raise UserError(f"{path}: {what or 'missing'}") from None
    except (OSError, ValueError) as exc:
        raise UserError(f"{path}: not readable JSON ({exc})") from None
