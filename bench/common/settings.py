"""What every benchmark is given (:class:`Settings`), and running one benchmark alone.

Every benchmark package has a ``run(settings) -> str`` that returns its section of
RESULTS.md. ``python -m bench.run`` calls them in turn; ``python -m bench.<name>`` calls one
through :func:`run_alone`, which takes the same options and prints the section instead.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.common.paths import eval_dir, missing_eval_note

Log = Callable[[str], None]


@dataclass(frozen=True)
class Settings:
    """What ``bench.run`` asks of every benchmark."""

    quick: bool
    workdir: Path
    log: Log
    sizes: tuple[int, ...] = ()
    use_eval: bool = True
    fresh: bool = False  # rebuild cached indexes and data folders (bench/.cache)


def timed_log() -> Log:
    """A log that prefixes each message with the seconds since it was made."""
    started = time.perf_counter()

    def log(message: str) -> None:
        print(f"[{time.perf_counter() - started:6.0f} s] {message}", flush=True)

    return log


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of :class:`Settings`, for ``bench.run`` and each benchmark alone."""
    parser.add_argument("--quick", action="store_true", help="small sizes, a few minutes")
    parser.add_argument("--sizes", help="corpus sizes, comma-separated (overrides the default)")
    parser.add_argument(
        "--no-eval",
        action="store_true",
        help=f"built-in vocabulary even if {eval_dir()} exists",
    )
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="rebuild the indexes and data folders kept in bench/.cache",
    )


def settings_from(arguments: argparse.Namespace, workdir: Path, log: Log) -> Settings:
    """:class:`Settings` from the options of :func:`add_arguments`; notes a missing corpus."""
    if not arguments.no_eval:
        note = missing_eval_note()
        if note is not None:
            log(note)
    sizes = tuple(int(size) for size in arguments.sizes.split(",")) if arguments.sizes else ()
    return Settings(
        quick=arguments.quick,
        workdir=workdir,
        log=log,
        sizes=sizes,
        use_eval=not arguments.no_eval,
        fresh=arguments.fresh,
    )


def run_alone(
    benchmark: Callable[[Settings], str], name: str, argv: Sequence[str] | None = None
) -> None:
    """Run one benchmark by itself (``python -m bench.NAME [--quick] …``) in a temporary
    folder, logging with the seconds since the start, and print its section."""
    parser = argparse.ArgumentParser(prog=f"python -m bench.{name}")
    add_arguments(parser)
    arguments = parser.parse_args(sys.argv[1:] if argv is None else argv)
    with tempfile.TemporaryDirectory(prefix=f"{name}-bench-") as folder:
        print(benchmark(settings_from(arguments, Path(folder), timed_log())))
