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

    Job: ``{"seq", "z", "config", "weights", "weights_key", "kind", "background",
    "latent_map"}``.  Result: ``{"seq", "z", "probs", "image" (RGB uint8) or
    "verts"/"faces" (mesh in grid units), "novelty", "nearest", "seconds"}``.
    """

    def __call__(self, job: dict) -> dict:
        import torch

        t0 = time.perf_counter()
        model = model_for(job["config"], job["weights"])
        z = np.asarray(job["z"], np.float32).reshape(1, -1)
        with torch.inference_mode():
            probs = torch.sigmoid(model.decode(torch.from_numpy(z)).float()).numpy()[0]
        out = {"seq": job["seq"], "z": z[0], "probs": probs}
        if job["kind"] == "mesh" and job.get("mesh_as_image"):
            from vae_designer.core.export.preview import render_voxels

            out["image"] = render_voxels((probs[0] if probs.ndim == 4 else probs) > 0.5, 256)
        else:
            out.update(render(job["kind"], probs, job.get("background")))
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


def render(kind: str, probs: np.ndarray, background=None) -> dict:
    """Decoded probabilities -> an RGB picture (images) or a light mesh (meshes) for the preview."""
    if kind == "image":
        from vae_designer.core.export.files import image_from_probs

        return {"image": np.ascontiguousarray(image_from_probs(probs, background or (1.0, 1.0, 1.0)))}
    from skimage import measure

    grid = np.asarray(probs[0] if probs.ndim == 4 else probs, np.float32)
    R = grid.shape[0]
    if not (grid > 0.5).any():
        return {"verts": np.zeros((0, 3), np.float32), "faces": np.zeros((0, 3), np.int32), "normals": None}
    # The preview's surface: marching cubes on the probability field padded with zeros (closed, like
    # the export), in grid units centred on 0.  ~2.5 ms instead of ~10 ms for core.export.mesh_from_probs:
    # no speck removal or Taubin smoothing (the field is smooth already); exports use the full path.
    # Marching cubes' normals come from the field's gradient (pointing outwards with "ascent"), so
    # none need computing here or -- far slower, a Python loop per vertex -- in pyqtgraph's MeshData.
    # They are negated: pyqtgraph's 'shaded' shader lights along eye-space (1, -1, -1), i.e. normals
    # facing away from the camera; outward normals would leave the faces the viewer sees dark.
    field = np.zeros((R + 2,) * 3, np.float32)
    field[1:-1, 1:-1, 1:-1] = grid
    verts, faces, normals, _ = measure.marching_cubes(field, 0.5, gradient_direction="ascent")
    return {"verts": (verts - (R / 2.0 + 0.5)).astype(np.float32), "faces": faces.astype(np.int32),
            "normals": -normals.astype(np.float32)}


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
