"""Line icons drawn from small inline SVGs, tinted for the current theme, and the app icon.

Keeping the icons as SVG path text (24x24 grid, 2 px strokes) means there are no
image files to ship and every icon follows the theme's text and accent colours.
"""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QByteArray, QRectF, QSize, Qt
from PySide6.QtGui import QIcon, QImage, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from vae_designer.resources import resource

from . import theme

_PATHS = {
    "home": '<path d="M3 11 12 3.5 21 11"/><path d="M5.5 9.5V20h4.5v-5.5h4V20h4.5V9.5"/>',
    "folder": '<path d="M3 6.5C3 5.7 3.7 5 4.5 5H9l2 2.2h8.5c.8 0 1.5.7 1.5 1.5V18c0 .8-.7 1.5-1.5 1.5h-15'
              'C3.7 19.5 3 18.8 3 18z"/>',
    "project": '<path d="M12 2.8 20.5 7.4v9.2L12 21.2l-8.5-4.6V7.4z"/><path d="M3.5 7.4 12 12l8.5-4.6M12 12v9.2"/>',
    "dataset": '<rect x="3.5" y="3.5" width="7" height="7" rx="1.2"/><rect x="13.5" y="3.5" width="7" height="7" '
               'rx="1.2"/><rect x="3.5" y="13.5" width="7" height="7" rx="1.2"/><rect x="13.5" y="13.5" '
               'width="7" height="7" rx="1.2"/>',
    "training": '<path d="M3.5 3.5v17h17"/><path d="M7 15.5l4-5 3.2 3 5.3-7"/>',
    "map": '<circle cx="6" cy="7" r="1.6"/><circle cx="11" cy="16" r="1.6"/><circle cx="17" cy="9" r="1.6"/>'
           '<circle cx="18" cy="18" r="1.6"/><circle cx="12" cy="10.5" r="4.5"/>',
    "play": '<path d="M7 4.5v15l12.5-7.5z" fill="{c}"/>',
    "pause": '<rect x="6" y="4.5" width="4" height="15" rx="1" fill="{c}"/>'
             '<rect x="14" y="4.5" width="4" height="15" rx="1" fill="{c}"/>',
    "stop": '<rect x="5.5" y="5.5" width="13" height="13" rx="1.5" fill="{c}"/>',
    "save": '<path d="M5 3.5h11l4.5 4.5v11c0 .8-.7 1.5-1.5 1.5H5c-.8 0-1.5-.7-1.5-1.5V5c0-.8.7-1.5 1.5-1.5z"/>'
            '<path d="M7.5 3.5v5h8v-5M7.5 20.5v-7h9v7"/>',
    "car": '<path d="M2.5 16.5v-3.2c0-.8.5-1.4 1.3-1.6l3.7-.9 2.6-3.3c.4-.5 1-.8 1.6-.8h3.4c.7 0 1.3.3 1.7.9'
           'l2.3 3.2 1.6.5c.8.3 1.3 1 1.3 1.8v3.4z"/><circle cx="7" cy="17" r="2"/><circle cx="17" cy="17" r="2"/>',
    "cube": '<path d="M12 2.8 20.5 7.4v9.2L12 21.2l-8.5-4.6V7.4z"/><path d="M3.5 7.4 12 12l8.5-4.6M12 12v9.2"/>',
    "warning": '<path d="M12 3.5 21.5 20h-19z"/><path d="M12 10v4.5"/><circle cx="12" cy="17.2" r=".6" fill="{c}"/>',
    "sun": '<circle cx="12" cy="12" r="4"/><path d="M12 2.5v2M12 19.5v2M2.5 12h2M19.5 12h2M5.3 5.3l1.4 1.4'
           'M17.3 17.3l1.4 1.4M5.3 18.7l1.4-1.4M17.3 6.7l1.4-1.4"/>',
    "moon": '<path d="M20 14.5A8 8 0 0 1 9.5 4a8 8 0 1 0 10.5 10.5z"/>',
    "cancel": '<circle cx="12" cy="12" r="8.5"/><path d="M8.8 8.8l6.4 6.4M15.2 8.8l-6.4 6.4"/>',
    "recent": '<circle cx="12" cy="12" r="8.5"/><path d="M12 7v5l3.2 2"/>',
}


def _svg(name: str, colour: str) -> bytes:
    body = _PATHS[name].replace("{c}", colour)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="{colour}" '
            f'stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round">{body}</svg>').encode()


def _pixmap(name: str, colour: str, size: int) -> QPixmap:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(QByteArray(_svg(name, colour))).render(painter, QRectF(0, 0, size, size))
    painter.end()
    return QPixmap.fromImage(image)


@lru_cache(maxsize=256)
def _icon(name: str, normal: str, selected: str, disabled: str) -> QIcon:
    icon = QIcon()
    for size in (16, 24, 32, 48):
        icon.addPixmap(_pixmap(name, normal, size), QIcon.Mode.Normal)
        icon.addPixmap(_pixmap(name, selected, size), QIcon.Mode.Selected)
        icon.addPixmap(_pixmap(name, disabled, size), QIcon.Mode.Disabled)
    return icon


def icon(name: str, colour: str | None = None) -> QIcon:
    """A themed line icon (``colour`` overrides the theme's text colour)."""
    t = theme.current()
    return _icon(name, colour or t.text, t.accent_text, t.border if t.dark else "#aab1bb")


def app_icon() -> QIcon:
    """The application icon (assets/icon.svg, with the PNG as a fallback)."""
    result = QIcon()
    svg, png = resource("icon.svg"), resource("icon.png")
    if svg.is_file():
        renderer = QSvgRenderer(str(svg))
        for size in (16, 24, 32, 48, 64, 128, 256):
            image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
            image.fill(Qt.GlobalColor.transparent)
            painter = QPainter(image)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            renderer.render(painter)
            painter.end()
            result.addPixmap(QPixmap.fromImage(image))
    elif png.is_file():
        result.addFile(str(png), QSize(256, 256))
    return result
