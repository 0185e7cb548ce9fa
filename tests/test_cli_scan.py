"""``vae-designer scan``: the CLI contract, run as a user runs it (a subprocess)."""

import json

import pytest
from helpers import hostile_files, run_cli, save_silhouette
from PIL import Image


def test_scan_json_and_preview(mesh_folder, tmp_path):
    hostile_files(mesh_folder / "tall")
    out = tmp_path / "sheet.png"
    p = run_cli("scan", mesh_folder, "--json", "--preview", out)
    assert p.returncode == 0, p.stderr
    assert "Traceback" not in p.stderr
    data = json.loads(p.stdout)
    assert data["kind"] == "mesh" and data["resolution"] == 32 and data["count"] == 6
    assert data["labels"] == {"long": 3, "tall": 3}
    assert {s["path"] for s in data["skipped"]} >= {"tall/empty.stl", "tall/nan.obj", "tall/garbage.glb"}
    assert all(s["reason"] for s in data["skipped"])
    assert data["seconds"] >= 0
    img = Image.open(out)
    assert img.size[0] > 100 and img.getextrema() != ((0, 0),) * 3


def test_scan_summary_and_kind_override(tmp_path):
    for i in range(3):
        save_silhouette(tmp_path / "d" / "cars" / f"{i}.png", box=(10, 10, 70 + i, 40))
    (tmp_path / "d" / "cars" / "readme.txt").write_text("x")
    p = run_cli("scan", tmp_path / "d", "--resolution", "32")
    assert p.returncode == 0, p.stderr
    assert "3 images loaded as 32x32 grey" in p.stdout
    assert "readme.txt: not a design file" in p.stdout
    p = run_cli("scan", tmp_path / "d", "--kind", "mesh")
    assert p.returncode == 2
    assert p.stderr.count("\n") == 1 and "no usable mesh designs" in p.stderr


@pytest.mark.parametrize("args,message", [
    (["scan"], "required"),
    (["scan", "/no/such/folder"], "no such folder"),
    (["scan", "{tmp}", "--kind", "voxel"], "invalid choice"),
    (["scan", "{tmp}/d", "--resolution", "50"], "not supported"),
    (["scan", "{tmp}/d", "--resolution", "abc"], "invalid int"),
    (["scan", "{tmp}/d", "--preview", "{tmp}/nope/x.png"], "does not exist"),
    (["scan", "{tmp}/d", "--preview", "{tmp}/x.jpg"], ".png"),
    (["scan", "{tmp}/empty"], "no image or mesh files"),
    (["frobnicate", "x"], "unknown command"),
])
def test_errors_are_one_line_exit_2(tmp_path, args, message):
    save_silhouette(tmp_path / "d" / "a.png")
    (tmp_path / "empty").mkdir()
    p = run_cli(*[a.format(tmp=tmp_path) for a in args])
    assert p.returncode == 2
    assert p.stderr.count("\n") == 1, p.stderr
    assert message in p.stderr and "Traceback" not in p.stderr
