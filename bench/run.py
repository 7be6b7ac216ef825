"""Run the benchmarks and record their results in bench/RESULTS.md.

    .venv/bin/python -m bench.run [--quick] [--only search] [--sizes 2000,5000] [--fresh]

Each benchmark is a package of :mod:`bench` whose ``run`` function takes
:class:`~bench.common.settings.Settings` and returns its section of RESULTS.md as Markdown;
:data:`BENCHMARKS` lists them. A run replaces only the sections of the benchmarks it ran
(:mod:`bench.common.results`), so notes written around them by hand and the results of
benchmarks not run this time stay. A benchmark whose work was not right raises (see
:class:`~bench.common.results.BenchmarkFailed`): its section is left as it was, the others
still run, and the run exits with status 1.
"""

from __future__ import annotations

import argparse
import datetime
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

from bench.cli.benchmark import run as cli
from bench.common.machine import machine
from bench.common.results import RESULTS, section, write_section
from bench.common.settings import Settings, add_arguments, settings_from, timed_log
from bench.headlines.benchmark import run as headlines
from bench.ingest.benchmark import run as ingest
from bench.memory.benchmark import run as memory
from bench.names.benchmark import run as names
from bench.names_cost.benchmark import run as names_cost
from bench.realworld.benchmark import run as realworld
from bench.search.benchmark import run as search
from bench.stories.benchmark import run as stories
from bench.translation.benchmark import run as translation
from bench.ui.benchmark import run as ui
from bench.workers.benchmark import run as workers

# name -> (title, function).
BENCHMARKS: dict[str, tuple[str, Callable[[Settings], str]]] = {
    "ingest": ("Ingest without translation (monitor/)", ingest),
    "search": ("Search (indexes/)", search),
    "translation": ("Translation throughput (translations/)", translation),
    "headlines": ("Headlines first: an update's titles and leads (monitor/)", headlines),
    "ui": ("UI responsiveness (ui/)", ui),
    "memory": ("Memory (the app with a large collection and a model)", memory),
    "cli": ("Fast commands (the `media-monitor` script, and quitting the app)", cli),
    "realworld": ("Real-world shapes: OPML exports, zoneless dates, double encoding", realworld),
    "names": ("Cross-script name search: recall and precision (monitor/names, indexes/)", names),
    "names_cost": ("What the sound field costs indexing and search (indexes/)", names_cost),
    "stories": (
        "Story grouping: B-cubed against a labelled set, and speed (monitor/stories/)",
        stories,
    ),
    "workers": ("Translation workers on a shared store (monitor/workers)", workers),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    add_arguments(parser)
    parser.add_argument(
        "--only", action="append", choices=sorted(BENCHMARKS), help="run only these"
    )
    parser.add_argument("--output", type=Path, default=RESULTS, help="the Markdown file to update")
    arguments = parser.parse_args(argv)
    chosen = arguments.only or list(BENCHMARKS)
    log = timed_log()

    failed: list[str] = []
    with tempfile.TemporaryDirectory(prefix="media-monitor-bench-") as workdir:
        settings = settings_from(arguments, Path(workdir), log)
        for name in chosen:
            title, function = BENCHMARKS[name]
            started = datetime.datetime.now().astimezone()
            where = machine()
            benchmark_started = time.perf_counter()
            try:
                body = function(settings)
            except Exception as error:  # its work was not right: no rate, no section
                log(f"{name}: FAILED, nothing written: {type(error).__name__}: {error}")
                traceback.print_exc(file=sys.stderr)
                failed.append(name)
                continue
            took = time.perf_counter() - benchmark_started
            text = section(
                title, body, quick=settings.quick, started=started, machine=where, seconds=took
            )
            write_section(arguments.output, name, text)
            log(f"{name}: written to {arguments.output}")
    if failed:
        log(f"failed: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
