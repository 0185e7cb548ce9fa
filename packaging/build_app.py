"""Build the self-contained Linux app folder with PyInstaller, and install or remove its desktop entry.

    pip install -e ".[package]"                 # PyInstaller (and the app), once
    python packaging/build_app.py               # -> dist/app/vae-designer/vae-designer (+ its libraries)
    python packaging/build_app.py --install-desktop     # the .desktop entry and icon for this user
    python packaging/build_app.py --uninstall-desktop   # and away again
    python packaging/smoke_app.py               # the built app under Xvfb: samples, 1 epoch, an export

What goes in: the app's own package (every submodule: the CLI and the GUI import lazily), its
bundled assets (``vae_designer/assets``: icon, samples) and the interface's compiled translations
(``vae_designer/gui/translations/*.qm``) at the places ``importlib.resources`` finds them, and the
libraries it imports -- the torch that is installed (use the CPU build, ``torch==2.13.0``: a CUDA
build would bring gigabytes of CUDA libraries), Qt's Essentials modules that are loaded (with Qt's
own translations of its standard dialogs). Left out: what the app never imports (tkinter, IPython,
matplotlib, pytest, Qt's QML/Quick, WebEngine, Multimedia, 3D, PDF and Designer modules).
``--onedir``: one folder, which starts faster than a one-file bundle (nothing is unpacked at each
start).

The same executable is the CLI: ``vae-designer scan FOLDER`` etc. work on the built app too.
Prints the build time and the folder's size.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
NAME = "vae-designer"
DIST = REPO / "dist" / "app"
WORK = REPO / "build" / "pyinstaller"
# the compiled translations (vae_designer_ja.qm; packaging/translations.py makes them)
TRANSLATIONS = REPO / "vae_designer" / "gui" / "translations"
EXCLUDES = [
    "tkinter", "IPython", "matplotlib", "pytest", "notebook", "pandas",
    "PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtQuickWidgets", "PySide6.QtWebEngineCore",
    "PySide6.QtWebEngineWidgets", "PySide6.QtMultimedia", "PySide6.Qt3DCore", "PySide6.QtPdf",
    "PySide6.QtDesigner", "PySide6.QtHelp", "PySide6.QtSql", "PySide6.QtTest",
]
DESKTOP = """[Desktop Entry]
Type=Application
Name=VAE Designer
GenericName=Design variant generator
Comment=Train a variational autoencoder on your designs and explore new variants
Exec="{exe}" %f
Icon=vae-designer
Terminal=false
Categories=Graphics;Engineering;3DGraphics;
StartupWMClass=vae-designer
"""


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def build(clean: bool = True) -> Path:
    """Run PyInstaller; the app folder."""
    try:
        import PyInstaller  # noqa: F401
    except ImportError:
        raise SystemExit("build_app: PyInstaller is not installed: pip install -e \".[package]\"") from None
    entry = WORK / "entry.py"
    WORK.mkdir(parents=True, exist_ok=True)
    # freeze_support: the ingestion's worker processes (forkserver, its resource tracker) start the
    # frozen executable again with multiprocessing's own arguments; it must answer them, not the CLI
    entry.write_text("import multiprocessing\nimport sys\n\nmultiprocessing.freeze_support()\n"
                     "from vae_designer.cli import main\n\nsys.exit(main())\n")
    args = [sys.executable, "-m", "PyInstaller", "--noconfirm", "--onedir", "--name", NAME,
            "--distpath", str(DIST), "--workpath", str(WORK / "work"), "--specpath", str(WORK),
            "--paths", str(REPO), "--collect-submodules", "vae_designer",
            "--add-data", f"{REPO / 'vae_designer' / 'assets'}{os.pathsep}vae_designer/assets",
            "--add-data", f"{TRANSLATIONS / '*.qm'}{os.pathsep}vae_designer/gui/translations",
            "--icon", str(REPO / "vae_designer" / "assets" / "icon.png"), "--log-level", "WARN"]
    if clean:
        args.append("--clean")
    for module in EXCLUDES:
        args += ["--exclude-module", module]
    t0 = time.perf_counter()
    subprocess.run([*args, str(entry)], check=True, cwd=REPO)
    seconds = time.perf_counter() - t0
    app = DIST / NAME
    print(f"built {app / NAME} in {seconds:.0f} s; the folder holds {folder_size(app) / 2**20:.0f} MiB")
    return app


def data_home() -> Path:
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


def desktop_paths() -> dict[str, Path]:
    base = data_home()
    return {"entry": base / "applications" / f"{NAME}.desktop",
            "svg": base / "icons" / "hicolor" / "scalable" / "apps" / f"{NAME}.svg",
            "png": base / "icons" / "hicolor" / "256x256" / "apps" / f"{NAME}.png"}


def install_desktop(app: Path) -> None:
    """The .desktop entry (launching the built app) and the icon, for the current user."""
    exe = app / NAME
    if not exe.is_file():
        raise SystemExit(f"build_app: {exe} is not built yet: run python packaging/build_app.py first")
    paths = desktop_paths()
    for p in paths.values():
        p.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(REPO / "vae_designer" / "assets" / "icon.svg", paths["svg"])
    shutil.copyfile(REPO / "vae_designer" / "assets" / "icon.png", paths["png"])
    paths["entry"].write_text(DESKTOP.format(exe=exe))
    paths["entry"].chmod(0o755)
    for tool in (["update-desktop-database", str(paths["entry"].parent)],
                 ["gtk-update-icon-cache", "-q", str(data_home() / "icons" / "hicolor")]):
        if shutil.which(tool[0]):
            subprocess.run(tool, check=False, capture_output=True)
    print(f"installed {paths['entry']} and the icon under {paths['svg'].parents[2]}")


def uninstall_desktop() -> None:
    removed = [p for p in desktop_paths().values() if p.exists()]
    for p in removed:
        p.unlink()
    print(f"removed {len(removed)} files" if removed else "nothing to remove")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--install-desktop", action="store_true", help="install the .desktop entry and icon (no build)")
    ap.add_argument("--uninstall-desktop", action="store_true", help="remove them again")
    ap.add_argument("--no-clean", action="store_true", help="reuse PyInstaller's cache (faster rebuilds)")
    args = ap.parse_args()
    if args.uninstall_desktop:
        uninstall_desktop()
        return 0
    if args.install_desktop:
        install_desktop(DIST / NAME)
        return 0
    build(clean=not args.no_clean)
    return 0


if __name__ == "__main__":
    sys.exit(main())
