"""Dark and light looks: a Fusion palette, a small style sheet, plot colours.

One :class:`Theme` holds every colour the app uses, so widgets that paint
themselves (plots, thumbnails, icons) ask the current theme instead of
hard-coding colours.  ``apply_theme`` switches the whole app at run time and
emits ``theme_changed`` on the :data:`notifier`.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication


@dataclass(frozen=True)
class Theme:
    name: str
    window: str
    panel: str  # sidebar, cards
    base: str  # text fields, lists, plots
    alt_base: str
    text: str
    muted: str
    border: str
    accent: str
    accent_text: str
    button: str
    hover: str
    danger: str
    warning: str
    success: str
    thumb_bg: str  # behind thumbnails (they are light-on-dark "ink")
    curves: tuple = ()  # train recon, val recon, train KL, val KL

    @property
    def dark(self) -> bool:
        return self.name == "dark"


DARK = Theme(
    name="dark", window="#1d2026", panel="#23272e", base="#171a1f", alt_base="#1f2329",
    text="#e4e7eb", muted="#9aa4b0", border="#363c45", accent="#4d94ff", accent_text="#ffffff",
    button="#2c3139", hover="#353b44", danger="#ff6b6b", warning="#f0b44c", success="#4cc38a",
    thumb_bg="#181a1e", curves=("#4d94ff", "#ff9f43", "#4cc38a", "#e86fb2"),
)
LIGHT = Theme(
    name="light", window="#f3f4f6", panel="#e9ebef", base="#ffffff", alt_base="#f6f7f9",
    text="#1c2026", muted="#5d6773", border="#cfd4db", accent="#2563d9", accent_text="#ffffff",
    button="#ffffff", hover="#eef1f5", danger="#c62828", warning="#a86400", success="#1b7f4b",
    thumb_bg="#181a1e", curves=("#2563d9", "#e07a00", "#1b8f55", "#c2378a"),
)
THEMES = {"dark": DARK, "light": LIGHT}


class _Notifier(QObject):
    theme_changed = Signal(object)  # Theme


notifier = _Notifier()
_current: Theme = LIGHT


def current() -> Theme:
    return _current


def resolve(name: str) -> Theme:
    """'dark' / 'light', or 'system': what the desktop prefers (light when unknown)."""
    if name in THEMES:
        return THEMES[name]
    app = QApplication.instance()
    scheme = app.styleHints().colorScheme() if app is not None else Qt.ColorScheme.Unknown
    return DARK if scheme == Qt.ColorScheme.Dark else LIGHT


def palette(t: Theme) -> QPalette:
    p = QPalette()
    c = QColor
    roles = {
        QPalette.ColorRole.Window: t.window, QPalette.ColorRole.WindowText: t.text,
        QPalette.ColorRole.Base: t.base, QPalette.ColorRole.AlternateBase: t.alt_base,
        QPalette.ColorRole.Text: t.text, QPalette.ColorRole.Button: t.button,
        QPalette.ColorRole.ButtonText: t.text, QPalette.ColorRole.BrightText: t.danger,
        QPalette.ColorRole.Highlight: t.accent, QPalette.ColorRole.HighlightedText: t.accent_text,
        QPalette.ColorRole.ToolTipBase: t.panel, QPalette.ColorRole.ToolTipText: t.text,
        QPalette.ColorRole.PlaceholderText: t.muted, QPalette.ColorRole.Link: t.accent,
        QPalette.ColorRole.Mid: t.border, QPalette.ColorRole.Midlight: t.hover,
        QPalette.ColorRole.Dark: t.border, QPalette.ColorRole.Light: t.hover,
        QPalette.ColorRole.Shadow: "#000000",
    }
    for role, value in roles.items():
        p.setColor(role, c(value))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, c(t.muted).darker(130 if t.dark else 90))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Button, c(t.window))
    return p


def style_sheet(t: Theme) -> str:
    """Roles are set as dynamic properties: ``role="title"``, ``card="true"``, ``primary="true"``."""
    return f"""
QToolTip {{ color: {t.text}; background: {t.panel}; border: 1px solid {t.border}; padding: 4px; }}
QWidget#Sidebar {{ background: {t.panel}; border-right: 1px solid {t.border}; }}
QListWidget#SidebarList {{ background: transparent; border: none; outline: none; }}
QListWidget#SidebarList::item {{ padding: 9px 10px; margin: 2px 8px; border-radius: 6px; color: {t.text}; }}
QListWidget#SidebarList::item:hover {{ background: {t.hover}; }}
QListWidget#SidebarList::item:selected {{ background: {t.accent}; color: {t.accent_text}; }}
QListWidget#SidebarList::item:disabled {{ color: {t.muted}; }}
QLabel#SidebarTitle {{ font-weight: 600; padding: 14px 16px 6px 16px; }}
QLabel[role="title"] {{ font-size: 17pt; font-weight: 600; }}
QLabel[role="heading"] {{ font-size: 11.5pt; font-weight: 600; }}
QLabel[role="muted"] {{ color: {t.muted}; }}
QLabel[role="hint"] {{ color: {t.muted}; font-style: italic; }}
QLabel[role="warning"] {{ color: {t.warning}; }}
QLabel[role="error"] {{ color: {t.danger}; }}
QLabel[role="stat"] {{ font-size: 15pt; font-weight: 600; }}
QFrame[card="true"] {{ background: {t.base}; border: 1px solid {t.border}; border-radius: 8px; }}
QFrame[card="true"] QLabel {{ background: transparent; }}
QPushButton {{ background: {t.button}; border: 1px solid {t.border}; border-radius: 6px;
              padding: 6px 14px; color: {t.text}; }}
QPushButton:hover {{ background: {t.hover}; }}
QPushButton:pressed {{ background: {t.border}; }}
QPushButton:disabled {{ color: {t.muted}; background: {t.window}; }}
QPushButton[primary="true"] {{ background: {t.accent}; color: {t.accent_text}; border-color: {t.accent}; }}
QPushButton[primary="true"]:hover {{ background: {QColor(t.accent).lighter(112).name()}; }}
QPushButton[primary="true"]:disabled {{ background: {t.border}; color: {t.muted}; border-color: {t.border}; }}
QPushButton[big="true"] {{ text-align: left; padding: 12px 16px; font-size: 11pt; }}
QTabWidget::pane {{ border: 1px solid {t.border}; border-radius: 6px; top: -1px; background: {t.base}; }}
QTabBar::tab {{ padding: 6px 14px; border: 1px solid transparent; border-bottom: none; color: {t.muted}; }}
QTabBar::tab:selected {{ color: {t.text}; border-color: {t.border}; background: {t.base};
                         border-top-left-radius: 6px; border-top-right-radius: 6px; }}
QHeaderView::section {{ background: {t.alt_base}; color: {t.muted}; border: none;
                        border-bottom: 1px solid {t.border}; padding: 5px 8px; }}
QTableView, QListView {{ border: 1px solid {t.border}; border-radius: 6px; gridline-color: {t.border}; }}
QProgressBar {{ border: 1px solid {t.border}; border-radius: 5px; background: {t.alt_base};
                text-align: center; color: {t.text}; min-height: 16px; }}
QProgressBar::chunk {{ background: {t.accent}; border-radius: 4px; }}
QStatusBar {{ border-top: 1px solid {t.border}; }}
QStatusBar QLabel {{ color: {t.muted}; padding: 0 6px; }}
QGroupBox {{ border: 1px solid {t.border}; border-radius: 8px; margin-top: 14px; padding: 10px 8px 8px 8px;
            background: {t.base}; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 10px; padding: 0 4px; font-weight: 600; }}
QSplitter::handle {{ background: transparent; }}
"""


def apply_theme(name: str, app: QApplication | None = None) -> Theme:
    """Switch the running app to ``name`` ('dark', 'light' or 'system')."""
    global _current
    app = app or QApplication.instance()
    t = resolve(name)
    _current = t
    app.setStyle("Fusion")
    app.setPalette(palette(t))
    app.setStyleSheet(style_sheet(t))
    try:
        import pyqtgraph as pg

        pg.setConfigOptions(background=t.base, foreground=t.muted, antialias=True)
    except ImportError:  # pragma: no cover - pyqtgraph is a dependency
        pass
    notifier.theme_changed.emit(t)
    return t


def app_font() -> QFont:
    """A readable UI font: the platform default, never smaller than 10 pt."""
    f = QFont(QApplication.font())
    if f.pointSizeF() < 10:
        f.setPointSizeF(10)
    return f


