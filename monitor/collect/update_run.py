"""One update run: the sources' reading in a thread pool, and what it stores and reports.

Made by :meth:`monitor.collect.pipeline.Collector.update_iter` (whose module docstring says
how an update goes); it yields progress, stores every outcome on its own thread, caps the
pages fetched per source, and ends within moments of a cancel.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING

from monitor.collect import cancelling
from monitor.collect.extract_pool import ExtractionPool
from monitor.collect.fetch import next_attempt_after
from monitor.collect.pages import (
    PAGE_RETRY_WINDOW,
    PageOutcome,
    fetch_page,
    keep_own_text,
    next_page_attempt,
)
from monitor.collect.reading import (
    ChannelOutcome,
    FeedOutcome,
    Outcome,
    fetch_feed,
    read_channel_source,
)
from monitor.collect.telegram import ChannelPost
from monitor.collect.zones import AssumedZone, place, zone_for_feed
from monitor.errors import FetchError, MonitorError
from monitor.store import ArticleDraft
from monitor.types import (
    Article,
    ArticleState,
    FeedItem,
    ParsedFeed,
    Progress,
    ProgressKind,
    Source,
    SourceKind,
    SourceReport,
)

if TYPE_CHECKING:
    from monitor.collect.pipeline import Collector

STOPPED_BEFORE_READING = "the update was stopped before this source was read"


def newest_first(article: Article) -> tuple[datetime, int]:
    """Sort key: by published time, an undated item by when it was first seen (a feed's
    undated items are usually its latest), reversed."""
    return (article.published or article.retrieved_at, article.id)


class UpdateRun:
    """One update run: the futures in flight and the reports being built."""

    def __init__(
        self, collector: Collector, sources: list[Source], cancel: threading.Event
    ) -> None:
        self._collector = collector
        self._store = collector._store
        self._sources = sources
        self._addresses = {s.id: s.url for s in sources}  # what the user added
        self._channels = {s.id for s in sources if s.kind is SourceKind.TELEGRAM}
        self._intervals = {s.id: timedelta(minutes=s.update_interval_minutes) for s in sources}
        self._retries = collector._store.page_retries
        self._cancel = cancel
        self._stop = threading.Event()  # set when the run ends: work in the pool gives up
        self._extraction = ExtractionPool()  # processes only for a large update
        self._page_cap = collector._fetcher.settings.pages_per_update
        self._recheck_days = collector._fetcher.settings.recheck_days
        self._rechecks: set[int] = set()  # articles whose stored page is fetched again
        self._reports = {s.id: SourceReport(s.id, s.name) for s in sources}
        self._pages_left = {s.id: 0 for s in sources}
        self._feed_done: set[int] = set()
        self._reported: set[int] = set()  # sources whose SOURCE_FINISHED was yielded
        self._done = 0
        self._total = len(sources)

    def reports(self) -> list[SourceReport]:
        """What the run did to each of its sources, in the order they were given."""
        return [self._reports[s.id] for s in self._sources]

    def progress(self) -> Iterator[Progress]:
        if not self._sources:
            return
        pool = ThreadPoolExecutor(self._collector._workers, "monitor-fetch")
        # Finished work arrives through a queue: waiting on the set of everything pending
        # walks the whole set each time, which grew with the square of an update's size
        # (3.8 ms per article at 10,000 pages in the ingest benchmark, holding the GIL).
        finished: queue.SimpleQueue[Future[Outcome | None]] = queue.SimpleQueue()
        pending: set[Future[Outcome | None]] = set()

        def track(futures: Iterable[Future[Outcome | None]]) -> None:
            for future in futures:
                pending.add(future)
                future.add_done_callback(finished.put)

        try:
            for source in self._sources:
                if self._cancel.is_set():
                    break
                yield Progress(ProgressKind.SOURCE_STARTED, source.id, message=source.name)
                if source.kind is SourceKind.PAGE:
                    track(self._start_page_source(pool, source))
                    continue
                work: Callable[[], Outcome]
                fetcher = self._collector._fetcher
                if source.kind is SourceKind.TELEGRAM:
                    newest = self._store.newest_post_id(source.id)
                    work = partial(read_channel_source, fetcher, source, newest)
                else:
                    work = partial(fetch_feed, fetcher, source)
                track([pool.submit(self._cancellable, work)])
            yield from self._finish_ready_sources()
            while pending and not self._cancel.is_set():
                try:
                    future = finished.get(timeout=cancelling.POLL)
                except queue.Empty:
                    continue
                pending.discard(future)
                outcome = future.result()
                if outcome is None:  # cancelled in the pool: the loop ends at its next turn
                    continue
                if isinstance(outcome, FeedOutcome | ChannelOutcome):
                    if isinstance(outcome, FeedOutcome):
                        yield from self._on_feed(outcome)
                    else:
                        yield from self._on_channel(outcome)
                    # A source that cannot be read now is no time to try its pages again.
                    retry = outcome.error is None
                    track(self._start_pages(pool, outcome.source.id, retry=retry))
                else:
                    yield from self._on_page(outcome)
                yield from self._finish_ready_sources()
        finally:  # done, cancelled, or stopped by an error no source can be blamed for
            # Work in flight ends by itself at its next wait or socket operation and is not
            # waited for; queued work never starts.
            self._stop.set()
            pool.shutdown(wait=not pending, cancel_futures=True)
            self._extraction.close()  # its processes end with the run
        if self._cancel.is_set():
            yield from self._finish_stopped_sources()

    def _cancellable(self, work: Callable[[], Outcome]) -> Outcome | None:
        """Run ``work`` in the pool; ``None`` if the run was cancelled meanwhile."""
        with cancelling.cancelled_by(self._stop):
            try:
                return work()
            except cancelling.Cancelled:
                return None

    def _progress(
        self,
        kind: ProgressKind,
        source_id: int,
        message: str,
        *,
        article_id: int | None = None,
        report: SourceReport | None = None,
    ) -> Progress:
        return Progress(
            kind, source_id, article_id, message, self._done, self._total, report=report
        )

    def _start_page_source(
        self, pool: ThreadPoolExecutor, source: Source
    ) -> set[Future[Outcome | None]]:
        """A page source is its own single article."""
        draft = ArticleDraft(
            source.id,
            None,
            source.url,
            source.name,
            None,
            None,
            None,
            "",
            "",
            source.language_hint,
        )
        if self._store.insert_unless_known(draft)[1]:
            self._bump(source.id, new=1)
        self._feed_done.add(source.id)
        return self._start_pages(pool, source.id, retry=True)

    def _start_pages(
        self, pool: ThreadPoolExecutor, source_id: int, *, retry: bool
    ) -> set[Future[Outcome | None]]:
        """Fetch the pages not yet processed and, with ``retry``, the failed ones now due:
        the newest first, at most the cap; the rest are counted as queued for later."""
        waiting = self._store.articles(source_id=source_id, below_state=ArticleState.DETECTED)
        waiting.sort(key=newest_first, reverse=True)
        if retry:
            now = self._collector._clock()
            due = self._retries.due(source_id, now=now, first_seen_since=now - PAGE_RETRY_WINDOW)
            waiting += sorted(due, key=newest_first, reverse=True)
        # A channel's posts have no pages: keeping their text is quick and needs no network.
        if len(waiting) > self._page_cap and source_id not in self._channels:
            report = self._reports[source_id]
            queued = len(waiting) - self._page_cap
            self._reports[source_id] = replace(report, queued=report.queued + queued)
            waiting = waiting[: self._page_cap]
        if self._recheck_days > 0 and source_id not in self._channels:
            waiting += self._pages_to_recheck(source_id, room=self._page_cap - len(waiting))
        self._pages_left[source_id] += len(waiting)
        self._total += len(waiting)
        fetcher = self._collector._fetcher
        if source_id in self._channels:
            return {
                pool.submit(self._cancellable, partial(keep_own_text, article))
                for article in waiting
            }
        return {
            pool.submit(
                self._cancellable,
                partial(
                    fetch_page,
                    fetcher,
                    article,
                    origin=self._addresses[source_id],
                    extract=self._extraction.extract,
                ),
            )
            for article in waiting
        }

    def _pages_to_recheck(self, source_id: int, *, room: int) -> list[Article]:
        """Stored pages of the last ``recheck_days`` days not checked within the source's
        update interval, newest first, at most ``room``: fetched again for stealth edits."""
        if room <= 0:
            return []
        now = self._collector._clock()
        ids = self._store.post_history.pages_to_recheck(
            source_id,
            first_seen_since=now - timedelta(days=self._recheck_days),
            checked_before=now - self._intervals[source_id],
        )[:room]
        articles = self._store.articles_by_ids(ids)
        articles.sort(key=newest_first, reverse=True)
        self._rechecks.update(article.id for article in articles)
        return articles

    def _on_recheck(self, outcome: PageOutcome) -> Iterator[Progress]:
        """A stored page fetched again: an edit is kept as evidence; a failure changes
        nothing (the stored text stays, no error is recorded on the article)."""
        article = outcome.article
        self._rechecks.discard(article.id)
        edited = False
        if outcome.page is not None:
            edited = self._store.post_history.refresh_page(
                article.id, outcome.text, at=self._collector._clock()
            )
        if edited:
            self._bump(article.source_id, updated=1)
        self._pages_left[article.source_id] -= 1
        self._done += 1
        yield self._progress(
            ProgressKind.STORED,
            source_id=article.source_id,
            article_id=article.id,
            message=f"{article.title}: " + ("edited" if edited else "checked again"),
        )

    def _on_feed(self, outcome: FeedOutcome) -> Iterator[Progress]:
        source = outcome.source
        now = self._collector._clock()
        self._feed_done.add(source.id)
        self._done += 1
        if outcome.error is not None:
            yield self._on_source_failure(source, outcome.error)
            return
        document = outcome.document
        assert document is not None
        self._store.record_success(
            source.id, etag=document.etag, last_modified=document.last_modified, at=now
        )
        if outcome.feed is None:
            self._reports[source.id] = replace(self._reports[source.id], not_modified=True)
            yield self._progress(
                ProgressKind.FETCHED, source_id=source.id, message=f"{source.name}: not modified"
            )
            return
        self._adopt_feed_metadata(source, outcome.feed)
        zone = zone_for_feed(source, outcome.feed)
        for item in outcome.feed.items:
            self._store_item(source, item, outcome.feed, zone)
        yield self._progress(
            ProgressKind.FETCHED,
            source_id=source.id,
            message=f"{source.name}: {len(outcome.feed.items)} items",
        )

    def _on_source_failure(self, source: Source, error: MonitorError) -> Progress:
        now = self._collector._clock()
        failures = source.consecutive_failures + 1
        retry = None
        if isinstance(error, FetchError):
            retry = next_attempt_after(
                failures, error, now, timedelta(minutes=source.update_interval_minutes)
            )
        self._store.record_failure(source.id, error=str(error), at=now, next_attempt_at=retry)
        self._reports[source.id] = replace(self._reports[source.id], error=str(error))
        return self._progress(
            ProgressKind.FAILED, source_id=source.id, message=f"{source.name}: {error}"
        )

    def _on_channel(self, outcome: ChannelOutcome) -> Iterator[Progress]:
        """A channel's new posts become articles; their text is kept by :func:`keep_own_text`
        (no page to fetch), the post id their identity."""
        source = outcome.source
        self._feed_done.add(source.id)
        self._done += 1
        if outcome.error is not None:
            yield self._on_source_failure(source, outcome.error)
            return
        channel = outcome.channel
        assert channel is not None
        self._store.record_success(
            source.id, etag=None, last_modified=None, at=self._collector._clock()
        )
        if source.name == source.url and channel.title:
            self._store.update_source(source.id, name=channel.title)
        now = self._collector._clock()
        for post in channel.posts:
            self._store_post(source, post, now)
        for page in channel.shown:
            self._store.post_history.mark_missing(source.id, page, at=now)
        yield self._progress(
            ProgressKind.FETCHED,
            source_id=source.id,
            message=f"{source.name}: {len(channel.posts)} posts",
        )

    def _store_post(self, source: Source, post: ChannelPost, now: datetime) -> None:
        text = post.article_text
        draft = ArticleDraft(
            source_id=source.id,
            guid=post.guid,
            url=post.url,
            title=post.title,
            author=post.author,
            published=post.published,
            published_offset_minutes=post.published_offset_minutes,
            summary=text,
            feed_content=text,
            language_hint=source.language_hint,
            post_details=post.details_json(),
        )
        article_id, inserted = self._store.insert_unless_known(draft)
        if inserted:
            self._bump(source.id, new=1)
        elif self._store.post_history.refresh_post(article_id, draft, at=now):
            self._bump(source.id, updated=1)

    def _adopt_feed_metadata(self, source: Source, feed: ParsedFeed) -> None:
        """A source added by URL alone takes its name and language from the feed."""
        changes: dict[str, object] = {}
        if source.name == source.url and feed.title:
            changes["name"] = feed.title
        if source.language_hint is None and feed.language_hint:
            changes["language_hint"] = feed.language_hint
        if source.homepage is None and feed.link:
            changes["homepage"] = feed.link
        self._store.update_source(source.id, **changes)

    def _store_item(
        self, source: Source, item: FeedItem, feed: ParsedFeed, zone: AssumedZone
    ) -> None:
        published, offset, assumed = item.published, item.published_offset_minutes, None
        if item.published_zoneless and published is not None:
            placed = place(published, zone)
            published, offset = placed if placed else (None, None)
            assumed = zone.describe() if placed else None
        draft = ArticleDraft(
            source_id=source.id,
            guid=item.guid,
            url=item.url,
            title=item.title or item.url or "(untitled)",
            author=item.author,
            published=published,
            published_offset_minutes=offset,
            summary=item.summary,
            feed_content=item.content,
            language_hint=item.language_hint or feed.language_hint or source.language_hint,
            published_zone=assumed,
            repaired=item.repaired,
        )
        article_id, inserted = self._store.insert_unless_known(draft)
        if inserted:
            self._bump(source.id, new=1)
        elif self._store.refresh_from_feed(article_id, draft):
            self._bump(source.id, updated=1)

    def _on_page(self, outcome: PageOutcome) -> Iterator[Progress]:
        article = outcome.article
        if article.id in self._rechecks:
            yield from self._on_recheck(outcome)
            return
        page = outcome.page
        retry_at = next_page_attempt(
            article,
            outcome.fetch_error,
            self._collector._clock(),
            self._intervals[article.source_id],
        )
        if outcome.is_retry and page is None:
            # Failed again: the article keeps its text and translation, only the error changes.
            assert outcome.error is not None
            self._retries.record_failure(article.id, error=outcome.error, retry_at=retry_at)
        else:
            self._store.save_extraction(outcome, retry_at=retry_at)
        if outcome.error:
            self._bump(article.source_id, failed=1)
        elif outcome.is_retry:
            self._bump(article.source_id, updated=1)
        self._pages_left[article.source_id] -= 1
        self._done += 1
        yield self._progress(
            ProgressKind.STORED,
            source_id=article.source_id,
            article_id=article.id,
            message=f"{article.title} [{outcome.language or '?'}]"
            + (f" — {outcome.error}, kept the feed's text" if outcome.error else ""),
        )

    def _finish_ready_sources(self) -> Iterator[Progress]:
        for source_id in list(self._feed_done):
            if self._pages_left[source_id] == 0:
                self._feed_done.discard(source_id)
                self._reported.add(source_id)
                report = self._reports[source_id]
                yield self._progress(
                    ProgressKind.SOURCE_FINISHED,
                    source_id=source_id,
                    message=report.source_name,
                    report=report,
                )

    def _finish_stopped_sources(self) -> Iterator[Progress]:
        """After a cancel: what each unfinished source got, and what waits for next time."""
        for source in self._sources:
            if source.id in self._reported:
                continue
            report = self._reports[source.id]
            if source.id in self._feed_done:  # its pages not fetched yet wait, with the others
                report = replace(report, queued=report.queued + self._pages_left[source.id])
            else:
                report = replace(report, skipped_reason=STOPPED_BEFORE_READING)
            self._reports[source.id] = report
            self._reported.add(source.id)
            yield self._progress(
                ProgressKind.SOURCE_FINISHED,
                source_id=source.id,
                message=report.source_name,
                report=report,
            )

    def _bump(self, source_id: int, *, new: int = 0, updated: int = 0, failed: int = 0) -> None:
        report = self._reports[source_id]
        self._reports[source_id] = replace(
            report,
            new=report.new + new,
            updated=report.updated + updated,
            failed=report.failed + failed,
        )
