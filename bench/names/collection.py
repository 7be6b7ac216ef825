"""A real data folder holding the generated articles, indexed, and later translated by tiny
real Argos packages whose glossaries put each name's English form in place of its native
forms (the copy model leaves every other word as it was).

Articles are stored as collection stores them (a feed item, then its page's text and
language), one source per language; the index stage and the translation stage run as the
app runs them, without fetching anything.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from bench.names.articles import Article
from bench.names.names_set import NATIVE, Name
from monitor import Monitor
from monitor.store.store import ArticleDraft
from monitor.types import SourceKind
from tests.support.argos_factory import build_package
from tests.support.extraction import page_outcome
from tests.support.inside import parts


def store_articles(monitor: Monitor, articles: Sequence[Article]) -> dict[int, Article]:
    """Store ``articles`` (one source per language); their ids."""
    store = parts(monitor).store
    sources = {
        language: store.add_source(
            f"https://{language}.names.bench.invalid/feed.xml",
            kind=SourceKind.FEED,
            name=f"Names bench ({language})",
            language_hint=language,
        ).id
        for language in NATIVE
    }
    stored: dict[int, Article] = {}
    for number, article in enumerate(articles):
        url = f"https://{article.language}.names.bench.invalid/news/{number}"
        article_id = store.insert_article(
            ArticleDraft(
                source_id=sources[article.language],
                guid=url,
                url=url,
                title=article.title,
                author=None,
                published=None,
                published_offset_minutes=None,
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


def sync(monitor: Monitor) -> int:
    """Bring the index up to date; the number of documents it holds."""
    for _ in monitor.sync_index():
        pass
    return parts(monitor).index.document_count()


_WORD = re.compile(r"[\w'’-]+")
PREPOSITIONS = frozenset({"в", "во", "у"})  # before a place's locative form


def _pairs(name: Name, language: str, form: str, shared: set[str]) -> list[tuple[str, str]]:
    """(native word, English) pairs of one surface form. Russian and Ukrainian: the last word
    (the declined surname or place) for the whole name ("Шойгу" → Sergei Shoigu, "в Киеве" →
    Kyiv), or word by word when another name uses that word too ("Віталія Кіма" → Vitaliy,
    Kim, as "Кім" is also Kim Jong Un's); Korean: the first word (the name with its particle,
    before any title) for the whole name; Chinese: the form for the whole name."""
    english = name.en.replace("-", " ").split()
    whole = "-".join(english)
    if language == "zh":
        return [(form, whole)]
    words = [w for w in form.split() if w not in PREPOSITIONS]
    if language == "ko":
        return [(words[0], whole)]
    if words[-1] in shared and len(words) == len(english):
        return list(zip(words, english, strict=True))
    return [(words[-1], whole)]


def _shared_words(names: Sequence[Name], language: str) -> set[str]:
    """Words of ``language`` that appear in the forms of more than one name."""
    users: dict[str, set[str]] = {}
    for name in names:
        for form in name.forms.get(language, ()):
            for word in form.split():
                users.setdefault(word, set()).add(name.slug)
    return {word for word, slugs in users.items() if len(slugs) > 1}


def glossaries(
    names: Sequence[Name], articles: Sequence[Article]
) -> tuple[dict[str, dict[str, str]], int, int]:
    """Per language, native word → English (hyphens either side, so the English tokenizer
    splits it from the particles and Han characters around it); how many native words two
    names would translate differently (the first kept), and how many were left out because
    a glossary piece matches inside words ("И" of Ван И inside a word "Ирина" that is no
    key). Targets are kept distinct, as the copy model needs, by trailing hyphens."""
    tables: dict[str, dict[str, str]] = {language: {} for language in NATIVE}
    english_of: dict[str, dict[str, str]] = {language: {} for language in NATIVE}
    clashes = 0
    shared = {language: _shared_words(names, language) for language in NATIVE}
    for name in names:
        for language, forms in name.forms.items():
            for form in forms:
                for native, english in _pairs(name, language, form, shared[language]):
                    known = english_of[language].setdefault(native, english)
                    clashes += known != english
    unsafe = 0
    for language, pairs in english_of.items():
        words = {w for a in articles if a.language == language for w in _WORD.findall(a.text)}
        for native, english in pairs.items():
            inside = any(native in w and w != native and w not in pairs for w in words)
            if language != "zh" and inside:
                unsafe += 1
                continue
            target = f"-{english}-"
            while target in tables[language].values():
                target += "-"
            tables[language][native] = target
    return tables, clashes, unsafe


def install_translation(
    monitor: Monitor, names: Sequence[Name], articles: Sequence[Article], folder: Path
) -> tuple[int, int]:
    """Build and install a package per native language with the names' glossary; the
    numbers of native words claimed by two names and left out (see :func:`glossaries`)."""
    tables, clashes, unsafe = glossaries(names, articles)
    packages = [
        build_package(folder, language, "en", glossary=tables[language]) for language in NATIVE
    ]
    report = monitor.install_models(packages)
    installed = sorted(p.from_code for p in report.installed)
    if installed != sorted(NATIVE):
        raise RuntimeError(f"translation packages not installed: {installed}")
    return clashes, unsafe


def translate(monitor: Monitor, article_ids: Sequence[int]) -> int:
    """Translate what waits, then re-index; how many of ``article_ids`` have a translation."""
    for _ in monitor.translate_iter():
        pass
    sync(monitor)
    return sum(monitor.translation(article_id) is not None for article_id in article_ids)
