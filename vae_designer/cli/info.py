"""``vae-designer info PROJECT [--json]``: configuration, dataset summary and metrics."""

from __future__ import annotations

import json


def add_parser(sub) -> None:
    p = sub.add_parser("info", help="show a project's configuration, data and metrics")
    p.add_argument("project")
    p.add_argument("--json", action="store_true", help="print one JSON object")


def summary(project) -> dict:
    m = project.manifest
    metrics = project.metrics
    history = metrics.get("history", [])
    last = history[-1] if history else {}
    return {
        "project": str(project.path),
        "id": project.id,
        "kind": project.kind,
        "saved": project.info.get("saved"),
        "autosave": project.autosave,  # None, or {epoch, best_epoch, saved} of an interrupted run
        "app_version": project.info.get("app_version"),
        "weights_sha256": project.weights_sha256,
        "model": project.model_config.to_dict(),
        "train": project.train_config.to_dict(),
        "dataset": {
            "root": m.get("root"),
            "resolution": m.get("resolution"),
            "channels": m.get("channels"),
            "count": len(m.get("items", [])),
            "labels": m.get("labels", {}),
            "skipped": len(m.get("skipped", [])),
        },
        "sampling": _sampling(project),
        "metrics": {
            "epochs_done": metrics.get("epoch"),
            "best_epoch": metrics.get("best_epoch"),
            "best_val_loss": metrics.get("best_val"),
            "last": last,
        },
    }


def _sampling(project) -> dict:
    """What ``sample`` and the app's surprises draw from: the fitted latent density."""
    d = project.density()
    return {"prior": "fitted", "density": d.describe(), "kind": d.kind, "components": d.components}


def run(args) -> int:
    from vae_designer.core.project.store import load_project

    project = load_project(args.project)
    s = summary(project)
    if args.json:
        print(json.dumps(s))
        return 0
    d, mt, mo, tr = s["dataset"], s["metrics"], s["model"], s["train"]
    print(f"{s['project']}  ({s['kind']} project {s['id'][:8]}, saved {s['saved']})")
    print(f"data:    {d['count']} designs from {d['root']} at {d['resolution']}"
          f"{'^3' if s['kind'] == 'mesh' else 'x' + str(d['resolution'])}, {d['skipped']} skipped")
    print("labels:  " + ", ".join(f"{k} {v}" for k, v in d["labels"].items()))
    print(f"model:   latent {mo.get('latent_dim')}, width {mo.get('width')}")
    print("train:   " + ", ".join(f"{k} {v}" for k, v in tr.items()))
    print(f"samples: from the density of the training encodings: {s['sampling']['density']}")
    best = mt["best_val_loss"]
    print(f"metrics: {mt['epochs_done']} epochs, best validation loss "
          f"{best:.2f} nats at epoch {mt['best_epoch']}" if best is not None else
          f"metrics: {mt['epochs_done']} epochs")
    note = project.autosave_note("'vae-designer train FOLDER -o PROJECT --resume' continues from there.")
    if note:
        print(f"note:    {note}")
    return 0
