"""Smoke-test the built app (``packaging/build_app.py``) the way a new user meets it.

Launches ``dist/app/vae-designer/vae-designer`` under Xvfb (``xvfb-run``; no window manager is
needed) with fresh settings, data and cache folders and ``VAE_DESIGNER_SMOKE`` set: the app then
opens the bundled samples from its start page, trains one epoch, shows the Map page, exports the
design on show and closes (``vae_designer/gui/smoke.py``). Checks the exit status, the window title,
the exported PNG and its sidecar; prints the cold start to the first window and each step's time.
``--japanese`` runs it under a Japanese locale (``LANG=ja_JP.UTF-8``) and checks that the menus are
in Japanese (the translations are in the bundle). ``--source`` runs ``python -m vae_designer`` from
this checkout instead (the same run, unfrozen: what the packaged start is compared with).

    python packaging/smoke_app.py [--exe PATH | --source] [--japanese] [--keep DIR]
Exit status 0 when every check passes.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_EXE = REPO / "dist" / "app" / "vae-designer" / "vae-designer"


JAPANESE_FILE_MENU = "ファイル(&F)"


def run(command: list[str], work: Path, timeout: float, japanese: bool = False) -> tuple[int, float, dict, str]:
    """(exit status, seconds from launch to the first window, smoke.json, output)."""
    env = dict(os.environ)
    lang = "ja_JP.UTF-8" if japanese else "C.UTF-8"
    env.update(LANG=lang, LC_ALL=lang, LANGUAGE="ja" if japanese else "en")
    for key in ("VAE_DESIGNER_CONFIG_DIR", "VAE_DESIGNER_DATA_DIR", "VAE_DESIGNER_CACHE_DIR"):
        env[key] = str(work / key.split("_")[-2].lower())
    env.update(VAE_DESIGNER_SMOKE=str(work / "out"), QT_QPA_PLATFORM="xcb")
    env.pop("VAE_DESIGNER_SMOKE_FAILED", None)
    if not env.get("DISPLAY"):
        if not shutil.which("xvfb-run"):
            raise SystemExit("smoke_app: needs xvfb-run (apt-get install xvfb) or a DISPLAY")
        command = ["xvfb-run", "-a", "-s", "-screen 0 1400x900x24", *command]
    t0 = time.time()
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout, cwd=work)
    report_path = work / "out" / "smoke.json"
    report = json.loads(report_path.read_text()) if report_path.is_file() else {}
    first = report.get("first_window_unix", t0) - t0
    return done.returncode, first, report, done.stdout + done.stderr


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--exe", default=str(DEFAULT_EXE), help=f"the built app (default {DEFAULT_EXE})")
    ap.add_argument("--source", action="store_true", help="run python -m vae_designer from the checkout instead")
    ap.add_argument("--japanese", action="store_true", help="run under a Japanese locale; check the menus are Japanese")
    ap.add_argument("--keep", help="keep the run's folders here (default: a temporary folder, removed)")
    ap.add_argument("--timeout", type=float, default=600)
    args = ap.parse_args()
    if args.source:
        command = [sys.executable, "-m", "vae_designer"]
    else:
        if not Path(args.exe).is_file():
            print(f"smoke_app: {args.exe} is not built: run python packaging/build_app.py", file=sys.stderr)
            return 2
        command = [args.exe]
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="vae-smoke-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        code, first, report, output = run(command, work, args.timeout, args.japanese)
        exported = [Path(p) for p in report.get("exported", [])]
        checks = {
            "exit status 0": code == 0,
            "the run finished": bool(report.get("ok")),
            "window title names the samples": "cars-2d" in str(report.get("title", "")),
            "a PNG was exported": any(p.suffix == ".png" and p.is_file() and p.stat().st_size > 0 for p in exported),
            "with its sidecar": any(p.suffix == ".json" and p.is_file() for p in exported),
            "frozen" if not args.source else "from source": bool(report.get("frozen")) != args.source,
        }
        file_menu = (report.get("menus") or ["?"])[0]
        if args.japanese:
            checks[f"menus in Japanese ({file_menu})"] = file_menu == JAPANESE_FILE_MENU
        else:
            checks[f"menus in English ({file_menu})"] = file_menu == "&File"
        what = "source" if args.source else args.exe
        print(f"{what}: first window {first:.2f} s after launch; steps "
              + ", ".join(f"{k} {v:.1f} s" for k, v in report.get("steps", {}).items()))
        for name, ok in checks.items():
            print(f"  {'ok  ' if ok else 'FAIL'} {name}")
        if not all(checks.values()):
            print(report.get("failed", ""), output[-3000:], sep="\n", file=sys.stderr)
            return 1
        return 0
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
