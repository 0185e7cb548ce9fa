"""Japanese and English: the shipped translation is complete and compiled, the language follows the
preference (or the system locale), and the parts translated so far -- the menus, the page names,
the Start page, Preferences, the held-out check -- show no English left when Japanese is chosen."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel

from vae_designer.gui.common.i18n import install_translator, resolve_language

REPO = Path(__file__).resolve().parents[2]
ALLOWED = {"VAE Designer", "English", "auto", "cpu", "cuda", "mps", "IoU"}


def _translations_module():
    spec = importlib.util.spec_from_file_location("translations", REPO / "packaging" / "translations.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def english_after():
    yield
    install_translator(QApplication.instance(), "en")


def english_left(widgets) -> list[str]:
    """Visible texts made of Latin letters only (an untranslated string), apart from names."""
    found = []
    for w in widgets:
        if not w.isVisible():
            continue
        text = re.sub(r"<[^>]+>", "", w.text() if isinstance(w, (QLabel, QAbstractButton)) else "")
        if re.search(r"[A-Za-z]{3}", text) and english_left_text(text):
            found.append(text)
    return found


def test_the_translation_is_complete_up_to_date_and_compiled():
    problems = _translations_module().check()
    assert not problems, problems


def test_the_language_follows_the_preference_and_the_system_locale(monkeypatch):
    from PySide6.QtCore import QLocale

    assert resolve_language("ja") == "ja" and resolve_language("en") == "en"
    monkeypatch.setattr(QLocale, "system", staticmethod(lambda: QLocale("ja_JP")))
    assert resolve_language("system") == "ja"
    monkeypatch.setattr(QLocale, "system", staticmethod(lambda: QLocale("de_DE")))
    assert resolve_language("system") == "en"  # no German translation: English


def test_japanese_menus_pages_start_page_and_preferences(qtbot, make_main_window, english_after):
    from vae_designer.gui.common.settings_store import SettingsStore

    store = SettingsStore()
    store.set_preferences({"language": "ja"})
    store.sync()
    window = make_main_window()
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles[:2] == ["ファイル(&F)", "編集(&E)"] and "表示(&V)" in titles and "ヘルプ(&H)" in titles
    assert [window.sidebar.item(i).text() for i in range(window.sidebar.count())] == \
        ["スタート", "データセット", "学習", "マップ"]
    start = window.start_page
    assert start.sample_2d_tile.title.text() == "車のシルエットのサンプルを試す"
    assert english_left(start.findChildren(QLabel) + start.findChildren(QAbstractButton)) == []
    menus = [a for m in window.menuBar().actions() if m.menu() for a in m.menu().actions() if a.text()]
    assert not [a.text() for a in menus if english_left_text(a.text())]
    dialog = window.show_preferences()
    qtbot.waitUntil(dialog.isVisible)
    assert dialog.windowTitle() == "環境設定"
    assert english_left(dialog.findChildren(QLabel) + dialog.findChildren(QAbstractButton)) == []
    dialog.reject()


def english_left_text(text: str) -> bool:
    plain = re.sub(r"&(?=\w)", "", text).strip()
    return bool(plain) and plain not in ALLOWED and not re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", plain)


def test_english_stays_english(make_main_window, english_after):
    from vae_designer.gui.common.settings_store import SettingsStore

    store = SettingsStore()
    store.set_preferences({"language": "en"})
    store.sync()
    window = make_main_window()
    assert window.menuBar().actions()[0].text() == "&File"
    assert window.start_page.sample_2d_tile.title.text() == "Try the sample car silhouettes"


def test_japanese_map_steering(qtbot, make_main_window, image_project, english_after):
    """The Map page's steering panels -- properties, constraints, directions, completion, the picked
    designs' strip -- with a real project, in Japanese: no English left in them."""
    from PySide6.QtWidgets import QGroupBox

    from vae_designer.gui.common.settings_store import SettingsStore

    from .gui_helpers import open_map

    store = SettingsStore()
    store.set_preferences({"language": "ja"})
    store.sync()
    _window, page = open_map(qtbot, make_main_window, image_project)
    steer, tabs = page.steering, page.tool_tabs
    qtbot.waitUntil(lambda: bool(steer.properties.values), timeout=30000)
    assert "幅" in steer.properties.text() and "縦横比" in steer.properties.text()
    assert steer.panel.property_combo.itemText(steer.panel.property_combo.findData("aspect")) == "縦横比"
    steer.panel.property_combo.setCurrentIndex(steer.panel.property_combo.findData("width"))
    steer.panel.value_edit.setText("1")
    steer.panel.add_button.click()
    assert len(steer.panel._chip_widgets) == 1 and steer.panel._chip_widgets[0].text().startswith("幅 ≥ 1")
    page.session.pick(list(range(3)))
    strip = page.strips.selection
    qtbot.waitUntil(strip.isVisible, timeout=5000)
    assert strip.caption.text() == "3 件のデザインを選択中"

    def texts(widget):
        found = widget.findChildren(QLabel) + widget.findChildren(QAbstractButton)
        left = english_left(found)
        left += [g.title() for g in widget.findChildren(QGroupBox) if g.isVisible() and english_left_text(g.title())]
        return left

    for w in (steer.properties, steer.panel, strip):
        assert english_left([w] if isinstance(w, QLabel) else []) == [] and texts(w) == [], w.objectName()
    for panel in (tabs.directions, tabs.completion):
        tabs.tabs.setCurrentWidget(panel)
        qtbot.waitUntil(panel.isVisible, timeout=5000)
        assert texts(panel) == [], panel.objectName()
    names = [tabs.directions.along.itemText(i) for i in range(tabs.directions.along.count())]
    assert "主成分 1" in names and "tall → wide" in names  # the labels are the designer's own
    assert tabs.completion.region_label.text() == "未指定"
    assert not tabs.completion.complete() and page.status.text() == "先に欠損部を指定してください"
    tabs.directions.set_group("A")
    assert page.status.text() == "先にギャラリーでピンを選択してください"


def test_japanese_training_and_shell(qtbot, make_main_window, image_project, english_after):
    """A trained project opened in Japanese: the Training page, the Dataset summary, the status
    line, the window's texts and the crash dialog show no English (names and paths apart)."""
    from PySide6.QtWidgets import QGroupBox, QTabWidget

    from vae_designer.gui.common.settings_store import SettingsStore
    from vae_designer.gui.crash_reporter import CrashDialog

    from .gui_helpers import wait_opened

    store = SettingsStore()
    store.set_preferences({"language": "ja"})
    store.sync()
    window = make_main_window(str(image_project))
    wait_opened(qtbot, window)
    assert window.current_page() == "training"
    page = window.training_page
    qtbot.waitUntil(lambda: page.report.report is not None, timeout=60000)
    assert page.start_button.text() == "続きを学習" and page.pause_button.text() == "一時停止"
    assert page.status_label.text().startswith("保存済みプロジェクト")
    message = window.statusBar().currentMessage()
    assert message and not english_left_text(message), message

    def english_on(widget, skip=()) -> list[str]:
        texts = english_left([w for w in widget.findChildren(QLabel) + widget.findChildren(QAbstractButton)
                              if w not in skip])
        texts += [b.title() for b in widget.findChildren(QGroupBox) if b.isVisible() and english_left_text(b.title())]
        texts += [t.tabText(i) for t in widget.findChildren(QTabWidget) if t.isVisible() for i in range(t.count())
                  if english_left_text(t.tabText(i))]
        return texts

    assert english_on(page, skip=(page.project_label,)) == []  # the project's path is a path
    assert page.form.toolTip() == "" and not english_left_text(page.form.epochs.toolTip())
    assert not english_left_text(page.plot.recon_plot.getPlotItem().titleLabel.text)
    assert window.show_page("dataset")
    dataset = window.dataset_page
    assert "画像" in dataset.summary.text() and not english_left_text(dataset.summary.text())
    assert english_on(dataset, skip=(dataset.path_label, dataset.title)) == []
    assert not english_left_text(window.sidebar_status.text() or "読み込み")
    dialog = CrashDialog("ValueError: broken", "Traceback ...", "/tmp/crash.log", window)
    dialog.show()
    assert dialog.windowTitle() == "問題が発生しました" and dialog.copy_button.text() == "詳細をコピー"
    assert english_on(dialog, skip=(dialog.summary,)) == [] and "アプリは動作を続けて" in dialog.summary.text()
    dialog.close()


def test_japanese_map_views(qtbot, make_main_window, image_project, english_after):
    """The Map page's own views (header, preview panel, tools, gallery row, history, item card,
    comparison) in Japanese: no English label, button, tab, combo item or tooltip left.  The
    directions, completion, constraints and selection parts are another test's."""
    from PySide6.QtWidgets import QComboBox, QGroupBox, QWidget

    from vae_designer.gui.common.settings_store import SettingsStore
    from vae_designer.gui.map.steering import PROPERTY_PREFIX

    from .gui_helpers import drag_to, open_map

    store = SettingsStore()
    store.set_preferences({"language": "ja"})
    store.sync()
    _window, page = open_map(qtbot, make_main_window, image_project)
    tabs = page.tool_tabs
    others = [tabs.directions, tabs.completion, page.steering.panel, page.steering.properties, page.strips.selection]
    names = [page.item_card.name, page.hover.name]  # file names and pin names, not words

    def mine(root, kinds=(QLabel, QAbstractButton, QGroupBox, QComboBox)) -> list:
        found = []
        for kind in kinds:
            for w in root.findChildren(kind):
                p = w
                while p is not None and not any(p is o for o in others + names):
                    p = p.parentWidget()
                if p is None:
                    found.append(w)
        return found

    def english(widgets) -> list[str]:
        left = english_left([w for w in widgets if isinstance(w, (QLabel, QAbstractButton))])
        left += [g.title() for g in widgets if isinstance(g, QGroupBox) and g.isVisible()
                 and english_left_text(g.title())]
        left += [c.itemText(i) for c in widgets if isinstance(c, QComboBox) and c is not page.format_combo
                 for i in range(c.count()) if english_left_text(c.itemText(i))
                 and not str(c.itemData(i)).startswith(PROPERTY_PREFIX)]  # the steering's properties
        left += [w.toolTip() for w in widgets if isinstance(w, QWidget) and w.isVisible()
                 and english_left_text(re.sub(r"\([^)]*\)", "", w.toolTip()))]
        return left

    assert page.status.text().startswith("デザイン ")
    assert [tabs.tabs.tabText(i) for i in range(tabs.tabs.count())] == ["探索", "方向", "補完"]
    c = page.session.latent_map.coords
    drag_to(qtbot, page, float(c[0][0]), float(c[0][1]))
    page.pin("first")
    drag_to(qtbot, page, float(c[1][0]), float(c[1][1]))
    page.pin("second")
    page.select_item(2)  # the item card: original beside reconstruction
    page.colour_combo.setCurrentIndex(page.colour_combo.findData("error"))
    qtbot.waitUntil(lambda: page.colours.current_errors() is not None, timeout=30000)
    assert page.item_card.isVisible() and "再構成誤差" in page.item_card.details.text()
    assert page.novelty_label.text().startswith("新規性：") and page.tools.sweep_steps.suffix() == " ステップ"
    assert page.strips.history.count() and not [page.strips.history.item(i).text()
                                                for i in range(page.strips.history.count())
                                                if english_left_text(page.strips.history.item(i).text())]
    assert english(mine(page)) == []
    for row in (0, 1):
        page.gallery.item(row).setSelected(True)
    view = page.compare_pins()
    qtbot.waitUntil(lambda: view.ready, timeout=30000)
    assert view.windowTitle() == "ピン留めしたデザインを比較"
    names += [w for p in view.panels for w in (p.name, p.nearest_label)]
    assert english(mine(view)) == []
    view.close()
