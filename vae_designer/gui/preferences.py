"""Preferences (Edit > Preferences…, Ctrl+,): the look, what new projects start with, the cache.

:class:`PreferencesDialog` edits the :class:`~.common.settings_store.SettingsStore`'s preferences
(QSettings under the user config directory) and applies them at once through callbacks the main
window gives:

* **Language**: follow the system's, English or Japanese (``common.i18n``; from the next start).
* **Look**: follow the system, light or dark (``apply_theme``: the whole app re-themes).
* **New projects**: the resolution a design folder is loaded at (images and meshes apart), the
  latent size and the device the Training page proposes (a saved project keeps its own).
* **Cache**: where processed designs are kept so a folder opens fast the next time
  (``core.ingest.cache``), its size (counted in a worker) and **Clear** (its own ``ingest``
  folder only, never anything else there; refused while a folder loads or training runs).
* **Reset to Defaults**.

"""

from __future__ import annotations

import os
from collections.abc import Callable

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from .common import dialogs
from .common.jobs import LatestJobs
from .common.settings_store import DEVICES, PREFERENCE_CHOICES


def human_size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,.0f} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"  # pragma: no cover


def _measure(job: dict) -> tuple[int, int]:
    from vae_designer.core.ingest.cache import cache_size

    return cache_size(job["root"])


def _clear(job: dict) -> int:
    from vae_designer.core.ingest.cache import clear_cache

    return clear_cache(job["root"])


def apply_cache_dir(path: str) -> None:
    """Point the core's ingestion cache at ``path`` ("" : the default)."""
    from vae_designer.core.ingest.cache import set_cache_root

    set_cache_root(path or None)


class PreferencesDialog(QDialog):
    """See the module docstring.  ``apply_theme(name)`` switches the look; ``busy()`` says whether a
    folder is loading or training runs (then the cache cannot be cleared)."""

    def __init__(self, store, apply_theme: Callable[[str], None], busy: Callable[[], bool],
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("PreferencesDialog")
        self.setWindowTitle(self.tr("Preferences"))
        self.store, self._apply_theme, self._busy = store, apply_theme, busy
        self.language = QComboBox()
        self.language.setObjectName("PrefLanguage")
        for code, text in (("system", self.tr("Follow the system")), ("en", "English"), ("ja", "日本語")):
            self.language.addItem(text, code)
        self.language.setToolTip(self.tr("Applies the next time VAE Designer starts"))
        self.look = QComboBox()
        self.look.setObjectName("PrefLook")
        for name, text in (("system", self.tr("Follow the system")), ("light", self.tr("Light")),
                           ("dark", self.tr("Dark"))):
            self.look.addItem(text, name)
        self.resolution_image = self._choices("resolution_image", self.tr("{0} × {0} pixels"))
        self.resolution_mesh = self._choices("resolution_mesh", self.tr("{0} × {0} × {0} voxels"))
        self.latent = QSpinBox()
        self.latent.setObjectName("PrefLatent")
        self.latent.setRange(2, 512)
        self.device = QComboBox()
        self.device.setObjectName("PrefDevice")
        self.device.addItems(list(DEVICES))
        self.cache_edit = QLineEdit()
        self.cache_edit.setObjectName("PrefCacheDir")
        self.cache_edit.setReadOnly(True)
        self.cache_size = QLabel("")
        self.cache_size.setObjectName("PrefCacheSize")
        self.cache_size.setProperty("role", "muted")
        self.choose_button = QPushButton(self.tr("Choose…"))
        self.default_button = QPushButton(self.tr("Default"))
        self.clear_button = QPushButton(self.tr("Clear"))
        self.clear_button.setObjectName("PrefClearCache")
        self.clear_button.setToolTip(self.tr("Delete the processed designs kept in the cache; folders load from "
                                             "their files again next time"))
        self.message = QLabel("")
        self.message.setObjectName("PrefMessage")
        self.message.setProperty("role", "warning")
        self.message.setWordWrap(True)
        self._sizer = LatestJobs(_measure, name="prefs-cache-size", background=True, parent=self)
        self._sizer.done.connect(self._sized)
        self._sizer.failed.connect(lambda _t, msg: self.cache_size.setText(self.tr("Size unknown: {0}").format(msg)))
        self._clearer = LatestJobs(_clear, name="prefs-cache-clear", background=True, parent=self)
        self._clearer.done.connect(self._cleared)
        self._clearer.failed.connect(lambda _t, msg: self.message.setText(self.tr("Could not clear the cache: {0}")
                                                                          .format(msg)))
        self._layout()
        self.look.currentIndexChanged.connect(lambda _i: self._look_chosen())
        self.choose_button.clicked.connect(lambda: self.choose_cache_dir())
        self.default_button.clicked.connect(lambda: self.set_cache_dir(""))
        self.clear_button.clicked.connect(lambda: self.clear_cache())
        self.load()

    def _choices(self, key: str, text: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(f"Pref_{key}")
        for value in PREFERENCE_CHOICES[key]:
            combo.addItem(text.format(value), value)
        return combo

    def _layout(self) -> None:
        form = QFormLayout()
        form.addRow(self.tr("Language"), self.language)
        form.addRow(self.tr("Look"), self.look)
        form.addRow(QLabel(self.tr("<b>New projects</b>")))
        form.addRow(self.tr("Image resolution"), self.resolution_image)
        form.addRow(self.tr("Mesh resolution"), self.resolution_mesh)
        form.addRow(self.tr("Latent size"), self.latent)
        form.addRow(self.tr("Device"), self.device)
        form.addRow(QLabel(self.tr("<b>Cache of processed designs</b>")))
        row = QHBoxLayout()
        row.addWidget(self.cache_edit, 1)
        row.addWidget(self.choose_button)
        row.addWidget(self.default_button)
        form.addRow(self.tr("Folder"), row)
        size_row = QHBoxLayout()
        size_row.addWidget(self.cache_size, 1)
        size_row.addWidget(self.clear_button)
        form.addRow(self.tr("Size"), size_row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
                                   | QDialogButtonBox.StandardButton.RestoreDefaults)
        buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).setText(self.tr("Reset to Defaults"))
        buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults).clicked.connect(self.reset)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.message)
        lay.addWidget(buttons)
        self.setMinimumWidth(520)

    # ------------------------------------------------------------------ values
    def load(self) -> None:
        """Show what the store holds."""
        p = self.store.preferences()
        self._original_theme = self.store.theme()
        self.language.setCurrentIndex(max(0, self.language.findData(p["language"])))
        self.look.blockSignals(True)
        self.look.setCurrentIndex(max(0, self.look.findData(self._original_theme)))
        self.look.blockSignals(False)
        for combo, key in ((self.resolution_image, "resolution_image"), (self.resolution_mesh, "resolution_mesh")):
            combo.setCurrentIndex(max(0, combo.findData(p[key])))
        self.latent.setValue(int(p["latent_dim"]))
        self.device.setCurrentIndex(max(0, self.device.findText(p["device"])))
        self._cache_dir = p["cache_dir"]
        self._show_cache_dir()

    def values(self) -> dict:
        return {"language": self.language.currentData(),
                "resolution_image": int(self.resolution_image.currentData()),
                "resolution_mesh": int(self.resolution_mesh.currentData()),
                "latent_dim": int(self.latent.value()), "device": self.device.currentText(),
                "cache_dir": self._cache_dir}

    def accept(self) -> None:
        if self.language.currentData() != self.store.preferences()["language"]:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.information(self, self.tr("Language"),
                                    self.tr("The new language applies the next time VAE Designer starts."))
        self.store.set_preferences(self.values())
        self.store.set_theme(self.look.currentData())
        apply_cache_dir(self._cache_dir)
        self.store.sync()
        super().accept()

    def reject(self) -> None:
        if self.look.currentData() != self._original_theme:  # the look was tried: back to what it was
            self._apply_theme(self._original_theme)
        super().reject()

    def reset(self) -> None:
        """Every preference back to its default (saved at once)."""
        self.store.reset_preferences()
        apply_cache_dir("")
        self._apply_theme("system")
        self.load()
        self.message.setText(self.tr("Preferences reset to their defaults."))

    def _look_chosen(self) -> None:
        self._apply_theme(self.look.currentData())  # tried at once; Cancel takes it back

    # ------------------------------------------------------------------ the cache
    def cache_root(self) -> str:
        from vae_designer.core.ingest.cache import default_cache_root

        return self._cache_dir or str(default_cache_root())

    def _show_cache_dir(self) -> None:
        self.cache_edit.setText(self.cache_root())
        self.cache_edit.setToolTip(self.tr("The default place") if not self._cache_dir else "")
        self.cache_size.setText(self.tr("Counting…"))
        self._sizer.submit({"root": self.cache_root()}, tag=self.cache_root())

    def choose_cache_dir(self, path: str | None = None) -> bool:
        if path is None:
            path = QFileDialog.getExistingDirectory(self, self.tr("Keep the cache in"), self.cache_root())
            if not path:
                return False
        return self.set_cache_dir(path)

    def set_cache_dir(self, path: str) -> bool:
        """Use ``path`` for the cache ("" : the default place); a folder that cannot be written is a
        one-line message and nothing changes."""
        if path:
            path = os.path.abspath(os.path.expanduser(path))
            if os.path.exists(path) and not os.path.isdir(path):
                self.message.setText(self.tr("{0} is a file, not a folder: the cache stays where it is").format(path))
                return False
            try:
                os.makedirs(path, exist_ok=True)
                probe = os.path.join(path, ".vae-designer-write-test")
                with open(probe, "w") as fh:
                    fh.write("")
                os.remove(probe)
            except OSError as exc:
                self.message.setText(self.tr("Cannot keep the cache in {0}: {1}").format(path, exc.strerror or exc))
                return False
        self._cache_dir = path
        self.message.setText("")
        self._show_cache_dir()
        return True

    def clear_cache(self, confirm: bool = True) -> bool:
        if self._busy():
            self.message.setText(self.tr("A folder is loading or training runs: clear the cache once it is done."))
            return False
        if confirm and not dialogs.ask(self, self.tr("Clear the cache"),
                                       self.tr("Delete the processed designs kept in {0}? Your design folders "
                                               "and projects are not touched.").format(self.cache_root()),
                                       yes=self.tr("Clear")):
            return False
        self.clear_button.setEnabled(False)
        self.cache_size.setText(self.tr("Clearing…"))
        self._clearer.submit({"root": self.cache_root()}, tag=self.cache_root())
        return True

    def _sized(self, tag, out) -> None:
        if tag == self.cache_root():
            total, files = out
            self.cache_size.setText(self.tr("{0} in {1} files").format(human_size(total), f"{files:,}"))

    def _cleared(self, tag, freed: int) -> None:
        self.clear_button.setEnabled(True)
        self.message.setText(self.tr("Cleared {0}.").format(human_size(freed)))
        self._show_cache_dir()

    def done(self, result: int) -> None:
        self._sizer.shutdown(wait=False)
        self._clearer.shutdown(wait=True, finish_pending=True)  # a clear asked for is finished
        super().done(result)
