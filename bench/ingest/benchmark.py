"""The ingest benchmark: articles per second from feeds to the search index, and where it goes.

A synthetic site (:mod:`bench.ingest.site`) runs in a child process on 127.0.0.1; each
measurement is a fresh process (:mod:`bench.ingest.probe`) that follows the site's feeds and
runs the app's own update, ``Monitor.update_iter()``: feeds → parse → pages → extraction →
language → store, then the translation stage (no models, so it only notes "no model"), then
the index stage. Articles per second counts articles stored *and* indexed over the update's
wall time; the collection phase alone (everything before the index) is reported beside it.

Per-stage times come from timing wrappers the probe puts around the functions the pipeline
calls (see :class:`bench.ingest.probe.Recorder`): CPU seconds per stage summed over the
worker threads, shares of the process's CPU time, and what was left unattributed.

Alone: ``python -m bench.ingest [--quick] [--sizes 300,1000] [--no-eval]``.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from bench.common.children import run_module, start_module
from bench.common.settings import Settings
from bench.ingest.report import Run, collect_rate, rate, report


class Site:
    """The synthetic site in a child process; stops when its standard input closes."""

    def __init__(self, sizes: Sequence[int], *, use_eval: bool) -> None:
        arguments = ["--sizes", ",".join(map(str, sizes)), *([] if use_eval else ["--no-eval"])]
        started = time.perf_counter()
        self._process = start_module(
            "bench.ingest.site", *arguments, stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        if not line:
            self.close()
            raise RuntimeError("the benchmark site did not start (see its error output above)")
        ready = json.loads(line)
        self.base_url = str(ready["base_url"])
        self.page_bytes = float(ready["page_bytes"])
        self.build_seconds = time.perf_counter() - started

    def close(self) -> None:
        if self._process.stdin is not None:
            self._process.stdin.close()
        try:
            self._process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        if self._process.stdout is not None:
            self._process.stdout.close()

    def __enter__(self) -> Site:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def probe(site: Site, size: int, workdir: Path, *, index: str = "incremental") -> Run:
    """One measured update of ``size`` articles in a fresh process."""
    arguments = [site.base_url, str(size), str(workdir), "--index", index]
    output = run_module("bench.ingest.probe", *arguments, capture_output=True)
    if output.returncode != 0:
        raise RuntimeError(f"ingest probe failed:\n{output.stderr[-4000:]}")
    result: Run = json.loads(output.stdout)
    return result


def measure(
    sizes: Sequence[int],
    repeats: int,
    workdir: Path,
    *,
    use_eval: bool,
    log: Callable[[str], None],
    fresh_index: bool = True,
) -> tuple[list[Run], float]:
    """Runs at each size: the smallest ``repeats`` times (interleaved with the others).

    With ``fresh_index`` one more run at the smallest size takes the first-update path (the
    index rebuilt in bulk). Returns the runs and the site's page size in bytes.
    """
    small, *larger = sorted(sizes)
    plan = [(small, "incremental")]
    for size in larger:
        plan.append((size, "incremental"))
    plan += [(small, "incremental")] * (repeats - 1)
    if fresh_index:
        plan.append((small, "fresh"))
    log(f"ingest: building the site for {max(sizes):,} articles …")
    with Site(sizes, use_eval=use_eval) as site:
        log(f"ingest: site ready in {site.build_seconds:.0f} s at {site.base_url}")
        runs = []
        for size, index in plan:
            started = time.perf_counter()
            result = probe(site, size, workdir, index=index)
            runs.append(result)
            took = time.perf_counter() - started
            log(
                f"ingest: {size:,} articles ({index} index) in {took:.0f} s: "
                f"{rate(result):.1f} articles/s, collection alone {collect_rate(result):.1f}/s"
            )
        return runs, site.page_bytes


def run(settings: Settings) -> str:
    """The ingest benchmark's section of RESULTS.md."""
    sizes = settings.sizes or ((300, 1000) if settings.quick else (1000, 10000))
    runs, page_bytes = measure(
        sizes,
        3,
        settings.workdir,
        use_eval=settings.use_eval,
        log=settings.log,
        fresh_index=not settings.quick,  # one more small run; --quick has no time for it
    )
    return report(runs, page_bytes, use_eval=settings.use_eval)
