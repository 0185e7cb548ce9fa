"""What the app remembers between sessions: recent items, window geometry, theme.

QSettings in INI format under the user config directory (appdirs), so the file
is easy to find and to delete.  ``VAE_DESIGNER_CONFIG_DIR`` overrides the
directory (tests use a temporary one).
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

MAX_RECENT = 10
THEMES = ("system", "light", "dark")


def config_dir() -> Path:
    override = os.environ.get("VAE_DESIGNER_CONFIG_DIR")
    if override:
        return Path(override)
    import appdirs

    return Path(appdirs.user_config_dir("vae-designer", appauthor=False))


def data_dir() -> Path:
    """Where projects are autosaved until the user picks a place (Save Project As)."""
    override = os.environ.get("VAE_DESIGNER_DATA_DIR")
    if override:
        return Path(override)
    import appdirs

    return Path(appdirs.user_data_dir("vae-designer", appauthor=False))


class SettingsStore:
    """Typed access to the app's QSettings."""

    def __init__(self, path: str | os.PathLike | None = None):
        path = Path(path) if path else config_dir() / "vae-designer.ini"
        path.parent.mkdir(parents=True, exist_ok=True)
        self._s = QSettings(str(path), QSettings.Format.IniFormat)

    @property
    def path(self) -> str:
        return self._s.fileName()

    # recent folders and projects, most recent first
    def recent(self) -> list[str]:
        value = self._s.value("recent", [])
        if isinstance(value, str):  # QSettings returns a bare string for one-element lists
            value = [value]
        return [str(v) for v in (value or []) if v]

    def add_recent(self, path: str | os.PathLike) -> None:
        path = os.path.abspath(os.fspath(path))
        items = [path] + [p for p in self.recent() if p != path]
        self._s.setValue("recent", items[:MAX_RECENT])
        self._s.sync()

    def remove_recent(self, path: str) -> None:
        self._s.setValue("recent", [p for p in self.recent() if p != path])
        self._s.sync()

    def clear_recent(self) -> None:
        self._s.setValue("recent", [])
        self._s.sync()

    # window
    def geometry(self) -> QByteArray | None:
        value = self._s.value("window/geometry")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_geometry(self, geometry: QByteArray) -> None:
        self._s.setValue("window/geometry", geometry)


    # look
    def theme(self) -> str:
        value = str(self._s.value("theme", "system"))
        return value if value in THEMES else "system"

    def set_theme(self, name: str) -> None:
        self._s.setValue("theme", name if name in THEMES else "system")

    # dialogs start where the user last was
    def last_dir(self) -> str:
        value = str(self._s.value("last_dir", "") or "")
        return value if value and os.path.isdir(value) else str(Path.home())

    def set_last_dir(self, path: str) -> None:
        self._s.setValue("last_dir", path)

    def sync(self) -> None:
        self._s.sync()
