"""Helpers shared by the GUI tests (not fixtures)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# A tiny model: enough to have a map and decode, trained in a few seconds.
TINY = ["--epochs", "2", "--latent-dim", "4", "--batch-size", "16", "--seed", "3"]


def cli(*args, timeout=300):
    env = dict(os.environ, OMP_NUM_THREADS="1")
    env.pop("QT_QPA_PLATFORM", None)
    p = subprocess.run([sys.executable, "-m", "vae_designer", *map(str, args)], capture_output=True, text=True,
                       cwd=REPO, timeout=timeout, env=env)
    assert p.returncode == 0, p.stderr[-2000:]
    return p


def open_map(qtbot, make_main_window, project):
    window = make_main_window(str(project))
    wait_opened(qtbot, window)
    assert window.show_page("map")
    page = window.map_page
    qtbot.waitUntil(lambda: page.last_result is not None and page.preview.painted_seq >= 1, timeout=30000)
    return window, page


def drag_to(qtbot, page, x, y):
    page.move_cursor(x, y)
    seq = page._seq
    qtbot.waitUntil(lambda: page.preview.painted_seq >= seq, timeout=15000)


def wait_opened(qtbot, window, timeout=60000):
    """Wait until the window has something open and nothing loading."""
    qtbot.waitUntil(lambda: window.workspace.current is not None and not window.workspace.busy,
                    timeout=timeout)
    return window.workspace.current


def error_dialogs(window):
    from PySide6.QtWidgets import QMessageBox

    return [b for b in window.findChildren(QMessageBox) if b.objectName() == "ErrorDialog" and b.isVisible()]


def silhouette(path: Path, box=(20, 30, 80, 50), size=(120, 80)) -> Path:
    """A dark filled rectangle on white, saved as an image file."""
    from PIL import Image, ImageDraw

    img = Image.new("L", size, 255)
    ImageDraw.Draw(img).rectangle(box, fill=0)
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path)
    return path


def broken_image_folder(root: Path) -> set[str]:
    """Six good silhouettes under labels a/ and b/, and four files that cannot load."""
    for label in ("a", "b"):
        for i in range(3):
            silhouette(root / label / f"{label}{i}.png", box=(10 + 5 * i, 20, 90, 50 + 3 * i))
    (root / "a" / "truncated.png").write_bytes((root / "a" / "a0.png").read_bytes()[:60])
    (root / "b" / "notes.txt").write_text("not a design")
    (root / "b" / "empty.jpg").write_bytes(b"")
    (root / "b" / "mesh.stl").write_text("solid x\nendsolid x\n")
    return {"a/truncated.png", "b/notes.txt", "b/empty.jpg", "b/mesh.stl"}


def tall_and_wide(root: Path, n: int, seed: int = 0):
    """``n`` rectangle silhouettes of random proportions in two labels, "tall" and "wide";
    returns the random generator (callers draw more from it)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    for i in range(n):
        label = "wide" if i % 2 else "tall"
        w, h = int(rng.integers(60, 90)), int(rng.integers(15, 30))
        if label == "tall":
            w, h = h, w
        silhouette(root / label / f"{label}_{i:02d}.png", box=(10, 10, 10 + w, 10 + h), size=(120, 120))
    return rng


# A waiting thread may use this share of the wall time it waits (a few wake-ups to look at its
# flags); busy waiting uses all of it, or on a loaded machine whatever the scheduler gives it.
# Quiet figure: ~0.02 % (0.2 ms of CPU in a 0.8 s pause).
IDLE_CPU_SHARE = 0.05


def watch_train_control(monkeypatch):
    """Make the trainers started from now on use a TrainControl that tells the test when the
    trainer is blocked in a pause or a hold: ``control.in_pause`` / ``control.in_hold``
    (threading.Events) are set while it waits, and ``control.pauses`` / ``control.holds`` record
    each wait's wall time and the waiting thread's own CPU time.  It changes nothing the trainer
    does; the GUI reaches it as ``session._thread.control``."""
    import threading
    import time

    from vae_designer.core import training

    class WatchedControl(training.TrainControl):
        def __init__(self) -> None:
            super().__init__()
            self.in_pause, self.in_hold = threading.Event(), threading.Event()
            self.pauses: list[dict] = []
            self.holds: list[dict] = []

        def _watch(self, flag, records, wait, *args):
            t0, cpu0 = time.perf_counter(), time.thread_time()
            flag.set()
            try:
                return wait(*args)
            finally:
                flag.clear()
                records.append({"wall": time.perf_counter() - t0, "cpu": time.thread_time() - cpu0})

        def wait_while_paused(self, timeout=None):
            return self._watch(self.in_pause, self.pauses, super().wait_while_paused, timeout)

        def wait_while_held(self):
            return self._watch(self.in_hold, self.holds, super().wait_while_held)

    monkeypatch.setattr(training, "TrainControl", WatchedControl)
    return WatchedControl
