"""The map's 3D preview: pyqtgraph's GL view of a decoded mesh, drawn in a ``QOpenGLWindow``.

Imported only by :func:`~.preview_view.make_mesh_view`, once an OpenGL view can be had
(:func:`~.preview_view.gl_available`): importing it imports pyqtgraph's OpenGL modules.
"""

from __future__ import annotations

import time

import numpy as np
import pyqtgraph.opengl as gl
from pyqtgraph.opengl.GLViewWidget import GLViewMixin
from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtOpenGL import QOpenGLWindow

from ..common import theme


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

