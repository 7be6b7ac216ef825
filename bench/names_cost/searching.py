"""Search latency with name routing on (the default) and off (``exact=True``), same queries.

The query kinds are the search benchmark's (:mod:`bench.search.queries`: term, AND, phrase
and prefix, in Latin, Cyrillic, Han and Hangul), plus "name": a capitalised Cyrillic name,
a capitalised Latin name and a run of two capitalised names, each as found in the corpus,
the queries the sound routing widens. Each query runs ``rounds`` times in each mode, the
two modes alternating which goes first; a query's latency is the median of its rounds.
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial

from bench.common.corpus import Corpus, display_text
from bench.search.queries import KINDS, SCRIPTS, QueryMaker
from bench.search.report import PAGE_SIZE
from indexes.index import SearchIndex
from indexes.search import DisplayText, all_matches, search
from indexes.types import IndexDocument, SearchRequest

SEARCH_MODES = ("on", "exact")
NAME_KIND = "name"
NAME_SCRIPTS = ("cyrillic", "latin", "run")
ALL_KINDS = (*KINDS, NAME_KIND)


@dataclass
class QueryTimings:
    """One query's latencies (ms) in each mode over the rounds, and its hit counts."""

    kind: str
    script: str  # a script of bench.search.queries.SCRIPTS, or a shape of NAME_SCRIPTS
    text: str
    wall: dict[str, list[float]] = field(default_factory=lambda: {m: [] for m in SEARCH_MODES})
    cpu: dict[str, list[float]] = field(default_factory=lambda: {m: [] for m in SEARCH_MODES})
    hits: dict[str, int] = field(default_factory=dict)  # mode -> every article matched


class NameMaker:
    """Capitalised names that occur in the indexed articles (seeded, reproducible)."""

    def __init__(self, corpus: Corpus, documents: Sequence[IndexDocument], seed: int) -> None:
        self.rng = random.Random(f"{seed}:names-cost")
        names = {
            script: set().union(*(corpus.vocabularies[code].names for code in codes))
            for script, codes in (("cyrillic", ("ru", "uk")), ("latin", ("en",)))
        }
        self.found: dict[str, list[list[str]]] = {"cyrillic": [], "latin": []}
        for document in documents:
            texts = {"cyrillic": document.text if document.language in ("ru", "uk") else ""}
            texts["latin"] = document.text_translated or (
                document.text if document.language == "en" else ""
            )
            for script, text in texts.items():
                words = [word.strip(".,") for word in text.split()]
                in_text = [word for word in words if word in names[script]]
                if in_text:
                    self.found[script].append(in_text)

    def make(self, script: str) -> str:
        if script == "run":  # two names of one article, as a user types a full name
            while True:
                words = self.rng.choice(self.found[self.rng.choice(("cyrillic", "latin"))])
                if len(set(words)) >= 2:
                    return " ".join(self.rng.sample(sorted(set(words)), 2))
        return self.rng.choice(self.rng.choice(self.found[script]))


def plan(corpus: Corpus, documents: Sequence[IndexDocument], per_script: int) -> list[QueryTimings]:
    """``per_script`` queries of each kind in each script."""
    maker = QueryMaker(corpus, documents, corpus.seed)
    names = NameMaker(corpus, documents, corpus.seed)
    queries = [
        QueryTimings(kind, script, maker.make(kind, script))
        for kind in KINDS
        for script in SCRIPTS
        for _ in range(per_script)
    ]
    queries += [
        QueryTimings(NAME_KIND, script, names.make(script))
        for script in NAME_SCRIPTS
        for _ in range(per_script)
    ]
    return queries


def measure(
    index: SearchIndex,
    documents: Sequence[IndexDocument],
    queries: Sequence[QueryTimings],
    rounds: int,
) -> None:
    """Time every query in both modes, ``rounds`` times, and count its hits in both."""
    by_id = {document.article_id: document for document in documents}

    def texts(ids: Sequence[int]) -> dict[int, DisplayText]:
        return {article_id: display_text(by_id[article_id]) for article_id in ids}

    def request(text: str, mode: str) -> SearchRequest:
        # What the app's result list asks: one page with snippets, no facet counts.
        return SearchRequest(text, page_size=PAGE_SIZE, facets=False, exact=mode == "exact")

    for query in queries:  # warm-up: caches, lazy imports, the sound dictionaries
        for mode in SEARCH_MODES:
            search(index, request(query.text, mode), texts)
    for round_number in range(rounds):
        for number, query in enumerate(queries):
            first = (round_number + number) % 2
            for mode in (SEARCH_MODES[first], SEARCH_MODES[1 - first]):
                call = partial(search, index, request(query.text, mode), texts)
                wall, cpu = time.perf_counter(), time.process_time()
                result = call()
                query.wall[mode].append((time.perf_counter() - wall) * 1000)
                query.cpu[mode].append((time.process_time() - cpu) * 1000)
                query.hits[mode] = result.total


def check_hits(index: SearchIndex, queries: Sequence[QueryTimings]) -> list[str]:
    """Problems with the hits: an exact search must find a subset of what the widened one
    finds, both must agree with the page's total, and a name must find its own article."""
    problems = []
    for query in queries:
        found = {
            mode: {m.article_id for m in all_matches(index, SearchRequest(query.text, exact=e))}
            for mode, e in (("on", False), ("exact", True))
        }
        if not found["exact"] <= found["on"]:
            problems.append(
                f"{query.text!r}: exact finds {len(found['exact'] - found['on'])} "
                "articles the widened search does not"
            )
        for mode in SEARCH_MODES:
            if len(found[mode]) != query.hits[mode]:
                problems.append(
                    f"{query.text!r} ({mode}): total {query.hits[mode]}, {len(found[mode])} matches"
                )
        if query.kind == NAME_KIND and not found["exact"]:
            problems.append(f"{query.text!r}: a name from the corpus finds nothing")
    return problems


def latency(queries: Sequence[QueryTimings], mode: str, *, cpu: bool = False) -> list[float]:
    """Each query's median latency (ms) over its rounds."""
    return [statistics.median((query.cpu if cpu else query.wall)[mode]) for query in queries]
