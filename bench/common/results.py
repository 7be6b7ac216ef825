"""The sections of RESULTS.md: one a benchmark, between ``<!-- bench:NAME -->`` markers.

A run replaces only the sections of the benchmarks it ran, so notes written around them by
hand and the results of benchmarks not run this time stay. Each section says on which
machine and when it was measured, and whether it was a ``--quick`` run.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

from bench.common.paths import ROOT

RESULTS = ROOT / "bench" / "RESULTS.md"


class BenchmarkFailed(RuntimeError):
    """The benchmark's work was not right (pages not extracted, searches failing, an article
    left untranslated): no rate is worth printing. ``bench.run`` writes no section for it and
    exits non-zero; any other exception a benchmark raises is treated the same."""


HEADER = """# Benchmark results

Written by `python -m bench.run`; each section below is replaced when its benchmark runs
again. Text outside the `<!-- bench:… -->` markers is written by hand and kept.
"""


def replace_section(document: str, name: str, body: str) -> str:
    """``document`` with the section of benchmark ``name`` replaced by (or given) ``body``."""
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    block = f"{start}\n{body.rstrip()}\n{end}"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    if pattern.search(document):
        return pattern.sub(lambda _: block, document, count=1)
    return f"{document.rstrip()}\n\n{block}\n"


def section(
    title: str, body: str, *, quick: bool, started: datetime.datetime, machine: str, seconds: float
) -> str:
    """A benchmark's section: its title, how and where it ran, then its body."""
    when = started.strftime("%Y-%m-%d %H:%M %Z")
    mode = "`--quick`" if quick else "full"
    return (
        f"## {title}\n\n{mode} run of {when}, {seconds / 60:.1f} minutes.  \n"
        f"Machine: {machine}.\n\n{body}"
    )


def write_section(output: Path, name: str, text: str) -> None:
    """Put ``text`` in ``output`` as the section of benchmark ``name``."""
    existing = output.read_text("utf-8") if output.exists() else HEADER
    output.write_text(replace_section(existing, name, text), "utf-8")
