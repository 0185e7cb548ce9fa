"""The start page: open a design folder, open a project, try the bundled samples, recent items."""

from __future__ import annotations

import os

from PySide6.QtCore import QModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPalette
from PySide6.QtWidgets import (
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from vae_designer.core.project.store import is_project

from ..common import icons, theme
from ..common.widgets import ActionTile, Card, label

PATH_ROLE = Qt.ItemDataRole.UserRole + 1


class _RecentDelegate(QStyledItemDelegate):
    """Two lines per recent item: the name, and the folder it lives in (muted)."""

    def sizeHint(self, option, index) -> QSize:
        h = option.fontMetrics.height()
        return QSize(200, 2 * h + 18)

    def paint(self, painter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        style = opt.widget.style() if opt.widget else None
        title, path = opt.text, index.data(PATH_ROLE) or ""
        opt.text = ""
        icon = QIcon(index.data(Qt.ItemDataRole.DecorationRole))  # drawn below, larger
        opt.icon = QIcon()
        if style:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        r = option.rect.adjusted(10, 6, -10, -6)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        icon.paint(painter, QRect(r.left(), r.top() + (r.height() - 24) // 2, 24, 24),
                   mode=icon.Mode.Selected if selected else icon.Mode.Normal)
        text_rect = r.adjusted(36, 0, 0, 0)
        pal = option.palette
        fm = option.fontMetrics
        painter.save()
        painter.setPen(pal.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text))
        font = painter.font()
        font.setBold(True)
        painter.setFont(font)
        painter.drawText(text_rect.adjusted(0, 0, 0, -text_rect.height() // 2),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom,
                         fm.elidedText(title, Qt.TextElideMode.ElideRight, text_rect.width()))
        font.setBold(False)
        painter.setFont(font)
        painter.setPen(pal.color(QPalette.ColorRole.HighlightedText) if selected
                       else pal.color(QPalette.ColorRole.PlaceholderText))
        painter.drawText(text_rect.adjusted(0, text_rect.height() // 2 + 2, 0, 0),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                         fm.elidedText(os.path.dirname(path), Qt.TextElideMode.ElideMiddle, text_rect.width()))
        painter.restore()


class StartPage(QWidget):
    """Signals carry what the user asked for; the main window does the opening."""

    open_folder_requested = Signal()
    open_project_requested = Signal()
    sample_requested = Signal(str)  # 'image' | 'mesh'
    path_requested = Signal(str)
    remove_recent_requested = Signal(str)
    clear_recent_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("StartPage")
        header = self._build_header()
        columns = QHBoxLayout()
        columns.setSpacing(18)
        columns.addWidget(self._build_actions_card(), 5)
        columns.addWidget(self._build_recent_card(), 4)
        self.drop_hint = label(self.tr("Tip: drop a design folder or a project onto this window to open it."), "hint")
        self.drop_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)

        inner = QVBoxLayout()
        inner.setSpacing(20)
        inner.addStretch(1)
        inner.addLayout(header)
        inner.addLayout(columns)
        inner.addWidget(self.drop_hint)
        inner.addStretch(2)
        holder = QWidget()
        holder.setLayout(inner)
        holder.setMaximumWidth(1040)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(32, 28, 32, 20)
        outer.addStretch(1)
        outer.addWidget(holder, 12)
        outer.addStretch(1)
        theme.notifier.theme_changed.connect(self._retheme)

    # building
    def _build_header(self) -> QHBoxLayout:
        """The logo, the app's name and what it does."""
        header = QHBoxLayout()
        header.setSpacing(16)
        self._logo = label()
        self._logo.setPixmap(icons.app_icon().pixmap(QSize(72, 72)))
        titles = QVBoxLayout()
        titles.setSpacing(4)
        titles.addStretch(1)
        titles.addWidget(label("VAE Designer", "title"))
        titles.addWidget(label(self.tr("Train a generative model on your own designs, then explore it to "
                                       "create new variants."), "muted", wrap=True))
        titles.addStretch(1)
        header.addWidget(self._logo)
        header.addLayout(titles, 1)
        return header

    def _build_actions_card(self) -> Card:
        """The left column: open a folder or a project, or try a sample."""
        self.open_folder_tile = ActionTile(icons.icon("folder"), self.tr("Open design folder…"),
                                           self.tr("A folder of images or 3D meshes; sub-folders become labels."))
        self.open_project_tile = ActionTile(icons.icon("project"), self.tr("Open project…"),
                                            self.tr("Continue with a model you trained and saved before."))
        self.sample_2d_tile = ActionTile(icons.icon("car"), self.tr("Try the sample car silhouettes"),
                                         self.tr("300 side views of six body types (2D images)."))
        self.sample_3d_tile = ActionTile(icons.icon("cube"), self.tr("Try the sample car bodies"),
                                         self.tr("48 car-body meshes of six body types (3D, voxelized)."))
        self.open_folder_tile.setObjectName("OpenFolderTile")
        self.open_project_tile.setObjectName("OpenProjectTile")
        self.sample_2d_tile.setObjectName("Sample2DTile")
        self.sample_3d_tile.setObjectName("Sample3DTile")
        self.open_folder_tile.clicked.connect(self.open_folder_requested)
        self.open_project_tile.clicked.connect(self.open_project_requested)
        self.sample_2d_tile.clicked.connect(lambda: self.sample_requested.emit("image"))
        self.sample_3d_tile.clicked.connect(lambda: self.sample_requested.emit("mesh"))

        actions = Card()
        actions.body.addWidget(label(self.tr("Start"), "heading"))
        for tile in (self.open_folder_tile, self.open_project_tile):
            actions.body.addWidget(tile)
        actions.body.addSpacing(6)
        actions.body.addWidget(label(self.tr("No designs at hand?"), "heading"))
        for tile in (self.sample_2d_tile, self.sample_3d_tile):
            actions.body.addWidget(tile)
        actions.body.addStretch(1)
        return actions

    def _build_recent_card(self) -> Card:
        """The right column: recent projects and folders."""
        self.recent_list = QListWidget()
        self.recent_list.setObjectName("RecentList")
        self.recent_list.setItemDelegate(_RecentDelegate(self.recent_list))
        self.recent_list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.recent_list.customContextMenuRequested.connect(self._recent_menu)
        self.recent_list.itemActivated.connect(self._activate)
        self.recent_list.itemDoubleClicked.connect(self._activate)
        self.recent_list.setMouseTracking(True)
        self.recent_empty = label(self.tr("Projects and folders you open will be listed here."), "hint", wrap=True)
        self.clear_recent_button = QPushButton(self.tr("Clear list"))
        self.clear_recent_button.setToolTip(self.tr("Forget the recent projects and folders (nothing is deleted)"))
        self.clear_recent_button.clicked.connect(self.clear_recent_requested)
        recent_head = QHBoxLayout()
        recent_head.addWidget(label(self.tr("Recent"), "heading"))
        recent_head.addStretch(1)
        recent_head.addWidget(self.clear_recent_button)
        recent = Card()
        recent.body.addLayout(recent_head)
        recent.body.addWidget(self.recent_list, 1)
        recent.body.addWidget(self.recent_empty)
        return recent

    def set_recent(self, paths: list[str]) -> None:
        self.recent_list.clear()
        for path in paths:
            if not os.path.exists(path):
                continue
            project = is_project(path)
            item = QListWidgetItem(icons.icon("project" if project else "folder"),
                                   os.path.basename(os.path.normpath(path)) or path)
            item.setData(PATH_ROLE, path)
            item.setToolTip((self.tr("Project: {0}") if project else self.tr("Design folder: {0}")).format(path))
            self.recent_list.addItem(item)
        has = self.recent_list.count() > 0
        self.recent_list.setVisible(has)
        self.recent_empty.setVisible(not has)
        self.clear_recent_button.setEnabled(has)

    def recent_paths(self) -> list[str]:
        return [self.recent_list.item(i).data(PATH_ROLE) for i in range(self.recent_list.count())]

    def _activate(self, item: QListWidgetItem) -> None:
        self.path_requested.emit(item.data(PATH_ROLE))

    def _recent_menu(self, pos) -> None:
        item = self.recent_list.itemAt(pos)
        if item is None:
            return
        menu = QMenu(self)
        menu.addAction(self.tr("Open"), lambda: self._activate(item))
        menu.addAction(self.tr("Remove from list"), lambda: self.remove_recent_requested.emit(item.data(PATH_ROLE)))
        menu.exec(self.recent_list.viewport().mapToGlobal(pos))

    def _retheme(self, _t) -> None:
        self.open_folder_tile.set_icon(icons.icon("folder"))
        self.open_project_tile.set_icon(icons.icon("project"))
        self.sample_2d_tile.set_icon(icons.icon("car"))
        self.sample_3d_tile.set_icon(icons.icon("cube"))
        self.set_recent(self.recent_paths())
