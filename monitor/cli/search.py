"""``media-monitor search``, ``related`` and ``reindex``.

The parser half needs no part of the search engine and names each command's handler (a
``run_*`` function below); the handlers import the engine when they run.
"""

from __future__ import annotations

import argparse
import html
import re
from typing import TYPE_CHECKING, Any

from monitor.cli.arguments import WholeNumber, article_id, calendar_day
from monitor.clock import to_iso

if TYPE_CHECKING:
    from monitor.app import Monitor
    from monitor.types import FoundArticle

_TAG = re.compile(r"</?b[^>]*>")
MAX_PAGE_SIZE = 1000  # hits per page: more than a terminal shows, few enough to format fast
MAX_PAGE = 100_000
MAX_RELATED = 1000


def add_search_commands(commands: Any) -> None:
    finder = commands.add_parser(
        "search",
        help="search originals and translations",
        description='Words, "phrases", AND/OR/NOT, -word (NOT word), prefix*, outlet:NAME, '
        "lang:ru, date:[2026-11-01 TO 2026-11-20], entity:ID. English words also find foreign "
        "articles through their translations; a name also finds its forms in other scripts "
        "(Zelensky: Зеленський, 젤렌스키, 泽连斯基) unless --exact. Options may come before "
        "or after the words.",
        free_text=True,  # `search -satellite`: a leading "-" is the query's NOT
    )
    finder.add_argument("query", nargs="+")
    finder.add_argument("--lang", action="append", default=[], help="only this language")
    finder.add_argument("--outlet", action="append", default=[], help="only this outlet")
    finder.add_argument("--since", type=calendar_day, help="published on or after (YYYY-MM-DD)")
    finder.add_argument("--until", type=calendar_day, help="published on or before (YYYY-MM-DD)")
    finder.add_argument("--sort", choices=["relevance", "date"], default="relevance")
    finder.add_argument(
        "--limit",
        type=WholeNumber("the number of hits per page", 1, MAX_PAGE_SIZE),
        default=20,
        help="hits per page",
    )
    finder.add_argument("--page", type=WholeNumber("the page number", 1, MAX_PAGE), default=1)
    finder.add_argument(
        "--exact",
        action="store_true",
        help="words as typed: no other forms or scripts of the names in the query",
    )
    finder.add_argument("--json", action="store_true", help="JSON output")
    finder.set_defaults(run=run_search)
    similar = commands.add_parser("related", help="coverage of the same story by other outlets")
    similar.add_argument("id", type=article_id)
    similar.add_argument(
        "--limit", type=WholeNumber("the number of articles", 1, MAX_RELATED), default=5
    )
    similar.add_argument("--json", action="store_true", help="JSON output")
    similar.set_defaults(run=run_related)
    reindex = commands.add_parser("reindex", help="rebuild the search index from the store")
    reindex.set_defaults(run=run_reindex)


def run_search(monitor: Monitor, args: argparse.Namespace) -> int:
    from indexes.types import SearchRequest, SortOrder
    from monitor.cli.output import print_json

    for _ in monitor.sync_index():
        pass
    request = SearchRequest(
        text=" ".join(args.query),
        languages=tuple(args.lang),
        outlets=tuple(args.outlet),
        since=args.since,
        until=args.until,
        sort=SortOrder(args.sort),
        page=args.page,
        page_size=args.limit,
        exact=args.exact,
    )
    result = monitor.search(request)
    if args.json:
        print_json([_hit_json(hit) for hit in result.hits])
        return 0
    for expansion in result.expansions:  # what else was searched, and how to turn it off
        also = ", ".join(expansion.forms) or "its sound in other scripts"
        print(f"{expansion.typed} also searched as: {also} (--exact: as typed only)")
    print(_count_line(result.total, result.page, result.pages, asked=args.page))
    for hit in result.hits:
        article = hit.article
        translated_title = hit.title_translated
        published = article.published.strftime("%Y-%m-%d %H:%M") if article.published else ""
        print(
            f"\n{article.id:>5}  {article.language or '??'}  {published}  {article.source_name}"
            f"  [matched in the {hit.matched_in}]"
        )
        print(f"       {article.title}")
        if translated_title and translated_title != article.title:
            print(f"       {translated_title}")
        for snippet in (hit.snippet_original, hit.snippet_translation):
            if snippet:
                print(f"       … {_plain(snippet)}")
    if result.by_language:
        print("\nBy language: " + ", ".join(f"{k} {v}" for k, v in result.by_language.items()))
    return 0


def _count_line(total: int, page: int, pages: int, *, asked: int) -> str:
    """``3 matches``, ``45 matches (page 2 of 3)``; a page past the last says so."""
    if not total:
        return "No matches."
    said = f"{total} {'match' if total == 1 else 'matches'}"
    if asked > pages:
        return f"{said}; there is no page {asked}, showing the last (page {pages} of {pages})"
    return f"{said} (page {page} of {pages})" if pages > 1 else said


def _plain(snippet: str) -> str:
    """Highlights as *word* on a terminal."""
    return html.unescape(_TAG.sub("*", snippet)).replace("\n", " ")


def _hit_json(hit: FoundArticle) -> dict[str, Any]:
    article = hit.article
    return {
        "id": article.id,
        "title": article.title,
        "title_translated": hit.title_translated,
        "outlet": article.source_name,
        "lang": article.language,
        "published": to_iso(article.published),
        "url": article.url,
        "score": round(hit.score, 4),
        "matched_in": hit.matched_in,
        "snippet_original": hit.snippet_original,
        "snippet_translation": hit.snippet_translation,
    }


def run_related(monitor: Monitor, args: argparse.Namespace) -> int:
    from monitor.cli.output import column_width, fit, print_json, table_width

    for _ in monitor.sync_index():
        pass
    found = monitor.related(args.id, limit=args.limit)
    if args.json:
        print_json(
            [
                {
                    "id": a.id,
                    "title": a.title,
                    "outlet": a.source_name,
                    "lang": a.language,
                    "published": to_iso(a.published),
                    "url": a.url,
                    "score": round(score, 4),
                }
                for a, score in found
            ]
        )
        return 0
    if not found:
        print("No related coverage from other outlets in the collection.")
    width = table_width()
    # Id, language and score take 21 cells; the outlet gets half of the rest at most.
    share = None if width is None else max(24, (width - 21) // 2)
    outlet_width = column_width([article.source_name for article, _ in found], share)
    for article, score in found:
        print(
            f"{article.id:>5}  {article.language or '??'}  {score:6.2f}  "
            f"{fit(article.source_name, outlet_width)}  {article.title}"
        )
    return 0


def run_reindex(monitor: Monitor, args: argparse.Namespace) -> int:
    for progress in monitor.reindex():
        print(progress.message[:1].upper() + progress.message[1:] + ".")
    return 0
