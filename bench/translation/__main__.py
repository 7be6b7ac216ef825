"""``python -m bench.translation [--quick] [--per-language N]``: the translation benchmark
alone. It prints its section; a full run with the default workload also writes it to
``bench/results-translation.md``."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from bench.common.settings import add_arguments, settings_from, timed_log
from bench.translation.benchmark import RESULTS_FILE, run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.translation")
    add_arguments(parser)
    parser.add_argument("--per-language", type=int, help="sentences per language")
    arguments = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="translation-bench-") as folder:
        settings = settings_from(arguments, Path(folder), timed_log())
        section = run(settings, per_language=arguments.per_language)
    if not arguments.quick and arguments.per_language is None:
        RESULTS_FILE.write_text("# Translation throughput\n\n" + section, encoding="utf-8")
    print(section)
    return 0


sys.exit(main())
