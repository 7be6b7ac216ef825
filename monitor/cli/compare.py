"""``media-monitor compare``: one story as several outlets told it, on the terminal.

The same comparison the window's compare view draws (:meth:`monitor.app.Monitor.compare`):
the articles compared, the terms their translations share, the sentences of each closest to
the base article's, who published when and who has not covered the story yet. Times are
UTC, as in ``articles list``.

The parser half names the handler; the handler imports the core when it runs.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import TYPE_CHECKING, Any

from monitor.cli.arguments import article_id
from monitor.clock import to_iso

if TYPE_CHECKING:
    from monitor.app import Monitor
    from monitor.types import ComparedArticle, Comparison, SentenceMatch

# The closest-sentence lists: (index of the base's sentence, the match), per compared article.
BaseMatches = dict[int, list[tuple[int, "SentenceMatch"]]]


def add_compare_command(commands: Any) -> None:
    compare = commands.add_parser(
        "compare",
        help="one story as several outlets told it, side by side",
        description="Compare article ID with the articles given with --with and the most "
        "related coverage from other outlets (four articles at most): their titles and "
        "translations, the terms they share, the sentences closest to ID's, who published "
        "when, and which followed outlets have not covered the story yet.",
    )
    compare.add_argument("id", type=article_id)
    compare.add_argument(
        "--with",
        dest="with_ids",
        type=article_id,
        action="append",
        default=[],
        metavar="ID",
        help="compare with this article too (repeatable, up to three)",
    )
    compare.add_argument("--json", action="store_true", help="JSON output")
    compare.set_defaults(run=run_compare)


def run_compare(monitor: Monitor, args: argparse.Namespace) -> int:
    from monitor.cli.output import print_json
    from monitor.compare import MAX_COMPARED, closest_to_base
    from monitor.errors import MonitorError, NotFoundError

    others = [i for i in dict.fromkeys(args.with_ids) if i != args.id]
    if len(others) > MAX_COMPARED - 1:
        raise MonitorError(
            f"at most {MAX_COMPARED - 1} articles can be compared with one; "
            f"--with names {len(others)}"
        )
    wanted = [args.id, *others]
    found = {article.id for article in monitor.articles_with_ids(wanted)}
    missing = [i for i in wanted if i not in found]
    if missing:
        raise NotFoundError(f"no article with id {missing[0]}")
    for _ in monitor.sync_index():
        pass
    comparison = monitor.compare(args.id, pinned_ids=others)
    matches = closest_to_base(comparison)
    if args.json:
        print_json(_comparison_json(comparison, matches))
    else:
        print(format_comparison(comparison, matches))
    return 0


def format_comparison(comparison: Comparison, matches: BaseMatches) -> str:
    """The comparison as text for a terminal."""
    base = comparison.article(comparison.base_id)
    assert base is not None
    lines = [f"Coverage of “{base.title_translated or base.title}”", "", "Articles:"]
    for compared in comparison.articles:
        lines += _article_lines(compared)
    lines.append("")
    if comparison.shared_terms:
        terms = ", ".join(f"{t.word} {t.articles}" for t in comparison.shared_terms)
        lines.append(f"Shared terms (in how many articles): {terms}")
    else:
        lines.append("No terms shared between the articles.")
    lines += _closest_lines(comparison, base, matches)
    lines += ["", "Coverage, earliest first (UTC):"]
    for event in comparison.events:
        extra = "" if event.compared else "  (related, not compared)"
        lines.append(
            f"  {_time(event.published):16}  {event.outlet} ({event.language or '??'})  "
            f"{event.title}{extra}"
        )
    if comparison.not_covered:
        lines.append("Not covered yet by: " + ", ".join(comparison.not_covered))
    else:
        lines.append("Every followed outlet has covered this story.")
    notes = list(comparison.notes) + [
        f"{a.outlet} (article {a.article_id}): {a.note}" for a in comparison.articles if a.note
    ]
    if notes:
        lines += ["", "Notes:", *(f"  {note}" for note in notes)]
    return "\n".join(lines)


def _article_lines(compared: ComparedArticle) -> list[str]:
    score = f"  related {compared.score:.2f}" if compared.score is not None else ""
    lines = [
        f"  {compared.role.value:8} {compared.article_id:>5}  {compared.language or '??':2}  "
        f"{_time(compared.published):16}  {compared.outlet}{score}",
        f"{'':11}{compared.title}",
    ]
    if compared.title_translated and compared.title_translated != compared.title:
        lines.append(f"{'':11}→ {compared.title_translated}")
    return lines


def _closest_lines(
    comparison: Comparison, base: ComparedArticle, matches: BaseMatches
) -> list[str]:
    if len(comparison.articles) < 2:
        return []
    lines = ["", "Sentences closest to the base's (similarity, sentence numbers):"]
    for compared in comparison.articles[1:]:
        lines.append(f"  {compared.outlet} (article {compared.article_id})")
        found = matches.get(compared.article_id, [])
        if not found:
            lines.append("    none close enough")
        shown_base = None
        for base_index, match in found:
            if base_index != shown_base:
                lines.append(
                    f"    base #{base_index + 1}: {base.sentences[base_index].translation}"
                )
                shown_base = base_index
            sentence = compared.sentences[match.sentence].translation
            lines.append(f"    {match.score:4.2f} #{match.sentence + 1}: {sentence}")
    return lines


def _time(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else "time unknown"


def _comparison_json(comparison: Comparison, matches: BaseMatches) -> dict[str, Any]:
    base = comparison.article(comparison.base_id)
    assert base is not None
    return {
        "base_id": comparison.base_id,
        "target_lang": comparison.target_language,
        "articles": [
            {
                "id": a.article_id,
                "role": a.role.value,
                "score": None if a.score is None else round(a.score, 4),
                "outlet": a.outlet,
                "lang": a.language,
                "published": to_iso(a.published),
                "title": a.title,
                "title_translated": a.title_translated,
                "translated": a.translated,
                "model": a.model,
                "note": a.note,
                "closest_to_base": [
                    {
                        "base_sentence": base_index,
                        "base_text": base.sentences[base_index].translation,
                        "sentence": match.sentence,
                        "text": a.sentences[match.sentence].translation,
                        "similarity": round(match.score, 4),
                    }
                    for base_index, match in matches.get(a.article_id, [])
                ],
            }
            for a in comparison.articles
        ],
        "shared_terms": [
            {"word": t.word, "articles": t.articles, "occurrences": t.occurrences}
            for t in comparison.shared_terms
        ],
        "coverage": [
            {
                "id": e.article_id,
                "outlet": e.outlet,
                "lang": e.language,
                "published": to_iso(e.published),
                "title": e.title,
                "compared": e.compared,
            }
            for e in comparison.events
        ],
        "not_covered": list(comparison.not_covered),
        "notes": list(comparison.notes),
    }
