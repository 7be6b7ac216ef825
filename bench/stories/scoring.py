"""Scoring a grouping against the gold stories: B-cubed and pairwise precision and recall,
and what each kind of article of the labelled set asks of it.

Labels are aligned lists, one per article: the gold story id, and the predicted story id
(``None`` when the article is in no story: a cluster of one, as singletons are).

B-cubed (Bagga and Baldwin, 1998), per article *a* with gold cluster G(a) and predicted
cluster P(a): precision = |P(a) ∩ G(a)| / |P(a)|, recall = |P(a) ∩ G(a)| / |G(a)|, each
averaged over articles. Pairwise: of the pairs of articles put together, the share that
belong together (precision), and of the pairs that belong together, the share put together.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

from bench.stories.dataset import Article


@dataclass(frozen=True)
class Scores:
    """Precision, recall and their harmonic mean."""

    precision: float
    recall: float

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def clusters(predicted: Sequence[int | None]) -> list[int]:
    """Predicted labels with every ``None`` made a cluster of its own."""
    return [label if label is not None else -1 - i for i, label in enumerate(predicted)]


def bcubed(gold: Sequence[int], predicted: Sequence[int | None]) -> Scores:
    """B-cubed precision and recall of ``predicted`` against ``gold``."""
    made = clusters(predicted)
    if len(made) != len(gold) or not gold:
        raise ValueError("gold and predicted labels must be aligned and not empty")
    together = Counter(zip(gold, made, strict=True))
    gold_size, made_size = Counter(gold), Counter(made)
    precision = recall = 0.0
    for g, p in zip(gold, made, strict=True):
        precision += together[(g, p)] / made_size[p]
        recall += together[(g, p)] / gold_size[g]
    return Scores(precision / len(gold), recall / len(gold))


def _pairs(sizes: Counter[object]) -> int:
    return sum(n * (n - 1) // 2 for n in sizes.values())


def pairwise(gold: Sequence[int], predicted: Sequence[int | None]) -> Scores:
    """Pairwise precision and recall (1.0 where there is no pair to judge)."""
    made = clusters(predicted)
    both = _pairs(Counter(zip(gold, made, strict=True)))
    made_pairs, gold_pairs = _pairs(Counter(made)), _pairs(Counter(gold))
    return Scores(
        both / made_pairs if made_pairs else 1.0, both / gold_pairs if gold_pairs else 1.0
    )


@dataclass(frozen=True)
class Category:
    """One check of the breakdown: how many of ``total`` items went right."""

    name: str
    right: int
    total: int

    @property
    def share(self) -> float:
        return self.right / self.total if self.total else 1.0


def categories(articles: Sequence[Article], predicted: Sequence[int | None]) -> list[Category]:
    """Cross-language pairs of a story together; wire copies with their original;
    same-day look-alike pairs apart; developing stories' pairs together; singletons alone."""
    made = clusters(predicted)
    size = Counter(made)
    indexed = list(enumerate(articles))

    def together(i: int, j: int) -> bool:
        return made[i] == made[j]

    cross = [
        (i, j)
        for (i, a), (j, b) in combinations(indexed, 2)
        if a.story == b.story and a.kind in ("regular", "lookalike") and a.language != b.language
    ]
    wires = [(i, a.wire_of) for i, a in indexed if a.wire_of is not None]
    lookalike = [
        (i, j)
        for (i, a), (j, b) in combinations(indexed, 2)
        if a.kind == b.kind == "lookalike"
        and a.story != b.story
        and (min(a.story, b.story) - 1) // 2 == (max(a.story, b.story) - 1) // 2
    ]
    developing = [
        (i, j)
        for (i, a), (j, b) in combinations(indexed, 2)
        if a.story == b.story and a.kind == "developing"
    ]
    alone = [i for i, a in indexed if a.kind == "singleton"]
    return [
        Category(
            "cross-language pairs of a story put together",
            sum(together(i, j) for i, j in cross),
            len(cross),
        ),
        Category(
            "wire copies put with their original", sum(together(i, j) for i, j in wires), len(wires)
        ),
        Category(
            "same-day look-alike pairs kept apart",
            sum(not together(i, j) for i, j in lookalike),
            len(lookalike),
        ),
        Category(
            "pairs of a developing story (over 3–4 days) put together",
            sum(together(i, j) for i, j in developing),
            len(developing),
        ),
        Category("singletons left alone", sum(size[made[i]] == 1 for i in alone), len(alone)),
    ]


def self_check(articles: Sequence[Article]) -> None:
    """Check the scoring on groupings whose scores are known, before trusting it."""
    gold = [a.story for a in articles]
    n = len(gold)
    sizes = Counter(gold)
    expected_alone_recall = sum(1 / sizes[g] for g in gold) / n
    expected_one_precision = sum(sizes[g] for g in gold) / n / n
    checks = {
        "gold against itself": (bcubed(gold, gold), 1.0, 1.0),
        "every article alone": (bcubed(gold, [None] * n), 1.0, expected_alone_recall),
        "all in one story": (bcubed(gold, [0] * n), expected_one_precision, 1.0),
    }
    for name, (scores, precision, recall) in checks.items():
        if abs(scores.precision - precision) > 1e-9 or abs(scores.recall - recall) > 1e-9:
            raise RuntimeError(f"stories benchmark: scoring wrong for {name}: {scores}")
    if pairwise(gold, gold) != Scores(1.0, 1.0) or pairwise(gold, [None] * n).recall != 0.0:
        raise RuntimeError("stories benchmark: pairwise scoring wrong")
    perfect = categories(articles, gold)
    if any(c.share != 1.0 for c in perfect):
        raise RuntimeError(f"stories benchmark: breakdown wrong on gold: {perfect}")
