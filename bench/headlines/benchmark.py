"""Headlines first: how long a user waits for an update's translated titles and leads.

An update of N articles (1,000 in a full run) in ko, ru, zh and uk, each a title and 19
sentences in paragraphs of three, the sentences all distinct (evaluation-corpus sentences,
then generated ones), is stored in a fresh data folder as collection leaves it: detected,
waiting. Four transformer-base copy models (:mod:`bench.common.models`) are installed, and
``Monitor.translate_iter()`` runs as the command line's update runs it (the app's settings:
automatic threads, here every core). The benchmark times:

* the headlines: every title and lead translated and stored (the last ``HEADLINE``
  progress), then indexed (the index stage the translation stage runs after them);
* the whole texts, for a bounded time after that (a full run of 1,000 articles would take
  most of an hour here): the rate of whole articles, and from it the time for all of them,
  which is reported as an extrapolation.

Before reporting, it checks the work: every article has a translation, every headline its
translated title and lead (a copy model's output is its input, so each is compared with its
original), the whole ones every sentence; otherwise :class:`BenchmarkFailed`.
"""

from __future__ import annotations

import threading
import time
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.common.models import MODEL_SHAPE
from bench.common.results import BenchmarkFailed
from bench.common.settings import Log, Settings
from bench.translation.workload import LANGUAGES, sentences, tokenizer_text
from monitor import Monitor, open_monitor
from monitor.settings import automatic_threads
from monitor.types import ProgressKind

SENTENCES = 20  # a title and 19 body sentences, as the "~20,000 sentences" update
PER_PARAGRAPH = 3
TOKENIZER_LINES = 2000
GOAL_HEADLINES_S = 180.0  # for 1,000 articles
GOAL_WHOLE_S = 1200.0


@dataclass(frozen=True)
class Timings:
    articles: int
    threads: int
    headline_sentences: int  # sent to the model for the headlines
    headlines_s: float
    indexed_s: float  # the headlines searchable
    whole_done: int  # whole articles in the bounded time
    whole_s: float
    whole_all_s: float  # extrapolated: headlines, then every whole article at the rate seen


def run(settings: Settings) -> str:
    count = settings.sizes[0] if settings.sizes else (60 if settings.quick else 1000)
    budget = 30.0 if settings.quick else 180.0
    say = settings.log
    folder = settings.workdir / "headlines"
    say(f"headlines: building 4 base-size models and {count} articles")
    timings = measure(folder, count, budget, settings.use_eval, say)
    return report(timings, quick=settings.quick, budget=budget)


def measure(folder: Path, count: int, budget: float, use_eval: bool, say: Log) -> Timings:
    from tests.support.argos_factory import build_package

    with open_monitor(folder / "data") as monitor:
        archives = [
            build_package(
                folder / "archives",
                language,
                "en",
                tokenizer_text=tokenizer_text(language, TOKENIZER_LINES, use_eval=use_eval),
                **MODEL_SHAPE,
            )
            for language in LANGUAGES
        ]
        monitor.install_models(archives)
        ids = store_articles(monitor, count, use_eval)
        say(f"headlines: translating {len(ids)} articles")
        timings = _translate(monitor, ids, budget)
        _check(monitor, ids, timings)
        return timings


def store_articles(
    monitor: Monitor, count: int, use_eval: bool, sentences_each: int = SENTENCES
) -> list[int]:
    """``count`` articles waiting for translation, ko, ru, zh and uk in turn, each a title and
    ``sentences_each - 1`` distinct sentences in paragraphs of three; their ids."""
    from tests.support.stored_articles import Outlets, store_article

    per_language = -(-count // len(LANGUAGES))
    outlets = Outlets(monitor)
    start = datetime(2026, 12, 1, tzinfo=UTC)
    ids: list[int] = []
    for language in LANGUAGES:
        pool, _ = sentences(language, per_language * sentences_each, use_eval=use_eval)
        joiner = "" if language == "zh" else " "
        for number in range(per_language):
            if len(ids) == count:
                break
            title, *body = pool[number * sentences_each : (number + 1) * sentences_each]
            text = "\n\n".join(
                joiner.join(body[i : i + PER_PARAGRAPH]) for i in range(0, len(body), PER_PARAGRAPH)
            )
            moment = start + timedelta(minutes=len(ids))
            ids.append(
                store_article(monitor, outlets, f"{language} wire", language, moment, title, text)
            )
    return ids


def _translate(monitor: Monitor, ids: list[int], budget: float) -> Timings:
    cancel = threading.Event()
    started = time.perf_counter()
    headlines_s = indexed_s = 0.0
    headline_sentences = 0
    whole_started = 0.0
    whole_done = 0
    for progress in monitor.translate_iter(cancel):
        now = time.perf_counter() - started
        if progress.kind is ProgressKind.HEADLINE and progress.done == progress.total:
            headlines_s = now
            paused = time.perf_counter()
            headline_sentences = _headline_sentences(monitor, ids)
            started += time.perf_counter() - paused  # counting is not the app's time
        elif progress.kind is ProgressKind.INDEXED and headlines_s and not whole_started:
            indexed_s = now
        elif progress.kind is ProgressKind.TRANSLATED and headlines_s:
            whole_started = whole_started or indexed_s or headlines_s
            whole_done += 1
            if now - whole_started >= budget:
                cancel.set()
        elif progress.kind is ProgressKind.UNTRANSLATED:
            raise BenchmarkFailed(f"headlines: an article was not translated: {progress.message}")
    elapsed = time.perf_counter() - started
    whole_s = elapsed - (whole_started or elapsed)
    rate = whole_done / whole_s if whole_s else 0.0
    indexed_s = indexed_s or headlines_s
    return Timings(
        articles=len(ids),
        threads=automatic_threads(interactive=False),
        headline_sentences=headline_sentences,
        headlines_s=headlines_s,
        indexed_s=indexed_s,
        whole_done=whole_done,
        whole_s=whole_s,
        whole_all_s=indexed_s + (len(ids) / rate if rate else float("inf")),
    )


def _headline_sentences(monitor: Monitor, ids: list[int]) -> int:
    """Titles and translated lead sentences of the headlines (a short article whole)."""
    total = 0
    for article_id in ids:
        translation = monitor.translation(article_id)
        if translation is not None:
            total += 1 + sum(bool(s.translation) for s in translation.sentences)
    return total


def _check(monitor: Monitor, ids: list[int], timings: Timings) -> None:
    if not timings.headlines_s:
        raise BenchmarkFailed("headlines: the headline pass never finished")
    for article_id in ids:
        article = monitor.article(article_id)
        translation = monitor.translation(article_id)
        if translation is None:
            raise BenchmarkFailed(f"headlines: article {article_id} has no translation")
        if not copy_of(translation.title, article.title):
            raise BenchmarkFailed(f"headlines: article {article_id}'s title was not translated")
        done = [s for s in translation.sentences if s.translation]
        if not done or not all(copy_of(s.translation, s.original) for s in done):
            raise BenchmarkFailed(f"headlines: article {article_id}'s lead is wrong")
        if translation.complete and len(done) != len(translation.sentences):
            raise BenchmarkFailed(f"headlines: article {article_id} is whole but has gaps")
    whole = sum(monitor.translation(i).complete for i in ids)  # type: ignore[union-attr]
    if whole != timings.whole_done:
        raise BenchmarkFailed(f"headlines: {whole} whole translations, {timings.whole_done} told")


def copy_of(output: str, text: str) -> bool:
    """Whether ``output`` is what a copy model gives back for ``text``: the text as its
    tokenizer normalises it (NFKC: "，" becomes ",", spaces may move), cut where the engine
    cuts a sentence too long for a model (250 pieces)."""

    def bare(value: str) -> str:
        return "".join(unicodedata.normalize("NFKC", value).split())

    copied = bare(output)
    return bool(copied) and bare(text).startswith(copied)


def report(timings: Timings, *, quick: bool, budget: float) -> str:
    per_thousand = 1000 / timings.articles
    headlines_1k = timings.indexed_s * per_thousand
    whole_1k = timings.whole_all_s * per_thousand
    lines = [
        f"An update of {timings.articles:,} articles (ko, ru, zh, uk; a title and "
        f"{SENTENCES - 1} sentences each, {timings.articles * SENTENCES:,} sentences, all "
        "distinct), stored as collection leaves them, translated by `Monitor.translate_iter()` "
        "with four transformer-base copy models (6+6 layers, d_model 512, int8, beam 2) and "
        f"{timings.threads} threads (automatic: every core for the command line)"
        f"{' (quick run)' if quick else ''}.",
        "",
        "| | seconds | for 1,000 articles | goal |",
        "|---|---:|---:|---|",
        f"| every title and lead translated ({timings.headline_sentences:,} sentences) | "
        f"{timings.headlines_s:.0f} | | |",
        f"| ...and indexed: searchable, watchlists matched | {timings.indexed_s:.0f} | "
        f"{headlines_1k:.0f} | ≤ {GOAL_HEADLINES_S:.0f} s: "
        f"{'met' if headlines_1k <= GOAL_HEADLINES_S else 'missed'} |",
        f"| whole articles: {timings.whole_done:,} in the {timings.whole_s:.0f} s measured "
        f"after the headlines (budget {budget:.0f} s) | | | |",
        f"| everything, extrapolated at that rate | {timings.whole_all_s:.0f} | "
        f"{whole_1k:.0f} | ≤ {GOAL_WHOLE_S:.0f} s: "
        f"{'met' if whole_1k <= GOAL_WHOLE_S else 'missed'} |",
        "",
        f"Headline sentences per second: {timings.headline_sentences / timings.headlines_s:.1f}."
        " Figures for 1,000 articles are scaled linearly from this run's size.",
    ]
    return "\n".join(lines) + "\n"
