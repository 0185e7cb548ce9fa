"""Where the bundled resources (sample designs, icon) live.

They sit in the repository's top-level ``resources/`` folder, next to the
package; an editable install (the README's Quick start) finds them there.
"""

from __future__ import annotations

from pathlib import Path

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
SAMPLES = {"image": "cars-2d", "mesh": "cars-3d"}


def resource(name: str) -> Path:
    return RESOURCES / name


def sample_folder(kind: str = "image") -> Path:
    """The bundled sample design folder for ``kind`` ('image' or 'mesh')."""
    return RESOURCES / "samples" / SAMPLES[kind]
