"""Directions with names: move the design on show along "sedan → suv", "A → B" or "PC 1".

One row to choose the direction, one slider with the typed value beside it (the value along
the direction, :meth:`core.latent.directions.Direction.value`: 0 is label A's average design
and 1 label B's; for a principal direction, standard deviations from the collection's mean),
one row to export the sequence.  The directions come from the map session's encodings and
labels (``core.latent.directions``): the principal directions, every pair of the (most common)
labels, every pair of the session's named groups (designs picked on the map, Group…), and
"Pins A → Pins B" once two groups of pins were chosen (the pins selected in the gallery become
group A or B).  Moving the slider walks from the design on show when the slider was
first moved (its *base*), on the data (:func:`~vae_designer.core.latent.directions.walk`,
"on-data") unless "Straight line" is ticked; the shown design's sidecar fields say which
direction, value and walk made it.

Export Sequence… spaces the steps as ``vae-designer direction`` does (equal changes of the
design, :func:`~vae_designer.core.latent.spacing.even_values`: a fine walk decoded and measured,
about a second) in a worker, then writes the files; ``sequence_written(paths)`` when done.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
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
from ..common.jobs import LatestJobs

SLIDER_STEPS = 400
PCS = 4  # principal directions offered
MAX_LABELS = 8  # label pairs among at most this many (the most common) labels
MAX_SEQUENCE = 64


def _row(*widgets, stretch_at: int | None = None) -> QHBoxLayout:
    r = QHBoxLayout()
    r.setSpacing(6)
    for k, w in enumerate(widgets):
        r.addWidget(w, 1 if k == stretch_at else 0)
    if stretch_at is None:
        r.addStretch(1)
    return r


def spacing_job(job: dict) -> dict:
    """Worker: the sequence's values spaced by equal changes of the design, and its latents."""
    from vae_designer.core.latent.directions import walk
    from vae_designer.core.latent.spacing import even_values

    values = job["values"]
    if job["project"] is not None:
        values = even_values(job["project"], job["base"], job["direction"], values, job["density"], job["walk"])
    return {**job, "values": values, "zs": walk(job["base"], job["direction"], values, job["density"], job["walk"])}


class DirectionsPanel(QWidget):
    """See the module docstring.  ``actions``: the page's :class:`~.tools.ToolActions`."""

    sequence_written = Signal(object)  # the paths of an exported sequence (empty when it failed)

    def __init__(self, session, actions, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("MapDirections")
        self.session = session
        self.actions = actions
        self._spacing = LatestJobs(spacing_job, name="map-direction-spacing", background=False, parent=self)
        self._spacing.done.connect(self._spaced)
        self._spacing.failed.connect(self._spacing_failed)
        self.directions: list = []
        self._groups: dict[str, list] = {"A": [], "B": []}  # latent vectors of the pins of each group
        self._density = None  # what the on-data walk follows (made on first use per model)
        self._base = None  # the design the walk starts from (None: the design on show)
        self._make_controls()
        lay = QGridLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setHorizontalSpacing(8)
        lay.setVerticalSpacing(4)
        lay.setColumnStretch(1, 1)
        lay.addWidget(self._caption(self.tr("Along")), 0, 0)
        lay.addLayout(_row(self.along, stretch_at=0), 0, 1)
        lay.addWidget(self._caption(self.tr("Value")), 1, 0)
        lay.addLayout(_row(self.slider, self.value, stretch_at=0), 1, 1)
        lay.addWidget(self._caption(self.tr("Pins")), 2, 0)
        lay.addLayout(_row(self.set_a_button, self.set_b_button, self.groups_label), 2, 1)
        lay.addLayout(_row(self.straight_check, self.steps, self.export_button), 3, 1)

    @staticmethod
    def _caption(text: str) -> QLabel:
        w = QLabel(text)
        w.setProperty("role", "muted")
        return w

    def _make_controls(self) -> None:
        self.along = QComboBox()
        self.along.setObjectName("MapDirectionChoice")
        self.along.setToolTip(self.tr("A named direction: from one label to another (difference of their mean "
                                      "designs), from pins A to pins B, or a principal direction of the collection"))
        self.along.currentIndexChanged.connect(self._direction_chosen)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, SLIDER_STEPS)
        self.slider.setToolTip(self.tr("Move the design along the direction"))
        self.slider.valueChanged.connect(self._slid)
        self.value = QDoubleSpinBox()
        self.value.setObjectName("MapDirectionValue")
        self.value.setDecimals(2)
        self.value.setSingleStep(0.05)
        self.value.setRange(-10.0, 10.0)
        self.value.setKeyboardTracking(False)
        self.value.setToolTip(self.tr("The value along the direction: 0 is as A-like as A's average design, 1 as "
                                      "B-like as B's (principal directions: standard deviations from the mean)"))
        self.value.valueChanged.connect(self.set_value)
        self.set_a_button = QPushButton(self.tr("A = Selected"))
        self.set_a_button.setToolTip(self.tr("The pins selected in the gallery become group A of 'Pins A → B'"))
        self.set_a_button.clicked.connect(lambda: self.set_group("A"))
        self.set_b_button = QPushButton(self.tr("B = Selected"))
        self.set_b_button.setToolTip(self.tr("The pins selected in the gallery become group B of 'Pins A → B'"))
        self.set_b_button.clicked.connect(lambda: self.set_group("B"))
        self.groups_label = QLabel("")
        self.groups_label.setProperty("role", "muted")
        self.straight_check = QCheckBox(self.tr("Straight line"))
        self.straight_check.setToolTip(self.tr("Move in a straight line in latent space instead of staying on the "
                                               "data (each step drawn towards the designs that have that value)"))
        self.straight_check.toggled.connect(lambda _on: self.set_value(self.value.value()))
        self.steps = QSpinBox()
        self.steps.setRange(2, MAX_SEQUENCE)
        self.steps.setValue(8)
        self.steps.setSuffix(self.tr(" steps"))
        self.steps.setToolTip(self.tr("Designs in an exported sequence: from the base design's value to the slider's"))
        self.export_button = QPushButton(self.tr("Export Sequence…"))
        self.export_button.setToolTip(self.tr("Export the designs from the base design to the value on the slider, "
                                              "numbered, each with a sidecar"))
        self.export_button.clicked.connect(lambda: self.export_sequence())

    # ------------------------------------------------------------------ what is offered
    @property
    def direction(self):
        i = self.along.currentIndex()
        return self.directions[i] if 0 <= i < len(self.directions) else None

    def model_changed(self) -> None:
        """Another model (or newer weights): its principal directions and label pairs (the pin groups
        stay, as latents; the direction chosen stays chosen)."""
        from vae_designer.core.latent.directions import group_direction, principal_directions

        s, chosen = self.session, self.along.currentData()
        self._density, self._base = None, None
        found = []
        if s.encodings is not None and len(s.encodings) >= 2:
            found += principal_directions(s.encodings, PCS)
            found += _label_directions(s.encodings, s.labels)
            found += _group_directions(s.encodings, s.groups)
        if all(self._groups.values()):
            try:
                found.append(group_direction(np.stack(self._groups["A"]), np.stack(self._groups["B"]),
                                             "Pins A", "Pins B"))
            except Exception as exc:  # noqa: BLE001 - a UserError: the two groups coincide
                self.actions.status(str(exc))
        self.directions = found
        self.along.blockSignals(True)
        self.along.clear()
        for d in found:
            self.along.addItem(direction_name(d), d.key)
        if chosen and self.along.findData(chosen) >= 0:
            self.along.setCurrentIndex(self.along.findData(chosen))
        self.along.blockSignals(False)
        self._direction_chosen(self.along.currentIndex())

    def set_group(self, which: str) -> None:
        """The pins selected in the gallery become group ``which`` ("A" or "B")."""
        pins = self.actions.selected_pins()
        if not pins:
            self.actions.status(self.tr("Select pins in the gallery first"))
            return
        self._groups[which] = [np.asarray(p.z, np.float64) for p in pins]
        self.groups_label.setText(f"A: {len(self._groups['A'])} · B: {len(self._groups['B'])}")
        self.model_changed()
        if all(self._groups.values()):
            self.along.setCurrentIndex(len(self.directions) - 1)

    def update_enabled(self, has_map: bool) -> None:
        for w in (self.along, self.slider, self.value, self.straight_check, self.steps):
            w.setEnabled(has_map and bool(self.directions))
        for w in (self.set_a_button, self.set_b_button):
            w.setEnabled(has_map)
        self.export_button.setEnabled(has_map and self.session.project is not None and bool(self.directions))

    # ------------------------------------------------------------------ moving
    def _range(self) -> tuple[float, float]:
        d = self.direction
        return d.default_range if d is not None else (-1.0, 1.0)

    def _direction_chosen(self, _index: int) -> None:
        self._base = None
        self.follow_design()

    def follow_design(self) -> None:
        """The design on show changed (not by this panel): the slider shows its value, and the
        next move starts from it."""
        design, d = self.session.design, self.direction
        if design is not None and design.source == "direction":
            return
        self._base = None
        if design is None or d is None:
            return
        self._show_value(float(d.value(design.z)))

    def _show_value(self, v: float) -> None:
        lo, hi = self._range()
        for w, value in ((self.value, v), (self.slider, round((np.clip(v, lo, hi) - lo) / (hi - lo) * SLIDER_STEPS))):
            w.blockSignals(True)
            w.setValue(value)
            w.blockSignals(False)

    def _slid(self, position: int) -> None:
        lo, hi = self._range()
        self.set_value(lo + (hi - lo) * position / SLIDER_STEPS)

    def _walk(self, values) -> tuple[np.ndarray, dict] | None:
        """The latents of the base design moved to ``values``, and the sidecar's direction fields."""
        from vae_designer.core.latent.directions import walk, walk_density

        d, s = self.direction, self.session
        if d is None or (self._base is None and s.design is None):
            return None
        if self._base is None:
            self._base = s.design.z.copy()
        method = "straight" if self.straight_check.isChecked() else "on-data"
        if method == "on-data" and self._density is None:
            self._density = walk_density(_training_encodings(s))
        zs = walk(self._base, d, values, self._density, method)
        return zs, {**d.describe(), "start_value": float(d.value(self._base)), "walk": method}

    def set_value(self, v: float) -> np.ndarray | None:
        """Show the base design moved to value ``v`` along the chosen direction."""
        walked = self._walk([float(v)])
        if walked is None:
            return None
        zs, info = walked
        self._show_value(float(v))
        self.actions.show(zs[0], "direction", {"direction": {**info, "value": float(v)}})
        return zs[0]

    def export_sequence(self, folder: str | None = None, steps: int | None = None) -> bool:
        """Export ``steps`` designs from the base design's value to the value on the slider into
        ``folder`` (asked for when None): spaced in a worker, then written (``sequence_written``).
        False when nothing is under way (no direction or design, no folder)."""
        d = self.direction
        walked = self._walk([0.0]) if d is not None else None
        if walked is None:
            self.actions.status(self.tr("Export failed: choose a direction and a design first"))
            return False
        root = self.actions.ask_folder(self.tr("Export the sequence along {0} into").format(direction_name(d)), folder)
        if root is None:
            return False
        n = int(steps or self.steps.value())
        start, end = walked[1]["start_value"], float(self.value.value())
        self.export_button.setEnabled(False)
        self.actions.status(self.tr("Spacing {0} designs along {1}…").format(number(n), direction_name(d)))
        # the designs change by equal amounts (as `direction` writes them) when the project is saved
        self._spacing.submit({"project": self.session.project, "base": self._base.copy(), "direction": d,
                              "density": self._density, "walk": walked[1]["walk"], "info": walked[1],
                              "values": np.linspace(start, end, n), "folder": str(root)})
        return True

    def _spaced(self, _tag, out: dict) -> None:
        d, info, zs = out["direction"], out["info"], out["zs"]
        width = max(2, len(str(len(zs))))
        stem = d.key.replace("->", "-to-").replace(" ", "_")
        items = [(f"direction-{stem}-{k + 1:0{width}d}", z, "direction", None, None,
                  {"extra": {"direction": {**info, "value": float(v), "step": k + 1, "steps": len(zs),
                                           "spacing": "even" if out["project"] is not None else "values"}}})
                 for k, (z, v) in enumerate(zip(zs, out["values"]))]
        written = self.actions.export_sequence(items, out["folder"], "")  # its status says what was written
        self.update_enabled(self.session.has_map)
        self.sequence_written.emit(written)

    def _spacing_failed(self, _tag, message: str) -> None:
        self.update_enabled(self.session.has_map)
        self.actions.status(self.tr("Export failed: {0}").format(message))
        self.sequence_written.emit([])

    def shutdown(self) -> None:
        self._spacing.shutdown(wait=True)


def direction_name(d) -> str:
    """A direction's name as the combo shows it: the labels' or groups' own names, "PC 1", "Pins A → Pins B"."""
    if d.kind == "pca" and d.key.startswith("pc"):
        return QCoreApplication.translate("Directions", "PC {0}").format(d.key[2:])
    if d.ends == ("Pins A", "Pins B"):
        return QCoreApplication.translate("Directions", "Pins A → Pins B")
    return d.name


def _label_directions(encodings, labels) -> list:
    """"A → B" for every ordered pair of the ``MAX_LABELS`` most common labels (each label's mean
    computed once: a map of 100,000 designs has its directions in milliseconds)."""
    from vae_designer.core.latent.directions import group_direction

    names, inverse, counts = np.unique(np.asarray(list(labels), dtype=str), return_inverse=True, return_counts=True)
    if len(names) < 2:
        return []
    z = np.asarray(encodings, np.float64)
    means = np.zeros((len(names), z.shape[1]))
    np.add.at(means, inverse, z)
    means /= counts[:, None]
    keep = [int(i) for i in np.argsort(-counts, kind="stable")[:MAX_LABELS]]
    out = []
    for a in keep:
        for b in keep:
            if a != b and not np.allclose(means[a], means[b]):
                d = group_direction(means[a][None], means[b][None], str(names[a]), str(names[b]), kind="labels")
                d.extra["designs"] = [int(counts[a]), int(counts[b])]
                out.append(d)
    return out


def _group_directions(encodings, groups) -> list:
    """"A → B" for every ordered pair of the session's named groups of training designs (made from
    picks on the map)."""
    from vae_designer.core.errors import UserError
    from vae_designer.core.latent.directions import groups_direction

    out = []
    for a in groups:
        for b in groups:
            if a != b:
                try:
                    out.append(groups_direction(encodings, groups, a, b))
                except UserError:  # an empty group, or two that coincide
                    pass
    return out


def _training_encodings(session) -> np.ndarray:
    """The training split's encodings of the session's saved project (all of them otherwise)."""
    from vae_designer.core.latent.guided import training_split

    project = session.project
    if project is not None and len(project.encodings) == len(session.encodings):
        return training_split(project)
    return np.asarray(session.encodings)
