"""The ``vae-designer`` command: headless subcommands, or the desktop app.

``vae-designer`` alone (or with a folder / project path) opens the app;
``vae-designer SUBCOMMAND ...`` runs headless.  Each subcommand lives in its own
module with ``add_parser(subparsers)`` and ``run(args) -> int``.

Errors the user can cause exit with status 2 and one line on stderr, never a
traceback (:class:`~vae_designer.core.errors.UserError`, bad arguments).
"""

from __future__ import annotations

import argparse
import sys

from vae_designer import __version__
from vae_designer.core.errors import Cancelled, UserError

from . import complete, direction, encode, evaluate, info, interpolate, measure, sample, scan, train
from .stop_signals import interrupt_on_sigterm

COMMANDS = {"scan": scan, "train": train, "sample": sample, "interpolate": interpolate,
            "direction": direction, "complete": complete, "encode": encode, "info": info, "measure": measure,
            "evaluate": evaluate}


class _Parser(argparse.ArgumentParser):
    """argparse, but bad usage is one line on stderr and exit status 2."""

    def error(self, message: str):
        sys.stderr.write(f"{self.prog}: error: {message}\n")
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="vae-designer", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"vae-designer {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for module in COMMANDS.values():
        module.add_parser(sub)
    return parser


def fail(message: str) -> int:
    sys.stderr.write(f"vae-designer: error: {message}\n")
    return 2


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0] not in COMMANDS and not argv[0].startswith("-")):
        return _launch_app(argv)
    args = build_parser().parse_args(argv)
    interrupt_on_sigterm()  # a scheduler's SIGTERM ends a command like Ctrl-C (train: stops and saves)
    try:
        return int(COMMANDS[args.command].run(args) or 0)
    except UserError as exc:
        return fail(str(exc))
    except Cancelled:
        return fail("cancelled")
    except KeyboardInterrupt:
        sys.stderr.write("vae-designer: interrupted\n")
        return 130
    except BrokenPipeError:
        return 0


def _launch_app(argv: list[str]) -> int:
    if len(argv) > 1:
        return fail(f"unknown command {argv[0]!r}; run 'vae-designer --help'")
    try:
        from vae_designer.gui.app import run_app
    except ImportError:
        return fail("the desktop app is not part of this build yet; "
                    "use 'vae-designer scan FOLDER' (see 'vae-designer --help')")
    return run_app(argv[0] if argv else None)
