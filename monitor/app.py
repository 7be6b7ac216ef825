"""The one construction point of the core: :func:`open_monitor` builds a :class:`Monitor`.

Like lemon24/reader's ``make_reader``: the store, the fetcher and the clock are made here
(or passed in by tests and by the UI), never reached through globals.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import httpx

from indexes.index import SearchIndex
from indexes.types import SearchRequest, SearchResult
from monitor import demo
from monitor.catalog import CATALOG
from monitor.clock import Clock, utc_now
from monitor.errors import OPMLError, SourceError
from monitor.fetch import Fetcher, FetchSettings, LocalDirectoryTransport
from monitor.index_stage import IndexStage
from monitor.opml import parse_opml, write_opml
from monitor.paths import index_dir, models_dir, resolve_data_dir, store_path
from monitor.pipeline import Collector, Stage
from monitor.searching import Finder
from monitor.settings import Settings, load_settings
from monitor.sources import AddedSource, add_source_by_url
from monitor.store import Store
from monitor.store.translations import StoredTranslation, TranslationStore
from monitor.translation_stage import TranslationStage
from monitor.types import (
    Article,
    ArticleState,
    OpmlOutline,
    Outlet,
    Progress,
    Source,
    SourceKind,
    UpdateSummary,
)
from translations.align import translate_documents
from translations.engine import Engine
from translations.packages import PackageFolder
from translations.types import InstallReport, PackageInfo, PackageProblem, SourceDocument


class Monitor:
    """The facade the CLI and the UI use. Not thread-safe: use it from one thread at a time."""

    def __init__(
        self, data_dir: Path, store: Store, fetcher: Fetcher, clock: Clock, settings: Settings
    ) -> None:
        self.data_dir = data_dir
        self.store = store
        self.fetcher = fetcher
        self.clock = clock
        self.settings = settings
        self.translations = TranslationStore(store)
        self.model_folder = PackageFolder(models_dir(data_dir))
        self.model_folder.recover()
        self._engine: Engine | None = None
        self.translation_stage = TranslationStage(
            self.translations, self.engine, target=settings.target_language, clock=clock
        )
        self.index = SearchIndex(index_dir(data_dir))
        self.index_stage = IndexStage(store, self.index)
        self.finder = Finder(store, self.index)
        self.collector = Collector(
            store, fetcher, clock=clock, stages=[self.translation_stage, self.index_stage]
        )

    def engine(self) -> Engine:
        """The translation engine, built on first use (models load only when needed)."""
        if self._engine is None:
            self._engine = Engine(
                self.model_folder, self.settings.translation(), cache=self.translations
            )
        return self._engine

    def close(self) -> None:
        self.fetcher.close()
        self.index.close()
        self.store.close()

    def __enter__(self) -> Monitor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # Sources ---------------------------------------------------------------------------

    def sources(self) -> list[Source]:
        return self.store.sources()

    def add_source(
        self, url: str, *, name: str | None = None, language: str | None = None, check: bool = True
    ) -> AddedSource:
        return add_source_by_url(
            self.store, self.fetcher, self.clock, url, name=name, language=language, check=check
        )

    def remove_source(self, source_id: int) -> Source:
        return self.store.remove_source(source_id)

    def add_outlets(self, outlets: Iterable[Outlet]) -> list[Source]:
        """Follow catalog outlets; ones already followed are left as they are."""
        followed = [self._follow(outlet) for outlet in outlets]
        return [source for source, new in followed if new]

    def _follow(self, outlet: Outlet) -> tuple[Source, bool]:
        """The source for ``outlet``, added if new (and whether it was)."""
        existing = self.store.find_source_by_url(outlet.feed_url)
        if existing is not None:
            return existing, False
        added = self.store.add_source(
            outlet.feed_url,
            kind=SourceKind.FEED,
            name=outlet.name,
            language_hint=outlet.language,
            country=outlet.country,
            homepage=outlet.homepage,
        )
        return added, True

    def catalog(self) -> Sequence[Outlet]:
        return CATALOG

    def import_opml(self, path: Path) -> tuple[list[Source], int]:
        """Follow every feed in an OPML file. Returns the new sources and how many were known."""
        try:
            data = path.read_bytes()
        except OSError as error:
            raise OPMLError(f"cannot read {path}: {error.strerror}") from error
        outlines = parse_opml(data)
        added, known = [], 0
        for outline in outlines:
            if self.store.find_source_by_url(outline.url) is not None:
                known += 1
                continue
            added.append(
                self.store.add_source(
                    outline.url,
                    kind=SourceKind.FEED,
                    name=outline.title or outline.url,
                    language_hint=outline.language,
                    homepage=outline.homepage,
                )
            )
        return added, known

    def export_opml(self, path: Path) -> int:
        feeds = [s for s in self.store.sources() if s.kind is SourceKind.FEED]
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

    def models(self) -> tuple[list[PackageInfo], list[PackageProblem]]:
        """Installed translation packages, and the ones that are broken (with the reason)."""
        return self.model_folder.installed()

    def install_models(self, paths: Iterable[Path]) -> InstallReport:
        """Install ``.argosmodel`` files, or every one in the given folders (a USB stick)."""
        report = self.model_folder.install_many(paths)
        self.engine().forget()
        return report

    def remove_model(self, name: str) -> PackageInfo:
        removed = self.model_folder.remove(name)
        self.engine().forget()
        return removed

    def translate_text(self, text: str, from_code: str, to_code: str | None = None) -> str:
        """Translate plain text (paragraphs kept), e.g. for ``media-monitor translate``."""
        document = SourceDocument(0, "", text, from_code)
        target = to_code or self.settings.target_language
        [result] = translate_documents(self.engine(), [document], target)
        if isinstance(result, tuple):
            raise result[1]
        translated: str = result.text
        return translated

    def translation(self, article_id: int) -> StoredTranslation | None:
        return self.translations.translation(article_id)

    def prioritize(self, article_id: int) -> None:
        """The user opened an untranslated article: translate it next."""
        self.translations.prioritize(article_id)

    def translate_iter(self, cancel: threading.Event | None = None) -> Iterator[Progress]:
        """Translate whatever is waiting, without collecting."""
        return self.translation_stage.run(cancel or threading.Event())

    # Search ----------------------------------------------------------------------------

    def sync_index(self, cancel: threading.Event | None = None) -> Iterator[Progress]:
        """Bring the index up to date with the store (rebuilding it if it was lost)."""
        return self.index_stage.run(cancel or threading.Event())

    def reindex(self, cancel: threading.Event | None = None) -> Iterator[Progress]:
        """Rebuild the index from the store."""
        return self.index_stage.rebuild(cancel or threading.Event())

    def search(self, request: SearchRequest) -> SearchResult:
        """Search originals and translations. The CLI syncs first; the UI syncs in background."""
        return self.finder.search(request)

    def related(self, article_id: int, *, limit: int = 5) -> list[tuple[Article, float]]:
        """The most similar articles from other outlets and languages, near in time."""
        return self.finder.related(article_id, limit=limit)

    def add_stage(self, stage: Stage) -> None:
        """Plug in work that follows collection (translation, indexing)."""
        self.collector.stages.append(stage)

    def update_iter(
        self,
        source_ids: Iterable[int] | None = None,
        *,
        due_only: bool = False,
        cancel: threading.Event | None = None,
    ) -> Iterator[Progress]:
        """Collect, then translate (and, later, index) what is new."""
        return self.collector.update_iter(source_ids, due_only=due_only, cancel=cancel)

    def update(
        self, source_ids: Iterable[int] | None = None, *, cancel: threading.Event | None = None
    ) -> UpdateSummary:
        return self.collector.update(source_ids, cancel=cancel)

    def add_demo_sources(self) -> list[Source]:
        """Follow the bundled demo outlets (served from package data, no network)."""
        return [self._follow(outlet.as_outlet())[0] for outlet in demo.DEMO_OUTLETS]

    # Articles --------------------------------------------------------------------------

    def articles(
        self,
        *,
        source_id: int | None = None,
        language: str | None = None,
        limit: int | None = None,
    ) -> list[Article]:
        return self.store.articles(source_id=source_id, language=language, limit=limit)

    def article(self, article_id: int) -> Article:
        return self.store.article(article_id)

    def pending_articles(self) -> list[Article]:
        return self.store.articles(below_state=ArticleState.DETECTED)


def open_monitor(
    data_dir: str | os.PathLike[str] | None = None,
    *,
    fetch_settings: FetchSettings | None = None,
    transport: httpx.BaseTransport | None = None,
    clock: Clock = utc_now,
) -> Monitor:
    """Open (creating if needed) the collection in ``data_dir`` (see :func:`resolve_data_dir`).

    ``transport`` replaces the network for everything but the bundled demo host.
    """
    directory = resolve_data_dir(data_dir)
    settings = load_settings(directory)
    store = Store(store_path(directory), clock=clock)
    mounts: dict[str, httpx.BaseTransport] = {
        f"https://{demo.DEMO_HOST}": LocalDirectoryTransport(demo.demo_root(), demo.DEMO_HOST)
    }
    try:
        fetcher = Fetcher(
            fetch_settings or FetchSettings(), transport=transport, mounts=mounts, clock=clock
        )
    except BaseException:
        store.close()
        raise
    return Monitor(directory, store, fetcher, clock, settings)


__all__ = ["AddedSource", "Monitor", "SourceError", "open_monitor"]
