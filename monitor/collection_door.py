"""The door's methods for what is made of the collection: watchlists, notes, exports, bundles
and comparisons of one story's coverage.

Mixed into :class:`monitor.app.Monitor` (its one door stays one class; this keeps each module
readable in one sitting). Each method hands the work to its module with the core's
:class:`~monitor.parts.Parts`; callers never see the parts.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from monitor.types import Comparison, Note, NoteColour, NoteSide, SearchRequest

if TYPE_CHECKING:
    from monitor.bundles.format import BundleReport
    from monitor.export import ExportFormat, ExportProgress, PdfRenderer
    from monitor.parts import Parts
    from monitor.store.watchlist_store import WatchFilters, Watchlist
    from monitor.watchlists import WatchlistStatus

BundleProgress = Callable[[int, int], None]


class CollectionMethods:
    """Watchlists, exports, air-gap bundles and comparisons, as :class:`~monitor.app.Monitor`
    methods."""

    _parts: Parts

    # Watchlists ----------------------------------------------------------------------------

    def add_watchlist(
        self,
        name: str,
        query: str,
        filters: WatchFilters | None = None,
        *,
        existing_seen: bool = True,
    ) -> WatchlistStatus:
        """Save a search as a watchlist (see :func:`monitor.watchlists.add_watchlist`)."""
        from monitor import watchlists

        return watchlists.add_watchlist(
            self._parts, name, query, filters, existing_seen=existing_seen
        )

    def remove_watchlist(self, name: str) -> Watchlist:
        from monitor import watchlists

        return watchlists.remove_watchlist(self._parts, name)

    def watchlist(self, name: str) -> Watchlist:
        """The watchlist called ``name`` (any case); NotFoundError names the ones there are."""
        from monitor import watchlists

        return watchlists.get_watchlist(self._parts, name)

    def rename_watchlist(self, name: str, new_name: str) -> Watchlist:
        """Call a watchlist by another name; its matches and counts stay."""
        from monitor import watchlists

        return watchlists.rename_watchlist(self._parts, name, new_name)

    def edit_watchlist(
        self, name: str, query: str, filters: WatchFilters | None = None
    ) -> WatchlistStatus:
        """Give a watchlist another query and filters (see
        :func:`monitor.watchlists.edit_watchlist`); a query that cannot be searched raises
        :class:`~monitor.errors.QueryError` and changes nothing."""
        from monitor import watchlists

        return watchlists.edit_watchlist(self._parts, name, query, filters)

    def watchlists(self) -> list[WatchlistStatus]:
        """Every watchlist with the counts of its last check (no searching: fast)."""
        from monitor import watchlists

        return watchlists.list_watchlists(self._parts)

    def check_watchlists(self, *, sync: bool = True) -> list[WatchlistStatus]:
        """Run every watchlist's search and count its new matches (after each update)."""
        from monitor import watchlists

        return watchlists.check_watchlists(self._parts, sync=sync)

    def mark_watchlist_seen(self, name: str) -> WatchlistStatus:
        from monitor import watchlists

        return watchlists.mark_seen(self._parts, name)

    def watchlist_new_ids(self, name: str) -> list[int]:
        from monitor import watchlists

        return watchlists.new_article_ids(self._parts, name)

    def mute_watchlist(self, name: str, muted: bool = True) -> Watchlist:
        from monitor import watchlists

        return watchlists.set_muted(self._parts, name, muted)

    def timeline(self, request: SearchRequest) -> dict[str, dict[str, int]]:
        """Matches per UTC day per outlet, days ascending."""
        from monitor import watchlists

        return watchlists.timeline(self._parts, request)

    def matching_ids(self, request: SearchRequest) -> list[int]:
        """The ids of every article ``request`` matches, ascending."""
        from monitor import watchlists

        return watchlists.matching_ids(self._parts, request)

    # Notes and highlights ------------------------------------------------------------------

    def notes(self, article_id: int | None = None) -> list[Note]:
        """The article's highlights and notes in the order of its sentences (those whose
        sentence is no longer in the text last), or every note, the latest changed first."""
        if article_id is None:
            return self._parts.store.notes.all()
        self._parts.store.article(article_id)  # NotFoundError for an unknown article
        return self._parts.store.notes.for_article(article_id)

    def mark_sentence(
        self,
        article_id: int,
        sentence: int,
        side: NoteSide = NoteSide.ORIGINAL,
        *,
        colour: NoteColour | None = None,
        text: str | None = None,
    ) -> Note:
        """Highlight the sentence at position ``sentence`` of the article's aligned sentences,
        on ``side``, with the note ``text``; marking it again changes its colour or note
        (``None`` keeps it). The search index hears of a note's text by the change log."""
        return self._parts.store.notes.mark(article_id, sentence, side, colour=colour, text=text)

    def edit_note(
        self, note_id: int, *, colour: NoteColour | None = None, text: str | None = None
    ) -> Note:
        """Change a note's colour or text (``None`` keeps it); "" leaves a plain highlight."""
        return self._parts.store.notes.edit(note_id, colour=colour, text=text)

    def remove_note(self, note_id: int) -> Note:
        """Remove a highlight and its note; returns what was removed."""
        return self._parts.store.notes.remove(note_id)

    # Comparisons ---------------------------------------------------------------------------

    def compare(
        self, article_id: int, *, pinned_ids: Sequence[int] = (), excluded_ids: Sequence[int] = ()
    ) -> Comparison:
        """One story as several outlets told it: ``article_id`` (the base), the pinned articles
        and the most related coverage from other outlets, up to four articles, with who
        published when, who has not covered it, shared terms and sentence vectors.
        ``excluded_ids`` are related articles not to compare. Raises
        :class:`~monitor.errors.NotFoundError` for an unknown ``article_id``; pinned articles
        that are gone are left out. Uses the index as it stands (the CLI syncs it first)."""
        from monitor.compare import compare

        return compare(self._parts, article_id, pinned_ids, excluded_ids)

    # Exports and bundles -------------------------------------------------------------------

    def export_articles(
        self,
        ids: Iterable[int] | None,
        out: Path,
        fmt: str | ExportFormat,
        *,
        pdf_renderer: PdfRenderer | None = None,
        query: str | None = None,
        progress: ExportProgress | None = None,
        cancel: threading.Event | None = None,
    ) -> int:
        """Write articles (all when ``ids`` is None) as CSV, JSON lines, HTML or PDF.

        ``progress(done, total)`` counts the steps; a set ``cancel`` stops the export with
        :class:`~monitor.export.ExportCancelled` and leaves no file behind."""
        from monitor import export

        return export.export_articles(
            self._parts,
            ids,
            out,
            fmt,
            pdf_renderer=pdf_renderer,
            query=query,
            progress=progress,
            cancel=cancel,
        )

    def export_search(
        self,
        request: SearchRequest,
        out: Path,
        fmt: str | ExportFormat,
        *,
        pdf_renderer: PdfRenderer | None = None,
        progress: ExportProgress | None = None,
        cancel: threading.Event | None = None,
    ) -> int:
        """Write every article ``request`` matches (every page), newest first; ``progress``
        and ``cancel`` as for :meth:`export_articles`."""
        from monitor import export

        return export.export_search(
            self._parts,
            request,
            out,
            fmt,
            pdf_renderer=pdf_renderer,
            progress=progress,
            cancel=cancel,
        )

    def starred_article_ids(self) -> list[int]:
        """The ids of the articles the user starred, newest first."""
        from monitor import export

        return export.starred_ids(self._parts)

    def article_count(self) -> int:
        """How many articles the collection holds (what a whole export or bundle carries)."""
        return sum(source.article_count for source in self._parts.store.sources())

    def export_bundle(
        self,
        out: Path,
        *,
        article_ids: Iterable[int] | None = None,
        with_models: bool = False,
        with_watchlists: bool | None = None,
        with_notes: bool = True,
        progress: BundleProgress | None = None,
        cancel: threading.Event | None = None,
    ) -> BundleReport:
        """Write the collection (or the given articles) to an air-gap bundle file, with the
        user's notes on those articles unless ``with_notes`` is False.

        A set ``cancel`` stops the bundle at its next step with
        :class:`~monitor.export.ExportCancelled`; its part file is removed."""
        from monitor.bundles.write import export_bundle
        from monitor.export import ExportCancelled

        def step(done: int, total: int) -> None:
            # The bundle writer removes its part file whatever stops it, this included.
            if cancel is not None and cancel.is_set():
                raise ExportCancelled(out)
            if progress is not None:
                progress(done, total)

        if cancel is not None and cancel.is_set():
            raise ExportCancelled(out)
        return export_bundle(
            self._parts,
            out,
            article_ids=article_ids,
            with_models=with_models,
            with_watchlists=with_watchlists,
            with_notes=with_notes,
            progress=step,
        )

    def import_bundle(
        self, bundle: Path, *, progress: BundleProgress | None = None
    ) -> BundleReport:
        """Merge a bundle into the collection (refused whole if damaged or tampered with)."""
        from monitor.bundles.read import import_bundle

        return import_bundle(self._parts, bundle, progress=progress)
