"""Many map points drawn as one picture: the Map page's item for large maps.

pyqtgraph's :class:`~pyqtgraph.ScatterPlotItem` draws every point as a pixmap
fragment and keeps Python-side bookkeeping per point: at 100k points a frame of
pan or zoom costs ~50 ms in the points alone, and recolouring them (a brush per
point) stalls the GUI thread for a second.  :class:`PointCloud` holds the points
as arrays and rasterises them itself, with numpy, into one image the size of the
part of the screen they cover:

* map coordinates -> device pixels through the painter's transform (vectorised),
  points off screen dropped;
* each point is stamped as a small disc: a fixed pattern of pixel offsets with
  their coverage of a disc of ``size`` pixels (premultiplied ARGB scaled by the
  coverage).  The faint rim pixels of every point are written first and the
  full ones last, so a point's core is never hidden under a neighbour's rim,
  and later points lie over earlier ones;
* the image is drawn with one ``drawImage``, and kept while the view's transform
  and the data stay the same: repaints that only uncover part of the plot (the
  hover card moving over it) reuse it.

Colours are one premultiplied ARGB ``uint32`` per point (:func:`argb32`), so
recolouring (labels, reconstruction error) is replacing an array.  Points can be
hidden by group (a label, from the legend) with :meth:`PointCloud.set_shown`.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QImage, QPainter, QTransform
from PySide6.QtWidgets import QWidget


def argb32(rgba) -> np.ndarray:
    """(N, 4) RGBA (0-255) -> (N,) uint32 premultiplied ARGB (QImage.Format_ARGB32_Premultiplied)."""
    c = np.asarray(rgba, np.uint32).reshape(-1, 4)
    a = c[:, 3]
    r, g, b = ((c[:, k] * a + 127) // 255 for k in range(3))
    return ((a << 24) | (r << 16) | (g << 8) | b).astype(np.uint32)


def scale_argb32(colours: np.ndarray, factor: float) -> np.ndarray:
    """Premultiplied ARGB colours with their alpha (and so every channel) times ``factor``."""
    if factor >= 1.0:
        return np.ascontiguousarray(colours, np.uint32)
    c = np.ascontiguousarray(colours, np.uint32).view(np.uint8).reshape(-1, 4)
    out = (c.astype(np.float32) * np.float32(factor) + np.float32(0.5)).astype(np.uint8)
    return out.reshape(-1).view(np.uint32)


def disc_stamp(size: float, samples: int = 16) -> list[tuple[float, list[tuple[int, int]]]]:
    """The pixels of a disc ``size`` pixels across centred on a pixel's centre: [(coverage,
    [(dx, dy), ...]), ...], grouped by coverage, faintest first (the order they are drawn in)."""
    radius = max(float(size), 1.0) / 2.0
    reach = int(np.ceil(radius - 0.5))
    sub = (np.arange(samples) + 0.5) / samples - 0.5
    groups: dict[float, list[tuple[int, int]]] = {}
    for dy in range(-reach, reach + 1):
        for dx in range(-reach, reach + 1):
            sx, sy = np.meshgrid(dx + sub, dy + sub)
            cover = float(np.mean(sx * sx + sy * sy <= radius * radius))
            if dx == 0 and dy == 0:
                cover = 1.0
            if cover >= 0.1:
                groups.setdefault(round(min(cover * 1.15, 1.0), 2), []).append((dx, dy))
    return sorted(groups.items())


class PointCloud(pg.GraphicsObject):
    """Points (N, 2) in map coordinates drawn as small discs of one colour each.

    ``set_data(pos, colours)``, ``set_colours(colours)`` (cheap), ``set_shown(mask)``.
    ``renders`` counts rasterisations (a repaint with an unchanged view reuses the last).
    """

    def __init__(self, pos=None, colours=None, size: float = 3.0, parent=None):
        super().__init__(parent)
        self.size = float(size)
        self._stamp = disc_stamp(self.size)
        self._reach = max(max(max(abs(dx), abs(dy)) for dx, dy in offs) for _c, offs in self._stamp)
        self.pos = np.zeros((0, 2), np.float64)
        self.colours = np.zeros(0, np.uint32)
        self._shown: np.ndarray | None = None
        self._x = self._y = np.zeros(0)
        self._levels: list[np.ndarray] = []
        self._rect: QRectF | None = None
        self._version = 0
        self._cache = None  # (key, QImage, (x, y) where it is drawn)
        self._buffer: np.ndarray | None = None
        self.renders = 0
        if pos is not None:
            self.set_data(pos, colours)

    # ------------------------------------------------------------------ data
    def set_data(self, pos, colours=None) -> None:
        """New positions (and colours; else the old ones if the count is the same, or white)."""
        pos = np.asarray(pos, np.float64).reshape(-1, 2)
        self.prepareGeometryChange()
        self.pos = pos
        if colours is None:
            colours = self.colours if len(self.colours) == len(pos) else np.full(len(pos), 0xFFFFFFFF, np.uint32)
        if self._shown is not None and len(self._shown) != len(pos):
            self._shown = None
        self.colours = self._as_colours(colours, len(pos))
        if len(pos):
            finite = np.isfinite(pos).all(axis=1)
            p = pos[finite] if not finite.all() else pos
            if len(p):
                (x0, y0), (x1, y1) = p.min(axis=0), p.max(axis=0)
                self._rect = QRectF(float(x0), float(y0), float(x1 - x0), float(y1 - y0))
            else:
                self._rect = None
        else:
            self._rect = None
        self._derive()
        self.informViewBoundsChanged()

    def set_colours(self, colours) -> None:
        """One colour per point: (N,) uint32 premultiplied ARGB (:func:`argb32`) or (N, 4) RGBA."""
        self.colours = self._as_colours(colours, len(self.pos))
        self._derive()

    def set_shown(self, shown: np.ndarray | None) -> None:
        """Which points are drawn (a bool per point), or None for all."""
        self._shown = None if shown is None or bool(np.all(shown)) else np.asarray(shown, bool).copy()
        self._derive()

    @staticmethod
    def _as_colours(colours, n: int) -> np.ndarray:
        c = np.asarray(colours)
        if c.dtype != np.uint32 or c.ndim != 1:
            c = argb32(c)
        if len(c) != n:
            raise ValueError(f"{len(c)} colours for {n} points")
        return np.ascontiguousarray(c)

    def _derive(self) -> None:
        """What a raster needs: the shown points' coordinates and their colours at each coverage."""
        pos, col = self.pos, self.colours
        if self._shown is not None:
            pos, col = pos[self._shown], col[self._shown]
        self._x, self._y = np.ascontiguousarray(pos[:, 0]), np.ascontiguousarray(pos[:, 1])
        self._levels = [scale_argb32(col, cover) for cover, _offs in self._stamp]
        self._version += 1
        self._cache = None
        self.update()

    # ------------------------------------------------------------------ pyqtgraph item API
    def dataBounds(self, ax: int, frac: float = 1.0, orthoRange=None):
        if not len(self.pos):
            return None, None
        d = self.pos[:, ax]
        if orthoRange is not None:
            o = self.pos[:, 1 - ax]
            d = d[(o >= orthoRange[0]) & (o <= orthoRange[1])]
        d = d[np.isfinite(d)]
        if not len(d):
            return None, None
        if frac >= 1.0:
            return float(d.min()), float(d.max())
        return tuple(float(v) for v in np.percentile(d, [50 * (1 - frac), 50 * (1 + frac)]))

    def pixelPadding(self) -> float:
        return self._reach + 0.5

    def boundingRect(self) -> QRectF:
        if self._rect is None:
            return QRectF()
        px, py = self.pixelVectors()
        if px is None:
            return QRectF(self._rect)
        pad = self.pixelPadding()
        dx, dy = px.length() * pad, py.length() * pad
        return self._rect.adjusted(-dx, -dy, dx, dy)

    def viewTransformChanged(self) -> None:
        self.prepareGeometryChange()
        super().viewTransformChanged()

    # ------------------------------------------------------------------ drawing
    @staticmethod
    def _device_rect(p: QPainter) -> tuple[QRectF, float]:
        """The painted device's rectangle in its logical pixels, and its device pixel ratio."""
        dev = p.device()
        dpr = float(dev.devicePixelRatioF()) if dev is not None else 1.0
        if dev is None:
            return QRectF(p.viewport()), dpr
        if isinstance(dev, QWidget):
            return QRectF(0, 0, dev.width(), dev.height()), dpr
        return QRectF(0, 0, dev.width() / dpr, dev.height() / dpr), dpr

    def paint(self, p: QPainter, *_args) -> None:
        if self._rect is None or not len(self._x):
            return
        tr = p.combinedTransform()
        device, dpr = self._device_rect(p)
        r = self._reach / dpr
        area = tr.mapRect(self._rect).adjusted(-r - 1, -r - 1, r + 1, r + 1).intersected(device)
        if area.isEmpty():
            return
        x0, y0 = int(np.floor(area.left())), int(np.floor(area.top()))
        w, h = int(np.ceil(area.right())) - x0, int(np.ceil(area.bottom())) - y0
        key = (tr.m11(), tr.m12(), tr.m21(), tr.m22(), tr.dx(), tr.dy(), x0, y0, w, h, dpr, self._version)
        if self._cache is None or self._cache[0] != key:
            img, at = self._raster(tr, x0, y0, w, h, dpr)
            self._cache = (key, img, at)
        _key, img, at = self._cache
        p.save()
        p.resetTransform()
        p.drawImage(at, img)
        p.restore()

    def _raster(self, tr: QTransform, x0: int, y0: int, w: int, h: int, dpr: float) -> tuple[QImage, QPointF]:
        """The points in device pixels x0..x0+w, y0..y0+h, as an image with a margin of 2 reaches
        (so that no stamp leaves it) and where to draw it."""
        self.renders += 1
        reach = self._reach
        pad = 2 * reach
        bw, bh = int(np.ceil(w * dpr)) + 2 * pad, int(np.ceil(h * dpr)) + 2 * pad
        # map -> buffer pixels: device = T(map); buffer = (device - origin) * dpr + pad
        ox, oy = pad - x0 * dpr, pad - y0 * dpr
        x, y = self._x, self._y
        if tr.m12() == 0.0 and tr.m21() == 0.0:
            u = x * (tr.m11() * dpr) + (tr.dx() * dpr + ox)
            v = y * (tr.m22() * dpr) + (tr.dy() * dpr + oy)
        else:
            u = (x * tr.m11() + y * tr.m21() + tr.dx()) * dpr + ox
            v = (x * tr.m12() + y * tr.m22() + tr.dy()) * dpr + oy
        # centres within the margin's inner half: every offset of the stamp stays in the buffer
        inside = (u >= reach) & (u < bw - reach) & (v >= reach) & (v < bh - reach)
        if inside.all():
            sel, levels = None, self._levels
        else:
            sel = np.flatnonzero(inside)
            u, v = u[sel], v[sel]
            levels = [lv[sel] for lv in self._levels]
        idx = v.astype(np.intp)
        idx *= bw
        idx += u.astype(np.intp)
        size = bw * bh
        if self._buffer is None or len(self._buffer) != size:
            self._buffer = np.zeros(size, np.uint32)
        else:
            self._buffer.fill(0)
        buf = self._buffer
        if len(idx):
            for (_cover, offsets), colours in zip(self._stamp, levels):
                for dx, dy in offsets:
                    off = dy * bw + dx
                    buf[idx + off if off else idx] = colours
        img = pg.functions.ndarray_to_qimage(buf.reshape(bh, bw), QImage.Format.Format_ARGB32_Premultiplied)
        img.setDevicePixelRatio(dpr)
        return img, QPointF(x0 - pad / dpr, y0 - pad / dpr)

    def render_colour_at(self, x: float, y: float) -> int | None:
        """The premultiplied ARGB the last raster has at map point (x, y) (tests, debugging)."""
        if self._cache is None:
            return None
        key, img, at = self._cache
        m11, m12, m21, m22, dx, dy = key[:6]
        dpr = key[10]
        px = ((x * m11 + y * m21 + dx) - at.x()) * dpr
        py = ((x * m12 + y * m22 + dy) - at.y()) * dpr
        i, j = int(np.floor(px)), int(np.floor(py))
        if not (0 <= i < img.width() and 0 <= j < img.height()):
            return None
        return int(self._buffer[j * img.width() + i])
