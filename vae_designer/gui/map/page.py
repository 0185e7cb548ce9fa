"""The Map page: the training set's encodings in 2D, a cursor to drag, a live preview.

The page is split by concern: this module builds it and handles the sources (an
opened project, autosaves while training), the cursor, the preview, hover and
selection; :mod:`.map_drawing` lays out, draws and colours the points (and the
backdrop); :mod:`.map_exports` pins, exports and compares designs.

* The cursor (:class:`pyqtgraph.TargetItem`): each move lifts the map point to a
  latent vector (``LatentMap.lift``) and asks the decoder thread for it; the
  decoder works on the shared, read-only model of the saved weights
  (:func:`.map_decoder.model_for`) and always takes the newest request.
  Hovering uses the :class:`~vae_designer.core.latent.space.LatentMap`'s k-d tree, not
  per-point hover; clicking a point selects it (:mod:`.item_card`).
* While training runs, each autosave of a new best model (the save has already
  encoded the training set) refits the map in another thread and hands the
  decoder the saved weights; the cursor stays where it is.  The map never shows
  unsaved weights, so the preview is always exactly what an export writes.
"""

from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ..common import theme
from ..common.jobs import INTERACTION_HOLD_S, LatestJobs, interaction
from .backdrop import MapBackdrop
from .colour import ColourBar, ErrorColours
from .compare_view import MAX_COMPARE, MIN_COMPARE, CompareView
from .decoder import MapDecoder, fit_job, projection_job
from .drawing import GRID_ALPHA, MapDrawing
from .exports import MapExports
from .gallery import Gallery
from .item_card import CardJob, HoverCard, ItemCard
from .point_cloud import PointCloud
from .preview_view import ImagePreview, gl_available, make_mesh_view
from .tools import MapTools


class MapPage(MapDrawing, MapExports, QWidget):
    """See the module docstring.  ``decoded(dict)`` after each preview update."""

    decoded = Signal(object)
    map_changed = Signal()
    exported = Signal(list)

    def __init__(self, session=None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("MapPage")
        self._init_state(session)
        self._start_workers()
        head = self._build_header()
        self._build_plot()
        split = self._build_preview_side()
        gallery = self._build_gallery()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 12)
        lay.addLayout(head)
        lay.addWidget(split, 1)
        lay.addLayout(gallery)

        self.image_view.painted.connect(self._on_painted)
        if session is not None:
            session.saved.connect(self.on_saved)
        self._retheme(theme.current())
        theme.notifier.theme_changed.connect(self._retheme)
        self._update_enabled()

    def _init_state(self, session) -> None:
        """What the page shows and where it stands (the map's model, the cursor's design, pins)."""
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
        self._requested_key = None  # weights_key of the newest decode asked for
        self._drawn_labels = None  # the labels the points were drawn with (redraw only if they change)
        self._coloured_by_error = False  # the points carry per-point error brushes
        self._pin_decoder = None  # decodes pins on the GUI thread (MapExports.pin)


    def _start_workers(self) -> None:
        """The page's threads: decoding, refitting, projections, errors and the item card."""
        self._decoder = LatestJobs(MapDecoder(), name="map-decoder", background=False, parent=self)
        self._decoder.done.connect(self._on_decoded)
        self._decoder.failed.connect(lambda _t, msg: self.status.setText(f"Decoding failed: {msg}"))
        self._fitter = LatestJobs(fit_job, name="map-fit", parent=self)
        self._fitter.done.connect(self._on_encoded)
        self._fitter.failed.connect(lambda _t, msg: self.status.setText(f"Updating the map failed: {msg}"))
        # colour by, selection, non-linear projections: see map_colour, item_card, map_backdrop
        self._projector = LatestJobs(projection_job, name="map-projection", parent=self)
        self._projector.done.connect(self._on_projected)
        self._projector.failed.connect(self._projection_failed)
        self.colour_by = "label"  # or "error"
        self.errors = ErrorColours(self)
        self.errors.ready.connect(self._errors_ready)
        self.errors.failed.connect(lambda msg: self.colour_bar.set_message(f"Reconstruction errors failed: {msg}"))
        self.selected = -1
        self.point_bins: np.ndarray | None = None  # each point's colour level when coloured by error
        self._card_jobs = LatestJobs(CardJob(), name="map-card", parent=self)
        self._card_jobs.done.connect(lambda _t, out: self.item_card.set_pictures(out["index"], out["original"],
                                                                                 out["reconstruction"]))

    def _build_header(self) -> QHBoxLayout:
        """Title, projection, colour by, backdrop, status."""
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
        return head

    def _build_plot(self) -> None:
        """The map: the plot, the draggable cursor, hover and item cards, the selection, the backdrop."""
        self.plot = pg.PlotWidget()
        self.plot.setObjectName("MapPlot")
        pi = self.plot.getPlotItem()
        pi.showGrid(x=True, y=True, alpha=GRID_ALPHA)
        self._grid = True
        pi.setMenuEnabled(False)
        pi.hideButtons()
        pi.getViewBox().setAspectLocked(False)
        # the view shows every design after each refit, until the user zooms or pans
        self.view_follows = True
        pi.getViewBox().sigRangeChangedManually.connect(self._view_moved_by_user)
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

    def _build_preview_side(self) -> QSplitter:
        """The decoded design beside the map, what it is, the tools and the export buttons."""
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
        return split

    def _build_gallery(self) -> QHBoxLayout:
        """The pinned designs and what can be done with them."""
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
        return gl

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
        from vae_designer.core.latent.space import LatentMap

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
        self.show_all_designs()
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
        anchor = self._cursor_anchor()
        lm = out["latent_map"]
        if (out["method"], tuple(out["dims"])) != (self.method, tuple(self.dims)):  # changed meanwhile
            from vae_designer.core.latent.space import LatentMap

            if self.method == "umap":  # seconds: in the projection thread; this fit shows until then
                self._submit_projection()
            else:
                lm = LatentMap.fit(self.encodings, self.method, self.dims)
        self.latent_map = lm
        self.refits += 1
        self._draw_points()
        self._map_refitted(new_model=True)
        self.status.setText(f"{len(self.paths)} designs · {out['caption']}")
        if self.view_follows:
            self.show_all_designs()
        if anchor is not None and not self.cursor.moving:  # the same design, where the new map puts it
            c = self.latent_map.coords[anchor]
            self.move_cursor(float(c[0]), float(c[1]))
        else:
            pos = self.cursor.pos()
            self.move_cursor(pos.x(), pos.y())  # the user's hand is on it: same place, new model
        self._update_enabled()
        self.map_changed.emit()

    # ------------------------------------------------------------------ the view
    def show_all_designs(self) -> None:
        """Fit the view to every design; later refits keep doing so until the user zooms or pans."""
        if self.latent_map is None:
            return
        x0, x1, y0, y1 = self.latent_map.bounds()
        self.plot.getPlotItem().getViewBox().setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)
        self.view_follows = True

    def _view_moved_by_user(self, *_args) -> None:
        self.view_follows = False

    def _cursor_anchor(self) -> int | None:
        """The design the cursor is on (the nearest one on the current map), to keep it there
        when the map is refitted: the old coordinates mean nothing on the new map."""
        if self.latent_map is None or not len(self.latent_map.coords):
            return None
        if 0 <= self.selected < len(self.latent_map.coords):
            return self.selected
        pos = self.cursor.pos()
        d = np.linalg.norm(self.latent_map.coords - np.array([pos.x(), pos.y()], np.float32), axis=1)
        return int(np.argmin(d))

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

    # ------------------------------------------------------------------ cursor and preview
    def move_cursor(self, x: float, y: float) -> None:
        """Put the cursor at map point (x, y) (what dragging does)."""
        self.cursor.blockSignals(True)  # one lift and one request, not one from the signal and one here
        self.cursor.setPos(QPointF(float(x), float(y)))
        self.cursor.blockSignals(False)
        self._cursor_moved()

    def _cursor_moved(self, *_args) -> None:
        if self.latent_map is None or self.config is None:
            return
        pos = self.cursor.pos()
        z = self.latent_map.lift(np.array([[pos.x(), pos.y()]]))[0]
        if self.current_z is not None and self._seq and np.array_equal(z, self.current_z) \
                and self.weights_key == self._requested_key:
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
        # interactive first: training and background jobs wait while the user explores
        interaction.hold(INTERACTION_HOLD_S)
        self.current_z = z
        self._requested_key = self.weights_key
        self._seq += 1
        self._pending_moves[self._seq] = time.perf_counter()
        self._decoder.submit({"seq": self._seq, "z": z, "config": self.config, "weights": self.weights,
                              "weights_key": (id(self.weights), self.weights_key), "kind": self.kind,
                              "background": self.background, "latent_map": self.latent_map,
                              "mesh_as_image": self.kind == "mesh" and self._mesh_view is None})

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
    def request_seq(self) -> int:
        """The number of the newest decode asked for: ``preview.painted_seq`` reaches it once that
        design is on screen (what tests and benchmarks wait for)."""
        return self._seq

    @property
    def mesh_view(self):
        """The 3D view of a mesh project (None until one is shown, or without OpenGL)."""
        return self._mesh_view

    @property
    def refitting(self) -> bool:
        """A newer model's map is being fitted in the background (the map will change)."""
        return not self._fitter.idle

    @property
    def point_items(self) -> list[tuple[object, np.ndarray]]:
        """The drawn scatter items of a small map with each one's item mask (empty for a big map,
        which one PointCloud draws)."""
        return list(zip(self._scatters, self._label_masks))

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
            from vae_designer.core.export.preview import thumbnail

            if len(self._thumb_cache) > 512:
                self._thumb_cache.clear()
            self._thumb_cache[idx] = thumbnail(self.designs, idx, 96)
        return self._thumb_cache[idx]

    def _mouse_clicked(self, ev) -> None:
        if self.latent_map is None or ev.button() != Qt.MouseButton.LeftButton:
            return
        if ev.double():  # double-click: every design in view again (after zooming in)
            self.show_all_designs()
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
