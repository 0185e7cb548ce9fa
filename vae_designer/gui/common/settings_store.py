"""What the app remembers between sessions: recent items, window geometry, theme, preferences.

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
# Preferences (Edit > Preferences): what new projects start with and where the ingestion cache lives.
PREFERENCES = {"language": "system", "resolution_image": 64, "resolution_mesh": 32, "latent_dim": 32,
               "device": "auto", "cache_dir": ""}
PREFERENCE_CHOICES = {"resolution_image": (32, 64, 128), "resolution_mesh": (16, 32, 64)}
DEVICES = ("auto", "cpu", "cuda", "mps")


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

    # preferences: defaults for new projects, the cache location (PREFERENCES: the defaults)
    def preferences(self) -> dict:
        out = {}
        for key, default in PREFERENCES.items():
            value = self._s.value(f"preferences/{key}", default)
            try:
                value = type(default)(value)
            except (TypeError, ValueError):
                value = default
            if key in PREFERENCE_CHOICES and value not in PREFERENCE_CHOICES[key]:
                value = default
            if key == "language" and value not in ("system", "en", "ja"):
                value = default
            if key == "device" and value not in DEVICES:
                value = default
            if key == "latent_dim" and not 2 <= value <= 512:
                value = default
            out[key] = value
        return out

    def set_preferences(self, values: dict) -> None:
        for key, value in values.items():
            if key in PREFERENCES:
                self._s.setValue(f"preferences/{key}", value)

    def reset_preferences(self) -> None:
        self._s.remove("preferences")
        self._s.setValue("theme", "system")

    # dialogs start where the user last was
    def last_dir(self) -> str:
        value = str(self._s.value("last_dir", "") or "")
        return value if value and os.path.isdir(value) else str(Path.home())

    def set_last_dir(self, path: str) -> None:
        self._s.setValue("last_dir", path)

    def sync(self) -> None:
        self._s.sync()
