"""Helpers shared by every test (not fixtures): the repository's paths, the CLI in a subprocess,
generators of tiny design files (including hostile ones), and a TrainControl that tells a test
when the trainer waits.  Tests import them with ``from helpers import ...`` (pytest puts tests/
on sys.path); GUI-only helpers live in gui/gui_helpers.py.
"""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
# A tiny model: enough to have a map and decode, trained in a few seconds.
TINY = ["--epochs", "2", "--latent-dim", "4", "--batch-size", "16", "--seed", "3"]


# ------------------------------------------------------------------------------------------
# the CLI, as a user runs it
# ------------------------------------------------------------------------------------------
def run_cli(*args, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """``vae-designer ARGS...`` in a subprocess (one torch thread, no Qt platform forced)."""
    env = dict(os.environ if env is None else env)
    env.setdefault("OMP_NUM_THREADS", "1")
    env.pop("QT_QPA_PLATFORM", None)
    return subprocess.run([sys.executable, "-m", "vae_designer", *map(str, args)], capture_output=True,
                          text=True, cwd=REPO, timeout=timeout, env=env)


def ok(p: subprocess.CompletedProcess) -> subprocess.CompletedProcess:
    """Assert that a CLI run succeeded without a traceback."""
    assert p.returncode == 0, p.stderr[-2000:]
    assert "Traceback" not in p.stderr
    return p


def fail(p: subprocess.CompletedProcess, message: str) -> None:
    """Assert the CLI's contract for bad input: exit 2, one line on stderr that says ``message``."""
    assert p.returncode == 2, (p.returncode, p.stdout, p.stderr)
    assert p.stderr.count("\n") == 1, p.stderr
    assert message in p.stderr and "Traceback" not in p.stderr


def cli(*args, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run the CLI and require success."""
    return ok(run_cli(*args, timeout=timeout))


# ------------------------------------------------------------------------------------------
# tiny design files
# ------------------------------------------------------------------------------------------
def shared_data(name: str) -> Path:
    path = SHARED_DATA / name
    if not path.is_dir():
        pytest.skip(f"../shared/data/{name} is not available")
    return path


def save_silhouette(path: Path, size=(120, 80), box=(20, 30, 80, 50), fg=0, bg=255, mode="L", **save):
    """A filled rectangle of colour ``fg`` on ``bg``; ``box`` = (x0, y0, x1, y1)."""
    from PIL import Image, ImageDraw

    img = Image.new(mode, size, bg)
    ImageDraw.Draw(img).rectangle(box, fill=fg)
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path, **save)
    return path


def box_mesh(extents=(1.0, 0.6, 0.4), centre=(0, 0, 0)):
    import trimesh

    m = trimesh.creation.box(extents)
    m.apply_translation(centre)
    return m


def bomb_png(path: Path, width=30000, height=30000) -> Path:
    """A tiny PNG whose header claims an enormous canvas (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b""))
    return path


def hostile_files(folder: Path) -> dict[str, str]:
    """Write one file of every hostile kind into ``folder``; return {name: expected reason word}."""
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    (folder / "empty.stl").write_bytes(b"")
    out["empty.stl"] = "empty"
    good = box_mesh().export(file_type="stl")
    (folder / "truncated.stl").write_bytes(good[: len(good) // 3])
    out["truncated.stl"] = ""
    (folder / "notes.txt").write_text("not a design")
    out["notes.txt"] = "not a design file"
    (folder / "picture.stl").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(200))
    out["picture.stl"] = ""
    (folder / "points.ply").write_text(
        "ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nproperty float y\n"
        "property float z\nend_header\n0 0 0\n1 0 0\n0 1 0\n")
    out["points.ply"] = "point cloud"
    (folder / "nan.obj").write_text("v 0 0 0\nv 1 0 0\nv nan 1 0\nv 0 0 1\nf 1 2 3\nf 1 2 4\nf 1 3 4\nf 2 3 4\n")
    out["nan.obj"] = "not finite"
    header = b"binary stl".ljust(80, b" ")
    (folder / "lying_header.stl").write_bytes(header + struct.pack("<I", 5000) + b"\x00" * 50 * 2)
    out["lying_header.stl"] = ""
    (folder / "garbage.glb").write_bytes(b"glTF" + struct.pack("<II", 2, 999) + os.urandom(64))
    out["garbage.glb"] = ""
    return out


def tall_and_wide(root: Path, n: int, seed: int = 0):
    """``n`` rectangle silhouettes of random proportions in two labels, "tall" and "wide";
    returns the random generator (callers draw more from it)."""
    rng = np.random.default_rng(seed)
    for i in range(n):
        label = "wide" if i % 2 else "tall"
        w, h = int(rng.integers(60, 90)), int(rng.integers(15, 30))
        if label == "tall":
            w, h = h, w
        save_silhouette(root / label / f"{label}_{i:02d}.png", size=(120, 120), box=(10, 10, 10 + w, 10 + h))
    return rng


# ------------------------------------------------------------------------------------------
# watching the trainer wait
# ------------------------------------------------------------------------------------------
# A waiting thread may use this share of the wall time it waits (a few wake-ups to look at its
# flags); busy waiting uses all of it, or on a loaded machine whatever the scheduler gives it.
# Quiet figure: ~0.01-0.02 % (well under a millisecond of CPU in a second's pause).
IDLE_CPU_SHARE = 0.05


def watched_control_class():
    """A TrainControl that tells the test when the trainer is blocked in a pause or a hold:
    ``in_pause`` / ``in_hold`` (threading.Events) are set while it waits, and ``pauses`` /
    ``holds`` record each wait's wall time and the waiting thread's own CPU time.  It changes
    nothing the trainer does."""
    from vae_designer.core.training import TrainControl

    class WatchedControl(TrainControl):
        def __init__(self) -> None:
            super().__init__()
            self.in_pause, self.in_hold = threading.Event(), threading.Event()
            self.pauses: list[dict] = []  # one record per wait_while_paused call
            self.holds: list[dict] = []  # one record per wait_while_held call

        def _watch(self, flag, records, wait, *args):
            t0, cpu0 = time.perf_counter(), time.thread_time()
            flag.set()
            try:
                waited = wait(*args)
            finally:
                flag.clear()
            records.append({"entered": t0, "left": time.perf_counter(), "wall": time.perf_counter() - t0,
                            "cpu": time.thread_time() - cpu0, "waited": waited})
            return waited

        def wait_while_paused(self, timeout=None):
            return self._watch(self.in_pause, self.pauses, super().wait_while_paused, timeout)

        def wait_while_held(self):
            return self._watch(self.in_hold, self.holds, super().wait_while_held)

    return WatchedControl


def watch_train_control(monkeypatch):
    """Make the trainers started from now on (the app's training thread included) use a
    :func:`watched_control_class` control; the GUI reaches it as the session's ``control``."""
    from vae_designer.core import training

    cls = watched_control_class()
    monkeypatch.setattr(training, "TrainControl", cls)
    return cls
