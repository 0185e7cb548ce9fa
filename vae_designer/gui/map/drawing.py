"""The Map page's points: how the encodings are laid out, drawn and coloured (a mixin of MapPage).

* Layout: the projection combo (PCA, two latent dimensions, UMAP when installed);
  a refit runs in a thread (``projection_job``) and comes back to ``_show_projection``.
* Drawing: one :class:`pyqtgraph.ScatterPlotItem` per label (one brush each, pixel
  mode, cached symbols) up to ``BIG_MAP`` points; above, one
  :class:`~.point_cloud.PointCloud` that rasterises all points with numpy into one
  image (a pan or zoom frame of 100k points in ~10 ms, recolouring = replacing a
  colour array), its legend drawn from small stand-in items.
* Colour by label, or by reconstruction error (computed once per model in a thread,
  :mod:`.map_colour`); the optional backdrop of decoded designs (:mod:`.map_backdrop`).

State lives on the page (``self`` is the :class:`~.map_page.MapPage`).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor

from ..common import theme
from .colour import brush_table, colour_lut, value_bins, value_range
from .point_cloud import PointCloud, argb32

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


class MapDrawing:
    """Projection, points, legend, colouring and backdrop of the :class:`~.map_page.MapPage`."""

    # ------------------------------------------------------------------ drawing
    def _fill_projection_combo(self, d: int) -> None:
        from vae_designer.core.latent.space import active_dimensions

        order = active_dimensions(self.encodings)
        self.projection.blockSignals(True)
        self.projection.clear()
        self.projection.addItem("PCA (principal components)", ("pca", (0, 1)))
        from vae_designer.core.latent.space import umap_available

        if umap_available() and len(self.encodings) >= 4:
            self.projection.addItem("UMAP (neighbourhoods)", ("umap", (0, 1)))
        pairs = [(order[a], order[b]) for a in range(min(d, 6)) for b in range(a + 1, min(d, 6))]
        for i, j in pairs:
            self.projection.addItem(f"latent dims {i} × {j}", ("dims", (i, j)))
        self.projection.setCurrentIndex(0)
        self.projection.blockSignals(False)

    def _projection_changed(self, index: int) -> None:
        from vae_designer.core.latent.space import LatentMap

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
        self.show_all_designs()  # another projection: a new picture, shown whole
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
        if drawn and self._drawn_labels is not None \
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

    def show_errors(self, errors: np.ndarray) -> None:
        """Reconstruction errors of the shown designs computed elsewhere (a benchmark's or a test's
        synthetic ones), used as if the error thread had delivered them for the current model."""
        self.errors.provide(np.asarray(errors, np.float32), ((id(self.weights), self.weights_key),
                                                              tuple(self.paths)))

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
        if self._coloured_by_error:
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
        from .backdrop import LATTICE

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
