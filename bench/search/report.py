"""What the search benchmark records, and its section of RESULTS.md in Markdown."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field

from bench.common.corpus import Corpus
from bench.search.queries import KINDS, SCRIPTS

MODES = ("plain", "snippets", "facets")  # no snippets; snippets (the app); snippets + facets
PAGE_SIZE = 20
TARGET_P95_MS = 50.0
TARGET_RATE = 150.0


@dataclass
class Timings:
    """Latencies in milliseconds."""

    wall: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def add(self, wall_seconds: float, cpu_seconds: float) -> None:
        self.wall.append(wall_seconds * 1000)
        self.cpu.append(cpu_seconds * 1000)


def percentile(values: Sequence[float], share: float) -> float:
    """The nearest-rank percentile (``share`` in 0..1) of ``values``."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))
    return ordered[int(rank) - 1]


@dataclass
class SizeResult:
    articles: int
    generate_seconds: float
    index_wall: float
    index_cpu: float
    index_built: str  # when the reused cached index was built; "" if built in this run
    index_bytes: int
    text_bytes: int
    cold: dict[str, dict[str, float]]
    queries: dict[tuple[str, str, str], Timings]
    hits: dict[tuple[str, str], list[int]]
    commits: Timings
    peak_rss_mb: float


def _ms(value: float) -> str:
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}"


def report(results: Sequence[SizeResult], corpus: Corpus, per_cell: int) -> str:
    lines = [
        f"Corpus: synthetic, seeded; vocabulary from {corpus.source}; languages ko 25 %, "
        "ru 25 %, zh 20 %, uk 20 %, en 10 %; every non-English article has an English "
        "translation; 20 outlets; 90 days. A built index is kept in `bench/.cache/` for "
        "later runs (`bench/search/index_cache.py`; `--fresh` rebuilds): the rebuild figures come "
        "from the run that built it, as the last column says.",
        "",
        "### Indexing and commits",
        "",
        "| articles | text (MB) | rebuild (s) | articles/s (wall) | articles/s (CPU) "
        "| index on disk (MB) | commit of 100: median (min–max) ms | peak RSS (MB) "
        "| rebuild measured |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for result in results:
        commits = result.commits.wall
        lines.append(
            f"| {result.articles:,} | {result.text_bytes / 1e6:.0f} | {result.index_wall:.0f} "
            f"| {result.articles / result.index_wall:.1f} "
            f"| {result.articles / result.index_cpu:.1f} | {result.index_bytes / 1e6:.0f} "
            f"| {statistics.median(commits):.0f} ({min(commits):.0f}–{max(commits):.0f}) "
            f"| {result.peak_rss_mb:.0f} | {result.index_built or 'this run'} |"
        )
    lines += [
        "",
        "### First query in a fresh process (index files in the OS cache)",
        "",
        "| articles | script | import (ms) | open index (ms) | first query (ms) | second (ms) |",
        "|---:|---|---:|---:|---:|---:|",
    ]
    for result in results:
        for script, cold in result.cold.items():
            lines.append(
                f"| {result.articles:,} | {script} | {cold['import'] * 1000:.0f} "
                f"| {cold['open'] * 1000:.0f} | {cold['first'] * 1000:.0f} "
                f"| {cold['second'] * 1000:.0f} |"
            )
    lines += [
        "",
        f"### Warm query latency, page of {PAGE_SIZE} (ms; {per_cell} queries per row, "
        f"{per_cell * len(SCRIPTS)} per kind)",
        "",
        "As the app's result list asks (the page and the total, no facet counts): wall-clock "
        "p50 / p95 without and with snippets of the page, CPU p95 with snippets (less "
        "sensitive to other load on the machine). Then p95 with facet counts by outlet, "
        "language and day added, as the CLI and `--json` output ask, and median hits per query.",
        "",
    ]
    for result in results:
        lines += [
            f"**{result.articles:,} articles**",
            "",
            "| kind | script | hits p50 | p50 | p95 | p50 snippets | p95 snippets "
            "| CPU p95 snippets | max snippets | p95 snippets + facets |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for kind in KINDS:
            for script in (*SCRIPTS, "all"):
                lines.append(_latency_row(result, kind, script))
        lines.append("")
    return "\n".join(lines)


def _latency_row(result: SizeResult, kind: str, script: str) -> str:
    scripts = SCRIPTS if script == "all" else (script,)
    plain = [v for s in scripts for v in result.queries[(kind, s, "plain")].wall]
    shown = [v for s in scripts for v in result.queries[(kind, s, "snippets")].wall]
    cpu = [v for s in scripts for v in result.queries[(kind, s, "snippets")].cpu]
    faceted = [v for s in scripts for v in result.queries[(kind, s, "facets")].wall]
    hits = [v for s in scripts for v in result.hits[(kind, s)]]
    p95 = percentile(shown, 0.95)
    flag = " ❌" if p95 > TARGET_P95_MS else ""
    name = f"**{kind}**" if script == "all" else kind
    label = "**all**" if script == "all" else script
    return (
        f"| {name} | {label} | {statistics.median(hits):.0f} | {_ms(statistics.median(plain))} "
        f"| {_ms(percentile(plain, 0.95))} | {_ms(statistics.median(shown))} "
        f"| {_ms(p95)}{flag} | {_ms(percentile(cpu, 0.95))} | {_ms(max(shown))} "
        f"| {_ms(percentile(faceted, 0.95))} |"
    )
