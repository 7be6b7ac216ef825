"""The article list: a model of :class:`~ui.viewdata.ArticleRow`, the view, and the
"Unread only" toggle above it; each row is painted by :class:`~ui.article_delegate.ArticleDelegate`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import (
    QAbstractListModel,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QStackedLayout,
    QVBoxLayout,
    QWidget,
)

from ui.article_delegate import (
    CJK_LINE_FACTOR,
    ROW_ROLE,
    STAR,
    ArticleDelegate,
    format_time,
    full_time,
    local_now,
    snippet_document,
    snippet_html,
    via_text,
)
from ui.compare.view import ARTICLE_MIME_TYPE, article_mime_data
from ui.languages import badge_text, language_name
from ui.plain import isolated, plain_tip
from ui.viewdata import ArticleRow

__all__ = [  # the row's look is ui.article_delegate's; its names are the list's callers' too
    "CJK_LINE_FACTOR",
    "EMPTY_COLLECTION",
    "EMPTY_SEARCH",
    "EMPTY_UNREAD",
    "EMPTY_UNREAD_SEARCH",
    "ROW_ROLE",
    "STAR",
    "UNREAD_ONLY",
    "ArticleDelegate",
    "ArticleList",
    "ArticleModel",
    "StoryListRow",
    "format_time",
    "full_time",
    "local_now",
    "snippet_document",
    "snippet_html",
    "via_text",
]

EMPTY_COLLECTION = "No articles yet — add outlets or load the demo"
EMPTY_SEARCH = "No matches"
EMPTY_UNREAD = "Nothing unread here — untick “Unread only” to see every article"
EMPTY_UNREAD_SEARCH = "No unread matches"
UNREAD_ONLY = "Unread only"
BY_STORY = "By story"
Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True, slots=True)
class StoryListRow:
    """A story among the listed articles, as the list grouped by story shows it."""

    story_id: int
    title: str
    languages: tuple[str, ...]  # of its listed articles, first published first
    articles: int  # how many of the listed articles it has


def story_row_text(row: StoryListRow) -> str:
    """'Strike on Kharkiv kills 14' over '[RU] [UK] [EN] · 3 articles'."""
    badges = " ".join(f"[{badge_text(code)}]" for code in row.languages)
    count = f"{row.articles} article{'' if row.articles == 1 else 's'}"
    return (
        f"{isolated(row.title)}\n{badges} · {count}"
        if badges
        else f"{isolated(row.title)}\n{count}"
    )


class ArticleModel(QAbstractListModel):
    """Rows of :class:`ArticleRow`; the row itself is under ``ROW_ROLE``."""

    def __init__(self, now: Callable[[], datetime], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.now = now
        self.rows: list[ArticleRow] = []

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        if role == ROW_ROLE:
            return row
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return row.title
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [isolated(row.title)]
            if row.title_translated:
                lines.append(isolated(row.title_translated))
            when = full_time(row.published, self.now())
            outlet, language = isolated(row.outlet), isolated(language_name(row.language))
            lines.append(f"{outlet} · {language} · {when}")
            return plain_tip("\n".join(lines))
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        # Articles can be dragged into the compare view to pin them as columns.
        return super().flags(index) | Qt.ItemFlag.ItemIsDragEnabled

    def mimeTypes(self) -> list[str]:
        return [ARTICLE_MIME_TYPE]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        return article_mime_data([self.rows[i.row()].id for i in indexes if i.isValid()])

    def set_rows(self, rows: list[ArticleRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def replace_row(self, row: ArticleRow) -> bool:
        for position, old in enumerate(self.rows):
            if old.id == row.id:
                self.rows[position] = row
                index = self.index(position)
                self.dataChanged.emit(index, index)
                return True
        return False

    def position_of(self, article_id: int) -> int | None:
        return next((i for i, row in enumerate(self.rows) if row.id == article_id), None)


class ArticleList(QWidget):
    """The list of articles (or search results) with keyboard navigation.

    Above the list, the "Unread only" toggle; the window loads the rows it asks for.

    Signals:
        article_selected(int): the current article changed (its id).
        article_activated(int): an article was opened (double-click or Enter).
        unread_only_changed(bool): the user turned "Unread only" on or off.
        by_story_changed(bool): the user turned "By story" on or off.
        story_opened(int): the user clicked a story's row (its id) in the list by story.
    """

    article_selected = Signal(int)
    article_activated = Signal(int)
    unread_only_changed = Signal(bool)
    by_story_changed = Signal(bool)
    story_opened = Signal(int)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        now: Callable[[], datetime] = local_now,
        target_language: str = "en",
    ) -> None:
        super().__init__(parent)
        self.model = ArticleModel(now, self)
        self.delegate = ArticleDelegate(self.model, target_language, self)
        self.view = QListView()
        self.view.setModel(self.model)
        self.view.setItemDelegate(self.delegate)
        # Ctrl+click and Shift+click select several (to export them); the current row is the
        # one the reader shows.
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setDragEnabled(True)
        self.view.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.view.setFrameShape(QListView.Shape.NoFrame)
        self.view.setAccessibleName("Articles")
        self.summary = QLabel()
        self.summary.setContentsMargins(8, 2, 8, 2)
        self.summary.setVisible(False)
        self._restoring_toggle = False
        self.unread_only = QCheckBox(UNREAD_ONLY)
        self.unread_only.setToolTip("Show only the articles you have not read (U)")
        self.unread_only.toggled.connect(self._on_unread_only)
        self.by_story = QCheckBox(BY_STORY)
        self.by_story.setToolTip("One row per story among the listed articles")
        self.by_story.toggled.connect(self._on_by_story)
        # Item text is drawn as plain text: titles come from feeds.
        self.stories = QListWidget()
        self.stories.setFrameShape(QListView.Shape.NoFrame)
        self.stories.setWordWrap(True)
        self.stories.setSpacing(5)  # rows of two lines, kept apart
        self.stories.setAccessibleName("Stories")
        self.stories.itemClicked.connect(self._on_story_clicked)
        self.stories.itemActivated.connect(self._on_story_clicked)
        self.empty = QLabel(EMPTY_COLLECTION)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.empty.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self._stack = QStackedLayout()
        self._stack.addWidget(self.view)
        self._stack.addWidget(self.empty)
        self._stack.addWidget(self.stories)
        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 8, 0)
        header.addWidget(self.summary, 1)
        header.addStretch(0)
        header.addWidget(self.by_story)
        header.addWidget(self.unread_only)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(header)
        layout.addLayout(self._stack)
        self._restoring = False
        selection = self.view.selectionModel()
        selection.currentRowChanged.connect(self._on_current_changed)
        self.view.activated.connect(self._on_activated)
        # Relative times ("5 min ago") age; repaint them now and then.
        self._clock = QTimer(self)
        self._clock.setInterval(60_000)
        self._clock.timeout.connect(self.view.viewport().update)
        self._clock.start()
        self._show_empty_state(search=False)

    # Public API ----------------------------------------------------------------------

    def set_rows(self, rows: list[ArticleRow], *, total: int | None = None) -> None:
        """Show ``rows``; ``total`` (search hits overall) marks them as search results.

        The selected article stays selected when it is among the new rows.
        """
        kept = self.current_id()
        self._restoring = True
        try:
            self.model.set_rows(rows)
            position = self.model.position_of(kept) if kept is not None else None
            if position is not None:
                self.view.setCurrentIndex(self.model.index(position))
                self.view.scrollTo(self.model.index(position))
            else:
                self.view.scrollToTop()
        finally:
            self._restoring = False
        matches = "match" if total == 1 else "matches"
        if total is None:
            self.summary.setVisible(False)
        elif self.unread_only.isChecked():
            self.summary.setText(f"{len(rows)} unread of {total} {matches}")
            self.summary.setVisible(True)
        else:
            shown = f"Showing {len(rows)} of {total}" if total > len(rows) else f"{total}"
            self.summary.setText(f"{shown} {matches}")
            self.summary.setVisible(True)
        self._show_empty_state(search=total is not None)

    def set_story_rows(self, rows: list[StoryListRow]) -> None:
        """Show the listed articles as stories (while "By story" is on)."""
        self.stories.clear()
        for row in rows:
            item = QListWidgetItem(story_row_text(row))
            item.setData(Qt.ItemDataRole.UserRole, row.story_id)
            item.setToolTip(plain_tip(row.title))
            self.stories.addItem(item)
        self._show_empty_state(search=self.summary.isVisible())

    def set_unread_only(self, on: bool) -> None:
        """Tick or untick "Unread only" without announcing it (a restored session)."""
        self._restoring_toggle = True
        try:
            self.unread_only.setChecked(on)
        finally:
            self._restoring_toggle = False

    def update_row(self, row: ArticleRow) -> None:
        """Redraw one article after a change (read, starred); ignored when not listed."""
        self.model.replace_row(row)

    def rows(self) -> list[ArticleRow]:
        return list(self.model.rows)

    def current_id(self) -> int | None:
        index = self.view.currentIndex()
        row = index.data(ROW_ROLE) if index.isValid() else None
        return row.id if isinstance(row, ArticleRow) else None

    def select_id(self, article_id: int) -> bool:
        """Select the article ``article_id``; False when it is not listed."""
        position = self.model.position_of(article_id)
        if position is not None:
            self.view.setCurrentIndex(self.model.index(position))
        return position is not None

    def select_next(self) -> None:
        """Move to the next article (the first one when none is selected): the "j" key."""
        self._step(1)

    def select_previous(self) -> None:
        """Move to the previous article (the first one when none is selected): the "k" key."""
        self._step(-1)

    def set_target_language(self, code: str) -> None:
        """The language translations are in, named on the "via …" badge."""
        self.delegate.target_language = code
        self.view.viewport().update()

    # Behaviour -----------------------------------------------------------------------

    def _step(self, delta: int) -> None:
        count = self.model.rowCount()
        if not count:
            return
        current = self.view.currentIndex()
        position = 0 if not current.isValid() else min(max(current.row() + delta, 0), count - 1)
        index = self.model.index(position)
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)

    def _show_empty_state(self, *, search: bool) -> None:
        if self.unread_only.isChecked():
            self.empty.setText(EMPTY_UNREAD_SEARCH if search else EMPTY_UNREAD)
        else:
            self.empty.setText(EMPTY_SEARCH if search else EMPTY_COLLECTION)
        if not self.model.rows:
            self._stack.setCurrentWidget(self.empty)
        elif self.by_story.isChecked():
            self._stack.setCurrentWidget(self.stories)
        else:
            self._stack.setCurrentWidget(self.view)

    def _on_unread_only(self, on: bool) -> None:
        if not self._restoring_toggle:
            self.unread_only_changed.emit(on)

    def _on_by_story(self, on: bool) -> None:
        if not on:
            self.stories.clear()
        self._show_empty_state(search=self.summary.isVisible())
        self.by_story_changed.emit(on)

    def _on_story_clicked(self, item: QListWidgetItem) -> None:
        self.story_opened.emit(int(item.data(Qt.ItemDataRole.UserRole)))

    def _on_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        row = current.data(ROW_ROLE) if current.isValid() else None
        if not self._restoring and isinstance(row, ArticleRow):
            self.article_selected.emit(row.id)

    def _on_activated(self, index: QModelIndex) -> None:
        row = index.data(ROW_ROLE)
        if isinstance(row, ArticleRow):
            self.article_activated.emit(row.id)
