"""The training settings form: sensible defaults, a tooltip on every field.

Values become a ``TrainConfig`` (and the latent size a ``ModelConfig``) only when
training starts, in the training worker; invalid combinations come back as a
``UserError`` in a dialog.  Resolution is a preprocessing setting: changing it
reloads the designs (``resolution_changed``).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QDoubleSpinBox, QFormLayout, QSpinBox, QWidget

from vae_designer.core.ingest.settings import RESOLUTIONS
from vae_designer.core.model.config import DEVICES

# Used only if the trainer's config module cannot be read (TrainConfig() gives the defaults).
FALLBACK = {"epochs": 30, "batch_size": 64, "lr": 2e-3, "beta": 1.0, "seed": 0, "device": "auto"}


def trainer_defaults(designs=None) -> dict:
    """TrainConfig's defaults, for ``designs`` when given (batch size by kind, epochs by
    collection size: ``TrainConfig.for_designs``); imports the trainer's config module."""
    try:
        from vae_designer.core.model.config import TrainConfig

        d = (TrainConfig.for_designs(designs) if designs is not None else TrainConfig()).to_dict()
    except Exception:  # noqa: BLE001 - the form still works with the fallbacks
        return dict(FALLBACK)
    return {**FALLBACK, **{k: d[k] for k in FALLBACK if k in d}}


class TrainSettingsForm(QWidget):
    resolution_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.kind = "image"
        self._make_model_fields()
        self._make_run_fields()
        self._make_continue_box()
        self._build_form()
        self.apply_defaults(FALLBACK)
        self.resolution.activated.connect(self._resolution_activated)
        self._trained_epochs = 0

    # building
    def _make_model_fields(self) -> None:
        """What shapes the model: resolution, latent size and the KL weight."""
        self.resolution = QComboBox()
        self.resolution.setObjectName("ResolutionBox")
        self.resolution.setToolTip(self.tr("Side of the grid each design is resampled to (pixels, or voxels for "
                                           "meshes). Higher shows more detail and trains slower. Changing it "
                                           "reloads the designs (fast when cached)."))
        self.latent = QSpinBox()
        self.latent.setObjectName("LatentSpin")
        self.latent.setRange(2, 512)
        self.latent.setValue(32)
        self.latent.setToolTip(self.tr("Size of the latent code. Small codes generalise and interpolate more "
                                       "smoothly; large ones reconstruct more detail. 16–64 suits most sets."))
        self.beta = QDoubleSpinBox()
        self.beta.setObjectName("BetaSpin")
        self.beta.setRange(0.0, 100.0)
        self.beta.setDecimals(2)
        self.beta.setSingleStep(0.1)
        self.beta.setToolTip(self.tr("Weight of the KL term (β-VAE). Above 1: a smoother, more regular latent map "
                                     "and blurrier reconstructions; below 1: sharper reconstructions, a less "
                                     "regular map."))

    def _make_run_fields(self) -> None:
        """How one run trains: epochs, batch size, learning rate, seed and device."""
        self.epochs = QSpinBox()
        self.epochs.setObjectName("EpochsSpin")
        self.epochs.setRange(1, 100000)
        self.epochs.setToolTip(self.tr("Passes over the training designs. When continuing a project this is the "
                                       "total, including the epochs already trained."))
        self.batch = QSpinBox()
        self.batch.setObjectName("BatchSpin")
        self.batch.setRange(1, 8192)
        self.batch.setToolTip(self.tr("Designs per optimisation step. Larger batches are faster per design on a "
                                      "GPU and need more memory."))
        self.lr = QDoubleSpinBox()
        self.lr.setObjectName("LrSpin")
        self.lr.setDecimals(5)
        self.lr.setRange(0.00001, 1.0)
        self.lr.setSingleStep(0.0001)
        self.lr.setToolTip(self.tr("Learning rate of the Adam optimiser. Lower it if the curves jump about or the "
                                   "loss becomes NaN."))
        self.seed = QSpinBox()
        self.seed.setObjectName("SeedSpin")
        self.seed.setRange(0, 2**31 - 1)
        self.seed.setToolTip(self.tr("Random seed for the train/validation split, the initial weights and the "
                                     "order of designs: the same seed and settings give the same model."))
        self.device = QComboBox()
        self.device.setObjectName("DeviceBox")
        self.device.addItems(DEVICES)
        self.device.setToolTip(self.tr("Where to train: auto picks a GPU (CUDA or Apple MPS) when there is one, "
                                       "else the CPU."))

    def _make_continue_box(self) -> None:
        self.continue_box = QCheckBox(self.tr("Continue the saved model"))
        self.continue_box.setObjectName("ContinueBox")
        self.continue_box.setToolTip(self.tr("Train the open project further (same resolution and latent size). "
                                             "Untick to train a new model from scratch."))
        self.continue_box.hide()
        self.continue_box.toggled.connect(self._continue_toggled)

    def _build_form(self) -> None:
        """Lay the fields out; each row's label gets its field's tooltip."""
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.setHorizontalSpacing(14)
        form.setVerticalSpacing(8)
        form.addRow(self.continue_box)
        form.addRow(self.tr("Resolution"), self.resolution)
        form.addRow(self.tr("Latent size"), self.latent)
        form.addRow(self.tr("β (KL weight)"), self.beta)
        form.addRow(self.tr("Epochs"), self.epochs)
        form.addRow(self.tr("Batch size"), self.batch)
        form.addRow(self.tr("Learning rate"), self.lr)
        form.addRow(self.tr("Seed"), self.seed)
        form.addRow(self.tr("Device"), self.device)
        for i in range(form.rowCount()):
            item = form.itemAt(i, QFormLayout.ItemRole.LabelRole)
            field = form.itemAt(i, QFormLayout.ItemRole.FieldRole)
            if item is not None and field is not None and item.widget() is not None:
                item.widget().setToolTip(field.widget().toolTip())

    def apply_defaults(self, d: dict) -> None:
        self.epochs.setValue(int(d["epochs"]))
        self.batch.setValue(int(d["batch_size"]))
        self.lr.setValue(float(d["lr"]))
        self.beta.setValue(float(d["beta"]))
        self.seed.setValue(int(d["seed"]))
        i = self.device.findText(str(d["device"]))
        self.device.setCurrentIndex(max(0, i))

    def apply_new_project(self, d: dict) -> None:
        """What a new project starts with, from the preferences: ``latent_dim``, ``device``."""
        if d.get("latent_dim"):
            self.latent.setValue(int(d["latent_dim"]))
        if d.get("device"):
            i = self.device.findText(str(d["device"]))
            if i >= 0:
                self.device.setCurrentIndex(i)

    def set_designs(self, kind: str, resolution: int) -> None:
        self.kind = kind
        self.resolution.blockSignals(True)
        self.resolution.clear()
        for r in RESOLUTIONS.get(kind, (resolution,)):
            self.resolution.addItem(f"{r} × {r}" + (f" × {r}" if kind == "mesh" else ""), r)
        self.resolution.setCurrentIndex(max(0, self.resolution.findData(resolution)))
        self.resolution.blockSignals(False)

    def set_project(self, model_config, train_config, trained_epochs: int, can_continue: bool) -> None:
        """Show a project's settings; offer to continue it."""
        self._trained_epochs = trained_epochs
        if train_config is not None:
            d = train_config.to_dict()
            self.apply_defaults({**FALLBACK, **{k: d[k] for k in FALLBACK if k in d}})
        if model_config is not None and getattr(model_config, "latent_dim", None):
            self.latent.setValue(int(model_config.latent_dim))
        self.continue_box.setHidden(not can_continue)
        self.continue_box.setChecked(can_continue)
        self._continue_toggled(can_continue)
        if can_continue and trained_epochs >= self.epochs.value():
            self.epochs.setValue(trained_epochs + max(10, trained_epochs // 2))

    def clear_project(self) -> None:
        self._trained_epochs = 0
        self.continue_box.setChecked(False)
        self.continue_box.hide()
        self._continue_toggled(False)

    @property
    def continuing(self) -> bool:
        return not self.continue_box.isHidden() and self.continue_box.isChecked()

    def values(self) -> dict:
        return {"epochs": self.epochs.value(), "batch_size": self.batch.value(), "lr": self.lr.value(),
                "beta": self.beta.value(), "seed": self.seed.value(), "device": self.device.currentText()}

    def set_values(self, **values) -> None:
        """Set fields by TrainConfig name (tests and scripts): epochs, batch_size, lr, beta, seed,
        device, latent_dim."""
        widgets = {"epochs": self.epochs, "batch_size": self.batch, "lr": self.lr, "beta": self.beta,
                   "seed": self.seed, "latent_dim": self.latent}
        for k, v in values.items():
            if k == "device":
                self.device.setCurrentIndex(max(0, self.device.findText(str(v))))
            else:
                widgets[k].setValue(v)

    def latent_dim(self) -> int:
        return self.latent.value()

    def set_editable(self, editable: bool) -> None:
        for w in (self.beta, self.epochs, self.batch, self.lr, self.seed, self.device, self.continue_box):
            w.setEnabled(editable)
        fixed = editable and not self.continuing
        self.resolution.setEnabled(fixed)
        self.latent.setEnabled(fixed)

    def _continue_toggled(self, on: bool) -> None:
        self.resolution.setEnabled(not on)
        self.latent.setEnabled(not on)
        if on and self._trained_epochs >= self.epochs.value():
            self.epochs.setValue(self._trained_epochs + 10)

    def _resolution_activated(self, _index: int) -> None:
        r = self.resolution.currentData()
        if r is not None:
            self.resolution_changed.emit(int(r))
