"""Edit > Preferences (Ctrl+,): the look applies at once (Cancel takes it back), the defaults flow
into the next folder and its new project, the cache can be moved, measured and cleared, a bad
folder is one line, Reset to Defaults restores everything."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import save_silhouette

from vae_designer.core.ingest.cache import cache_root, cache_size, set_cache_root
from vae_designer.gui.common import theme
from vae_designer.gui.common.settings_store import PREFERENCES

from .gui_helpers import wait_opened


@pytest.fixture(autouse=True)
def _cache_back():
    yield
    set_cache_root(None)  # the core keeps the choice for the process: the next test starts clean


def _folder(root: Path) -> Path:
    for label in ("a", "b"):
        for i in range(3):
            save_silhouette(root / label / f"{label}{i}.png", box=(10 + 5 * i, 20, 90, 50 + 3 * i))
    return root


def test_preferences_look_defaults_cache_and_reset(qtbot, window, tmp_path):
    act = window.act_preferences
    assert "Ctrl+," in [s.toString() for s in act.shortcuts()] and act in window.findChildren(type(act))
    dialog = window.show_preferences()
    qtbot.waitUntil(dialog.isVisible)

    # the look: tried at once, Cancel takes it back
    before = theme.current().dark
    dialog.look.setCurrentIndex(dialog.look.findData("light" if before else "dark"))
    assert theme.current().dark != before
    dialog.reject()
    assert theme.current().dark == before and window.store.theme() == "system"

    # defaults for new projects, and a cache of our own
    dialog = window.show_preferences()
    dialog.resolution_image.setCurrentIndex(dialog.resolution_image.findData(32))
    dialog.latent.setValue(12)
    dialog.device.setCurrentIndex(dialog.device.findText("cpu"))
    assert dialog.set_cache_dir(str(tmp_path / "my cache"))
    dialog.look.setCurrentIndex(dialog.look.findData("dark"))
    dialog.accept()
    prefs = window.store.preferences()
    assert (prefs["resolution_image"], prefs["latent_dim"], prefs["device"]) == (32, 12, "cpu")
    assert window.store.theme() == "dark" and theme.current().dark
    assert cache_root() == tmp_path / "my cache"

    window.open_path(str(_folder(tmp_path / "designs")))
    opened = wait_opened(qtbot, window)
    assert opened.designs.resolution == 32
    form = window.training_page.form
    assert form.latent.value() == 12 and form.device.currentText() == "cpu"
    size, files = cache_size()
    assert size > 0 and files > 0  # the folder's processed designs went into the chosen cache

    # the cache: its size counted in a worker, cleared (only its own folder)
    (tmp_path / "my cache" / "keep.txt").write_text("not ours")
    dialog = window.show_preferences()
    qtbot.waitUntil(lambda: "files" in dialog.cache_size.text(), timeout=10000)
    assert dialog.cache_edit.text() == str(tmp_path / "my cache") and f"{files:,} files" in dialog.cache_size.text()
    assert dialog.clear_cache(confirm=False)
    qtbot.waitUntil(lambda: dialog.message.text().startswith("Cleared"), timeout=10000)
    assert cache_size() == (0, 0) and (tmp_path / "my cache" / "keep.txt").is_file()
    qtbot.waitUntil(lambda: "0 files" in dialog.cache_size.text(), timeout=10000)

    # a file is not a folder: one line, nothing changes
    assert not dialog.set_cache_dir(str(tmp_path / "my cache" / "keep.txt"))
    assert "not a folder" in dialog.message.text() and "\n" not in dialog.message.text()
    assert dialog.cache_edit.text() == str(tmp_path / "my cache")

    # reset to defaults: everything as shipped, saved at once
    dialog.reset()
    assert window.store.preferences() == PREFERENCES and window.store.theme() == "system"
    assert dialog.latent.value() == PREFERENCES["latent_dim"] and cache_root() != tmp_path / "my cache"
    dialog.accept()


def test_the_cache_is_not_cleared_while_training_or_loading(qtbot, window, monkeypatch):
    dialog = window.show_preferences()
    monkeypatch.setattr(type(window.workspace), "busy", property(lambda self: True))
    assert not dialog.clear_cache(confirm=False)
    assert "clear the cache once it is done" in dialog.message.text()
    dialog.reject()
