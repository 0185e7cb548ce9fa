"""Completion on the map: mark a region of the design on show as missing, get it regenerated.

* **Marking.**  On a 2D preview, "Mark Missing" lets the designer drag a rectangle over the
  picture (:class:`RegionOverlay`, drawn over the preview until it is cleared); on a 3D one the
  missing part is a slab of the cube: along X, Y or Z, from one fraction of the side to another
  (a cut plane when it runs to the end).
* **Completing.**  "Complete ×N" fits the latent vector to the kept part in a worker
  (``core.latent.completion.complete_design``: the kept part's likelihood with the training
  designs' latent density as the prior, from several starts) and pins the distinct completions
  (source "complete", their sidecars say which region and how well the kept part is kept), best
  first, and shows the best.  A placed design is completed from the designer's own file
  (:meth:`.placing.DesignPlacer.input_for`), any other from its decoding.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QPainter, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QWidget,
)

from ..common import theme
from ..common.i18n import number
from ..common.jobs import LatestJobs

AXES = ("X", "Y", "Z")
MAX_COMPLETIONS = 8


def complete_job(job: dict) -> dict:
    """Worker: the completions of ``job["x"]`` with region ``job["missing"]`` (see the module docstring)."""
    from vae_designer.core.latent.completion import complete_design
    from vae_designer.core.latent.sampling import is_empty

    x = job["x"]
    if x is None:  # the design on show, decoded here
        import torch

        from .decoder import model_for

        with torch.inference_mode():
            x = torch.sigmoid(model_for(job["config"], job["weights"]).decode(
                torch.from_numpy(np.asarray(job["z"], np.float32)[None])).float()).numpy()[0]
    found = complete_design(job["config"], job["weights"], x, job["missing"], job["n"], density=job["density"],
                            encodings=job["encodings"], seed=job.get("seed", 0),
                            pos_weight=job.get("pos_weight"))
    found = [c for c in found if not is_empty(job["kind"], c.probs)]
    from .decoder import render

    thumbs = []
    for c in found:
        out = render(job["kind"], c.probs, job.get("background"), look=job.get("look"))
        if "image" not in out:
            from vae_designer.core.export.preview import render_design

            out = {"image": render_design(c.probs, 96)}
        thumbs.append(out["image"])
    return {"completions": found, "thumbs": thumbs, "region": job["region"], "base": job["base"]}


class RegionOverlay(QWidget):
    """A rectangle dragged over a picture preview (``ImagePreview``); ``marked()`` when one is drawn.

    Transparent to the mouse until :meth:`set_active`; the rectangle stays drawn until :meth:`clear`:
    covered in paper while it is missing (what is kept shows), tinted once it was completed
    (:meth:`set_completed`: what was regenerated shows).
    """

    marked = Signal()

    def __init__(self, preview: QWidget):
        super().__init__(preview)
        self.preview = preview
        self.setObjectName("MapRegionOverlay")
        self._start: QPointF | None = None
        self._rect: QRectF | None = None  # in the preview's picture square, fractions 0..1
        self.completed = False
        self.set_active(False)
        preview.installEventFilter(self)
        self.setGeometry(preview.rect())
        self.show()

    def eventFilter(self, obj, event) -> bool:
        if obj is self.preview and event.type() == event.Type.Resize:
            self.setGeometry(self.preview.rect())
        return False

    def set_active(self, on: bool) -> None:
        self.active = bool(on)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, not on)
        self.setCursor(Qt.CursorShape.CrossCursor if on else Qt.CursorShape.ArrowCursor)
        self.raise_()

    def _square(self) -> QRectF:
        side = self.preview.display_side()
        return QRectF((self.width() - side) // 2, (self.height() - side) // 2, side, side)

    def _fraction(self, pos) -> QPointF:
        sq = self._square()
        return QPointF(min(max((pos.x() - sq.x()) / sq.width(), 0.0), 1.0),
                       min(max((pos.y() - sq.y()) / sq.height(), 0.0), 1.0))

    def set_fractions(self, x0: float, y0: float, x1: float, y1: float) -> None:
        """Mark the rectangle (x0, y0)-(x1, y1) in fractions of the picture (y down)."""
        self._rect = QRectF(QPointF(x0, y0), QPointF(x1, y1)).normalized()
        self.completed = False
        self.update()
        self.marked.emit()

    def set_completed(self, on: bool) -> None:
        self.completed = bool(on)
        self.update()

    def fractions(self) -> tuple[float, float, float, float] | None:
        r = self._rect
        return None if r is None or r.width() <= 0 or r.height() <= 0 else (r.left(), r.top(), r.right(), r.bottom())

    def clear(self) -> None:
        self._rect = None
        self.update()

    def mousePressEvent(self, event) -> None:
        self._start = self._fraction(event.position())
        self._rect = QRectF(self._start, self._start)

    def mouseMoveEvent(self, event) -> None:
        if self._start is not None:
            self._rect = QRectF(self._start, self._fraction(event.position())).normalized()
            self.update()

    def mouseReleaseEvent(self, event) -> None:
        if self._start is not None:
            start, end = self._start, self._fraction(event.position())
            self._start = None
            self.set_fractions(start.x(), start.y(), end.x(), end.y())

    def paintEvent(self, event) -> None:
        if self._rect is None:
            return
        sq = self._square()
        r = QRectF(sq.x() + self._rect.left() * sq.width(), sq.y() + self._rect.top() * sq.height(),
                   self._rect.width() * sq.width(), self._rect.height() * sq.height())
        p = QPainter(self)
        if self.completed:
            p.fillRect(r, QColor(255, 61, 127, 36))
        else:  # missing: covered, with a light hatch
            paper = QColor(theme.current().base)
            paper.setAlpha(235)
            p.fillRect(r, paper)
            p.fillRect(r, QBrush(QColor(255, 61, 127, 90), Qt.BrushStyle.BDiagPattern))
        pen = QPen(QColor("#ff3d7f"), 2, Qt.PenStyle.DashLine)
        p.setPen(pen)
        p.drawRect(r)
        p.end()


class CompletionPanel(QWidget):
    """See the module docstring.  ``input_for(z)``: the placed design's own input, or None;
    ``actions``: the page's :class:`~.tools.ToolActions`."""

    def __init__(self, session, actions, input_for, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("MapCompletion")
        self.session = session
        self.actions = actions
        self.input_for = input_for
        self.overlay: RegionOverlay | None = None
        self.last: dict | None = None  # the newest result (tests read it)
        self._jobs = LatestJobs(complete_job, name="map-complete", background=False, parent=self)
        self._jobs.done.connect(self._done)
        self._jobs.failed.connect(lambda _t, msg: self._finish(self.tr("Completion failed: {0}").format(msg)))
        self._make_controls()
        lay = QGridLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setHorizontalSpacing(8)
        lay.setVerticalSpacing(4)
        lay.setColumnStretch(1, 1)
        lay.addWidget(self._caption(self.tr("Missing")), 0, 0)
        lay.addLayout(self._row(self.mark_button, self.clear_button, self.region_label), 0, 1)
        lay.addLayout(self._row(self.axis, self.low, self.high), 1, 1)
        lay.addWidget(self._caption(self.tr("Complete")), 2, 0)
        lay.addLayout(self._row(self.complete_button, self.count), 2, 1)
        self.set_kind(None)

    @staticmethod
    def _caption(text: str) -> QLabel:
        w = QLabel(text)
        w.setProperty("role", "muted")
        return w

    @staticmethod
    def _row(*widgets) -> QHBoxLayout:
        r = QHBoxLayout()
        r.setSpacing(6)
        for w in widgets:
            r.addWidget(w)
        r.addStretch(1)
        return r

    def _make_controls(self) -> None:
        self.mark_button = QPushButton(self.tr("Mark Missing"))
        self.mark_button.setCheckable(True)
        self.mark_button.setToolTip(self.tr("Drag a rectangle over the design: that part is regenerated"))
        self.mark_button.toggled.connect(lambda on: self.overlay.set_active(on) if self.overlay else None)
        self.clear_button = QPushButton(self.tr("Clear"))
        self.clear_button.setToolTip(self.tr("Forget the marked region"))
        self.clear_button.clicked.connect(self.clear_region)
        self.region_label = QLabel(self.tr("nothing marked"))
        self.region_label.setProperty("role", "muted")
        self.axis = QComboBox()
        self.axis.addItems([self.tr("along {0}").format(a) for a in AXES])
        self.axis.setCurrentIndex(2)
        self.axis.setToolTip(self.tr("The missing part of a 3D design: a slab of the cube along this axis"))
        self.low, self.high = QDoubleSpinBox(), QDoubleSpinBox()
        for w, v, tip in ((self.low, 2 / 3, self.tr("The missing slab from (a fraction of the side)")),
                          (self.high, 1.0, self.tr("The missing slab to"))):
            w.setRange(0.0, 1.0)
            w.setSingleStep(0.05)
            w.setDecimals(2)
            w.setValue(v)
            w.setToolTip(tip)
            w.valueChanged.connect(lambda _v: self._describe())
        self.axis.currentIndexChanged.connect(lambda _i: self._describe())
        self.count = QSpinBox()
        self.count.setRange(1, MAX_COMPLETIONS)
        self.count.setValue(4)
        self.count.setPrefix("×")
        self.count.setToolTip(self.tr("How many completions to offer (distinct ones; fewer when fewer differ)"))
        self.complete_button = QPushButton(self.tr("Complete"))
        self.complete_button.setObjectName("MapCompleteButton")
        self.complete_button.setToolTip(self.tr("Regenerate the missing part consistent with the rest; the "
                                                "completions are pinned, best first"))
        self.complete_button.clicked.connect(lambda: self.complete())

    def attach(self, preview: QWidget) -> None:
        """Draw regions over this picture preview (the page's ``ImagePreview``)."""
        self.overlay = RegionOverlay(preview)
        self.overlay.marked.connect(self._marked)

    def set_kind(self, kind: str | None) -> None:
        """Rectangles for images, slabs for meshes."""
        self.kind = kind
        for w in (self.mark_button, self.clear_button):
            w.setVisible(kind != "mesh")
        for w in (self.axis, self.low, self.high):
            w.setVisible(kind == "mesh")
        self.clear_region()

    def update_enabled(self, has_map: bool) -> None:
        for w in (self.mark_button, self.clear_button, self.axis, self.low, self.high, self.count):
            w.setEnabled(has_map)
        self.complete_button.setEnabled(has_map and self._jobs.idle)

    # ------------------------------------------------------------------ the region
    def _marked(self) -> None:
        self.mark_button.setChecked(False)
        self._describe()

    def clear_region(self) -> None:
        if self.overlay is not None:
            self.overlay.clear()
        self._describe()

    def _describe(self) -> None:
        box = self.region_box()
        if self.kind == "mesh":
            a = self.axis.currentIndex()
            self.region_label.setText(self.tr("nothing marked") if box is None else
                                      self.tr("{0} from {1}% to {2}% of the cube is missing").format(
                                          AXES[a], number(box[a] * 100), number(box[a + 3] * 100)))
        elif box is None:
            self.region_label.setText(self.tr("nothing marked"))
        else:
            self.region_label.setText(self.tr("{0}% × {1}% of the picture").format(
                number((box[2] - box[0]) * 100), number((box[3] - box[1]) * 100)))

    def region_box(self) -> list[float] | None:
        """The missing box in fractions of the grid: (x0, y0, x1, y1) for images, (x0, y0, z0, x1, y1, z1)
        for meshes; None when nothing is marked."""
        if self.kind == "mesh":
            lo, hi = sorted((self.low.value(), self.high.value()))
            if hi - lo <= 0:
                return None
            a = self.axis.currentIndex()
            box = [0.0, 0.0, 0.0, 1.0, 1.0, 1.0]
            box[a], box[a + 3] = lo, hi
            return box
        return list(self.overlay.fractions()) if self.overlay is not None and self.overlay.fractions() else None

    # ------------------------------------------------------------------ completing
    def complete(self) -> bool:
        """Start completing the design on show (False: nothing to complete, or no region)."""
        from vae_designer.core.latent.completion import region_mask
        from vae_designer.core.latent.guided import training_split

        s, box = self.session, self.region_box()
        if not s.has_map or s.design is None:
            self.actions.status(self.tr("Move the cursor onto the map first: its design is completed"))
            return False
        if box is None:
            self.actions.status(self.tr("Mark the missing part first"))
            return False
        project = s.project
        missing = region_mask(s.kind, s.config.resolution, box)
        density = project.density() if project is not None else None
        encodings = training_split(project) if project is not None else s.encodings
        z = s.design.z.copy()
        base = _base_name(s)
        self._jobs.submit(s.context.job(z=z, x=self.input_for(z), missing=missing, n=int(self.count.value()),
                                        density=density, encodings=encodings, region=box, base=base,
                                        pos_weight=(project.metrics.get("pos_weight") if project is not None
                                                    and s.kind == "mesh" else None)))
        self.complete_button.setEnabled(False)
        self.actions.status(self.tr("Completing {0}…").format(base))
        return True

    def _done(self, _tag, out: dict) -> None:
        from vae_designer.core.latent.session import Pin

        self.last = out
        found = out["completions"]
        if not found:
            self._finish(self.tr("Every completion came out empty: mark a smaller region"))
            return
        pins = [Pin(f"complete-{out['base']}-{k + 1}", c.z.copy(), thumb, source="complete", parents=[out["base"]],
                    extra={"completion": {"rank": k + 1, "region": {"box": out["region"], "units": "fraction"},
                                          "kept_iou": round(c.kept_iou, 4), "loss": round(c.loss, 3),
                                          "start": c.start}})
                for k, (c, thumb) in enumerate(zip(found, out["thumbs"]))]
        self.session.add_pins(pins)
        if self.overlay is not None:
            self.overlay.set_completed(True)
        best = pins[0]
        self.session.show(best.z, "complete", {"completion": best.extra["completion"]})
        text = self.tr("Pinned {0} completions of {1}, best first (the kept part reproduced to IoU {2})") \
            if len(pins) != 1 else self.tr("Pinned 1 completion of {1}, best first (the kept part reproduced to "
                                           "IoU {2})")
        self._finish(text.format(number(len(pins)), out["base"], number(found[0].kept_iou, 2)))

    def _finish(self, text: str) -> None:
        self.complete_button.setEnabled(self.session.has_map)
        self.actions.status(text)

    def shutdown(self) -> None:
        self._jobs.shutdown(wait=True)


def _base_name(session) -> str:
    d = session.design
    if d.source == "placed" and d.meta.get("placed"):
        return str(d.meta["placed"]).rsplit(".", 1)[0]
    for pin in session.pins:
        if np.array_equal(pin.z, d.z):
            return pin.name
    if session.latent_map is not None:
        _, idx = session.latent_map.novelty(d.z[None])
        path = session.path_of(int(idx[0]))
        return "near-" + path.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return "design"
