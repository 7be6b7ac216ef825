"""The door's methods for running the pipeline's stages one piece at a time: what stage
workers (:mod:`monitor.workers`) do on a team's shared store.

An update in the window or the CLI runs every stage in one go; a worker runs one stage, on
the piece of work its job names (one source to collect, some articles to translate), and
leaves the rest to the other workers. Mixed into :class:`monitor.app.Monitor` like
:mod:`monitor.collection_door`.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from monitor.parts import Parts
    from monitor.store.translations import WaitingArticle
    from monitor.types import Progress, Source


class StagesMethods:
    """One stage at a time, as :class:`~monitor.app.Monitor` methods."""

    _parts: Parts

    @property
    def shared_store(self) -> str | None:
        """The address of the team's shared store this Monitor opened (its password
        included: workers connect with it), or None on a data folder's own SQLite file."""
        return self._parts.store.shared_address

    def due_sources(self) -> list[Source]:
        """The sources due for reading now: their interval has passed and they are not in
        backoff after errors."""
        return self._parts.collector.waiting_sources(due_only=True)

    def collect_iter(
        self, source_ids: Sequence[int], cancel: threading.Event | None = None
    ) -> Iterator[Progress]:
        """Read the named sources and store what is new, without translating or indexing
        it (other workers do)."""
        return self._parts.collector.update_iter(source_ids, cancel=cancel, follow_up=False)

    def untranslated(self) -> list[WaitingArticle]:
        """Waiting articles no run has found untranslatable, in the queue's order: opened by
        a user first, then the newest."""
        return self._parts.translations.unnoted()

    def retry_untranslatable(self) -> int:
        """Try again the articles left untranslated for want of a model (this machine may
        have it); how many there were."""
        return self._parts.translations.clear_notes()

    def use_translation_threads(self, threads: int) -> None:
        """Translate with ``threads`` threads from the next batch on (a worker's choice,
        not saved in the settings)."""
        self._parts.settings = replace(self._parts.settings, translation_threads=threads)

    def translatable_languages(self) -> list[str]:
        """The languages the installed models translate into the target language (directly
        or through a pivot), sorted."""
        from translations.errors import NoRouteError

        engine = self._parts.engine()
        target = self._parts.settings.target_language
        found = []
        for code in sorted({package.from_code for package in engine.packages()} - {target}):
            try:
                engine.route(code, target)
            except NoRouteError:
                continue
            found.append(code)
        return found

    def keep_every_model_loaded(self) -> None:
        """Keep every installed model loaded once used (a translation worker: its jobs come
        in any language, and loading a model again costs up to a second)."""
        installed, _ = self._parts.model_folder.installed()
        self._parts.models_kept = max(2, len(installed))
        self._parts.forget_engine()

    def translate_articles(
        self,
        article_ids: Sequence[int],
        cancel: threading.Event | None = None,
        *,
        headline: bool = False,
    ) -> Iterator[Progress]:
        """Translate those of ``article_ids`` still waiting, whole, their sentences batched
        together; the others (translated meanwhile, or gone) are left. With ``headline``,
        the title and lead of those with no translation yet (stored as a headline)."""
        return self._parts.translation_stage.translate_articles(
            article_ids, cancel or threading.Event(), headline=headline
        )
