"""`vae-designer train` ended from outside, as a batch scheduler or torchrun ends it.

SIGTERM stops and saves (exit 0, no autosave note); SIGKILL leaves the newest
autosave, which says so and which ``--resume`` continues.  The real command runs in
a subprocess on a tiny image folder; waits are on the project folder changing,
never on a fixed time.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from helpers import REPO, save_silhouette

pytestmark = pytest.mark.slow  # real training runs, ended from outside, in subprocesses

ARGS = ["--resolution", "32", "--latent-dim", "4", "--batch-size", "16", "--seed", "5", "--no-early-stop"]


@pytest.fixture
def folder(tmp_path):
    root = tmp_path / "designs"
    rng = np.random.default_rng(1)
    for i in range(24):
        w, h = int(rng.integers(50, 90)), int(rng.integers(15, 30))
        save_silhouette(root / f"d_{i:02d}.png", size=(100, 100), box=(5, 5, 5 + w, 5 + h))
    return root


class Run(subprocess.Popen):
    """``vae-designer train`` in a subprocess whose output goes to files: a pipe nobody reads
    fills after some thousand epoch lines and then blocks the training it is meant to watch."""

    def communicate(self, timeout=None):
        self.wait(timeout)
        return self.out.read_text(), self.err.read_text()


def start(*args):
    import tempfile

    env = dict(os.environ, OMP_NUM_THREADS="1")
    logs = Path(tempfile.mkdtemp(prefix="train-log-"))
    out, err = logs / "out", logs / "err"
    with open(out, "w") as fo, open(err, "w") as fe:
        proc = Run([sys.executable, "-m", "vae_designer", "train", *map(str, args)], cwd=REPO, env=env,
                   stdout=fo, stderr=fe, text=True)
    proc.out, proc.err = out, err
    return proc


def generation(project) -> int:
    try:
        return int(json.loads((project / "project.json").read_text())["generation"])
    except (OSError, ValueError, KeyError):
        return 0


def wait_for_save(proc, project, after: int, timeout: float = 120.0) -> int:
    """Wait until the project on disk is newer than generation ``after`` (an autosave landed)."""
    deadline = time.monotonic() + timeout
    while generation(project) <= after:
        assert proc.poll() is None, proc.communicate()[1][-2000:]
        assert time.monotonic() < deadline, "no autosave appeared"
        time.sleep(0.1)
    return generation(project)


def test_sigterm_saves_and_sigkill_leaves_an_autosave_that_resume_continues(folder, tmp_path):
    from vae_designer.core.project.store import load_project

    project = tmp_path / "p.vaed"
    proc = start(folder, "-o", project, "--epochs", "100000", *ARGS)
    try:
        wait_for_save(proc, project, 0)
        autosaved = load_project(project)
        assert autosaved.autosave is not None and autosaved.autosave["epoch"] == autosaved.epoch >= 1
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == 0, err[-2000:]
    assert "SIGTERM" in err and "Traceback" not in err and "saved" in out
    stopped = load_project(project)
    assert stopped.autosave is None  # a stop that saved is not an interruption
    assert stopped.epoch >= autosaved.epoch and len(stopped.metrics["history"]) == stopped.epoch
    assert stopped.metrics["best_epoch"] <= stopped.epoch

    # killed outright: the newest autosave is what remains, and it says so
    proc = start(folder, "-o", project, "--epochs", "100000", "--resume", *ARGS)
    try:
        wait_for_save(proc, project, generation(project))
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
    finally:
        proc.kill()
    killed = load_project(project)
    assert killed.autosave is not None and killed.epoch >= stopped.epoch
    assert killed.id == stopped.id
    env = dict(os.environ, OMP_NUM_THREADS="1")
    info = subprocess.run([sys.executable, "-m", "vae_designer", "info", str(project)], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120)
    assert info.returncode == 0 and "did not finish" in info.stdout and f"epoch {killed.epoch}" in info.stdout

    # --resume continues from the autosave, with its history
    target = killed.epoch + 2
    proc = start(folder, "-o", project, "--epochs", target, "--resume", *ARGS)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err[-2000:]
    resumed = load_project(project)
    assert resumed.epoch == target and resumed.autosave is None
    assert len(resumed.metrics["history"]) == target
    assert [h["epoch"] for h in resumed.metrics["history"][: killed.epoch]] == \
        [h["epoch"] for h in killed.metrics["history"]]
