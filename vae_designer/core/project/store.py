"""A trained project on disk: human-readable JSON plus safetensors, saved atomically.

Layout::

    PROJECT/
      project.json          which state folder is current, project id, app version
      state-000007/         one complete, self-consistent save
        config.json         model and training configuration
        manifest.json       design folder, preprocessing settings, items (path, label,
                            source metadata such as each mesh's centre and size), skipped files
        metrics.json        epochs done, best epoch, history of every epoch, split
        weights.safetensors best validation weights (what decoding and export use)
        last.safetensors    latest weights, optimizer.safetensors + optimizer.json: for resuming
        encodings.safetensors  the training set's latent means (the latent map)
        density.safetensors    where designs live in latent space: a Gaussian mixture fitted to
                            the training split's encodings (``latent.density``); what samples and
                            surprises are drawn from.  A state saved before it existed has none:
                            :meth:`Project.density` fits the same mixture when first asked
      session.json          the designer's work on the map (``latent.saved_session``): pins,
                            groups, the undo history, the design on show; beside the states, since
                            it outlives each save of the model
      session.safetensors   its pictures (pins' and history steps' thumbnails, uint8)

A save writes a whole new ``state-N`` folder, then replaces ``project.json``
(write to a temporary file, fsync, rename), then deletes older states.  A crash
or kill at any moment leaves ``project.json`` pointing at a complete state.
Loading reads JSON and safetensors only: nothing is ever unpickled.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from vae_designer import __version__

from ..errors import UserError
from ..fsio import atomic_write_bytes, read_json, write_json
from ..latent.density import LatentDensity, fit_density

FORMAT = 1
POINTER = "project.json"
DENSITY = "density.safetensors"
SESSION = "session.json"
SESSION_PICTURES = "session.safetensors"


def _write_tensors(path: Path, tensors: dict, metadata: dict | None = None) -> None:
    import torch
    from safetensors.torch import save

    clean = {k: v.detach().to("cpu").contiguous() for k, v in tensors.items()}
    if not clean:
        clean = {"__empty__": torch.zeros(0)}
    atomic_write_bytes(path, save(clean, metadata={k: str(v) for k, v in (metadata or {}).items()}))


def _read_tensors(path: Path) -> dict:
    from safetensors.torch import load_file

    try:
        tensors = load_file(str(path))
    except FileNotFoundError:
        raise UserError(f"{path}: missing from the project") from None
    except Exception as exc:  # noqa: BLE001 - safetensors' own error, OSError, a bad header...
        raise UserError(f"{path}: not a readable safetensors file ({exc})") from None
    tensors.pop("__empty__", None)
    return tensors


def _finite_or_inf(value) -> float:
    return float("inf") if value is None else float(value)


def _read_json(path: Path) -> dict:
    return read_json(path, "missing from the project")


def is_project(path) -> bool:
    return (Path(path) / POINTER).is_file()


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def manifest_from_designs(designs) -> dict:
    """What a project keeps of the design folder it was trained on."""
    manifest = {
        "root": designs.root,
        "settings": designs.settings.to_dict(),
        "kind": designs.kind,
        "resolution": designs.resolution,
        "channels": designs.channels,
        "labels": designs.label_counts,
        "items": [{"path": p, "label": label, "meta": m}
                  for p, label, m in zip(designs.paths, designs.labels, designs.meta)],
        "skipped": [s.to_dict() for s in designs.skipped],
    }
    sizes = [m["size"] for m in designs.meta if "size" in m]  # images: canvas side in source pixels
    if sizes:
        manifest["typical_size"] = float(np.median(sizes))
    if designs.kind == "image" and len(designs):
        from ..ingest.looks import collection_tones

        bgs = [tuple(m["background"]) for m in designs.meta]
        manifest["typical_background"] = list(max(set(bgs), key=bgs.count))
        tones = collection_tones(designs.data)  # None: grey sketches or colour (see ingest.looks)
        manifest["image_look"] = "colour" if designs.colour else ("silhouette" if tones else "grey")
        if tones:
            manifest["image_tones"] = list(tones)
    return manifest


@dataclass
class Project:
    """A loaded project.  ``weights`` are the best validation weights."""

    path: Path
    id: str
    model_config: object
    train_config: object
    manifest: dict
    metrics: dict
    weights: dict
    encodings: np.ndarray
    weights_sha256: str
    state_dir: Path
    info: dict = field(default_factory=dict)
    _model: object = None
    _density: LatentDensity | None = None

    @property
    def kind(self) -> str:
        return self.manifest["kind"]

    @property
    def paths(self) -> list[str]:
        return [it["path"] for it in self.manifest["items"]]

    @property
    def labels(self) -> list[str]:
        return [it["label"] for it in self.manifest["items"]]

    @property
    def epoch(self) -> int:
        return int(self.metrics.get("epoch", 0))

    @property
    def autosave(self) -> dict | None:
        """``{'epoch', 'best_epoch', 'saved'}`` when the newest save was made while training ran
        and no save at the end of training followed (the run was killed); else None."""
        if not self.info.get("autosave"):
            return None
        return {"epoch": self.epoch, "best_epoch": int(self.metrics.get("best_epoch", 0)),
                "saved": self.info.get("saved")}

    def autosave_note(self, how_to_continue: str) -> str:
        """One sentence for a user opening an interrupted project ('' if it is not one)."""
        a = self.autosave
        if a is None:
            return ""
        when = (a["saved"] or "").replace("T", " ")
        return (f"Training did not finish: this is the autosave of epoch {a['epoch']} "
                f"(best model: epoch {a['best_epoch']}){' from ' + when if when else ''}. "
                f"{how_to_continue}").strip()

    def model(self):
        """The VAE with the best weights, in eval mode, on the CPU (built once): the shared,
        read-only model of :func:`.training.inference.cached_model`, so the app's map workers
        decoding with these weights use the same one."""
        if self._model is None:
            from ..training.inference import cached_model

            self._model = cached_model(self.model_config, self.weights)
        return self._model

    def density(self) -> LatentDensity:
        """Where the training designs live in latent space (:mod:`..latent.density`): the mixture
        stored with this state, or -- for a state saved before projects stored one -- the same
        mixture fitted now from the training split's encodings (deterministic; kept in memory)."""
        if self._density is None:
            self._density = fit_density(training_encodings(self.encodings, self.metrics.get("split")))
        return self._density

    def trainer_state(self):
        """Everything needed to continue training (weights, optimizer, history)."""
        from ..training.state import TrainerState

        opt_meta = _read_json(self.state_dir / "optimizer.json")
        return TrainerState(
            model_config=self.model_config,
            train_config=self.train_config,
            epoch=self.epoch,
            best_epoch=int(self.metrics.get("best_epoch", 0)),
            # None: saved before the first validation (JSON has no infinity)
            best_val=_finite_or_inf(self.metrics.get("best_val")),
            history=list(self.metrics.get("history", [])),
            weights=_read_tensors(self.state_dir / "last.safetensors"),
            best_weights=dict(self.weights),
            optimizer_tensors=_read_tensors(self.state_dir / "optimizer.safetensors"),
            optimizer_meta=opt_meta,
            split={k: list(v) for k, v in self.metrics.get("split", {}).items()},
            pos_weight=self.metrics.get("pos_weight"),
            lr=self.metrics.get("lr"),
            progress=dict(self.metrics.get("progress") or {}),
        )


def save_project(path, state, designs_or_manifest, encodings: np.ndarray,
                 project_id: str | None = None, keep_states: int = 1, autosave: bool = False) -> Project:
    """Write a complete new state of the project at ``path`` atomically; return it loaded.

    ``autosave``: saved while training runs (the best model so far).  The flag stays in
    ``project.json`` until a save at the end of training clears it, so a project whose
    training was killed says so when it is opened again (:attr:`Project.autosave`).
    """
    root = _project_folder(path)
    old = _read_json(root / POINTER) if is_project(root) else {}
    project_id = project_id or old.get("id") or uuid.uuid4().hex
    generation = int(old.get("generation", 0)) + 1
    manifest = designs_or_manifest if isinstance(designs_or_manifest, dict) else \
        manifest_from_designs(designs_or_manifest)

    state_name = f"state-{generation:06d}"
    tmp_dir = root / f".{state_name}.partial-{os.getpid()}"
    if tmp_dir.exists():
        shutil.rmtree(tmp_dir)
    tmp_dir.mkdir()
    try:
        _write_state(tmp_dir, state, manifest, encodings)
        final_dir = root / state_name
        os.replace(tmp_dir, final_dir)
        pointer = {
            "format": FORMAT,
            "app": "vae-designer",
            "app_version": __version__,
            "id": project_id,
            "generation": generation,
            "state": state_name,
            "kind": manifest["kind"],
            "created": old.get("created") or time.strftime("%Y-%m-%dT%H:%M:%S"),
            "saved": time.strftime("%Y-%m-%dT%H:%M:%S"),
            "autosave": bool(autosave),
            "weights_sha256": sha256_file(final_dir / "weights.safetensors"),
        }
        write_json(root / POINTER, pointer)
    except BaseException:
        shutil.rmtree(tmp_dir, ignore_errors=True)
        raise
    _remove_old_states(root, keep={state_name}, keep_count=keep_states)
    return load_project(root)


def _project_folder(path) -> Path:
    """``path`` as a folder a project may be saved into (made if missing); UserError otherwise."""
    root = Path(path)
    if root.exists() and not root.is_dir():
        raise UserError(f"{root}: exists and is not a project folder")
    if root.is_dir() and any(root.iterdir()) and not is_project(root):
        raise UserError(f"{root}: folder exists, is not empty and is not a VAE Designer project")
    root.mkdir(parents=True, exist_ok=True)
    return root


def _write_state(folder: Path, state, manifest: dict, encodings: np.ndarray) -> None:
    """One complete state: configs, manifest, metrics, weights, optimizer and encodings."""
    import torch

    config = {"model": state.model_config.to_dict(), "train": state.train_config.to_dict()}
    metrics = {
        "epoch": state.epoch,
        "best_epoch": state.best_epoch,
        "best_val": state.best_val if np.isfinite(state.best_val) else None,
        "lr": state.lr,
        "pos_weight": state.pos_weight,
        "history": state.history,
        "split": state.split,
        "progress": getattr(state, "progress", {}) or {},
    }
    write_json(folder / "config.json", config)
    write_json(folder / "manifest.json", manifest)
    write_json(folder / "metrics.json", metrics)
    write_json(folder / "optimizer.json", state.optimizer_meta)
    _write_tensors(folder / "weights.safetensors", state.best_weights or state.weights)
    _write_tensors(folder / "last.safetensors", state.weights)
    _write_tensors(folder / "optimizer.safetensors", state.optimizer_tensors)
    _write_tensors(folder / "encodings.safetensors",
                   {"mu": torch.from_numpy(np.ascontiguousarray(encodings, dtype=np.float32))})
    _write_density(folder / DENSITY, training_encodings(encodings, state.split))


def training_encodings(encodings: np.ndarray, split: dict | None) -> np.ndarray:
    """The encodings of the training split (all of them when there is no split): what the
    sampling density is fitted to, so that validation designs stay unseen by it too."""
    train = (split or {}).get("train") or []
    encodings = np.asarray(encodings)
    if len(train) and max(train) < len(encodings):
        return encodings[np.asarray(train, dtype=np.int64)]
    return encodings


def _write_density(path: Path, encodings: np.ndarray) -> None:
    import torch

    density = fit_density(encodings)
    _write_tensors(path, {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in density.to_arrays().items()},
                   metadata={"density": density.describe(), "kind": density.kind, "components": density.components,
                             "fitted_to": f"{len(encodings)} training-split encodings (posterior means)",
                             "chosen_by": "held-out likelihood (latent.density)"})


def _remove_old_states(root: Path, keep: set[str], keep_count: int) -> None:
    states = sorted(p for p in root.iterdir() if p.is_dir() and p.name.startswith("state-"))
    for p in states[: max(0, len(states) - keep_count)]:
        if p.name not in keep:
            shutil.rmtree(p, ignore_errors=True)
    for p in root.iterdir():  # leftovers of saves that were killed
        if p.name.startswith(".state-") and ".partial-" in p.name:
            shutil.rmtree(p, ignore_errors=True)


def load_project(path) -> Project:
    """Open a project folder (JSON and safetensors only).  UserError when it is not one."""
    from ..model.config import ModelConfig, TrainConfig

    root = Path(path)
    if not root.exists():
        raise UserError(f"{path}: no such project")
    if not is_project(root):
        raise UserError(f"{path}: not a VAE Designer project (no {POINTER})")
    pointer = _read_json(root / POINTER)
    if pointer.get("app") != "vae-designer" or "state" not in pointer:
        raise UserError(f"{root / POINTER}: not a VAE Designer project file")
    if int(pointer.get("format", 0)) > FORMAT:
        raise UserError(f"{path}: saved by a newer VAE Designer (format {pointer['format']})")
    state_dir = root / pointer["state"]
    config = _read_json(state_dir / "config.json")
    weights = _read_tensors(state_dir / "weights.safetensors")
    encodings = _read_tensors(state_dir / "encodings.safetensors")["mu"].numpy()
    density = None  # read now: an autosave while the project is open deletes this state folder
    if (state_dir / DENSITY).is_file():
        density = LatentDensity.from_arrays({k: v.numpy() for k, v in _read_tensors(state_dir / DENSITY).items()})
    return Project(
        path=root,
        id=pointer["id"],
        model_config=ModelConfig.from_dict(config["model"]),
        train_config=TrainConfig.from_dict(config["train"]),
        manifest=_read_json(state_dir / "manifest.json"),
        metrics=_read_json(state_dir / "metrics.json"),
        weights=weights,
        encodings=encodings,
        weights_sha256=pointer.get("weights_sha256") or sha256_file(state_dir / "weights.safetensors"),
        state_dir=state_dir,
        info=pointer,
        _density=density,
    )


def save_session(path, document: dict, pictures: dict[str, np.ndarray] | None = None) -> Path:
    """Keep a map session (``latent.saved_session.session_document``) in the project at ``path``.

    The pictures are written first, under a new token that the JSON then names: a reader sees
    the old session or the new one, and pictures that do not match the JSON it reads (a kill
    between the two renames) are ignored, never shown beside the wrong steps."""
    from safetensors.numpy import save

    root = Path(path)
    if not is_project(root):
        raise UserError(f"{root}: not a VAE Designer project (no {POINTER})")
    token = uuid.uuid4().hex
    tensors = {k: np.ascontiguousarray(v, np.uint8) for k, v in (pictures or {}).items()}
    atomic_write_bytes(root / SESSION_PICTURES, save(tensors or {"__empty__": np.zeros(0, np.uint8)},
                                                     metadata={"token": token}))
    write_json(root / SESSION, {**document, "pictures": {"file": SESSION_PICTURES, "token": token},
                                "saved": time.strftime("%Y-%m-%dT%H:%M:%S")})
    return root / SESSION


def load_session(path) -> tuple[dict, dict[str, np.ndarray]] | None:
    """The map session kept in the project at ``path`` and its pictures; None if it has none.
    UserError when the JSON is damaged; unreadable or stale pictures are left out."""
    from safetensors import safe_open

    root = Path(path)
    if not (root / SESSION).is_file():
        return None
    document = read_json(root / SESSION, "missing from the project")
    if not isinstance(document, dict):
        raise UserError(f"{root / SESSION}: not a map session")
    token = (document.get("pictures") or {}).get("token")
    pictures: dict[str, np.ndarray] = {}
    try:
        with safe_open(str(root / SESSION_PICTURES), framework="np") as fh:
            if token and (fh.metadata() or {}).get("token") == token:
                pictures = {k: fh.get_tensor(k) for k in fh.keys() if k != "__empty__"}  # noqa: SIM118
    except Exception:  # noqa: BLE001 - missing or damaged pictures: the session without them
        pictures = {}
    return document, pictures
