"""The Map page's pins and exports (a mixin of MapPage).

Pins go to the :class:`~.gallery.Gallery`; exports go through
``core.latent.generate.export_design`` (the file and the JSON sidecar that
``vae-designer sample --from-json`` reproduces) with the saved project's best
weights -- the weights the preview decodes with, as the sidecar records.
The comparison of pinned designs opens :class:`~.compare_view.CompareView`.

State lives on the page (``self`` is the :class:`~.map_page.MapPage`).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from PySide6.QtWidgets import QFileDialog

from .compare_view import MAX_COMPARE, MIN_COMPARE, CompareView
from .decoder import MapDecoder
from .gallery import Pin


class MapExports:
    """Pin, export and compare for the :class:`~.map_page.MapPage`."""

    # ------------------------------------------------------------------ pins and export
    def pin(self, name: str | None = None) -> Pin | None:
        if self.current_z is None:
            return None
        out = self.last_result
        thumb = None
        if out is not None:
            if "image" in out:
                thumb = out.get("small", out["image"])
            else:
                from vae_designer.core.export.preview import render_voxels

                p = out["probs"]
                thumb = render_voxels((p[0] if p.ndim == 4 else p) > 0.5, 96)
        nearest = ""
        if out is not None and "nearest" in out and out["nearest"] < len(self.paths):
            nearest = Path(self.paths[out["nearest"]]).stem
        pin = Pin(name or (f"near-{nearest}" if nearest else "design"), self.current_z.copy(), thumb,
                  source=self.current_source,
                  parents=[self.paths[out["nearest"]]] if nearest and self.current_source == "map" else [],
                  seed=self.current_meta.get("seed"),
                  extra={k: v for k, v in self.current_meta.items() if k != "seed"})
        return self.gallery.add_pin(pin)

    def pin_latents(self, zs, names, source: str, parents=None, weights=None) -> list[Pin]:
        """Pin several latent vectors at once (a blend), with thumbnails decoded here."""
        if self.config is None:
            return []
        if self._pin_decoder is None:
            self._pin_decoder = MapDecoder()  # decodes here, on the GUI thread (the shared model)
        pins = []
        for k, (z, name) in enumerate(zip(zs, names)):
            out = self._pin_decoder({"seq": 0, "z": z, "config": self.config, "weights": self.weights,
                                     "weights_key": (id(self.weights), self.weights_key), "kind": self.kind,
                                     "background": self.background, "mesh_as_image": True})
            thumb = out["image"]  # meshes: the shaded voxel picture (mesh_as_image)
            pins.append(self.gallery.add_pin(Pin(name, np.asarray(z, np.float32).copy(), thumb, source=source,
                                                 parents=list(parents or []),
                                                 weights=list(weights[k]) if weights is not None else None)))
        return pins

    def export_format(self) -> str:
        return "png" if self.kind == "image" else self.format_combo.currentText().lower() or "stl"

    def ask_export_file(self, default_name: str) -> str:
        fmt = self.export_format()
        filters = "PNG image (*.png)" if self.kind == "image" else \
            ";;".join(f"{f.upper()} mesh (*.{f})" for f in ([fmt] + [f for f in ("stl", "obj", "ply", "glb")
                                                              if f != fmt]))
        path, _ = QFileDialog.getSaveFileName(self, "Export design", default_name + "." + fmt, filters)
        return path

    def ask_export_folder(self) -> str:
        return QFileDialog.getExistingDirectory(self, "Export pinned designs into")

    def export_current(self, path: str | None = None) -> list[Path]:
        if self.current_z is None:
            return []
        if self.project is None:
            self.status.setText("Save the project first: exports record the saved model's weights")
            return []
        path = path or self.ask_export_file("design")
        if not path:
            return []
        p = Path(path)
        fmt = p.suffix.lower().lstrip(".") or self.export_format()
        meta = self.current_meta
        return self._export([(p.with_suffix("") if p.suffix else p, self.current_z, self.current_source, None,
                              None, {"seed": meta.get("seed"),
                                     "extra": {k: v for k, v in meta.items() if k != "seed"}})], fmt)

    def export_pins(self, folder: str | None = None) -> list[Path]:
        pins = self.gallery.selected_pins() or self.gallery.pins()
        if not pins or self.project is None:
            return []
        folder = folder or self.ask_export_folder()
        if not folder:
            return []
        fmt = self.export_format()
        return self._export([(Path(folder) / pin.name, pin.z, pin.source, pin.parents or None, pin.weights,
                              {"seed": pin.seed, "extra": pin.extra}) for pin in pins], fmt)

    def compare_pins(self) -> CompareView | None:
        """Open the side-by-side comparison of the selected pins (2..8), decoded in its own thread."""
        pins = self.gallery.selected_pins()
        if not MIN_COMPARE <= len(pins) <= MAX_COMPARE or self.config is None:
            self.status.setText(f"Select {MIN_COMPARE} to {MAX_COMPARE} pins to compare them")
            return None
        if self.compare_view is None:
            self.compare_view = CompareView(self)
        self.compare_view.show_pins(pins, config=self.config, weights=self.weights,
                                    weights_key=(id(self.weights), self.weights_key), kind=self.kind,
                                    background=self.background, latent_map=self.latent_map, paths=self.paths,
                                    designs=self.designs)
        self.compare_view.show()
        self.compare_view.raise_()
        return self.compare_view

    def _export(self, items, fmt: str) -> list[Path]:
        from vae_designer.core.errors import UserError
        from vae_designer.core.latent.generate import check_format, export_design

        written: list[Path] = []
        try:
            fmt = check_format(self.project, fmt)
            for stem, z, source, parents, weights, *more in items:  # more: {"seed", "extra"} (optional)
                stem.parent.mkdir(parents=True, exist_ok=True)
                written += export_design(self.project, z, stem, fmt, source=source, parents=parents,
                                         weights=weights, **(more[0] if more else {}))
        except (UserError, OSError) as exc:
            self.status.setText(f"Export failed: {exc}")
            return written
        files = [w for w in written if w.suffix != ".json"]
        self.status.setText(f"Exported {len(files)} design{'s' if len(files) != 1 else ''} to "
                            f"{os.path.dirname(str(files[0])) if files else ''}")
        self.exported.emit(written)
        return written
