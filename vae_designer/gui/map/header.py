"""The Map page's header: title, projection, colour by, backdrop toggle, status line."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QSizePolicy, QWidget

from ..common.widgets import StatusLine
from .colour import ColourBar


class MapHeader(QWidget):
    """``projection_chosen(method, dims)``, ``colour_chosen(what)``, ``backdrop_toggled(on)``."""

    projection_chosen = Signal(str, tuple)
    colour_chosen = Signal(str)
    backdrop_toggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        title = QLabel(self.tr("Latent map"))
        title.setProperty("role", "title")
        self.projection = QComboBox()
        self.projection.setObjectName("MapProjection")
        self.projection.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.projection.setToolTip(self.tr("How the latent space is laid flat: principal components, or two "
                                           "latent dimensions"))
        self.projection.currentIndexChanged.connect(self._projection_changed)
        self.colour_combo = QComboBox()
        self.colour_combo.setObjectName("MapColourBy")
        self.colour_combo.addItem(self.tr("label"), "label")
        self.colour_combo.addItem(self.tr("reconstruction error"), "error")
        self.colour_combo.setToolTip(self.tr("Colour the points by their label (sub-folder), or by how badly the "
                                             "model reconstructs each design (its negative log-likelihood in nats): "
                                             "the bright ones are what it has not learned"))
        self.colour_combo.currentIndexChanged.connect(lambda _i: self.colour_chosen.emit(self.colour_by))
        self.colour_bar = ColourBar()
        self.colour_bar.hide()
        self.backdrop_check = QCheckBox(self.tr("Backdrop"))
        self.backdrop_check.setObjectName("MapBackdropToggle")
        self.backdrop_check.setToolTip(self.tr("Show a lattice of decoded designs behind the points: what the "
                                               "model makes across the whole map"))
        self.backdrop_check.toggled.connect(self.backdrop_toggled)
        self.status = StatusLine("")  # long messages end in "…", whole in the tooltip
        # elided rather than squeezing the header's controls
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.status.setProperty("role", "muted")
        head = QHBoxLayout(self)
        head.setContentsMargins(0, 0, 0, 0)
        for w, space in ((title, 12), (QLabel(self.tr("Projection:")), 0), (self.projection, 12),
                         (QLabel(self.tr("Colour by:")), 0), (self.colour_combo, 0), (self.colour_bar, 12),
                         (self.backdrop_check, 12)):
            head.addWidget(w)
            if space:
                head.addSpacing(space)
        head.addWidget(self.status, 1)

    @property
    def colour_by(self) -> str:
        return self.colour_combo.currentData() or "label"

    def fill_projections(self, encodings) -> None:
        """PCA, UMAP when installed, and pairs of the most active latent dimensions; PCA chosen."""
        from vae_designer.core.latent.space import active_dimensions, umap_available

        order = active_dimensions(encodings)
        d = encodings.shape[1]
        self.projection.blockSignals(True)
        self.projection.clear()
        self.projection.addItem(self.tr("PCA (principal components)"), ("pca", (0, 1)))
        if umap_available() and len(encodings) >= 4:
            self.projection.addItem(self.tr("UMAP (neighbourhoods)"), ("umap", (0, 1)))
        for a in range(min(d, 6)):
            for b in range(a + 1, min(d, 6)):
                self.projection.addItem(self.tr("latent dims {0} × {1}").format(order[a], order[b]),
                                        ("dims", (order[a], order[b])))
        self.projection.setCurrentIndex(0)
        self.projection.blockSignals(False)

    def back_to_pca(self) -> None:
        self.projection.setCurrentIndex(0)

    def _projection_changed(self, index: int) -> None:
        data = self.projection.itemData(index)
        if data is not None:
            self.projection_chosen.emit(data[0], tuple(data[1]))
