"""The main window's actions, menus and keyboard shortcuts, and the Help menu's dialogs.

A part of :class:`~.main_window.MainWindow` (it inherits :class:`MenusMixin`), kept
apart so that the window's module holds what happens and this one what the user
can ask for.  Every action is added to the window itself, so its shortcut works
whichever page has the focus.  The View menu lists the pages: a page added later
(:meth:`~.main_window.MainWindow.add_page`) gets its "Go to" action and Ctrl+N too.
"""

from __future__ import annotations

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMessageBox

from vae_designer import __version__

from .common import icons, theme
from .map.history_strip import step_label

APP_NAME = "VAE Designer"


class MenusMixin:
    """Actions, menus and shortcuts of the main window (uses its pages, workspace, store and slots)."""

    def _action(self, text: str, slot, shortcut=None, icon: str | None = None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if icon:
            action.setIcon(icons.icon(icon))
        if shortcut:
            seqs = shortcut if isinstance(shortcut, list) else [shortcut]
            action.setShortcuts([QKeySequence(s) for s in seqs])
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)  # shortcuts work whichever page has focus
        return action

    def _make_actions(self) -> None:
        self._make_file_actions()
        self._make_training_actions()
        menu = self.menuBar()
        self._build_file_menu(menu)
        self._build_edit_menu(menu)
        train_menu = menu.addMenu(self.tr("&Training"))
        for a in (self.act_train_start, self.act_train_pause, self.act_train_stop):
            train_menu.addAction(a)
        self._build_view_menu(menu)
        help_menu = menu.addMenu(self.tr("&Help"))
        help_menu.addAction(self._action(self.tr("&Keyboard Shortcuts"), self.show_shortcuts, "F1"))
        help_menu.addAction(self._action(self.tr("&About VAE Designer"), self.show_about))

    def _make_file_actions(self) -> None:
        A = self._action
        self.act_open_folder = A(self.tr("Open Design &Folder…"), self.choose_folder, QKeySequence.StandardKey.Open,
                                 "folder", self.tr("Open a folder of design images or meshes"))
        self.act_open_project = A(self.tr("Open &Project…"), self.choose_project, "Ctrl+Shift+O", "project",
                                  self.tr("Open a saved project"))
        self.act_sample_2d = A(self.tr("Sample Car &Silhouettes (2D)"), lambda: self.open_sample("image"), None, "car",
                               self.tr("Open the bundled sample: 300 car silhouettes"))
        self.act_sample_3d = A(self.tr("Sample Car &Bodies (3D)"), lambda: self.open_sample("mesh"), None, "cube",
                               self.tr("Open the bundled sample: 48 car-body meshes"))
        self.act_place_design = A(self.tr("Place &Design on the Map…"), self.place_design, None, None,
                                  self.tr("Encode an image or mesh file of your own and put it on the map as a pin"))
        self.act_save = A(self.tr("&Save Project"), self.save_project, QKeySequence.StandardKey.Save, "save",
                          self.tr("Save the trained model and its settings"))
        self.act_save_as = A(self.tr("Save Project &As…"), self.save_project_as, "Ctrl+Shift+S", None,
                             self.tr("Save the project into a new folder"))
        self.act_quit = A(self.tr("&Quit"), self.close, "Ctrl+Q")
        self.act_cancel = A(self.tr("Cancel Loading"), self.workspace.cancel, "Esc")
        self.act_cancel.setEnabled(False)

    def _make_training_actions(self) -> None:
        A = self._action
        self.act_train_start = A(self.tr("&Start Training"), self.training_page.start_clicked, ["F5", "Ctrl+Return"],
                                 "play", self.tr("Train with the settings on the Training page"))
        self.act_train_pause = A(self.tr("&Pause / Resume Training"), self.training_page.pause_clicked, "Ctrl+P",
                                 "pause", self.tr("Pause or resume training"))
        self.act_train_stop = A(self.tr("S&top Training"), self.training_page.stop_clicked, ["Shift+F5", "Ctrl+."],
                                "stop", self.tr("Stop training and keep the best model"))

    def _build_file_menu(self, menu) -> None:
        file_menu = menu.addMenu(self.tr("&File"))
        file_menu.addAction(self.act_open_folder)
        file_menu.addAction(self.act_open_project)
        self.recent_menu = file_menu.addMenu(icons.icon("recent"), self.tr("Open &Recent"))
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        samples = file_menu.addMenu(icons.icon("car"), self.tr("Try the Samples"))
        samples.addAction(self.act_sample_2d)
        samples.addAction(self.act_sample_3d)
        file_menu.addSeparator()
        file_menu.addAction(self.act_place_design)
        file_menu.addSeparator()
        file_menu.addAction(self.act_save)
        file_menu.addAction(self.act_save_as)
        file_menu.addSeparator()
        file_menu.addAction(self.act_quit)

    def _build_edit_menu(self, menu) -> None:
        """Undo and redo of the work on the map (``MapSession.history``): they show the map."""
        session = self.map_page.session

        def step(go) -> None:
            if self.show_page("map"):
                go()

        edit_menu = menu.addMenu(self.tr("&Edit"))
        self.act_undo = self._action(self.tr("&Undo"), lambda: step(session.undo), QKeySequence.StandardKey.Undo, None,
                                     self.tr("Undo the last change on the map"))
        self.act_redo = self._action(self.tr("&Redo"), lambda: step(session.redo), ["Ctrl+Shift+Z", "Ctrl+Y"], None,
                                     self.tr("Redo what was undone on the map"))
        edit_menu.addAction(self.act_undo)
        edit_menu.addAction(self.act_redo)
        edit_menu.addSeparator()
        self.act_preferences = self._action(self.tr("&Preferences…"), self.show_preferences,
                                            [QKeySequence.StandardKey.Preferences, "Ctrl+,"], None,
                                            self.tr("The look, what new projects start with, the cache"))
        edit_menu.addAction(self.act_preferences)
        self.map_page.signals.history_changed.connect(self._update_undo)
        self._update_undo()

    def show_preferences(self):
        """Edit > Preferences (Ctrl+,): the dialog, modal; returns it (tests drive it)."""
        from .preferences import PreferencesDialog

        dialog = PreferencesDialog(self.store, self.set_theme, lambda: self.workspace.busy or self.training.running,
                                   self)
        dialog.open()
        return dialog

    def _update_undo(self) -> None:
        s = self.map_page.session
        h = s.history
        back = step_label(h.entries[h.position].label) if h.can_undo and h.position > 0 else ""
        ahead = step_label(h.entries[h.position + 1].label) if h.can_redo else ""
        self.act_undo.setEnabled(s.has_map and h.can_undo)
        self.act_redo.setEnabled(s.has_map and h.can_redo)
        self.act_undo.setText(self.tr("&Undo {0}").format(back).strip() if back else self.tr("&Undo"))
        self.act_redo.setText(self.tr("&Redo {0}").format(ahead).strip() if ahead else self.tr("&Redo"))

    def _build_view_menu(self, menu) -> None:
        """One "Go to" action per page, then the Theme menu."""
        self._view_menu = menu.addMenu(self.tr("&View"))
        self._page_actions: list[QAction] = []
        for entry in self._pages.values():
            self._add_page_action(entry)
        self._pages_end = self._view_menu.addSeparator()
        theme_menu = self._view_menu.addMenu(self.tr("&Theme"))
        group = QActionGroup(self)
        self.theme_actions = {}
        for name, text in (("system", self.tr("Follow the &System")), ("light", self.tr("&Light")),
                           ("dark", self.tr("&Dark"))):
            act = QAction(text, self, checkable=True)
            act.setChecked(self.store.theme() == name)
            act.triggered.connect(lambda _=False, n=name: self.set_theme(n))
            group.addAction(act)
            theme_menu.addAction(act)
            self.theme_actions[name] = act
        self.act_toggle_theme = self._action(self.tr("Switch Light/Dark"), self.toggle_theme, "Ctrl+Shift+L", None,
                                             self.tr("Switch between the light and the dark look"))
        theme_menu.addSeparator()
        theme_menu.addAction(self.act_toggle_theme)

    def _add_page_action(self, entry) -> None:
        n = len(self._page_actions) + 1
        act = self._action(self.tr("Go to {0}").format(entry.title), lambda _=False, k=entry.key: self.show_page(k),
                           f"Ctrl+{n}" if n <= 9 else None, entry.icon)
        if self._pages_end is not None:
            self._view_menu.insertAction(self._pages_end, act)
        else:
            self._view_menu.addAction(act)
        self._page_actions.append(act)
        entry.item.setToolTip(f"{entry.title} (Ctrl+{n})")

    def place_design(self) -> None:
        """File → Place Design…: the map page encodes the chosen file and pins it (a drop on the map does too)."""
        if self.show_page("map"):
            self.map_page.tool_tabs.placer.ask(self)
        else:
            self.statusBar().showMessage(self.tr("Train or open a model first: a design is placed on its map"), 8000)

    # the Theme menu
    def set_theme(self, name: str) -> None:
        self.store.set_theme(name)
        theme.apply_theme(name)
        if name in self.theme_actions:
            self.theme_actions[name].setChecked(True)

    def toggle_theme(self) -> None:
        self.set_theme("light" if theme.current().dark else "dark")

    # the Help menu
    def show_about(self) -> None:
        QMessageBox.about(self, self.tr("About {0}").format(APP_NAME),
                          f"<h3>{APP_NAME} {__version__}</h3><p>"
                          + self.tr("Train a variational autoencoder on your own designs (images or 3D meshes) "
                                    "and explore it to create new variants.") + "</p><p>"
                          + self.tr("Settings file: {0}").format(f"<code>{self.store.path}</code>") + "</p>")

    def show_shortcuts(self) -> None:
        rows = []
        for act in self.findChildren(QAction):
            if act.shortcuts() and act.text():
                keys = ", ".join(s.toString(QKeySequence.SequenceFormat.NativeText) for s in act.shortcuts())
                rows.append(f"<tr><td style='padding-right:18px'>{act.text().replace('&', '')}</td>"
                            f"<td><b>{keys}</b></td></tr>")
        box = QMessageBox(QMessageBox.Icon.NoIcon, self.tr("Keyboard shortcuts"),
                          "<table>" + "".join(sorted(set(rows))) + "</table>", QMessageBox.StandardButton.Ok,
                          self)
        box.open()
