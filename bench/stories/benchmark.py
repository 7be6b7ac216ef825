"""Story grouping: how well the app groups articles into stories, and how fast.

The labelled set (:mod:`bench.stories.dataset`) is ~40 stories told by 3–6 outlets in
Korean, Russian, Ukrainian, Chinese and English, with same-day look-alikes, wire copies,
developing stories and singletons, each article with its gold story. It is stored in a real
data folder (:mod:`bench.stories.collection`) and grouped through the door
(``Monitor.group_stories``, ``Monitor.story_of``) twice: without a translation model, and
with tiny glossary models (ru/uk/ko/zh→en) that turn the template words and entity forms
into the English template's words. Groupings are scored against gold with B-cubed and
pairwise precision and recall (:mod:`bench.stories.scoring`, checked on known groupings
first), and a breakdown by kind of article. :mod:`bench.stories.speed` times grouping per
article added to 1k and 20k stored articles.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from bench.common.settings import Settings
from bench.stories.collection import (
    Sources,
    check_door,
    install_translation,
    native_ids,
    store_articles,
)
from bench.stories.dataset import Article, labelled_set
from bench.stories.scoring import Category, Scores, bcubed, categories, pairwise, self_check
from bench.stories.speed import Speed, measure
from monitor import open_monitor

TARGET_WITH_MODELS, TARGET_WITHOUT = 0.9, 0.8
TARGET_MS = 20.0


def group(
    articles: Sequence[Article], folder: Path, *, models: bool, notes: list[str]
) -> list[int | None]:
    """Store, (translate,) index and group ``articles``; each one's predicted story."""
    with open_monitor(folder / "data") as monitor:
        check_door(monitor)
        stored = store_articles(monitor, articles, Sources(monitor))
        started = time.perf_counter()
        if models:
            # Translate before anything is indexed: indexing groups what it indexed.
            pieces = install_translation(monitor, folder / "packages")
            wanted = native_ids(stored)
            for _ in monitor.translate_iter():
                pass
            translated = sum(monitor.translation(i) is not None for i in wanted)
            if translated != len(wanted):
                raise RuntimeError(f"stories benchmark: {translated} of {len(wanted)} translated")
            notes.append(
                f"{translated} articles translated by glossary models ({pieces} "
                f"glossary pieces) in {time.perf_counter() - started:.0f} s"
            )
            started = time.perf_counter()
        list(monitor.group_stories())
        took = time.perf_counter() - started
        predicted = [monitor.story_of(article_id) for article_id in stored]
        label = "with models" if models else "no model"
        notes.append(
            f"{label}: {len(stored)} articles indexed and grouped in {took:.1f} s; "
            f"{sum(p is None for p in predicted)} left in no story"
        )
    return predicted


def run(settings: Settings) -> str:
    articles = (
        labelled_set(regular=12, singletons=12, wires=4) if settings.quick else labelled_set()
    )
    self_check(articles)
    gold = [a.story for a in articles]
    notes: list[str] = []
    runs: dict[str, list[int | None]] = {}
    for label, models in (("no translation model", False), ("glossary models", True)):
        runs[label] = group(
            articles, settings.workdir / f"stories-{models}", models=models, notes=notes
        )
        settings.log(f"stories: grouped, {label}")
    sizes = settings.sizes or ((300,) if settings.quick else (1000, 20_000))
    speeds = []
    for size in sizes:
        batches = 3 if settings.quick or size > 5000 else 5
        speeds.append(measure(size, batches, settings.workdir / f"speed-{size}", settings.log))
        settings.log(f"stories: speed at {size} measured")
    return section(articles, gold, runs, notes, speeds)


def _row(label: str, b: Scores, p: Scores, target: float) -> str:
    status = "met" if b.f1 >= target else "missed"
    return (
        f"| {label} | {b.precision:.3f} | {b.recall:.3f} | **{b.f1:.3f}** | "
        f"{p.precision:.3f} | {p.recall:.3f} | ≥ {target} ({status}) |"
    )


def _shape(articles: Sequence[Article]) -> list[str]:
    kinds = Counter(a.kind for a in articles)
    stories = {kind: len({a.story for a in articles if a.kind == kind}) for kind in kinds}
    languages = Counter(a.language for a in articles)
    wires = sum(a.wire_of is not None for a in articles)
    told = [a for a in articles if a.kind != "singleton"]
    sizes = Counter(a.story for a in told).values()
    return [
        f"Labelled set: {len(articles)} articles: {len(set(a.story for a in told))} stories "
        f"and {kinds['singleton']} singletons; {stories.get('regular', 0)} regular stories "
        f"({kinds['regular']} articles, {wires} of them wire copies), "
        f"{stories.get('lookalike', 0)} same-day look-alikes in pairs "
        f"({kinds['lookalike']}), {stories.get('developing', 0)} developing over 3–4 days "
        f"({kinds['developing']}). By language: "
        + ", ".join(f"{code} {n}" for code, n in sorted(languages.items()))
        + f". Stories have {min(sizes)}–{max(sizes)} articles.",
    ]


def section(
    articles: Sequence[Article],
    gold: Sequence[int],
    runs: dict[str, list[int | None]],
    notes: Sequence[str],
    speeds: Sequence[Speed],
) -> str:
    lines = [
        *_shape(articles),
        "",
        *[f"* {note}" for note in notes],
        "",
        "| run | B³ precision | B³ recall | B³ F1 | pair precision | pair recall | target |",
        "|---|---|---|---|---|---|---|",
    ]
    targets = {"no translation model": TARGET_WITHOUT, "glossary models": TARGET_WITH_MODELS}
    breakdown: dict[str, list[Category]] = {}
    for label, predicted in runs.items():
        lines.append(
            _row(label, bcubed(gold, predicted), pairwise(gold, predicted), targets[label])
        )
        breakdown[label] = categories(articles, predicted)
    labels = list(runs)
    lines += ["", "| check | " + " | ".join(labels) + " |", "|---" * (len(labels) + 1) + "|"]
    for number, category in enumerate(breakdown[labels[0]]):
        cells = [
            f"{breakdown[label][number].right}/{category.total} "
            f"({breakdown[label][number].share:.2f})"
            for label in labels
        ]
        lines.append(f"| {category.name} | " + " | ".join(cells) + " |")
    lines += [
        "",
        f"Speed: `group_stories()` per article added, batches of 100 new articles "
        f"(median over batches); target < {TARGET_MS:.0f} ms at 20k.",
        "",
        "| stored | grouping ms/article | indexing ms/article | batches | "
        "new articles in a story with others | background stored+indexed+grouped |",
        "|---|---|---|---|---|---|",
    ]
    for speed in speeds:
        indexing = f"{speed.indexing_ms:.1f}" if speed.indexing_ms is not None else "n/a"
        lines.append(
            f"| {speed.background:,} | **{speed.grouping_ms:.1f}** | {indexing} | "
            f"{speed.batches} | {speed.grouped_share:.2f} | {speed.bulk_seconds:.0f} s |"
        )
    return "\n".join(lines) + "\n"
