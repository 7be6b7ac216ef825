"""The one construction point of the core: :func:`open_monitor` builds a :class:`Monitor`.

Like lemon24/reader's ``make_reader``: the store, the fetcher and the clock are made here
(or passed in by tests and by the UI), never reached through globals.

Only the store is opened at once. The other parts — the fetcher (httpx), the search index
(Whoosh), the translation models, the collection pipeline — are built the first time a method
needs them, and their modules imported then: ``articles list`` reads SQLite and nothing else,
so it starts without paying for the libraries it never calls.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from monitor.clock import Clock, utc_now
from monitor.collection_door import CollectionMethods
from monitor.errors import (
    ConfigError,
    MonitorError,
    OPMLError,
    SourceError,
)
from monitor.models_door import ModelsMethods
from monitor.names_door import NamesMethods
from monitor.parts import Parts
from monitor.paths import resolve_data_dir, store_path
from monitor.settings import Settings, checked_store, load_settings, save_settings
from monitor.stages_door import StagesMethods
from monitor.store import Store
from monitor.store.translations import StoredTranslation
from monitor.stories_door import StoriesMethods
from monitor.types import (
    Article,
    ArticleState,
    ArticleVersion,
    FinishedUpdate,
    FoundPage,
    OpmlOutline,
    Outlet,
    PostDetails,
    Progress,
    ProgressKind,
    Source,
    SourceKind,
    UpdateSummary,
)
from monitor.users import USER_VARIABLE, resolve_user

if TYPE_CHECKING:
    import httpx

    from indexes.types import IndexMatch, SearchRequest
    from monitor.collect.fetch import Fetcher, FetchSettings
    from monitor.collect.pipeline import Stage
    from monitor.sources.adding import AddedSource
    from monitor.sources.opml import OpmlImport


class Monitor(CollectionMethods, ModelsMethods, NamesMethods, StagesMethods, StoriesMethods):
    """The facade the CLI and the UI use. Not thread-safe: use it from one thread at a time.

    Its parts (``fetcher``, ``index``, ``collector``, …) are built on first use; closing a
    Monitor closes the parts that were built and builds none.
    """

    def __init__(self, parts: Parts) -> None:
        self._parts = parts

    def close(self) -> None:
        self._parts.close()

    @property
    def user(self) -> str:
        """Whose read and starred marks, notes and watchlists these are (see
        :mod:`monitor.users`); ``""``: the one user of the data folder's own store."""
        return self._parts.store.user

    def __enter__(self) -> Monitor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # Sources ---------------------------------------------------------------------------

    def sources(self) -> list[Source]:
        return self._parts.store.sources()

    def channel_source_ids(self) -> frozenset[int]:
        """The ids of the followed Telegram channels, for marking their articles in a list."""
        return self._parts.store.source_ids_of_kind(SourceKind.TELEGRAM)

    def add_source(
        self, url: str, *, name: str | None = None, language: str | None = None, check: bool = True
    ) -> AddedSource:
        from monitor.sources.adding import add_source_by_url

        return add_source_by_url(
            self._parts.store,
            self._parts.fetcher,
            self._parts.clock,
            url,
            name=name,
            language=language,
            check=check,
        )

    def remove_source(self, source_id: int) -> Source:
        return self._parts.store.remove_source(source_id)

    def add_outlets(self, outlets: Iterable[Outlet]) -> list[Source]:
        """Follow catalog outlets; ones already followed are left as they are."""
        followed = [self._follow(outlet) for outlet in outlets]
        return [source for source, new in followed if new]

    def _follow(self, outlet: Outlet) -> tuple[Source, bool]:
        """The source for ``outlet``, added if new (and whether it was)."""
        existing = self._parts.store.find_source_by_url(outlet.feed_url)
        if existing is not None:
            return existing, False
        added = self._parts.store.add_source(
            outlet.feed_url,
            kind=outlet.kind,
            name=outlet.name,
            language_hint=outlet.language,
            country=outlet.country,
            homepage=outlet.homepage,
        )
        return added, True

    def catalog(self) -> Sequence[Outlet]:
        from monitor.sources.catalog import CATALOG

        return CATALOG

    def import_opml(self, path: Path) -> OpmlImport:
        """Follow every feed in an OPML file; the report says what was imported, what was
        skipped and why, and whether the file had to be mended first."""
        from monitor.sources.opml import import_opml_file

        return import_opml_file(self._parts.store, path)

    def export_opml(self, path: Path) -> int:
        from monitor.sources.opml import write_opml

        feeds = [s for s in self._parts.store.sources() if s.kind is SourceKind.FEED]
        outlines = [OpmlOutline(s.url, s.name, s.language_hint, s.homepage) for s in feeds]
        data = write_opml(outlines, "Media Monitor sources")
        temporary = path.with_name(path.name + ".part")
        try:
            temporary.write_bytes(data)
            os.replace(temporary, path)
        except OSError as error:
            raise OPMLError(f"cannot write {path}: {error.strerror}") from error
        return len(outlines)

    # Updates ---------------------------------------------------------------------------

    # Translation -----------------------------------------------------------------------

    def translation(self, article_id: int) -> StoredTranslation | None:
        return self._parts.translations.translation(article_id)

    def prioritize(self, article_id: int) -> None:
        """The user opened an untranslated article: translate it next."""
        self._parts.translations.prioritize(article_id)

    def translate_iter(self, cancel: threading.Event | None = None) -> Iterator[Progress]:
        """Translate whatever is waiting, without collecting; on a shared store whose
        translation workers are running, leave it to them (one LEFT_TO_WORKERS step)."""
        stage = self._parts.translation_stage
        if stage.worker_stage in self._parts.stages_with_workers():
            return iter([Progress(ProgressKind.LEFT_TO_WORKERS, message=stage.worker_stage)])
        return stage.run(cancel or threading.Event())

    # Search ----------------------------------------------------------------------------

    def sync_index(self, cancel: threading.Event | None = None) -> Iterator[Progress]:
        """Bring the index up to date with the store (rebuilding it if it was lost)."""
        return self._parts.index_stage.run(cancel or threading.Event())

    def reindex(self, cancel: threading.Event | None = None) -> Iterator[Progress]:
        """Rebuild the index from the store."""
        return self._parts.index_stage.rebuild(cancel or threading.Event())

    def search(self, request: SearchRequest) -> FoundPage:
        """One page of articles matching ``request`` in their originals or translations, read
        once with their translated titles. Raises :class:`QueryError` for a query the user can
        fix. Searches the index as it stands: the CLI syncs it first, the window's writer keeps
        it in step."""
        return self._parts.finder.search(request)

    def matches(self, request: SearchRequest) -> list[IndexMatch]:
        """Every article ``request`` matches, paging ignored (watchlists, timelines, exports)."""
        return self._parts.finder.matches(request)

    @staticmethod
    def highlight_words(query: str) -> tuple[str, ...]:
        """The words of ``query`` to mark in an article it found (as the search read them)."""
        from indexes.query import highlight_words

        return highlight_words(query)

    def related(self, article_id: int, *, limit: int = 5) -> list[tuple[Article, float]]:
        """The most similar articles from other outlets and languages, near in time."""
        return self._parts.finder.related(article_id, limit=limit)

    def add_stage(self, stage: Stage) -> None:
        """Plug in work that follows collection (translation, indexing)."""
        self._parts.collector.stages.append(stage)

    def update_iter(
        self,
        source_ids: Iterable[int] | None = None,
        *,
        due_only: bool = False,
        cancel: threading.Event | None = None,
    ) -> Iterator[Progress]:
        """Collect, then translate (and, later, index) what is new."""
        return self._parts.collector.update_iter(source_ids, due_only=due_only, cancel=cancel)

    def update(
        self, source_ids: Iterable[int] | None = None, *, cancel: threading.Event | None = None
    ) -> UpdateSummary:
        return self._parts.collector.update(source_ids, cancel=cancel)

    def last_update(self) -> FinishedUpdate | None:
        """The latest update of sources that ran to its end (``None`` before the first)."""
        return self._parts.store.last_update()

    def add_demo_sources(self) -> list[Source]:
        """Follow the bundled demo outlets (served from package data, no network)."""
        from monitor import demo

        return [self._follow(outlet.as_outlet())[0] for outlet in demo.DEMO_OUTLETS]

    # Articles --------------------------------------------------------------------------

    def articles(
        self,
        *,
        source_id: int | None = None,
        language: str | None = None,
        starred: bool = False,
        unread_only: bool = False,
        limit: int | None = None,
    ) -> list[Article]:
        """Articles newest first, of one source or language if given; ``starred`` and
        ``unread_only`` keep only the starred, or the unread, ones."""
        return self._parts.store.articles(
            source_id=source_id,
            language=language,
            starred=starred,
            unread_only=unread_only,
            limit=limit,
        )

    def article(self, article_id: int) -> Article:
        return self._parts.store.article(article_id)

    def post_details(self, article_id: int) -> PostDetails | None:
        """What a Telegram post has beyond its text (views, forward, reply, media); ``None``
        for an article from a feed or a page."""
        return self._parts.store.post_details(article_id)

    def article_versions(self, article_id: int) -> list[ArticleVersion]:
        """Every text an article (a Telegram post) has had, oldest first, each with when it
        was first seen; the current text last. One version unless the post was edited."""
        return self._parts.store.post_history.versions(article_id)

    def pending_articles(self) -> list[Article]:
        return self._parts.store.articles(below_state=ArticleState.DETECTED)

    def articles_with_ids(self, article_ids: Iterable[int]) -> list[Article]:
        """The stored articles among ``article_ids``, in one read (missing ids are skipped)."""
        return self._parts.store.articles_by_ids(list(article_ids))

    def translated_titles(self, article_ids: Iterable[int]) -> dict[int, str]:
        """The machine-translated titles of those of ``article_ids`` a model translated."""
        return self._parts.translations.machine_titles(article_ids)

    def unread_counts(self) -> dict[int, int]:
        """Unread articles per source id (sources with none are absent)."""
        return self._parts.store.unread_counts()

    def set_flags(
        self, article_id: int, *, read: bool | None = None, starred: bool | None = None
    ) -> None:
        """The user's own marks on an article: read or not, starred or not."""
        self._parts.store.set_flags(article_id, read=read, starred=starred)

    def mark_read(
        self,
        *,
        source_id: int | None = None,
        language: str | None = None,
        request: SearchRequest | None = None,
        starred: bool = False,
        older_than: timedelta | None = None,
    ) -> int:
        """Mark read every unread article in the scope (all, when nothing narrows it): of
        ``source_id``, in ``language``, matching ``request`` (every page; the index is synced
        first), starred, published more than ``older_than`` ago. One statement, however many
        articles; returns how many were marked. Seen marks are left as they are."""
        if older_than is not None and older_than < timedelta(0):
            raise MonitorError("the age of articles to mark read cannot be negative")
        ids = None
        if request is not None:
            for _ in self.sync_index():
                pass
            ids = self.matching_ids(request)
        return self._parts.store.mark_read(
            source_id=source_id,
            language=language,
            article_ids=ids,
            starred=starred,
            published_before=None if older_than is None else self._parts.clock() - older_than,
        )

    def mark_source_seen(self, source_id: int, through: int | None = None) -> None:
        """The user looked at the source: what it held up to article ``through`` (by default,
        all it holds now) is no longer new. Read marks are left as they are."""
        self._parts.store.mark_source_seen(source_id, through)

    def newest_article_id(self, source_id: int) -> int | None:
        """The source's newest article: pass it to :meth:`mark_source_seen` for a view of the
        source read now and stored later (the writer may be busy with an update)."""
        return self._parts.store.newest_article_id(source_id)

    def new_counts(self, assume_seen: Mapping[int, int] | None = None) -> dict[int, int]:
        """Articles per source id that arrived since the user last looked at the source
        (sources with none are absent); ``assume_seen`` counts marks not stored yet."""
        return self._parts.store.new_counts(assume_seen)

    def starred_count(self) -> int:
        return self._parts.store.starred_count()

    def edit_source(self, source_id: int, *, name: str, update_interval_minutes: int) -> None:
        """What the user may change of a followed source: its name and how often it is read."""
        self._parts.store.update_source(
            source_id, name=name, update_interval_minutes=update_interval_minutes
        )

    def set_source_time_zone(self, source_id: int, zone: str | None) -> int:
        """The zone of the times the source writes without one (``None``: worked out as
        usual); its articles' assumed times are placed again. Returns how many moved."""
        from monitor.collect.zones import place_again

        return place_again(self._parts.store, self._parts.store.source(source_id), zone)

    def queue_position(self, article_id: int) -> int | None:
        """Where the article waits for translation (1: next), ``None`` if it does not."""
        return self._parts.translations.queue_position(article_id)

    def waiting_by_language(self) -> dict[str | None, int]:
        """Articles waiting for translation, per language."""
        return self._parts.translations.waiting_by_language()

    # Settings --------------------------------------------------------------------------

    def target_language(self) -> str:
        """The language articles are translated into."""
        return self._parts.settings.target_language

    def saved_settings(self) -> Settings:
        """The settings as saved now in the data folder (perhaps changed since opening)."""
        return load_settings(self._parts.data_dir)

    def save_settings(self, settings: Settings) -> None:
        """Save ``settings`` in the data folder; they take effect when it is next opened."""
        try:
            save_settings(self._parts.data_dir, settings)
        except OSError as error:
            raise ConfigError(
                f"cannot write the settings in {self._parts.data_dir}: {error.strerror}"
            ) from error


# A shared store for every command of this shell or service (as --store gives one command).
STORE_VARIABLE = "MEDIA_MONITOR_STORE"


def open_monitor(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    fetch_settings: FetchSettings | None = None,
    transport: httpx.BaseTransport | None = None,
    clock: Clock = utc_now,
    interactive: bool = False,
    user_active: Callable[[], bool] | None = None,
    store: str | None = None,
    user: str | None = None,
) -> Monitor:
    """Open (creating if needed) the collection in ``data_dir`` (see :func:`resolve_data_dir`).

    ``transport`` replaces the network for everything but the bundled demo host. The fetcher
    is made from these when the Monitor first needs one. ``interactive``: opened for the
    window, which automatic translation threads leave a core, while ``user_active()`` says
    its user is working (always, without it). ``store``: a team's shared store
    ("postgresql://…"; else $MEDIA_MONITOR_STORE, else the data folder's setting, by default
    its own SQLite file);
    the search index and the settings stay in the data folder. ``user``: whose marks, notes
    and watchlists are read and written (else $MEDIA_MONITOR_USER, else the setting, else
    the login name on a shared store and the single user on the folder's own file; see
    :mod:`monitor.users`).
    """
    directory = resolve_data_dir(data_dir)
    settings = load_settings(directory)
    location = store or os.environ.get(STORE_VARIABLE) or settings.store
    checked_store(location)
    name = resolve_user(user, os.environ.get(USER_VARIABLE), settings.user, shared=bool(location))
    opened = Store(location or store_path(directory), clock=clock, user=name)

    def make_fetcher() -> Fetcher:
        from monitor import demo
        from monitor.collect.fetch import Fetcher, FetchSettings, LocalDirectoryTransport

        mounts: dict[str, httpx.BaseTransport] = {
            f"https://{demo.DEMO_HOST}": LocalDirectoryTransport(demo.demo_root(), demo.DEMO_HOST)
        }
        # How far back a channel is read and which pages are read again are the user's
        # choices (settings.json); the rest of the fetcher's manners are the caller's.
        chosen = replace(
            fetch_settings or FetchSettings(),
            telegram_pages_back=settings.telegram_pages_back,
            recheck_days=settings.recheck_days,
        )
        return Fetcher(chosen, transport=transport, mounts=mounts, clock=clock)

    parts = Parts(
        directory,
        opened,
        make_fetcher,
        clock,
        settings,
        interactive=interactive,
        user_active=user_active,
    )
    return Monitor(parts)


__all__ = ["AddedSource", "Monitor", "SourceError", "open_monitor"]


def __getattr__(name: str) -> Any:
    # AddedSource is exported here for the facade's callers; its module is imported on demand.
    if name == "AddedSource":
        from monitor.sources.adding import AddedSource

        return AddedSource
    raise AttributeError(f"module 'monitor.app' has no attribute {name!r}")
