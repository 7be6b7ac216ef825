"""``media-monitor entity`` and ``names``: a person's, place's or organisation's page, and
the spellings a user adds to the alias table."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from monitor.clock import to_iso

if TYPE_CHECKING:
    from monitor.app import Monitor
    from monitor.names.types import EntityPage, NamedEntity

_KINDS = ("person", "place", "organisation")
_LANGUAGES = ("en", "ru", "uk", "ko", "zh")
SENTENCES_SHOWN = 10


def add_names_commands(commands: Any) -> None:
    page = commands.add_parser(
        "entity",
        help="a person, place or organisation: mentions per outlet and day, sentences, company",
        description="NAME in any script or spelling (Zelensky, Зеленского, 젤렌스키) or an id "
        "(volodymyr-zelensky). Follow one in every script with `watch add NAME "
        "entity:ID`.",
        free_text=True,
    )
    page.add_argument("name", nargs="+")
    page.add_argument("--json", action="store_true", help="JSON output")
    page.set_defaults(run=run_entity)
    names = commands.add_parser("names", help="the forms of names in every script")
    actions = names.add_subparsers(dest="names_command", metavar="ACTION", required=True)
    show = actions.add_parser("show", help="every form of a name", free_text=True)
    show.add_argument("name", nargs="+")
    show.add_argument("--json", action="store_true", help="JSON output")
    show.set_defaults(run=run_names_show)
    add = actions.add_parser(
        "add",
        help="add a spelling of a name",
        description="Add FORM as a spelling of NAME (any of its forms). A NAME no entry has "
        "starts a new one. Searches for the name then look for FORM too, and articles "
        "writing it name the entity.",
    )
    add.add_argument("name", help="the name as known (quote several words)")
    add.add_argument("form", help="the new spelling (quote several words)")
    add.add_argument("--lang", choices=_LANGUAGES, help="its language (default: by its script)")
    add.add_argument("--kind", choices=_KINDS, help="a new entry's kind (default: person)")
    add.set_defaults(run=run_names_add)


def run_entity(monitor: Monitor, args: argparse.Namespace) -> int:
    from monitor.cli.output import print_json

    for _ in monitor.sync_index():
        pass
    page = monitor.entity_page(" ".join(args.name))
    if args.json:
        print_json(page_json(page))
        return 0
    print(format_page(page))
    return 0


def run_names_show(monitor: Monitor, args: argparse.Namespace) -> int:
    from monitor.cli.output import print_json

    entity = monitor.entity(" ".join(args.name))
    if args.json:
        print_json(entity_json(entity))
        return 0
    print(f"{entity.name}  ({entity.kind.value}, {entity.id})")
    for language, forms in entity.names:
        print(f"  {language}  {', '.join(forms)}")
    if entity.source:
        print(f"  source: {entity.source}")
    return 0


def run_names_add(monitor: Monitor, args: argparse.Namespace) -> int:
    from monitor.names.types import EntityKind

    kind = EntityKind(args.kind) if args.kind else None
    entity = monitor.add_spelling(args.name, args.form, language=args.lang, kind=kind)
    for _ in monitor.sync_index():
        pass
    print(f"{entity.name} ({entity.id}) is also written {args.form}.")
    return 0


def entity_json(entity: NamedEntity) -> dict[str, Any]:
    return {
        "id": entity.id,
        "name": entity.name,
        "kind": entity.kind.value,
        "forms": {language: list(forms) for language, forms in entity.names},
        "source": entity.source,
    }


def page_json(page: EntityPage) -> dict[str, Any]:
    return {
        "entity": entity_json(page.entity),
        "articles": page.articles,
        "timeline": [{"day": d, "outlet": o, "articles": n} for d, o, n in page.timeline],
        "sentences": [
            {
                "article_id": s.article_id,
                "outlet": s.outlet,
                "published": to_iso(s.published),
                "language": s.language,
                "original": s.original,
                "translation": s.translation,
            }
            for s in page.sentences
        ],
        "mentioned_with": [
            {"id": e.id, "name": e.name, "articles": n} for e, n in page.mentioned_with
        ],
        "silent_outlets": list(page.silent_outlets),
    }


def format_page(page: EntityPage) -> str:
    entity = page.entity
    lines = [
        f"{entity.name}  ({entity.kind.value}, {entity.id})",
        "=" * min(60, len(entity.name) * 2),
    ]
    lines.append("Also written: " + ", ".join(entity.forms()[:12]))
    noun = "article" if page.articles == 1 else "articles"
    lines.append(f"Mentioned in {page.articles} {noun}.")
    if page.timeline:
        lines.append("\nBy day and outlet:")
        lines += [f"  {day}  {count:>3}  {outlet}" for day, outlet, count in page.timeline]
    if page.sentences:
        lines.append("\nSentences (newest first):")
        for sentence in page.sentences[:SENTENCES_SHOWN]:
            lines.append(f"  [{sentence.article_id}] {sentence.outlet}: {sentence.original}")
            if sentence.translation:
                lines.append(f"      → {sentence.translation}")
    if page.mentioned_with:
        lines.append(
            "\nNamed with: " + ", ".join(f"{e.name} ({n})" for e, n in page.mentioned_with)
        )
    if page.silent_outlets:
        lines.append("\nNever mention it: " + ", ".join(page.silent_outlets))
    return "\n".join(lines)
