"""The sidebar: "All articles", "Starred", the outlets grouped by language, and saved searches.

Each outlet row shows its language badge, name, unread count, a "3 new" badge for what
arrived since the user last looked at it and, when the last update failed, a warning badge
whose tooltip gives the reason. A saved search shows its new matches and whether it is
muted. Rows are painted by :class:`~ui.sidebar_delegate.SidebarDelegate`; the tree holds
only plain data in item roles. A right click asks for the row's menu
(:attr:`Sidebar.menu_requested`); the sidebar builds no menu itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from monitor.types import SearchRequest
from ui.languages import language_name
from ui.languages import language_order as _language_order
from ui.plain import plain_tip
from ui.sidebar_delegate import (
    ALL,
    CHANNEL_ROLE,
    ERROR_ROLE,
    KIND_ROLE,
    LANGUAGE,
    LANGUAGE_ROLE,
    MUTED_MARK,
    MUTED_ROLE,
    NEW_ROLE,
    SAVED,
    SECTION,
    SOURCE,
    STARRED,
    UNREAD_ROLE,
    VALUE_ROLE,
    WARNING_MARK,
    SidebarDelegate,
    new_badge_text,
)
from ui.viewdata import ListScope, SavedSearchRow, SourceRow

__all__ = [  # the roles and kinds, for the sidebar's callers and tests
    "ALL",
    "CHANNEL_ROLE",
    "ERROR_ROLE",
    "KIND_ROLE",
    "LANGUAGE",
    "LANGUAGE_ROLE",
    "MUTED_MARK",
    "MUTED_ROLE",
    "NEW_ROLE",
    "SAVED",
    "SECTION",
    "SOURCE",
    "STARRED",
    "UNREAD_ROLE",
    "VALUE_ROLE",
    "WARNING_MARK",
    "Sidebar",
    "SidebarDelegate",
    "new_badge_text",
]


class Sidebar(QWidget):
    """Where the user picks what the article list shows.

    A pick is announced when the selection changes, and also when the user clicks the row
    that is already selected (after a search, "All articles" stays selected as the search's
    scope; clicking it shows all articles again).

    Signals:
        all_selected(): "All articles" was picked.
        starred_selected(): "Starred" was picked.
        source_selected(int): an outlet was picked (its source id).
        language_selected(str): a language header was picked (its code, e.g. "ko").
        saved_search_selected(int): a saved search was picked (its id).
        menu_requested(str, object, QPoint): a row was right-clicked: its kind and value
            (as :meth:`current_key` gives them) and where, in global coordinates.
    """

    all_selected = Signal()
    starred_selected = Signal()
    source_selected = Signal(int)
    language_selected = Signal(str)
    saved_search_selected = Signal(int)
    menu_requested = Signal(str, object, QPoint)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tree = QTreeWidget()
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(False)
        self.tree.setIndentation(10)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setItemDelegate(SidebarDelegate(self.tree))
        self.tree.setFrameShape(QTreeWidget.Shape.NoFrame)
        self.tree.setAccessibleName("Outlets")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tree)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._on_menu)
        self._rows: list[SourceRow] = []
        self._starred = 0
        self._saved: list[SavedSearchRow] = []
        self._collapsed: set[str] = set()
        self._restoring = False
        self._current_before_press: QTreeWidgetItem | None = None
        self._left_press = False
        self.tree.currentItemChanged.connect(self._on_current_changed)
        self.tree.viewport().installEventFilter(self)
        self.tree.itemPressed.connect(self._on_pressed)
        self.tree.itemCollapsed.connect(lambda item: self._collapsed.add(_key(item)))
        self.tree.itemExpanded.connect(lambda item: self._collapsed.discard(_key(item)))
        self._rebuild()
        self.select_all()

    # Public API ----------------------------------------------------------------------

    def set_sources(self, rows: list[SourceRow], *, starred: int | None = None) -> None:
        """Show ``rows`` grouped by language, keeping the current selection where it still is;
        ``starred`` is the count beside "Starred" (kept when not given)."""
        self._rows = list(rows)
        if starred is not None:
            self._starred = starred
        self._rebuild()

    def set_saved_searches(self, searches: list[SavedSearchRow]) -> None:
        """Show the saved searches below the outlets."""
        self._saved = list(searches)
        self._rebuild()

    def saved_searches(self) -> list[SavedSearchRow]:
        return list(self._saved)

    def saved_search(self, search_id: int) -> SavedSearchRow | None:
        return next((row for row in self._saved if row.id == search_id), None)

    def select_all(self) -> None:
        """Select "All articles" (emits all_selected if the selection changes)."""
        first = self.tree.topLevelItem(0)
        if first is not None:
            self.tree.setCurrentItem(first)

    def select_source(self, source_id: int) -> bool:
        """Select the outlet ``source_id``; False when it is not listed."""
        item = self._find(f"{SOURCE}:{source_id}")
        if item is not None:
            self.tree.setCurrentItem(item)
        return item is not None

    def select_quietly(self, kind: str, value: object = None) -> bool:
        """Show ``kind``/``value`` (``ALL``, ``STARRED``, ``SOURCE`` with its id, ``LANGUAGE``
        with its code, ``SAVED`` with its id) as selected without announcing it: the list
        already shows it. False when there is no such row."""
        item = self._find(f"{kind}:{'' if value is None else value}")
        if item is not None:
            self._restoring = True
            try:
                self.tree.setCurrentItem(item)
            finally:
                self._restoring = False
        return item is not None

    def show_browsed(self, scope: ListScope) -> None:
        """Select, without announcing it, what the list shows without a search."""
        if scope.starred:
            self.select_quietly(STARRED)
        elif scope.source_id is not None:
            self.select_quietly(SOURCE, scope.source_id)
        elif scope.language is not None:
            self.select_quietly(LANGUAGE, scope.language)
        else:
            self.select_quietly(ALL)

    def show_scope_of(self, request: SearchRequest) -> None:
        """Select, without announcing it, what a search covers: the outlet or language it is
        filtered to, else "All articles". A saved search being run stays selected."""
        key = self.current_key()
        if key is not None and key[0] == SAVED:
            saved = self.saved_search(int(str(key[1])))
            if saved is not None and saved.query == request.text:
                return
        outlet = self.source_named(request.outlets[0]) if len(request.outlets) == 1 else None
        language = request.languages[0] if len(request.languages) == 1 else None
        if not (outlet is not None and self.select_quietly(SOURCE, outlet)) and not (
            language is not None and self.select_quietly(LANGUAGE, language)
        ):
            self.select_quietly(ALL)

    def source_named(self, name: str) -> int | None:
        """The id of the outlet called ``name``, if one is listed."""
        return next((row.id for row in self._rows if row.name == name), None)

    def source_names(self) -> list[str]:
        """The names of the outlets listed, sorted."""
        return sorted({row.name for row in self._rows}, key=str.lower)

    def source_name(self, source_id: int) -> str | None:
        return next((row.name for row in self._rows if row.id == source_id), None)

    def current_key(self) -> tuple[str, object] | None:
        """What is selected: ("all", None), ("starred", None), ("source", id),
        ("language", code) or ("saved", id)."""
        item = self.tree.currentItem()
        if item is None:
            return None
        return str(item.data(0, KIND_ROLE)), item.data(0, VALUE_ROLE)

    # Building ------------------------------------------------------------------------

    def _rebuild(self) -> None:
        items = self._build_items()
        existing = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        if _shape(existing) == _shape(items):
            # The same rows with new counts (the usual case: a mark, an update): change them
            # in place, so a row being clicked or a menu open on it is never pulled away.
            for old, new in zip(_walk(existing), _walk(items), strict=True):
                _copy(new, old)
            return
        current = self.tree.currentItem()
        selected = _key(current) if current is not None else f"{ALL}:"
        self._restoring = True
        try:
            self.tree.clear()
            self.tree.addTopLevelItems(items)
            for item in items:
                if item.childCount():
                    item.setExpanded(_key(item) not in self._collapsed)
            restored = self._find(selected)
            if restored is not None:
                self.tree.setCurrentItem(restored)
        finally:
            self._restoring = False
        if restored is None:
            # What was shown is gone (a removed outlet, a deleted search): show everything.
            self.select_all()

    def _build_items(self) -> list[QTreeWidgetItem]:
        total_unread = sum(row.unread for row in self._rows)
        everything = _item(ALL, None, "All articles", unread=total_unread)
        everything.setToolTip(0, f"{sum(r.articles for r in self._rows)} articles, all outlets")
        starred = _item(STARRED, None, "Starred", unread=self._starred)
        starred.setToolTip(0, f"{self._starred} starred {_plural(self._starred, 'article')}")
        items = [everything, starred]
        ordered = sorted(self._rows, key=lambda r: (_language_order(r.language), r.name.lower()))
        for language, group in groupby(ordered, key=lambda r: r.language or None):
            outlets = list(group)
            header = _item(
                LANGUAGE,
                language,
                language_name(language),
                unread=sum(r.unread for r in outlets),
                language=language,
            )
            noun = "outlet" if len(outlets) == 1 else "outlets"
            header.setToolTip(
                0,
                f"{len(outlets)} {noun}, {sum(r.articles for r in outlets)} articles, "
                f"{sum(r.unread for r in outlets)} unread",
            )
            if language is None:
                # An unknown language cannot be filtered on; the header only groups.
                header.setFlags(Qt.ItemFlag.ItemIsEnabled)
            header.addChildren([_source_item(row) for row in outlets])
            items.append(header)
        if self._saved:
            section = _item(SECTION, None, "Saved searches")
            section.setFlags(Qt.ItemFlag.ItemIsEnabled)
            items.append(section)
            items.extend(_saved_item(search) for search in self._saved)
        return items

    def _find(self, key: str) -> QTreeWidgetItem | None:
        stack = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        while stack:
            item = stack.pop()
            if item is None:
                continue
            if _key(item) == key:
                return item
            stack.extend(item.child(i) for i in range(item.childCount()))
        return None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.MouseButtonPress:
            self._current_before_press = self.tree.currentItem()
            assert isinstance(event, QMouseEvent)
            self._left_press = event.button() == Qt.MouseButton.LeftButton
        return super().eventFilter(watched, event)

    def _on_pressed(self, item: QTreeWidgetItem, _column: int) -> None:
        # A press on a new row was announced by the selection change it made; a right
        # click on the selected row asks for its menu, not for it again.
        if item is self._current_before_press and self._left_press:
            self._announce(item)
        self._current_before_press = None

    def _on_menu(self, position: QPoint) -> None:
        item = self.tree.itemAt(position)
        if item is None:
            return
        kind, value = str(item.data(0, KIND_ROLE)), item.data(0, VALUE_ROLE)
        if kind == SECTION or (kind == LANGUAGE and not value):
            return
        self.menu_requested.emit(kind, value, self.tree.viewport().mapToGlobal(position))

    def _on_current_changed(self, item: QTreeWidgetItem | None, _previous: object) -> None:
        if self._restoring or item is None:
            return
        self._announce(item)

    def _announce(self, item: QTreeWidgetItem) -> None:
        kind, value = item.data(0, KIND_ROLE), item.data(0, VALUE_ROLE)
        if kind == ALL:
            self.all_selected.emit()
        elif kind == STARRED:
            self.starred_selected.emit()
        elif kind == SOURCE:
            self.source_selected.emit(int(value))
        elif kind == LANGUAGE and value:
            self.language_selected.emit(str(value))
        elif kind == SAVED:
            self.saved_search_selected.emit(int(value))


def _item(
    kind: str,
    value: object,
    text: str,
    *,
    unread: int = 0,
    language: str | None = None,
) -> QTreeWidgetItem:
    item = QTreeWidgetItem([text])
    item.setData(0, KIND_ROLE, kind)
    item.setData(0, VALUE_ROLE, value)
    item.setData(0, UNREAD_ROLE, unread)
    item.setData(0, LANGUAGE_ROLE, language)
    return item


def _source_item(row: SourceRow) -> QTreeWidgetItem:
    item = _item(SOURCE, row.id, row.name, unread=row.unread, language=row.language)
    item.setData(0, ERROR_ROLE, row.error)
    item.setData(0, NEW_ROLE, row.new)
    item.setData(0, CHANNEL_ROLE, row.from_channel)
    details = f"{row.url}\n{row.articles} articles, {row.unread} unread"
    if row.new:
        details += f", {row.new} new since you last looked"
    tip = f"Last update failed: {row.error}\n{details}" if row.error else details
    item.setToolTip(0, plain_tip(tip))
    return item


def _saved_item(row: SavedSearchRow) -> QTreeWidgetItem:
    item = _item(SAVED, row.id, row.name)
    item.setData(0, NEW_ROLE, row.new)
    item.setData(0, MUTED_ROLE, row.muted)
    item.setData(0, ERROR_ROLE, row.error)
    lines = [row.query]
    if row.new:
        lines.append(f"{row.new} new {_plural(row.new, 'match', 'matches')} since you last looked")
    if row.muted:
        lines.append("Muted: counted, without notifications")
    if row.error:
        lines.append(f"The last check failed: {row.error}")
    item.setToolTip(0, plain_tip("\n".join(lines)))
    return item


def _plural(count: int, noun: str, nouns: str | None = None) -> str:
    return noun if count == 1 else (nouns or f"{noun}s")


_ROLES = (
    KIND_ROLE,
    VALUE_ROLE,
    UNREAD_ROLE,
    ERROR_ROLE,
    LANGUAGE_ROLE,
    NEW_ROLE,
    MUTED_ROLE,
    CHANNEL_ROLE,
)


def _walk(items: Sequence[QTreeWidgetItem | None]) -> list[QTreeWidgetItem]:
    """``items`` and their children, depth first."""
    found: list[QTreeWidgetItem] = []
    for item in items:
        if item is not None:
            found.append(item)
            found.extend(_walk([item.child(i) for i in range(item.childCount())]))
    return found


def _shape(items: Sequence[QTreeWidgetItem | None]) -> list[tuple[str, str, int]]:
    """What makes two trees the same rows: each row's key, text and number of children."""
    return [(_key(item), item.text(0), item.childCount()) for item in _walk(items)]


def _copy(source: QTreeWidgetItem, target: QTreeWidgetItem) -> None:
    for role in _ROLES:
        if target.data(0, role) != source.data(0, role):
            target.setData(0, role, source.data(0, role))
    if target.toolTip(0) != source.toolTip(0):
        target.setToolTip(0, source.toolTip(0))
    if target.flags() != source.flags():
        target.setFlags(source.flags())


def _key(item: QTreeWidgetItem) -> str:
    value = item.data(0, VALUE_ROLE)
    return f"{item.data(0, KIND_ROLE)}:{'' if value is None else value}"
