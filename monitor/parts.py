"""The core's parts behind :class:`~monitor.app.Monitor`: the store, the fetcher, the index,
the translation models and the pipeline, built on first use.

Only the store is opened at once. The other parts are built the first time something needs
them, and their modules imported then: ``articles list`` reads SQLite and nothing else, so it
starts without paying for httpx, Whoosh or CTranslate2.

This is the core's own wiring. Callers outside the core see only :class:`Monitor`'s methods;
the core's modules that work across parts (watchlists, exports, bundles) take a ``Parts``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from monitor.clock import Clock
from monitor.paths import index_dir, models_dir
from monitor.settings import Settings
from monitor.store import Store

if TYPE_CHECKING:
    from indexes.index import SearchIndex
    from monitor.collect.fetch import Fetcher
    from monitor.collect.pipeline import Collector
    from monitor.index_stage import IndexStage
    from monitor.names.aliases import AliasTable
    from monitor.names.entities import EntityFinder
    from monitor.searching import Finder
    from monitor.translation_stage import TranslationStage
    from monitor.types import WorkerStage
    from translations.engine import Engine
    from translations.packages import PackageFolder
    from translations.types import InstallReport


class Parts:
    """Everything one opened collection is made of. Not thread-safe, like the Monitor."""

    def __init__(
        self,
        data_dir: Path,
        store: Store,
        make_fetcher: Callable[[], Fetcher],
        clock: Clock,
        settings: Settings,
        *,
        interactive: bool = False,
        user_active: Callable[[], bool] | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.interactive = interactive  # the window is open: leave it a core...
        self.user_active = user_active  # ...while its user is working, when this says so
        self.store = store
        self.clock = clock
        self.settings = settings
        self.translations = store.translations
        self._make_fetcher = make_fetcher
        self._fetcher: Fetcher | None = None
        self._model_folder: PackageFolder | None = None
        self._engine: Engine | None = None
        self._translation_stage: TranslationStage | None = None
        self._index: SearchIndex | None = None
        self._index_stage: IndexStage | None = None
        self._finder: Finder | None = None
        self._collector: Collector | None = None
        self._aliases: AliasTable | None = None
        self._aliases_revision = 0
        self._entity_finder: EntityFinder | None = None
        # Models kept loaded (the engine's least recently used goes): two beside the window;
        # a translation worker keeps every one it has, its jobs coming in any language.
        self.models_kept = 2

    # Built on first use ------------------------------------------------------------------

    @property
    def fetcher(self) -> Fetcher:
        if self._fetcher is None:
            self._fetcher = self._make_fetcher()
        return self._fetcher

    @property
    def model_folder(self) -> PackageFolder:
        if self._model_folder is None:
            from translations.packages import PackageFolder

            folder = PackageFolder(models_dir(self.data_dir))
            folder.recover()  # an install or upgrade a crash interrupted is put right first
            self._model_folder = folder
        return self._model_folder

    @property
    def translation_stage(self) -> TranslationStage:
        if self._translation_stage is None:
            from monitor.translation_stage import TranslationStage

            self._translation_stage = TranslationStage(
                self.translations,
                self.engine,
                target=self.settings.target_language,
                clock=self.clock,
                # Headlines are indexed before the rest is translated, so they are searched
                # and the watchlists' matches are translated next.
                after_headlines=lambda cancel: self.index_stage.run(cancel),
                watched=self.watched_articles,
                threads=self.translation_threads,
            )
        return self._translation_stage

    @property
    def index(self) -> SearchIndex:
        if self._index is None:
            from indexes.index import SearchIndex

            self._index = SearchIndex(index_dir(self.data_dir))
        return self._index

    @property
    def index_stage(self) -> IndexStage:
        if self._index_stage is None:
            from monitor.index_stage import IndexStage
            from monitor.stories.grouping import StoryGrouper

            self._index_stage = IndexStage(
                self.store,
                self.index,
                entities=self.entity_finder,
                stories=StoryGrouper(self.store, self.clock),
            )
        return self._index_stage

    def translation_threads(self) -> int:
        """Threads for the next batch: the number the user chose, or automatically every
        core, less one while the window's user is working."""
        working = self.interactive and (self.user_active is None or self.user_active())
        return self.settings.translation(interactive=working).threads

    def watched_articles(self) -> set[int]:
        from monitor.watchlists import watched_ids

        return watched_ids(self)

    def aliases(self) -> AliasTable:
        """The alias table with the user's spellings, read again when one was added, here or
        by another process (the window's threads each have their own parts)."""
        revision = self.store.names.revision()
        if self._aliases is None or revision != self._aliases_revision:
            from monitor.names.aliases import load_table

            self._aliases = load_table(self.store.names.spellings())
            self._aliases_revision = revision
            self._entity_finder = None
        return self._aliases

    def entity_finder(self) -> EntityFinder:
        table = self.aliases()  # first: a newer table drops the finder made from the old one
        if self._entity_finder is None:
            from monitor.names.entities import EntityFinder

            self._entity_finder = EntityFinder(table)
        return self._entity_finder

    @property
    def finder(self) -> Finder:
        if self._finder is None:
            from monitor.searching import Finder

            self._finder = Finder(self.store, self.index, self.aliases)
        return self._finder

    @property
    def collector(self) -> Collector:
        if self._collector is None:
            from monitor.collect.pipeline import Collector

            self._collector = Collector(
                self.store,
                self.fetcher,
                clock=self.clock,
                stages=[self.translation_stage, self.index_stage],
                left_to_workers=self.stages_with_workers,
            )
        return self._collector

    def stages_with_workers(self) -> frozenset[WorkerStage]:
        """The stages that workers run for the team's shared store
        right now: an update here leaves them to the workers. None on a data folder's own
        file."""
        address = self.store.shared_address
        if address is None:
            return frozenset()
        from monitor.workers.presence import stages_with_workers

        return stages_with_workers(address)

    def forget_engine(self) -> None:
        """Build the engine afresh at its next use (its models are let go)."""
        self._engine = None

    def engine(self) -> Engine:
        """The translation engine, built on first use (models load only when needed)."""
        if self._engine is None:
            from translations.engine import Engine

            self._engine = Engine(
                self.model_folder,
                self.settings.translation(interactive=self.interactive),
                max_loaded=self.models_kept,
                cache=self.translations,
            )
        return self._engine

    def install_models(self, paths: Iterable[Path]) -> InstallReport:
        """Install packages; the engine forgets the models it had loaded (one may be upgraded)."""
        report = self.model_folder.install_many(paths)
        self.engine().forget()
        return report

    def close(self) -> None:
        """Close what was built (building nothing)."""
        if self._fetcher is not None:
            self._fetcher.close()
        if self._index is not None:
            self._index.close()
        self.store.close()
