"""The labelled set in a real data folder: stored as collection stores articles (one source
per outlet, each article with its publication time), indexed by the app's own stage, and,
for the second run, translated by tiny real Argos packages whose glossaries turn each
language's template words and entity forms into the English template's words.

Storing and translating go through the same test-support parts as :mod:`bench.names`; the
index sync and translation run are :mod:`bench.names.collection`'s.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from bench.names.collection import sync, translate
from bench.stories.dataset import Article
from bench.stories.events import EVENTS, NATIVE, entity_forms, templates
from monitor import Monitor
from monitor.store.store import ArticleDraft
from monitor.types import SourceKind
from tests.support.argos_factory import build_package
from tests.support.extraction import page_outcome
from tests.support.inside import parts

__all__ = ["check_door", "glossaries", "install_translation", "store_articles", "sync", "translate"]

_SLUG = re.compile(r"[^a-z0-9]+")
_MONTHS = {"ru": [("октября", "October")], "uk": [("жовтня", "October")]}
_WORD = re.compile(r"[\w'’-]+")


def check_door(monitor: Monitor) -> None:
    """Fail with a clear message if the app has no story grouping yet."""
    missing = [name for name in ("group_stories", "story_of") if not hasattr(monitor, name)]
    if missing:
        raise RuntimeError(
            "stories benchmark: Monitor has no "
            + " or ".join(f"{name}()" for name in missing)
            + " yet: story grouping (monitor/stories/) must offer "
            "list(monitor.group_stories()) and monitor.story_of(article_id) -> int | None"
        )


class Sources:
    """One feed source per outlet, made on first use."""

    def __init__(self, monitor: Monitor) -> None:
        self._store = parts(monitor).store
        self._ids: dict[str, int] = {}

    def id_of(self, outlet: str, language: str) -> int:
        if outlet not in self._ids:
            slug = _SLUG.sub("-", outlet.lower()).strip("-")
            self._ids[outlet] = self._store.add_source(
                f"https://{slug}.stories.bench.invalid/feed.xml",
                kind=SourceKind.FEED,
                name=outlet,
                language_hint=language,
            ).id
        return self._ids[outlet]


def store_articles(
    monitor: Monitor, articles: Iterable[Article], sources: Sources, tag: str = "set"
) -> dict[int, Article]:
    """Store ``articles`` with their outlets and publication times; their ids."""
    store = parts(monitor).store
    stored: dict[int, Article] = {}
    for number, article in enumerate(articles):
        source = sources.id_of(article.outlet, article.language)
        url = f"https://{source}.stories.bench.invalid/{tag}/{number}"
        article_id = store.insert_article(
            ArticleDraft(
                source_id=source,
                guid=url,
                url=url,
                title=article.title,
                author=None,
                published=article.published,
                published_offset_minutes=0,
                summary="",
                feed_content="",
                language_hint=article.language,
            )
        )
        store.save_extraction(
            page_outcome(store.article(article_id), article.text, language=article.language)
        )
        stored[article_id] = article
    return stored


def _entity_pairs(language: str) -> list[tuple[str, str]]:
    """(native word, English) pairs of the entity forms: word by word when the forms have as
    many words, else the last native word for the whole English form."""
    pairs: list[tuple[str, str]] = []
    for forms in entity_forms().values():
        native, english = forms[language].split(), forms["en"].split()
        if len(native) == len(english) and language != "zh":
            pairs.extend(zip(native, english, strict=True))
        else:
            pairs.append((native[-1], " ".join(english)))
    return pairs


def _words(language: str) -> set[str]:
    """The words the templates and entity forms of ``language`` write."""
    table, fillers = templates()
    texts = [*fillers[language], *(f[language] for f in entity_forms().values())]
    for event in EVENTS:
        own = table[(event, language)]
        texts += [*own.titles, *own.leads, *own.body]
    return {w for text in texts for w in _WORD.findall(text)}


def glossaries() -> dict[str, dict[str, str]]:
    """Per native language, piece → English (hyphens either side so the English tokenizer
    splits it from what surrounds it; targets kept distinct by trailing hyphens, as the copy
    model needs). Russian and Ukrainian pieces also come capitalised, for sentence starts.
    A piece of an entity that would match inside another word ("Си" in "Сильный") is left
    out, as pieces match anywhere; the event words are stems on purpose."""
    table, _ = templates()
    tables: dict[str, dict[str, str]] = {}
    for language in NATIVE:
        entity_pairs = _entity_pairs(language)
        if language != "zh":
            words = _words(language)
            natives = {n for n, _ in entity_pairs}
            entity_pairs = [
                (n, e)
                for n, e in entity_pairs
                if not any(n in w and w != n and w not in natives for w in words)
            ]
        pairs = entity_pairs + _MONTHS.get(language, [])
        for event in EVENTS:
            pairs.extend(table[(event, language)].glossary)
        if language in ("ru", "uk"):
            pairs += [(n[0].upper() + n[1:], e) for n, e in pairs if n[0].islower()]
        glossary: dict[str, str] = {}
        for native, english in pairs:
            if native in glossary:
                continue
            target = "-" + english.replace(" ", "-") + "-"
            while target in glossary.values():
                target += "-"
            glossary[native] = target
        tables[language] = glossary
    return tables


def install_translation(monitor: Monitor, folder: Path) -> int:
    """Build and install a ru/uk/ko/zh→en glossary package each; the glossaries' size."""
    tables = glossaries()
    packages = [build_package(folder, code, "en", glossary=tables[code]) for code in NATIVE]
    report = monitor.install_models(packages)
    installed = sorted(p.from_code for p in report.installed)
    if installed != sorted(NATIVE):
        raise RuntimeError(f"stories benchmark: translation packages not installed: {installed}")
    return sum(len(t) for t in tables.values())


def native_ids(stored: dict[int, Article]) -> Sequence[int]:
    """The ids of the stored articles a model translates (all but the English ones)."""
    return [i for i, a in stored.items() if a.language != "en"]
