"""What the map's worker threads run: decoding the cursor, fitting the 2D layout of a saved
project's encodings (each autosave while training), refitting another projection.

They are plain callables (no Qt), run by :class:`~..common.jobs.LatestJobs` runners, so
a cursor dragged faster than decoding coalesces to its newest position and
nothing queues up.

Every map worker (this decoder, the error colours, the backdrop, the item card,
the comparison, pinning) decodes with :func:`model_for`: the core's shared,
read-only model for the map's weights (``core.training.inference.cached_model``,
the same one ``Project.model()`` returns), built once per saved model instead of
one copy per thread.  Sharing it is safe: they only run forward passes, under
``inference_mode`` / ``no_grad``, which write no module state, and nothing loads
weights into it.  The map only ever shows saved weights, never the model being
trained.  (The training page's reconstructions keep a model of their own: they
load every snapshot into it, see ``training.jobs.Reconstructor``.)
"""

from __future__ import annotations

import time

import numpy as np


class MapDecoder:
    """Decode one latent vector into what the preview shows.

    Job: ``{"seq", "z", "config", "weights", "weights_key", "kind", "background", "look",
    "latent_map"}``, and for the finished picture once the cursor rests ``"fine": True``
    (silhouettes: the crisp outline at ``"pixels"``, with ``"uncertainty"`` drawn over it;
    meshes: the refined surface) with the fast result's ``"probs"`` (not decoded again).
    Result: ``{"seq", "z", "probs", "fine", "empty" (nothing decoded there), "image" (RGB uint8) or
    "verts"/"faces"/"normals"
    (mesh in grid units), "novelty", "nearest", "seconds"}``.
    """

    def __call__(self, job: dict) -> dict:
        t0 = time.perf_counter()
        z = np.asarray(job["z"], np.float32).reshape(1, -1)
        probs = job.get("probs")
        if probs is None:
            import torch

            model = model_for(job["config"], job["weights"])
            with torch.inference_mode():
                probs = torch.sigmoid(model.decode(torch.from_numpy(z)).float()).numpy()[0]
        fine = bool(job.get("fine"))
        from vae_designer.core.latent.sampling import is_empty

        out = {"seq": job["seq"], "z": z[0], "probs": probs, "fine": fine, "empty": is_empty(job["kind"], probs)}
        if job["kind"] == "mesh" and job.get("mesh_as_image"):  # the smooth surface drawn once it rests
            from vae_designer.core.export.preview import render_design, render_voxels

            out["image"] = render_design(probs, 256) if fine else \
                render_voxels((probs[0] if probs.ndim == 4 else probs) > 0.5, 256)
        else:
            out.update(render(job["kind"], probs, job.get("background"), look=job.get("look"), fine=fine,
                              pixels=job.get("pixels"), uncertainty=bool(job.get("uncertainty"))))
        # No resizing here: the preview's QPainter scales the small picture to the screen with
        # smooth filtering in ~0.3 ms, where PIL took ~3 ms on this thread for a 64 -> 380 RGB resize.
        lm = job.get("latent_map")
        if lm is not None:
            ratio, idx = lm.novelty(z)
            out["novelty"], out["nearest"] = float(ratio[0]), int(idx[0])
        out["seconds"] = time.perf_counter() - t0
        return out


def model_for(config, weights):
    """The shared eval-mode model for ``weights`` (see the module docstring)."""
    import torch

    from vae_designer.core.training.inference import cached_model

    from ..common.workers import training_threads

    if torch.get_num_threads() > training_threads():
        # one decode is small: on 2 cores, 2 torch threads beside the GUI thread are ~10x slower
        # than 1 (oversubscription); the trainer makes the same choice for the process
        torch.set_num_threads(training_threads())
    return cached_model(config, weights)


def render(kind: str, probs: np.ndarray, background=None, *, look: dict | None = None, fine: bool = False,
           pixels: int | None = None, uncertainty: bool = False) -> dict:
    """Decoded probabilities -> what the preview shows: an RGB picture (images) or a surface (meshes).

    Fast (while the cursor moves): the model's own raster (the QPainter scales it to the screen
    in ~0.3 ms) and the unrefined surface (~1 ms at 32^3).  ``fine`` (once it rests): the design
    as it is exported -- ``core.export.design.picture`` at the preview's size in ``pixels``
    (crisp outlines for silhouette collections) and the 2x refined surface (~28 ms at 32^3).
    """
    if kind == "image":
        from vae_designer.core.export.design import picture

        manifest = dict(look or {})
        if fine and pixels:
            rgb = picture(probs, manifest, pixels, background or (1.0, 1.0, 1.0), uncertainty=uncertainty)
        else:
            from vae_designer.core.export.files import image_from_probs

            rgb = image_from_probs(probs, background or (1.0, 1.0, 1.0))
        return {"image": np.ascontiguousarray(rgb)}
    from vae_designer.core.export.mesh import preview_surface

    verts, faces, normals = preview_surface(probs, refine=2 if fine else 1)
    # pyqtgraph's 'shaded' shader lights along eye-space (1, -1, -1), i.e. normals facing away from
    # the camera: outward normals would leave the faces the viewer sees dark, so they are negated.
    return {"verts": verts, "faces": faces, "normals": -normals if len(normals) else None}


def fit_job(job: dict) -> dict:
    """Fit the 2D map of a saved project's encodings (the save already encoded the set)."""
    from vae_designer.core.latent.space import LatentMap

    project = job["project"]
    method, dims = job.get("method", "pca"), tuple(job.get("dims", (0, 1)))
    lm = LatentMap.fit(project.encodings, method, dims, init=job.get("init"))
    return {"project": project, "latent_map": lm, "caption": job.get("caption", ""), "method": method,
            "dims": dims}


def projection_job(job: dict) -> dict:
    """Fit the map of given encodings with another projection (UMAP takes seconds: not on the GUI thread)."""
    from vae_designer.core.latent.space import LatentMap

    t0 = time.perf_counter()
    method, dims = job["method"], tuple(job.get("dims", (0, 1)))
    lm = LatentMap.fit(job["encodings"], method, dims, init=job.get("init"))
    return {"latent_map": lm, "method": method, "dims": dims, "encodings": job["encodings"],
            "seconds": time.perf_counter() - t0}
