"""Packaging: the wheel is the product -- built from the source tree, installed into a fresh virtual
environment with no checkout on ``sys.path``, it scans its own bundled samples and its start
page opens them (offscreen).  The environment gets the dependencies from this interpreter's
site-packages through ``PYTHONPATH`` (no .pth processing there, so this checkout's editable
install is not seen; torch and Qt are not downloaded again)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow

START_PAGE = textwrap.dedent("""
    import sys, time
    import vae_designer
    from PySide6.QtWidgets import QApplication
    from vae_designer.gui.app import make_window
    from vae_designer.resources import resource, sample_folder
    assert vae_designer.__file__.startswith(sys.argv[1]), vae_designer.__file__
    app = QApplication.instance() or QApplication([])
    window = make_window()
    window.show()
    assert not window.windowIcon().isNull() and resource("icon.svg").is_file()
    window.start_page.sample_2d_tile.click()  # the bundled silhouettes, as a user tries them first
    deadline = time.monotonic() + 120
    while (window.workspace.current is None or window.workspace.busy) and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.02)
    opened = window.workspace.current
    assert opened is not None and opened.designs is not None and len(opened.designs) == 300, opened
    assert str(sample_folder("image")).startswith(sys.argv[1])
    print("opened", len(opened.designs), window.windowTitle())
    window.close()
    app.processEvents()
""")


def _copy_source(dest: Path) -> Path:
    """The files git would ship (tracked or not ignored), without build leftovers."""
    listed = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=REPO, capture_output=True,
                            text=True)
    if listed.returncode != 0:  # not a git checkout: copy the tree as it is
        shutil.copytree(REPO, dest, ignore=shutil.ignore_patterns(".git", "build", "dist", "*.egg-info",
                                                                  "__pycache__"))
        return dest
    for rel in listed.stdout.splitlines():
        src = REPO / rel
        if src.is_file():
            (dest / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / rel)
    return dest


def test_the_wheel_ships_its_samples_and_icon_and_runs_without_the_checkout(tmp_path):
    source = _copy_source(tmp_path / "src")
    wheels = tmp_path / "wheels"
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                            "-w", str(wheels), str(source)], capture_output=True, text=True)
    assert build.returncode == 0, build.stderr[-2000:]
    wheel = next(wheels.glob("vae_designer-*.whl"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    install = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q",
                              str(wheel)], capture_output=True, text=True)
    assert install.returncode == 0, install.stderr[-2000:]
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env.update(PYTHONPATH=sysconfig.get_paths()["purelib"], QT_QPA_PLATFORM="offscreen",
               VAE_DESIGNER_CONFIG_DIR=str(tmp_path / "config"), VAE_DESIGNER_DATA_DIR=str(tmp_path / "data"),
               VAE_DESIGNER_CACHE_DIR=str(tmp_path / "cache"))
    work = tmp_path / "elsewhere"  # not the checkout: nothing of it on sys.path
    work.mkdir()

    where = subprocess.run([str(python), "-c", "import vae_designer, sys; print(vae_designer.__file__); "
                            "print(*sys.path, sep='\\n')"], cwd=work, env=env, capture_output=True, text=True)
    assert where.returncode == 0, where.stderr[-2000:]
    module, *path = where.stdout.splitlines()
    assert module.startswith(site)
    assert not any(p and Path(p).resolve().is_relative_to(REPO) for p in path)
    samples = Path(site) / "vae_designer" / "assets" / "samples"
    assert len(list((samples / "cars-2d").rglob("*.png"))) == 300 and any((samples / "cars-3d").rglob("*.stl"))

    scan = subprocess.run([str(venv / "bin" / "vae-designer"), "scan", str(samples / "cars-2d")], cwd=work, env=env,
                          capture_output=True, text=True, timeout=300)
    assert scan.returncode == 0, scan.stderr[-2000:]
    assert "300" in scan.stdout

    start = subprocess.run([str(python), "-c", START_PAGE, site], cwd=work, env=env, capture_output=True,
                           text=True, timeout=300)
    assert start.returncode == 0, (start.stdout + start.stderr)[-3000:]
    assert "opened 300" in start.stdout


@pytest.mark.parametrize("language", ["en", "ja"])
def test_the_smoke_run_opens_the_samples_trains_an_epoch_and_exports(tmp_path, language):
    """``packaging/smoke_app.py --source [--japanese]``: the checks the packaged app is built to
    pass, on the app run from this checkout (the frozen build itself is not part of the default
    test run), under an English and a Japanese locale."""
    if not shutil.which("xvfb-run") and not os.environ.get("DISPLAY"):
        pytest.skip("needs xvfb-run")
    extra = ["--japanese"] if language == "ja" else []
    done = subprocess.run([sys.executable, str(REPO / "packaging" / "smoke_app.py"), "--source", *extra,
                           "--keep", str(tmp_path / "run")], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    assert "FAIL" not in done.stdout and done.stdout.count("ok   ") == 7
    report = json.loads((tmp_path / "run" / "out" / "smoke.json").read_text())
    assert report["ok"] and "cars-2d" in report["title"]
    assert report["menus"][0] == ("ファイル(&F)" if language == "ja" else "&File")


def test_the_desktop_entry_and_icon_are_installed_for_the_user_and_removed_again(tmp_path, monkeypatch, capsys):
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_app", REPO / "packaging" / "build_app.py")
    build_app = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build_app)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    with pytest.raises(SystemExit, match="not built yet"):
        build_app.install_desktop(tmp_path / "app")
    app = tmp_path / "app"
    app.mkdir()
    (app / "vae-designer").write_text("#!/bin/sh\n")
    build_app.install_desktop(app)
    entry = tmp_path / "share" / "applications" / "vae-designer.desktop"
    text = entry.read_text()
    assert f'Exec="{app / "vae-designer"}" %f' in text and "Icon=vae-designer" in text and "Type=Application" in text
    svg = tmp_path / "share" / "icons" / "hicolor" / "scalable" / "apps" / "vae-designer.svg"
    assert svg.read_bytes() == (REPO / "vae_designer" / "assets" / "icon.svg").read_bytes()
    build_app.uninstall_desktop()
    assert not entry.exists() and not svg.exists()
    assert "removed 3 files" in capsys.readouterr().out
