"""The search bar: a query field with search-as-you-type, history, and filter controls.

The field takes the search layer's query language (see :mod:`indexes.query`); the filters
beside it (language, outlet, dates, sort, "Exact") travel as parameters of the
:class:`~indexes.types.SearchRequest`, so they never have to be spliced into the text. Under
the field, a line says what the names in the query were also searched as (see
:mod:`ui.name_line`); "Exact" turns that widening off.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, timedelta

from PySide6.QtCore import QDate, QEvent, QObject, QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from monitor.types import NameExpansion, SearchRequest, SortOrder
from ui.languages import FOLLOWED_LANGUAGES, language_name
from ui.name_line import EXACT_TEXT, NameLine
from ui.plain import plain_label

DEBOUNCE_MS = 300
HISTORY_LIMIT = 30
PLACEHOLDER = 'Search: words, "phrases", AND/OR/NOT, outlet:, lang:, date:'
EXACT_TIP = "Search the words as typed: no other spellings or scripts of names"

# Date presets: label → days back from today (0 = today only); None = any date; -1 = custom.
ANY_DATE, CUSTOM_RANGE = None, -1
DATE_PRESETS: tuple[tuple[str, int | None], ...] = (
    ("Any date", ANY_DATE),
    ("Today", 0),
    ("Last 7 days", 6),
    ("Last 30 days", 29),
    ("Custom range…", CUSTOM_RANGE),
)


class SearchBar(QWidget):
    """A search field with filters; builds :class:`SearchRequest` objects.

    Typing searches after a short pause; Enter searches at once; Escape clears the text (and,
    when it is already empty, the filters). Past queries are offered as completions. "Exact"
    searches names as typed; otherwise the line under the field says what else they found
    (:meth:`show_expansions`).

    Signals:
        search_requested(object): a :class:`~indexes.types.SearchRequest` to run.
        search_cleared(): the text was emptied and no filter is set: show the plain list.
        history_changed(): the list of past queries changed (persist it with ``history()``).
    """

    search_requested = Signal(object)
    search_cleared = Signal()
    history_changed = Signal()

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        today: Callable[[], date] = date.today,
        page_size: int = 50,
    ) -> None:
        super().__init__(parent)
        self._today = today
        self.page_size = page_size
        self._history: list[str] = []
        self._last_emitted: SearchRequest | None = None

        self.field = QLineEdit()
        self.field.setPlaceholderText(PLACEHOLDER)
        self.field.setClearButtonEnabled(True)
        self.field.setAccessibleName("Search")
        self.field.setToolTip(
            'Words must all occur; use "quotes" for phrases, OR / NOT (or -word), '
            "outlet:name, lang:ru,uk, date:2026-11 or date:[2026-11-01 TO 2026-11-20]. "
            "Press / to come back here."
        )
        self.field.installEventFilter(self)
        self._history_model = QStringListModel(self)
        self.completer = QCompleter(self._history_model, self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.field.setCompleter(self.completer)

        self.language = QComboBox()
        self.language.setAccessibleName("Language filter")
        self.language.addItem("Any language", None)
        for code in FOLLOWED_LANGUAGES:
            self.language.addItem(language_name(code), code)
        self.outlet = QComboBox()
        self.outlet.setAccessibleName("Outlet filter")
        self.outlet.addItem("Any outlet", None)
        self.outlet.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.outlet.setMinimumContentsLength(8)
        self.outlet.setMaximumWidth(220)
        self.dates = QComboBox()
        self.dates.setAccessibleName("Date filter")
        for label, days in DATE_PRESETS:
            self.dates.addItem(label, days)
        self.since = _date_edit("From")
        self.until = _date_edit("To (included)")
        self.dash = QLabel("–")
        self.sort = QComboBox()
        self.sort.setAccessibleName("Sort order")
        self.sort.setToolTip("Sort order")
        self.sort.addItem("Relevance", SortOrder.RELEVANCE)
        self.sort.addItem("Newest", SortOrder.DATE)
        self.exact = QCheckBox("Exact")
        self.exact.setToolTip(EXACT_TIP)
        self.exact.setAccessibleName("Exact")
        self.names = NameLine()
        self._widened: tuple[str, ...] = ()  # the names the last widened search found in the text
        self.error = plain_label()  # quotes the query, which a bundled watchlist may hold
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        palette = self.error.palette()
        # A mid red: readable on light and dark windows alike.
        palette.setColor(QPalette.ColorRole.WindowText, QColor(215, 65, 50))
        self.error.setPalette(palette)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._search_now)
        self._lay_out()
        self._show_custom_dates(False)

        self.field.textEdited.connect(self._on_text_edited)
        self.field.returnPressed.connect(self._on_return)
        # The clear button emits textChanged but not textEdited.
        self.field.textChanged.connect(self._on_text_changed)
        self.completer.activated.connect(self._on_completion)
        for combo in (self.language, self.outlet, self.sort):
            combo.currentIndexChanged.connect(self._search_now)
        self.dates.currentIndexChanged.connect(self._on_dates_changed)
        self.since.dateChanged.connect(self._search_now)
        self.until.dateChanged.connect(self._search_now)
        self.exact.toggled.connect(self._search_now)

    def _lay_out(self) -> None:
        filters = QHBoxLayout()
        filters.setSpacing(6)
        filters.addWidget(self.language)
        filters.addWidget(self.outlet)
        filters.addWidget(self.dates)
        filters.addWidget(self.since)
        filters.addWidget(self.dash)
        filters.addWidget(self.until)
        filters.addStretch(1)
        filters.addWidget(self.exact)
        filters.addWidget(self.sort)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 4)
        layout.setSpacing(4)
        layout.addWidget(self.field)
        layout.addWidget(self.names)
        layout.addLayout(filters)
        layout.addWidget(self.error)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

    # Public API ----------------------------------------------------------------------

    def focus_search(self) -> None:
        """Put the cursor in the field with its text selected (the "/" shortcut)."""
        self.field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.field.selectAll()

    def text(self) -> str:
        return self.field.text().strip()

    def set_query(self, text: str) -> None:
        """Replace the text (a saved search, a clicked tag) and search at once."""
        self.field.setText(text)
        self._search_now()

    def set_outlets(self, names: list[str]) -> None:
        """Offer ``names`` in the outlet filter, keeping the chosen one if it is still there."""
        chosen = self.outlet.currentData()
        self.outlet.blockSignals(True)
        try:
            self.outlet.clear()
            self.outlet.addItem("Any outlet", None)
            for name in sorted(names, key=str.lower):
                self.outlet.addItem(name, name)
            self.outlet.setCurrentIndex(max(0, self.outlet.findData(chosen)))
        finally:
            self.outlet.blockSignals(False)
        if chosen is not None and self.outlet.currentData() is None:
            self._search_now()  # the chosen outlet is gone, so the results change

    def clear(self, *, announce: bool = True) -> None:
        """Empty the text and reset every filter; emits search_cleared once, unless
        ``announce`` is false (the window already shows something else: a sidebar pick)."""
        with self._quiet():
            self.field.clear()
            self.language.setCurrentIndex(0)
            self.outlet.setCurrentIndex(0)
            self.dates.setCurrentIndex(0)
            self._show_custom_dates(False)
        if announce:
            self._search_now()
        else:
            self._last_emitted = None
            self.set_error(None)
            self.names.say("")

    def show_request(self, request: SearchRequest) -> None:
        """Set every control to say ``request`` (its text, language, outlet, days and sort),
        then search it: a bar clicked in the timeline shows its day in the date filter."""
        with self._quiet():
            self.field.setText(request.text)
            _choose(
                self.language,
                request.languages[0] if request.languages else None,
                language_name,
            )
            _choose(self.outlet, request.outlets[0] if request.outlets else None)
            _choose(self.sort, request.sort)
            self.exact.setChecked(request.exact)
            if request.since is None and request.until is None:
                self.dates.setCurrentIndex(0)
                self._show_custom_dates(False)
            else:
                self.dates.setCurrentIndex(self.dates.findData(CUSTOM_RANGE))
                self._show_custom_dates(True)
                until = request.until or self._today()
                self.until.setDate(_qdate(until))
                self.since.setDate(_qdate(request.since or until))
        self._search_now(force=True)

    def request(self) -> SearchRequest | None:
        """The search the controls describe now; None when there is nothing to search for."""
        language = self.language.currentData()
        outlet = self.outlet.currentData()
        since, until = self._date_range()
        if not self.text() and not (language or outlet or since or until):
            return None
        return SearchRequest(
            text=self.text(),
            languages=(language,) if language else (),
            outlets=(outlet,) if outlet else (),
            since=since,
            until=until,
            sort=self.sort.currentData(),
            page_size=self.page_size,
            facets=False,  # the list shows the total only
            exact=self.exact.isChecked(),
        )

    def set_error(self, message: str | None) -> None:
        """Show why the last query failed (e.g. a QuerySyntaxError message), or hide it."""
        self.error.setText(message or "")
        self.error.setVisible(bool(message))
        if message:
            self.names.say("")

    def show_expansions(self, expansions: Sequence[NameExpansion]) -> None:
        """Say under the field what the names in the search shown were also searched as.

        An exact search widens nothing: if the text still holds a name an earlier search
        widened, the line says that names are searched as typed.
        """
        if expansions:
            self._widened = tuple(expansion.typed for expansion in expansions)
            self.names.show_expansions(expansions)
        elif self.exact.isChecked() and any(
            name.casefold() in self.text().casefold() for name in self._widened
        ):
            self.names.say(EXACT_TEXT)
        else:
            self.names.say("")

    def history(self) -> list[str]:
        """Past queries, most recent first."""
        return list(self._history)

    def set_history(self, queries: list[str]) -> None:
        """Restore past queries (most recent first), e.g. from settings."""
        unique: list[str] = []
        for query in (q.strip() for q in queries):
            if query and query not in unique:
                unique.append(query)
        self._history = unique[:HISTORY_LIMIT]
        self._history_model.setStringList(self._history)

    def add_to_history(self, query: str) -> None:
        """Remember ``query`` as the most recent one (done on Enter and on leaving the field)."""
        query = query.strip()
        if not query or (self._history and self._history[0] == query):
            return
        self.set_history([query, *self._history])
        self.history_changed.emit()

    # Behaviour -----------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.field and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() == Qt.Key.Key_Escape and not self._completing():
                if self.field.text():
                    self.field.clear()
                else:
                    self.clear()
                return True
        # Leaving the field after a search keeps it, so history is not only Enter-driven.
        if (
            watched is self.field
            and event.type() == QEvent.Type.FocusOut
            and self._last_emitted is not None
            and self._last_emitted.text == self.text()
        ):
            self.add_to_history(self.text())
        return super().eventFilter(watched, event)

    @contextmanager
    def _quiet(self) -> Iterator[None]:
        """Change the controls without each change starting a search."""
        self._timer.stop()
        controls = (self.field, self.language, self.outlet, self.dates, self.sort, self.exact)
        for widget in (*controls, self.since, self.until):
            widget.blockSignals(True)
        try:
            yield
        finally:
            for widget in (*controls, self.since, self.until):
                widget.blockSignals(False)

    def _completing(self) -> bool:
        popup = self.completer.popup()
        return popup is not None and popup.isVisible()

    def _on_text_edited(self, _text: str) -> None:
        self._timer.start()  # restarting on each key is what debounces

    def _on_text_changed(self, text: str) -> None:
        if not text and not self._timer.isActive():
            self._search_now()

    def _on_return(self) -> None:
        if self._completing():
            return  # the completer's own activation searches
        self.add_to_history(self.text())
        self._search_now(force=True)

    def _on_completion(self, text: str) -> None:
        self.field.setText(text)
        self.add_to_history(text)
        self._search_now(force=True)

    def _on_dates_changed(self) -> None:
        self._show_custom_dates(self.dates.currentData() == CUSTOM_RANGE)
        self._search_now()

    def _show_custom_dates(self, visible: bool) -> None:
        if visible:
            today = _qdate(self._today())
            for edit, value in ((self.since, today.addDays(-7)), (self.until, today)):
                edit.blockSignals(True)
                edit.setDate(value)
                edit.blockSignals(False)
        for widget in (self.since, self.dash, self.until):
            widget.setVisible(visible)

    def _date_range(self) -> tuple[date | None, date | None]:
        days = self.dates.currentData()
        if days is None:
            return None, None
        if days == CUSTOM_RANGE:
            since, until = self.since.date(), self.until.date()
            return date(since.year(), since.month(), since.day()), date(
                until.year(), until.month(), until.day()
            )
        return self._today() - timedelta(days=int(days)), None

    def _search_now(self, *_args: object, force: bool = False) -> None:
        """Emit what the controls describe, unless it is what was just emitted."""
        self._timer.stop()
        request = self.request()
        if request == self._last_emitted and not force:
            return
        self._last_emitted = request
        self.set_error(None)
        if request is None:
            self.names.say("")
            self.search_cleared.emit()
        else:
            self.search_requested.emit(request)


def _choose(combo: QComboBox, value: object, label: Callable[[str], str] = str) -> None:
    """Select ``value`` in ``combo`` (None: its first, "any" entry), adding it if missing."""
    if value is None:
        combo.setCurrentIndex(0)
        return
    found = combo.findData(value)
    if found < 0:
        combo.addItem(label(str(value)), value)
        found = combo.count() - 1
    combo.setCurrentIndex(found)


def _date_edit(tooltip: str) -> QDateEdit:
    edit = QDateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("yyyy-MM-dd")
    edit.setToolTip(tooltip)
    return edit


def _qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)
