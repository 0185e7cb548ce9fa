"""The interface's language: Qt's translation system over the app's own strings.

Every string the app shows goes through ``self.tr("...")`` (or
``QCoreApplication.translate("Context", "...")`` outside a QObject); ``packaging/translations.py``
collects them with ``pyside6-lupdate`` into ``vae_designer/gui/translations/vae_designer_ja.ts``
(edited there, e.g. with Qt Linguist) and compiles the shipped ``.qm`` with ``pyside6-lrelease``.
:func:`install_translator` installs the chosen language (the preference ``language``: "system"
follows the desktop's locale) with Qt's own translations of its standard dialogs, before the
window is made.  English is the source language: no translator.  CLI messages stay English.
"""

from __future__ import annotations

from importlib import resources

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator

LANGUAGES = {"system": "System", "en": "English", "ja": "日本語"}
TRANSLATED = ("ja",)  # the languages with a translation shipped


def resolve_language(setting: str | None) -> str:
    """'en' or a language of :data:`TRANSLATED`: the setting, or for "system" the desktop locale's."""
    if setting in TRANSLATED or setting == "en":
        return setting
    name = QLocale.system().name()  # e.g. ja_JP
    lang = name.split("_")[0]
    return lang if lang in TRANSLATED else "en"


def qm_path(lang: str):
    return resources.files("vae_designer.gui") / "translations" / f"vae_designer_{lang}.qm"


def install_translator(app, setting: str | None) -> str:
    """Install the translators for ``setting`` on ``app`` (replacing earlier ones); the language used."""
    for old in getattr(app, "_vae_translators", []):
        app.removeTranslator(old)
    app._vae_translators = []
    lang = resolve_language(setting)
    QLocale.setDefault(QLocale(QLocale.Language.Japanese if lang == "ja" else QLocale.Language.English))
    if lang == "en":
        return lang
    ours = QTranslator(app)
    if ours.load(str(qm_path(lang))):
        app.installTranslator(ours)
        app._vae_translators.append(ours)
    qt = QTranslator(app)  # Qt's own dialogs (file pickers, message box buttons)
    if qt.load(f"qtbase_{lang}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        app._vae_translators.append(qt)
    return lang


def number(value: float, decimals: int = 0) -> str:
    """``value`` written for the interface's locale (digit grouping, decimal mark): ``1,234.5``."""
    if decimals == 0:
        return QLocale().toString(round(float(value)))
    return QLocale().toString(float(value), "f", decimals)
