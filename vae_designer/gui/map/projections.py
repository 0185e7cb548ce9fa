"""Laying the encodings flat: the projection the user chooses, fitted here or in a worker.

PCA and pairs of latent dimensions fit in milliseconds, on the spot; UMAP takes
seconds to minutes and is fitted in a background worker (``decoder.projection_job``),
the map changing when it is done -- unless another projection or a newer model
came meanwhile (then the result is dropped, or refitted on the newer encodings).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from ..common.jobs import LatestJobs
from .decoder import projection_job


class Projections(QObject):
    """``fitting()`` when a slow fit starts; ``failed(message)`` when one fails."""

    fitting = Signal()
    failed = Signal(str)

    def __init__(self, session, parent: QObject | None = None):
        super().__init__(parent)
        self.session = session
        self._worker = LatestJobs(projection_job, name="map-projection", parent=self)
        self._worker.done.connect(self._fitted)
        self._worker.failed.connect(lambda _t, msg: self.failed.emit(msg))

    def choose(self, method: str, dims: tuple) -> None:
        """The user chose a projection: lay the map out with it."""
        from vae_designer.core.latent.space import LatentMap

        s = self.session
        if s.encodings is None:
            return
        s.choose_layout(method, dims)
        if method == "umap":
            self.submit()
            return
        s.set_layout(LatentMap.fit(s.encodings, method, dims), method, dims)

    def submit(self) -> None:
        """Fit the chosen (slow) projection of the session's encodings in the worker."""
        self.fitting.emit()
        self._worker.submit(self.session.layout_job(encodings=self.session.encodings))

    def _fitted(self, _tag, out: dict) -> None:
        s = self.session
        if (out["method"], tuple(out["dims"])) != (s.method, tuple(s.dims)):
            return  # another projection was chosen meanwhile
        if out["encodings"] is not s.encodings:  # a newer model meanwhile: fit its encodings
            self.submit()
            return
        s.set_layout(out["latent_map"], out["method"], out["dims"])

    def shutdown(self) -> None:
        self._worker.shutdown(wait=True)
