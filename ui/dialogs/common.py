"""Small pieces the dialogs share: language names and confirmations.

(A job's outcome reaches a dialog through its ``success`` and ``failure`` handlers; see
:mod:`ui.tasks`, whose :func:`~ui.tasks.failure_message` says an error for the user.)
"""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from ui.languages import LANGUAGE_NAMES
from ui.plain import make_plain


def language_name(code: str | None) -> str:
    """ "Korean" for "ko"; the code itself when the name is not known; "Unknown" for None."""
    if not code:
        return "Unknown"
    return LANGUAGE_NAMES.get(code.lower(), code)


def language_label(code: str | None) -> str:
    """ "Korean (ko)", for lists where both the name and the code help."""
    if not code:
        return "Unknown language"
    name = LANGUAGE_NAMES.get(code)
    return f"{name} ({code})" if name else code


def confirm(parent: QWidget, title: str, text: str, action: str) -> bool:
    """Ask before something that cannot be undone; ``action`` labels the button ("Remove")."""
    box = QMessageBox(
        QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.Cancel, parent
    )
    accept = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    make_plain(box)  # the question names an outlet or a model
    box.exec()
    accepted = box.clickedButton() == accept
    box.deleteLater()  # owned by the parent otherwise, one per question asked
    return accepted
