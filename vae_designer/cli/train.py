"""``vae-designer train FOLDER -o PROJECT``: train (or continue training) a VAE headless.

Under ``torchrun --nproc_per_node=N -m vae_designer train ...`` every process
trains a shard of each epoch with DistributedDataParallel; only rank 0 loads
with progress output and writes the project.

Nothing is lost when the run is ended: the best model is autosaved as it
improves (``core.project.autosave``, at most every few seconds), so even SIGKILL leaves
the newest autosave, which ``--resume`` continues; SIGTERM and Ctrl-C stop at
the next chunk of work and save (every rank stops; rank 0 writes).
"""

from __future__ import annotations

import signal
import sys

from vae_designer.core.errors import UserError
from vae_designer.core.generators import run_to_end
from vae_designer.core.ingest.settings import resolution_help
from vae_designer.core.model.config import DEVICES

from .common import non_negative_float, positive_float, positive_int
from .stop_signals import graceful_stop


def add_parser(sub) -> None:
    p = sub.add_parser("train", help="train a VAE on a design folder and save a project",
                       description="Train a VAE on a design folder; the project keeps the best "
                                   "validation weights, autosaved as training improves them. Ctrl-C or "
                                   "SIGTERM stops and saves; --resume continues.")
    p.add_argument("folder", help="design folder (images or meshes)")
    p.add_argument("-o", "--output", required=True, metavar="PROJECT", help="project folder to write")
    p.add_argument("--epochs", type=positive_int, help="epochs in total (with --resume: continue up to this)")
    p.add_argument("--latent-dim", type=positive_int, help="size of the latent space (default 32)")
    p.add_argument("--resolution", type=positive_int, help=resolution_help())
    p.add_argument("--kind", choices=["image", "mesh"], help="force the kind (default: detected)")
    p.add_argument("--beta", type=non_negative_float, help="weight of the KL term (default 1)")
    p.add_argument("--batch-size", type=positive_int)
    p.add_argument("--lr", type=positive_float, help="learning rate")
    p.add_argument("--seed", type=int, help="random seed (split, initialisation, order)")
    p.add_argument("--device", choices=list(DEVICES), help="default: auto")
    p.add_argument("--shift", type=int, choices=range(0, 17), metavar="PIXELS",
                   help="images: move each training picture by up to PIXELS at random (default 0; 2 helps "
                        "a collection the model learns by heart, see TrainConfig)")
    p.add_argument("--no-early-stop", action="store_true",
                   help="run every epoch (default: stop once validation has not improved for a fifth of them, "
                        "at least 10)")
    p.add_argument("--resume", action="store_true", help="continue training the project at -o")


def run(args) -> int:
    from vae_designer.core.training import init_distributed_from_env

    distributed = init_distributed_from_env(args.device)
    try:
        return _train(args)
    finally:
        if distributed:
            import gc

            import torch.distributed as dist

            # the trainer's DDP wrapper holds gloo work: free it (cycles too) while the interpreter
            # is alive, then end the group; gloo threads torn down at exit can abort the process
            gc.collect()
            dist.destroy_process_group()


def _overrides(args) -> dict:
    mapping = {"epochs": args.epochs, "beta": args.beta, "batch_size": args.batch_size, "lr": args.lr,
               "seed": args.seed, "device": args.device,
               "early_stop": 0.0 if getattr(args, "no_early_stop", False) else None,
               "shift_pixels": getattr(args, "shift", None)}
    return {k: v for k, v in mapping.items() if v is not None}


def _train(args) -> int:
    from vae_designer.core.project.autosave import Autosaver
    from vae_designer.core.training import TrainControl, Trainer, is_main_process

    main = is_main_process()
    project = _project_to_resume(args)
    designs = _load(args, project, main)
    model_cfg, train_cfg, state = _configs(args, designs, project)
    control = TrainControl()
    trainer = Trainer(designs, model_cfg, train_cfg, control=control, state=state)
    saver = Autosaver(args.output, designs, project.id if project else None) if main else None

    def stop(signum: int) -> None:
        control.stop()  # honoured at the next chunk; under torchrun all ranks agree on it
        if main:
            print(f"\n{signal.Signals(signum).name}: stopping, saving the best model so far "
                  "(once more to quit at once)", file=sys.stderr)

    with graceful_stop(stop):
        final = _run(trainer, main, saver)
    if main and final is not None:
        saved = saver.save(final, autosave=False)
        best = saved.metrics.get("best_val")
        best_text = f"{best:.2f}" if best is not None else "n/a"
        print(f"saved {saved.path} (epoch {saved.epoch}, best validation loss {best_text} "
              f"nats at epoch {saved.metrics.get('best_epoch')})")
    return 0


def _project_to_resume(args):
    """The project at ``-o`` with ``--resume`` (checked against the arguments), else None."""
    from vae_designer.core.project.store import is_project, load_project

    if not args.resume:
        if is_project(args.output):
            raise UserError(f"{args.output} is already a project: add --resume to continue "
                            "training it, or choose another -o")
        return None
    project = load_project(args.output)
    settings = project.manifest["settings"]
    if args.resolution and args.resolution != settings["resolution"]:
        raise UserError(f"--resolution {args.resolution} differs from the project's "
                        f"{settings['resolution']}; it cannot be changed when resuming")
    if args.latent_dim and args.latent_dim != project.model_config.latent_dim:
        raise UserError("--latent-dim cannot be changed when resuming")
    return project


def _load(args, project, main: bool):
    """The design folder, with the project's settings when resuming (progress bar on rank 0)."""
    from vae_designer.core.ingest import ingest_steps

    from .progress import drive

    if project is not None:
        settings = project.manifest["settings"]
        kind, resolution = settings["kind"], settings["resolution"]
    else:
        kind, resolution = args.kind, args.resolution
    steps = ingest_steps(args.folder, kind, resolution, workers=None if main else 1)
    designs = drive(steps, desc="loading") if main else run_to_end(steps)
    if main and designs.skipped:
        print(f"{len(designs.skipped)} files skipped (see 'vae-designer scan')", file=sys.stderr)
    if project is not None and designs.paths != project.paths:
        raise UserError(f"{args.folder} no longer holds the designs {args.output} was trained on "
                        "(files added, removed or renamed); train a new project instead")
    return designs


def _configs(args, designs, project):
    """(model config, train config, trainer state or None): the project's, with the arguments'
    overrides, or new ones for the designs."""
    import dataclasses

    from vae_designer.core.model.config import ModelConfig, TrainConfig

    if project is None:
        model_cfg = ModelConfig.for_designs(designs, **({"latent_dim": args.latent_dim}
                                                        if args.latent_dim else {}))
        return model_cfg, TrainConfig.for_designs(designs, **_overrides(args)), None
    state = project.trainer_state()
    train_cfg = dataclasses.replace(state.train_config, **_overrides(args))
    if train_cfg.epochs <= state.epoch:
        raise UserError(f"the project has already trained {state.epoch} epochs; "
                        f"pass --epochs above {state.epoch} to continue")
    return state.model_config, train_cfg, state


def _run(trainer, main: bool, saver):
    """Iterate the trainer with a progress bar (rank 0); autosave after improving epochs."""
    report = _Report(trainer, saver) if main else None
    try:
        return run_to_end(trainer.run(), report)
    finally:
        if report is not None:
            report.close()


class _Report:
    """Rank 0's view of the events: a tqdm bar over the steps, a line per epoch, autosaves."""

    def __init__(self, trainer, saver):
        self.trainer, self.saver, self.bar = trainer, saver, None

    def __call__(self, ev) -> None:
        from tqdm import tqdm

        if ev.kind == "start":
            self.bar = tqdm(total=ev.epochs * max(1, ev.steps_per_epoch), desc="training", unit="step",
                            file=sys.stderr, disable=None, dynamic_ncols=True,
                            initial=ev.epoch * max(1, ev.steps_per_epoch))
        elif self.bar is not None and ev.kind == "step":
            self.bar.n = ev.epoch * ev.steps_per_epoch + ev.step
            self.bar.set_postfix_str(f"recon {ev.train_recon:.1f} kl {ev.train_kl:.1f} "
                                     f"{ev.items_per_second:.0f} it/s", refresh=True)
        elif ev.kind == "epoch":
            self._line(f"epoch {ev.epoch}/{ev.epochs}: train {ev.train_recon + ev.train_kl:.2f} "
                       f"val {ev.val_recon + ev.val_kl:.2f} nats{' (best)' if ev.improved else ''}")
            if self.saver is not None:
                self.saver.offer(self.trainer, ev.improved)
        elif ev.kind == "nan":
            self._line(f"warning: {ev.message}")

    def _line(self, text: str) -> None:
        (self.bar.write if self.bar is not None else print)(text, file=sys.stderr)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
