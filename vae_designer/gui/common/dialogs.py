"""Every dialog the app shows, in one place (tests replace ``ask`` and the file pickers).

Errors are shown window-modal but asynchronously (``QMessageBox.open``), so a
failure in a background task never blocks the event loop or a test.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

translate = QCoreApplication.translate  # lupdate reads translate("Context", "...")


def show_error(parent: QWidget, title: str, message: str, details: str | None = None) -> QMessageBox:
    box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("ErrorDialog")
    if details:
        box.setDetailedText(details)
    box.setModal(True)
    box.open()
    return box


def ask(parent: QWidget, title: str, text: str, yes: str | None = None, no: str | None = None) -> bool:
    """A blocking yes/no question; True for yes (the buttons say ``yes`` and ``no``: Yes, Cancel)."""
    yes = yes or translate("Dialogs", "Yes")
    no = no or translate("Dialogs", "Cancel")
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(yes_button)
    box.exec()
    return box.clickedButton() is yes_button


def choose_folder(parent: QWidget, start: str) -> str | None:
    path = QFileDialog.getExistingDirectory(parent, translate("Dialogs", "Open design folder"), start)
    return path or None


def choose_project(parent: QWidget, start: str) -> str | None:
    path = QFileDialog.getExistingDirectory(
        parent, translate("Dialogs", "Open project (a VAE Designer project folder)"), start)
    return path or None


def choose_save_location(parent: QWidget, start: str, name: str) -> str | None:
    path, _ = QFileDialog.getSaveFileName(parent, translate("Dialogs", "Save project as (a new folder)"),
                                          os.path.join(start, name),
                                          translate("Dialogs", "VAE Designer project folder (*)"))
    return path or None
