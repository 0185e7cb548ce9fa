"""Training through the real window: buttons, live curves and reconstructions, pause/resume/stop,
autosave, Save As, reopening and continuing a project, closing while training, errors; and that
starting training never imports torch on the GUI thread."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import torch
from helpers import IDLE_CPU_SHARE, REPO, watch_train_control
from PySide6.QtCore import QCoreApplication, Qt

from vae_designer.core.project.store import is_project, load_project

from .gui_helpers import error_dialogs, open_small_sample, wait_opened

TINY = dict(latent_dim=8, batch_size=32, epochs=60)  # stopped long before 60 epochs


def click(qtbot, button):
    assert button.isEnabled(), button.objectName()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_train_watch_pause_resume_stop_save_and_reopen(qtbot, window, tmp_path, monkeypatch):
    watch_train_control(monkeypatch)
    page = open_small_sample(qtbot, window, **TINY)
    session = window.training
    assert window.current_page() == "training"
    click(qtbot, page.start_button)
    assert not page.start_button.isEnabled()

    # live: progress, both training curves, validation after an epoch, reconstructions
    qtbot.waitUntil(lambda: session.last_event is not None and session.last_event.epoch >= 2
                    and page.recon_grid.updates >= 1, timeout=60000)
    page.plot.flush()
    drawn = page.plot.drawn_counts()
    assert drawn["train_recon"] >= 2 and drawn["train_kl"] >= 2
    assert drawn["val_recon"] >= 1 and drawn["val_kl"] >= 1
    assert page.recon_grid.has_recons() and page.recon_grid.originals_count == 8
    assert "designs" in page.stat_speed.caption.text() and page.stat_speed.value.text() != "–"
    assert page.progress.value() > 0 and "Epoch" in page.progress.format()

    # the GUI only ever holds snapshots: copies that training goes on without writing into
    snap = session.latest_state
    assert snap is not None
    kept = {k: v.clone() for k, v in snap.weights.items()}
    qtbot.waitUntil(lambda: session.latest_state.epoch > snap.epoch, timeout=60000)
    assert all(torch.equal(kept[k], snap.weights[k]) for k in kept)  # untouched, while the model
    assert not all(torch.equal(kept[k], session.latest_state.weights[k]) for k in kept)  # moved on

    # the best model is saved automatically as it improves
    qtbot.waitUntil(lambda: session.project is not None, timeout=30000)
    assert is_project(session.project_path) and session.autosave_location

    # pause: the step under way ends, then no more progress; resume: progress again
    control = session.control
    click(qtbot, page.pause_button)
    assert session.state == "paused" and page.pause_button.text() == "Resume"
    qtbot.waitUntil(control.in_pause.is_set, timeout=60000)  # the trainer waits
    QCoreApplication.sendPostedEvents()  # what it reported before it began to wait has arrived
    before = session.last_event
    with qtbot.assertNotEmitted(session.event, wait=800):
        pass
    assert session.last_event is before
    click(qtbot, page.pause_button)
    assert session.state == "running"
    qtbot.waitUntil(lambda: session.last_event is not before, timeout=60000)
    wait = control.pauses[0]  # and the pause was not a busy wait (Qt's timers may end 5 % early)
    assert wait["wall"] >= 0.75 and wait["cpu"] < IDLE_CPU_SHARE * wait["wall"], wait

    # stop while paused: the trainer wakes and ends without another step (the core's tests
    # show a stop while running is honoured at the next chunk boundary, within the step under
    # way).  The best model is kept and saved.
    click(qtbot, page.pause_button)
    qtbot.waitUntil(control.in_pause.is_set, timeout=60000)
    QCoreApplication.sendPostedEvents()
    seen = []
    session.event.connect(seen.append)
    click(qtbot, page.stop_button)
    assert control.stopped and session.state == "stopping"
    qtbot.waitUntil(lambda: not session.running, timeout=60000)
    final = session.latest_state
    assert seen and seen[-1].kind == "stopped"
    assert all(ev.kind == "step" for ev in seen[:-1])  # at most the one held back by the rate limit
    stopped_at = final.epoch * seen[-1].steps_per_epoch + final.progress.get("step", 0)
    assert all(ev.epoch * ev.steps_per_epoch + ev.step <= stopped_at for ev in seen[:-1])
    qtbot.waitUntil(lambda: not session.busy, timeout=60000)
    assert session.last_event.kind == "stopped"
    saved = load_project(session.project_path)
    assert saved.epoch >= 2 and saved.metrics["best_epoch"] >= 1
    assert page.start_button.isEnabled()
    assert page.form.continuing and page.start_button.text() == "Continue training"
    # after the run: the saved model checked on held-out designs, in the background
    qtbot.waitUntil(lambda: page.report.report is not None, timeout=60000)
    held = page.report.report["held_out"]
    assert page.report.isVisible() and held["designs"] == len(saved.metrics["split"]["val"]) > 0
    assert f"IoU {held['iou']:.3f}" in page.report.text.text() and "of 64 are clean" in page.report.text.text()

    # Save As: the project goes where the user says
    target = tmp_path / "my-cars"
    from vae_designer.gui.common import dialogs

    monkeypatch.setattr(dialogs, "choose_save_location", lambda *a, **k: str(target))
    window.act_save_as.trigger()
    qtbot.waitUntil(lambda: is_project(target) and not session.busy, timeout=30000)
    assert not session.autosave_location and session.project_path == str(target)
    assert "my-cars" in window.windowTitle()
    epochs_done = load_project(target).epoch

    # reopen it: history on the curves, reconstructions from its weights, offered to continue
    window.open_path(str(target))
    opened = wait_opened(qtbot, window)
    assert opened.project is not None and opened.designs is not None
    assert window.current_page() == "training"
    assert page.plot.point_counts()["val_recon"] == epochs_done
    qtbot.waitUntil(lambda: page.recon_grid.has_recons(), timeout=30000)
    assert page.form.continuing and not page.form.latent.isEnabled()
    assert str(target) == window.start_page.recent_paths()[0]

    # and train it further
    page.form.set_values(epochs=epochs_done + 1)
    click(qtbot, page.start_button)
    qtbot.waitUntil(lambda: not session.busy and session.last_event is not None
                    and session.last_event.kind == "done", timeout=60000)
    assert load_project(target).epoch == epochs_done + 1


def test_close_while_training_asks_then_stops_cleanly(qtbot, window, questions):
    page = open_small_sample(qtbot, window, **TINY)
    click(qtbot, page.start_button)
    session = window.training
    qtbot.waitUntil(lambda: session.state == "running", timeout=60000)
    window.close()
    assert questions and "Training is running" in questions[-1][0]
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=30000)
    assert not session.running and not session.busy
    assert is_project(session.project_path)  # stopped and saved before closing


def test_training_error_is_a_dialog_and_the_app_stays_usable(qtbot, window):
    import torch

    if torch.cuda.is_available():
        pytest.skip("needs a machine without CUDA")
    page = open_small_sample(qtbot, window, **TINY)
    page.form.set_values(device="cuda")
    click(qtbot, page.start_button)
    qtbot.waitUntil(lambda: bool(error_dialogs(window)), timeout=30000)
    assert "cuda" in error_dialogs(window)[0].text().lower()
    qtbot.waitUntil(lambda: not window.training.running, timeout=30000)
    assert page.start_button.isEnabled()
    for box in error_dialogs(window):
        box.close()
    page.form.set_values(device="cpu", epochs=1)
    click(qtbot, page.start_button)
    qtbot.waitUntil(lambda: not window.training.busy and window.training.last_event is not None
                    and window.training.last_event.kind == "done", timeout=60000)
    assert not error_dialogs(window)


# In a fresh interpreter (this one has imported torch long ago): a finder notes which thread
# asks for torch first; training is started and the run waited for.
_TORCH_THREAD_SCRIPT = r"""
import sys, threading, time
first = []
class Finder:
    def find_spec(self, name, path=None, target=None):
        if name == "torch" and not first:
            first.append(threading.current_thread() is threading.main_thread())
sys.meta_path.insert(0, Finder())

def main():
    from PySide6.QtWidgets import QApplication
    app = QApplication([])
    from vae_designer.gui.training.session import TrainingSession
    from vae_designer.gui.workspace import Workspace
    workspace = Workspace()
    session = TrainingSession(workspace)
    workspace.opened.connect(session.set_opened)
    workspace.open_folder(sys.argv[1], resolution=32)
    end = time.monotonic() + 240
    while workspace.current is None and time.monotonic() < end:
        app.processEvents()
    assert session.start({"epochs": 1, "batch_size": 32}, 8)
    while session.busy and time.monotonic() < end:
        app.processEvents()
    print("torch first on the GUI thread:", first, session.last_event.kind, session.last_error)
    session.shutdown()

if __name__ == "__main__":
    main()
"""


@pytest.mark.slow
def test_starting_training_never_imports_torch_on_the_gui_thread(tmp_path):
    script = tmp_path / "torch_thread.py"
    script.write_text(_TORCH_THREAD_SCRIPT)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", OMP_NUM_THREADS="1")
    out = subprocess.run([sys.executable, str(script), str(REPO / "vae_designer" / "assets" / "samples" / "cars-2d")],
                         capture_output=True, text=True, timeout=300, env=env, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "torch first on the GUI thread: [False] done None" in out.stdout, out.stdout + out.stderr


def test_a_run_that_ends_early_says_so_and_which_epoch_is_kept(qtbot, window):
    """The trainer's early 'done' (validation stopped improving) reads as an early finish, naming
    the epoch whose model is kept; a run of every epoch reads as before."""
    from vae_designer.core.training.control import TrainEvent

    page = window.training_page
    window.training.event.emit(TrainEvent(kind="done", epoch=36, epochs=48, best_epoch=26, steps_per_epoch=5))
    assert page.status_label.text().startswith("Finished early at epoch 36 of 48")
    assert "epoch 26" in page.status_label.text() and page.progress.value() == 1000
    window.training.event.emit(TrainEvent(kind="done", epoch=48, epochs=48, best_epoch=40, steps_per_epoch=5))
    assert page.status_label.text() == "Finished — 48 epochs"
