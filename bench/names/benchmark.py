"""Cross-script name search: a name typed in Latin letters, searched over Russian, Ukrainian,
Korean and Chinese articles, scored by recall and precision.

The test set is our own (:mod:`bench.names.names_set`): people, places and organisations of
Korea, Russia, China and Ukraine, about a third of them missing from the app's alias table,
with near-misses side by side. Articles are generated from templates
(:mod:`bench.names.articles`), stored in a real data folder and indexed by the app's own
stages (:mod:`bench.names.collection`). Each name's first English form is searched through
``Monitor.search``, the one door, by four routes:

* **exact**: ``exact=True`` before any translation, no cross-script widening (baseline);
* **names, no model**: the default search (alias table and sound keys), no translation;
* **names + translation**: the default search once tiny real Argos packages whose glossaries
  put each name's English form in place of its native forms have translated everything;
* **translation alone**: ``exact=True`` with those translations.

Rates count native-script articles only, and are printed only after the work is checked:
every article indexed, every name with at least one article, every article translated.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence

from bench.common.settings import Settings
from bench.names.articles import Article, generate
from bench.names.collection import install_translation, store_articles, sync, translate
from bench.names.names_set import NAMES, Name
from bench.names.scoring import (
    TARGET,
    NameScore,
    averages,
    failures,
    language_table,
    score,
    summary_table,
)
from indexes.types import SearchRequest
from monitor import Monitor, open_monitor
from monitor.errors import MonitorError
from monitor.names.aliases import load_table

PAGE_SIZE = 1000


def _searcher(
    monitor: Monitor, *, exact: bool, errors: list[str]
) -> Callable[[str], Iterable[int]]:
    def found_for(query: str) -> Iterable[int]:
        request = SearchRequest(query, page_size=PAGE_SIZE, facets=False, exact=exact)
        try:
            page = monitor.search(request)
        except MonitorError as error:
            errors.append(f"{query!r} (exact={exact}): {error}")
            return ()
        if page.total > PAGE_SIZE:
            raise RuntimeError(f"{query!r} found {page.total} articles, more than a page")
        return [hit.article.id for hit in page.hits]

    return found_for


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise RuntimeError(f"names benchmark: {message}")


def measure(
    settings: Settings, names: Sequence[Name], articles: Sequence[Article]
) -> tuple[dict[str, list[NameScore]], dict[int, Article], list[str], list[str]]:
    """The scores per route, the stored articles, notes on the run, and search errors."""
    table = load_table()

    def in_table(english: str) -> bool:
        return table.entity_for(english) is not None

    notes: list[str] = []
    errors: list[str] = []
    routes: dict[str, list[NameScore]] = {}
    folder = settings.workdir / "names"
    with open_monitor(folder / "data") as monitor:
        started = time.perf_counter()
        stored = store_articles(monitor, articles)
        documents = sync(monitor)
        notes.append(
            f"{len(stored)} articles stored and indexed in {time.perf_counter() - started:.0f} s"
        )
        _check(documents == len(stored), f"index holds {documents} of {len(stored)} articles")
        subjects = {a.name for a in stored.values()}
        lacking = [n.en for n in names if n.slug not in subjects]
        _check(not lacking, f"names without a native article: {lacking}")
        settings.log(f"names: {len(stored)} articles indexed")

        def run_route(label: str, exact: bool) -> None:
            found_for = _searcher(monitor, exact=exact, errors=errors)
            routes[label] = score(names, stored, in_table, found_for)
            settings.log(f"names: route {label!r} scored")

        run_route("exact (no cross-script)", True)
        run_route("names, no model", False)

        started = time.perf_counter()
        clashes, unsafe = install_translation(
            monitor, names, list(stored.values()), folder / "packages"
        )
        translated = translate(monitor, list(stored))
        notes.append(
            f"{translated} articles translated and re-indexed in "
            f"{time.perf_counter() - started:.0f} s (package builds included); glossary: "
            f"{clashes} native words two names translate differently (first kept), {unsafe} "
            "left out because the piece would match inside other words"
        )
        _check(translated == len(stored), f"{translated} of {len(stored)} articles translated")
        notes.append(
            "the glossaries render every native form as the query spells the name, so "
            "*translation alone* is the ceiling of a model that translates names as users "
            "type them; a real model's own romanisations (Sergey for Sergei, Alexander for "
            "Oleksandr) would lower it"
        )
        documents = sync(monitor)
        _check(documents == len(stored), f"index holds {documents} of {len(stored)} articles")
        settings.log("names: translated")

        run_route("names + translation", False)
        run_route("translation alone", True)
    return routes, stored, notes, errors


def run(settings: Settings) -> str:
    # Quick: every name, one article per language instead of two.
    per_language, unrelated = (1, 16) if settings.quick else (2, 32)
    articles = generate(NAMES, per_language=per_language, unrelated=unrelated)
    routes, stored, notes, errors = measure(settings, NAMES, articles)
    return section(routes, stored, notes, errors, NAMES)


def section(
    routes: Mapping[str, Sequence[NameScore]],
    stored: Mapping[int, Article],
    notes: Sequence[str],
    errors: Sequence[str],
    names: Sequence[Name],
) -> str:
    kinds = {
        kind: sum(n.kind == kind for n in names) for kind in ("person", "place", "organisation")
    }
    some_route = next(iter(routes.values()))
    in_table = sum(s.in_table for s in some_route)
    unrelated = sum(a.name is None for a in stored.values())
    lines = [
        f"Test set: {len(names)} names ({kinds['person']} people, {kinds['place']} places, "
        f"{kinds['organisation']} organisations), {in_table} in the alias table and "
        f"{len(names) - in_table} not; {len(stored)} native-script articles "
        f"({len(stored) - unrelated} about a name, {unrelated} unrelated). Query: each name's "
        f'English form as typed ("Kim Jong Un"); target recall and precision ≥ {TARGET}.',
        "",
        *[f"* {note}" for note in notes],
        "",
        *summary_table(routes),
        "",
        "Recall by the article's language:",
        "",
        *language_table(routes, stored),
    ]
    for route, scores in routes.items():
        listed = failures(scores, stored)
        if len(listed) == len(scores) and averages(scores)[0] == 0:
            listed = ["* every name: nothing found in another script"]
        lines += ["", f"Names below {TARGET} on either, **{route}**:", "", *listed]
    if errors:
        lines += ["", "Searches refused:", "", *[f"* {e}" for e in errors]]
    return "\n".join(lines) + "\n"
