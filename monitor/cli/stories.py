"""``media-monitor stories`` and ``story``: the same event across outlets and languages."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from monitor.cli.arguments import WholeNumber, article_id
from monitor.clock import to_iso

if TYPE_CHECKING:
    from monitor.app import Monitor
    from monitor.stories.types import Story

MAX_STORIES = 1000


def add_stories_commands(commands: Any) -> None:
    listing = commands.add_parser(
        "stories", help="the latest stories: one event told by several outlets or languages"
    )
    listing.add_argument(
        "--limit", type=WholeNumber("the number of stories", 1, MAX_STORIES), default=20
    )
    listing.add_argument(
        "--min",
        type=WholeNumber("the articles a story needs", 1, 1000),
        default=2,
        dest="minimum",
        help="articles a story needs to be listed (default 2)",
    )
    listing.add_argument(
        "--query", help="only stories with an article this search finds (e.g. Zelensky)"
    )
    listing.add_argument("--json", action="store_true", help="JSON output")
    listing.set_defaults(run=run_stories)
    story = commands.add_parser("story", help="one story: show it, move an article, merge two")
    actions = story.add_subparsers(dest="story_command", metavar="ACTION", required=True)
    show = actions.add_parser("show", help="a story's articles, outlets and why each joined")
    show.add_argument("id", type=WholeNumber("a story id", 1, 2**62))
    show.add_argument("--json", action="store_true", help="JSON output")
    show.set_defaults(run=run_story_show)
    move = actions.add_parser(
        "move", help="put an article into another story, or one of its own (split it off)"
    )
    move.add_argument("article", type=article_id)
    move.add_argument("story", nargs="?", type=WholeNumber("a story id", 1, 2**62))
    move.set_defaults(run=run_story_move)
    merge = actions.add_parser("merge", help="make two stories one")
    merge.add_argument("into", type=WholeNumber("a story id", 1, 2**62))
    merge.add_argument("other", type=WholeNumber("a story id", 1, 2**62))
    merge.set_defaults(run=run_story_merge)


def _grouped(monitor: Monitor) -> None:
    for _ in monitor.group_stories():
        pass


def run_stories(monitor: Monitor, args: argparse.Namespace) -> int:
    from monitor.cli.output import print_json

    _grouped(monitor)
    stories = monitor.stories(minimum=args.minimum, limit=args.limit, query=args.query)
    if args.json:
        print_json([story_json(story) for story in stories])
        return 0
    if not stories:
        print("No story yet has two articles." if args.minimum > 1 else "No stories yet.")
        return 0
    for story in stories:
        when = story.first_published.strftime("%Y-%m-%d %H:%M") if story.first_published else ""
        print(f"{story.id:>5}  {when}  {len(story.members)} articles  {story.title}")
        print(f"       {', '.join(story.outlets)}  ({', '.join(story.languages)})")
    return 0


def run_story_show(monitor: Monitor, args: argparse.Namespace) -> int:
    from monitor.cli.output import print_json

    _grouped(monitor)
    story = monitor.story(args.id)
    if args.json:
        print_json(story_json(story))
        return 0
    print(f"Story {story.id}: {story.title}")
    print(f"Told by: {', '.join(story.outlets)}")
    if story.entities:
        print("Names:   " + ", ".join(entity for entity, _ in story.entities[:10]))
    for member in story.members:
        when = member.published.strftime("%Y-%m-%d %H:%M") if member.published else "?"
        mark = " (placed by you)" if member.by_user else ""
        print(f"\n{member.article_id:>5}  {when}  {member.outlet}  {member.language or '??'}{mark}")
        print(f"       {member.title}")
        if member.title_translated and member.title_translated != member.title:
            print(f"       {member.title_translated}")
        print(f"       why: {member.reason}")
    return 0


def run_story_move(monitor: Monitor, args: argparse.Namespace) -> int:
    story = monitor.move_to_story(args.article, args.story)
    where = "a story of its own" if args.story is None else "story"
    print(f"Article {args.article} is now in {where} {story}.")
    return 0


def run_story_merge(monitor: Monitor, args: argparse.Namespace) -> int:
    moved = monitor.merge_stories(args.into, args.other)
    print(f"Story {args.other} is now part of story {args.into} ({moved} articles moved).")
    return 0


def story_json(story: Story) -> dict[str, Any]:
    return {
        "id": story.id,
        "title": story.title,
        "outlets": list(story.outlets),
        "languages": list(story.languages),
        "first_published": to_iso(story.first_published),
        "last_published": to_iso(story.last_published),
        "entities": [{"id": e, "articles": n} for e, n in story.entities],
        "articles": [
            {
                "id": m.article_id,
                "outlet": m.outlet,
                "language": m.language,
                "published": to_iso(m.published),
                "title": m.title,
                "title_translated": m.title_translated,
                "score": round(m.score, 3),
                "reason": m.reason,
                "linked_to": m.linked_to,
                "by_user": m.by_user,
            }
            for m in story.members
        ],
    }
