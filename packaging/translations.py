"""Collect the app's translatable strings and compile the translations it ships.

    python packaging/translations.py          # lupdate: refresh vae_designer/gui/translations/*.ts
                                              # lrelease: compile them into the .qm files the app loads
    python packaging/translations.py --check  # exit 1 if a .ts is out of date, unfinished, or its .qm stale

Adding a string: write it as ``self.tr("...")`` (``QCoreApplication.translate("Context", "...")``
outside a QObject; placeholders as ``{0}`` filled with ``.format``), run this script, translate
the new entries in the ``.ts`` (Qt Linguist, or by hand: fill ``<translation>`` and drop
``type="unfinished"``), run it again, and commit the ``.ts`` and the ``.qm``.  The glossary of
the Japanese terms is in ``docs/i18n.md``.
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GUI = REPO / "vae_designer" / "gui"
FOLDER = GUI / "translations"
LANGUAGES = ("ja",)


def sources() -> list[str]:
    return sorted(str(p) for p in GUI.rglob("*.py"))


def tool(name: str) -> str:
    found = shutil.which(f"pyside6-{name}")
    if not found:
        raise SystemExit(f"translations: pyside6-{name} not found (it comes with PySide6)")
    return found


def update(ts: Path) -> None:
    subprocess.run([tool("lupdate"), *sources(), "-no-obsolete", "-locations", "none", "-ts", str(ts)], check=True,
                   capture_output=True)


def release(ts: Path, qm: Path) -> None:
    subprocess.run([tool("lrelease"), str(ts), "-qm", str(qm)], check=True, capture_output=True)


def check() -> list[str]:
    """What is wrong with the shipped translations (nothing: an empty list)."""
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        for lang in LANGUAGES:
            ts, qm = FOLDER / f"vae_designer_{lang}.ts", FOLDER / f"vae_designer_{lang}.qm"
            fresh = Path(tmp) / ts.name
            shutil.copy(ts, fresh)
            update(fresh)
            if fresh.read_text(encoding="utf-8") != ts.read_text(encoding="utf-8"):
                problems.append(f"{ts.name}: out of date with the code (run python packaging/translations.py)")
            text = ts.read_text(encoding="utf-8")
            unfinished = text.count('type="unfinished"') + text.count("<translation></translation>")
            if unfinished:
                problems.append(f"{ts.name}: {unfinished} entries not translated")
            built = Path(tmp) / qm.name
            release(ts, built)
            if not qm.is_file() or not filecmp.cmp(built, qm, shallow=False):
                problems.append(f"{qm.name}: stale (run python packaging/translations.py)")
    return problems


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    if args.check:
        problems = check()
        print("\n".join(problems) or "translations up to date")
        return 1 if problems else 0
    FOLDER.mkdir(parents=True, exist_ok=True)
    for lang in LANGUAGES:
        ts = FOLDER / f"vae_designer_{lang}.ts"
        update(ts)
        release(ts, FOLDER / f"vae_designer_{lang}.qm")
        print(f"{ts}: {ts.read_text(encoding='utf-8').count('<source>')} strings")
    return 0


if __name__ == "__main__":
    sys.exit(main())
