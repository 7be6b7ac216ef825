"""Translation workers on a shared store: do more worker processes translate more?

A PostgreSQL server is started on loopback (as the tests start one). For each number of
worker processes (1, 2 and 4), a fresh shared store gets the same N articles (ko, ru, zh, uk;
a title and 9 sentences each, all distinct) waiting for translation, and that many
``media-monitor worker --stage translate --threads 1`` processes are started on this machine
with four transformer-base copy models (:mod:`bench.common.models`). Measured, side by side in
one run with equal settings: articles a minute from the first job taken to the last article
stored (the steady rate), and the wall time from the workers' launch (Python and model loading
included).

Before reporting, it checks the work: every article translated, each sentence what the copy
model gives back for it, and each article reported translated by exactly one worker;
otherwise :class:`BenchmarkFailed`.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bench.common.models import MODEL_SHAPE
from bench.common.results import BenchmarkFailed
from bench.common.settings import Settings
from bench.headlines.benchmark import copy_of, store_articles
from bench.translation.workload import LANGUAGES, tokenizer_text
from monitor import Monitor, open_monitor
from monitor.types import ArticleState, ProgressKind

PROCESSES = (1, 2, 4)
IN_PROCESS = 0  # the row without workers
ROUNDS = 3
SENTENCES = 10  # a title and 9 body sentences
TOKENIZER_LINES = 2000
ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Measured:
    processes: int
    articles: int
    steady_s: float  # first job taken → last article stored
    wall_s: float  # launch → last article stored

    @property
    def per_minute(self) -> float:
        return self.articles / self.steady_s * 60


def run(settings: Settings) -> str:
    from tests.support.postgres import PostgresServer

    count = settings.sizes[0] if settings.sizes else (32 if settings.quick else 160)
    rounds = 1 if settings.quick else ROUNDS
    say = settings.log
    folder = settings.workdir / "workers"
    if _install_models(folder / "worker", settings.use_eval) != len(LANGUAGES):
        raise BenchmarkFailed("workers: the models did not install")
    server = PostgresServer()
    results: dict[int, list[Measured]] = {}
    try:
        for round_ in range(rounds):  # round-robin: a noisy minute hits every row alike
            for processes in (IN_PROCESS, *PROCESSES):
                store = server.fresh_database()
                editor_dir = folder / f"editor-{round_}-{processes}"
                with open_monitor(editor_dir, store=store) as editor:
                    ids = store_articles(editor, count, settings.use_eval, SENTENCES)
                say(
                    f"workers: round {round_ + 1}, {processes or 'no'} workers, {len(ids)} articles"
                )
                if processes == IN_PROCESS:
                    measured = _in_process(folder / "worker", store, len(ids))
                else:
                    measured = _measure(folder / "worker", store, processes, len(ids))
                results.setdefault(processes, []).append(measured)
                with open_monitor(editor_dir, store=store) as editor:
                    _check(editor, ids)
    finally:
        server.stop()
    return report([_median(runs) for runs in results.values()], rounds)


def _median(runs: list[Measured]) -> Measured:
    return sorted(runs, key=lambda measured: measured.per_minute)[len(runs) // 2]


def _in_process(data_dir: Path, store: str, articles: int) -> Measured:
    """The same translation without the queue: one process translating every waiting
    article whole as a worker's jobs do, at one thread (what the queue is compared with)."""
    started = time.perf_counter()
    with open_monitor(data_dir, store=store) as monitor:
        monitor.use_translation_threads(1)
        waiting = [article.id for article in monitor.untranslated()]
        done = sum(p.kind is ProgressKind.TRANSLATED for p in monitor.translate_articles(waiting))
    elapsed = time.perf_counter() - started
    if done != articles:
        raise BenchmarkFailed(f"workers: {done} of {articles} translated in one process")
    return Measured(IN_PROCESS, articles, elapsed, elapsed)


def _install_models(data_dir: Path, use_eval: bool) -> int:
    from tests.support.argos_factory import build_package

    with open_monitor(data_dir) as monitor:
        archives = [
            build_package(
                data_dir.parent / "archives",
                language,
                "en",
                tokenizer_text=tokenizer_text(language, TOKENIZER_LINES, use_eval=use_eval),
                **MODEL_SHAPE,
            )
            for language in LANGUAGES
        ]
        return len(monitor.install_models(archives).installed)


def _measure(data_dir: Path, store: str, processes: int, articles: int) -> Measured:
    """Start the workers, wait for every article, stop them; their timings."""
    command = [
        *(sys.executable, "-m", "monitor.cli", "--data-dir", str(data_dir), "--store", store),
        *("worker", "--stage", "translate", "--threads", "1", "--plan-every", "1"),
    ]
    launched = time.perf_counter()
    lines: list[tuple[float, str]] = []
    workers = [
        subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT
        )
        for _ in range(processes)
    ]
    readers = [threading.Thread(target=_read, args=(w, lines), daemon=True) for w in workers]
    for reader in readers:
        reader.start()
    try:
        while sum(1 for _, line in list(lines) if line.startswith("translated article")) < articles:
            if any(worker.poll() is not None for worker in workers):
                raise BenchmarkFailed("workers: a worker ended: " + _stderr(workers))
            if time.perf_counter() - launched > 3600:
                raise BenchmarkFailed("workers: not done in an hour")
            time.sleep(0.2)
        finished = time.perf_counter()
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=60)
        for reader in readers:
            reader.join(timeout=10)
        for worker in workers:
            for stream in (worker.stdout, worker.stderr):
                if stream is not None:
                    stream.close()
    done = Counter(line for _, line in lines if line.startswith("translated article"))
    if len(done) != articles or max(done.values()) != 1:
        raise BenchmarkFailed(
            f"workers: {len(done)} articles told, {articles} stored, twice: "
            f"{[k for k, v in done.items() if v > 1][:3]}"
        )
    first_job = min(at for at, line in lines if line.startswith("translating "))
    return Measured(processes, articles, finished - first_job, finished - launched)


def _read(worker: subprocess.Popen[str], lines: list[tuple[float, str]]) -> None:
    assert worker.stdout is not None
    for line in worker.stdout:
        lines.append((time.perf_counter(), line.rstrip("\n")))


def _stderr(workers: list[subprocess.Popen[str]]) -> str:
    for worker in workers:
        if worker.poll() is not None and worker.stderr is not None:
            return worker.stderr.read()[-2000:]
    return ""


def _check(monitor: Monitor, ids: list[int]) -> None:
    for article_id in ids:
        article = monitor.article(article_id)
        translation = monitor.translation(article_id)
        if article.state < ArticleState.TRANSLATED or translation is None:
            raise BenchmarkFailed(f"workers: article {article_id} was not translated")
        if not translation.complete or not all(
            copy_of(s.translation, s.original) for s in translation.sentences
        ):
            raise BenchmarkFailed(f"workers: article {article_id}'s translation is wrong")


def report(results: list[Measured], rounds: int) -> str:
    base = next(measured for measured in results if measured.processes == 1)
    rows = [
        "| translation | articles a minute | × one worker | wall from launch (s) |",
        "|---|---:|---:|---:|",
    ]
    for measured in results:
        name = (
            "one process, no queue (`translate_articles`)"
            if measured.processes == IN_PROCESS
            else f"{measured.processes} worker process{'es' if measured.processes > 1 else ''}"
        )
        rows.append(
            f"| {name} | {measured.per_minute:.1f} | "
            f"{measured.per_minute / base.per_minute:.2f}× | {measured.wall_s:.1f} |"
        )
    cores = os.cpu_count() or 1
    return "\n".join(
        [
            f"The same {base.articles} articles (ko, ru, zh, uk; {SENTENCES} sentences each) "
            "in a fresh PostgreSQL store for each row, translated by `media-monitor worker "
            "--stage translate --threads 1` processes on this machine with four "
            "transformer-base int8 copy models (in the app's order: headline jobs, then whole "
            "articles, each job of one language), "
            "and, for comparison, by one process translating them all at one thread without "
            "the queue (the code a job runs). *Articles a "
            "minute*: from the first job taken (for the one process: from its start, model "
            f"loading included) to the last article stored; the median of {rounds} rounds, "
            "the rows taken in turn in each round. Every translation was checked against the "
            "copy model's output, and each article was told translated by one worker only. "
            f"Load average at the end: {os.getloadavg()[0]:.1f}.",
            "",
            *rows,
            "",
            f"This machine has {cores} cores: workers past {cores} share them, so the rate "
            "can only grow up to there; on more cores or more machines the same queue takes "
            "more workers.",
        ]
    )
