"""Decoding the design under the cursor as the user drags: newest request wins, latency measured.

:class:`LiveDecoder` numbers each request, runs :class:`~.decoder.MapDecoder` in an
interactive (full-priority) job runner that always takes the newest request, drops
results older than one already shown, and times each request until the preview
says it painted it (``latencies``, what ``benchmarks/map_latency.py`` reports).
Each request first holds the interaction gate: training and background jobs give
the CPU to the decoder while the hand moves.

Progressive refinement: while the cursor moves, the preview shows the fast picture
(the model's raster, the unrefined surface); once it rests for ``REST_MS`` the same
probabilities are drawn as they are exported (crisp outlines, the refined surface)
in a second worker, so a fine picture never delays the next fast one.
"""

from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from ..common.jobs import INTERACTION_HOLD_S, LatestJobs, interaction
from .decoder import MapDecoder

REST_MS = 120  # the cursor has rested this long: draw the finished picture


class LiveDecoder(QObject):
    """``decoded(out)``: a newer decoder result (see :class:`~.decoder.MapDecoder`); ``failed(message)``."""

    decoded = Signal(object)
    failed = Signal(str)

    def __init__(self, fine_options=None, parent: QObject | None = None):
        """``fine_options()``: extra fields of a finished picture's job (``pixels``, ``uncertainty``)."""
        super().__init__(parent)
        self._fine_options = fine_options or dict
        self._job: dict | None = None  # the newest fast job (its fine picture repeats it)
        self._seq = 0
        self._shown_seq = -1
        self._pending: dict[int, float] = {}
        self.latencies: list[float] = []  # seconds, request -> preview painted
        self.last_result: dict | None = None
        self._thread = LatestJobs(MapDecoder(), name="map-decoder", background=False, parent=self)
        self._thread.done.connect(self._done)
        self._thread.failed.connect(lambda _t, msg: self.failed.emit(msg))
        self._fine = LatestJobs(MapDecoder(), name="map-refine", background=False, parent=self)
        self._fine.done.connect(self._done)
        self._fine.failed.connect(lambda _t, msg: self.failed.emit(msg))
        self._rest = QTimer(self)
        self._rest.setSingleShot(True)
        self._rest.setInterval(REST_MS)
        self._rest.timeout.connect(self.refine)

    @property
    def request_seq(self) -> int:
        """The number of the newest decode asked for: ``preview.painted_seq`` reaches it once that
        design is on screen (what tests and benchmarks wait for)."""
        return self._seq

    def request(self, context, z: np.ndarray, **fields) -> int:
        """Decode ``z`` with the session's ``context`` (a DecodeContext); returns the request's number."""
        # interactive first: training and background jobs wait while the user explores (one gate)
        interaction.hold(INTERACTION_HOLD_S)
        self._rest.stop()
        self._seq += 1
        self._pending[self._seq] = time.perf_counter()
        self._job = context.job(seq=self._seq, z=z, **fields)
        self._thread.submit(self._job)
        return self._seq

    def refine(self) -> None:
        """Draw the design on show as it is exported (after a rest, or when the options change)."""
        out, job = self.last_result, self._job
        if out is None or job is None or out["seq"] != self._seq:
            return
        self._fine.submit({**job, "probs": out["probs"], "fine": True, **self._fine_options()})

    def forget(self) -> None:
        """No model any more: a result still on its way is not shown."""
        self._rest.stop()
        self._shown_seq = self._seq
        self.last_result = None
        self._job = None

    def _done(self, _tag, out: dict) -> None:
        if out.get("fine"):
            if out["seq"] != self._seq or out["seq"] != self._shown_seq:
                return  # the cursor moved on meanwhile
        elif out["seq"] <= self._shown_seq:
            return
        else:
            self._shown_seq = out["seq"]
            if out["seq"] == self._seq:
                self._rest.start()
        self.last_result = out
        self.decoded.emit(out)

    def painted(self, seq: int) -> None:
        """The preview put request ``seq`` on screen: the requests up to it are done."""
        if not self._pending:
            return
        now = time.perf_counter()
        for s in [s for s in self._pending if s <= seq]:
            self.latencies.append(now - self._pending.pop(s))

    def shutdown(self) -> None:
        self._rest.stop()
        self._thread.shutdown(wait=True)
        self._fine.shutdown(wait=True)
