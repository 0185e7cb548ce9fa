"""The map's live preview of the design under the cursor: a picture, or a 3D mesh to orbit.

Both views record which decode (``seq``) they last put on screen and when, and
emit ``painted(seq)`` from their paint handler: that is what the latency
benchmark measures (cursor move -> pixels repainted).  The 3D view needs an
OpenGL context (a real X server, or Xvfb); :func:`gl_available` says whether
one can be had, and the page falls back to a shaded voxel picture otherwise.
"""

from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter
from PySide6.QtWidgets import QWidget

from . import theme


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
        self.placeholder = "Drag the cursor on the map"

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
    import pyqtgraph.opengl as gl
    from pyqtgraph.opengl.GLViewWidget import GLViewMixin
    from PySide6.QtOpenGL import QOpenGLWindow

    class MeshPreview(GLViewMixin, QOpenGLWindow):
        painted = Signal(int)

        def __init__(self):
            super().__init__()
            self.setObjectName("MapMeshPreview")
            self.seq = -1
            self.painted_seq = -1
            self.painted_at = 0.0
            self.n_faces = 0
            self._mesh = gl.GLMeshItem(vertexes=np.zeros((3, 3), np.float32), faces=np.array([[0, 1, 2]]),
                                       smooth=True, shader="shaded", color=(0.55, 0.7, 0.95, 1.0),
                                       drawEdges=False)
            self._mesh.setVisible(False)
            self._grid = gl.GLGridItem()
            self._grid.setSize(40, 40)
            self._grid.setSpacing(4, 4)
            self._grid.translate(0, 0, -16)
            self.addItem(self._grid)
            self.addItem(self._mesh)
            self.setCameraPosition(distance=58, elevation=22, azimuth=-55)
            self.retheme(theme.current())

        def initializeGL(self):
            # pyqtgraph compiles its shader programs once per process and keeps their ids; a view
            # in a new window has a new OpenGL context where those ids mean nothing (GLError
            # "invalid value").  Without a global share context, compile them afresh for this one.
            from PySide6.QtGui import QOpenGLContext

            if QOpenGLContext.globalShareContext() is None:
                from pyqtgraph.opengl import shaders

                for program in shaders.ShaderProgram.names.values():
                    program.prog = None
                    for shader in program.shaders:
                        shader.compiled = None
                for cls in vars(gl).values():  # item classes caching their own program (GLLinePlotItem)
                    if isinstance(cls, type) and "_shaderProgram" in vars(cls):
                        cls._shaderProgram = None
            super().initializeGL()

        def retheme(self, t) -> None:
            self.setBackgroundColor(QColor(t.base))
            self._mesh.setColor((0.62, 0.78, 1.0, 1.0) if t.dark else (0.45, 0.62, 0.92, 1.0))
            g = QColor(t.border)
            self._grid.setColor((g.red(), g.green(), g.blue(), 255))

        def set_mesh(self, verts: np.ndarray, faces: np.ndarray, seq: int, normals=None) -> None:
            self.seq = seq
            self.n_faces = len(faces)
            if len(faces) == 0:
                self._mesh.setVisible(False)
            else:
                # the decoder's grid is indexed [x, y, z]; show z (the model's up) upwards
                md = gl.MeshData(vertexes=verts, faces=faces)
                if normals is not None and len(normals) == len(verts):
                    md._vertexNormals = normals  # precomputed (see map_decoder.render)
                self._mesh.setMeshData(meshdata=md)
                self._mesh.setVisible(True)
            self.update()

        def paintGL(self, *args, **kwargs):
            super().paintGL(*args, **kwargs)
            self.painted_seq = self.seq
            self.painted_at = time.perf_counter()
            self.painted.emit(self.seq)

    view = MeshPreview()
    container = QWidget.createWindowContainer(view, parent)
    container.setObjectName("MapMeshPreviewContainer")
    container.setMinimumSize(160, 160)
    container.setToolTip("Drag to orbit, wheel to zoom, middle button to pan")
    return view, container
