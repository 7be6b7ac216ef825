"""Menus, keyboard shortcuts and the shortcuts help dialog of the main window.

Keyboard first: j/k move through the list, / searches, o opens the original, s stars,
m toggles read, u shows unread only, Space pages down in the reader, Ctrl+1…4 switch the
reader's layout; in the sidebar, F2 renames the selected saved search and Del deletes it.

A new menu entry goes in :func:`install_actions`, in its menu's block, with its key (if
any) in :data:`SHORTCUTS`.
"""

from __future__ import annotations

from collections.abc import Callable
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
    ("H", "Highlight the sentence last clicked in the reader"),
    ("N", "Add a note to the sentence last clicked in the reader"),
    ("U", "Show unread articles only, or all"),
    ("Shift+A", "Mark all read in what the list shows"),
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
    ("F2", "Sidebar: rename the selected saved search"),
    ("Del", "Sidebar: delete the selected saved search"),
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
    story = QAction("Open its &story", window)
    story.triggered.connect(window.open_current_story)
    window.article_list.view.addAction(story)
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
    action("&Find person, place or organisation…", None, window.find_entity, view)
    action("Sto&ries…", None, window.show_stories, view)
    action("S&tories…", None, window.show_stories, view)
    _install_article_actions(window, action)
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
    _install_sidebar_keys(window)


def _install_article_actions(window: MainWindow, action: Callable[..., QAction]) -> None:
    """The Articles menu: triage of what the list shows (see :mod:`ui.triage`)."""
    articles = window.menuBar().addMenu("&Articles")
    toggle = window.article_list.unread_only
    unread_only = action("&Unread only", "U", toggle.setChecked, articles)
    unread_only.setCheckable(True)
    unread_only.setChecked(toggle.isChecked())
    toggle.toggled.connect(unread_only.setChecked)  # the tick follows the list's toggle
    articles.addSeparator()
    action("Mark &all read", "Shift+A", window.triage.mark_view_read, articles)
    action("Mark &older than… read", None, window.triage.mark_view_older_read, articles)
    articles.addSeparator()
    action("&Star or unstar", None, window.toggle_star, articles)
    action("Mark &read or unread", None, window.toggle_read, articles)
    articles.addSeparator()
    articles.addActions(window.reader.note_actions())  # Highlight (H), Add note… (N)…


def _install_sidebar_keys(window: MainWindow) -> None:
    """F2 and Del act on the saved search selected in the sidebar, when the sidebar has the
    focus (Del in the search field deletes a letter)."""
    saved = window.saved_searches
    for keys, slot in (("F2", saved.rename), ("Del", saved.delete)):
        created = QAction(window.sidebar.tree)
        created.setShortcut(QKeySequence(keys))
        created.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        created.triggered.connect(lambda _=False, chosen=slot: chosen())
        window.sidebar.tree.addAction(created)


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
