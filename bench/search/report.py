"""What the search benchmark records, and its section of RESULTS.md in Markdown."""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from bench.common.corpus import Corpus
from bench.search.queries import KINDS, SCRIPTS

# The app: no snippets; snippets (the result list); snippets + facets (CLI); newest first with
# snippets, and without. Plain Whoosh on the same index (bench.search.baseline): the page and
# total; with Whoosh's highlights; newest first.
MODES = (
    "plain", "snippets", "facets", "date", "date plain", "whoosh", "whoosh snippets",
    "whoosh date",
)  # fmt: skip
PAGE_SIZE = 20
# Issue 20's goals at 100k articles, p95 with snippets: ms per kind; a date-ordered first page.
TARGET_P95_MS = {"term": 100.0, "and": 100.0, "phrase": 100.0, "prefix": 250.0}
TARGET_DATE_P95_MS = 50.0
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
    whoosh_hits: dict[tuple[str, str], list[int]]
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
    lines += _tables(
        results,
        "| kind | script | hits p50 | p50 | p95 | p50 snippets | p95 snippets "
        "| CPU p95 snippets | max snippets | p95 snippets + facets |",
        _latency_row,
    )
    lines += [
        "### Newest first, and the app against plain Whoosh (same index, same queries)",
        "",
        "Wall-clock ms, p50 / p95. *Newest first*: the app's first page sorted by date, with "
        f"snippets (goal: p95 ≤ {TARGET_DATE_P95_MS:.0f} ms at 100k). *Plain Whoosh* "
        "(`bench/search/baseline.py`): the stock parser over the fields holding that script's "
        "articles, `Searcher.search` and `len(results)`; with Whoosh's `Hit.highlights`; and "
        "`sortedby` the date. It searches fewer fields than the app and widens nothing, so it "
        "finds fewer hits (its median beside the app's). *Overhead*: the app's p50 over "
        "plain Whoosh's p50, like for like: newest first without snippets against Whoosh's "
        "date sort; the page and total without snippets; snippets against Whoosh's highlights.",
        "",
    ]
    lines += _tables(
        results,
        "| kind | script | hits app / Whoosh | newest first, snippets | newest first "
        "| Whoosh newest first | overhead | app | Whoosh | overhead | app snippets "
        "| Whoosh highlights | overhead |",
        _baseline_row,
    )
    return "\n".join(lines)


def _tables(
    results: Sequence[SizeResult], header: str, row: Callable[[SizeResult, str, str], str]
) -> list[str]:
    """One table per size: ``header``'s columns, a ``row`` per kind and script."""
    lines: list[str] = []
    columns = header.count("|") - 1
    for result in results:
        lines += [
            f"**{result.articles:,} articles**",
            "",
            header,
            "|---|---|" + "---:|" * (columns - 2),
        ]
        for kind in KINDS:
            for script in (*SCRIPTS, "all"):
                lines.append(row(result, kind, script))
        lines.append("")
    return lines


def _walls(result: SizeResult, kind: str, script: str, mode: str) -> list[float]:
    scripts = SCRIPTS if script == "all" else (script,)
    return [value for s in scripts for value in result.queries[(kind, s, mode)].wall]


def _p50_p95(values: Sequence[float], target: float | None = None) -> str:
    p95 = percentile(values, 0.95)
    flag = " ❌" if target is not None and p95 > target else ""
    return f"{_ms(statistics.median(values))} / {_ms(p95)}{flag}"


def _baseline_row(result: SizeResult, kind: str, script: str) -> str:
    scripts = SCRIPTS if script == "all" else (script,)
    app_hits = [v for s in scripts for v in result.hits[(kind, s)]]
    whoosh_hits = [v for s in scripts for v in result.whoosh_hits[(kind, s)]]
    cells = [
        f"{statistics.median(app_hits):.0f} / {statistics.median(whoosh_hits):.0f}",
        _p50_p95(_walls(result, kind, script, "date"), TARGET_DATE_P95_MS),
    ]
    for app, whoosh, target in (
        ("date plain", "whoosh date", None),
        ("plain", "whoosh", None),
        ("snippets", "whoosh snippets", None),
    ):
        app_walls, whoosh_walls = (
            _walls(result, kind, script, app),
            _walls(result, kind, script, whoosh),
        )
        ratio = statistics.median(app_walls) / max(statistics.median(whoosh_walls), 1e-9)
        cells += [_p50_p95(app_walls, target), _p50_p95(whoosh_walls), f"{ratio:.2f}×"]
    name = f"**{kind}**" if script == "all" else kind
    label = "**all**" if script == "all" else script
    return f"| {name} | {label} | " + " | ".join(cells) + " |"


def _latency_row(result: SizeResult, kind: str, script: str) -> str:
    scripts = SCRIPTS if script == "all" else (script,)
    plain = [v for s in scripts for v in result.queries[(kind, s, "plain")].wall]
    shown = [v for s in scripts for v in result.queries[(kind, s, "snippets")].wall]
    cpu = [v for s in scripts for v in result.queries[(kind, s, "snippets")].cpu]
    faceted = [v for s in scripts for v in result.queries[(kind, s, "facets")].wall]
    hits = [v for s in scripts for v in result.hits[(kind, s)]]
    p95 = percentile(shown, 0.95)
    flag = " ❌" if p95 > TARGET_P95_MS[kind] else ""
    name = f"**{kind}**" if script == "all" else kind
    label = "**all**" if script == "all" else script
    return (
        f"| {name} | {label} | {statistics.median(hits):.0f} | {_ms(statistics.median(plain))} "
        f"| {_ms(percentile(plain, 0.95))} | {_ms(statistics.median(shown))} "
        f"| {_ms(p95)}{flag} | {_ms(percentile(cpu, 0.95))} | {_ms(max(shown))} "
        f"| {_ms(percentile(faceted, 0.95))} |"
    )
