"""The line under the search field that says what the names in a query were also searched as.

A search widens a typed name to its forms in other scripts ("Zelensky" also finds Зеленський,
젤렌스키, 泽连斯基) and, for a run of capitalised words, to names that sound alike (see
:mod:`indexes.names`). The line says so, one name after another, so a hit that never writes
the typed word is not a mystery; with the search bar's "Exact" on it says that names are
searched as typed. The forms come from the alias table, which the user can extend, and the
typed name from the query (a bundled watchlist may hold it): shown as plain text only.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QPalette, QResizeEvent
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from monitor.types import NameExpansion
from ui.plain import isolated, plain_tip

FORM_SEPARATOR = " · "
NAME_SEPARATOR = "; "
EXACT_TEXT = "Exact: names as typed only"
# Hangul and Han come from fallback fonts with taller lines: the line is as tall as they
# need whatever it says, so the filters under it do not move when it changes.
TALLEST_SAMPLE = "Zelensky Зеленський 젤렌스키 泽连斯基"


def expansions_text(expansions: Sequence[NameExpansion]) -> str:
    """One line for every widened name: "Zelensky also finds: Зеленський · 젤렌스키"."""
    said: list[str] = []
    for expansion in expansions:
        found = [isolated(form) for form in expansion.forms]
        if expansion.sound:
            found.append("names that sound alike")
        if found:
            said.append(f"{isolated(expansion.typed)} also finds: {FORM_SEPARATOR.join(found)}")
    return NAME_SEPARATOR.join(said)


class NameLine(QLabel):
    """A one-line, plain-text label, elided to its width with the whole text in its tooltip;
    hidden when it has nothing to say."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self._full = ""
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setAccessibleName("Names also searched as")
        self.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        # Any width will do: the text is elided to it rather than widening the window.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # a quiet grey, any theme
        self._fit_height()
        self.setVisible(False)

    def full_text(self) -> str:
        """What the line says, before eliding."""
        return self._full

    def show_expansions(self, expansions: Sequence[NameExpansion]) -> None:
        """Say what ``expansions`` added; hide the line when they added nothing."""
        self.say(expansions_text(expansions))

    def say(self, text: str) -> None:
        self._full = text
        self.setToolTip(plain_tip(text))
        self.setAccessibleDescription(text)
        self._elide()
        self.setVisible(bool(text))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fit_height()

    def _fit_height(self) -> None:
        super().setText(TALLEST_SAMPLE)
        self.setFixedHeight(self.sizeHint().height())
        self._elide()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        metrics = self.fontMetrics()
        width = self.contentsRect().width()
        shown = metrics.elidedText(self._full, Qt.TextElideMode.ElideRight, max(width, 0))
        super().setText(shown if width > 0 else self._full)
