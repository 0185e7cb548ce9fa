"""Turn one file into one processed item: the unit of work of ingestion.

Runs in worker processes, so it takes and returns plain data only.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field

import numpy as np

from ..errors import SkipFile
from .settings import IngestSettings


@dataclass
class FileResult:
    """What became of one file: a compact array (ok) or a reason (skipped)."""

    relpath: str
    array: np.ndarray | None = None
    meta: dict = field(default_factory=dict)
    reason: str | None = None
    ms: float = 0.0

    @property
    def ok(self) -> bool:
        return self.array is not None


def process_file(path: str, relpath: str, settings: IngestSettings) -> FileResult:
    """Process one design file; never raises for problems in the file itself."""
    start = time.perf_counter()
    try:
        if settings.kind == "image":
            from .images import process_image

            array, meta = process_image(path, settings.resolution, settings.image_margin)
        else:
            array, meta = process_mesh(path, settings)
        result = FileResult(relpath, array=array, meta=meta)
    except SkipFile as exc:
        result = FileResult(relpath, reason=str(exc))
    except MemoryError:
        result = FileResult(relpath, reason="not enough memory to process this file")
    except Exception as exc:  # noqa: BLE001 - a bug or an exotic failure must cost one file, not the folder
        text = str(exc).strip().splitlines()
        detail = text[0][:160] if text else type(exc).__name__
        result = FileResult(relpath, reason=f"could not be processed ({type(exc).__name__}: {detail})")
    result.ms = (time.perf_counter() - start) * 1000.0
    return result


def process_mesh(path: str, settings: IngestSettings) -> tuple[np.ndarray, dict]:
    """Mesh file -> (bit-packed R^3 occupancy, metadata with source centre and size)."""
    from .meshes import load_triangles, normalise
    from .voxelize import voxelize

    tris = load_triangles(path)
    unit, centre, size = normalise(tris)
    grid, info = voxelize(unit, settings.resolution, margin=settings.mesh_margin_voxels)
    if not grid.any():
        raise SkipFile("voxelized to nothing")
    meta = {
        "centre": [float(c) for c in centre],
        "size": size,
        "faces": len(tris),
        "leaky": bool(info["leaky"]),
        "occupancy": round(float(grid.mean()), 5),
    }
    return np.packbits(grid.ravel()), meta


def process_chunk(jobs: list[tuple[str, str]], settings_json: str) -> list[FileResult]:
    """Worker-process entry point: process several files in one round trip."""
    settings = IngestSettings.from_json(settings_json)
    return [process_file(path, rel, settings) for path, rel in jobs]


# ------------------------------------------------------------------------------------------
# worker processes end with the process that started them
# ------------------------------------------------------------------------------------------
PARENT_POLL_S = 0.5


def _alive(pid: int) -> bool:
    """Whether process ``pid`` exists and is not a zombie (a killed parent nobody reaped yet)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            state = fh.read().rsplit(b")", 1)[1].split()[0]
        return state not in (b"Z", b"X")
    except (OSError, IndexError):
        return True  # no /proc (macOS): kill(pid, 0) is all there is


def exit_with(owner_pid: int) -> None:
    """Pool initializer: end this worker as soon as ``owner_pid`` (the app or CLI) is gone.

    A worker waits on its task queue forever, and nothing closes that queue when its
    owner dies without cleaning up (SIGKILL, a native crash): without this the
    workers -- and with them the forkserver and the resource tracker, which live as
    long as a worker holds their pipes -- would be left running with no parent.
    """

    def watch():
        while _alive(owner_pid):
            time.sleep(PARENT_POLL_S)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-owner", daemon=True).start()
