"""Helpers shared by the GUI tests (not fixtures)."""

from __future__ import annotations

from pathlib import Path


def wait_opened(qtbot, window, timeout=60000):
    """Wait until the window has something open and nothing loading."""
    qtbot.waitUntil(lambda: window.workspace.current is not None and not window.workspace.busy,
                    timeout=timeout)
    return window.workspace.current


def error_dialogs(window):
    from PySide6.QtWidgets import QMessageBox

    return [b for b in window.findChildren(QMessageBox) if b.objectName() == "ErrorDialog" and b.isVisible()]


def silhouette(path: Path, box=(20, 30, 80, 50), size=(120, 80)) -> Path:
    """A dark filled rectangle on white, saved as an image file."""
    from PIL import Image, ImageDraw

    img = Image.new("L", size, 255)
    ImageDraw.Draw(img).rectangle(box, fill=0)
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path)
    return path


def broken_image_folder(root: Path) -> set[str]:
    """Six good silhouettes under labels a/ and b/, and four files that cannot load."""
    for label in ("a", "b"):
        for i in range(3):
            silhouette(root / label / f"{label}{i}.png", box=(10 + 5 * i, 20, 90, 50 + 3 * i))
    (root / "a" / "truncated.png").write_bytes((root / "a" / "a0.png").read_bytes()[:60])
    (root / "b" / "notes.txt").write_text("not a design")
    (root / "b" / "empty.jpg").write_bytes(b"")
    (root / "b" / "mesh.stl").write_text("solid x\nendsolid x\n")
    return {"a/truncated.png", "b/notes.txt", "b/empty.jpg", "b/mesh.stl"}
