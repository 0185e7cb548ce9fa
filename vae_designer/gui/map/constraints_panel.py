"""Beside the preview: the design's measured properties, and the constraints the designer sets on them.

* :class:`PropertiesLabel` -- the design on show measured in source units
  (``core.export.measure``): width, height, aspect... for images; length, width,
  height, volume... for meshes; a property that breaks a constraint in the theme's
  danger colour.
* :class:`ConstraintsPanel` -- the constraints as removable chips (``aspect ≥ 2.4 ×``),
  a row to add one (property, bound, a typed value that may carry a unit: ``1450``,
  ``1.45 m``), "Shade map" (where decoded designs break them) and "Snap to spec" (the
  nearest design that meets them).  It only says what the user asked for
  (``add_requested(text)``, ``remove_requested(constraint)``, ``snap_clicked``,
  ``shading_toggled(on)``); the map session holds the constraints.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..common import theme
from ..common.i18n import number

SHOWN_OPS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "="}


def number_text(v) -> str:
    """A property value as people read it: 4,512 · 136.7 · 2.41 · 0.512 (– when unknown)."""
    if v is None or not np.isfinite(v):
        return "–"
    a = abs(v)
    if a >= 1e6 or a < 1:
        return f"{v:.3g}"
    return number(v, 0) if a >= 1000 else number(v, 1 if a >= 100 else 2)


def property_label(name: str) -> str:
    """A measured property's name as the interface writes it: "surface area" (``surface_area``)."""
    labels = {
        "width": QCoreApplication.translate("Properties", "width"),
        "height": QCoreApplication.translate("Properties", "height"),
        "aspect": QCoreApplication.translate("Properties", "aspect"),
        "area": QCoreApplication.translate("Properties", "area"),
        "centroid_x": QCoreApplication.translate("Properties", "centroid x"),
        "centroid_y": QCoreApplication.translate("Properties", "centroid y"),
        "length": QCoreApplication.translate("Properties", "length"),
        "volume": QCoreApplication.translate("Properties", "volume"),
        "surface_area": QCoreApplication.translate("Properties", "surface area"),
        "frontal_area": QCoreApplication.translate("Properties", "frontal area"),
    }
    return labels.get(name, name.replace("_", " "))


def unit_label(unit: str) -> str:
    """A unit of ``core.export.measure.unit_text`` as the interface writes it ("units²": the meshes' own)."""
    if unit.startswith("units"):
        return QCoreApplication.translate("Properties", "units") + unit[len("units"):]
    return unit


def property_with_unit(name: str, unit: str) -> str:
    """"surface area (units²)": a property and its unit, as the combos list them."""
    if not unit:
        return property_label(name)
    return QCoreApplication.translate("Properties", "{0} ({1})").format(property_label(name), unit_label(unit))


def constraint_text(c, unit: str = "") -> str:
    return f"{property_label(c.name)} {SHOWN_OPS.get(c.op, c.op)} {number_text(c.value)}" \
        f"{(' ' + unit_label(unit)) if unit else ''}"


class PropertiesLabel(QLabel):
    """The measured properties of the design on show (see the module docstring)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("MapProperties")
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setToolTip(self.tr("The design on show measured in the source units (source pixels of the images, "
                                "the meshes' own units); while the cursor moves, a quick measure of the decoded "
                                "grid, once it rests the outline or surface its export is written from"))
        self.values: dict = {}
        self.exact = False
        self._units: dict = {}
        self.clear()

    def clear(self) -> None:
        self.values = {}
        self.setText(f"<span>{self.tr('Properties: –')}</span>")

    def show_values(self, values: dict, units: dict, broken: set, exact: bool) -> None:
        self.values, self._units, self.exact = dict(values), dict(units), exact
        t = theme.current()
        parts = []
        for name, v in values.items():
            text = f"{property_label(name)} <b>{number_text(v)}</b>{(' ' + unit_label(units.get(name, ''))).rstrip()}"
            parts.append(f"<span style='color:{t.danger}'>{text}</span>" if name in broken else text)
        self.setText(" · ".join(parts) or self.tr("Properties: –"))


class ConstraintsPanel(QWidget):
    """See the module docstring."""

    add_requested = Signal(str)
    remove_requested = Signal(object)
    snap_clicked = Signal()
    shading_toggled = Signal(bool)
    axis_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("MapConstraints")
        self.chips = QHBoxLayout()
        self.chips.setSpacing(4)
        self._chip_widgets: list[QWidget] = []
        self.none_label = QLabel(self.tr("No constraints: add a range on a measured property"))
        self.none_label.setProperty("role", "muted")
        self.chips.addWidget(self.none_label)
        self.chips.addStretch(1)
        self.property_combo = QComboBox()
        self.property_combo.setObjectName("ConstraintProperty")
        self.op_combo = QComboBox()
        self.op_combo.setObjectName("ConstraintOp")
        for op in (">=", "<=", "=="):
            self.op_combo.addItem(SHOWN_OPS[op], op)
        self.value_edit = QLineEdit()
        self.value_edit.setObjectName("ConstraintValue")
        self.value_edit.setPlaceholderText(self.tr("value"))
        self.value_edit.setMinimumWidth(72)
        self.value_edit.setMaximumWidth(110)
        self.value_edit.setToolTip(self.tr("A number in the source units (thousands may be grouped: 1,450); a unit "
                                           "may follow: px for images, mm, cm, m or in for meshes (taken as "
                                           "millimetres)"))
        self.value_edit.returnPressed.connect(self._add)
        self.add_button = QPushButton(self.tr("Add"))
        self.add_button.setToolTip(self.tr("Add this constraint: the map shades where designs break it, Snap to "
                                           "spec and Surprise ×N meet it"))
        self.add_button.clicked.connect(self._add)
        self.axis_combo = QComboBox()
        self.axis_combo.setObjectName("FrontalAxis")
        for axis in ("x", "y", "z"):
            self.axis_combo.addItem(self.tr("Frontal along {0}").format(axis.upper()), axis)
        self.axis_combo.setToolTip(self.tr("The axis the frontal area is seen along (drag scales with the area "
                                           "that faces the flow): X for a car that drives along X"))
        self.axis_combo.currentIndexChanged.connect(lambda _i: self.axis_chosen.emit(self.axis_combo.currentData()))
        self.axis_combo.setVisible(False)
        self.shade_check = QCheckBox(self.tr("Shade map"))
        self.shade_check.setObjectName("ConstraintShading")
        self.shade_check.setChecked(True)
        self.shade_check.setToolTip(self.tr("Shade the map where the decoded designs break the constraints"))
        self.shade_check.toggled.connect(self.shading_toggled)
        self.snap_button = QPushButton(self.tr("Snap to Spec"))
        self.snap_button.setObjectName("SnapToSpec")
        self.snap_button.setToolTip(self.tr("Move the design on show to the nearest design the model makes that "
                                            "meets every constraint"))
        self.snap_button.clicked.connect(self.snap_clicked)
        caption = QLabel(self.tr("Constraints"))
        caption.setProperty("role", "muted")
        add = QHBoxLayout()
        add.setSpacing(6)
        for w in (caption, self.property_combo, self.op_combo, self.value_edit, self.add_button):
            add.addWidget(w)
        add.addStretch(1)
        add.addWidget(self.shade_check)
        add.addWidget(self.snap_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(4)
        lay.addLayout(add)
        self.chips.addWidget(self.axis_combo)  # under the add row: the row stays as narrow as for images
        lay.addLayout(self.chips)

    def set_properties(self, names, units: dict) -> None:
        """The properties of the model on show (what constraints can be on; the frontal axis is
        offered where there is a frontal area)."""
        self.axis_combo.setVisible("frontal_area" in names)
        self.property_combo.clear()
        for name in names:
            self.property_combo.addItem(property_with_unit(name, units.get(name, "")), name)

    def show_constraints(self, constraints, units: dict) -> None:
        """Chips for ``constraints`` (each with a remove button)."""
        for w in self._chip_widgets:
            self.chips.removeWidget(w)
            w.deleteLater()
        self._chip_widgets = []
        for k, c in enumerate(constraints):
            chip = QToolButton()
            chip.setObjectName("ConstraintChip")
            chip.setText(f"{constraint_text(c, units.get(c.name, ''))}  ×")
            chip.setToolTip(self.tr("Remove this constraint"))
            chip.clicked.connect(lambda _=False, c=c: self.remove_requested.emit(c))
            self.chips.insertWidget(k, chip)
            self._chip_widgets.append(chip)
        self.none_label.setVisible(not constraints)
        self.snap_button.setEnabled(bool(constraints) and self.isEnabled())

    def constraint_typed(self) -> str:
        """The constraint the add row says, as text (``aspect>=2.4``)."""
        return f"{self.property_combo.currentData() or ''}{self.op_combo.currentData()}{self.value_edit.text().strip()}"

    def _add(self) -> None:
        if self.value_edit.text().strip():
            self.add_requested.emit(self.constraint_typed())

    def accepted(self) -> None:
        """The typed constraint was added: clear the value."""
        self.value_edit.clear()
