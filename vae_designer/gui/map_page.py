"""The Map page: the training set's encodings in 2D, a cursor to drag, a live preview.

* The map: one :class:`pyqtgraph.ScatterPlotItem` per label (one brush each, pixel
  mode, cached symbols) up to ``BIG_MAP`` points; above, one
  :class:`~.point_cloud.PointCloud` that rasterises all points with numpy into one
  image (a pan or zoom frame of 100k points in ~10 ms, recolouring = replacing a
  colour array), its legend drawn from small stand-in items.  Hovering uses the
  :class:`~vae_designer.core.latent.LatentMap`'s k-d tree, not per-point hover.
* The cursor (:class:`pyqtgraph.TargetItem`): each move lifts the map point to a
  latent vector (``LatentMap.lift``) and asks the decoder thread for it; the
  decoder works on a private model copy and always takes the newest request.
* While training runs, each autosave of a new best model (the save has already
  encoded the training set) refits the map in another thread and hands the
  decoder the saved weights; the cursor stays where it is.  The map never shows
  unsaved weights, so the preview is always exactly what an export writes.
* Pins and exports: :mod:`.gallery`, ``core.generate.export_design`` (file +
  sidecar that ``vae-designer sample --from-json`` reproduces) with the saved
  project's best weights, as the sidecar records.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QColor, QPixmap
from PySide6.QtWidgets import (QCheckBox, QComboBox, QFileDialog, QFrame, QHBoxLayout, QLabel, QPushButton,
                               QSizePolicy, QSplitter, QStackedWidget, QVBoxLayout, QWidget)

from . import theme
from .compare_view import MAX_COMPARE, MIN_COMPARE, CompareView
from .gallery import Gallery, Pin
from .item_card import CardJob, ItemCard
from .map_backdrop import MapBackdrop
from .map_colour import ColourBar, ErrorColours, brush_table, colour_lut, value_bins, value_range
from .map_decoder import MapDecoder, fit_job, projection_job
from .map_tools import MapTools
from .point_cloud import PointCloud, argb32
from .preview_view import ImagePreview, gl_available, make_mesh_view, qimage_from_rgb
from .workers import LatestJobThread

MAX_LEGEND = 12
BIG_MAP = 5_000  # above this many points the map is one PointCloud, not a ScatterPlotItem per label
# (per-point brushes cost ~10 us a point: recolouring more points than this would stall the GUI > 50 ms)
GRID_ALPHA = 0.12
CLOUD_ALPHA = 200  # the big map's point colours (its points do not pile up as translucent symbols do)
LABEL_COLOURS = ("#4d94ff", "#ff9f43", "#4cc38a", "#e86fb2", "#b08cff", "#f0c419", "#38c6d9", "#ff6b6b",
                 "#8fbf4f", "#c98b5b", "#7f8fa6", "#d96ad9")


def label_colour(i: int) -> QColor:
    if i < len(LABEL_COLOURS):
        return QColor(LABEL_COLOURS[i])
    return QColor(pg.intColor(i, hues=13))


class HoverCard(QFrame):
    """A small card over the map: the hovered training design's thumbnail and name."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setObjectName("MapHoverCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.setSpacing(4)
        self.thumb = QLabel()
        self.thumb.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.name = QLabel()
        self.name.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addWidget(self.thumb)
        lay.addWidget(self.name)
        self.index = -1
        self.hide()

    def show_item(self, index: int, name: str, thumb: np.ndarray | None, at: QPointF) -> None:
        if index != self.index:
            self.index = index
            self.name.setText(name)
            if thumb is not None:
                self.thumb.setPixmap(QPixmap.fromImage(qimage_from_rgb(thumb)))
                self.thumb.show()
            else:
                self.thumb.hide()
            self.adjustSize()
        parent = self.parentWidget()
        x, y = int(at.x()) + 14, int(at.y()) + 14
        if x + self.width() > parent.width():
            x = int(at.x()) - 14 - self.width()
        if y + self.height() > parent.height():
            y = int(at.y()) - 14 - self.height()
        self.move(max(0, x), max(0, y))
        self.show()
        self.raise_()

    def retheme(self, t) -> None:
        self.setStyleSheet(f"#MapHoverCard {{ background: {t.panel}; border: 1px solid {t.border}; "
                           f"border-radius: 6px; }} #MapHoverCard QLabel {{ color: {t.text}; }}")


class MapPage(QWidget):
    """See the module docstring.  ``decoded(dict)`` after each preview update."""

    decoded = Signal(object)
    map_changed = Signal()
    exported = Signal(list)

    def __init__(self, session=None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("MapPage")
        self.session = session
        self.kind: str | None = None
        self.config = None
        self.weights = None
        self.weights_key = 0
        self.encodings: np.ndarray | None = None
        self.labels: list[str] = []
        self.paths: list[str] = []
        self.designs = None
        self.project = None
        self.background = None
        self.latent_map = None
        self.method, self.dims = "pca", (0, 1)
        self.current_z: np.ndarray | None = None
        self.current_source = "map"  # what made current_z: 'map' (the cursor), 'surprise', 'sweep'
        self.current_meta: dict = {}  # sidecar fields of current_z: a surprise's seed and temperature
        self.last_result: dict | None = None
        self.refits = 0
        self._seq = 0
        self._shown_seq = -1
        self._pending_moves: dict[int, float] = {}
        self.latencies: list[float] = []  # seconds, cursor move -> preview painted
        self._thumb_cache: dict[int, np.ndarray] = {}
        self._scatters: list[pg.ScatterPlotItem] = []
        self.cloud: PointCloud | None = None  # the points of a big map (BIG_MAP), instead of _scatters
        self._legend_samples: list[pg.ScatterPlotItem] = []  # the legend's stand-ins for the cloud's labels
        self._mesh_view = None
        self._mesh_container = None

        self._decoder = LatestJobThread(MapDecoder(), name="map-decoder", background=False, parent=self)
        self._decoder.done.connect(self._on_decoded)
        self._decoder.failed.connect(lambda _t, msg: self.status.setText(f"Decoding failed: {msg}"))
        self._fitter = LatestJobThread(fit_job, name="map-fit", parent=self)
        self._fitter.done.connect(self._on_encoded)
        self._fitter.failed.connect(lambda _t, msg: self.status.setText(f"Updating the map failed: {msg}"))
        # colour by, selection, non-linear projections: see map_colour, item_card, map_backdrop
        self._projector = LatestJobThread(projection_job, name="map-projection", parent=self)
        self._projector.done.connect(self._on_projected)
        self._projector.failed.connect(self._projection_failed)
        self.colour_by = "label"  # or "error"
        self.errors = ErrorColours(self)
        self.errors.ready.connect(self._errors_ready)
        self.errors.failed.connect(lambda msg: self.colour_bar.set_message(f"Reconstruction errors failed: {msg}"))
        self.selected = -1
        self.point_bins: np.ndarray | None = None  # each point's colour level when coloured by error
        self._card_jobs = LatestJobThread(CardJob(), name="map-card", parent=self)
        self._card_jobs.done.connect(lambda _t, out: self.item_card.set_pictures(out["index"], out["original"],
                                                                                 out["reconstruction"]))

        # header
        title = QLabel("Latent map")
        title.setProperty("role", "title")
        self.projection = QComboBox()
        self.projection.setObjectName("MapProjection")
        self.projection.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.projection.setToolTip("How the latent space is laid flat: principal components, or two "
                                   "latent dimensions")
        self.projection.currentIndexChanged.connect(self._projection_changed)
        self.status = QLabel("")
        # clipped rather than squeezing the header's controls
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.status.setProperty("role", "muted")
        head = QHBoxLayout()
        head.addWidget(title)
        head.addSpacing(12)
        head.addWidget(QLabel("Projection:"))
        head.addWidget(self.projection)
        self.colour_combo = QComboBox()
        self.colour_combo.setObjectName("MapColourBy")
        self.colour_combo.addItem("label", "label")
        self.colour_combo.addItem("reconstruction error", "error")
        self.colour_combo.setToolTip("Colour the points by their label (sub-folder), or by how badly the model "
                                     "reconstructs each design (its negative log-likelihood in nats): the "
                                     "bright ones are what it has not learned")
        self.colour_combo.currentIndexChanged.connect(self._colour_changed)
        self.colour_bar = ColourBar()
        self.colour_bar.hide()
        self.backdrop_check = QCheckBox("Backdrop")
        self.backdrop_check.setObjectName("MapBackdropToggle")
        self.backdrop_check.setToolTip("Show a lattice of decoded designs behind the points: what the model "
                                       "makes across the whole map")
        self.backdrop_check.toggled.connect(self._backdrop_toggled)
        head.addSpacing(12)
        head.addWidget(QLabel("Colour by:"))
        head.addWidget(self.colour_combo)
        head.addWidget(self.colour_bar)
        head.addSpacing(12)
        head.addWidget(self.backdrop_check)
        head.addSpacing(12)
        head.addWidget(self.status, 1)

        # the map
        self.plot = pg.PlotWidget()
        self.plot.setObjectName("MapPlot")
        pi = self.plot.getPlotItem()
        pi.showGrid(x=True, y=True, alpha=GRID_ALPHA)
        self._grid = True
        pi.setMenuEnabled(False)
        pi.hideButtons()
        pi.getViewBox().setAspectLocked(False)
        self.legend = pi.addLegend(offset=(8, 8), labelTextSize="9pt")
        self.cursor = pg.TargetItem(pos=(0, 0), size=18, movable=True, symbol="crosshair",
                                    pen=pg.mkPen("#ff3d7f", width=2.5), hoverPen=pg.mkPen("#ff3d7f", width=4))
        self.cursor.setZValue(100)
        self.cursor.sigPositionChanged.connect(self._cursor_moved)
        self.cursor.setVisible(False)
        pi.addItem(self.cursor, ignoreBounds=True)
        self.plot.scene().sigMouseMoved.connect(self._mouse_moved)
        self.plot.scene().sigMouseClicked.connect(self._mouse_clicked)
        self.hover = HoverCard(self.plot)
        self.item_card = ItemCard(self.plot)
        self.item_card.closed.connect(self.clear_selection)
        self.selection_ring = pg.ScatterPlotItem(size=17, pxMode=True, symbol="o", brush=None,
                                                 pen=pg.mkPen("#ff3d7f", width=2.5))
        self.selection_ring.setZValue(90)
        self.selection_ring.setVisible(False)
        pi.addItem(self.selection_ring, ignoreBounds=True)
        self.backdrop = MapBackdrop(pi, self)
        self.backdrop.failed.connect(lambda msg: self.status.setText(f"Backdrop failed: {msg}"))

        # the preview and what it is
        self.image_view = ImagePreview()
        self.preview_stack = QStackedWidget()
        self.preview_stack.addWidget(self.image_view)
        self.novelty_label = QLabel("Novelty: –")
        self.novelty_label.setObjectName("MapNovelty")
        self.novelty_label.setToolTip("Latent distance to the nearest training design, in units of the "
                                      "typical distance between neighbouring designs: about 1 is as new as "
                                      "designs are from each other, above 2 is out in the unknown")
        self.nearest_label = QLabel("Nearest: –")
        self.nearest_label.setObjectName("MapNearest")
        self.nearest_label.setWordWrap(True)
        self.pin_button = QPushButton("Pin")
        self.pin_button.setToolTip("Keep this design in the gallery below")
        self.pin_button.clicked.connect(lambda: self.pin())
        self.export_button = QPushButton("Export…")
        self.export_button.setToolTip("Write this design (PNG, or STL/OBJ/PLY/GLB) and its JSON sidecar")
        self.export_button.clicked.connect(lambda: self.export_current())
        self.format_combo = QComboBox()
        self.format_combo.setToolTip("Mesh file format for exports")
        buttons = QHBoxLayout()
        buttons.addWidget(self.pin_button)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.format_combo)
        side = QWidget()
        sl = QVBoxLayout(side)
        sl.setContentsMargins(0, 0, 0, 0)
        sl.addWidget(self.preview_stack, 1)
        sl.addWidget(self.novelty_label)
        sl.addWidget(self.nearest_label)
        self.tools = MapTools(self)
        sl.addWidget(self.tools)
        sl.addLayout(buttons)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.plot)
        split.addWidget(side)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([640, 420])

        # the gallery
        self.gallery = Gallery()
        self.gallery.pins_changed.connect(self._update_enabled)
        self.gallery.itemSelectionChanged.connect(self._update_enabled)
        self.export_pins_button = QPushButton("Export Pinned…")
        self.export_pins_button.setToolTip("Export the selected pins (or all) into a folder, each with a sidecar")
        self.export_pins_button.clicked.connect(lambda: self.export_pins())
        self.remove_pin_button = QPushButton("Remove")
        self.remove_pin_button.clicked.connect(self.gallery.remove_selected)
        self.remove_pin_button.setToolTip("Remove the selected pins (Delete)")
        self.compare_button = QPushButton("Compare")
        self.compare_button.setToolTip(f"Show {MIN_COMPARE} to {MAX_COMPARE} selected pins side by side, "
                                       "large, with their novelty (Space)")
        self.compare_button.clicked.connect(lambda: self.compare_pins())
        self.gallery.compare_requested.connect(lambda: self.compare_pins())
        self.compare_view: CompareView | None = None
        gb = QVBoxLayout()
        gb.addWidget(self.compare_button)
        gb.addWidget(self.export_pins_button)
        gb.addWidget(self.remove_pin_button)
        gb.addStretch(1)
        gl = QHBoxLayout()
        gl.addWidget(self.gallery, 1)
        gl.addLayout(gb)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 12)
        lay.addLayout(head)
        lay.addWidget(split, 1)
        lay.addLayout(gl)

        self.image_view.painted.connect(self._on_painted)
        if session is not None:
            session.saved.connect(self.on_saved)
        self._retheme(theme.current())
        theme.notifier.theme_changed.connect(self._retheme)
        self._update_enabled()

    # ------------------------------------------------------------------ sources
    def set_opened(self, opened) -> None:
        """A folder or project was opened: show the project's map, or wait for training."""
        project = opened.project
        self.designs = opened.designs
        self.gallery.clear_pins()
        if self.compare_view is not None:  # it showed the previous project's pins
            self.compare_view.close()
        self._thumb_cache.clear()
        if project is None:
            self._clear("Train a model to see its latent map")
            return
        designs = opened.designs if opened.designs is not None and opened.designs.paths == project.paths \
            else None
        self.designs = designs
        self.set_model(project.kind, project.model_config, project.weights, project.encodings,
                       project.labels, project.paths, project=project,
                       caption=f"saved model, epoch {project.metrics.get('best_epoch', project.epoch)}")

    def set_model(self, kind, config, weights, encodings, labels, paths, project=None, caption="") -> None:
        """Show a model's map (resets the view and puts the cursor on the first design)."""
        from vae_designer.core.latent import LatentMap

        self.kind, self.config, self.weights = kind, config, weights
        self.weights_key += 1
        self.project = project
        self.encodings = np.asarray(encodings, np.float32)
        self.labels, self.paths = list(labels), list(paths)
        if project is not None:
            self.background = project.manifest.get("typical_background")
        elif self.designs is not None and kind == "image" and len(self.designs):
            self.background = list(self.designs.meta[0].get("background", (1, 1, 1)))
        self._fill_projection_combo(self.encodings.shape[1])
        self.tools.model_changed()
        self.method, self.dims = "pca", (0, 1)
        self.latent_map = LatentMap.fit(self.encodings, self.method, self.dims)
        self._setup_preview()
        self.clear_selection()
        self._draw_points()
        self._map_refitted(new_model=True)
        x0, x1, y0, y1 = self.latent_map.bounds()
        self.plot.getPlotItem().getViewBox().setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)
        self.cursor.setVisible(True)
        c = self.latent_map.coords
        start = c[int(np.argmin(np.linalg.norm(c - c.mean(axis=0), axis=1)))]
        self.status.setText(f"{len(self.paths)} designs · {caption}" if caption else f"{len(self.paths)} designs")
        self.move_cursor(float(start[0]), float(start[1]))
        self._update_enabled()
        self.map_changed.emit()

    def on_saved(self, project) -> None:
        """A project was saved (training autosaves each new best model): the map, the
        preview and exports follow it.  The map shows the saved weights, never a newer
        snapshot, so what the preview shows is exactly what an export writes; the save
        already encoded the training set, so only the 2D fit runs, in the background."""
        if project.paths != self.paths and self.kind is not None:
            return  # another collection's project
        if self.designs is None:
            designs = getattr(self.session, "designs", None)
            self.designs = designs if designs is not None and designs.paths == project.paths else None
        self._fitter.submit({"project": project, "method": self.method, "dims": self.dims,
                             "init": self.latent_map.coords if self.method == "umap" and self.latent_map is not None
                             and len(self.latent_map.coords) == len(project.paths) else None,
                              "caption": f"following training, best model of epoch "
                                         f"{project.metrics.get('best_epoch', project.epoch)}"})

    def _on_encoded(self, _tag, out: dict) -> None:
        project = out["project"]
        if self.kind is None or self.latent_map is None or self.config != project.model_config \
                or project.paths != self.paths:
            # a new model, or the first save of a new training: start the map afresh
            self.set_model(project.kind, project.model_config, project.weights, project.encodings,
                           project.labels, project.paths, project=project, caption=out["caption"])
            return
        self.project = project
        if self.background is None:
            self.background = project.manifest.get("typical_background")
        self.weights = project.weights
        self.weights_key += 1
        self.encodings = np.asarray(project.encodings, np.float32)
        lm = out["latent_map"]
        if (out["method"], tuple(out["dims"])) != (self.method, tuple(self.dims)):  # changed meanwhile
            from vae_designer.core.latent import LatentMap

            if self.method == "umap":  # seconds: in the projection thread; this fit shows until then
                self._submit_projection()
            else:
                lm = LatentMap.fit(self.encodings, self.method, self.dims)
        self.latent_map = lm
        self.refits += 1
        self._draw_points()
        self._map_refitted(new_model=True)
        self.status.setText(f"{len(self.paths)} designs · {out['caption']}")
        pos = self.cursor.pos()
        self.move_cursor(pos.x(), pos.y())  # same place on the map, new model
        self._update_enabled()
        self.map_changed.emit()

    def _clear(self, message: str) -> None:
        self.kind = None
        self.latent_map = None
        self.project = None
        self._remove_points()
        self._drawn_labels = None
        self.legend.clear()
        self.clear_selection()
        self.errors.clear()
        self.backdrop.clear()
        self.colour_bar.hide()
        self.cursor.setVisible(False)
        self.image_view.clear()
        self.image_view.placeholder = message
        self.preview_stack.setCurrentWidget(self.image_view)
        self.status.setText(message)
        self.novelty_label.setText("Novelty: –")
        self.nearest_label.setText("Nearest: –")
        self._update_enabled()

    # ------------------------------------------------------------------ drawing
    def _fill_projection_combo(self, d: int) -> None:
        from vae_designer.core.latent import active_dimensions

        order = active_dimensions(self.encodings)
        self.projection.blockSignals(True)
        self.projection.clear()
        self.projection.addItem("PCA (principal components)", ("pca", (0, 1)))
        from vae_designer.core.latent import umap_available

        if umap_available() and len(self.encodings) >= 4:
            self.projection.addItem("UMAP (neighbourhoods)", ("umap", (0, 1)))
        pairs = [(order[a], order[b]) for a in range(min(d, 6)) for b in range(a + 1, min(d, 6))]
        for i, j in pairs:
            self.projection.addItem(f"latent dims {i} × {j}", ("dims", (i, j)))
        self.projection.setCurrentIndex(0)
        self.projection.blockSignals(False)

    def _projection_changed(self, index: int) -> None:
        from vae_designer.core.latent import LatentMap

        data = self.projection.itemData(index)
        if data is None or self.encodings is None:
            return
        self.method, self.dims = data[0], tuple(data[1])
        if self.method == "umap":  # seconds to minutes: fitted in a thread, the map changes when it is done
            self._submit_projection()
            return
        self._show_projection(LatentMap.fit(self.encodings, self.method, self.dims))

    def _submit_projection(self) -> None:
        init = self.latent_map.coords if self.latent_map is not None and self.latent_map.method == "umap" \
            and len(self.latent_map.coords) == len(self.encodings) else None
        self.colour_bar.set_message("Fitting UMAP…")
        self._projector.submit({"encodings": self.encodings, "method": self.method, "dims": self.dims,
                                "init": init})

    def _on_projected(self, _tag, out: dict) -> None:
        if (out["method"], tuple(out["dims"])) != (self.method, tuple(self.dims)):
            return  # another projection was chosen meanwhile
        if out["encodings"] is not self.encodings:  # a newer model meanwhile: fit its encodings
            self._submit_projection()
            return
        self._show_projection(out["latent_map"])

    def _projection_failed(self, _tag, msg: str) -> None:
        self.status.setText(f"Projection failed: {msg}")
        self.projection.setCurrentIndex(0)  # back to PCA

    def _show_projection(self, lm) -> None:
        z = self.current_z
        self.latent_map = lm
        self._draw_points()
        x0, x1, y0, y1 = self.latent_map.bounds()
        self.plot.getPlotItem().getViewBox().setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)
        if z is not None:  # the same design, where it lies on the new map
            y = self.latent_map.project(z)[0]
            self.move_cursor(float(y[0]), float(y[1]))
        self._map_refitted(new_model=False)

    def _remove_points(self) -> None:
        for s in self._scatters:
            self.plot.removeItem(s)
        self._scatters = []
        if self.cloud is not None:
            self.plot.removeItem(self.cloud)
            self.cloud = None
        self._legend_samples = []

    def _draw_points(self) -> None:
        lm = self.latent_map
        labels = np.asarray(self.labels if len(self.labels) == len(lm.coords) else [""] * len(lm.coords))
        big = len(lm.coords) > BIG_MAP
        drawn = self.cloud is not None if big else bool(self._scatters)
        if drawn and getattr(self, "_drawn_labels", None) is not None \
                and np.array_equal(self._drawn_labels, labels):
            # same designs, new positions (a refit after an epoch): move the points, keep the items
            if big:
                self.cloud.set_data(lm.coords)  # keeps the colours
            else:
                for s, sel in zip(self._scatters, self._label_masks):
                    s.setData(x=lm.coords[sel, 0], y=lm.coords[sel, 1])
                self._coloured_by_error = False  # setData dropped the per-point brushes
            self._apply_point_colours()
            self._place_selection()
            return
        self._drawn_labels = labels
        self._label_masks = []
        self._label_brushes = []
        self._remove_points()
        self.legend.clear()
        self._show_grid(not big)
        if big:
            names = self._draw_cloud(lm, labels)
        else:
            names = list(dict.fromkeys(labels.tolist()))
            size = 7 if len(lm.coords) < 5000 else (4 if len(lm.coords) < 50000 else 3)
            for k, name in enumerate(names):
                sel = labels == name
                self._label_masks.append(sel)
                colour = label_colour(k)
                colour.setAlpha(220 if len(lm.coords) < 5000 else 150)
                s = pg.ScatterPlotItem(x=lm.coords[sel, 0], y=lm.coords[sel, 1], pen=None,
                                       brush=pg.mkBrush(colour), size=size, pxMode=True, useCache=True,
                                       hoverable=False, name=(name or "designs") if k < MAX_LEGEND else None)
                self.plot.addItem(s)
                self._scatters.append(s)
                self._label_brushes.append(pg.mkBrush(colour))
        if len(names) > MAX_LEGEND:
            self.legend.addItem(pg.PlotDataItem(pen=None), f"… {len(names) - MAX_LEGEND} more labels")
        self.legend.setLabelTextColor(theme.current().text)
        self._coloured_by_error = False
        self._apply_point_colours()
        self._place_selection()

    def _show_grid(self, on: bool) -> None:
        """The grid lines (off on big maps: pyqtgraph draws them as the axes' ticks, ~10 ms a
        frame, mostly vertical spans, and under 100k points they are hardly seen)."""
        if on != self._grid:
            self._grid = on
            self.plot.getPlotItem().showGrid(x=on, y=on, alpha=GRID_ALPHA)

    def _draw_cloud(self, lm, labels: np.ndarray) -> list[str]:
        """A big map: all points in one PointCloud, coloured per point; the legend's entries are
        stand-in items (clicking one hides or shows that label's points, as with the scatters)."""
        uniq, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
        order = np.argsort(first)  # labels in order of first appearance, as the small maps number them
        rank = np.empty(len(order), np.intp)
        rank[order] = np.arange(len(order))
        self._point_codes = rank[np.ravel(inverse)]
        names = [str(uniq[i]) for i in order]
        colours = [label_colour(k) for k in range(len(names))]
        self._label_argb = argb32([(c.red(), c.green(), c.blue(), CLOUD_ALPHA) for c in colours])
        self.cloud = PointCloud(lm.coords, self._label_argb[self._point_codes], size=3.0 if len(lm.coords) >= 50000
                                else 4.0)
        self.plot.addItem(self.cloud)
        for k, name in enumerate(names[:MAX_LEGEND]):
            c = QColor(colours[k])
            c.setAlpha(230)
            sample = pg.ScatterPlotItem(pen=None, brush=pg.mkBrush(c), size=7, symbol="o")
            sample.visibleChanged.connect(self._legend_toggled)
            self.legend.addItem(sample, name or "designs")
            self._legend_samples.append(sample)
        return names

    def _legend_toggled(self) -> None:
        """A legend entry of the big map was clicked: show only the labels whose entries are on."""
        if self.cloud is None:
            return
        hidden = [k for k, s in enumerate(self._legend_samples) if not s.isVisible()]
        self.cloud.set_shown(~np.isin(self._point_codes, hidden) if hidden else None)

    # ------------------------------------------------------------------ cursor and preview
    def move_cursor(self, x: float, y: float) -> None:
        """Put the cursor at map point (x, y) (what dragging does)."""
        self.cursor.setPos(QPointF(float(x), float(y)))
        self._cursor_moved()

    def _cursor_moved(self, *_args) -> None:
        if self.latent_map is None or self.config is None:
            return
        pos = self.cursor.pos()
        z = self.latent_map.lift(np.array([[pos.x(), pos.y()]]))[0]
        if self.current_z is not None and self._seq and np.array_equal(z, self.current_z) \
                and self.weights_key == getattr(self, "_requested_key", None):
            return
        self.current_source = "map"
        self.current_meta = {}
        self._request(z)
        self.tools.cursor_moved()

    def show_latent(self, z: np.ndarray, source: str = "sample", keep_sweep: bool = False,
                    meta: dict | None = None) -> None:
        """Show a latent vector that did not come from the cursor (surprise, sweep); the cursor goes
        to where it projects on the map, without lifting it back.  ``meta``: its sidecar fields
        (``seed``, and others such as ``temperature``) for pins and exports."""
        if self.latent_map is None or self.config is None:
            return
        z = np.asarray(z, np.float32).ravel()
        y = self.latent_map.project(z)[0]
        self.cursor.blockSignals(True)
        self.cursor.setPos(QPointF(float(y[0]), float(y[1])))
        self.cursor.blockSignals(False)
        self.current_source = source
        self.current_meta = dict(meta or {})
        self._request(z)
        if not keep_sweep:
            self.tools.cursor_moved()

    def _request(self, z: np.ndarray) -> None:
        if self.session is not None:  # interactive first: training waits while the user explores
            self.session.yield_to_interaction()
        self.current_z = z
        self._requested_key = self.weights_key
        self._seq += 1
        self._pending_moves[self._seq] = time.perf_counter()
        self._decoder.submit({"seq": self._seq, "z": z, "config": self.config, "weights": self.weights,
                              "weights_key": (id(self.weights), self.weights_key), "kind": self.kind,
                              "background": self.background, "latent_map": self.latent_map,
                              "mesh_as_image": self.kind == "mesh" and self._mesh_view is None,
                              "display": self.image_view.display_side() if self.image_view.isVisible() else 0})

    def _setup_preview(self) -> None:
        if self.kind == "mesh" and gl_available():
            if self._mesh_view is None:
                self._mesh_view, self._mesh_container = make_mesh_view()
                self._mesh_view.painted.connect(self._on_painted)
                self.preview_stack.addWidget(self._mesh_container)
            self.preview_stack.setCurrentWidget(self._mesh_container)
        else:
            self.preview_stack.setCurrentWidget(self.image_view)
        self.format_combo.clear()
        fmts = ["png"] if self.kind == "image" else ["stl", "obj", "ply", "glb"]
        self.format_combo.addItems([f.upper() for f in fmts])
        self.format_combo.setVisible(self.kind == "mesh")

    @property
    def preview(self):
        """What shows the decoded design now: the picture widget or the 3D view."""
        w = self.preview_stack.currentWidget()
        return self._mesh_view if self._mesh_view is not None and w is self._mesh_container else w

    def _on_decoded(self, _tag, out: dict) -> None:
        if out["seq"] <= self._shown_seq:
            return
        self._shown_seq = out["seq"]
        self.last_result = out
        if "image" in out:
            if self.preview_stack.currentWidget() is not self.image_view:
                self.preview_stack.setCurrentWidget(self.image_view)
            self.image_view.set_rgb(out["image"], out["seq"])
        elif self._mesh_view is not None:
            self._mesh_view.set_mesh(out["verts"], out["faces"], out["seq"], out.get("normals"))
        if "novelty" in out:
            nov = out["novelty"]
            word = "familiar" if nov < 0.5 else ("new" if nov < 2 else "far out")
            self.novelty_label.setText(f"Novelty: {nov:.2f} ({word})")
            name = self.paths[out["nearest"]] if 0 <= out["nearest"] < len(self.paths) else "?"
            self.nearest_label.setText(f"Nearest: {name}")
        self.decoded.emit(out)

    def _on_painted(self, seq: int) -> None:
        if not self._pending_moves:
            return
        now = time.perf_counter()
        for s in [s for s in self._pending_moves if s <= seq]:
            self.latencies.append(now - self._pending_moves.pop(s))

    # ------------------------------------------------------------------ hover
    def _mouse_moved(self, scene_pos) -> None:
        lm = self.latent_map
        if lm is None:
            self.hover.hide()
            return
        vb = self.plot.getPlotItem().getViewBox()
        if not vb.sceneBoundingRect().contains(scene_pos):
            self.hover.hide()
            return
        p = vb.mapSceneToView(scene_pos)
        idx, _ = lm.nearest_item(np.array([p.x(), p.y()]))
        item_scene = vb.mapViewToScene(QPointF(*map(float, lm.coords[idx])))
        if (item_scene - scene_pos).manhattanLength() > 12:
            self.hover.hide()
            return
        self.hover.show_item(idx, self.paths[idx] if idx < len(self.paths) else str(idx), self._thumb(idx),
                             self.plot.mapFromScene(scene_pos))

    def _thumb(self, idx: int) -> np.ndarray | None:
        if self.designs is None or idx >= len(self.designs):
            return None
        if idx not in self._thumb_cache:
            from vae_designer.core.preview import thumbnail

            if len(self._thumb_cache) > 512:
                self._thumb_cache.clear()
            self._thumb_cache[idx] = thumbnail(self.designs, idx, 96)
        return self._thumb_cache[idx]

    def _mouse_clicked(self, ev) -> None:
        if self.latent_map is None or ev.button() != Qt.MouseButton.LeftButton:
            return
        if ev.isAccepted() and not any(ev.acceptedItem is s for s in (*self._scatters, self.selection_ring)):
            return  # the cursor or another item took it (a scatter accepts clicks on its points: ours)
        vb = self.plot.getPlotItem().getViewBox()
        if vb.sceneBoundingRect().contains(ev.scenePos()):
            p = vb.mapSceneToView(ev.scenePos())
            idx, _ = self.latent_map.nearest_item(np.array([p.x(), p.y()]))
            at = vb.mapViewToScene(QPointF(*map(float, self.latent_map.coords[idx])))
            if (at - ev.scenePos()).manhattanLength() <= 12:  # on a training point: select it
                self.select_item(idx)
            else:
                self.move_cursor(p.x(), p.y())

    # ------------------------------------------------------------------ selection
    def select_item(self, idx: int) -> None:
        """Select a training design: its original beside its reconstruction, the cursor on it."""
        lm = self.latent_map
        if lm is None or self.config is None or not 0 <= idx < len(lm.coords):
            return
        self.selected = int(idx)
        self._place_selection()
        self._refresh_card()
        c = lm.coords[idx]
        self.move_cursor(float(c[0]), float(c[1]))

    def _refresh_card(self) -> None:
        """Show the selected design's card; its pictures are made in the card thread."""
        lm, idx = self.latent_map, self.selected
        x = None
        if self.designs is not None and len(self.designs) == len(lm.coords):
            x = self.designs.batch([idx])[0]
        self.item_card.show_item(idx, self.paths[idx] if idx < len(self.paths) else str(idx),
                                 self._card_details(idx), x is not None)
        self._card_jobs.submit({"index": idx, "z": lm.encodings[idx], "x": x, "config": self.config,
                                "weights": self.weights, "weights_key": (id(self.weights), self.weights_key),
                                "kind": self.kind, "background": self.background})

    def clear_selection(self) -> None:
        self.selected = -1
        self.selection_ring.setVisible(False)
        self.item_card.hide()
        self.item_card.index = -1

    def _place_selection(self) -> None:
        lm = self.latent_map
        if self.selected < 0 or lm is None or self.selected >= len(lm.coords):
            self.selection_ring.setVisible(False)
            return
        self.selection_ring.setData(pos=lm.coords[self.selected : self.selected + 1])
        self.selection_ring.setVisible(True)

    def _card_details(self, idx: int) -> str:
        parts = []
        if idx < len(self.labels) and self.labels[idx]:
            parts.append(f"Label: {self.labels[idx]}")
        err = self._current_errors()
        if err is not None:
            rank = int((err > err[idx]).sum()) + 1
            which = "the worst" if rank == 1 else f"{self._ordinal(rank)} worst"
            parts.append(f"Reconstruction error: {err[idx]:.1f} nats ({which} of {len(err)})")
        return "\n".join(parts)

    @staticmethod
    def _ordinal(n: int) -> str:
        return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"

    # ------------------------------------------------------------------ colour by, backdrop
    def _current_errors(self) -> np.ndarray | None:
        """The reconstruction errors of the shown designs (maybe of the previous model while the
        newest are computed), or None."""
        err, key = self.errors.errors, self.errors.key
        if err is None or key is None or key[1] != tuple(self.paths) or self.latent_map is None \
                or len(err) != len(self.latent_map.coords):
            return None
        return err

    def _colour_changed(self, _index: int = 0) -> None:
        self.colour_by = self.colour_combo.currentData() or "label"
        self._request_errors()
        self._apply_point_colours()

    def _request_errors(self) -> None:
        if self.colour_by != "error" or self.config is None or self.latent_map is None:
            return
        if self.designs is None or len(self.designs) != len(self.paths):
            self.colour_bar.set_message("Reconstruction errors need the design folder")
            return
        self.errors.request(self.config, self.weights, (id(self.weights), self.weights_key), self.designs,
                            self.paths)

    def _errors_ready(self) -> None:
        self._apply_point_colours()
        if self.selected >= 0:
            self.item_card.set_details(self._card_details(self.selected))

    def _apply_point_colours(self) -> None:
        """Brushes of the points: one per label, or per point from the error colour table."""
        lm = self.latent_map
        if lm is None or not (self._scatters or self.cloud is not None):
            return
        err = self._current_errors() if self.colour_by == "error" else None
        if err is not None:
            lo, hi = value_range(err)
            lut = colour_lut(theme.current())
            bins = value_bins(err, lo, hi, len(lut))
            if self.cloud is not None:  # one colour array: no per-point brushes
                self.cloud.set_colours(argb32(np.column_stack([lut[:, :3], np.full(len(lut), CLOUD_ALPHA)]))[bins])
            else:
                table = brush_table(lut, 230 if len(err) < 5000 else 170)
                for s, sel in zip(self._scatters, self._label_masks):
                    s.setBrush(table[bins[sel]])
            self._coloured_by_error = True
            self.legend.setVisible(False)
            self.colour_bar.set_range(lo, hi, lut, "nats", "updating…" if self.errors.pending else "")
            self.colour_bar.show()
            self.point_bins = bins
            return
        if getattr(self, "_coloured_by_error", False):
            if self.cloud is not None:
                self.cloud.set_colours(self._label_argb[self._point_codes])
            for s, b in zip(self._scatters, self._label_brushes):
                s.setBrush([b] * len(s.data))  # per point again: replaces the error brushes
            self._coloured_by_error = False
        self.point_bins = None
        self.legend.setVisible(True)
        if self.colour_by == "error":
            if self.errors.pending:
                self.colour_bar.set_message("Computing reconstruction errors…")
            self.colour_bar.show()
        else:
            self.colour_bar.hide()

    def _backdrop_job(self) -> dict | None:
        if self.latent_map is None or self.config is None:
            return None
        from .map_backdrop import LATTICE

        bounds = self.latent_map.bounds()
        vb = self.plot.getPlotItem().getViewBox()
        (vx0, vx1), (vy0, vy1) = vb.viewRange()
        # on-screen pixels of one lattice cell (the thumbnails are drawn to look square there)
        cw = (bounds[1] - bounds[0]) / max(vx1 - vx0, 1e-12) * max(vb.width(), 1.0) / LATTICE
        ch = (bounds[3] - bounds[2]) / max(vy1 - vy0, 1e-12) * max(vb.height(), 1.0) / LATTICE
        return {"latent_map": self.latent_map, "bounds": bounds, "config": self.config, "screen_cell": (cw, ch),
                "weights": self.weights, "weights_key": (id(self.weights), self.weights_key), "kind": self.kind,
                "background": self.background}

    def _backdrop_toggled(self, on: bool) -> None:
        self.backdrop.set_enabled(on, self._backdrop_job())

    def _map_refitted(self, new_model: bool) -> None:
        """The map was refitted (another projection) or shows a new model: what depends on it follows."""
        self.backdrop.refresh(self._backdrop_job())
        if new_model:
            self._request_errors()
            if 0 <= self.selected < len(self.latent_map.coords):
                self._refresh_card()  # the new model's reconstruction; the cursor stays where it is

    # ------------------------------------------------------------------ pins and export
    def pin(self, name: str | None = None) -> Pin | None:
        if self.current_z is None:
            return None
        out = self.last_result
        thumb = None
        if out is not None:
            if "image" in out:
                thumb = out.get("small", out["image"])
            else:
                from vae_designer.core.preview import render_voxels

                p = out["probs"]
                thumb = render_voxels((p[0] if p.ndim == 4 else p) > 0.5, 96)
        nearest = ""
        if out is not None and "nearest" in out and out["nearest"] < len(self.paths):
            nearest = Path(self.paths[out["nearest"]]).stem
        pin = Pin(name or (f"near-{nearest}" if nearest else "design"), self.current_z.copy(), thumb,
                  source=self.current_source,
                  parents=[self.paths[out["nearest"]]] if nearest and self.current_source == "map" else [],
                  seed=self.current_meta.get("seed"),
                  extra={k: v for k, v in self.current_meta.items() if k != "seed"})
        return self.gallery.add_pin(pin)

    def pin_latents(self, zs, names, source: str, parents=None, weights=None) -> list[Pin]:
        """Pin several latent vectors at once (a blend), with thumbnails decoded here."""
        if self.config is None:
            return []
        if getattr(self, "_pin_decoder", None) is None:
            self._pin_decoder = MapDecoder()  # its own model copy, used on this thread only
        pins = []
        for k, (z, name) in enumerate(zip(zs, names)):
            out = self._pin_decoder({"seq": 0, "z": z, "config": self.config, "weights": self.weights,
                                     "weights_key": (id(self.weights), self.weights_key), "kind": self.kind,
                                     "background": self.background, "mesh_as_image": True})
            thumb = out["image"]  # meshes: the shaded voxel picture (mesh_as_image)
            pins.append(self.gallery.add_pin(Pin(name, np.asarray(z, np.float32).copy(), thumb, source=source,
                                                 parents=list(parents or []),
                                                 weights=list(weights[k]) if weights is not None else None)))
        return pins

    def export_format(self) -> str:
        return "png" if self.kind == "image" else self.format_combo.currentText().lower() or "stl"

    def ask_export_file(self, default_name: str) -> str:
        fmt = self.export_format()
        filters = "PNG image (*.png)" if self.kind == "image" else \
            ";;".join(f"{f.upper()} mesh (*.{f})" for f in ([fmt] + [f for f in ("stl", "obj", "ply", "glb")
                                                              if f != fmt]))
        path, _ = QFileDialog.getSaveFileName(self, "Export design", default_name + "." + fmt, filters)
        return path

    def ask_export_folder(self) -> str:
        return QFileDialog.getExistingDirectory(self, "Export pinned designs into")

    def export_current(self, path: str | None = None) -> list[Path]:
        if self.current_z is None:
            return []
        if self.project is None:
            self.status.setText("Save the project first: exports record the saved model's weights")
            return []
        path = path or self.ask_export_file("design")
        if not path:
            return []
        p = Path(path)
        fmt = p.suffix.lower().lstrip(".") or self.export_format()
        meta = self.current_meta
        return self._export([(p.with_suffix("") if p.suffix else p, self.current_z, self.current_source, None,
                              None, {"seed": meta.get("seed"),
                                     "extra": {k: v for k, v in meta.items() if k != "seed"}})], fmt)

    def export_pins(self, folder: str | None = None) -> list[Path]:
        pins = self.gallery.selected_pins() or self.gallery.pins()
        if not pins or self.project is None:
            return []
        folder = folder or self.ask_export_folder()
        if not folder:
            return []
        fmt = self.export_format()
        return self._export([(Path(folder) / pin.name, pin.z, pin.source, pin.parents or None, pin.weights,
                              {"seed": pin.seed, "extra": pin.extra}) for pin in pins], fmt)

    def compare_pins(self) -> CompareView | None:
        """Open the side-by-side comparison of the selected pins (2..8), decoded in its own thread."""
        pins = self.gallery.selected_pins()
        if not MIN_COMPARE <= len(pins) <= MAX_COMPARE or self.config is None:
            self.status.setText(f"Select {MIN_COMPARE} to {MAX_COMPARE} pins to compare them")
            return None
        if self.compare_view is None:
            self.compare_view = CompareView(self)
        self.compare_view.show_pins(pins, config=self.config, weights=self.weights,
                                    weights_key=(id(self.weights), self.weights_key), kind=self.kind,
                                    background=self.background, latent_map=self.latent_map, paths=self.paths,
                                    designs=self.designs)
        self.compare_view.show()
        self.compare_view.raise_()
        return self.compare_view

    def _export(self, items, fmt: str) -> list[Path]:
        from vae_designer.core.errors import UserError
        from vae_designer.core.generate import check_format, export_design

        written: list[Path] = []
        try:
            fmt = check_format(self.project, fmt)
            for stem, z, source, parents, weights, *more in items:  # more: {"seed", "extra"} (optional)
                stem.parent.mkdir(parents=True, exist_ok=True)
                written += export_design(self.project, z, stem, fmt, source=source, parents=parents,
                                         weights=weights, **(more[0] if more else {}))
        except (UserError, OSError) as exc:
            self.status.setText(f"Export failed: {exc}")
            return written
        files = [w for w in written if w.suffix != ".json"]
        self.status.setText(f"Exported {len(files)} design{'s' if len(files) != 1 else ''} to "
                            f"{os.path.dirname(str(files[0])) if files else ''}")
        self.exported.emit(written)
        return written

    # ------------------------------------------------------------------ misc
    def _update_enabled(self) -> None:
        has = self.latent_map is not None
        self.pin_button.setEnabled(has)
        self.export_button.setEnabled(has and self.project is not None)
        self.export_pins_button.setEnabled(bool(self.gallery.pins()) and self.project is not None)
        self.remove_pin_button.setEnabled(bool(self.gallery.selectedItems()))
        self.compare_button.setEnabled(has and MIN_COMPARE <= len(self.gallery.selectedItems()) <= MAX_COMPARE)
        self.tools.update_enabled(has, len(self.gallery.selectedItems()))

    def _retheme(self, t) -> None:
        self.plot.setBackground(t.base)
        for name in ("left", "bottom"):
            ax = self.plot.getPlotItem().getAxis(name)
            ax.setPen(pg.mkPen(t.border))
            ax.setTextPen(pg.mkPen(t.muted))
        bg = QColor(t.base)
        bg.setAlpha(215)
        self.legend.setBrush(pg.mkBrush(bg))
        self.legend.setPen(pg.mkPen(t.border))
        self.legend.setLabelTextColor(t.text)
        self.hover.retheme(t)
        self.item_card.retheme(t)
        self.colour_bar.retheme(t)
        self.backdrop.retheme(t)
        self._apply_point_colours()
        if self._mesh_view is not None:
            self._mesh_view.retheme(t)
        self.image_view.update()

    def shutdown(self) -> None:
        if self.compare_view is not None:
            self.compare_view.shutdown()
        self._decoder.shutdown(wait=True)
        self._fitter.shutdown(wait=True)
        self._projector.shutdown(wait=True)
        self._card_jobs.shutdown(wait=True)
        self.errors.shutdown()
        self.backdrop.shutdown()
