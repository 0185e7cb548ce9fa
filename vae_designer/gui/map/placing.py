"""Your own design on the map: File → Place Design…, or an image or mesh file dropped on the map.

:class:`DesignPlacer` preprocesses and encodes the file in a worker (``core.latent.placing``:
exactly as the training set was), then pins it (source "placed", its thumbnail decoded) and
shows it, so every tool starts from it.  The pin's point on the map is drawn by
:mod:`.placed_marks`.  The design as the model sees it (the preprocessed file) is kept, so that
completion keeps the designer's own pixels or voxels, not their decoding
(:meth:`DesignPlacer.input_for`).  :class:`DropOnMap` is the event filter that takes design files
dropped on the plot (folders and projects still go to the window, which opens them).
"""

from __future__ import annotations

import os

import numpy as np
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from ..common.workers import FunctionJob, start_worker


def file_filter(kind: str) -> str:
    """The file dialog's filter for designs of ``kind``."""
    if kind == "image":
        return QCoreApplication.translate("DesignPlacer", "Images (*.png *.jpg *.jpeg *.bmp *.gif *.tif *.tiff *.webp)")
    return QCoreApplication.translate("DesignPlacer", "Meshes (*.stl *.obj *.ply *.off *.glb *.gltf)")


def place_job(job: dict) -> dict:
    """Worker: preprocess and encode the file, decode its thumbnail (what the pin shows)."""
    from vae_designer.core.latent.placing import place_file

    from .decoder import MapDecoder

    ref = place_file(job["path"], job["config"], job["weights"], job["manifest"])
    out = MapDecoder()({**job, "seq": 0, "z": ref.z, "mesh_as_image": True, "latent_map": None})
    return {"design": ref, "thumb": out["image"], "path": job["path"]}


class DesignPlacer(QObject):
    """Place design files on the session's map.  ``placed(pin)`` once one is on it."""

    placed = Signal(object)

    def __init__(self, session, status, parent: QObject | None = None):
        super().__init__(parent)
        self.session = session
        self._status = status
        self._inputs: list[tuple[np.ndarray, np.ndarray]] = []  # (z, model input) of placed designs
        self._jobs: list[FunctionJob] = []

    @property
    def busy(self) -> bool:
        return bool(self._jobs)

    def ask(self, parent: QWidget | None = None) -> None:
        """File → Place Design…: choose a file of the project's kind."""
        s = self.session
        if not s.has_map:
            self._status(self.tr("Open a trained model first: a design is placed on its map"))
            return
        path, _ = QFileDialog.getOpenFileName(parent, self.tr("Place a design on the map"), "", file_filter(s.kind))
        if path:
            self.place(path)

    def place(self, path: str) -> bool:
        """Preprocess, encode and pin ``path`` in a worker; False when there is no map to place it on."""
        s = self.session
        if not s.has_map:
            self._status(self.tr("Open a trained model first: a design is placed on its map"))
            return False
        manifest = s.project.manifest if s.project is not None else None
        if manifest is None and s.designs is not None:
            manifest = {"settings": s.designs.settings.to_dict()}
        if manifest is None:
            self._status(self.tr("Placing a design needs the model's preprocessing settings: save the project "
                                 "first"))
            return False
        ctx = s.context
        job = FunctionJob(place_job, ctx.job(path=str(path), manifest=manifest), name="place-design",
                          background=False)
        job.returned.connect(lambda out, key=ctx.key: self._done(out, key))
        name = os.path.basename(path)
        job.failed.connect(lambda msg: self._status(self.tr("Cannot place {0}: {1}").format(name, msg)))
        job.finished.connect(lambda j=job: self._jobs.remove(j) if j in self._jobs else None)
        self._jobs.append(job)
        self._status(self.tr("Placing {0}…").format(name))
        start_worker(job)
        return True

    def _done(self, out: dict, key) -> None:
        from vae_designer.core.latent.session import Pin

        s = self.session
        if not s.has_map or s.context.key != key:
            return  # another model by now: its map has other coordinates
        ref = out["design"]
        name = os.path.splitext(ref.name)[0]
        pin = Pin(name, ref.z.copy(), out["thumb"], source="placed", parents=[ref.name], extra={"placed": ref.name})
        s.add_pins([pin])
        self._inputs.append((ref.z.copy(), ref.x))
        s.show(ref.z, "placed", {"placed": ref.name})
        self._status(self.tr("Placed {0} on the map (pinned as {1})").format(ref.name, pin.name))
        self.placed.emit(pin)

    def input_for(self, z) -> np.ndarray | None:
        """The preprocessed file of the placed design with latent ``z`` (None: not a placed design)."""
        for zi, x in self._inputs:
            if np.array_equal(zi, np.asarray(z, np.float32)):
                return x
        return None

    def shutdown(self) -> None:
        for job in list(self._jobs):
            job.wait(30)


class DropOnMap(QObject):
    """Event filter on the plot's viewport: a dropped image or mesh file is placed on the map."""

    def __init__(self, widget: QWidget, placer: DesignPlacer, parent: QObject | None = None):
        super().__init__(parent)
        self.placer = placer
        widget.setAcceptDrops(True)
        self._target = widget.viewport() if hasattr(widget, "viewport") else widget
        self._target.setAcceptDrops(True)
        self._target.installEventFilter(self)

    @staticmethod
    def design_file(mime) -> str | None:
        from vae_designer.core.latent.placing import design_kind

        if not mime.hasUrls():
            return None
        for url in mime.urls():
            path = url.toLocalFile() if url.isLocalFile() else ""
            if path and os.path.isfile(path) and design_kind(path) is not None:
                return path
        return None

    def eventFilter(self, obj, event) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            if self.design_file(event.mimeData()) and self.placer.session.has_map:
                event.acceptProposedAction()
                return True
        elif kind == QEvent.Type.Drop:
            path = self.design_file(event.mimeData())
            if path:
                event.acceptProposedAction()
                self.placer.place(path)
                return True
        return super().eventFilter(obj, event)
