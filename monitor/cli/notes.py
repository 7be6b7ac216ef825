"""``media-monitor notes …``: highlights and notes on an article's sentences, on the terminal.

The same notes the reader shows in its margin (:meth:`monitor.app.Monitor.notes`). A note is
made on a sentence by its number in the article's aligned sentences, which ``notes sentences
ID`` lists, on the original side unless ``--side translation`` says otherwise; noting a
sentence again replaces its note. ``search`` finds articles by their notes (``note:word``
searches notes only).

The parser half names the handlers; each handler imports the core when it runs.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from monitor.cli.arguments import LARGEST_ID, WholeNumber, article_id, one_line

if TYPE_CHECKING:
    from monitor.app import Monitor
    from monitor.types import Note

note_id = WholeNumber("note id", 1, LARGEST_ID)
sentence_number = WholeNumber("sentence number", 0, LARGEST_ID)
_SIDES = ("original", "translation")
_COLOURS = ("yellow", "green", "blue", "pink")


def add_notes_commands(commands: Any) -> None:
    notes = commands.add_parser("notes", help="highlights and notes on articles' sentences")
    actions = notes.add_subparsers(dest="notes_command", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="every note, or an article's notes")
    listing.add_argument("id", type=article_id, nargs="?", help="only this article's notes")
    listing.add_argument("--json", action="store_true", help="JSON output")
    listing.set_defaults(run=run_notes_list)
    sentences = actions.add_parser(
        "sentences", help="an article's sentences, numbered as notes name them"
    )
    sentences.add_argument("id", type=article_id)
    sentences.set_defaults(run=run_notes_sentences)
    add = actions.add_parser(
        "add",
        help="highlight a sentence, with a note",
        description="Highlight sentence SENTENCE of article ID (numbered by `notes sentences "
        "ID`, from 0) and note TEXT on it; without TEXT the sentence is only highlighted. A "
        "sentence noted again on the same side keeps one note: its text and colour are "
        "replaced.",
        free_text=True,
    )
    add.add_argument("id", type=article_id)
    add.add_argument("sentence", type=sentence_number)
    add.add_argument("text", nargs="*", help="the note (plain text)")
    add.add_argument("--side", choices=_SIDES, default="original", help="default: original")
    add.add_argument("--colour", choices=_COLOURS, help="the highlight (default: yellow)")
    add.add_argument("--json", action="store_true", help="JSON output")
    add.set_defaults(run=run_notes_add)
    remove = actions.add_parser("remove", help="remove a highlight and its note")
    remove.add_argument("note", type=note_id, help="the note's id (see `notes list`)")
    remove.set_defaults(run=run_notes_remove)


def run_notes_list(monitor: Monitor, args: argparse.Namespace) -> int:
    from monitor.cli.output import print_json

    notes = monitor.notes(args.id)
    if args.json:
        print_json([note_json(note) for note in notes])
        return 0
    if not notes:
        where = f"article {args.id}" if args.id else "any article"
        print(f"No notes on {where} yet: `media-monitor notes add ID SENTENCE TEXT`.")
    for position, note in enumerate(notes):
        if position:
            print()
        print(format_note(note))
    return 0


def run_notes_sentences(monitor: Monitor, args: argparse.Namespace) -> int:
    article = monitor.article(args.id)
    translation = monitor.translation(article.id)
    if translation is None or not translation.sentences:
        print(
            f"Article {article.id} has no sentences yet: it has not been translated (notes are"
            " made on the sentences of its translation)."
        )
        return 0
    marked = {(n.sentence, n.side.value) for n in monitor.notes(article.id) if n.anchored}
    print(one_line(article.title))
    for index, pair in enumerate(translation.sentences):
        marks = "".join("*" if (index, side) in marked else " " for side in _SIDES)
        print(f"{index:>4} {marks[0]} {one_line(pair.original)}")
        if translation.by_model:
            print(f"     {marks[1]} → {one_line(pair.translation)}")
    return 0


def run_notes_add(monitor: Monitor, args: argparse.Namespace) -> int:
    from monitor.cli.output import print_json
    from monitor.types import NoteColour, NoteSide

    text = " ".join(args.text).strip()
    note = monitor.mark_sentence(
        args.id,
        args.sentence,
        NoteSide(args.side),
        colour=NoteColour(args.colour) if args.colour else None,
        text=text or None,
    )
    if args.json:
        print_json(note_json(note))
    else:
        print(f"Noted (note {note.id}):")
        print(format_note(note))
    return 0


def run_notes_remove(monitor: Monitor, args: argparse.Namespace) -> int:
    note = monitor.remove_note(args.note)
    print(f"Removed note {note.id} from article {note.article_id}.")
    return 0


def format_note(note: Note) -> str:
    """A note for a terminal: where it is, the sentence it is on, and its text."""
    where = (
        f"sentence {note.sentence}"
        if note.sentence is not None
        else "its sentence is no longer in the text"
    )
    lines = [
        f"Note {note.id} · article {note.article_id} · {where} · {note.side.value}"
        f" · {note.colour.value}",
        f"  “{one_line(note.sentence_text)}”",
    ]
    lines += [f"  {one_line(line)}" for line in note.text.splitlines()] or ["  (highlighted)"]
    return "\n".join(lines)


def note_json(note: Note) -> dict[str, Any]:
    from monitor.clock import to_iso

    return {
        "id": note.id,
        "article": note.article_id,
        "sentence": note.sentence,
        "side": note.side.value,
        "sentence_text": note.sentence_text,
        "counterpart_text": note.counterpart_text,
        "colour": note.colour.value,
        "text": note.text,
        "created_at": to_iso(note.created_at),
        "updated_at": to_iso(note.updated_at),
    }
