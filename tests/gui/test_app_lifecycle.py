"""The real app ended from outside: SIGTERM closes it cleanly, SIGKILL leaves nothing running.

Each test starts the app (``gui.app.start_app``: the window, the crash reporter and the
signal handlers, exactly what ``vae-designer`` runs) in a subprocess on the offscreen
platform, in a session of its own so that every process it starts -- the ingestion
pool's forkserver, workers and resource tracker -- can be found afterwards.  The
driver only prints what the window reports; the test waits on those lines.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from helpers import REPO, save_silhouette

pytestmark = pytest.mark.slow  # the real app in subprocesses, loading and training

DRIVER = r"""
import sys
from vae_designer.gui.app import start_app

mode, path = sys.argv[1], sys.argv[2]
app, window = start_app(path)

def say(*parts):
    print(*parts, flush=True)

window.workspace.progress.connect(lambda ev: say("progress", ev.done, ev.total))

def opened(o):
    say("opened", len(o.designs))
    if mode == "train":
        window.show_page("training")
        window.training_page.form.set_values(epochs=100000, batch_size=16, latent_dim=4)
        window.training_page.start_clicked()

window.workspace.opened.connect(opened)
window.training.event.connect(lambda ev: ev.kind == "epoch" and say("epoch", ev.epoch))
window.training.saved.connect(lambda p: say("saved", p.path))
rc = app.exec()
say("exit", rc)
sys.exit(rc)
"""


def session_processes(sid: int) -> list[int]:
    """Every live (not zombie) process of session ``sid``."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                fields = fh.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        if fields[0] not in (b"Z", b"X") and int(fields[3]) == sid:
            found.append(int(entry))
    return found


def wait_gone(sid: int, timeout: float) -> list[int]:
    deadline = time.monotonic() + timeout
    while session_processes(sid) and time.monotonic() < deadline:
        time.sleep(0.2)
    return session_processes(sid)


class App:
    def __init__(self, tmp_path, mode: str, path):
        env = dict(os.environ, OMP_NUM_THREADS="1", QT_QPA_PLATFORM="offscreen",
                   VAE_DESIGNER_CACHE_DIR=str(tmp_path / "cache"), VAE_DESIGNER_CONFIG_DIR=str(tmp_path / "config"),
                   VAE_DESIGNER_DATA_DIR=str(tmp_path / "data"), VAE_DESIGNER_LOG_DIR=str(tmp_path / "log"))
        self.proc = subprocess.Popen([sys.executable, "-c", DRIVER, mode, str(path)], cwd=REPO, env=env,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     start_new_session=True)
        self.lines: list[str] = []

    def wait_for(self, predicate, timeout: float = 120.0) -> str:
        """Read the driver's lines until one satisfies ``predicate``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                raise AssertionError(f"the app ended early: {self.proc.stderr.read()[-2000:]}")
            self.lines.append(line.strip())
            if predicate(line.split()):
                return line.strip()
        raise AssertionError(f"timed out; last lines {self.lines[-5:]}")

    def end(self, sig, timeout: float = 120.0) -> tuple[int, str, str]:
        self.proc.send_signal(sig)
        out, err = self.proc.communicate(timeout=timeout)
        return self.proc.returncode, out, err

    def cleanup(self) -> None:
        for pid in session_processes(self.proc.pid):
            os.kill(pid, signal.SIGKILL)
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


@pytest.fixture
def big_folder(tmp_path):
    """Enough large images that loading takes a few seconds and runs in the process pool."""
    from PIL import Image, ImageDraw

    root = tmp_path / "big"
    root.mkdir()
    for i in range(120):
        img = Image.new("L", (1600, 1200), 255)
        ImageDraw.Draw(img).ellipse((100 + 4 * i, 200, 900 + 4 * i, 900), fill=0)
        img.save(root / f"d_{i:03d}.png", compress_level=1)
    return root


@pytest.fixture
def small_folder(tmp_path):
    root = tmp_path / "small"
    for i in range(32):
        w = 40 + i
        save_silhouette(root / f"d_{i:02d}.png", box=(5, 10, 5 + w, 40), size=(120, 60))
    return root


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "sigkill"])
def test_signal_while_loading_leaves_no_process(tmp_path, big_folder, sig):
    app = App(tmp_path, "open", big_folder)
    try:
        # the pool is at work: results of several chunks are back, more are on their way
        app.wait_for(lambda w: (w[0] == "progress" and int(w[1]) >= 16) or w[0] == "opened")
        assert len(session_processes(app.proc.pid)) >= 3  # the app, its forkserver and workers
        rc, out, err = app.end(sig)
        if sig == signal.SIGTERM:
            assert rc == 0, err[-2000:]
            assert "exit 0" in out and "Traceback" not in err
        else:
            assert rc == -signal.SIGKILL
        assert wait_gone(app.proc.pid, 5 if sig == signal.SIGTERM else 60) == []
    finally:
        app.cleanup()


def test_sigterm_while_training_saves_and_exits_cleanly(tmp_path, small_folder):
    from vae_designer.core.project.store import load_project

    app = App(tmp_path, "train", small_folder)
    try:
        saved = app.wait_for(lambda w: w[0] == "saved").split(maxsplit=1)[1]
        app.wait_for(lambda w: w[0] == "epoch")  # training goes on after the autosave
        rc, out, err = app.end(signal.SIGTERM)
        assert rc == 0, err[-2000:]
        assert "exit 0" in out and "Traceback" not in err
        assert wait_gone(app.proc.pid, 5) == []
    finally:
        app.cleanup()
    project = load_project(saved)
    assert project.autosave is None  # training was stopped and saved: not an interruption
    assert project.epoch >= 1 and len(project.metrics["history"]) == project.epoch


def test_sigkill_while_training_leaves_the_autosave(tmp_path, small_folder):
    from vae_designer.core.project.store import load_project

    app = App(tmp_path, "train", small_folder)
    try:
        saved = app.wait_for(lambda w: w[0] == "saved").split(maxsplit=1)[1]
        rc, _out, _err = app.end(signal.SIGKILL)
        assert rc == -signal.SIGKILL
        assert wait_gone(app.proc.pid, 60) == []
    finally:
        app.cleanup()
    project = load_project(saved)
    assert project.autosave is not None and project.autosave["epoch"] == project.epoch >= 1
    assert "did not finish" in project.autosave_note("")
