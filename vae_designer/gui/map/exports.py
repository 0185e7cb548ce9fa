"""Pins and exports of the map's designs.

* :class:`PinMaker` makes the pins' thumbnails: the cursor's design from the decoder
  result on show, several latents at once (a blend, surprises) decoded here with
  the map's shared model; the session keeps the pins.
* :class:`MapExporter` writes designs through ``core.latent.generate.export_design``
  (the file and the JSON sidecar that ``vae-designer sample --from-json``
  reproduces) with the saved project's best weights -- the weights the preview
  decodes with, as the sidecar records.  A sequence (a sweep, a blend) is written
  whole or not at all.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import QFileDialog, QWidget

from vae_designer.core.latent.session import MapSession, Pin

from ..common.i18n import number
from .decoder import MapDecoder

PIN_PIXELS = 144  # a pin's thumbnail, drawn as exported (crisp silhouettes)
FILE_KINDS = {
    "png": QT_TRANSLATE_NOOP("MapExporter", "PNG image"),
    "svg": QT_TRANSLATE_NOOP("MapExporter", "SVG outline"),
    "dxf": QT_TRANSLATE_NOOP("MapExporter", "DXF outline"),
    "stl": QT_TRANSLATE_NOOP("MapExporter", "STL mesh"),
    "obj": QT_TRANSLATE_NOOP("MapExporter", "OBJ mesh"),
    "ply": QT_TRANSLATE_NOOP("MapExporter", "PLY mesh"),
    "glb": QT_TRANSLATE_NOOP("MapExporter", "GLB mesh"),
}


class PinMaker:
    """Pin designs of ``session`` with thumbnails."""

    def __init__(self, session: MapSession) -> None:
        self.session = session
        self._decoder: MapDecoder | None = None  # decodes pins on the GUI thread (the shared model)

    def pin_current(self, shown: dict | None, name: str | None = None) -> Pin | None:
        """Pin the design on show; ``shown`` is the decoder's result for it (its picture)."""
        thumb, nearest = None, None
        if shown is not None:
            if "image" in shown:
                thumb = shown.get("small", shown["image"])
            else:
                from vae_designer.core.export.preview import render_voxels

                p = shown["probs"]
                thumb = render_voxels((p[0] if p.ndim == 4 else p) > 0.5, 96)
            nearest = shown.get("nearest")
        return self.session.pin_design(thumb, nearest, name)

    def pin_latents(self, zs, names, source: str, parents=None, weights=None) -> list[Pin]:
        """Pin several latent vectors at once (a blend, surprises), with thumbnails decoded here."""
        ctx = self.session.context
        if ctx is None:
            return []
        if self._decoder is None:
            self._decoder = MapDecoder()
        pins = []
        for k, (z, name) in enumerate(zip(zs, names)):
            out = self._decoder(ctx.job(seq=0, z=z, mesh_as_image=True, fine=True, pixels=PIN_PIXELS))
            pins.append(Pin(name, np.asarray(z, np.float32).copy(), out["image"], source=source,
                            parents=list(parents or []),
                            weights=list(weights[k]) if weights is not None else None))
        return self.session.add_pins(pins)


class MapExporter:
    """Export the session's designs; ``status(text)`` says what happened, ``exported(paths)`` after."""

    def __init__(self, session: MapSession, parent: QWidget, export_format: Callable[[], str],
                 status: Callable[[str], None], exported: Callable[[list], None]) -> None:
        self.session = session
        self._parent = parent
        self.export_format = export_format
        self._status = status
        self._exported = exported

    def _saved(self) -> bool:
        if self.session.project is None:
            self._status(QCoreApplication.translate("MapExporter",
                                                    "Save the project first: exports record the saved model's weights"))
            return False
        return True

    def ask_file(self, default_name: str) -> str:
        from vae_designer.core.export.design import design_formats

        s, fmt = self.session, self.export_format()
        formats = design_formats(s.kind, s.context.look)
        kinds = {f: QCoreApplication.translate("MapExporter", FILE_KINDS[f]) if f in FILE_KINDS else f.upper()
                 for f in (*formats, fmt)}
        filters = ";;".join(f"{kinds[f]} (*.{f})" for f in [fmt, *[f for f in formats if f != fmt]])
        title = QCoreApplication.translate("MapExporter", "Export design")
        path, _ = QFileDialog.getSaveFileName(self._parent, title, default_name + "." + fmt, filters)
        return path

    def export_current(self, path: str | None = None) -> list[Path]:
        """Export the design on show (asks where when ``path`` is None)."""
        d = self.session.design
        if d is None or not self._saved():
            return []
        path = path or self.ask_file("design")
        if not path:
            return []
        p = Path(path)
        fmt = p.suffix.lower().lstrip(".") or self.export_format()
        return self.export([(p.with_suffix("") if p.suffix else p, d.z, d.source, None, None, d.export_fields())],
                           fmt)

    def export_pins(self, pins: list[Pin], folder: str | None = None) -> list[Path]:
        """Export pins into a folder (asks which when ``folder`` is None), each with a sidecar."""
        if not pins or not self._saved():
            return []
        folder = folder or QFileDialog.getExistingDirectory(
            self._parent, QCoreApplication.translate("MapExporter", "Export pinned designs into"))
        if not folder:
            return []
        return self.export([(Path(folder) / pin.name, pin.z, pin.source, pin.parents or None, pin.weights,
                             pin.export_fields()) for pin in pins], self.export_format())

    def ask_folder(self, title: str, folder: str | None = None) -> Path | None:
        """The folder a sequence goes into: ``folder``, or asked for (None when the project is not
        saved, the dialog is cancelled or the path is a file; the status says why)."""
        if not self._saved():
            return None
        folder = folder or QFileDialog.getExistingDirectory(self._parent, title)
        if not folder:
            return None
        root = Path(folder)
        if root.exists() and not root.is_dir():
            self._status(QCoreApplication.translate("MapExporter", "Export failed: {0} is a file, not a folder")
                         .format(root))
            return None
        return root

    def export_sequence(self, items, folder: str | None, title: str) -> list[Path]:
        """Export a numbered sequence ``(name, z, source, parents, weights[, fields])`` into a folder:
        every design or none (a failure part-way removes what was written)."""
        root = self.ask_folder(title, folder)
        if root is None:
            return []
        written = self.export([(root / name, *rest) for name, *rest in items], self.export_format())
        if len(written) != 2 * len(items):  # it failed part-way (the status says why): keep no partial sequence
            for path in written:
                path.unlink(missing_ok=True)
            return []
        return written

    def export(self, items, fmt: str) -> list[Path]:
        """Write ``(stem, z, source, parents, weights[, fields])`` items; the files written."""
        from vae_designer.core.errors import UserError
        from vae_designer.core.latent.generate import check_format, export_design

        project = self.session.project
        written: list[Path] = []
        try:
            fmt = check_format(project, fmt)
            for stem, z, source, parents, weights, *more in items:  # more: {"seed", "extra"} (optional)
                stem.parent.mkdir(parents=True, exist_ok=True)
                written += export_design(project, z, stem, fmt, source=source, parents=parents,
                                         weights=weights, **(more[0] if more else {}))
        except (UserError, OSError) as exc:
            self._status(QCoreApplication.translate("MapExporter", "Export failed: {0}").format(exc))
            return written
        files = [w for w in written if w.suffix != ".json"]
        text = QCoreApplication.translate("MapExporter", "Exported {0} design to {1}") if len(files) == 1 else \
            QCoreApplication.translate("MapExporter", "Exported {0} designs to {1}")
        self._status(text.format(number(len(files)), os.path.dirname(str(files[0])) if files else ""))
        self._exported(written)
        return written
