"""The search benchmark: bulk indexing, commits, and query latency on a synthetic corpus.

At each corpus size it measures, on a fresh index in a temporary folder:

* bulk indexing through ``SearchIndex.rebuild`` (articles per second, wall and CPU time)
  and the index's size on disk;
* the first query of a fresh process (open the index, parse, search, highlight one page);
* warm query latency for four kinds of query (one word, two words, a two-word phrase, a
  prefix) in four scripts (Latin, which also searches the English translations, Cyrillic,
  Han, Hangul), each query run without and with snippets for one page of 20 hits, with
  facet counts, newest first with and without snippets, and through plain Whoosh on the
  same index (:mod:`bench.search.baseline`), the runs interleaved so that machine noise hits
  all alike; every query's answers are checked (:mod:`bench.search.checks`) before any
  latency is reported;
* a commit of 100 new articles through ``SearchIndex.apply`` (the UI does it off its thread).

Queries are drawn from the corpus's own vocabularies and documents (:mod:`bench.search.queries`),
so each finds something; their hit counts are reported beside their latencies. A built index
is kept in ``bench/.cache`` (:mod:`bench.search.index_cache`).

Alone: ``python -m bench.search [--quick] [--sizes 2000,5000] [--no-eval] [--fresh]``.
"""

from __future__ import annotations

import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import TypeVar

from bench.common.corpus import Corpus, display_text, utf8_size
from bench.common.paths import ROOT, folder_bytes
from bench.common.settings import Settings
from bench.search.baseline import PlainWhoosh
from bench.search.checks import (
    CHECKED_ROUNDS,
    Answer,
    check_answers,
    check_found,
    check_newest_first,
)
from bench.search.index_cache import indexed_copy
from bench.search.queries import KINDS, SCRIPTS, QueryMaker
from bench.search.report import MODES, PAGE_SIZE, SizeResult, Timings, report
from indexes.index import SearchIndex
from indexes.search import DisplayText, search
from indexes.types import IndexDocument, SearchRequest, SortOrder

Value = TypeVar("Value")
COMMIT_BATCH = 100


# --- measuring ---------------------------------------------------------------------------


def _timed(action: Callable[[], Value]) -> tuple[Value, float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    value = action()
    return value, time.perf_counter() - wall, time.process_time() - cpu


def _text_source(
    documents: Mapping[int, IndexDocument],
) -> Callable[[Sequence[int]], dict[int, DisplayText]]:
    def texts(ids: Sequence[int]) -> dict[int, DisplayText]:
        return {article_id: display_text(documents[article_id]) for article_id in ids}

    return texts


def _no_texts(ids: Sequence[int]) -> dict[int, DisplayText]:
    return {}


_COLD_SCRIPT = """
import json, sys, time
from pathlib import Path
started = time.perf_counter()
from indexes.index import SearchIndex
from indexes.search import search
from indexes.types import SearchRequest
imported = time.perf_counter()
from bench.common.corpus import Corpus, display_text
corpus = Corpus(int(sys.argv[2]), use_eval=sys.argv[3] == "1")
texts = lambda ids: {i: display_text(corpus.article(i)) for i in ids}
opening = time.perf_counter()
index = SearchIndex(Path(sys.argv[1]))
opened = time.perf_counter()
search(index, SearchRequest(sys.argv[4]), texts)
first = time.perf_counter()
search(index, SearchRequest(sys.argv[5]), texts)
second = time.perf_counter()
print(json.dumps({"import": imported - started, "open": opened - opening,
                  "first": first - opened, "second": second - first}))
"""


def _cold_start(
    folder: Path, corpus: Corpus, use_eval: bool, first: str, second: str
) -> dict[str, float]:
    """Seconds to import, open and run a first and second query in a fresh process.

    The index files were just written, so they sit in the OS page cache: this is a fresh
    process, not a cold disk. Articles for snippets are regenerated outside the timing.
    """
    output = subprocess.run(
        [sys.executable, "-c", _COLD_SCRIPT, str(folder), str(corpus.seed),
         "1" if use_eval else "0", first, second],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    timings: dict[str, float] = json.loads(output.stdout)
    return timings


def measure_size(
    corpus: Corpus,
    documents: Sequence[IndexDocument],
    *,
    queries_per_cell: int,
    commits: int,
    use_eval: bool,
    workdir: Path,
    log: Callable[[str], None],
    generate_seconds: float,
    fresh: bool,
) -> SizeResult:
    """Every measurement at one corpus size; ``documents`` are the articles to index."""
    folder = Path(tempfile.mkdtemp(prefix=f"search-{len(documents)}-", dir=workdir)) / "index"
    try:
        key = f"{len(documents)}-{corpus.seed}-{'eval' if use_eval else 'builtin'}"
        built = indexed_copy(documents, key, folder, fresh=fresh, log=log)
        index = SearchIndex(folder)
        index_wall, index_cpu = built.wall_seconds, built.cpu_seconds
        index_bytes = folder_bytes(folder)
        log(f"  {len(documents) / index_wall:.1f} articles/s, {index_bytes / 1e6:.0f} MB")

        maker = QueryMaker(corpus, documents, corpus.seed)
        cells = [(kind, script) for kind in KINDS for script in SCRIPTS]
        planned = {cell: [maker.make(*cell) for _ in range(queries_per_cell)] for cell in cells}

        cold = {}
        for script in SCRIPTS:
            first, second = planned[("term", script)][:2]
            cold[script] = _cold_start(folder, corpus, use_eval, first, second)
        log(
            "  cold start: " + ", ".join(f"{s} {c['first'] * 1000:.0f} ms" for s, c in cold.items())
        )

        by_id = {document.article_id: document for document in documents}
        with_texts = _text_source(by_id)
        plain_whoosh = PlainWhoosh(index, by_id)

        def ask(text: str, script: str, mode: str) -> Answer:
            if mode.startswith("whoosh"):
                answer: Answer = plain_whoosh.search(
                    text, script, page_size=PAGE_SIZE, snippets=mode == "whoosh snippets",
                    by_date=mode == "whoosh date",
                )  # fmt: skip
                return answer
            # "plain" and "snippets" ask what the app's result list asks (no facet counts);
            # "facets" adds the counts the CLI and JSON output show; "date" is the list
            # sorted newest first, with snippets ("date plain": without).
            request = SearchRequest(
                text, page_size=PAGE_SIZE, facets=mode == "facets",
                sort=SortOrder.DATE if mode.startswith("date") else SortOrder.RELEVANCE,
            )  # fmt: skip
            plain = mode in ("plain", "date plain")
            result = search(index, request, _no_texts if plain else with_texts)
            return Answer(result.total, tuple(hit.article_id for hit in result.hits))

        for cell in cells:  # warm-up: caches, lazy imports
            for mode in MODES:
                ask(planned[cell][0], cell[1], mode)
        timings = {(*cell, mode): Timings() for cell in cells for mode in MODES}
        hits: dict[tuple[str, str], list[int]] = {cell: [] for cell in cells}
        whoosh_hits: dict[tuple[str, str], list[int]] = {cell: [] for cell in cells}
        for round_number in range(queries_per_cell):
            # Cells in turn, and in each the modes in a rotating order, so that a noisy moment
            # of the machine lands on every cell and mode alike.
            for cell in cells:
                text = planned[cell][round_number]
                shift = round_number % len(MODES)
                answers: dict[str, Answer] = {}
                for mode in MODES[shift:] + MODES[:shift]:
                    answers[mode], wall, cpu = _timed(partial(ask, text, cell[1], mode))
                    timings[(*cell, mode)].add(wall, cpu)
                check_answers(text, answers, PAGE_SIZE)
                if round_number < CHECKED_ROUNDS:
                    check_newest_first(index, text, answers["date"], by_id)
                hits[cell].append(answers["plain"].total)
                whoosh_hits[cell].append(answers["whoosh"].total)
        check_found(hits)
        log(f"  {len(cells) * len(MODES) * queries_per_cell:,} queries done, answers checked")

        commit_timings = Timings()
        next_id = max(by_id) + 1
        for round_number in range(commits):
            batch = list(corpus.articles(next_id, next_id + COMMIT_BATCH))
            next_id += COMMIT_BATCH
            _, wall, cpu = _timed(partial(index.apply, batch, (), synced=2 + round_number))
            commit_timings.add(wall, cpu)
        log(f"  commit of {COMMIT_BATCH}: median {statistics.median(commit_timings.wall):.0f} ms")
        index.close()
        return SizeResult(
            articles=len(documents),
            generate_seconds=generate_seconds,
            index_wall=index_wall,
            index_cpu=index_cpu,
            index_built=built.built_at if built.reused else "",
            index_bytes=index_bytes,
            text_bytes=sum(
                utf8_size(d) + len(d.title_translated.encode()) + len(d.text_translated.encode())
                for d in documents
            ),
            cold=cold,
            queries=timings,
            hits=hits,
            whoosh_hits=whoosh_hits,
            commits=commit_timings,
            peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        )
    finally:
        shutil.rmtree(folder.parent, ignore_errors=True)


# --- the benchmark entry point and its report --------------------------------------------


def run(settings: Settings) -> str:
    """Run the search benchmark at every size; return its section of RESULTS.md."""
    sizes = settings.sizes or ((2_000, 5_000) if settings.quick else (20_000, 100_000))
    per_cell = 25 if settings.quick else 50
    commits = 5 if settings.quick else 7
    corpus = Corpus(use_eval=settings.use_eval)
    settings.log(f"search: vocabulary from {corpus.source}")
    documents: list[IndexDocument] = []
    results = []
    for size in sizes:
        started = time.perf_counter()
        documents.extend(corpus.articles(len(documents), size))
        generated = time.perf_counter() - started
        settings.log(f"search: {size:,} articles (generated in {generated:.0f} s)")
        results.append(
            measure_size(
                corpus,
                documents[:size],
                queries_per_cell=per_cell,
                commits=commits,
                use_eval=settings.use_eval,
                workdir=settings.workdir,
                log=settings.log,
                generate_seconds=generated,
                fresh=settings.fresh,
            )
        )
    return report(results, corpus, per_cell)
