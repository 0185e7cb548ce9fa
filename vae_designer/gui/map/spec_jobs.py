"""What the map's property and constraint workers run: measuring the design on show, the training
designs, snapping to spec and drawing surprises that meet the constraints.

Plain callables (no Qt) run by :class:`~..common.jobs.LatestJobs`, decoding with the map's
shared model (:func:`.decoder.model_for`); the maths is the core's (``core.export.measure``,
``core.latent.spec``, ``core.latent.sampling``).
"""

from __future__ import annotations

import threading
import time

import numpy as np

from .decoder import model_for


def _decoder(job: dict):
    from vae_designer.core.training import decode_latents

    model = model_for(job["config"], job["weights"])
    return lambda z: decode_latents(model, np.asarray(z, np.float32), batch_size=64)


class MeasureJob:
    """The design on show: the fast measurement while the cursor moves, the exact one (the outline or
    surface its export is written from) once it rests.  Job: ``{"seq", "probs", "kind", "frame",
    "exact"}``; result: ``{"seq", "exact", "values"}``."""

    def __call__(self, job: dict) -> dict:
        from vae_designer.core.export.measure import measure_design, measure_fields

        kind, frame, probs = job["kind"], job["frame"], np.asarray(job["probs"])
        if job.get("exact"):
            values = measure_design(kind, probs, frame)
        else:
            values = {k: float(v[0]) for k, v in measure_fields(kind, probs[None], frame).items()}
        return {"seq": job["seq"], "exact": bool(job.get("exact")), "values": values}


class DesignsMeasureJob:
    """Every training design measured in its own source frame (``core.export.measure.measure_designs``)."""

    def __call__(self, job: dict) -> dict:
        from vae_designer.core.export.measure import measure_designs

        t0 = time.perf_counter()
        values = measure_designs(job["designs"], job["manifest"], job.get("axis", "x"))
        return {"values": values, "key": job["key"], "seconds": time.perf_counter() - t0}


class SnapJob:
    """Snap a latent to spec (``core.latent.spec.snap_to_spec``); the model's property bank is built
    on its first snap (or on a job without ``z``) and kept for the next.  Job: the decode context's
    fields, ``"frame"``, ``"encodings"``, ``"density"`` (or None), ``"z"``, ``"constraints"``."""

    def __init__(self) -> None:
        self._bank = None
        self._bank_key = None
        self._lock = threading.Lock()  # two runners share the bank: the ahead-of-time one and the snaps

    def bank(self, job: dict):
        from vae_designer.core.latent.spec import PropertyBank, bank_latents

        with self._lock:
            key = (job["weights_key"], job["frame"].get("axis"))  # the frontal area depends on the axis
            if self._bank_key != key:
                latents = bank_latents(job["kind"], job["encodings"], job.get("density"))
                self._bank = PropertyBank.build(_decoder(job), latents, job["kind"], job["frame"])
                self._bank_key = key
            return self._bank

    def __call__(self, job: dict) -> dict:
        from vae_designer.core.latent.spec import snap_to_spec

        t0 = time.perf_counter()
        bank = self.bank(job)
        if job.get("z") is None:
            return {"token": job.get("token"), "snap": None, "bank_seconds": time.perf_counter() - t0}
        lm = job.get("latent_map")  # the snap stays among the designs: no further out than novelty 2
        snap = snap_to_spec(job["z"], job["constraints"], bank, _decoder(job),
                            novelty=lm.novelty if lm is not None else None)
        return {"token": job.get("token"), "snap": snap, "seconds": time.perf_counter() - t0, "bank": len(bank)}


class SurpriseJob:
    """Surprises that meet the constraints (``core.latent.sampling.surprises_meeting``)."""

    def __call__(self, job: dict) -> dict:
        from vae_designer.core.latent.sampling import surprises_meeting

        found, tried = surprises_meeting(job["project"], job["latent_dim"], job["n"], job["seed"],
                                         job["temperature"], job["constraints"], _decoder(job), job["frame"])
        return {"found": found, "tried": tried, "n": job["n"], "seed": job["seed"],
                "temperature": job["temperature"]}
