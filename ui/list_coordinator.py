"""What the article list shows, and the marks made on it: the list side of the main window.

The list shows the sidebar's pick (a :class:`~ui.viewdata.ListScope`: everything, an outlet,
a language, the starred articles) or the search bar's search, and with "Unread only" just
the unread ones of either. Rows are loaded on the reader thread; only the answer to the
latest request is shown. Read and starred marks and the "seen" mark of an outlet go to the
writer; the sidebar counts them at once, as if stored, because a long job (an update,
translation) may hold the writer for minutes.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from monitor import Monitor
from monitor.errors import NotFoundError, QueryError
from monitor.types import NameExpansion, SearchRequest
from ui import queries
from ui.article_list import StoryListRow
from ui.tasks import Changes, failure_message
from ui.viewdata import ArticleRow, ListScope, ReaderContent, SourceRow

if TYPE_CHECKING:
    from ui.main_window import MainWindow


class ListCoordinator:
    """Loads the article list for the window and stores the user's marks on articles.

    Attributes:
        scope: what the sidebar picked (shown when there is no search).
        request: the search shown, or ``None``.
        unread_only: whether only unread articles are listed.
    """

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.tasks = window.tasks
        self.scope = ListScope()
        self.request: SearchRequest | None = None
        self.unread_only = False
        self.by_story = False  # the listed articles shown one row per story
        # What the names of a query were also searched as, with the query: the reader marks
        # them too. Kept while the same query is searched again (a reload after indexing
        # reopens the article before the new answer comes).
        self._expanded: tuple[str, tuple[NameExpansion, ...]] = ("", ())
        self.current: int | None = None  # the article in the reader
        self._serial = 0  # the list shows the answer to the latest request only
        # Marks sent to the writer and not yet stored, with the mark's number: read marks
        # (article → read) and seen marks (source → newest article shown).
        self._unsaved_reads: dict[int, tuple[int, bool]] = {}
        self._unsaved_seen: dict[int, tuple[int, int]] = {}
        self._marks = 0

    # What the list shows -----------------------------------------------------------------

    def reload(self) -> None:
        """Load again what the list shows (after a change to it)."""
        if self.request is not None:
            self.search(self.request)
        else:
            self.browse(self.scope)

    def navigate(self, scope: ListScope) -> None:
        """A sidebar pick shows that part of the collection, as in a feed reader: the search
        is cleared, so the search bar never shows a query the list does not apply. An outlet
        picked is seen: what it shows is no longer new."""
        self.window.search_bar.clear(announce=False)
        self.browse(scope)
        if scope.source_id is not None:
            self._mark_seen(scope.source_id)

    def search_cleared(self) -> None:
        """The search was emptied: back to what the sidebar showed before it."""
        self.window.sidebar.show_browsed(self.scope)
        self.browse(self.scope)

    def set_unread_only(self, on: bool) -> None:
        self.unread_only = on
        self.reload()

    def browse(self, scope: ListScope) -> None:
        self.scope = scope
        self.request = None
        serial = self._next()
        unread_only = self.unread_only

        def loaded(rows: list[ArticleRow]) -> None:
            if serial == self._serial:
                self.window.article_list.set_rows(rows)
                self.group_by_story()

        self.tasks.read(
            lambda monitor: queries.article_rows(monitor, scope, unread_only=unread_only),
            success=loaded,
        )

    def search(self, request: SearchRequest) -> None:
        """Search on the reader thread, the index first brought up to date on the writer.

        The sync takes in what another process stored, or joins the one queued after a change.
        While the writer is at other work, the search is answered at once from the index as it
        stands: a long update indexes as it goes (waiting behind it cost 38 s in the UI
        benchmark), and a write that changes articles is followed by its own sync and search.
        """
        window = self.window
        self.request = request
        window.sidebar.show_scope_of(request)
        serial = self._next()
        unread_only = self.unread_only

        def found(result: tuple[list[ArticleRow], int, tuple[NameExpansion, ...]]) -> None:
            if serial != self._serial:
                return  # a newer list was asked for meanwhile
            rows, total, expansions = result
            self._expanded = (request.text, () if request.exact else expansions)
            window.search_bar.set_error(None)
            window.search_bar.show_expansions(expansions)
            window.article_list.set_rows(rows, total=total)
            self.group_by_story()
            said = f"{total} {'match' if total == 1 else 'matches'}" if total else "No matches"
            window.statusBar().showMessage(said, 4000)

        def failed(error: BaseException) -> None:
            if serial != self._serial:
                return
            if isinstance(error, QueryError):  # a query the user can fix: said under the field
                window.search_bar.set_error(str(error))
            else:
                window.show_failure(failure_message(error))

        def run() -> None:
            if serial == self._serial:  # not overtaken while the index was synced
                self.tasks.read(
                    lambda monitor: queries.search_rows(monitor, request, unread_only=unread_only),
                    success=found,
                    failure=failed,
                )

        def unsynced(error: BaseException) -> None:
            # The index is held by another process, say: search it as it stands.
            message = f"The index may be behind: {failure_message(error)}"
            window.statusBar().showMessage(message, 10_000)
            run()

        if self.tasks.busy or (self.tasks.writing and not self.tasks.syncing):
            run()
        else:
            self.tasks.sync_index(success=lambda _: run(), failure=unsynced)

    def set_by_story(self, on: bool) -> None:
        self.by_story = on
        self.group_by_story()

    def group_by_story(self) -> None:
        """With "By story" on, show the listed articles as one row per story (its title, the
        languages and number of its listed articles), found on the reader thread."""
        if not self.by_story:
            return
        rows = self.window.article_list.rows()
        serial = self._serial

        def stories(monitor: Monitor) -> list[StoryListRow]:
            listed: dict[int, list[ArticleRow]] = {}
            for row in rows:
                story_id = monitor.story_of(row.id)
                if story_id is not None:
                    listed.setdefault(story_id, []).append(row)
            shown = []
            for story_id, members in listed.items():
                members.sort(key=lambda r: (r.published is None, r.published))
                languages = tuple(dict.fromkeys(r.language for r in members if r.language))
                title = monitor.story(story_id).title
                shown.append(StoryListRow(story_id, title, languages, len(members)))
            return shown

        def loaded(shown: list[StoryListRow]) -> None:
            if serial == self._serial and self.by_story:
                self.window.article_list.set_story_rows(shown)

        self.tasks.read(stories, success=loaded)

    def _next(self) -> int:
        self._serial += 1
        return self._serial

    # The reader --------------------------------------------------------------------------

    def open_article(self, article_id: int) -> None:
        window = self.window
        self.current = article_id
        terms = self.highlight_terms()

        def loaded(content: ReaderContent) -> None:
            if content.article_id != self.current:
                return  # the user has moved on
            window.reader.show_content(content)
            if content.queue_position is not None:
                self.tasks.write(lambda m: m.prioritize(article_id), changes=Changes.NONE)
                window.translate_waiting()

        def failed(error: BaseException) -> None:
            if not isinstance(error, NotFoundError):
                window.show_failure(failure_message(error))
            elif article_id == self.current:  # removed with its source, say
                self.current = None
                window.reader.show_content(None)

        self.tasks.read(
            lambda monitor: queries.reader_content(monitor, article_id, terms),
            success=loaded,
            failure=failed,
        )
        row = self._row(article_id)
        if row is not None and not row.is_read:
            window.article_list.update_row(replace(row, is_read=True))
            self.set_flags(article_id, read=True)

    def reopen_article(self) -> None:
        """Show the reader's article again (its translation or text changed)."""
        if self.current is not None:
            self.open_article(self.current)

    def highlight_terms(self) -> tuple[str, ...]:
        """The words the reader marks: the query's, and the other forms its names were
        searched as (a Korean article found by "Zelensky" has 젤렌스키 marked)."""
        if self.request is None:
            return ()
        words = Monitor.highlight_words(self.request.text)
        text, expansions = self._expanded
        if text != self.request.text or self.request.exact:
            expansions = ()
        forms = (form for expansion in expansions for form in expansion.forms)
        return tuple(dict.fromkeys((*words, *forms)))

    # Marks -------------------------------------------------------------------------------

    def toggle_star(self) -> None:
        row = self.current_row()
        if row is not None:
            starred = not row.is_starred
            self.window.article_list.update_row(replace(row, is_starred=starred))
            self.set_flags(row.id, starred=starred)

    def toggle_read(self) -> None:
        row = self.current_row()
        if row is not None:
            read = not row.is_read
            self.window.article_list.update_row(replace(row, is_read=read))
            self.set_flags(row.id, read=read)

    def current_row(self) -> ArticleRow | None:
        article_id = self.window.article_list.current_id()
        return None if article_id is None else self._row(article_id)

    def _row(self, article_id: int) -> ArticleRow | None:
        return next((r for r in self.window.article_list.rows() if r.id == article_id), None)

    def set_flags(
        self, article_id: int, *, read: bool | None = None, starred: bool | None = None
    ) -> None:
        """Store a mark on the writer. A read mark is counted in the sidebar at once."""
        mark = self._next_mark()
        if read is not None:
            self._unsaved_reads[article_id] = (mark, read)

        def ended(error: BaseException | None) -> None:
            if self._unsaved_reads.get(article_id, (None, None))[0] == mark:
                del self._unsaved_reads[article_id]
            self._stored(error)

        self.tasks.write(
            lambda monitor: monitor.set_flags(article_id, read=read, starred=starred),
            changes=Changes.FLAGS,
            success=lambda _: ended(None),
            failure=ended,
        )
        if read is not None:
            self.load_counts()  # on the reader, which a long job does not hold

    def _mark_seen(self, source_id: int) -> None:
        """The user looks at the outlet: up to its newest article now, nothing is new. That
        article is read at once, on the reader; the mark waits for the writer."""

        def write(through: int | None) -> None:
            if through is None:
                return  # nothing stored yet: its first articles will all be new
            mark = self._next_mark()
            self._unsaved_seen[source_id] = (mark, through)

            def ended(error: BaseException | None) -> None:
                if self._unsaved_seen.get(source_id, (None, None))[0] == mark:
                    del self._unsaved_seen[source_id]
                self._stored(error)

            self.tasks.write(
                lambda monitor: monitor.mark_source_seen(source_id, through),
                changes=Changes.FLAGS,
                success=lambda _: ended(None),
                failure=ended,
            )
            self.load_counts()

        self.tasks.read(lambda monitor: monitor.newest_article_id(source_id), success=write)

    def _next_mark(self) -> int:
        self._marks += 1
        return self._marks

    def _stored(self, error: BaseException | None) -> None:
        if error is not None:
            self.load_counts()  # the mark was not stored: count without it
            self.window.show_failure(failure_message(error))

    # The sidebar's counts ----------------------------------------------------------------

    def load_counts(self) -> None:
        """Load the outlets and their counts, with the marks not stored yet, on the reader."""
        reads = {article: read for article, (_, read) in self._unsaved_reads.items()}
        seen = {source: through for source, (_, through) in self._unsaved_seen.items()}
        self.tasks.read(
            lambda monitor: queries.sidebar_counts(monitor, unsaved_reads=reads, unsaved_seen=seen),
            success=self._counts_loaded,
        )

    def _counts_loaded(self, counts: tuple[list[SourceRow], int]) -> None:
        rows, starred = counts
        window = self.window
        window.sidebar.set_sources(rows, starred=starred)
        window.search_bar.set_outlets(sorted({row.name for row in rows}))
        window.pages.setCurrentWidget(
            window.welcome if not rows and not self.tasks.busy else window.browser
        )
