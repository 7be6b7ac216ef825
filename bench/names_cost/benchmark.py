"""What the ``sound`` field costs, side by side in one run with equal settings.

The issue asks to keep indexing and search within 10% of their figures before the field.
This benchmark measures both against a stand-in for "before" in the same process and run,
so that the machine's load falls on both alike:

* indexing: the same seeded articles bulk-indexed with the field on and off, several times,
  the order alternating (:mod:`bench.names_cost.indexing`), in articles per CPU-second;
* search: on the index built with the field, the same queries with name routing on and
  with ``exact=True`` (no sound keys, no name expansion), alternating
  (:mod:`bench.names_cost.searching`), p50/p95 per kind.

Work is checked before a figure is reported: every index holds every article, the sound
query for a name in the articles finds it only where the field is on, and an exact search
finds a subset of the widened one's hits.

Alone: ``python -m bench.names_cost [--quick] [--sizes N] [--no-eval]``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from bench.common.corpus import Corpus
from bench.common.settings import Settings
from bench.names_cost.indexing import cyrillic_name_key, measure_builds
from bench.names_cost.report import Run, report
from bench.names_cost.searching import check_hits, measure, plan
from indexes.index import SearchIndex


def _load() -> tuple[float, float, float]:
    return os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)


def run(settings: Settings) -> str:
    """Measure the sound field's cost; return the section of RESULTS.md."""
    load_start = _load()
    articles = settings.sizes[0] if settings.sizes else (300 if settings.quick else 2_000)
    repetitions = 3 if settings.quick else 5
    rounds, per_script = (3, 5) if settings.quick else (5, 10)
    log = settings.log
    corpus = Corpus(use_eval=settings.use_eval)
    documents = list(corpus.articles(0, articles))
    name, key = cyrillic_name_key(documents)
    log(f"names_cost: {articles:,} articles ({corpus.source}); check key {key} of {name}")

    workdir = Path(tempfile.mkdtemp(prefix="names-cost-", dir=settings.workdir))
    try:
        kept = workdir / "sound-on"
        builds = measure_builds(documents, workdir, repetitions, kept, key)
        for build in builds:
            log(f"  sound {build.mode}: {build.rate:.1f} articles per CPU-second")
            if (build.sound_hits > 0) != (build.mode == "on"):
                raise AssertionError(
                    f"sound {build.mode}: the query for {key} ({name}) finds {build.sound_hits}"
                )

        index = SearchIndex(kept)
        try:
            queries = plan(corpus, documents, per_script)
            measure(index, documents, queries, rounds)
            log(f"  {len(queries) * rounds * 2:,} searches done")
            problems = check_hits(index, queries)
        finally:
            index.close()
        if problems:
            raise AssertionError("search hits are wrong:\n" + "\n".join(problems))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    facts = Run(
        articles=articles,
        repetitions=repetitions,
        rounds=rounds,
        per_script=per_script,
        corpus_source=corpus.source,
        load_start=load_start,
        load_end=_load(),
        name=name,
        key=key,
    )
    return report(facts, builds, queries)
