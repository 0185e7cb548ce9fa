"""Beside the map: the decoded design, what it is (novelty, nearest design), the tools, Pin and Export.

:class:`PreviewPanel` shows decoder results (``show_result``) in a picture widget
or, for meshes with OpenGL, a 3D view made on first use; ``painted(seq)`` is
emitted when a decoded design is on screen (what the latency benchmark times).
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ..common.i18n import number
from .preview_view import ImagePreview, gl_available, make_mesh_view

MESH_FORMATS = ("stl", "obj", "ply", "glb")
EMPTY_TEXT = QT_TRANSLATE_NOOP("PreviewPanel", "Nothing here: this point decodes to an empty design. Move the "
                                               "cursor closer to the designs (the dots), or train the model longer.")


def novelty_words(novelty: float) -> str:
    from .compare_view import novelty_word, novelty_word_text

    return QCoreApplication.translate("PreviewPanel", "Novelty: {0} ({1})").format(
        number(novelty, 2), novelty_word_text(novelty_word(novelty)))


class PreviewPanel(QWidget):
    """See the module docstring.  ``tools`` (the map tools) sit between the labels and the buttons."""

    painted = Signal(int)
    pin_clicked = Signal()
    export_clicked = Signal()
    uncertainty_toggled = Signal(bool)

    def __init__(self, tools: QWidget, parent: QWidget | None = None):
        super().__init__(parent)
        self.kind: str | None = None
        self.image_view = ImagePreview()
        self.image_view.painted.connect(self.painted)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.image_view)
        self.mesh_view = None  # the 3D view of a mesh project (None until one is shown, or without OpenGL)
        self._mesh_container = None
        self.novelty_label = QLabel(self.tr("Novelty: –"))
        self.novelty_label.setObjectName("MapNovelty")
        self.novelty_label.setToolTip(self.tr("Latent distance to the nearest training design, in units of the "
                                              "typical distance between neighbouring designs: about 1 is as new as "
                                              "designs are from each other, above 2 is out in the unknown"))
        self.nearest_label = QLabel(self.tr("Nearest: –"))
        self.nearest_label.setObjectName("MapNearest")
        self.nearest_label.setWordWrap(True)
        self.pin_button = QPushButton(self.tr("Pin"))
        self.pin_button.setToolTip(self.tr("Keep this design in the gallery below"))
        self.pin_button.clicked.connect(self.pin_clicked)
        self.export_button = QPushButton(self.tr("Export…"))
        self.export_button.setToolTip(self.tr("Write this design (PNG, or STL/OBJ/PLY/GLB) and its JSON sidecar"))
        self.export_button.clicked.connect(self.export_clicked)
        self.format_combo = QComboBox()
        self.format_combo.setObjectName("MapExportFormat")
        self.format_combo.setToolTip(self.tr("File format for exports"))
        self.uncertainty_check = QCheckBox(self.tr("Uncertainty"))
        self.uncertainty_check.setObjectName("MapUncertainty")
        self.uncertainty_check.setToolTip(self.tr("Show where the model is unsure of the outline (its raw "
                                                  "probabilities) over the design: the coloured seams are guesses"))
        self.uncertainty_check.toggled.connect(self.uncertainty_toggled)
        buttons = QHBoxLayout()
        for w in (self.pin_button, self.export_button, self.format_combo, self.uncertainty_check):
            buttons.addWidget(w)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.stack, 1)
        self.empty_label = QLabel(self.tr(EMPTY_TEXT))  # shown while the design on show decodes to nothing
        self.empty_label.setObjectName("MapEmptyDesign")
        self.empty_label.setProperty("role", "warning")
        self.empty_label.setWordWrap(True)
        self.empty_label.setVisible(False)
        lay.addWidget(self.empty_label)
        lay.addWidget(self.novelty_label)
        lay.addWidget(self.nearest_label)
        self.tools = tools  # the tools area (steering puts the constraints after it)
        lay.addWidget(tools)
        lay.addLayout(buttons)

    @property
    def preview(self):
        """What shows the decoded design now: the picture widget or the 3D view."""
        w = self.stack.currentWidget()
        return self.mesh_view if self.mesh_view is not None and w is self._mesh_container else w

    @property
    def wants_mesh_pictures(self) -> bool:
        """Decoded meshes must come as pictures (no 3D view here)."""
        return self.kind == "mesh" and self.mesh_view is None

    def export_format(self) -> str:
        return self.format_combo.currentText().lower() or ("png" if self.kind == "image" else "stl")

    def fine_options(self) -> dict:
        """How the finished picture is drawn: at the preview's size, with the uncertainty if asked."""
        return {"pixels": self.image_view.display_side(), "uncertainty": self.uncertainty_check.isChecked()}

    def set_kind(self, kind: str, formats=None, silhouette: bool = False) -> None:
        """A model of this kind is shown: a 3D view for meshes (when OpenGL works), the export
        ``formats`` (first: the default), the uncertainty toggle for silhouette collections."""
        self.kind = kind
        self.uncertainty_check.setVisible(silhouette)
        if kind == "mesh" and gl_available():
            if self.mesh_view is None:
                self.mesh_view, self._mesh_container = make_mesh_view()
                self.mesh_view.painted.connect(self.painted)
                self.stack.addWidget(self._mesh_container)
            self.stack.setCurrentWidget(self._mesh_container)
        else:
            self.stack.setCurrentWidget(self.image_view)
        formats = tuple(formats or (("png",) if kind == "image" else MESH_FORMATS))
        self.format_combo.clear()
        self.format_combo.addItems([f.upper() for f in formats])
        self.format_combo.setVisible(len(formats) > 1)

    def show_result(self, out: dict, nearest_name: str | None) -> None:
        """A decoder result: the picture or mesh, its novelty and nearest training design."""
        if "image" in out:
            if self.stack.currentWidget() is not self.image_view:
                self.stack.setCurrentWidget(self.image_view)
            self.image_view.set_rgb(out["image"], out["seq"])
        elif self.mesh_view is not None:
            self.mesh_view.set_mesh(out["verts"], out["faces"], out["seq"], out.get("normals"))
        self.empty_label.setVisible(bool(out.get("empty")))
        if "novelty" in out:
            self.novelty_label.setText(novelty_words(out["novelty"]))
            self.nearest_label.setText(self.tr("Nearest: {0}").format(nearest_name or "?"))

    def clear(self, message: str) -> None:
        self.kind = None
        self.empty_label.setVisible(False)
        self.image_view.clear()
        self.image_view.placeholder = message
        self.stack.setCurrentWidget(self.image_view)
        self.novelty_label.setText(self.tr("Novelty: –"))
        self.nearest_label.setText(self.tr("Nearest: –"))

    def set_enabled(self, has_map: bool, saved: bool) -> None:
        self.pin_button.setEnabled(has_map)
        self.export_button.setEnabled(has_map and saved)

    def retheme(self, t) -> None:
        if self.mesh_view is not None:
            self.mesh_view.retheme(t)
        self.image_view.update()
