"""The Map page: the training set's encodings in 2D, a cursor to drag, a live preview.

The state is the Qt-free :class:`~vae_designer.core.latent.session.MapSession` (``page.session``): the
model and its decode context, the layout, the design on show, the selection, the pins.  The page composes
small views that get state and callbacks and follow the session's signals (``SessionSignals``):

* :class:`~.header.MapHeader` -- projection, colour by, backdrop, status;
* :class:`~.plot_view.MapView` -- the plot, points (``drawing.PointLayer``), cursor, hover, item card, ring, backdrop;
* :class:`~.preview_panel.PreviewPanel` -- the decoded design, novelty, Pin, Export and the tools
  (:class:`~.tool_tabs.ToolTabs`: MapTools, directions, completion, own designs; ``.steering``: constraints);
* :class:`~.gallery.Gallery` -- the pins; :mod:`.exports` pins and exports; :mod:`.strips` picks, history.

Each cursor move lifts the map point to a latent vector (``LatentMap.lift``) and asks the live decoder
(:class:`~.live_decode.LiveDecoder`, newest request wins).  While training runs, each autosave of a new
best model (already encoded) refits the layout in a worker and the session ``follow``s it; the cursor
stays on its design.  The map never shows unsaved weights: the preview is exactly what an export writes.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QSplitter, QVBoxLayout, QWidget

from vae_designer.core.latent.session import MapSession

from ..common import theme
from ..common.i18n import number
from ..common.jobs import LatestJobs
from .colour import PointColours
from .compare_view import MAX_COMPARE, MIN_COMPARE, CompareView
from .decoder import fit_job
from .exports import MapExporter, PinMaker
from .gallery import Gallery
from .header import MapHeader
from .item_card import CardJob, card_details
from .live_decode import LiveDecoder
from .plot_view import MapView
from .preview_panel import PreviewPanel
from .projections import Projections
from .session_signals import SessionSignals
from .steering import Steering
from .strips import MapStrips
from .tool_tabs import ToolTabs
from .tools import MapTools, ToolActions


class MapPage(QWidget):
    """See the module docstring.  ``decoded(dict)`` after each preview update."""

    decoded = Signal(object)
    map_changed = Signal()
    exported = Signal(list)

    def __init__(self, training=None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("MapPage")
        self.training = training  # the TrainingSession whose autosaves the map follows
        self.session = MapSession()
        self.signals = SessionSignals(self.session, self)
        self._empty_message = ""
        self._thumb_cache: dict[int, np.ndarray] = {}
        self.compare_view: CompareView | None = None
        self._build_views()
        self._start_workers()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 12)
        lay.addWidget(self.header)
        lay.addWidget(self._split(), 1)
        lay.addLayout(self._gallery_row())
        lay.addWidget(self.strips)
        self._connect()
        if training is not None:
            training.saved.connect(self.on_saved)
        self._retheme(theme.current())
        theme.notifier.theme_changed.connect(self._retheme)
        self._update_enabled()

    def _build_views(self) -> None:
        s = self.session
        self.header = MapHeader()
        self.status = self.header.status
        self.projection, self.colour_combo = self.header.projection, self.header.colour_combo
        self.colour_bar, self.backdrop_check = self.header.colour_bar, self.header.backdrop_check
        self.view = MapView(self._thumb, self)
        self.plot, self.cursor, self.points = self.view.plot, self.view.cursor, self.view.points
        self.hover, self.item_card, self.backdrop = self.view.hover, self.view.item_card, self.view.backdrop
        self.gallery = Gallery(s)
        self.pins = PinMaker(s)
        actions = ToolActions(show=self.show_latent, pin_latents=self.pin_latents, status=self.status.setText,
                              export_sequence=self._export_sequence, selected_pins=self.gallery.selected_pins,
                              ask_folder=lambda title, folder=None: self.exporter.ask_folder(title, folder))
        self.tools = MapTools(s, actions)
        self.tool_tabs = ToolTabs(s, self.signals, self.tools, actions, self)  # directions, own designs, completion
        self.panel = PreviewPanel(self.tool_tabs.tabs)
        self.tool_tabs.attach(self.plot, self.panel.image_view)
        self.image_view, self.format_combo = self.panel.image_view, self.panel.format_combo
        self.novelty_label, self.nearest_label = self.panel.novelty_label, self.panel.nearest_label
        self.exporter = MapExporter(s, self, self.panel.export_format, self.status.setText, self.exported.emit)
        self.strips = MapStrips(s, self.signals, self.view, self._thumb, self.select_item, self.status.setText,
                                lambda: self.steering.frame())

    def _start_workers(self) -> None:
        """The page's workers: live decoding, refitting, projections, errors and the item card."""
        self.live = LiveDecoder(self.panel.fine_options, self)
        self.live.decoded.connect(self._on_decoded)
        self.live.failed.connect(lambda msg: self.status.setText(self.tr("Decoding failed: {0}").format(msg)))
        self._fitter = LatestJobs(fit_job, name="map-fit", parent=self)
        self._fitter.done.connect(self._on_encoded)
        self._fitter.failed.connect(
            lambda _t, msg: self.status.setText(self.tr("Updating the map failed: {0}").format(msg)))
        self.projections = Projections(self.session, self)
        self.projections.fitting.connect(lambda: self.colour_bar.set_message(self.tr("Fitting UMAP…")))
        self.projections.failed.connect(self._projection_failed)
        self.colours = PointColours(self.session, self.points, self.colour_bar, lambda: self.header.colour_by, self)
        self.errors = self.colours.errors
        self.colours.errors_ready.connect(self._errors_ready)
        self._card_jobs = LatestJobs(CardJob(), name="map-card", parent=self)
        self._card_jobs.done.connect(lambda _t, out: self.item_card.set_pictures(out["index"], out["original"],
                                                                                 out["reconstruction"]))
        self.steering = Steering(self.session, self.signals, self.view, self.panel, self.header, self.colours,
                                 self.live, self.tools, self.status.setText, self)  # properties, constraints

    def _split(self) -> QSplitter:
        split = QSplitter(Qt.Orientation.Horizontal)
        for k, (widget, stretch) in enumerate(((self.plot, 3), (self.panel, 2))):
            split.addWidget(widget)
            split.setStretchFactor(k, stretch)
        split.setSizes([640, 420])
        return split

    def _gallery_row(self) -> QHBoxLayout:
        """The pinned designs and what can be done with them."""
        def button(text, tip, slot) -> QPushButton:
            b = QPushButton(text)
            b.setToolTip(tip)
            b.clicked.connect(lambda: slot())
            return b

        self.compare_button = button(self.tr("Compare"), self.tr("Show {0} to {1} selected pins side by side, large, "
                                     "with their novelty (Space)").format(MIN_COMPARE, MAX_COMPARE), self.compare_pins)
        self.export_pins_button = button(self.tr("Export Pinned…"), self.tr("Export the selected pins (or all) into a "
                                         "folder, each with a sidecar"), self.export_pins)
        self.remove_pin_button = button(self.tr("Remove"), self.tr("Remove the selected pins (Delete)"),
                                        self.gallery.remove_selected)
        gb = QVBoxLayout()
        for b in (self.compare_button, self.export_pins_button, self.remove_pin_button):
            gb.addWidget(b)
        gb.addStretch(1)
        gl = QHBoxLayout()
        gl.addWidget(self.gallery, 1)
        gl.addLayout(gb)
        return gl

    def _connect(self) -> None:
        sig = self.signals
        sig.model_changed.connect(self._model_changed)
        sig.layout_changed.connect(self._layout_changed)
        sig.design_changed.connect(self._design_changed)
        sig.selection_changed.connect(self._selection_changed)
        sig.pins_changed.connect(self.gallery.sync)
        self.header.projection_chosen.connect(self.projections.choose)
        self.header.colour_chosen.connect(lambda _what: self.colours.changed())
        self.header.backdrop_toggled.connect(lambda on: self.backdrop.set_enabled(on, self._backdrop_job()))
        self.view.cursor_dragged.connect(lambda x, y: self.session.move_to((x, y)))
        self.view.point_clicked.connect(self.select_item)
        self.view.map_clicked.connect(self.move_cursor)
        self.item_card.closed.connect(self.clear_selection)
        self.backdrop.failed.connect(lambda msg: self.status.setText(self.tr("Backdrop failed: {0}").format(msg)))
        self.panel.painted.connect(self.live.painted)
        self.panel.pin_clicked.connect(lambda: self.pin())
        self.panel.export_clicked.connect(lambda: self.export_current())
        self.panel.uncertainty_toggled.connect(lambda _on: self.live.refine())
        self.gallery.pins_changed.connect(self._update_enabled)
        self.gallery.itemSelectionChanged.connect(self._update_enabled)
        self.gallery.compare_requested.connect(lambda: self.compare_pins())

    @property  # tests and benchmarks read this (and live.request_seq, latencies, last_result; panel.preview)
    def refitting(self) -> bool:
        """A newer model's map is being fitted in the background (the map will change)."""
        return not self._fitter.idle

    # ------------------------------------------------------------------ sources
    def set_opened(self, opened) -> None:
        """A folder or project was opened: show the project's map, or wait for training."""
        project = opened.project
        self.session.clear_pins()
        if self.compare_view is not None:  # it showed the previous project's pins
            self.compare_view.close()
        self._thumb_cache.clear()
        if project is None:
            self._clear(self.tr("Train a model to see its latent map"))
            return
        designs = opened.designs if opened.designs is not None and opened.designs.paths == project.paths else None
        epoch = number(project.metrics.get("best_epoch", project.epoch))
        self._open_project(project, self.tr("saved model, epoch {0}").format(epoch), designs)

    def _open_project(self, project, caption: str, designs=None) -> None:
        self.set_model(project.kind, project.model_config, project.weights, project.encodings, project.labels,
                       project.paths, project=project, caption=caption, designs=designs)

    def set_model(self, kind, config, weights, encodings, labels, paths, project=None, caption="",
                  designs=None) -> None:
        """Show a model's map (resets the view and puts the cursor on the design nearest the middle)."""
        if designs is None and self.session.designs is not None and self.session.designs.paths == list(paths):
            designs = self.session.designs
        background = project.manifest.get("typical_background") if project is not None else None
        if background is None and designs is not None and kind == "image" and len(designs):
            background = list(designs.meta[0].get("background", (1, 1, 1)))
        self.session.open_model(kind, config, weights, encodings, labels, paths, project=project, designs=designs,
                                background=background)
        self.view.show_all()
        self.status.setText((self.tr("{0} designs · {1}") if caption else self.tr("{0} designs")).format(
            number(len(paths)), caption))
        self.move_cursor(*self.session.start_point())

    def on_saved(self, project) -> None:
        """A project was saved (training autosaves each new best model): the map, the preview and
        exports follow it; the save already encoded the training set, so only the 2D fit runs."""
        s = self.session
        if project.paths != s.paths and s.kind is not None:
            return  # another collection's project
        epoch = number(project.metrics.get("best_epoch", project.epoch))
        caption = self.tr("following training, best model of epoch {0}").format(epoch)
        self._fitter.submit(s.layout_job(project=project, caption=caption))

    def _on_encoded(self, _tag, out: dict) -> None:
        from vae_designer.core.latent.space import LatentMap

        project, s = out["project"], self.session
        if not s.same_designs(project):  # a new model, or the first save of a new training: start afresh
            self._open_project(project, out["caption"], self._training_designs(project))
            return
        anchor = s.anchor(self.view.cursor_xy())  # before the layout moves
        lm, stale = out["latent_map"], (out["method"], tuple(out["dims"])) != (s.method, tuple(s.dims))
        if stale and s.method != "umap":  # another projection was chosen meanwhile: quick to fit here
            lm = LatentMap.fit(project.encodings, s.method, s.dims)
        s.follow(project, lm, designs=s.designs or self._training_designs(project))
        if stale and s.method == "umap":  # seconds: in the projection worker; this fit shows until then
            self.projections.submit()
        self.status.setText(self.tr("{0} designs · {1}").format(number(len(s.paths)), out["caption"]))
        if self.view.view_follows:
            self.view.show_all()
        if anchor is not None and not self.view.dragging:  # the same design, where the new map puts it
            self.move_cursor(*map(float, s.latent_map.coords[anchor]))
        else:
            self.move_cursor(*self.view.cursor_xy())  # the user's hand is on it: same place, new model

    def _formats(self) -> tuple[tuple[str, ...], bool]:
        """The export formats of the model on show and whether its designs are silhouettes."""
        from vae_designer.core.export.design import design_formats, project_look

        look = self.session.context.look  # the manifest's look fields (image_look, image_tones, channels)
        return design_formats(self.session.kind, look), self.session.kind == "image" and \
            project_look(look) == "silhouette"

    def _training_designs(self, project):  # the training page's designs, when they are this project's
        designs = self.training.designs if self.training is not None else None
        return designs if designs is not None and designs.paths == project.paths else None

    def _clear(self, message: str) -> None:
        self._empty_message = message
        self.session.clear()
        self.status.setText(message)

    # ------------------------------------------------------------------ following the session
    def _model_changed(self, new_model: bool) -> None:
        s = self.session
        if not s.has_map:
            self.live.forget()
            self.view.clear()
            self.colours.clear()
            self.panel.clear(self._empty_message)
        else:
            if new_model:
                self.header.fill_projections(s.encodings)
                self.tools.model_changed()
                self.panel.set_kind(s.kind, *self._formats())
                self._selection_changed(-1)
            self._draw()
            self._refresh_dependents(new_model=True)
        self._update_enabled()
        self.map_changed.emit()

    def _layout_changed(self) -> None:
        d = self.session.design
        self._draw()
        self.view.show_all()  # another projection: a new picture, shown whole
        if d is not None:  # the same design, where it lies on the new map
            self.move_cursor(*self.session.point_of(d.z))
        self._refresh_dependents(new_model=False)

    def _design_changed(self, design) -> None:
        s = self.session
        if not self.view.dragging:  # the cursor goes to the design (where it projects, if not chosen there)
            self.view.place_cursor(*(design.xy or s.point_of(design.z)))
        self.live.request(s.context, design.z, latent_map=s.latent_map, mesh_as_image=self.panel.wants_mesh_pictures)
        if design.source != "sweep":  # a sweep keeps its base design; anything else starts a new one
            self.tools.cursor_moved()

    def _selection_changed(self, index: int) -> None:
        self.view.ring(index)
        if index < 0:
            self.item_card.hide()
            self.item_card.index = -1
        else:
            self._refresh_card()

    def _draw(self) -> None:
        s = self.session
        self.view.show_layout(s.latent_map, s.labels, s.paths)
        self.colours.apply()
        self.view.ring(s.selected)

    def _refresh_dependents(self, new_model: bool) -> None:
        """The layout or the model changed: the backdrop, errors and the item card follow."""
        self.backdrop.refresh(self._backdrop_job())
        if new_model:
            self.colours.request()
            if 0 <= self.session.selected < len(self.session.latent_map.coords):
                self._refresh_card()  # the new model's reconstruction; the cursor stays where it is

    # ------------------------------------------------------------------ the cursor
    def move_cursor(self, x: float, y: float) -> None:
        """Put the cursor at map point (x, y) (what dragging does)."""
        if not self.session.has_map:
            return
        self.view.place_cursor(x, y)
        self.session.move_to((x, y))

    def show_latent(self, z: np.ndarray, source: str = "sample", meta: dict | None = None) -> None:
        """Show a latent vector not from the cursor (surprise, sweep; ``meta``: its sidecar fields)."""
        self.session.show(z, source, meta)

    def show_all_designs(self) -> None:
        self.view.show_all()

    def _on_decoded(self, out: dict) -> None:
        nearest = out.get("nearest", -1)
        self.panel.show_result(out, self.session.paths[nearest] if 0 <= nearest < len(self.session.paths) else None)
        self.decoded.emit(out)

    def _thumb(self, idx: int) -> np.ndarray | None:
        designs = self.session.designs
        if designs is None or idx >= len(designs):
            return None
        if idx not in self._thumb_cache:
            from vae_designer.core.export.preview import thumbnail

            if len(self._thumb_cache) > 512:
                self._thumb_cache.clear()
            self._thumb_cache[idx] = thumbnail(designs, idx, 96)
        return self._thumb_cache[idx]

    # ------------------------------------------------------------------ selection
    def select_item(self, idx: int) -> None:
        """Select a training design: its original beside its reconstruction, the cursor on it."""
        if self.session.select(idx):
            self.move_cursor(*map(float, self.session.latent_map.coords[idx]))

    def clear_selection(self) -> None:
        self.session.deselect()
        self._selection_changed(-1)

    def _refresh_card(self) -> None:
        """Show the selected design's card; its pictures are made in the card worker."""
        s, idx = self.session, self.session.selected
        x = s.designs.batch([idx])[0] if s.designs is not None and len(s.designs) == len(s.paths) else None
        self.item_card.show_item(idx, s.path_of(idx), self._card_details(idx), x is not None)
        self._card_jobs.submit(s.context.job(index=idx, z=s.latent_map.encodings[idx], x=x))

    def _card_details(self, idx: int) -> str:
        return card_details(self.session.label_of(idx), self.colours.current_errors(), idx)

    # ------------------------------------------------------------------ projection, colours, backdrop
    def show_errors(self, errors: np.ndarray) -> None:
        """Reconstruction errors computed elsewhere (a benchmark's or a test's): see PointColours."""
        self.colours.show_errors(errors)

    def _projection_failed(self, msg: str) -> None:
        self.status.setText(self.tr("Projection failed: {0}").format(msg))
        self.header.back_to_pca()

    def _errors_ready(self) -> None:
        if self.session.selected >= 0:
            self.item_card.set_details(self._card_details(self.session.selected))

    def _backdrop_job(self) -> dict | None:
        s = self.session
        return self.view.backdrop_job(s.context, s.latent_map) if s.has_map else None

    # ------------------------------------------------------------------ pins, exports, comparison
    def pin(self, name: str | None = None):
        """Pin the design on show (its thumbnail from the preview)."""
        return self.pins.pin_current(self.live.last_result, name)

    def pin_latents(self, zs, names, source: str, parents=None, weights=None) -> list:
        return self.pins.pin_latents(zs, names, source, parents, weights)

    def export_current(self, path: str | None = None) -> list:
        return self.exporter.export_current(path)

    def export_pins(self, folder: str | None = None) -> list:
        return self.exporter.export_pins(self.gallery.selected_pins() or self.gallery.pins(), folder)

    def _export_sequence(self, items, folder: str | None, title: str) -> list:
        return self.exporter.export_sequence(items, folder, title)

    def compare_pins(self) -> CompareView | None:
        """Open the side-by-side comparison of the selected pins (2..8), decoded in its own worker."""
        pins, s = self.gallery.selected_pins(), self.session
        if not MIN_COMPARE <= len(pins) <= MAX_COMPARE or not s.has_map:
            self.status.setText(self.tr("Select {0} to {1} pins to compare them").format(MIN_COMPARE, MAX_COMPARE))
            return None
        if self.compare_view is None:
            self.compare_view = CompareView(self)
        ctx = s.context
        self.compare_view.show_pins(pins, config=ctx.config, weights=ctx.weights, weights_key=ctx.key,
                                    kind=ctx.kind, background=ctx.background, latent_map=s.latent_map,
                                    paths=s.paths, designs=s.designs, look=ctx.look,
                                    frame=self.steering.frame())
        self.compare_view.show()
        self.compare_view.raise_()
        return self.compare_view

    # ------------------------------------------------------------------ misc
    def _update_enabled(self) -> None:
        has, saved = self.session.has_map, self.session.project is not None
        selected = len(self.gallery.selectedItems())
        self.panel.set_enabled(has, saved)
        self.export_pins_button.setEnabled(bool(self.session.pins) and saved)
        self.remove_pin_button.setEnabled(selected > 0)
        self.compare_button.setEnabled(has and MIN_COMPARE <= selected <= MAX_COMPARE)
        self.tools.update_enabled(has, selected)

    def _retheme(self, t) -> None:
        self.view.retheme(t)
        self.colour_bar.retheme(t)
        self.panel.retheme(t)
        self.colours.apply()

    def shutdown(self) -> None:
        self.strips.shutdown()
        self.tool_tabs.shutdown()
        if self.compare_view is not None:
            self.compare_view.shutdown()
        self.live.shutdown()
        for worker in (self._fitter, self._card_jobs):
            worker.shutdown(wait=True)
        for part in (self.projections, self.colours, self.backdrop, self.steering):
            part.shutdown()
