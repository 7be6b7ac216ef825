"""The UI benchmark's section of RESULTS.md: cold starts, lag runs and their stalls as tables.

The runs come from :mod:`bench.ui.benchmark` (cold starts) and :func:`bench.ui.watch.analyse_lag`
(lag runs); :func:`report` renders them with a short verdict on each target.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field

from bench.ui.watch import PHASES, TICK_MS, LagRun, Stall, busy_threads, main_label, percentile

_START_COLUMNS = (
    "probe_started",
    "window_shown",
    "first_frame",
    "main_waited",
    "cpu",
    "list_filled",
)


@dataclass
class ColdStart:
    """The runs of one start variant: seconds after launch of each moment, and CPU seconds."""

    label: str
    runs: list[dict[str, float]] = field(default_factory=list)

    def column(self, key: str) -> list[float]:
        return [run[key] for run in self.runs if key in run]


# --- the report ---------------------------------------------------------------------------


def _ms(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 else f"{value:.1f}"


def _seconds(values: list[float]) -> str:
    if not values:
        return "–"
    return f"{statistics.median(values):.2f} ({min(values):.2f}–{max(values):.2f})"


def _lag_cells(lags: list[float]) -> str:
    cells = [percentile(lags, share) for share in (0.5, 0.95, 0.99)] + [max(lags, default=0)]
    over = [sum(lag > limit for lag in lags) for limit in (50, 100)]
    return " | ".join([*(_ms(cell) for cell in cells), *(str(count) for count in over)])


def _answers(values: list[float]) -> str:
    if not values:
        return "–"
    return f"{statistics.median(values) / 1000:.2f} ({max(values) / 1000:.2f})"


def _start_table(starts: list[ColdStart]) -> list[str]:
    lines = [
        "| Data folder | runs | Python up | window shown | **first frame**"
        " | main thread waited for a CPU | CPU s by then | list filled |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for start in starts:
        cells = [_seconds(start.column(key)) for key in _START_COLUMNS]
        cells[2] = f"**{cells[2]}**"
        lines.append(f"| {start.label} | {len(start.runs)} | {' | '.join(cells)} |")
    return lines


def _lag_tables(runs: list[LagRun]) -> list[str]:
    lines = [
        "| New articles | user | update s | collect / translate / index s | ticks | p50 ms"
        " | p95 ms | **p99 ms** | max ms | >50 ms | >100 ms | indexed at the end | app CPU s"
        " | app peak MB |",
        "|---:|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|",
    ]
    for run in runs:
        phases = " / ".join(
            f"{run.phase_seconds[p]:.1f}" for p in ("collecting", "translating", "indexing")
        )
        cells = _lag_cells(run.all_lags).split(" | ")
        cells[2] = f"**{cells[2]}**"
        state = f"{run.indexed}/{run.size + run.existing}"
        if run.problem:
            state += f" ({run.problem})"
        lines.append(
            f"| {run.size:,} | {run.user} | {run.seconds:.1f} | {phases} | {len(run.all_lags):,}"
            f" | {' | '.join(cells)} | {state} | {run.cpu_seconds:.0f} | {run.peak_rss_mb:,.0f} |"
        )
    lines += [
        "",
        "What the user got, in seconds, median (max): search results from the moment the"
        " search was sent (typing plus the 300 ms pause), and an article's text from the"
        " moment it was selected.",
        "",
        "| New articles | user | searches answered | articles opened | not answered by the end |",
        "|---:|---|---:|---:|---:|",
        *(
            f"| {run.size:,} | {run.user} | {_answers(run.search_ms)} | {_answers(run.open_ms)}"
            f" | {run.unanswered} |"
            for run in runs
        ),
    ]
    return lines


def _phase_table(run: LagRun) -> list[str]:
    lines = [
        f"By phase, {run.size:,} new articles, {run.user} (idle: the 0.5 s before the update;"
        " after: until a query on the reader thread, queued behind the user's last requests,"
        " has counted the collection). In the stalls over 50 ms, the main"
        " thread ran / waited for a CPU / was blocked (the GIL), as shares of their length.",
        "",
        "| Phase | s | p50 ms | p95 ms | p99 ms | max ms | >50 ms | >100 ms"
        " | main thread in stalls |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for phase in PHASES:
        stalls = [stall for stall in run.stalls if stall.phase == phase]
        lines.append(
            f"| {phase} | {run.phase_seconds[phase]:.1f} | {_lag_cells(run.lags[phase])}"
            f" | {_split(stalls)} |"
        )
    return lines


def _split(stalls: list[Stall]) -> str:
    total = sum(stall.lag + TICK_MS for stall in stalls)
    if not total:
        return "–"
    parts = (
        sum(s.main_running for s in stalls),
        sum(s.main_runnable for s in stalls),
        sum(s.main_blocked for s in stalls),
    )
    return " / ".join(f"{part / total:.0%}" for part in parts)


def _stall_tables(run: LagRun) -> list[str]:
    if not run.stalls:
        return []
    longest = sorted(run.stalls, key=lambda stall: -stall.lag)[:6]
    lines = [
        f"The longest stalls ({run.size:,} new articles, {run.user}): the main thread's time"
        " in ms, the other threads' CPU ms around the stall, and what the watchdog saw them"
        " run (Python threads show their frames; CTranslate2's own threads have none).",
        "",
        "| at s (phase) | stall ms | main: ran / waited for CPU / blocked | busiest threads,"
        " CPU ms | running |",
        "|---|---:|---|---|---|",
    ]
    for stall in longest:
        busiest = sorted(stall.others_cpu.items(), key=lambda item: -item[1])[:2]
        threads = ", ".join(f"{name.rsplit('_', 1)[0]} {cpu:.0f}" for name, cpu in busiest)
        seen = Counter(stall.frames).most_common(1)
        lines.append(
            f"| {stall.start - run.started:.1f} ({stall.phase}) | {stall.lag:,.0f}"
            f" | {stall.main_running:.0f} / {stall.main_runnable:.0f} / {stall.main_blocked:.0f}"
            f" | {threads} | {f'`{seen[0][0]}`' if seen else '–'} |"
        )
    main = Counter(main_label(sample["main"]) for sample in run.samples)
    workers = Counter(label for sample in run.samples for label in busy_threads(sample))
    total = sum(main.values())
    lines += [
        "",
        f"All {total} watchdog samples (taken whenever the timer was over 40 ms late):",
        "",
        "| Main thread was in | samples |",
        "|---|---:|",
        *(f"| {where} | {count} ({count / total:.0%}) |" for where, count in main.most_common(5)),
        "",
        "| Other threads running Python meanwhile | samples |",
        "|---|---:|",
        *(f"| `{where}` | {count} |" for where, count in workers.most_common(8)),
    ]
    return lines


def _verdicts(starts: list[ColdStart], run: LagRun) -> list[str]:
    first_frames = {s.label: statistics.median(s.column("first_frame")) for s in starts}
    waited = max(statistics.median(s.column("main_waited") or [0.0]) for s in starts)
    p99 = percentile(run.all_lags, 0.99)
    busiest: Counter[str] = Counter()
    for stall in sorted(run.stalls, key=lambda stall: -stall.lag)[:3]:
        busiest.update({name.rsplit("_", 1)[0]: cpu for name, cpu in stall.others_cpu.items()})
    return [
        f"Cold start: {'met' if max(first_frames.values()) < 1.5 else 'missed'} (target"
        " < 1.5 s): first frame after "
        + ", ".join(f"{seconds:.2f} s ({label})" for label, seconds in first_frames.items())
        + f"; up to {waited:.2f} s of that the main thread was ready but had no CPU (a busy"
        " machine: on an idle one the window comes about that much sooner).",
        f"Event-loop lag with {run.size:,} new articles: p99 {p99:.0f} ms against a target"
        f" of < 50 ms: {'met' if p99 < 50 else 'missed'}; the longest stall"
        f" {max(run.all_lags, default=0):,.0f} ms; in its stalls over 50 ms the main thread"
        f" ran / waited for a CPU / was blocked {_split(run.stalls)} of the time. Busiest"
        " other threads in the three longest stalls (CPU ms): "
        + ", ".join(f"{name} {cpu:,.0f}" for name, cpu in busiest.most_common(3))
        + ".",
        f"The user's requests during the update: searches answered after"
        f" {_answers(run.search_ms)} s, articles opened after {_answers(run.open_ms)} s"
        f" (median (max)); {run.unanswered} not answered before the update ended.",
    ]


def report(
    starts: list[ColdStart],
    runs: list[LagRun],
    imports: tuple[float, list[tuple[str, float]]] | None,
    *,
    quick: bool,
) -> str:
    headline = [run for run in runs if run.user == "search-and-read"] or runs
    biggest = max(headline, key=lambda run: run.size)
    lines = [
        "### Cold start",
        "",
        "From launch (the parent's clock just before it starts the child) to the first frame"
        " of the main window: its first Paint event, taken at the next turn of the event loop,"
        " when the whole window has painted. `python -m bench.ui.probe start`, offscreen, warm"
        " OS file cache; median (min–max) seconds. *Waited for a CPU*: until the first frame,"
        " the main thread was ready to run but every CPU was busy (this machine is shared);"
        " *CPU s by then*: the process's CPU time at the first frame; *list filled*: the"
        " article list has its rows.",
        "",
        *_start_table(starts),
        "",
    ]
    if imports is not None:
        total, top = imports
        lines += [
            f"Importing what the app loads before its window takes {total:.2f} s"
            " (`python -X importtime`, median). By what pulls it in: a third-party package"
            " with the app module that first imports it, its own imports included:",
            "",
            "| Imports | s | share |",
            "|---|---:|---:|",
            *(f"| {package} | {seconds:.3f} | {seconds / total:.0%} |" for package, seconds in top),
            "",
        ]
    lines += [
        "### Event-loop lag during an update",
        "",
        "A 5 ms timer on the main thread (lag = interval − 5 ms) while the app, after"
        ' "Update now", collects N new articles (ko/ru/zh/uk) from a local site into a'
        f" collection of {biggest.existing}, translates them with tiny genuine Argos models"
        " (the transformer-base copy model does ~2 sentences/s here: far too slow for this)"
        " and indexes them (app CPU and memory: the whole child process, start to end)."
        " Every second the simulated user types a search or moves to the"
        " next article (*search-and-read*) or only moves on (*read*). Politeness delays are"
        " lifted for the loopback site.",
        "",
        *_lag_tables(runs),
        "",
        *_phase_table(biggest),
        "",
        *_stall_tables(biggest),
        "",
        "**What this says.**",
        *_verdicts(starts, biggest),
    ]
    if quick:
        lines.append("(`--quick`: fewer articles and start runs; the full run is the reference.)")
    return "\n".join(lines) + "\n"
