"""Explore beyond the cursor: surprise samples from the prior, sweeps of one latent direction, blends.

A row of controls under the preview.  Each produces latent vectors with the
core maths (``core.latent.sweep`` / ``blend``, prior samples) and hands them to
the page: one to show (``show_latent``) or several to pin (blends).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QComboBox, QDoubleSpinBox, QHBoxLayout, QLabel, QPushButton, QSlider, QSpinBox,
                               QVBoxLayout, QWidget)

SWEEP_DIMS = 8
SWEEP_STEPS = 200  # slider resolution over mean +- 3 standard deviations


class MapTools(QWidget):
    def __init__(self, page, parent: QWidget | None = None):
        super().__init__(parent)
        self.page = page
        self._rng = np.random.default_rng()
        self._sweep_base: np.ndarray | None = None

        self.temperature = QDoubleSpinBox()
        self.temperature.setRange(0.1, 3.0)
        self.temperature.setSingleStep(0.1)
        self.temperature.setValue(1.0)
        self.temperature.setToolTip("Temperature: how far from the prior's centre surprises may land")
        self.surprise_button = QPushButton("Surprise Me")
        self.surprise_button.setToolTip("Decode a random draw from the prior (scaled by the temperature)")
        self.surprise_button.clicked.connect(lambda: self.surprise())

        self.sweep_dim = QComboBox()
        self.sweep_dim.setToolTip("The most active latent dimensions (largest variance over the designs)")
        self.sweep_dim.currentIndexChanged.connect(self._dim_changed)
        self.sweep = QSlider(Qt.Orientation.Horizontal)
        self.sweep.setRange(0, SWEEP_STEPS)
        self.sweep.setToolTip("Sweep the chosen latent dimension of the current design (mean ± 3 std)")
        self.sweep.valueChanged.connect(self._swept)

        self.blend_steps = QSpinBox()
        self.blend_steps.setRange(2, 24)
        self.blend_steps.setValue(5)
        self.blend_steps.setToolTip("Designs in the blend, both ends included")
        self.blend_button = QPushButton("Blend 2 Pins")
        self.blend_button.setToolTip("Select two pins: adds the designs between them to the gallery")
        self.blend_button.clicked.connect(lambda: self.blend())

        row1 = QHBoxLayout()
        row1.addWidget(QLabel("Sweep"))
        row1.addWidget(self.sweep_dim)
        row1.addWidget(self.sweep, 1)
        row2 = QHBoxLayout()
        row2.addWidget(self.surprise_button)
        row2.addWidget(QLabel("temp."))
        row2.addWidget(self.temperature)
        row2.addStretch(1)
        row2.addWidget(self.blend_button)
        row2.addWidget(self.blend_steps)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(row1)
        lay.addLayout(row2)

    def model_changed(self) -> None:
        """A new model or map: refill the sweep dimensions."""
        from vae_designer.core.latent import active_dimensions

        enc = self.page.encodings
        self.sweep_dim.blockSignals(True)
        self.sweep_dim.clear()
        if enc is not None:
            for d in active_dimensions(enc)[:SWEEP_DIMS]:
                self.sweep_dim.addItem(f"dim {d}", d)
        self.sweep_dim.blockSignals(False)
        self._sweep_base = None
        self._centre_slider()

    def update_enabled(self, has_map: bool, selected_pins: int) -> None:
        for w in (self.surprise_button, self.temperature, self.sweep_dim, self.sweep):
            w.setEnabled(has_map)
        self.blend_button.setEnabled(has_map and selected_pins == 2)

    # surprise
    def surprise(self) -> np.ndarray | None:
        if self.page.config is None:
            return None
        z = (self._rng.standard_normal(self.page.config.latent_dim) * self.temperature.value()).astype(np.float32)
        self.page.show_latent(z, source="sample")
        return z

    # sweep
    def _range(self) -> tuple[float, float] | None:
        enc, d = self.page.encodings, self.sweep_dim.currentData()
        if enc is None or d is None:
            return None
        m, s = float(enc[:, d].mean()), float(enc[:, d].std()) or 1.0
        return m - 3 * s, m + 3 * s

    def _centre_slider(self) -> None:
        r = self._range()
        z = self.page.current_z
        self.sweep.blockSignals(True)
        if r is not None and z is not None:
            v = float(z[self.sweep_dim.currentData()])
            self.sweep.setValue(int(round(np.clip((v - r[0]) / (r[1] - r[0]), 0, 1) * SWEEP_STEPS)))
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
        from vae_designer.core.latent import sweep

        r = self._range()
        if r is None or self.page.current_z is None:
            return
        if self._sweep_base is None:
            self._sweep_base = self.page.current_z.copy()
        v = r[0] + (r[1] - r[0]) * value / SWEEP_STEPS
        z = sweep(self._sweep_base, int(self.sweep_dim.currentData()), np.array([v]))[0]
        self.page.show_latent(z, source="sweep", keep_sweep=True)

    # blend
    def blend(self) -> list:
        from vae_designer.core.latent import blend

        pins = self.page.gallery.selected_pins()
        if len(pins) != 2:
            return []
        a, b = pins
        zs, ts = blend(a.z, b.z, self.blend_steps.value())
        return self.page.pin_latents(zs, [f"blend-{a.name}-{b.name}-{k + 1}" for k in range(len(zs))],
                                     source="blend", parents=[a.name, b.name],
                                     weights=[[1 - t, t] for t in ts])
