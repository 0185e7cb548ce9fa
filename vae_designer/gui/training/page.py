"""The training page: settings, Start / Pause / Stop, progress, live curves, reconstructions.

A view over a :class:`~.training_session.TrainingSession`: buttons call the
session, the session's signals update the widgets.  Nothing here computes.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QProgressBar, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from ..common import icons, theme
from ..common.i18n import number
from ..common.widgets import Card, ElidedLabel, FitScrollArea, label
from .loss_plot import LossPlot
from .recon_grid import ReconGrid
from .report import HeldOutReport
from .session import autosave_note, nan_message
from .settings import TrainSettingsForm, trainer_defaults

NOT_SAVED = QT_TRANSLATE_NOOP("TrainingPage", "Not saved yet: once training starts, the best model is saved "
                                              "automatically as it improves.")


def format_duration(seconds: float | None) -> str:
    if seconds is None or not math.isfinite(seconds) or seconds < 0:
        return "–"
    seconds = round(seconds)
    h, rem = divmod(seconds, 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def format_rate(items_per_second: float | None) -> str:
    if not items_per_second or not math.isfinite(items_per_second):
        return "–"
    return number(items_per_second, 0 if items_per_second >= 10 else 1)


def epoch_position(ev) -> float:
    """x of an event on the epoch axis: 'step' k of epoch e (0-based e) -> e + k/steps."""
    steps = max(1, ev.steps_per_epoch or 1)
    if ev.kind == "step":
        return ev.epoch + min(1.0, ev.step / steps)
    return float(ev.epoch)


class _Stat(QWidget):
    def __init__(self, caption: str, tip: str):
        super().__init__()
        self.value = label("–", "stat")
        self.caption = label(caption, "muted")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.value)
        lay.addWidget(self.caption)
        self.setToolTip(tip)

    def set(self, text: str) -> None:
        self.value.setText(text)


class TrainingPage(QWidget):
    def __init__(self, session, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("TrainingPage")
        self.session = session
        self._defaults_loaded = False
        self._has_designs = False
        self._last_state = "idle"
        self.new_project_defaults = dict  # () -> {"latent_dim", "device"} for a new collection (the preferences)

        settings = self._build_settings_card()
        right = QVBoxLayout()
        right.setSpacing(12)
        right.addWidget(self._build_progress_card())
        right.addWidget(self._build_curves_card(), 1)
        right.addWidget(self._build_recon_card())
        body = QHBoxLayout()
        body.setSpacing(14)
        body.addWidget(settings)
        body.addLayout(right, 1)
        page = QWidget()
        outer = QVBoxLayout(page)
        outer.setContentsMargins(24, 20, 24, 16)
        outer.setSpacing(12)
        self.title = label(self.tr("Training"), "title")
        outer.addWidget(self.title)
        outer.addLayout(body, 1)
        scroll = FitScrollArea(page)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(scroll)
        self._connect()
        self._on_state("idle")

    def _connect(self) -> None:
        s = self.session
        s.event.connect(self._on_event)
        s.recon.connect(self._on_recon)
        s.state_changed.connect(self._on_state)
        s.history_loaded.connect(self._on_history)
        s.saved.connect(self._on_saved)
        s.idle.connect(self._check_model)
        self.form.resolution_changed.connect(self._on_resolution)
        self.form.continue_box.toggled.connect(self._refresh_buttons)
        theme.notifier.theme_changed.connect(self._retheme)

    # building
    def _build_settings_card(self) -> Card:
        """The left column: the settings form, Start / Pause / Stop, where the project is saved."""
        self.form = TrainSettingsForm()
        self.start_button = QPushButton(icons.icon("play", "#ffffff"), self.tr("Start training"))
        self.start_button.setObjectName("StartButton")
        self.start_button.setProperty("primary", True)
        self.start_button.setToolTip(self.tr("Start training with these settings (F5)"))
        self.pause_button = QPushButton(icons.icon("pause"), self.tr("Pause"))
        self.pause_button.setObjectName("PauseButton")
        self.pause_button.setToolTip(self.tr("Pause or resume training (Ctrl+P)"))
        self.stop_button = QPushButton(icons.icon("stop"), self.tr("Stop"))
        self.stop_button.setObjectName("StopButton")
        self.stop_button.setToolTip(self.tr("Stop training; the best model so far is kept and saved (Shift+F5)"))
        self.start_button.clicked.connect(self.start_clicked)
        self.pause_button.clicked.connect(self.pause_clicked)
        self.stop_button.clicked.connect(self.stop_clicked)
        buttons = QHBoxLayout()
        buttons.setSpacing(8)
        buttons.addWidget(self.pause_button)
        buttons.addWidget(self.stop_button)
        self.project_caption = label(self.tr("Project"), "heading")
        self.project_label = ElidedLabel("", role=None)
        self.project_label.setObjectName("ProjectLabel")
        self.project_note = label(self.tr(NOT_SAVED), "muted", wrap=True)
        settings = Card()
        settings.setFixedWidth(300)
        settings.body.addWidget(label(self.tr("Settings"), "heading"))
        settings.body.addWidget(self.form)
        settings.body.addSpacing(8)
        settings.body.addWidget(self.start_button)
        settings.body.addLayout(buttons)
        settings.body.addSpacing(14)
        settings.body.addWidget(self.project_caption)
        settings.body.addWidget(self.project_label)
        settings.body.addWidget(self.project_note)
        settings.body.addSpacing(14)
        self.report = HeldOutReport()  # after a run: train longer or not?
        settings.body.addWidget(self.report)
        settings.body.addStretch(1)
        return settings

    def _build_progress_card(self) -> Card:
        """The status line, the four figures (epochs, speed, time left, best loss) and the progress bar."""
        self.status_label = label(self.tr("Ready to train"), "heading")
        self.status_label.setObjectName("TrainStatus")
        self.progress = QProgressBar()
        self.progress.setObjectName("TrainProgress")
        self.progress.setRange(0, 1000)
        self.progress.setValue(0)
        self.progress.setFormat("")
        self.stat_epoch = _Stat(self.tr("epochs done"), self.tr("Epochs completed, of the total"))
        self.stat_speed = _Stat(self.tr("designs / s"), self.tr("Training throughput: designs processed per second"))
        self.stat_eta = _Stat(self.tr("remaining"), self.tr("Estimated time until the last epoch ends"))
        self.stat_best = _Stat(self.tr("best validation loss"), self.tr("Lowest validation loss so far (nats per "
                                                                        "design) and its epoch: that model is the "
                                                                        "one kept"))
        stats = QGridLayout()
        stats.setHorizontalSpacing(24)
        for i, s in enumerate((self.stat_epoch, self.stat_speed, self.stat_eta, self.stat_best)):
            stats.addWidget(s, 0, i)
        stats.setColumnStretch(4, 1)
        progress_card = Card(spacing=8)
        progress_card.body.addWidget(self.status_label)
        progress_card.body.addLayout(stats)
        progress_card.body.addWidget(self.progress)
        return progress_card

    def _build_curves_card(self) -> Card:
        self.plot = LossPlot()
        curves = Card(spacing=6)
        self.legend = label(LossPlot.legend_html(), "muted")
        curves_head = QHBoxLayout()
        curves_head.addWidget(label(self.tr("Loss curves"), "heading"))
        curves_head.addStretch(1)
        curves_head.addWidget(self.legend)
        curves.body.addLayout(curves_head)
        curves.body.addWidget(self.plot, 1)
        return curves

    def _build_recon_card(self) -> Card:
        self.recon_grid = ReconGrid()
        self.recon_caption = label(self.tr("Originals (top) and their reconstructions (bottom)"), "muted")
        recon = Card(spacing=6)
        head = QHBoxLayout()
        head.addWidget(label(self.tr("Reconstructions"), "heading"))
        head.addStretch(1)
        head.addWidget(self.recon_caption)
        recon.body.addLayout(head)
        recon.body.addWidget(self.recon_grid)
        recon.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        return recon

    # called by the window
    def set_opened(self, opened) -> None:
        if not self._defaults_loaded:
            self.form.apply_defaults(trainer_defaults())
            self._defaults_loaded = True
        designs = opened.designs
        if designs is not None:
            self.form.set_designs(designs.kind, designs.resolution)
            self.title.setText(self.tr("Training — {0}").format(opened.name))
        project = opened.project
        if project is not None:
            self.form.set_project(project.model_config, project.train_config, project.epoch,
                                  self.session.can_continue)
            how = self.tr("Continue training to go on from there.") if self.session.can_continue else ""
            self._show_project_path(str(project.path), autosave_note(project, how))
            self._show_project_summary(project)
            self.report.request(project, designs)
        else:
            self.form.clear_project()
            self.report.clear()
            if designs is not None:  # a new collection: its own defaults (batch by kind, epochs by size)
                self.form.apply_defaults(trainer_defaults(designs))
                self.form.apply_new_project(self.new_project_defaults())
            self._show_project_path("", self.tr(NOT_SAVED))
            self._reset_progress(self.tr("Ready to train"))
        self.recon_grid.clear()
        if designs is None:
            self._reset_progress(self.tr("The designs of this project are not available"))
        self._on_state(self.session.state)

    def update_enabled(self, has_designs: bool) -> None:
        self._has_designs = has_designs
        self._on_state(self.session.state)

    def shutdown(self) -> None:
        self.report.shutdown()

    def _check_model(self) -> None:
        """Training and saving have ended: the saved model's held-out report (in the background)."""
        project = self.session.project
        if project is not None and not self.session.running:
            self.report.request(project, self.session.designs)

    # buttons (also the window's shortcuts)
    def start_clicked(self) -> None:
        if self.session.running or not self._has_designs:
            return
        continuing = self.form.continuing
        if not continuing:
            self.plot.clear()
            self.recon_grid.clear()
            self._reset_progress(self.tr("Starting…"))
        self.session.start(self.form.values(), self.form.latent_dim(), continue_project=continuing)

    def pause_clicked(self) -> None:
        if self.session.state == "paused":
            self.session.resume()
        else:
            self.session.pause()

    def stop_clicked(self) -> None:
        self.session.stop()

    def _refresh_buttons(self) -> None:
        self._on_state(self.session.state)

    def _offer_continue(self) -> None:
        """After a run: offer to train the same model further (the form keeps its settings)."""
        s = self.session
        if not s.can_continue:
            return
        st = s.latest_state
        mc = st.model_config if st is not None else s.project.model_config
        tc = st.train_config if st is not None else s.project.train_config
        self.form.set_project(mc, tc, s.trained_epochs, True)

    # session signals
    def _on_state(self, state: str) -> None:
        if state == "idle" and self._last_state != "idle":
            self._offer_continue()
        self._last_state = state
        running = self.session.running
        self.form.set_editable(not running)
        self.start_button.setEnabled(self._has_designs and not running)
        self.start_button.setText(self.tr("Continue training") if self.form.continuing else self.tr("Start training"))
        self.pause_button.setEnabled(running and state in ("running", "paused", "starting"))
        self.stop_button.setEnabled(running and state != "stopping")
        paused = state == "paused"
        self.pause_button.setText(self.tr("Resume") if paused else self.tr("Pause"))
        self.pause_button.setIcon(icons.icon("play" if paused else "pause"))
        if state == "paused":
            self.status_label.setText(self.tr("Paused — {0}").format(self._epoch_text()))
        elif state == "stopping":
            self.status_label.setText(self.tr("Stopping — keeping the best model…"))
        elif state == "starting":
            self.status_label.setText(self.tr("Starting…"))

    def _epoch_text(self) -> str:
        ev = self.session.last_event
        if ev is None:
            return self.tr("not started")
        return self.tr("epoch {0} of {1}").format(min(ev.epoch + (1 if ev.kind == "step" else 0), ev.epochs), ev.epochs)

    def _on_event(self, ev) -> None:
        steps = max(1, ev.steps_per_epoch or 1)
        total = max(1, ev.epochs * steps)
        done = ev.epoch * steps + (ev.step if ev.kind == "step" else 0)
        self.progress.setValue(int(1000 * min(1.0, done / total)))
        if ev.kind == "step":
            self.plot.add_train(epoch_position(ev), ev.train_recon, ev.train_kl)
            current = min(ev.epoch + 1, ev.epochs)
            self.progress.setFormat(self.tr("Epoch {0} of {1} · step {2} of {3}").format(current, ev.epochs, ev.step,
                                                                                         steps))
            if self.session.state == "running":
                self.status_label.setText(self.tr("Training — epoch {0} of {1}").format(current, ev.epochs))
        elif ev.kind == "epoch":
            x = float(ev.epoch)
            self.plot.add_train(x, ev.train_recon, ev.train_kl)
            self.plot.add_val(x, ev.val_recon, ev.val_kl)
            self.progress.setFormat(self.tr("Epoch {0} of {1} done").format(ev.epoch, ev.epochs))
        elif ev.kind == "start":
            current = min(ev.epoch + 1, ev.epochs)
            self.progress.setFormat(self.tr("Epoch {0} of {1}").format(current, ev.epochs))
            self.status_label.setText(self.tr("Training — epoch {0} of {1}").format(current, ev.epochs))
        elif ev.kind == "done":
            if ev.epoch < ev.epochs:  # ended early: validation stopped improving
                self.status_label.setText(self.tr("Finished early at epoch {0} of {1}: no better since epoch {2}, "
                                                  "whose model is kept").format(ev.epoch, ev.epochs, ev.best_epoch))
            else:
                self.status_label.setText(self.tr("Finished — {0} epochs").format(ev.epoch))
            self.progress.setValue(1000)
            self.progress.setFormat(self.tr("Done"))
        elif ev.kind == "stopped":
            self.status_label.setText(self.tr("Stopped after epoch {0} — the best model is kept").format(ev.epoch))
            self.progress.setFormat(self.tr("Stopped at epoch {0} of {1}").format(ev.epoch, ev.epochs))
        elif ev.kind == "nan":
            self.status_label.setText(nan_message(ev))
        self.stat_epoch.set(f"{ev.epoch} / {ev.epochs}")
        self.stat_speed.set(format_rate(ev.items_per_second))
        self.stat_eta.set(format_duration(ev.eta_seconds) if ev.kind in ("step", "epoch", "start") else "–")
        if ev.best_val is not None and math.isfinite(ev.best_val):
            self.stat_best.set(self.tr("{0}  (epoch {1})").format(number(ev.best_val, 1), ev.best_epoch))

    def _on_recon(self, out: dict) -> None:
        if (out.get("originals") is not None and len(out["originals"]) != len(self.recon_grid._originals)) \
                or not self.recon_grid._originals:
            self.recon_grid.set_originals(out.get("originals") or [])
        self.recon_grid.set_recons(out["recons"])
        what = out.get("caption")
        self.recon_caption.setText(self.tr("Originals (top) and their reconstructions (bottom) — {0}").format(what)
                                   if what else self.tr("Originals (top) and their reconstructions (bottom)"))

    def _on_history(self, history: list) -> None:
        self.plot.set_history(history)

    def _on_saved(self, project) -> None:
        best = project.metrics.get("best_epoch")
        note = self.tr("Saved automatically at epoch {0} (the best so far). Choose a place with File ▸ Save Project "
                       "As…").format(best) if self.session.autosave_location else \
            self.tr("Best model (epoch {0}) saved.").format(best)
        self._show_project_path(str(project.path), note)

    def _show_project_path(self, path: str, note: str) -> None:
        self.project_label.set_full_text(path)
        self.project_label.setVisible(bool(path))
        self.project_note.setText(note)
        self.project_note.setVisible(bool(note))

    def _on_resolution(self, resolution: int) -> None:
        ws = self.session.workspace
        ws.reload(resolution)

    def _show_project_summary(self, project) -> None:
        m = project.metrics
        epoch = int(m.get("epoch", 0))
        best = m.get("best_val")
        self.progress.setValue(0)
        self.progress.setFormat(self.tr("{0} epochs trained").format(epoch))
        self.status_label.setText(self.tr("Saved project — {0} epochs trained").format(epoch))
        self.stat_epoch.set(str(epoch))
        self.stat_speed.set("–")
        self.stat_eta.set("–")
        self.stat_best.set(self.tr("{0}  (epoch {1})").format(number(best, 1), m.get("best_epoch"))
                           if best is not None else "–")

    def _reset_progress(self, status: str) -> None:
        self.status_label.setText(status)
        self.progress.setValue(0)
        self.progress.setFormat("")
        for s in (self.stat_epoch, self.stat_speed, self.stat_eta, self.stat_best):
            s.set("–")

    def _retheme(self, t) -> None:
        self.legend.setText(LossPlot.legend_html(t))
        self.start_button.setIcon(icons.icon("play", t.accent_text))
        self._on_state(self.session.state)
        self.stop_button.setIcon(icons.icon("stop"))
