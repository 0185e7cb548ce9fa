"""The map's live preview of the design under the cursor: a picture, or a 3D mesh to orbit.

Both views record which decode (``seq``) they last put on screen and when, and
emit ``painted(seq)`` from their paint handler: that is what the latency
benchmark measures (cursor move -> pixels repainted).  The 3D view
(``mesh_preview``) needs an OpenGL context (a real X server, or Xvfb);
:func:`gl_available` says whether one can be had, and the page falls back to a
shaded voxel picture otherwise.
"""

from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QCoreApplication, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter
from PySide6.QtWidgets import QWidget

from ..common import theme


def gl_available() -> bool:
    """An OpenGL view can be created (not on Qt's offscreen/minimal platforms)."""
    name = QGuiApplication.platformName().lower()
    if name in ("offscreen", "minimal", "vnc"):
        return False
    try:
        import OpenGL.GL  # noqa: F401
        import pyqtgraph.opengl  # noqa: F401
    except Exception:  # noqa: BLE001
        return False
    return True


def qimage_from_rgb(rgb: np.ndarray) -> QImage:
    rgb = np.ascontiguousarray(rgb[..., :3], dtype=np.uint8)
    h, w = rgb.shape[:2]
    img = QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888)
    return img.copy()  # own the pixels: rgb may go away


class ImagePreview(QWidget):
    """A decoded picture, scaled to fit (aspect kept), on the theme's plot background."""

    painted = Signal(int)

    def __init__(self, parent: QWidget | None = None, smooth: bool = True):
        super().__init__(parent)
        self.setObjectName("MapImagePreview")
        self.setMinimumSize(160, 160)
        self._image: QImage | None = None
        self._smooth = smooth
        self.seq = -1  # decode shown
        self.painted_seq = -1
        self.painted_at = 0.0
        self.placeholder = self.tr("Drag the cursor on the map")

    def display_side(self) -> int:
        """Side in pixels of the square the picture fills."""
        return max(1, min(self.width(), self.height()) - 16)

    def set_rgb(self, rgb: np.ndarray, seq: int) -> None:
        self._image = qimage_from_rgb(rgb)
        self.seq = seq
        self.update()

    def clear(self) -> None:
        self._image = None
        self.seq = -1
        self.update()

    def pixels(self) -> np.ndarray | None:
        """The picture shown (H, W, 3) (tests compare these)."""
        if self._image is None:
            return None
        img = self._image.convertToFormat(QImage.Format.Format_RGB888)
        ptr = img.constBits()
        a = np.frombuffer(ptr, np.uint8, img.sizeInBytes()).reshape(img.height(), img.bytesPerLine())
        return a[:, : 3 * img.width()].reshape(img.height(), img.width(), 3).copy()

    def paintEvent(self, event) -> None:
        t = theme.current()
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(t.base))
        if self._image is None:
            p.setPen(QColor(t.muted))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.placeholder)
        else:
            side = self.display_side()
            r = QRectF((self.width() - side) // 2, (self.height() - side) // 2, side, side)
            # the decoded picture is small (64 px): Qt's smooth scaling takes ~0.3 ms
            p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, self._smooth)
            p.drawImage(r, self._image)
            p.setPen(QColor(t.border))
            p.drawRect(r)
        p.end()
        self.painted_seq = self.seq
        self.painted_at = time.perf_counter()
        self.painted.emit(self.seq)


def make_mesh_view(parent: QWidget | None = None):
    """A shaded, orbitable mesh view; call only when :func:`gl_available`.

    Returns ``(view, widget)``: the view is pyqtgraph's GL view (orbit with the
    left button, pan with the middle one, zoom with the wheel) built on a
    ``QOpenGLWindow`` (pyqtgraph's ``GLViewMixin``), and the widget is its
    container to put in a layout.  A ``QOpenGLWidget`` (``GLViewWidget``) would
    make Qt compose the *whole* top-level window through OpenGL on every frame:
    with a software renderer (llvmpipe, Xvfb) that alone costs ~25 ms a frame.
    A native child window repaints only itself.
    """
    from .mesh_preview import MeshPreview  # imports pyqtgraph.opengl: only once a GL view is wanted

    view = MeshPreview()
    container = QWidget.createWindowContainer(view, parent)
    container.setObjectName("MapMeshPreviewContainer")
    container.setMinimumSize(160, 160)
    container.setToolTip(QCoreApplication.translate("MeshPreview",
                                                    "Drag to orbit, wheel to zoom, middle button to pan"))
    return view, container
