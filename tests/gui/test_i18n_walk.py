"""The whole app in Japanese: every page of a window with an image project and one with a mesh
project is walked widget by widget (every tab of every tab widget shown in turn), and no visible
text -- labels, buttons, group titles, tabs, combo box items, placeholders, table headers,
tooltips -- may still be English.  Names that come from the designer's data (labels, file names,
the project's name) and format names stay as they are."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QTableView,
    QTabWidget,
    QTreeView,
    QWidget,
)

from vae_designer.gui.common.i18n import install_translator

pytestmark = pytest.mark.slow

# Names that are the same in a Japanese interface: the product, formats, units, model terms.
NAMES = {"VAE Designer", "VAE", "PNG", "SVG", "DXF", "STL", "OBJ", "PLY", "GLB", "CSV", "JSON", "IoU", "PCA",
         "UMAP", "NLL", "KL", "CPU", "GPU", "cpu", "cuda", "mps", "auto", "English", "mm", "px", "MiB", "GiB",
         "KiB", "dim", "Ctrl", "Shift", "Alt", "Esc", "Del", "Space", "Enter", "Tab", "Home", "End", "Backspace",
         "vaed", "safetensors", "Adam", "Voron", "MNIST", "ELBO", "sRGB"}


def texts_of(widget: QWidget) -> list[str]:
    """What a user can read on ``widget`` itself."""
    found = [widget.toolTip()]
    if isinstance(widget, (QLabel, QAbstractButton)):
        found.append(widget.text())
    if isinstance(widget, QGroupBox):
        found.append(widget.title())
    if isinstance(widget, QTabWidget):
        found += [widget.tabText(i) for i in range(widget.count())] + [widget.tabToolTip(i) for i in
                                                                       range(widget.count())]
    if isinstance(widget, QComboBox):
        found += [widget.itemText(i) for i in range(widget.count())]
    if isinstance(widget, QLineEdit):
        found.append(widget.placeholderText())
    if isinstance(widget, (QTableView, QTreeView)) and widget.model() is not None:
        model = widget.model()
        found += [str(model.headerData(i, Qt.Orientation.Horizontal) or "")
                  for i in range(model.columnCount(QModelIndex()))]
    return [t for t in found if t]


def english_in(text: str, names: set[str]) -> bool:
    """True when ``text`` holds English words once markup, shortcuts and known names are removed."""
    plain = re.sub(r"<[^>]+>|&(?=\w)|&\w+;", " ", text)
    if re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", plain) and not re.search(r"[A-Za-z]{3,}(?:\s+[a-z]{3,}){2}",
                                                                            plain):
        return False  # Japanese, perhaps with a name or two in it -- but not a whole English phrase
    for name in sorted(names, key=len, reverse=True):
        plain = plain.replace(name, " ")
    plain = re.sub(r"\S*[/\\.]\S*", " ", plain)  # paths, file names, numbers with units
    return bool(re.search(r"[A-Za-z]{3,}", plain))


def english_on(root: QWidget, names: set[str], qtbot) -> set[str]:
    """English texts visible anywhere under ``root``, showing each tab of each tab widget in turn."""
    found: set[str] = set()

    def walk():
        for w in [root, *root.findChildren(QWidget)]:
            if w.isVisible():
                found.update(t for t in texts_of(w) if english_in(t, names))

    walk()
    for tabs in root.findChildren(QTabWidget):
        if not tabs.isVisible():
            continue
        keep = tabs.currentIndex()
        for i in range(tabs.count()):
            tabs.setCurrentIndex(i)
            qtbot.wait(20)
            walk()
        tabs.setCurrentIndex(keep)
    return found


@pytest.fixture
def japanese():
    from vae_designer.gui.common.settings_store import SettingsStore

    store = SettingsStore()
    store.set_preferences({"language": "ja"})
    store.sync()
    yield
    install_translator(QApplication.instance(), "en")


def data_names(project) -> set[str]:
    from vae_designer.core.project.store import load_project

    loaded = load_project(project)
    names = {project.stem, project.name, *loaded.labels}
    names.update(str(p).replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0] for p in loaded.paths)
    return names | NAMES


@pytest.mark.parametrize("kind", ["image_project", "mesh_project"])
def test_every_page_in_japanese_shows_no_english(kind, request, japanese, make_main_window, qtbot):
    project = request.getfixturevalue(kind)
    window = make_main_window(project)
    qtbot.waitUntil(lambda: window.windowTitle().startswith(project.stem) or project.stem in window.windowTitle(),
                    timeout=30000)
    names = data_names(project)
    left = {}
    for key in ("start", "dataset", "training", "map"):
        assert window.show_page(key), key
        qtbot.wait(300)
        left[key] = sorted(english_on(window.page(key), names, qtbot))
    left["window"] = sorted(t for t in [*texts_of(window.statusBar()), window.sidebar_status.text()]
                            if english_in(t, names))
    english = [f"{page}: {text!r}" for page, found in left.items() for text in found]
    assert not english, f"{len(english)} English texts in Japanese:\n" + "\n".join(english)
