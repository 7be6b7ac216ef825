"""The fast-commands benchmark: how long the installed ``media-monitor`` takes to answer.

Targets (the fast-commands issue), medians of cold runs, each a new process:

* ``media-monitor --version`` and ``--help``: under 0.3 s;
* ``articles list``, ``sources list`` and ``search спутник`` on the demo collection: under
  0.6 s each;
* closing the desktop window (Quit, Ctrl+Q) with no long job running: under 0.5 s from the
  request to the process's exit; measured on the demo collection just opened, and after
  loading the demo collection in the window (a session whose work filled the heap that the
  interpreter's teardown walks).

The demo collection is made once by the script itself (``media-monitor demo``). Every run is
a fresh process of the installed script (``media-monitor`` beside ``sys.executable``), timed
from just before it is started to its exit; the commands take turns, round by round, so that
whatever else loads the machine loads them all alike, and a warm-up round (not counted)
fills the bytecode cache an installed app has. A run counts only once its exit status and
its output are right: the version printed, every command in the help, every demo article
listed, every demo outlet listed, at least one hit found.

The window is closed by :mod:`bench.ui.probe` ``close``, which starts the app offscreen the
way the script does, waits until the list is filled (and the demo loaded, in the second
variant: a new empty folder each run) and the window has settled, presses Quit and records
that moment; the time counted is from there to the process's exit (``time.monotonic`` is one
clock for all processes on Linux). A loaded folder must then hold the demo's articles.

Alone: ``python -m bench.cli [--quick]``.
"""

from __future__ import annotations

import json
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.common.children import child_env, start_module
from bench.common.settings import Settings
from monitor import __version__
from monitor.demo import DEMO_OUTLETS

SCRIPT = Path(sys.executable).with_name("media-monitor")
SEARCH_WORD = "спутник"
CLOSE = "close the window (Ctrl+Q → exit)"
CLOSE_AFTER_LOAD = "close after loading the demo in the window"
TIMEOUT_S = 120


@dataclass(frozen=True)
class Command:
    """A command line of the script, its target, and the check its output must pass."""

    label: str
    arguments: tuple[str, ...]
    target: float
    check: Callable[[str], str | None]  # output -> a problem, or None if it is right


@dataclass
class Timings:
    """The counted runs of one command (seconds)."""

    command: str
    target: float
    seconds: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def commands(article_count: int) -> list[Command]:
    """The timed commands, each checking its output against the demo collection."""
    outlets = [outlet.name for outlet in DEMO_OUTLETS]
    subcommands = ("sources", "update", "articles", "show", "search", "models", "watch")

    def version(out: str) -> str | None:
        return None if out.strip() == f"media-monitor {__version__}" else "wrong version line"

    def usage(out: str) -> str | None:
        missing = [name for name in subcommands if name not in out]
        if not out.startswith("usage: media-monitor") or missing:
            return f"not the help (missing {missing})"
        return None

    def articles(out: str) -> str | None:
        rows = [line for line in out.splitlines() if re.match(r"\s*\d+\s", line)]
        if len(rows) != article_count:
            return f"{len(rows)} articles listed, the demo has {article_count}"
        return None

    def sources(out: str) -> str | None:
        missing = [name for name in outlets if name not in out]
        return f"outlets missing: {missing}" if missing else None

    def search(out: str) -> str | None:
        found = re.match(r"(\d+) match(?:es)?\b", out)
        if found is None or int(found.group(1)) < 1 or SEARCH_WORD not in out.lower():
            return "no hit for the demo's satellite story"
        return None

    return [
        Command("--version", ("--version",), 0.3, version),
        Command("--help", ("--help",), 0.3, usage),
        Command("articles list", ("articles", "list"), 0.6, articles),
        Command("sources list", ("sources", "list"), 0.6, sources),
        Command(f"search {SEARCH_WORD}", ("search", SEARCH_WORD), 0.6, search),
    ]


def make_demo(data_dir: Path, env: dict[str, str]) -> int:
    """Load the demo collection with the script; returns how many articles it holds."""
    done = _script(["demo"], env)
    if done.returncode != 0 or "Loading the demo collection" not in done.stdout:
        raise RuntimeError(f"`media-monitor demo` failed ({done.returncode}):\n{done.stderr}")
    listed = _script(["articles", "list", "--json"], env)
    count = len(json.loads(listed.stdout))
    if count == 0:
        raise RuntimeError(f"the demo collection in {data_dir} holds no articles")
    return count


def _script(arguments: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), *arguments],
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        check=False,
    )


def time_command(command: Command, env: dict[str, str]) -> float:
    """One checked run of the script: seconds from start to exit."""
    started = time.perf_counter()
    done = _script(list(command.arguments), env)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(
            f"`media-monitor {command.label}` exited with {done.returncode}:\n{done.stderr}"
        )
    problem = command.check(done.stdout)
    if problem is not None:
        raise RuntimeError(f"`media-monitor {command.label}`: {problem}:\n{done.stdout[:2000]}")
    return seconds


def time_close(data_dir: Path, workdir: Path, *, load_demo: bool = False) -> float:
    """Start the app on ``data_dir``, quit it once settled; seconds from Quit to exit.

    ``load_demo``: the folder is empty and the demo is loaded in the window first.
    """
    out = workdir / "cli-close.json"
    out.unlink(missing_ok=True)
    arguments = ["close", str(data_dir), str(out), *(["--load-demo"] if load_demo else [])]
    child = start_module(
        "bench.ui.probe",
        *arguments,
        env=child_env(workdir),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _, errors = child.communicate(timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        child.kill()
        child.communicate()
        raise RuntimeError("the app did not exit after Quit") from None
    exited = time.monotonic()
    if child.returncode != 0 or not out.exists():
        raise RuntimeError(f"the app exited with {child.returncode}:\n{errors}")
    marks = json.loads(out.read_text("utf-8"))["marks"]
    if "list_filled" not in marks:
        raise RuntimeError("the window never listed any articles")
    if load_demo and "work_done" not in marks:
        raise RuntimeError("the demo was still loading when the window was closed")
    return exited - float(marks["close_requested"])


def _stored_articles(data_dir: Path, env: dict[str, str]) -> int:
    listed = _script(["--data-dir", str(data_dir), "articles", "list", "--json"], env)
    if listed.returncode != 0:
        raise RuntimeError(f"cannot list the articles in {data_dir}:\n{listed.stderr}")
    return len(json.loads(listed.stdout))


def measure(
    workdir: Path, runs: int, log: Callable[[str], None]
) -> tuple[list[Timings], int, Path]:
    """The demo collection, then ``runs`` rounds of every command and the window close."""
    workdir.mkdir(parents=True, exist_ok=True)
    data_dir = workdir / "cli-demo"
    env = {**child_env(workdir), "MEDIA_MONITOR_HOME": str(data_dir)}
    article_count = make_demo(data_dir, env)
    log(f"cli: demo collection of {article_count} articles in {data_dir}")
    timed = commands(article_count)
    results = [Timings(command.label, command.target) for command in timed]
    results += [Timings(CLOSE, 0.5), Timings(CLOSE_AFTER_LOAD, 0.5)]
    for round_number in range(runs + 1):  # round 0 warms up, and is not counted
        seconds = [time_command(command, env) for command in timed]
        seconds.append(time_close(data_dir, workdir))
        loaded = workdir / f"cli-loaded-{round_number}"
        seconds.append(time_close(loaded, workdir, load_demo=True))
        if _stored_articles(loaded, env) != article_count:
            raise RuntimeError(f"the demo loaded in the window is not the demo in {loaded}")
        shutil.rmtree(loaded)
        if round_number:
            for timings, value in zip(results, seconds, strict=True):
                timings.seconds.append(value)
        log(f"cli: round {round_number}/{runs} done")
    return results, article_count, data_dir


def report(results: list[Timings], article_count: int, *, quick: bool) -> str:
    """The benchmark's section of RESULTS.md."""
    runs = len(results[0].seconds)
    lines = [
        f"Each row: {runs} runs{' (`--quick`)' if quick else ''}, each a new process of the "
        f"installed `media-monitor` script, interleaved round by round after a warm-up round; "
        f"the demo collection ({article_count} articles). A run counts only once its exit "
        "status and output were checked.",
        "",
        "| Command | runs | **median s** | min–max s | target s | met |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for timings in results:
        met = "yes" if timings.median < timings.target else "**no**"
        lines.append(
            f"| `{timings.command}` | {len(timings.seconds)} | **{timings.median:.3f}** | "
            f"{min(timings.seconds):.3f}–{max(timings.seconds):.3f} | < {timings.target} | "
            f"{met} |"
        )
    missed = [t.command for t in results if t.median >= t.target]
    lines += [
        "",
        "Window close: the app started offscreen on the demo collection, its list filled, "
        "0.5 s to settle, then Quit (Ctrl+Q); from that moment to the process's exit. "
        "After loading: the same on a new empty folder each run, once the window's "
        '"Load the demo collection" job had finished (the folder then held the demo).',
        "",
        f"Targets missed: {', '.join(missed)}." if missed else "Every target met.",
    ]
    return "\n".join(lines) + "\n"


def run(settings: Settings) -> str:
    """Time the commands and the window close; returns this benchmark's section."""
    if not SCRIPT.exists():
        raise RuntimeError(f"no installed script at {SCRIPT}: pip install -e . first")
    runs = 3 if settings.quick else 7
    results, article_count, _ = measure(settings.workdir / "cli", runs, settings.log)
    return report(results, article_count, quick=settings.quick)
