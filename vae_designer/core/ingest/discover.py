"""Walking a design folder: which files are designs, of which kind, with which label.

The kind (image or mesh) is decided by majority of recognised extensions and can
be forced.  First-level sub-folder names are labels; files directly in the
root get the label "(root)".  Files that are not designs of the
chosen kind are returned as skipped with a reason, never raised.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from ..errors import UserError

IMAGE_EXTENSIONS = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp"}
MESH_EXTENSIONS = {".stl", ".obj", ".ply", ".off", ".glb", ".gltf"}
# Files that travel with designs but are not designs themselves; not worth a skip line.
COMPANION_EXTENSIONS = {".mtl", ".bin"}
ROOT_LABEL = "(root)"
_EXT_KIND = {e: "image" for e in IMAGE_EXTENSIONS} | {e: "mesh" for e in MESH_EXTENSIONS}


class FoundFile(NamedTuple):
    """A candidate design file: absolute path, path relative to the root, label, stat.

    A NamedTuple rather than a frozen dataclass: folders hold 100k files and
    reopening a cached folder is dominated by per-file overhead.
    """

    path: str
    relpath: str
    label: str
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class Discovery:
    kind: str
    files: list[FoundFile]
    skipped: list[tuple[str, str]]  # (relpath, reason)


def _ext(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot > 0 else ""


def _walk(root: str):
    """Yield (relpath, label, DirEntry, extension) for every regular file, skipping hidden folders.

    Plain strings and one pass: on a folder of 100k files, per-file Python
    overhead (pathlib, repeated parsing) costs more than the stat calls.
    """
    stack = [("", root, ROOT_LABEL)]
    while stack:
        rel_dir, here, label = stack.pop()
        try:
            entries = sorted(os.scandir(here), key=lambda e: e.name)
        except OSError:
            continue
        subdirs = []
        for entry in entries:
            name = entry.name
            try:
                is_dir = entry.is_dir(follow_symlinks=True)
            except OSError:
                continue
            if is_dir:
                if not name.startswith("."):
                    # first-level folder names are labels; deeper folders inherit them
                    subdirs.append((f"{rel_dir}{name}/", entry.path, name if not rel_dir else label))
            elif entry.is_file(follow_symlinks=True):
                dot = name.rfind(".")
                yield f"{rel_dir}{name}", label, entry, (name[dot:].lower() if dot > 0 else "")
        stack.extend(reversed(subdirs))


def discover(folder: str | os.PathLike, kind: str | None = None) -> Discovery:
    """List the design files under ``folder`` (recursively) in a stable order."""
    root = Path(folder).expanduser()
    if not root.exists():
        raise UserError(f"{folder}: no such folder")
    if not root.is_dir():
        raise UserError(f"{folder}: not a folder")
    found = list(_walk(str(root.resolve())))
    if kind is None:
        counts = {"image": 0, "mesh": 0, None: 0}
        for _, _, _, ext in found:
            counts[_EXT_KIND.get(ext)] += 1
        if not (counts["image"] or counts["mesh"]):
            raise UserError(f"{folder}: no image or mesh files found")
        kind = "mesh" if counts["mesh"] > counts["image"] else "image"

    files: list[FoundFile] = []
    skipped: list[tuple[str, str]] = []
    for rel, label, entry, ext in found:
        k = _EXT_KIND.get(ext)
        if k == kind:
            st = entry.stat()
            files.append(FoundFile(entry.path, rel, label, st.st_size, st.st_mtime_ns))
        elif entry.name.startswith(".") or ext in COMPANION_EXTENSIONS:
            continue
        elif k is not None:
            skipped.append((rel, f"{k} file in a {kind} folder"))
        else:
            skipped.append((rel, f"not a design file ({ext or 'no extension'})"))
    return Discovery(kind=kind, files=files, skipped=skipped)
