"""What the ingest benchmark records, and its section of RESULTS.md in Markdown.

A run is the JSON object :mod:`bench.ingest.probe` prints: the phases of one update (wall,
process CPU, main-thread wait for a CPU), per-stage timings, counts and checks.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Sequence
from typing import Any

from bench.common.news_site import STYLES
from bench.common.results import BenchmarkFailed
from bench.ingest.site import ITEMS_PER_FEED
from monitor.collect.extract_pool import PAGES_BEFORE_PROCESSES, process_count
from monitor.index_stage import BATCH_CHANGES

TARGET_RATE = 80.0  # issue 20: at 1,000 and at 10,000 articles, on 2 cores
# Stage names the probe records and the conclusions refer to.
WAIT_STAGE = ("collect", "waiting for finished pages (main thread, queue get)")
COMMIT_STAGE = ("index", "Whoosh: commit (write, merge)")
Run = dict[str, Any]


def total_wall(run: Run) -> float:
    return float(sum(phase["wall"] for phase in run["phases"].values()))


def total_cpu(run: Run) -> float:
    return float(sum(phase["cpu"] for phase in run["phases"].values()))


def rate(run: Run) -> float:
    """Articles stored and indexed per second of the whole update."""
    return float(min(run["stored"], run["indexed"])) / total_wall(run)


def collect_rate(run: Run) -> float:
    """Articles stored per second of the collection phase (no translation, no index)."""
    return float(run["stored"]) / float(run["phases"]["collect"]["wall"])


def index_rate(run: Run) -> float:
    return float(run["indexed"]) / float(run["phases"]["index"]["wall"])


def _spread(values: Sequence[float], digits: int = 1) -> str:
    if len(values) == 1:
        return f"{values[0]:.{digits}f}"
    return (
        f"{statistics.median(values):.{digits}f} ({min(values):.{digits}f}–"
        f"{max(values):.{digits}f})"
    )


def _median_run(runs: Sequence[Run]) -> Run:
    ordered = sorted(runs, key=total_wall)
    return ordered[(len(ordered) - 1) // 2]


def _per_cpu(run: Run, phase: str | None = None) -> float:
    """Articles per CPU-second of the whole update, or of one phase."""
    cpu = total_cpu(run) if phase is None else float(run["phases"][phase]["cpu"])
    return float(run["stored"]) / cpu


def _throughput_table(groups: dict[tuple[int, str], list[Run]]) -> list[str]:
    lines = [
        "| articles | index path | runs | update wall s | **articles/s** (stored + indexed) "
        "| collection alone articles/s | index stage articles/s "
        "| articles per CPU-s: all / collection / index | main thread waited for a CPU s "
        "| load average | site server CPU (% of ingest) | peak RSS MB | collection on disk MB |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for (size, index), runs in groups.items():
        per_cpu = " / ".join(
            _spread([_per_cpu(r, phase) for r in runs]) for phase in (None, "collect", "index")
        )
        waited = [sum(p["waited"] for p in r["phases"].values()) for r in runs]
        load = [value for r in runs for value in r["load"]]
        lines.append(
            f"| {size:,} | {index} | {len(runs)} | {_spread([total_wall(r) for r in runs])} "
            f"| **{_spread([rate(r) for r in runs])}** | {_spread([collect_rate(r) for r in runs])}"
            f" | {_spread([index_rate(r) for r in runs])} | {per_cpu} | {_spread(waited)} "
            f"| {min(load):.1f}–{max(load):.1f} "
            f"| {_spread([100 * r['server_cpu_s'] / total_cpu(r) for r in runs])} "
            f"| {_spread([r['peak_rss_mb'] for r in runs], 0)} "
            f"| {_spread([r['disk_mb'] for r in runs], 0)} |"
        )
    return lines


def _stage_table(run: Run) -> list[str]:
    """Per-stage CPU of one run, with what the wrappers did not cover, by phase."""
    size = run["stored"]
    process_cpu = total_cpu(run)
    lines = [
        f"**{size:,} articles** (the median run): {total_wall(run):.1f} s wall, "
        f"{process_cpu:.1f} CPU-s in the ingest process.",
        "",
        "| phase | stage | calls | CPU s (all threads) | share of CPU | ms CPU per article "
        "| longest call CPU s | wall s (summed over threads) |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for phase, times in run["phases"].items():
        rows = sorted(
            (s for s in run["stages"] if s["phase"] == phase), key=lambda s: -float(s["cpu"])
        )
        rest = float(times["cpu"]) - sum(float(s["cpu"]) for s in rows)
        label = {"collect": "collection", "translate": "translation", "index": "index"}[phase]
        lines.append(
            f"| **{label}** | *whole phase: {times['wall']:.1f} s wall, main thread waited "
            f"{times['waited']:.1f} s for a CPU* | | **{times['cpu']:.2f}**"
            f" | **{100 * times['cpu'] / process_cpu:.0f} %** "
            f"| {1000 * times['cpu'] / size:.1f} | | |"
        )
        for stage in rows:
            lines.append(
                f"| {label} | {stage['stage']} | {stage['calls']:,} | {stage['cpu']:.2f} "
                f"| {100 * stage['cpu'] / process_cpu:.1f} % | {1000 * stage['cpu'] / size:.2f} "
                f"| {stage['max_cpu']:.2f} | {stage['wall']:.1f} |"
            )
        lines.append(
            f"| {label} | not wrapped (pipeline loop, thread pool, progress, GC) | | {rest:.2f} "
            f"| {100 * rest / process_cpu:.1f} % | {1000 * rest / size:.2f} | | |"
        )
    return lines


def _cpu_by_stage(run: Run) -> dict[tuple[str, str], float]:
    """CPU seconds per (phase, stage), with each phase's whole and unwrapped time too."""
    cpu = {(s["phase"], s["stage"]): float(s["cpu"]) for s in run["stages"]}
    for phase, times in run["phases"].items():
        inside = sum(value for (p, _), value in cpu.items() if p == phase)
        cpu[(phase, "not wrapped")] = float(times["cpu"]) - inside
        cpu[(phase, "")] = float(times["cpu"])
    return cpu


def _scaling_table(small_runs: Sequence[Run], large_runs: Sequence[Run]) -> list[str]:
    """ms of CPU per article at both sizes, and the marginal cost of one more article.

    The marginal cost, (CPU at large − CPU at small) / (large − small), leaves out what is
    paid once per update or per process (loading language data, the first commit), which is
    what the difference between the per-article costs at the two sizes is made of.
    """
    small, large = small_runs[0]["size"], large_runs[0]["size"]
    tables = [[_cpu_by_stage(r) for r in runs] for runs in (small_runs, large_runs)]
    keys = [key for key in _cpu_by_stage(_median_run(large_runs)) if key[0] != "translate"]
    lines = [
        "**Growth**: per-stage CPU per article at both sizes (medians of the runs), and the "
        "marginal cost "
        f"of one more article between {small:,} and {large:,}: the stages whose marginal cost "
        "is above their cost at the small size get dearer as an update grows; a one-time cost "
        "(loading language data) shows as a marginal cost below it.",
        "",
        f"| phase | stage | ms CPU per article at {small:,} | at {large:,} | marginal ms per "
        "article |",
        "|---|---|---:|---:|---:|",
    ]
    for key in sorted(keys, key=lambda k: (k[0] != "collect", k[1] != "", k[1])):
        at_small = statistics.median(t.get(key, 0.0) for t in tables[0])
        at_large = statistics.median(t.get(key, 0.0) for t in tables[1])
        phase = {"collect": "collection", "index": "index"}[key[0]]
        stage = key[1] or "**whole phase**"
        lines.append(
            f"| {phase} | {stage} | {1000 * at_small / small:.2f} | {1000 * at_large / large:.2f} "
            f"| {1000 * (at_large - at_small) / (large - small):.2f} |"
        )
    return lines


def _checks(runs: Sequence[Run]) -> tuple[str, bool]:
    bad = [
        r
        for r in runs
        if not r["stored"] == r["indexed"] == r["size"] or r["pending"] or r["with_error"]
    ]
    agreement = min(r["language_agreement"] for r in runs)
    ratio = min(r["text_ratio"] for r in runs)
    text = (
        f"Every run stored and indexed exactly the articles the feeds listed, none left "
        f"below DETECTED, none with an error: {'**no**' if bad else 'yes'}. Detected language "
        f"agreed with the generated one for ≥ {100 * agreement:.1f} % of articles; extracted "
        f"text was ≥ {100 * ratio:.1f} % of the generated text's length (boilerplate removed)."
    )
    return text, not bad


def report(runs: Sequence[Run], page_bytes: float, *, use_eval: bool) -> str:
    groups: dict[tuple[int, str], list[Run]] = {}
    for run in sorted(runs, key=lambda r: (r["index"] != "incremental", r["size"])):
        groups.setdefault((run["size"], run["index"]), []).append(run)
    incremental = {size: rs for (size, index), rs in groups.items() if index == "incremental"}
    small, large = min(incremental), max(incremental)
    median_small, median_large = _median_run(incremental[small]), _median_run(incremental[large])
    checks, sane = _checks(runs)
    if not sane:
        wrong = [
            f"{r['size']:,} ({r['index']}): stored {r['stored']}, indexed {r['indexed']},"
            f" pending {r['pending']}, with an error {r['with_error']}"
            for r in runs
            if not r["stored"] == r["indexed"] == r["size"] or r["pending"] or r["with_error"]
        ]
        raise BenchmarkFailed(
            "not every article was stored, extracted and indexed: " + "; ".join(wrong)
        )
    first = runs[0]
    feeds = first["sources"]
    wrapped = max(r["wrapped_calls"] for r in runs)
    legacy = [style.encoding for style in STYLES.values() if style.encoding != "utf-8"]
    overhead = max(r["wrapped_calls"] * r["wrapper_cost_s"] / total_cpu(r) for r in runs)
    lines = [
        f"Site: {len(STYLES)} outlets on 127.0.0.1 (a separate process), RSS 2.0 and Atom "
        f"feeds of {ITEMS_PER_FEED} items ({feeds} feeds at {first['size']:,} articles), "
        f"{len(legacy)} outlets in legacy encodings ({', '.join(sorted(set(legacy)))}); "
        "article pages of "
        f"{page_bytes / 1024:.0f} KB on average (gzip on the wire) with menus, related and "
        f"most-read lists, footer, inline scripts and JSON-LD around the text. Texts from "
        f"`bench/common/corpus.py` ({'evaluation-corpus' if use_eval else 'built-in'} vocabulary; "
        "ko 25 %, ru 25 %, zh 20 %, uk 20 %, en 10 %). No translation models are installed.",
        "",
        "Each run is a fresh process: `open_monitor(data_dir, fetch_settings=...)`, the feeds "
        "added as sources, then `Monitor.update_iter()` to the end (collection, translation "
        "stage, index stage). **Politeness is lifted for the loopback site** "
        "(`per_host_concurrency=8, min_host_interval=0`; the product's defaults are 2 and "
        "1 s, which would hold one host to one request per second): this measures processing, "
        "not politeness. The pipeline's own 4 worker threads are left as they are. "
        "*incremental*: the collection's (empty) index was synced before the update, as the "
        "app does at start, so the index stage commits batches of "
        f"{BATCH_CHANGES:,} changes through `SearchIndex.apply` — every update but a "
        "collection's first. *fresh*: the first update of a new collection, whose index "
        "stage rebuilds the index in bulk. Once an update has "
        f"{PAGES_BEFORE_PROCESSES} pages to extract, the rest are extracted in "
        f"{process_count()} worker processes (`monitor.collect.extract_pool`); their CPU "
        "is counted in the collection phase and in *articles per CPU-s*.",
        "",
        *_throughput_table(groups),
        "",
        "Medians with (min–max). The machine is shared: *main thread waited for a CPU* is how "
        "long the update's main thread was ready to run while other processes had both cores "
        "(Linux schedstat), and the load average is taken at the start and end of each run. "
        "Wall-clock rates move with that load; *articles per CPU-s* hardly does.",
        "",
        checks,
        "",
        "### Where the time goes",
        "",
        "Method: the probe wraps, in its own process only, the functions the pipeline calls "
        "(`Fetcher.fetch`, `parse_feed`, `decode_document`, `extract_page` in a thread and "
        "`ExtractionPool.extract` waiting for a worker process, "
        "`detect_language_with_hint`, the main loop's wait for finished pages on its queue, every "
        "public method of `Store` (and of the store classes it inherits), `TranslationStore`, "
        "`ChangeLog`, `NameStore`, `NoteStore` and `StoryStore`, `segment`, `index_document`, "
        "`article_entities` (the alias table), `names_by_model`/`found_by_model` (the Russian "
        "NER model), `StoryGrouper.settle`, `SearchIndex.apply`/`rebuild`, Whoosh's "
        "`SegmentWriter.commit`), and stops if one of them was not called. The extraction "
        "workers' CPU is taken from `getrusage(RUSAGE_CHILDREN)` once they have ended (at the "
        "end of the collection). Each call's own "
        "CPU time (`time.thread_time`, so a worker "
        "waiting for the GIL or the network is not busy) is summed over threads; a wrapped call "
        "inside another is subtracted from the outer one, so rows add up. The rest of each "
        "phase's process CPU is the row *not wrapped*. Overhead: "
        f"{wrapped:,} wrapped calls × {1e6 * first['wrapper_cost_s']:.1f} µs ≤ "
        f"{100 * overhead:.2f} % of the run's CPU. The *wall* column sums the threads' wall "
        "time: for the four fetch workers it includes waiting for the server and for the GIL.",
        "",
        *_stage_table(median_large),
        "",
    ]
    if small != large:
        lines += [*_scaling_table(incremental[small], incremental[large]), ""]
    lines += _conclusions(median_small, median_large, incremental)
    return "\n".join(lines) + "\n"


def _stage_cpu(run: Run, phase: str, prefix: str = "") -> float:
    return sum(
        float(s["cpu"])
        for s in run["stages"]
        if s["phase"] == phase and s["stage"].startswith(prefix)
    )


def _per_article(runs: Sequence[Run], stage: tuple[str, str]) -> float:
    """Median ms of CPU per article that ``stage`` took in ``runs``."""
    return statistics.median(
        1000 * _cpu_by_stage(r).get(stage, 0.0) / float(r["size"]) for r in runs
    )


def _longest(run: Run, stage: tuple[str, str]) -> float:
    return max(
        (float(s["max_cpu"]) for s in run["stages"] if (s["phase"], s["stage"]) == stage),
        default=0.0,
    )


def _conclusions(small_run: Run, large_run: Run, incremental: dict[int, list[Run]]) -> list[str]:
    small, large = small_run["size"], large_run["size"]
    small_runs = incremental[small]

    def median(function: Callable[[Run], float], size: int) -> float:
        return statistics.median(function(r) for r in incremental[size])

    rates = {size: median(rate, size) for size in (small, large)}
    collect = {size: median(collect_rate, size) for size in (small, large)}
    indexing = {size: median(index_rate, size) for size in (small, large)}
    cpu_ms = 1000 * total_cpu(large_run) / large
    collect_ms = 1000 * large_run["phases"]["collect"]["cpu"] / large
    index_ms = 1000 * large_run["phases"]["index"]["cpu"] / large
    extraction = _stage_cpu(large_run, "collect", "page extraction")
    detect = ("collect", "language detection")
    detection = [_cpu_by_stage(r).get(detect, 0.0) for r in (small_run, large_run)]
    marginal = (detection[1] - detection[0]) / (large - small) if large > small else 0.0
    documents = sum(
        s["calls"] for s in large_run["stages"] if s["stage"] == "index documents from articles"
    )
    twice = documents / max(1, large_run["indexed"])
    waited = sum(float(phase["waited"]) for phase in large_run["phases"].values())
    met = rates[large] >= TARGET_RATE
    lines = [
        "### What this says",
        "",
        f"* **Target ≥ {TARGET_RATE:.0f} articles/s end to end: "
        f"{'met' if met else 'missed'}** — {rates[large]:.1f} articles/s at {large:,} articles, "
        f"{rates[small]:.1f} at {small:,} (wall clock, on a loaded machine). Collection alone "
        f"(fetch, parse, extract, detect, store; no index) ran at {collect[large]:.1f} "
        f"articles/s at {large:,} ({collect[small]:.1f} at {small:,}).",
        f"* **CPU is the limit, not the network or the site:** {cpu_ms:.0f} ms of CPU per "
        f"article at {large:,} ({collect_ms:.0f} ms collection, extraction workers included; "
        f"{index_ms:.0f} ms index); the site server used "
        f"{100 * large_run['server_cpu_s'] / total_cpu(large_run):.1f} % as much. "
        f"{TARGET_RATE:.0f} articles/s on 2 cores needs ≤ {2000 / TARGET_RATE:.0f} ms of CPU "
        "per article with both cores busy all the time. The index stage runs on one thread "
        "(entity finding, story grouping and Whoosh, all holding the GIL) after the "
        f"collection: at {index_ms:.1f} ms per article it alone holds an update to "
        f"{1000 / index_ms:.0f} articles/s. Without the {waited:.0f} s its main thread waited "
        f"for a CPU, the {large:,}-article update would have taken about "
        f"{total_wall(large_run) - waited:.0f} s "
        f"({large / (total_wall(large_run) - waited):.1f} articles/s).",
        f"* **The index stage is {100 * index_ms / cpu_ms:.0f} % of the CPU** at {large:,} "
        f"articles: Whoosh {1000 * _stage_cpu(large_run, 'index', 'Whoosh') / large:.1f} ms "
        "per article (analysis, posting lists, commit: per-token Python), entity finding "
        f"{1000 * _stage_cpu(large_run, 'index', 'entities') / large:.1f} ms (the alias "
        "table in every article, the Russian NER model in Russian ones), story grouping "
        f"{1000 * _stage_cpu(large_run, 'index', 'stories') / large:.1f} ms. It built "
        f"{documents:,} index documents for {large_run['indexed']:,} articles ({twice:.1f} per "
        "article: an article gets two or three changes in the log and the stage writes it "
        "once). Whoosh's commit: "
        f"{_per_article(small_runs, COMMIT_STAGE):.1f} ms CPU per article at "
        f"{small:,}, {_per_article([large_run], COMMIT_STAGE):.1f} at {large:,}; the longest "
        f"single commit took {_longest(large_run, COMMIT_STAGE):.0f} s of CPU (only small "
        "segments are merged: `indexes.index.merge_small_segments`; Whoosh's own policy "
        "merged the whole index every ~17 commits, 140 CPU-s in one commit at 10,000).",
        f"* Page extraction (lxml + trafilatura) costs "
        f"{1000 * extraction / large:.1f} ms CPU per page "
        f"({100 * extraction / total_cpu(large_run):.0f} % of all CPU), in worker processes "
        f"after the first {PAGES_BEFORE_PROCESSES} pages. trafilatura's fast mode is not "
        "used: on the evaluation pages (`python -m bench.extraction`, *always fast*, "
        "2026-12-07) it lowered Korean recall from 1.000 to 0.958. Language detection "
        f"costs about {1000 * marginal:.2f} ms per article, plus about "
        f"{detection[0] - marginal * small:.1f} s of CPU once per process to load its data "
        "(langdetect profiles, pymorphy3 dictionaries): most of its time in a small update.",
        f"* The collection's main loop spent {_per_article(small_runs, WAIT_STAGE):.2f} ms CPU "
        f"per article at {small:,} and {_per_article([large_run], WAIT_STAGE):.2f} at "
        f"{large:,} waiting for finished pages on its queue (before the queue, each "
        "`concurrent.futures.wait` walked every page still pending, a cost that grew with the "
        "square of the update's size: 3.8 ms per article at 10,000).",
        f"* Scaling from {small:,} to {large:,} articles ({large / small:.3g}×): end-to-end rate "
        f"×{rates[large] / rates[small]:.2f}, collection ×{collect[large] / collect[small]:.2f}, "
        f"index stage ×{indexing[large] / indexing[small]:.2f} (×1.00 is linear; below 1, each "
        "article costs more in a bigger update: the index's segment merges grow with it; "
        "above 1, one-time costs such as loading the language data are spread thinner).",
    ]
    return lines
