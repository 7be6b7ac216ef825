"""Menus, keyboard shortcuts and the shortcuts help dialog of the main window.

Keyboard first: j/k move through the list, / searches, o opens the original, s stars,
m toggles read, Space pages down in the reader, Ctrl+1…4 switch the reader's layout.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from ui.reader import ReaderLayout

if TYPE_CHECKING:
    from ui.main_window import MainWindow

SHORTCUTS: list[tuple[str, str]] = [
    ("J / K", "Next / previous article"),
    ("/", "Search"),
    ("O", "Open the original page in the browser"),
    ("S", "Star or unstar the article"),
    ("M", "Mark read or unread"),
    ("Space", "Page down in the reader"),
    ("Ctrl+1", "Reader: side by side"),
    ("Ctrl+2", "Reader: original only"),
    ("Ctrl+3", "Reader: translation only"),
    ("Ctrl+4", "Reader: stacked"),
    ("C", "Compare the article's coverage across outlets"),
    ("T", "Timeline of the current search"),
    ("Ctrl+R", "Update all sources now"),
    ("Ctrl+D", "Save the current search in the sidebar"),
    ("Ctrl+E", "Export articles (dossier, CSV, JSON Lines, bundle)"),
    ("F1", "This list"),
]


def install_actions(window: MainWindow) -> None:
    def action(text: str, shortcut: str | None, slot: object, menu: object = None) -> QAction:
        created = QAction(text, window)
        if shortcut:
            created.setShortcut(QKeySequence(shortcut))
        created.triggered.connect(slot)
        window.addAction(created)
        if menu is not None:
            menu.addAction(created)  # type: ignore[attr-defined]
        return created

    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    action("&Update now", "Ctrl+R", window.update_sources, file_menu)
    action("Load the &demo collection", None, window.load_demo, file_menu)
    action("&Save this search…", "Ctrl+D", window.save_search, file_menu)
    file_menu.addSeparator()
    export = action("&Export…", "Ctrl+E", window.export_articles, file_menu)
    action("&Import bundle…", None, window.import_bundle, file_menu)
    window.article_list.view.addAction(export)  # the list's context menu
    window.article_list.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
    file_menu.addSeparator()
    action("&Quit", "Ctrl+Q", window.close, file_menu)
    tools = bar.addMenu("&Tools")
    action("&Sources…", None, window.show_sources, tools)
    action("Translation &models…", None, window.show_models, tools)
    action("Se&ttings…", None, window.show_settings, tools)
    view = bar.addMenu("&View")
    for number, (label, layout) in enumerate(
        [
            ("Side by side", ReaderLayout.SIDE_BY_SIDE),
            ("Original only", ReaderLayout.ORIGINAL_ONLY),
            ("Translation only", ReaderLayout.TRANSLATION_ONLY),
            ("Stacked", ReaderLayout.STACKED),
        ],
        start=1,
    ):
        action(
            label,
            f"Ctrl+{number}",
            lambda _=False, chosen=layout: window.set_reader_layout(chosen),
            view,
        )
    view.addSeparator()
    action("&Compare coverage…", "C", window.compare_current, view)
    action("&Timeline of this search…", "T", window.show_timeline, view)
    help_menu = bar.addMenu("&Help")
    action("&Keyboard shortcuts", "F1", lambda: ShortcutsDialog(window).exec(), help_menu)

    # Single keys: not in menus (they would show as odd accelerators), window-wide.
    action("Next article", "J", window.article_list.select_next)
    action("Previous article", "K", window.article_list.select_previous)
    action("Search", "/", window.search_bar.focus_search)
    action("Open original", "O", window.open_current_original)
    action("Star", "S", window.toggle_star)
    action("Toggle read", "M", window.toggle_read)
    action("Page down", "Space", window.reader.page_down)


class ShortcutsDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        layout = QVBoxLayout(self)
        rows = "".join(
            f"<tr><td style='padding-right:18px'><b>{keys}</b></td><td>{what}</td></tr>"
            for keys, what in SHORTCUTS
        )
        layout.addWidget(QLabel(f"<table>{rows}</table>"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
