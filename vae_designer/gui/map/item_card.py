"""The selected training design: its original beside its reconstruction, over the map.

Clicking a point on the map selects that design: this card shows the design
as it was loaded and as the model rebuilds it from its own encoding (what its
point on the map decodes to), its file name, label and reconstruction error
when known.  Both pictures are made the same way (``image_from_probs`` for
images, the shaded voxel render ``core.export.preview.render_voxels`` for meshes) so
that they compare like for like, in a worker thread (:class:`CardJob`) with the
map's shared model (:func:`.map_decoder.model_for`): a 64^3 render takes longer
than a frame.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QCoreApplication, QEvent, QPoint, QPointF, Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from ..common.i18n import number
from .decoder import model_for
from .preview_view import qimage_from_rgb

SIDE = 112  # pixels of each picture


def ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def card_details(label: str | None, errors: np.ndarray | None, idx: int) -> str:
    """The card's words on design ``idx``: its label, and its reconstruction error among all ``errors``."""
    translate = QCoreApplication.translate
    parts = [translate("ItemCard", "Label: {0}").format(label)] if label else []
    if errors is not None:
        rank = int((errors > errors[idx]).sum()) + 1
        err, n = number(errors[idx], 1), number(len(errors))
        if rank == 1:
            parts.append(translate("ItemCard", "Reconstruction error: {0} nats (the worst of {1})").format(err, n))
        else:  # {1}: the English ordinal ("3rd"), {3}: the rank as a number (for other languages)
            parts.append(translate("ItemCard", "Reconstruction error: {0} nats ({1} worst of {2})").format(
                err, ordinal(rank), n, number(rank)))
    return "\n".join(parts)


def design_picture(kind: str, probs: np.ndarray, background=None, side: int = SIDE) -> np.ndarray:
    """RGB uint8 (side, side, 3) of a design given as model input/output in [0, 1]."""
    from PIL import Image

    if kind == "mesh":
        from vae_designer.core.export.preview import render_voxels

        return render_voxels(np.asarray(probs[0] if probs.ndim == 4 else probs) > 0.5, side)
    from vae_designer.core.export.files import image_from_probs

    rgb = image_from_probs(probs, background or (1.0, 1.0, 1.0))
    resample = Image.Resampling.NEAREST if side % rgb.shape[0] == 0 else Image.Resampling.BILINEAR
    return np.asarray(Image.fromarray(rgb).resize((side, side), resample))


class CardJob:
    """Worker callable: the original (if given) and the reconstruction of one design, as pictures."""

    def __call__(self, job: dict) -> dict:
        import torch

        model = model_for(job["config"], job["weights"])
        z = np.asarray(job["z"], np.float32).reshape(1, -1)
        with torch.inference_mode():
            probs = torch.sigmoid(model.decode(torch.from_numpy(z)).float()).numpy()[0]
        x = job.get("x")
        return {"index": job["index"],
                "original": design_picture(job["kind"], x, job.get("background")) if x is not None else None,
                "reconstruction": design_picture(job["kind"], probs, job.get("background"))}


class ItemCard(QFrame):
    """See the module docstring.  ``closed`` when the user dismisses it."""

    closed = Signal()

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setObjectName("MapItemCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.index = -1
        self.name = QLabel()
        self.name.setObjectName("MapItemCardName")
        self.name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.close_button = QToolButton()
        self.close_button.setText("✕")
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip(self.tr("Deselect"))
        self.close_button.clicked.connect(self._close)
        top = QHBoxLayout()
        top.setSpacing(4)
        top.addWidget(self.name, 1)
        top.addWidget(self.close_button)
        self.original = QLabel()
        self.reconstruction = QLabel()
        grid = QGridLayout()
        grid.setSpacing(6)
        for col, (pic, caption) in enumerate(((self.original, self.tr("Original")),
                                             (self.reconstruction, self.tr("Reconstruction")))):
            pic.setFixedSize(SIDE, SIDE)
            pic.setAlignment(Qt.AlignmentFlag.AlignCenter)
            pic.setObjectName("MapItemCardPicture")
            cap = QLabel(caption)
            cap.setProperty("role", "muted")
            cap.setAlignment(Qt.AlignmentFlag.AlignCenter)
            grid.addWidget(pic, 0, col)
            grid.addWidget(cap, 1, col)
        self.details = QLabel()
        self.details.setProperty("role", "muted")
        self.details.setWordWrap(True)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 6, 6, 8)
        lay.setSpacing(4)
        lay.addLayout(top)
        lay.addLayout(grid)
        lay.addWidget(self.details)
        self.setFixedWidth(2 * SIDE + 6 + 16)
        self.hide()
        parent.installEventFilter(self)

    def eventFilter(self, obj, event) -> bool:
        if obj is self.parentWidget() and event.type() == QEvent.Type.Resize and self.isVisible():
            self.place()
        return False

    def show_item(self, index: int, name: str, details: str, original_available: bool) -> None:
        """Show a newly selected design; the pictures follow with :meth:`set_pictures`."""
        self.index = index
        short = name if len(name) <= 34 else "…" + name[-33:]
        self.name.setText(short)
        self.name.setToolTip(name)
        self.details.setText(details)
        self.original.clear()
        self.original.setText("…" if original_available else self.tr("design folder\nnot open"))
        self.reconstruction.clear()
        self.reconstruction.setText("…")
        self.adjustSize()
        self.place()
        self.show()
        self.raise_()

    def set_details(self, details: str) -> None:
        self.details.setText(details)
        self.adjustSize()
        self.place()

    def set_pictures(self, index: int, original: np.ndarray | None, reconstruction: np.ndarray | None) -> None:
        if index != self.index:
            return
        if original is not None:
            self.original.setPixmap(QPixmap.fromImage(qimage_from_rgb(original)))
        if reconstruction is not None:
            self.reconstruction.setPixmap(QPixmap.fromImage(qimage_from_rgb(reconstruction)))

    def has_pictures(self) -> bool:
        return all(p.pixmap() is not None and not p.pixmap().isNull() for p in (self.original, self.reconstruction))

    def place(self) -> None:
        """Top-right corner of the map."""
        parent = self.parentWidget()
        if parent is not None:
            self.move(QPoint(max(0, parent.width() - self.width() - 10), 10))

    def _close(self) -> None:
        self.hide()
        self.index = -1
        self.closed.emit()

    def retheme(self, t) -> None:
        self.setStyleSheet(f"#MapItemCard {{ background: {t.panel}; border: 1px solid {t.border}; "
                           f"border-radius: 6px; }} #MapItemCard QLabel {{ color: {t.text}; }} "
                           f"#MapItemCard QLabel[role='muted'] {{ color: {t.muted}; }} "
                           f"#MapItemCardPicture {{ background: {t.thumb_bg}; border-radius: 3px; "
                           f"color: #9aa4b0; }} #MapItemCardName {{ font-weight: 600; }}")


class HoverCard(QFrame):
    """A small card over the map: the hovered training design's thumbnail and name."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setObjectName("MapHoverCard")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.setSpacing(4)
        self.thumb = QLabel()
        self.thumb.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.name = QLabel()
        self.name.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addWidget(self.thumb)
        lay.addWidget(self.name)
        self.index = -1
        self.hide()

    def show_item(self, index: int, name: str, thumb: np.ndarray | None, at: QPointF) -> None:
        if index != self.index:
            self.index = index
            self.name.setText(name)
            if thumb is not None:
                self.thumb.setPixmap(QPixmap.fromImage(qimage_from_rgb(thumb)))
                self.thumb.show()
            else:
                self.thumb.hide()
            self.adjustSize()
        parent = self.parentWidget()
        x, y = int(at.x()) + 14, int(at.y()) + 14
        if x + self.width() > parent.width():
            x = int(at.x()) - 14 - self.width()
        if y + self.height() > parent.height():
            y = int(at.y()) - 14 - self.height()
        self.move(max(0, x), max(0, y))
        self.show()
        self.raise_()

    def retheme(self, t) -> None:
        self.setStyleSheet(f"#MapHoverCard {{ background: {t.panel}; border: 1px solid {t.border}; "
                           f"border-radius: 6px; }} #MapHoverCard QLabel {{ color: {t.text}; }}")
