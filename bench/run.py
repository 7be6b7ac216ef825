"""Run the benchmarks and record their results in bench/RESULTS.md.

    /work/venv/bin/python -m bench.run [--quick] [--only search] [--sizes 2000,5000]

Each benchmark is a function in :data:`BENCHMARKS` that takes :class:`Settings` and returns
its section of RESULTS.md as Markdown. A run replaces only the sections of the benchmarks it
ran (between ``<!-- bench:NAME -->`` markers), so notes written around them by hand and the
results of benchmarks not run this time stay. Each section says on which machine and when
it was measured, and whether it was a ``--quick`` run.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench import (
    cli_bench,
    ingest_bench,
    memory_bench,
    search_bench,
    translation_bench,
    ui_bench,
)
from bench.search_bench import Settings

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def _translation(settings: Settings) -> str:
    return translation_bench.run(settings.quick)


# name -> (title, function).
BENCHMARKS: dict[str, tuple[str, Callable[[Settings], str]]] = {
    "ingest": ("Ingest without translation (monitor/)", ingest_bench.run),
    "search": ("Search (indexes/)", search_bench.run),
    "translation": ("Translation throughput (translations/)", _translation),
    "ui": ("UI responsiveness (ui/)", ui_bench.run),
    "memory": ("Memory (the app with a large collection and a model)", memory_bench.run),
    "cli": ("Fast commands (the `media-monitor` script, and quitting the app)", cli_bench.run),
}

_HEADER = """# Benchmark results

Written by `python -m bench.run`; each section below is replaced when its benchmark runs
again. Text outside the `<!-- bench:… -->` markers is written by hand and kept.
"""


def machine() -> str:
    """CPU model, cores, memory, Python and OS of this machine, in one line."""
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor() or cpu
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f", {int(line.split()[1]) / 1024 / 1024:.1f} GiB RAM"
                break
    except OSError:
        pass
    load = ""
    if hasattr(os, "getloadavg"):
        load = f", load average at start {os.getloadavg()[0]:.1f}"
    return (
        f"{cpu}, {os.cpu_count()} logical cores{memory}; Python {platform.python_version()}; "
        f"{platform.system()} {platform.release()} ({platform.machine()}){load}"
    )


def replace_section(document: str, name: str, body: str) -> str:
    """``document`` with the section of benchmark ``name`` replaced by (or given) ``body``."""
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    block = f"{start}\n{body.rstrip()}\n{end}"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    if pattern.search(document):
        return pattern.sub(lambda _: block, document, count=1)
    return f"{document.rstrip()}\n\n{block}\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, a few minutes")
    parser.add_argument(
        "--only", action="append", choices=sorted(BENCHMARKS), help="run only these"
    )
    parser.add_argument("--sizes", help="corpus sizes, comma-separated (overrides the default)")
    parser.add_argument(
        "--no-eval",
        action="store_true",
        help="built-in vocabulary even if /work/shared/eval exists",
    )
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="rebuild the indexes and data folders kept in bench/.cache",
    )
    parser.add_argument("--output", type=Path, default=RESULTS, help="the Markdown file to update")
    arguments = parser.parse_args(argv)
    chosen = arguments.only or list(BENCHMARKS)
    sizes = tuple(int(size) for size in arguments.sizes.split(",")) if arguments.sizes else ()
    started = time.perf_counter()

    def log(message: str) -> None:
        print(f"[{time.perf_counter() - started:6.0f} s] {message}", flush=True)

    with tempfile.TemporaryDirectory(prefix="media-monitor-bench-") as workdir:
        for name in chosen:
            title, function = BENCHMARKS[name]
            when = datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
            where = machine()
            benchmark_started = time.perf_counter()
            body = function(
                Settings(
                    quick=arguments.quick,
                    workdir=Path(workdir),
                    log=log,
                    sizes=sizes,
                    use_eval=not arguments.no_eval,
                    fresh=arguments.fresh,
                )
            )
            took = time.perf_counter() - benchmark_started
            mode = "`--quick`" if arguments.quick else "full"
            heading = (
                f"## {title}\n\n{mode} run of {when}, {took / 60:.1f} minutes.  \n"
                f"Machine: {where}.\n\n"
            )
            existing = arguments.output.read_text("utf-8") if arguments.output.exists() else _HEADER
            arguments.output.write_text(replace_section(existing, name, heading + body), "utf-8")
            log(f"{name}: written to {arguments.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
