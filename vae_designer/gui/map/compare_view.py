"""Compare pinned designs side by side: large pictures, novelty and the nearest training design.

The gallery's thumbnails are small; before exporting, a designer wants to look
at a few candidates together.  :class:`CompareView` is a non-modal dialog with
one card per selected pin (2 to :data:`MAX_COMPARE`): its name and how it was
made, the decoded design large (meshes: its smooth surface), its novelty
(latent distance to the nearest training design, in units of the typical
distance between neighbouring designs, as the map page shows it) and that
nearest training file with its thumbnail.

With the map's measuring frame, each card also shows the design's measured properties
in source units (``core.export.measure.measure_design``: what its export is written from).

Decoding runs in the view's own :class:`~..common.jobs.LatestJobs` with the map's
shared model (:class:`CompareDecoder`), so opening it on eight mesh pins does not
block the GUI; the cards show "Decoding…" until the pictures arrive.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFrame, QGridLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ..common import theme
from ..common.i18n import number
from ..common.jobs import LatestJobs
from ..common.widgets import ElidedLabel
from .decoder import MapDecoder
from .preview_view import ImagePreview, qimage_from_rgb

MIN_COMPARE = 2
MAX_COMPARE = 8
NEAREST_THUMB = 44


NOVELTY_WORDS = {"familiar": QT_TRANSLATE_NOOP("Novelty", "familiar"), "new": QT_TRANSLATE_NOOP("Novelty", "new"),
                 "far out": QT_TRANSLATE_NOOP("Novelty", "far out")}


def novelty_word(novelty: float) -> str:
    """The map page's words for a novelty ratio (in English: a key of :data:`NOVELTY_WORDS`)."""
    return "familiar" if novelty < 0.5 else ("new" if novelty < 2 else "far out")


def novelty_word_text(word: str) -> str:
    """A :func:`novelty_word` as the interface writes it."""
    return QCoreApplication.translate("Novelty", NOVELTY_WORDS.get(word, word))


def describe_pin(pin) -> str:
    """One line on how a pin was made (its sidecar's source, parents, weights, seed)."""
    translate = QCoreApplication.translate
    if pin.source == "blend" and len(pin.parents) == 2:
        a, b = pin.parents
        if pin.weights and len(pin.weights) == 2:
            return translate("ComparePanel", "blend {0}% {1} · {2}% {3}").format(
                round(100 * pin.weights[0]), a, round(100 * pin.weights[1]), b)
        return translate("ComparePanel", "blend of {0} and {1}").format(a, b)
    if pin.source in ("surprise", "sample"):
        temp = pin.extra.get("temperature") if pin.extra else None
        bits = [translate("ComparePanel", "surprise")]
        if pin.seed is not None:
            bits.append(translate("ComparePanel", "seed {0}").format(pin.seed))
        if temp is not None:
            bits.append(translate("ComparePanel", "temp. {0}").format(f"{temp:g}"))
        return " · ".join(bits)
    if pin.source == "sweep":
        sw = pin.extra.get("sweep") if pin.extra else None
        if sw:
            return translate("ComparePanel", "sweep of dim {0}").format(sw["dimension"])
        return translate("ComparePanel", "sweep of one latent dimension")
    if pin.source == "map":
        return translate("ComparePanel", "from the map")
    return pin.source


COMPARE_PIXELS = 320  # images are drawn as exported (crisp silhouettes) at this size


class CompareDecoder:
    """Worker callable: decode each latent of a job (with the map's shared model).

    Job: ``{"token", "zs", "config", "weights", "weights_key", "kind", "background", "look",
    "latent_map", "designs", "frame"}``; images are drawn as exported (``core.export.design.picture``).
    Result: ``{"token", "items": [{"image", "novelty", "nearest", "nearest_thumb", "properties"}, ...]}``
    (novelty and nearest only with a map, properties only with a frame).
    """

    def __init__(self):
        self._decoder = MapDecoder()

    def __call__(self, job: dict) -> dict:
        items = []
        designs = job.get("designs")
        for z in job["zs"]:
            out = self._decoder({"seq": 0, "z": z, "config": job["config"], "weights": job["weights"],
                                 "weights_key": job["weights_key"], "kind": job["kind"],
                                 "background": job.get("background"), "latent_map": job.get("latent_map"),
                                 "mesh_as_image": True, "look": job.get("look"), "fine": True,
                                 "pixels": COMPARE_PIXELS})
            item = {"image": out["image"]}
            if job.get("frame"):
                from vae_designer.core.export.measure import measure_design

                item["properties"] = measure_design(job["kind"], out["probs"], job["frame"])
            if "novelty" in out:
                item["novelty"], item["nearest"] = out["novelty"], out["nearest"]
                if designs is not None and 0 <= out["nearest"] < len(designs):
                    from vae_designer.core.export.preview import thumbnail

                    item["nearest_thumb"] = thumbnail(designs, out["nearest"], 2 * NEAREST_THUMB)
            items.append(item)
        return {"token": job["token"], "items": items}


class ComparePanel(QFrame):
    """One pinned design in the comparison: a card with its name, picture, novelty and nearest design."""

    def __init__(self, pin, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("ComparePanel")
        self.setProperty("card", True)
        self.pin = pin
        self.novelty: float | None = None
        self.nearest: int | None = None
        self.properties: dict = {}
        self.name = ElidedLabel(pin.name, role="heading", mode=Qt.TextElideMode.ElideRight)
        self.name.setObjectName("CompareName")
        self.source = ElidedLabel(describe_pin(pin), role="muted", mode=Qt.TextElideMode.ElideRight)
        self.picture = ImagePreview()
        self.picture.setObjectName("ComparePicture")
        self.picture.setMinimumSize(170, 170)
        self.picture.placeholder = self.tr("Decoding…")
        self.novelty_label = QLabel(self.tr("Novelty: –"))
        self.novelty_label.setObjectName("CompareNovelty")
        self.novelty_label.setToolTip(self.tr("Latent distance to the nearest training design, in units of the "
                                              "typical distance between neighbouring designs: about 1 is as new as "
                                              "designs are from each other, above 2 is out in the unknown"))
        self.nearest_thumb = QLabel()
        self.nearest_thumb.setFixedSize(NEAREST_THUMB, NEAREST_THUMB)
        self.nearest_thumb.setScaledContents(True)
        self.nearest_thumb.hide()
        caption = QLabel(self.tr("Nearest training design"))
        caption.setProperty("role", "muted")
        self.properties_label = QLabel("")
        self.properties_label.setObjectName("CompareProperties")
        self.properties_label.setWordWrap(True)
        self.properties_label.setProperty("role", "muted")
        self.nearest_label = ElidedLabel("–", role=None)
        self.nearest_label.setObjectName("CompareNearest")
        near_text = QVBoxLayout()
        near_text.setSpacing(0)
        near_text.addWidget(caption)
        near_text.addWidget(self.nearest_label)
        near = QHBoxLayout()
        near.setSpacing(8)
        near.addWidget(self.nearest_thumb)
        near.addLayout(near_text, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 10, 12, 12)
        lay.setSpacing(6)
        lay.addWidget(self.name)
        lay.addWidget(self.source)
        lay.addWidget(self.picture, 1)
        lay.addWidget(self.novelty_label)
        lay.addWidget(self.properties_label)
        lay.addLayout(near)

    def set_result(self, item: dict, paths: list[str], units: dict | None = None) -> None:
        self.picture.set_rgb(item["image"], 1)
        if item.get("properties"):
            from .constraints_panel import number_text, property_label, unit_label

            self.properties = item["properties"]
            self.properties_label.setText(" · ".join(
                f"{property_label(k)} {number_text(v)}{(' ' + unit_label((units or {}).get(k, ''))).rstrip()}"
                for k, v in self.properties.items()))
        if "novelty" in item:
            self.novelty, self.nearest = float(item["novelty"]), int(item["nearest"])
            name = paths[self.nearest] if 0 <= self.nearest < len(paths) else "?"
            self.nearest_label.set_full_text(name)
            thumb = item.get("nearest_thumb")
            if thumb is not None:
                self.nearest_thumb.setPixmap(QPixmap.fromImage(qimage_from_rgb(thumb)))
                self.nearest_thumb.show()
        self.retheme(theme.current())

    def retheme(self, t) -> None:
        if self.novelty is None:
            self.novelty_label.setText(self.tr("Novelty: –"))
            return
        word = novelty_word(self.novelty)
        colour = {"familiar": t.success, "new": t.warning, "far out": t.danger}[word]
        said = self.tr("({0})").format(novelty_word_text(word))
        self.novelty_label.setText(self.tr("{0}&nbsp; Novelty <b>{1}</b> {2}").format(
            f"<span style='color:{colour}'>●</span>", number(self.novelty, 2),
            f"<span style='color:{t.muted}'>{said}</span>"))
        self.nearest_thumb.setStyleSheet(f"border: 1px solid {t.border}; border-radius: 3px;")


class CompareView(QDialog):
    """See the module docstring.  ``decoded`` once every card shows its design."""

    decoded = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("CompareView")
        self.setWindowTitle(self.tr("Compare pinned designs"))
        self.setModal(False)
        self.panels: list[ComparePanel] = []
        self.ready = False
        self._token = 0
        self._paths: list[str] = []
        self._units: dict = {}
        self._jobs = LatestJobs(CompareDecoder(), name="map-compare", background=False, parent=self)
        self._jobs.done.connect(self._on_decoded)
        self._jobs.failed.connect(self._on_failed)

        self.title = QLabel(self.tr("Compare"))
        self.title.setProperty("role", "heading")
        self.hint = QLabel("")
        self.hint.setProperty("role", "muted")
        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addSpacing(10)
        head.addWidget(self.hint, 1)
        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(12)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 14, 16, 12)
        lay.setSpacing(12)
        lay.addLayout(head)
        lay.addWidget(self.grid_host, 1)
        lay.addWidget(buttons)
        theme.notifier.theme_changed.connect(self._retheme)

    def show_pins(self, pins, *, config, weights, weights_key, kind, background, latent_map, paths,
                  designs=None, look=None, frame: dict | None = None) -> None:
        """Show these pins (2..8) and decode them (and measure them in ``frame``) in the background."""
        pins = list(pins)[:MAX_COMPARE]
        for p in self.panels:
            self.grid.removeWidget(p)
            p.deleteLater()
        self.panels = []
        self.ready = False
        self._paths = list(paths)
        self._units = {}
        if frame:
            from vae_designer.core.export.measure import property_names, unit_text

            self._units = {k: unit_text(frame, k) for k in property_names(kind)}
        n = len(pins)
        columns = n if n <= 4 else math.ceil(n / 2)
        for k, pin in enumerate(pins):
            panel = ComparePanel(pin)
            self.grid.addWidget(panel, k // columns, k % columns)
            self.panels.append(panel)
        for c in range(self.grid.columnCount()):
            self.grid.setColumnStretch(c, 1 if c < columns else 0)
        self.title.setText(self.tr("Comparing {0} pinned designs").format(number(n)))
        self.hint.setText(self.tr("meshes drawn as their smooth surfaces") if kind == "mesh" else "")
        self._token += 1
        self._jobs.submit({"token": self._token, "zs": [np.asarray(p.z, np.float32) for p in pins],
                           "config": config, "weights": weights, "weights_key": weights_key, "kind": kind,
                           "background": background, "latent_map": latent_map, "designs": designs,
                           "look": look or {}, "frame": frame})
        self._fit_size(n, columns)
        self._retheme(theme.current())

    def _fit_size(self, n: int, columns: int) -> None:
        rows = math.ceil(n / columns)
        side = 260 if rows == 1 else 230
        w, h = 32 + columns * (side + 24) + (columns - 1) * 12, 110 + rows * (side + 120)
        screen = self.screen() or (self.parentWidget().screen() if self.parentWidget() else None)
        if screen is not None:
            avail = screen.availableGeometry()
            w, h = min(w, int(avail.width() * 0.95)), min(h, int(avail.height() * 0.92))
        self.resize(w, h)

    def _on_decoded(self, _tag, out: dict) -> None:
        if out["token"] != self._token:
            return  # an older comparison
        for panel, item in zip(self.panels, out["items"]):
            panel.set_result(item, self._paths, self._units)
        self.ready = True
        self.decoded.emit()

    def _on_failed(self, _tag, message: str) -> None:
        for panel in self.panels:
            panel.picture.placeholder = self.tr("Decoding failed: {0}").format(message)
            panel.picture.update()

    def _retheme(self, t) -> None:
        for panel in self.panels:
            panel.retheme(t)

    def shutdown(self) -> None:
        self._jobs.shutdown(wait=True)
