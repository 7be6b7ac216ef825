"""The sound-field cost benchmark's section of RESULTS.md, in Markdown."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from bench.names_cost.indexing import MODES, Build
from bench.names_cost.searching import (
    ALL_KINDS,
    NAME_KIND,
    NAME_SCRIPTS,
    QueryTimings,
    latency,
)
from bench.search.queries import SCRIPTS
from bench.search.report import PAGE_SIZE, percentile

BOUND = 1.10  # "within 10% of their figures before this work"


@dataclass(frozen=True)
class Run:
    """What one run measured, and on what."""

    articles: int
    repetitions: int
    rounds: int
    per_script: int
    corpus_source: str
    load_start: tuple[float, float, float]
    load_end: tuple[float, float, float]
    name: str  # the Cyrillic name whose sound key checked the indexes
    key: str


def _load(values: tuple[float, float, float]) -> str:
    return " / ".join(f"{value:.2f}" for value in values)


def _ms(value: float) -> str:
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}"


def indexing_ratio(builds: Sequence[Build]) -> tuple[float, list[float]]:
    """On/off ratio of the median rates, and the ratio within each repetition's pair."""
    rates = {mode: [b.rate for b in builds if b.mode == mode] for mode in MODES}
    pairs = [on / off for on, off in zip(rates["on"], rates["off"], strict=True)]
    return statistics.median(rates["on"]) / statistics.median(rates["off"]), pairs


def report(run: Run, builds: Sequence[Build], queries: Sequence[QueryTimings]) -> str:
    ratio, pairs = indexing_ratio(builds)
    lines = [
        f"{run.articles:,} articles of the seeded corpus (vocabulary from {run.corpus_source}), "
        "indexed through `SearchIndex.rebuild` with the `sound` field on (as shipped) and off "
        "(documents without a sound value, i.e. the index before this work: "
        "`indexes.index.sound_value` replaced in the benchmark's process only), "
        f"{run.repetitions} times each, the order alternating; then searched on the last "
        "index built with the field. Load average (1/5/15 min) at the start "
        f"{_load(run.load_start)}, at the end {_load(run.load_end)} (2 cores: anything above "
        "about 1 means other work shared the CPU; CPU-time figures move less than wall ones).",
        "",
        "### Indexing",
        "",
        "| sound field | articles per CPU-second, median (min–max) | CPU s, median "
        "| wall s, median | articles found by sound query |",
        "|---|---:|---:|---:|---:|",
    ]
    for mode in MODES:
        mine = [build for build in builds if build.mode == mode]
        rates = [build.rate for build in mine]
        hits = sorted({build.sound_hits for build in mine})
        lines.append(
            f"| {mode} | {statistics.median(rates):.1f} ({min(rates):.1f}–{max(rates):.1f}) "
            f"| {statistics.median(b.cpu_seconds for b in mine):.1f} "
            f"| {statistics.median(b.wall_seconds for b in mine):.1f} "
            f"| {', '.join(str(hit) for hit in hits)} |"
        )
    lines += [
        "",
        f"Ratio on/off of articles per CPU-second: **{ratio:.2f}** (median rates; within each "
        f"pair of builds {min(pairs):.2f}–{max(pairs):.2f}). Checked: every build holds "
        f"{run.articles:,} documents; the sound query for the key `{run.key}` of "
        f"«{run.name}», a name in the articles, finds articles in every index with the field "
        "and none without it.",
        "",
        "### Search",
        "",
        f"Each kind: {run.per_script} queries in each of {len(SCRIPTS)} scripts (term, AND, "
        f"phrase, prefix, as the search benchmark draws them), or of {len(NAME_SCRIPTS)} "
        "shapes for names (a capitalised Cyrillic name, a capitalised Latin name, two "
        "capitalised names of one article), all from the corpus. A page of "
        f"{PAGE_SIZE} with snippets, no facets (the app's result list), with "
        "`SearchRequest(text)` (on: sound keys and name expansion) and "
        "`SearchRequest(text, exact=True)`, alternating; each query's latency is the median "
        f"of {run.rounds} rounds, then p50/p95 over the queries (ms, wall; CPU p50 beside).",
        "",
        "| kind | queries | hits median on / exact | queries with more hits on | p50 on "
        "| p50 exact | p50 on/exact | p95 on | p95 exact | p95 on/exact | CPU p50 on/exact |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    verdicts: list[str] = []
    for kind in (*ALL_KINDS, "all"):
        lines.append(_search_row(queries, kind, verdicts))
        if kind == NAME_KIND:
            for shape in NAME_SCRIPTS:
                shaped = [q for q in queries if q.kind == kind and q.script == shape]
                lines.append(_search_row(shaped, f"{kind}: {shape}", []))
    index_verdict = "holds" if ratio >= 1 / BOUND else "does not hold"
    lines += [
        "",
        f"**10% bound:** indexing {index_verdict} (on/off {ratio:.2f}, at least "
        f"{1 / BOUND:.2f} needed); search: {'; '.join(verdicts)}.",
    ]
    return "\n".join(lines)


def _search_row(queries: Sequence[QueryTimings], kind: str, verdicts: list[str]) -> str:
    """The row of ``kind`` ("all": every query; "name: latin": ``queries`` as given)."""
    mine = [query for query in queries if kind in ("all", query.kind) or ":" in kind]
    on, exact = latency(mine, "on"), latency(mine, "exact")
    cpu_on, cpu_exact = (latency(mine, mode, cpu=True) for mode in ("on", "exact"))
    p50 = statistics.median(on), statistics.median(exact)
    p95 = percentile(on, 0.95), percentile(exact, 0.95)
    cpu_ratio = statistics.median(cpu_on) / statistics.median(cpu_exact)
    more = sum(1 for query in mine if query.hits["on"] > query.hits["exact"])
    hits_on = statistics.median(query.hits["on"] for query in mine)
    hits_exact = statistics.median(query.hits["exact"] for query in mine)
    if kind in ALL_KINDS:
        held = [name for name, (a, b) in (("p50", p50), ("p95", p95)) if a <= b * BOUND]
        missed = [name for name in ("p50", "p95") if name not in held]
        verdicts.append(
            f"{kind} {'holds' if not missed else 'does not hold for ' + ' and '.join(missed)}"
        )
    label = {"all": "**all**", NAME_KIND: "name (all shapes)"}.get(kind, kind)
    return (
        f"| {label} | {len(mine)} | {hits_on:.0f} / {hits_exact:.0f} | {more} "
        f"| {_ms(p50[0])} | {_ms(p50[1])} | {p50[0] / p50[1]:.2f} "
        f"| {_ms(p95[0])} | {_ms(p95[1])} | {p95[0] / p95[1]:.2f} | {cpu_ratio:.2f} |"
    )
