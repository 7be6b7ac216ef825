"""A Media Monitor data folder of N synthetic articles, built through the app's own API, cached.

The folder is what a user's would be after collecting and translating N articles: sources
(the corpus's 20 outlets), articles stored and language-detected through the store, their
translations stored sentence by sentence through the translation store (English articles
aligned with themselves, as the translation stage does), and a search index built by
``Monitor.reindex()``. Two short Russian articles are left waiting for translation, so that
a benchmark can open one and make the app load a model and translate them (a few seconds on
a transformer-base-sized model; opening one translates the whole queue). Nothing is written
by raw SQL: the change log the index follows is filled by the schema's triggers.

Translations are the corpus's English texts, cut into as many pieces as the original has
sentences (plausible English, not a translation of the original). Raw HTML pages are not
stored: they live only on disk and cost no memory.

Building 100,000 articles takes about half an hour (the index is pure-Python Whoosh), so a
built folder is kept under ``bench/.cache/`` under a name holding everything its contents
depend on, with ``built.json`` beside its files saying when and how long it took. Later runs
reuse it; ``fresh=True`` builds it again. Benchmarks that change a folder work on
:func:`working_copy`, never on the cached one.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from bench.common.corpus import OUTLETS, Corpus
from bench.common.paths import CACHE_DIR, folder_bytes
from indexes.index import SearchIndex
from indexes.schema import SCHEMA_VERSION as INDEX_SCHEMA
from indexes.types import IndexDocument
from monitor import open_monitor
from monitor.paths import index_dir, store_path
from monitor.store.store import ArticleDraft, Store
from monitor.store.translations import (
    ORIGINAL_LANGUAGE_ROUTE,
    TranslationStore,
)
from monitor.types import SentencePair, SourceKind
from tests.support.extraction import page_outcome
from translations.segment import segment

# Bump when what this module writes changes, so that cached folders are built again.
BUILDER_VERSION = 1
BUILT_FILE = "built.json"
WAITING_LANGUAGE = "ru"  # the language of the articles left untranslated (a model for it)
WAITING_ARTICLES = 2
TARGET = "en"
_SYNTHETIC_MODEL = "bench-corpus synthetic translation"


@dataclass(frozen=True)
class DataFolder:
    """A built data folder and how it was built."""

    path: Path
    articles: int
    waiting: tuple[int, ...]  # store ids of the articles left untranslated
    corpus_seed: int
    corpus_source: str
    built_at: str  # ISO time the build finished
    store_seconds: float
    index_seconds: float
    store_bytes: int
    index_bytes: int
    build_peak_mb: float | None = None  # the building process's peak RSS during the build
    reused: bool = False  # taken from the cache by this run

    @property
    def build_seconds(self) -> float:
        return self.store_seconds + self.index_seconds


def folder_name(size: int, corpus: Corpus) -> str:
    """The cache name: everything the folder's contents depend on.

    Not the store's schema version: a newer app migrates an older store in place, as it
    does a user's, and :func:`data_folder` lets it. A new index schema means a rebuild.
    """
    vocabulary = "eval" if corpus.source.startswith("evaluation") else "builtin"
    return (
        f"datafolder-{size}-seed{corpus.seed}-{vocabulary}-v{BUILDER_VERSION}-index{INDEX_SCHEMA}"
    )


def data_folder(
    size: int,
    corpus: Corpus,
    *,
    cache_dir: Path = CACHE_DIR,
    fresh: bool = False,
    log: Callable[[str], None] = print,
) -> DataFolder:
    """The cached folder of the first ``size`` corpus articles, built first if missing."""
    final = cache_dir / folder_name(size, corpus)
    if not fresh:
        cached = _read_built(final)
        if cached is not None:
            Store(store_path(final)).close()  # brings an older store up to the app's schema
            return cached
    partial = final.with_name(final.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    peak_reset = _reset_peak_rss()
    log(f"  building a data folder of {size:,} articles in {final.name} …")
    store = Store(store_path(partial))
    try:
        started = time.perf_counter()
        waiting = fill_store(store, corpus, size, log=log)
        stored = time.perf_counter()
    finally:
        store.close()
    log(f"  store filled in {stored - started:.0f} s; building the index …")
    with open_monitor(partial) as monitor:
        for _ in monitor.reindex():
            pass
    indexed = time.perf_counter()
    log(f"  index built in {indexed - stored:.0f} s")
    index = SearchIndex(index_dir(partial))
    count = index.document_count()
    index.close()
    if count != size:
        raise RuntimeError(f"the index holds {count} articles, not {size}")
    built = DataFolder(
        path=final,
        articles=size,
        waiting=waiting,
        corpus_seed=corpus.seed,
        corpus_source=corpus.source,
        built_at=datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        store_seconds=stored - started,
        index_seconds=indexed - stored,
        store_bytes=store_path(partial).stat().st_size,
        index_bytes=folder_bytes(index_dir(partial)),
        build_peak_mb=_peak_rss() if peak_reset else None,
    )
    record = {key: value for key, value in asdict(built).items() if key not in ("path", "reused")}
    (partial / BUILT_FILE).write_text(json.dumps(record, indent=2), "utf-8")
    shutil.rmtree(final, ignore_errors=True)
    partial.rename(final)
    return built


def _read_built(folder: Path) -> DataFolder | None:
    try:
        record = json.loads((folder / BUILT_FILE).read_text("utf-8"))
        record["waiting"] = tuple(record["waiting"])
        return DataFolder(path=folder, reused=True, **record)
    except (OSError, ValueError, TypeError, KeyError):
        return None


def fill_store(
    store: Store, corpus: Corpus, size: int, *, log: Callable[[str], None] = print
) -> tuple[int, ...]:
    """Store corpus articles ``0 .. size - 1`` with their translations; the waiting ids."""
    translations = store.translations
    sources: dict[str, int] = {}
    for language, names in OUTLETS.items():
        for name in names:
            slug = re.sub(r"[^a-z]+", "-", name.lower())
            source = store.add_source(
                f"https://{slug}.bench.invalid/feed.xml",
                kind=SourceKind.FEED,
                name=name,
                language_hint=language,
                homepage=f"https://{slug}.bench.invalid/",
            )
            sources[name] = source.id
    # The shortest Russian articles among the last 1,000 wait for translation: the model has
    # something to do, and not so much that a benchmark run waits long for it.
    recent = (corpus.article(i) for i in range(max(0, size - 1_000), size))
    russian = [d for d in recent if d.language == WAITING_LANGUAGE]
    russian.sort(key=lambda d: len(d.text))
    leave = {d.article_id for d in russian[:WAITING_ARTICLES]}
    waiting = []
    started = time.perf_counter()
    for number in range(size):
        document = corpus.article(number)
        article_id = _store_article(store, document, sources[document.outlet])
        if number in leave:
            waiting.append(article_id)
        else:
            _store_translation(translations, article_id, document)
        if (number + 1) % 10_000 == 0:
            rate = (number + 1) / (time.perf_counter() - started)
            log(f"    {number + 1:,} articles stored ({rate:.0f}/s)")
    return tuple(waiting)


def _store_article(store: Store, document: IndexDocument, source_id: int) -> int:
    """Store one article as collection does: its feed item, then its page's text and language."""
    url = f"https://{source_id}.bench.invalid/news/{document.article_id}"
    article_id = store.insert_article(
        ArticleDraft(
            source_id=source_id,
            guid=url,
            url=url,
            title=document.title,
            author=None,
            published=document.published,
            published_offset_minutes=0,
            summary="",
            feed_content="",
            language_hint=document.language,
        )
    )
    store.save_extraction(
        page_outcome(store.article(article_id), document.text, language=document.language)
    )
    return article_id


def _store_translation(
    translations: TranslationStore, article_id: int, document: IndexDocument
) -> None:
    """Store the translation the way the translation stage does (one row per sentence)."""
    language = document.language or ""
    pairs = [
        (paragraph.index, sentence.text)
        for paragraph in segment(document.text, language)
        for sentence in paragraph.sentences
    ]
    if document.translated:
        english = [
            sentence.text
            for paragraph in segment(document.text_translated, TARGET)
            for sentence in paragraph.sentences
        ]
        pieces = _spread(english, len(pairs))
        route = f"{language}→{TARGET} ({_SYNTHETIC_MODEL})"
        title = document.title_translated
    else:  # already English: aligned with itself, as TranslationStage._store_unchanged does
        pieces = [text for _, text in pairs]
        route = ORIGINAL_LANGUAGE_ROUTE
        title = document.title
    translations.save(
        article_id,
        target=TARGET,
        title=title,
        route=route,
        is_pivot=False,
        at=document.published or datetime.datetime.now(datetime.UTC),
        sentences=[
            SentencePair(paragraph, original, translation, False)
            for (paragraph, original), translation in zip(pairs, pieces, strict=True)
        ],
    )


def _spread(sentences: list[str], slots: int) -> list[str]:
    """``sentences`` shared out in order over ``slots`` pieces, none of them empty."""
    if not sentences:
        return [""] * slots
    count = len(sentences)
    pieces = []
    for slot in range(slots):
        start, stop = slot * count // slots, (slot + 1) * count // slots
        pieces.append(" ".join(sentences[start:stop]) or sentences[min(start, count - 1)])
    return pieces


def working_copy(folder: DataFolder, destination: Path) -> Path:
    """A copy of the cached folder to change freely: the store copied, the index linked.

    Whoosh never rewrites a file of a committed segment (a commit writes new files and a new
    table of contents, then deletes what it replaced), so hard links are safe and cost no
    time; where links are impossible the file is copied.
    """
    destination.mkdir(parents=True)
    for source in folder.path.rglob("*"):
        target = destination / source.relative_to(folder.path)
        if source.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        elif source.name == BUILT_FILE:
            continue
        elif index_dir(folder.path) in source.parents and not source.name.endswith("LOCK"):
            try:
                os.link(source, target)
            except OSError:
                shutil.copy2(source, target)
        else:
            shutil.copy2(source, target)
    return destination


def _reset_peak_rss() -> bool:
    """Start this process's VmHWM afresh (Linux), so that it measures the build alone."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _peak_rss() -> float | None:
    """This process's VmHWM in MiB, if the system says."""
    try:
        for line in Path("/proc/self/status").read_text("ascii").splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None
