"""The map's optional backdrop: a lattice of decoded designs behind the points.

With "Backdrop" on, the map shows what the model makes at evenly spaced map
points (a ``LATTICE`` x ``LATTICE`` grid over the map's bounds, lifted to latent
vectors by ``LatentMap.lift`` exactly as the cursor is), as small thumbnails in
one dimmed image behind the training points: the whole landscape at a glance,
before dragging.  The decoding and drawing run in a worker thread with the map's
shared model (:func:`.map_decoder.model_for`); the GUI thread only
tints the composite and hands it to a :class:`pyqtgraph.ImageItem`.  It is
recomputed when the map is refitted or the model changes, only while on.

The composite carries the design as alpha (ink for images, the shaded render's
silhouette for meshes), so it sits on the plot's own background in either look;
grey images are tinted with the theme's text colour, colour images and mesh
renders keep their colours.
"""

from __future__ import annotations

import time

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QObject, QRectF, Signal
from PySide6.QtGui import QColor

from ..common.jobs import LatestJobs
from .decoder import model_for

LATTICE = 12
CELL = 64  # pixels per lattice cell in the composite
FILL = 0.86  # share of a cell the thumbnail takes (a small gap between designs)
OPACITY = {"light": 0.42, "dark": 0.5}
MESH_BACKGROUND = (24, 26, 30)  # core.export.preview.render_voxels' background


def lattice_points(bounds: tuple[float, float, float, float], n: int) -> np.ndarray:
    """(n*n, 2) cell centres, row by row from the top (highest y) as a picture is laid out."""
    x0, x1, y0, y1 = bounds
    xs = x0 + (np.arange(n) + 0.5) * (x1 - x0) / n
    ys = y0 + (np.arange(n) + 0.5) * (y1 - y0) / n
    gx, gy = np.meshgrid(xs, ys[::-1])
    return np.stack([gx.ravel(), gy.ravel()], axis=1)


class BackdropJob:
    """Worker callable: decode the lattice and compose it into one picture (rgb or None, alpha)."""

    def __call__(self, job: dict) -> dict:
        from vae_designer.core.training import decode_latents

        t0 = time.perf_counter()
        n, cell = int(job.get("n", LATTICE)), int(job.get("cell", CELL))
        bounds = tuple(map(float, job["bounds"]))
        z = job["latent_map"].lift(lattice_points(bounds, n))
        model = model_for(job["config"], job["weights"])
        probs = decode_latents(model, z, batch_size=36)
        # the picture is stretched onto the map's rectangle, whose cells are rarely square on screen:
        # thumbnails are drawn pre-squeezed (tw x th) so that they look square there
        cw, ch = job.get("screen_cell") or (1.0, 1.0)
        side_px = FILL * min(cw, ch)
        tw = max(4, min(cell, round(side_px * cell / cw)))
        th = max(4, min(cell, round(side_px * cell / ch)))
        inner = max(tw, th)
        side = n * cell
        alpha = np.zeros((side, side), np.uint8)
        colour = job["kind"] == "mesh" or probs.shape[1] == 3
        rgb = np.zeros((side, side, 3), np.uint8) if colour else None
        for k, p in enumerate(probs):
            r, c = divmod(k, n)
            y, x = r * cell + (cell - th) // 2, c * cell + (cell - tw) // 2
            if job["kind"] == "mesh":
                from vae_designer.core.export.preview import render_voxels

                tile = render_voxels((p[0] if p.ndim == 4 else p) > 0.5, inner)
                a = np.where((tile != MESH_BACKGROUND).any(axis=-1), 255, 0).astype(np.uint8)
                rgb[y : y + th, x : x + tw] = _fit(tile, tw, th)
                a = _fit(a, tw, th)
            else:
                ink = np.clip(p.max(axis=0), 0, 1)
                a = _fit((ink * 255).astype(np.uint8), tw, th)
                if rgb is not None:
                    from vae_designer.core.export.files import image_from_probs

                    tile = image_from_probs(p, job.get("background") or (1.0, 1.0, 1.0))
                    rgb[y : y + th, x : x + tw] = _fit(tile, tw, th)
            alpha[y : y + th, x : x + tw] = a
        return {"rgb": rgb, "alpha": alpha, "bounds": bounds, "n": n, "seconds": time.perf_counter() - t0}


def _fit(a: np.ndarray, w: int, h: int) -> np.ndarray:
    """A picture resized to w x h (bilinear)."""
    from PIL import Image

    if a.shape[1] == w and a.shape[0] == h:
        return a
    return np.asarray(Image.fromarray(a).resize((w, h), Image.Resampling.BILINEAR))


class MapBackdrop(QObject):
    """Owns the backdrop's image item and worker; ``updated`` after each new picture."""

    updated = Signal()
    failed = Signal(str)

    def __init__(self, plot_item, parent: QObject | None = None):
        super().__init__(parent)
        self.item = pg.ImageItem(axisOrder="row-major")
        self.item.setZValue(-50)
        self.item.setVisible(False)
        plot_item.addItem(self.item, ignoreBounds=True)
        self.enabled = False
        self.updates = 0
        self.last: dict | None = None
        self._seq = 0
        self._tint = QColor("#1c2026")
        self._opacity = OPACITY["light"]
        self._jobs = LatestJobs(BackdropJob(), name="map-backdrop", parent=self)
        self._jobs.done.connect(self._done)
        self._jobs.failed.connect(lambda _t, msg: self.failed.emit(msg))

    def set_enabled(self, on: bool, job: dict | None = None) -> None:
        self.enabled = bool(on)
        if not self.enabled:
            self.item.setVisible(False)
            self._seq += 1  # a picture still being made is not shown
        elif job is not None:
            self.refresh(job)

    def refresh(self, job: dict) -> None:
        """Make the backdrop for this map and model (only while on; the newest request wins)."""
        if not self.enabled:
            return
        self._seq += 1
        self._jobs.submit(job, tag=self._seq)

    def clear(self) -> None:
        self._seq += 1
        self.last = None
        self.item.setVisible(False)

    def _done(self, tag, out: dict) -> None:
        if not self.enabled or tag != self._seq:
            return
        self.last = out
        self._show()
        self.updates += 1
        self.updated.emit()

    def rgba(self) -> np.ndarray | None:
        """The composite as shown (before the vertical flip for the plot): (H, W, 4) uint8."""
        out = self.last
        if out is None:
            return None
        a = out["alpha"]
        rgba = np.empty((*a.shape, 4), np.uint8)
        if out["rgb"] is not None:
            rgba[..., :3] = out["rgb"]
        else:
            rgba[..., :3] = (self._tint.red(), self._tint.green(), self._tint.blue())
        rgba[..., 3] = a
        return rgba

    def _show(self) -> None:
        rgba = self.rgba()
        if rgba is None:
            return
        x0, x1, y0, y1 = self.last["bounds"]
        # row-major image rows run along +y, and +y is up on the map: flip so row 0 is the top
        self.item.setImage(np.ascontiguousarray(rgba[::-1]), autoLevels=False, levels=(0, 255))
        self.item.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))
        self.item.setOpacity(self._opacity)
        self.item.setVisible(True)

    def retheme(self, t) -> None:
        self._tint = QColor(t.text)
        self._opacity = OPACITY["dark" if t.dark else "light"]
        if self.last is not None and self.enabled:
            self._show()

    def shutdown(self) -> None:
        self._jobs.shutdown(wait=True)
