"""The collection pipeline: feeds → items → pages → main text → language → store.

:meth:`Collector.update_iter` is a generator that yields :class:`Progress` and checks a cancel
flag between steps; it does not know who is watching (a CLI progress bar, a Qt worker).
Network and CPU work (fetch, decode, parse, extract, detect) runs in a small thread pool;
every write to the store happens on the generator's own thread, one short transaction per
step, so a killed run keeps everything committed and the next run resumes the rest: articles
left below ``DETECTED`` are picked up again whatever their feed says. Pages that failed for a
passing reason are asked for again when their source is next read (see
:mod:`monitor.collect.pages`).

One update fetches at most ``FetchSettings.pages_per_update`` article pages per source, the
newest first: a feed with two thousand new items on one polite host would otherwise hold the
update for half an hour. The rest stay stored with their feed's text (``FETCHED``), counted
in the source's report as ``queued``, and are fetched by the next updates, newest first.

A cancel ends the run within moments: nothing more is started, queued work is dropped, and
work in flight is abandoned, not waited for; it notices the cancel by itself at its next
politeness wait or socket operation (see :mod:`monitor.collect.cancelling`) and its outcome
is never stored. Sources not finished when the cancel came get a report all the same, saying
what was kept and how many pages wait.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import partial
from typing import Protocol

from monitor.clock import Clock, utc_now
from monitor.collect import cancelling
from monitor.collect.feeds import parse_feed
from monitor.collect.fetch import Fetcher, next_attempt_after
from monitor.collect.pages import (
    PAGE_RETRY_WINDOW,
    PageOutcome,
    fetch_page,
    keep_own_text,
    next_page_attempt,
)
from monitor.collect.telegram import ChannelPost, ChannelRead, channel_name, read_channel
from monitor.collect.zones import AssumedZone, place, zone_for_feed
from monitor.dependencies import COLLECTION, require
from monitor.errors import FetchError, MonitorError
from monitor.store import ArticleDraft, Store
from monitor.types import (
    Article,
    ArticleState,
    FeedItem,
    FetchedDocument,
    FinishedUpdate,
    ParsedFeed,
    Progress,
    ProgressKind,
    Source,
    SourceKind,
    SourceReport,
    UpdateSummary,
)

_log = logging.getLogger(__name__)

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9,"
    " application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5"
)


class Stage(Protocol):
    """Work that follows collection (translation, indexing): later layers plug in here."""

    def run(self, cancel: threading.Event) -> Iterator[Progress]:
        """Process whatever is pending, yielding progress; stop soon after ``cancel`` is set."""
        ...


@dataclass(frozen=True, slots=True)
class _FeedOutcome:
    source: Source
    document: FetchedDocument | None
    feed: ParsedFeed | None
    error: MonitorError | None


@dataclass(frozen=True, slots=True)
class _ChannelOutcome:
    source: Source
    channel: ChannelRead | None
    error: MonitorError | None


_Outcome = _FeedOutcome | _ChannelOutcome | PageOutcome
STOPPED_BEFORE_READING = "the update was stopped before this source was read"


def _newest_first(article: Article) -> tuple[datetime, int]:
    """Sort key: by published time, an undated item by when it was first seen (a feed's
    undated items are usually its latest), reversed."""
    return (article.published or article.retrieved_at, article.id)


class Collector:
    """Runs updates of sources into a store."""

    def __init__(
        self,
        store: Store,
        fetcher: Fetcher,
        *,
        clock: Clock = utc_now,
        workers: int = 4,
        stages: Sequence[Stage] = (),
    ) -> None:
        self._store = store
        self._fetcher = fetcher
        self._clock = clock
        self._workers = workers
        self.stages = list(stages)

    def update(
        self,
        source_ids: Iterable[int] | None = None,
        *,
        due_only: bool = False,
        cancel: threading.Event | None = None,
        on_progress: Callable[[Progress], None] | None = None,
    ) -> UpdateSummary:
        """Run :meth:`update_iter` to the end and return its summary."""
        reports: list[SourceReport] = []
        cancel = cancel or threading.Event()
        for progress in self.update_iter(source_ids, due_only=due_only, cancel=cancel):
            if progress.report is not None:
                reports.append(progress.report)
            if on_progress is not None:
                on_progress(progress)
        return UpdateSummary(tuple(reports), cancelled=cancel.is_set())

    def update_iter(
        self,
        source_ids: Iterable[int] | None = None,
        *,
        due_only: bool = False,
        cancel: threading.Event | None = None,
    ) -> Iterator[Progress]:
        """Update the named sources (all when ``None``), then run the follow-up stages.

        Named sources are fetched now whatever their schedule; otherwise a source in backoff
        after errors waits for its next attempt, and with ``due_only`` a source is skipped
        until its update interval has passed.
        """
        cancel = cancel or threading.Event()
        # A missing part of the install stops the update before anything is stored: it must
        # not be recorded as every page lacking text.
        require(COLLECTION)
        sources = self._select(source_ids, due_only=due_only)
        run = _Run(self, sources, cancel)
        yield from run.progress()
        if sources and not cancel.is_set():
            summary = UpdateSummary(tuple(run.reports()))
            self._store.record_update(FinishedUpdate.of(summary, self._clock()))
        for stage in self.stages:
            if cancel.is_set():
                return
            yield from stage.run(cancel)

    def _select(self, source_ids: Iterable[int] | None, *, due_only: bool) -> list[Source]:
        if source_ids is not None:
            return [self._store.source(source_id) for source_id in source_ids]
        now = self._clock()
        chosen = []
        for source in self._store.sources():
            if source.next_attempt_at and source.next_attempt_at > now:
                continue
            interval = timedelta(minutes=source.update_interval_minutes)
            if due_only and source.last_checked and source.last_checked + interval > now:
                continue
            chosen.append(source)
        return chosen

    # Work done in the pool: no store access here.

    def _fetch_feed(self, source: Source) -> _Outcome:
        try:
            document = self._fetcher.fetch(
                source.url,
                etag=source.etag,
                last_modified=source.last_modified,
                accept=FEED_ACCEPT,
            )
            if document.not_modified:
                return _FeedOutcome(source, document, None, None)
            feed = parse_feed(
                document.content, url=document.url, content_type=document.content_type
            )
            return _FeedOutcome(source, document, feed, None)
        except MonitorError as error:
            return _FeedOutcome(source, None, None, error)
        except Exception as bug:  # a bug must cost one source, not the whole update
            cancelling.check()  # the fetcher closed under a cancelled update is no bug
            _log.exception("unexpected error while reading %s", source.url)
            return _FeedOutcome(source, None, None, MonitorError(f"unexpected error: {bug!r}"))

    def _read_channel(self, source: Source, newest_known: int | None) -> _Outcome:
        name = channel_name(source.url)
        try:
            if name is None:
                raise MonitorError(f"{source.url} does not name a Telegram channel")
            channel = read_channel(self._fetcher, name, newest_known=newest_known)
            return _ChannelOutcome(source, channel, None)
        except MonitorError as error:
            return _ChannelOutcome(source, None, error)
        except Exception as bug:  # a bug must cost one source, not the whole update
            cancelling.check()
            _log.exception("unexpected error while reading %s", source.url)
            return _ChannelOutcome(source, None, MonitorError(f"unexpected error: {bug!r}"))


class _Run:
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
        self._page_cap = collector._fetcher.settings.pages_per_update
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
        finished: queue.SimpleQueue[Future[_Outcome | None]] = queue.SimpleQueue()
        pending: set[Future[_Outcome | None]] = set()

        def track(futures: Iterable[Future[_Outcome | None]]) -> None:
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
                elif source.kind is SourceKind.TELEGRAM:
                    newest = self._store.newest_post_id(source.id)
                    work = partial(self._collector._read_channel, source, newest)
                    track([pool.submit(self._cancellable, work)])
                else:
                    work = partial(self._collector._fetch_feed, source)
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
                if isinstance(outcome, _FeedOutcome | _ChannelOutcome):
                    if isinstance(outcome, _FeedOutcome):
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
        if self._cancel.is_set():
            yield from self._finish_stopped_sources()

    def _cancellable(self, work: Callable[[], _Outcome]) -> _Outcome | None:
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
    ) -> set[Future[_Outcome | None]]:
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
    ) -> set[Future[_Outcome | None]]:
        """Fetch the pages not yet processed and, with ``retry``, the failed ones now due:
        the newest first, at most the cap; the rest are counted as queued for later."""
        waiting = self._store.articles(source_id=source_id, below_state=ArticleState.DETECTED)
        waiting.sort(key=_newest_first, reverse=True)
        if retry:
            now = self._collector._clock()
            due = self._retries.due(source_id, now=now, first_seen_since=now - PAGE_RETRY_WINDOW)
            waiting += sorted(due, key=_newest_first, reverse=True)
        # A channel's posts have no pages: keeping their text is quick and needs no network.
        if len(waiting) > self._page_cap and source_id not in self._channels:
            report = self._reports[source_id]
            queued = len(waiting) - self._page_cap
            self._reports[source_id] = replace(report, queued=report.queued + queued)
            waiting = waiting[: self._page_cap]
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
                partial(fetch_page, fetcher, article, origin=self._addresses[source_id]),
            )
            for article in waiting
        }

    def _on_feed(self, outcome: _FeedOutcome) -> Iterator[Progress]:
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

    def _on_channel(self, outcome: _ChannelOutcome) -> Iterator[Progress]:
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
        for post in channel.posts:
            self._store_post(source, post)
        yield self._progress(
            ProgressKind.FETCHED,
            source_id=source.id,
            message=f"{source.name}: {len(channel.posts)} posts",
        )

    def _store_post(self, source: Source, post: ChannelPost) -> None:
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
        elif self._store.refresh_from_feed(article_id, draft):
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
