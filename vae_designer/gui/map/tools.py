"""Explore beyond the cursor: surprise samples from the prior, sweeps of one latent direction, blends.

Rows of controls under the preview.  Each produces latent vectors with the
core maths (``core.latent.space.sweep`` / ``blend``, ``core.latent.generate.prior_latents``)
and hands them to the page: one to show (``show_latent``), several to pin
(a blend, a batch of surprises), or a numbered sequence to export (a sweep or a
blend: the saved project's weights, a sidecar per design).  They read the map
session (``core.latent.session``) and act through :class:`ToolActions`, the
callbacks the page gives them.

Sidecars say how each design was made: ``source`` "blend" with ``parents`` and
``weights``; "sweep" with ``sweep`` = {dimension, value, base_value, step, steps};
"surprise" with its own ``seed`` and ``temperature`` (the latent is
``prior_latents(D, 1, seed, temperature)[0]``).  The exact ``latent`` is what
``sample --from-json`` decodes, so reproduction never depends on these extras.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QSpinBox,
    QWidget,
)

from ..common.i18n import number

SWEEP_DIMS = 8
SWEEP_STEPS = 200  # slider resolution over mean +- 3 standard deviations
MAX_SEQUENCE = 64  # designs in one exported sweep
MAX_SURPRISES = 32


def _row(*widgets, stretch_at: int | None = None) -> QHBoxLayout:
    """One row of controls; the widget at ``stretch_at`` takes the spare room, else a stretch ends it."""
    r = QHBoxLayout()
    r.setSpacing(6)
    for k, w in enumerate(widgets):
        r.addWidget(w, 1 if k == stretch_at else 0)
    if stretch_at is None:
        r.addStretch(1)
    return r


def _caption(text: str) -> QLabel:
    w = QLabel(text)
    w.setProperty("role", "muted")
    return w


@dataclass
class ToolActions:
    """What the tools may do on the page."""

    show: Callable  # show(z, source, meta=None): the design to show (the cursor goes where it projects)
    pin_latents: Callable  # pin_latents(zs, names, source, parents=None, weights=None) -> pins
    export_sequence: Callable  # export_sequence(items, folder, title) -> paths written (all or none)
    ask_folder: Callable  # ask_folder(title, folder=None) -> the folder a sequence goes into, or None
    selected_pins: Callable  # () -> the pins selected in the gallery
    status: Callable  # status(text)
    # surprises_meeting(n, seed, temperature) -> True when it draws N surprises that meet the session's
    # constraints (in a worker; they are pinned with pin_surprises); set by the page's steering
    surprises_meeting: Callable | None = None


class MapTools(QWidget):
    def __init__(self, session, actions: ToolActions, parent: QWidget | None = None):
        super().__init__(parent)
        self.session = session
        self.actions = actions
        self._rng = np.random.default_rng()
        self._sweep_base: np.ndarray | None = None
        self._make_surprise_controls()
        self._make_sweep_controls()
        self._make_blend_controls()
        self._count_changed(self.surprise_count.value())

        lay = QGridLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setHorizontalSpacing(8)
        lay.setVerticalSpacing(4)
        lay.setColumnStretch(1, 1)
        lay.addWidget(_caption(self.tr("Sweep")), 0, 0)
        lay.addLayout(_row(self.sweep_dim, self.sweep, stretch_at=1), 0, 1)
        lay.addLayout(_row(self.sweep_steps, self.sweep_export_button), 1, 1)
        lay.addWidget(_caption(self.tr("Surprise")), 2, 0)
        self._temp_label = QLabel(self.tr("temp."))
        lay.addLayout(_row(self.surprise_button, self.surprise_batch_button, self.surprise_count, self._temp_label,
                           self.temperature), 2, 1)
        lay.addWidget(_caption(self.tr("Blend")), 3, 0)
        lay.addLayout(_row(self.blend_button, self.blend_steps, self.blend_export_button), 3, 1)

    # building
    def _make_surprise_controls(self) -> None:
        self.temperature = QDoubleSpinBox()
        self.temperature.setRange(0.1, 3.0)
        self.temperature.setSingleStep(0.1)
        self.temperature.setValue(1.0)
        self.temperature.setToolTip(self.tr("Temperature: how far from the prior's centre surprises may land"))
        self.surprise_button = QPushButton(self.tr("Surprise Me"))
        self.surprise_button.setToolTip(self.tr("Decode a random draw from the prior (scaled by the temperature)"))
        self.surprise_button.clicked.connect(lambda: self.surprise())
        self.surprise_count = QSpinBox()
        self.surprise_count.setRange(2, MAX_SURPRISES)
        self.surprise_count.setValue(6)
        self.surprise_count.setToolTip(self.tr("How many surprises to pin at once"))
        self.surprise_count.valueChanged.connect(self._count_changed)
        self.surprise_batch_button = QPushButton()
        self.surprise_batch_button.setToolTip(self.tr("Pin this many random draws from the prior at the temperature "
                                                      "(each remembers its seed); export them with Export Pinned…"))
        self.surprise_batch_button.clicked.connect(lambda: self.surprise_batch())

    def _make_sweep_controls(self) -> None:
        self.sweep_dim = QComboBox()
        self.sweep_dim.setToolTip(self.tr("The most active latent dimensions (largest variance over the designs)"))
        self.sweep_dim.currentIndexChanged.connect(self._dim_changed)
        self.sweep = QSlider(Qt.Orientation.Horizontal)
        self.sweep.setRange(0, SWEEP_STEPS)
        self.sweep.setToolTip(self.tr("Sweep the chosen latent dimension of the current design (mean ± 3 std)"))
        self.sweep.valueChanged.connect(self._swept)
        self.sweep.sliderReleased.connect(lambda: self.session.settle())  # the sweep rests: a step of history
        self.sweep_steps = QSpinBox()
        self.sweep_steps.setRange(2, MAX_SEQUENCE)
        self.sweep_steps.setValue(9)
        self.sweep_steps.setSuffix(self.tr(" steps"))
        self.sweep_steps.setToolTip(self.tr("Designs in an exported sweep: evenly over the slider's range"))
        self.sweep_export_button = QPushButton(self.tr("Export Sweep…"))
        self.sweep_export_button.setToolTip(self.tr("Export sequence: the current design with the chosen dimension "
                                                    "at each step of the slider's range, numbered, each with a "
                                                    "sidecar"))
        self.sweep_export_button.clicked.connect(lambda: self.export_sweep())

    def _make_blend_controls(self) -> None:
        self.blend_steps = QSpinBox()
        self.blend_steps.setRange(2, 24)
        self.blend_steps.setValue(5)
        self.blend_steps.setSuffix(self.tr(" steps"))
        self.blend_steps.setToolTip(self.tr("Designs in the blend, both ends included"))
        self.blend_button = QPushButton(self.tr("Blend 2 Pins"))
        self.blend_button.setToolTip(self.tr("Select two pins: adds the designs between them to the gallery"))
        self.blend_button.clicked.connect(lambda: self.blend())
        self.blend_export_button = QPushButton(self.tr("Export Blend…"))
        self.blend_export_button.setToolTip(self.tr("Export sequence: the blend of the two selected pins, numbered, "
                                                    "each with a sidecar (parents and weights)"))
        self.blend_export_button.clicked.connect(lambda: self.export_blend())

    def model_changed(self) -> None:
        """A new model or map: refill the sweep dimensions."""
        from vae_designer.core.latent.space import active_dimensions

        enc = self.session.encodings
        self.sweep_dim.blockSignals(True)
        self.sweep_dim.clear()
        if enc is not None:
            for d in active_dimensions(enc)[:SWEEP_DIMS]:
                self.sweep_dim.addItem(self.tr("dim {0}").format(d), d)
        self.sweep_dim.blockSignals(False)
        self._sweep_base = None
        self._centre_slider()

    def update_enabled(self, has_map: bool, selected_pins: int) -> None:
        for w in (self.surprise_button, self.temperature, self.sweep_dim, self.sweep, self.surprise_batch_button,
                  self.surprise_count, self.sweep_steps):
            w.setEnabled(has_map)
        saved = has_map and self.session.project is not None
        self.sweep_export_button.setEnabled(saved)
        self.blend_button.setEnabled(has_map and selected_pins == 2)
        self.blend_export_button.setEnabled(saved and selected_pins == 2)

    def _count_changed(self, n: int) -> None:
        self.surprise_batch_button.setText(self.tr("Surprise ×{0}").format(n))

    # surprise
    def surprise(self) -> np.ndarray | None:
        if self.session.config is None:
            return None
        from vae_designer.core.latent.sampling import surprise_latent

        temp = round(float(self.temperature.value()), 6)
        seed = int(self._rng.integers(0, 2**31 - 1))
        z, meta = surprise_latent(self.session.project, self.session.config.latent_dim, seed, temp)
        self.actions.show(z, "surprise", {"seed": seed, **meta})
        return z

    def surprise_batch(self, n: int | None = None, seed: int | None = None) -> list:
        """Pin ``n`` draws from the prior at the temperature, design k from seed ``seed + k``."""
        from vae_designer.core.errors import UserError
        from vae_designer.core.latent.sampling import surprise_latent

        if self.session.config is None:
            return []
        n = int(n or self.surprise_count.value())
        temp = round(float(self.temperature.value()), 6)
        if seed is None:
            seed = int(self._rng.integers(0, 2**31 - MAX_SURPRISES * 4))
        if self.session.constraints and self.actions.surprises_meeting is not None:
            self.actions.surprises_meeting(n, seed, temp)  # only those that meet them, pinned when found
            return []
        try:
            drawn = [surprise_latent(self.session.project, self.session.config.latent_dim, seed + k, temp)
                     for k in range(n)]
        except UserError as exc:
            self.actions.status(self.tr("Surprise failed: {0}").format(exc))
            return []
        return self.pin_surprises([(z, seed + k, meta) for k, (z, meta) in enumerate(drawn)], temp)

    def pin_surprises(self, drawn, temp: float) -> list:
        """Pin drawn surprises ``(z, seed, sidecar fields)``, each remembering its seed."""
        pins = self.actions.pin_latents([z for z, _, _ in drawn], [f"surprise-{s}" for _, s, _ in drawn],
                                        source="surprise")
        for pin, (_, s, meta) in zip(pins, drawn):
            pin.seed, pin.extra = s, meta
        seeds = [s for _, s, _ in drawn]
        one = len(pins) == 1
        if seeds:
            text = self.tr("Pinned {0} surprise (temperature {1}, seeds {2}–{3})") if one else \
                self.tr("Pinned {0} surprises (temperature {1}, seeds {2}–{3})")
        else:
            text = self.tr("Pinned {0} surprise (temperature {1})") if one else \
                self.tr("Pinned {0} surprises (temperature {1})")
        self.actions.status(text.format(number(len(pins)), f"{temp:g}", *(min(seeds), max(seeds)) if seeds else ()))
        return pins

    # sweep
    def _current_z(self) -> np.ndarray | None:
        d = self.session.design
        return d.z if d is not None else None

    def _range(self) -> tuple[float, float] | None:
        enc, d = self.session.encodings, self.sweep_dim.currentData()
        if enc is None or d is None:
            return None
        m, s = float(enc[:, d].mean()), float(enc[:, d].std()) or 1.0
        return m - 3 * s, m + 3 * s

    def _centre_slider(self) -> None:
        r = self._range()
        z = self._current_z()
        self.sweep.blockSignals(True)
        if r is not None and z is not None:
            v = float(z[self.sweep_dim.currentData()])
            self.sweep.setValue(round(float(np.clip((v - r[0]) / (r[1] - r[0]), 0, 1)) * SWEEP_STEPS))
        else:
            self.sweep.setValue(SWEEP_STEPS // 2)
        self.sweep.blockSignals(False)

    def _dim_changed(self, _i) -> None:
        self._sweep_base = None
        self._centre_slider()

    def cursor_moved(self) -> None:
        """The user moved the cursor: the next sweep starts from the new design."""
        self._sweep_base = None
        self._centre_slider()

    def _swept(self, value: int) -> None:
        from vae_designer.core.latent.space import sweep

        r = self._range()
        if r is None or self._current_z() is None:
            return
        if self._sweep_base is None:
            self._sweep_base = self._current_z().copy()
        v = r[0] + (r[1] - r[0]) * value / SWEEP_STEPS
        z = sweep(self._sweep_base, int(self.sweep_dim.currentData()), np.array([v]))[0]
        self.actions.show(z, "sweep")

    def sweep_sequence(self, steps: int | None = None) -> tuple[np.ndarray, np.ndarray] | None:
        """The latents of an exported sweep: the sweep's base design with the chosen dimension at
        ``steps`` values evenly over the slider's range (mean ± 3 std), and those values."""
        from vae_designer.core.latent.space import sweep

        r = self._range()
        base = self._sweep_base if self._sweep_base is not None else self._current_z()
        if r is None or base is None:
            return None
        values = np.linspace(r[0], r[1], int(steps or self.sweep_steps.value()))
        return sweep(base, int(self.sweep_dim.currentData()), values), values

    def export_sweep(self, folder: str | None = None, steps: int | None = None) -> list:
        """Export the sweep sequence into a folder: ``sweep-dimD-01``..., each with a sidecar."""
        seq = self.sweep_sequence(steps)
        if seq is None:
            self.actions.status(self.tr("Export failed: move the cursor onto the map first"))
            return []
        zs, values = seq
        d = int(self.sweep_dim.currentData())
        base = self._sweep_base if self._sweep_base is not None else self._current_z()
        n = len(zs)
        width = max(2, len(str(n)))
        items = [(f"sweep-dim{d}-{k + 1:0{width}d}", z, "sweep", None, None,
                  {"extra": {"sweep": {"dimension": d, "value": float(values[k]), "base_value": float(base[d]),
                                       "step": k + 1, "steps": n}}})
                 for k, z in enumerate(zs)]
        return self.actions.export_sequence(items, folder, self.tr("Export a sweep of dim {0} into").format(d))

    # blend
    def export_blend(self, folder: str | None = None, steps: int | None = None) -> list:
        """Export the blend of the two selected pins into a folder: ``blend-A-B-01``..., with sidecars."""
        from vae_designer.core.latent.space import blend

        pins = self.actions.selected_pins()
        if len(pins) != 2:
            self.actions.status(self.tr("Export failed: select exactly two pins to blend"))
            return []
        a, b = pins
        zs, ts = blend(a.z, b.z, int(steps or self.blend_steps.value()))
        width = max(2, len(str(len(zs))))
        items = [(f"blend-{a.name}-{b.name}-{k + 1:0{width}d}", z, "blend", [a.name, b.name],
                  [float(1 - t), float(t)]) for k, (z, t) in enumerate(zip(zs, ts, strict=True))]
        return self.actions.export_sequence(items, folder,
                                            self.tr("Export the blend of {0} and {1} into").format(a.name, b.name))

    def blend(self) -> list:
        from vae_designer.core.latent.space import blend

        pins = self.actions.selected_pins()
        if len(pins) != 2:
            return []
        a, b = pins
        zs, ts = blend(a.z, b.z, self.blend_steps.value())
        return self.actions.pin_latents(zs, [f"blend-{a.name}-{b.name}-{k + 1}" for k in range(len(zs))],
                                     source="blend", parents=[a.name, b.name],
                                     weights=[[1 - t, t] for t in ts])
