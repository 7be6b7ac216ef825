"""Recall and precision of one search route over the names: per name, micro and macro
averages, breakdowns by kind, by alias-table membership and by language, as Markdown."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from bench.names.articles import Article
from bench.names.names_set import NATIVE, Name

TARGET = 0.95


@dataclass(frozen=True)
class NameScore:
    """What one name's query found among the native-script articles."""

    name: Name
    in_table: bool
    relevant: frozenset[int]
    found: frozenset[int]

    @property
    def right(self) -> int:
        return len(self.relevant & self.found)

    @property
    def recall(self) -> float:
        return self.right / len(self.relevant)

    @property
    def precision(self) -> float:
        return self.right / len(self.found) if self.found else 1.0  # nothing found, nothing wrong


def score(
    names: Sequence[Name],
    articles: Mapping[int, Article],
    in_table: Callable[[str], bool],
    found_for: Callable[[str], Iterable[int]],
) -> list[NameScore]:
    """Each name's score: ``found_for`` searches its English form and gives the article ids."""
    about: dict[str, set[int]] = {}
    for article_id, article in articles.items():
        if article.name is not None:
            about.setdefault(article.name, set()).add(article_id)
    scores = []
    for name in names:
        found = frozenset(i for i in found_for(name.query) if i in articles)
        scores.append(NameScore(name, in_table(name.en), frozenset(about[name.slug]), found))
    return scores


def averages(scores: Sequence[NameScore]) -> tuple[float, float, float, float]:
    """(micro recall, micro precision, macro recall, macro precision)."""
    if not scores:
        return (0.0, 0.0, 0.0, 0.0)
    right = sum(s.right for s in scores)
    relevant = sum(len(s.relevant) for s in scores)
    found = sum(len(s.found) for s in scores)
    return (
        right / relevant,
        right / found if found else 1.0,
        sum(s.recall for s in scores) / len(scores),
        sum(s.precision for s in scores) / len(scores),
    )


def _cells(scores: Sequence[NameScore]) -> str:
    micro_r, micro_p, macro_r, macro_p = averages(scores)
    return f"{len(scores)} | {micro_r:.3f} | {micro_p:.3f} | {macro_r:.3f} | {macro_p:.3f}"


def summary_table(routes: Mapping[str, Sequence[NameScore]]) -> list[str]:
    """One row per route and group (all, person/place/organisation, in table or not)."""
    lines = [
        "| route | names | group | micro recall | micro precision | macro recall | macro precision |",  # noqa: E501
        "|---|---|---|---:|---:|---:|---:|",
    ]
    for route, scores in routes.items():
        groups: list[tuple[str, list[NameScore]]] = [("all", list(scores))]
        for kind in ("person", "place", "organisation"):
            groups.append((kind, [s for s in scores if s.name.kind == kind]))
        groups.append(("in alias table", [s for s in scores if s.in_table]))
        groups.append(("not in table", [s for s in scores if not s.in_table]))
        for group, members in groups:
            count, rest = _cells(members).split(" | ", 1)
            label = f"**{route}**" if group == "all" else ""
            lines.append(f"| {label} | {count} | {group} | {rest} |")
    return lines


def language_table(
    routes: Mapping[str, Sequence[NameScore]], articles: Mapping[int, Article]
) -> list[str]:
    """Recall by the article's language (micro), one row per route."""
    lines = ["| route | " + " | ".join(NATIVE) + " |", "|---|" + "---:|" * len(NATIVE)]
    for route, scores in routes.items():
        cells = []
        for language in NATIVE:
            relevant = sum(
                1 for s in scores for i in s.relevant if articles[i].language == language
            )
            right = sum(
                1 for s in scores for i in s.relevant & s.found if articles[i].language == language
            )
            cells.append(f"{right / relevant:.3f} ({right}/{relevant})" if relevant else "–")
        lines.append(f"| {route} | " + " | ".join(cells) + " |")
    return lines


def failures(scores: Sequence[NameScore], articles: Mapping[int, Article]) -> list[str]:
    """Names below the target on recall or precision: what was missed and what was wrong."""
    lines = []
    for s in scores:
        if s.recall >= TARGET and s.precision >= TARGET:
            continue
        missed = sorted({articles[i].language for i in s.relevant - s.found})
        wrong: dict[str, int] = {}
        for i in s.found - s.relevant:
            subject = articles[i].name or "(unrelated)"
            wrong[subject] = wrong.get(subject, 0) + 1
        table = "table" if s.in_table else "not in table"
        parts = [f"R {s.recall:.2f} ({s.right}/{len(s.relevant)})", f"P {s.precision:.2f}"]
        if missed:
            parts.append("missed in " + ", ".join(missed))
        if wrong:
            parts.append(
                "wrongly found: " + ", ".join(f"{k} ×{v}" for k, v in sorted(wrong.items()))
            )
        lines.append(f"* {s.name.en} ({s.name.kind}, {table}): " + "; ".join(parts))
    return lines or ["* none"]
