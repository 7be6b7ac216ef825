"""Building what the views show, on the reader thread (each function takes that Monitor)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from monitor import Monitor
from monitor.types import Article, FinishedUpdate, NameExpansion, SearchRequest, SourceKind
from monitor.watchlists import WatchlistStatus, request_for
from ui.viewdata import (
    ArticleRow,
    ListScope,
    ReaderContent,
    SavedSearchRow,
    SourceRow,
    TextSourceKind,
)

LIST_LIMIT = 500


def source_rows(
    monitor: Monitor,
    *,
    unsaved_reads: Mapping[int, bool] | None = None,
    unsaved_seen: Mapping[int, int] | None = None,
) -> list[SourceRow]:
    """The followed outlets with their counts. ``unsaved_reads`` (article → read) and
    ``unsaved_seen`` (source → the newest article the user was shown) are marks on their way
    to the store, counted as if stored: the writer stores them after the long job it may be
    running."""
    unread = monitor.unread_counts()
    new = monitor.new_counts(unsaved_seen)
    if unsaved_reads:
        for article in monitor.articles_with_ids(unsaved_reads):
            read = unsaved_reads[article.id]
            if article.is_read != read:
                unread[article.source_id] = unread.get(article.source_id, 0) + (-1 if read else 1)
    return [
        SourceRow(
            id=source.id,
            name=source.name,
            language=source.language_hint,
            country=source.country,
            url=source.url,
            unread=unread.get(source.id, 0),
            articles=source.article_count,
            error=source.error_state() or None,
            new=new.get(source.id, 0),
            from_channel=source.kind is SourceKind.TELEGRAM,
        )
        for source in monitor.sources()
    ]


def sidebar_counts(
    monitor: Monitor,
    *,
    unsaved_reads: Mapping[int, bool] | None = None,
    unsaved_seen: Mapping[int, int] | None = None,
) -> tuple[list[SourceRow], int]:
    """The outlets with their counts (see :func:`source_rows`) and how many are starred."""
    rows = source_rows(monitor, unsaved_reads=unsaved_reads, unsaved_seen=unsaved_seen)
    return rows, monitor.starred_count()


def saved_search_rows(statuses: list[WatchlistStatus]) -> list[SavedSearchRow]:
    return [
        SavedSearchRow(
            id=status.watchlist.id,
            name=status.name,
            request=request_for(status.watchlist),
            new=status.new_matches,
            muted=status.watchlist.muted,
            error=status.error,
        )
        for status in statuses
    ]


def last_update(monitor: Monitor) -> FinishedUpdate | None:
    return monitor.last_update()


def article_rows(
    monitor: Monitor,
    scope: ListScope | None = None,
    *,
    unread_only: bool = False,
    source_id: int | None = None,
    language: str | None = None,
) -> list[ArticleRow]:
    """The newest articles of ``scope`` (or of ``source_id``/``language``), only the
    unread ones with ``unread_only``."""
    chosen = scope or ListScope(source_id=source_id, language=language)
    articles = monitor.articles(
        source_id=chosen.source_id,
        language=chosen.language,
        starred=chosen.starred,
        unread_only=unread_only,
        limit=LIST_LIMIT,
    )
    titles = monitor.translated_titles(a.id for a in articles)
    channels = monitor.channel_source_ids()
    return [_row(article, titles.get(article.id), channels) for article in articles]


def search_rows(
    monitor: Monitor, request: SearchRequest, *, unread_only: bool = False
) -> tuple[list[ArticleRow], int, tuple[NameExpansion, ...]]:
    """One page of hits as rows (the unread ones only with ``unread_only``), the total count
    of matches, and what each name in the query was also searched as, from the index as it
    stands.

    Only reads: the window syncs the index on the writer thread first (see
    :meth:`ui.list_coordinator.ListCoordinator.search`), the one thread that writes the index.
    """
    result = monitor.search(request)
    channels = monitor.channel_source_ids()
    rows = [
        replace(
            _row(hit.article, hit.title_translated, channels),
            matched_in=hit.matched_in,
            snippet_original=hit.snippet_original,
            snippet_translation=hit.snippet_translation,
        )
        for hit in result.hits
        if not (unread_only and hit.article.is_read)
    ]
    return rows, result.total, result.expansions


def _row(article: Article, translated_title: str | None, channels: frozenset[int]) -> ArticleRow:
    """``channels`` are the ids of the Telegram sources, read once for the whole page."""
    return ArticleRow(
        id=article.id,
        title=article.title,
        title_translated=translated_title,
        outlet=article.source_name,
        language=article.language,
        published=article.published,
        is_read=article.is_read,
        is_starred=article.is_starred,
        from_channel=article.source_id in channels,
        edited=article.edits > 0,
        deleted=article.deleted_since is not None,
    )


def reader_content(
    monitor: Monitor, article_id: int, highlight_terms: tuple[str, ...] = ()
) -> ReaderContent:
    article = monitor.article(article_id)
    translation = monitor.translation(article_id)
    queue_position = None
    whole = translation is not None and translation.complete
    if not whole and article.translation_note is None:
        queue_position = monitor.queue_position(article_id)
    translated = translation is not None and translation.by_model
    return ReaderContent(
        article_id=article.id,
        title=article.title,
        title_translated=translation.title if translation and translated else None,
        outlet=article.source_name,
        author=article.author,
        published=article.published,
        published_offset_minutes=article.published_offset_minutes,
        url=article.url,
        language=article.language,
        target_language=monitor.target_language(),
        text_origin=TextSourceKind(article.text_origin.value),
        model=translation.route if translation and translated else None,
        degenerate=bool(translation and translation.degenerate),
        sentences=translation.sentences if translation and translated else (),
        original_text=article.text,
        untranslated_note=article.translation_note,
        queue_position=queue_position,
        highlight_terms=highlight_terms,
        published_zone=article.published_zone,
        versions=tuple(monitor.article_versions(article.id)) if article.edits else (),
        edited_at=article.edited_at,
        deleted_since=article.deleted_since,
        post=monitor.post_details(article.id) if article.guid else None,
        entities=tuple(monitor.article_entities(article.id)),
    )
