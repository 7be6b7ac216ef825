"""The bilingual dossier: articles as one self-contained HTML document, fit for citing.

Per article: the title in both languages, the outlet, the URL, when it was published and
retrieved, the SHA-256 of the page exactly as received, the model that translated it, and
the text as a two-column table, original beside translation, sentence by sentence, with the
paragraph breaks kept. The user's highlights colour their sentences (the marked side
strongly, its counterpart lightly) and their notes are printed in a third column beside
their sentence; notes whose sentence is no longer in the text follow the table. Everything
is escaped and nothing is loaded from elsewhere (no images, fonts, scripts or style sheets),
so the file opens the same anywhere and years on.

The same HTML is printed to PDF by the desktop app (:mod:`ui.pdf`): Qt's rich text knows
only a subset of CSS, so page breaks are also set inline where Qt looks for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from html import escape

from monitor.store.translations import ORIGINAL_LANGUAGE_ROUTE, StoredTranslation
from monitor.types import Article, Note, NoteColour, NoteSide, SentencePair, TextOrigin
from translations.types import join_paragraphs

# Routes the translation stage stores for text it did not translate (see translation_stage).


@dataclass(frozen=True, slots=True)
class ExportedArticle:
    """An article with its translation, as exports see it."""

    article: Article
    stored: StoredTranslation | None  # what the translation stage stored, if anything
    notes: tuple[Note, ...] = ()  # the user's highlights and notes, in sentence order

    @property
    def translation(self) -> StoredTranslation | None:
        """The translation made by a model; None for originals kept as they are."""
        if self.stored is None or not self.stored.by_model:
            return None
        return self.stored


def utc_iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).isoformat(timespec="seconds")


def local_iso(article: Article) -> str | None:
    """The publication time in the outlet's own offset, as the outlet gave it."""
    if article.published is None or article.published_offset_minutes is None:
        return None
    offset = timezone(timedelta(minutes=article.published_offset_minutes))
    return article.published.astimezone(offset).isoformat(timespec="seconds")


def paragraphs_of(translation: StoredTranslation, side: str) -> str:
    """One side ("original" or "translation") of aligned sentences, paragraphs kept (a
    headline's sentences not translated yet are left out)."""
    return join_paragraphs(
        (s.paragraph, s.original if side == "original" else s.translation)
        for s in translation.sentences
    )


_STYLE = """
body { font-family: "Noto Sans", "DejaVu Sans", Arial, sans-serif; font-size: 10pt;
       color: #111; margin: 0 auto; max-width: 60em; }
h1 { font-size: 16pt; margin-bottom: 0.2em; }
h2 { font-size: 13pt; margin: 0.2em 0; }
p.title-translated { font-size: 12pt; font-style: italic; margin: 0 0 0.6em 0; }
table { border-collapse: collapse; width: 100%; }
table.facts th { text-align: left; font-weight: normal; color: #555; padding: 1px 8px 1px 0;
                 white-space: nowrap; vertical-align: top; width: 11em; }
table.facts td { padding: 1px 0; word-break: break-all; }
table.aligned { margin-top: 0.8em; }
table.aligned th { text-align: left; border-bottom: 1px solid #888; padding: 3px 6px; }
table.aligned td { vertical-align: top; padding: 2px 6px; width: 50%; }
tr.paragraph-start td { padding-top: 0.7em; }
td.degenerate { color: #a33; }
table.with-notes td { width: auto; }
table.with-notes td.notes { width: 26%; font-size: 9pt; color: #333; }
td.notes p { margin: 0 0 0.3em 0; }
span.side { color: #777; font-size: 8pt; }
p.note { color: #555; font-style: italic; }
.hash { font-family: "DejaVu Sans Mono", monospace; font-size: 9pt; }
div.article { margin-top: 1.5em; }
@page { size: A4; margin: 18mm 16mm; }
@media print {
  body { max-width: none; }
  div.article + div.article { break-before: page; page-break-before: always; margin-top: 0; }
  tr { break-inside: avoid; page-break-inside: avoid; }
}
"""


def render_dossier(
    items: list[ExportedArticle],
    *,
    exported_at: datetime,
    version: str,
    query: str | None = None,
    target_language: str = "en",
) -> str:
    """The dossier of ``items`` as one HTML document (UTF-8 text)."""
    count = len(items)
    noun = "article" if count == 1 else "articles"
    facts = [
        ("Exported (UTC)", escape(utc_iso(exported_at) or "")),
        ("Made with", f"Media Monitor {escape(version)}"),
        ("Articles", str(count)),
    ]
    if query:
        facts.append(("Search", escape(query)))
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Media Monitor dossier: {count} {noun}</title>",
        f"<style>{_STYLE}</style></head><body>",
        '<div class="header"><h1>Media Monitor dossier</h1>',
        _facts_table(facts),
        "</div>",
    ]
    for position, item in enumerate(items):
        parts.append(_article(item, target_language, new_page=position > 0))
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _facts_table(rows: list[tuple[str, str]]) -> str:
    """Rows of (label, already-escaped HTML)."""
    cells = "".join(f"<tr><th>{escape(label)}</th><td>{value}</td></tr>" for label, value in rows)
    return f'<table class="facts">{cells}</table>'


def _link(url: str | None) -> str:
    if not url:
        return "—"
    text = escape(url)
    if url.lower().startswith(("http://", "https://")):
        return f'<a href="{escape(url, quote=True)}">{text}</a>'
    return text  # never a javascript: or data: link


def _lang(code: str | None) -> str:
    return f' lang="{escape(code, quote=True)}"' if code else ""


def _article(item: ExportedArticle, target: str, *, new_page: bool) -> str:
    article, translation = item.article, item.translation
    # Qt's rich text honours page-break-before only inline, on a block such as the heading;
    # the first article shares the first page with the header.
    style = ' style="page-break-before: always"' if new_page else ""
    heading = f"<h2{style}{_lang(article.language)}>{escape(article.title)}</h2>"
    parts = [f'<div class="article" id="article-{article.id}">', heading]
    if translation is not None:
        parts.append(
            f'<p class="title-translated"{_lang(translation.target)}>'
            f"{escape(translation.title)}</p>"
        )
    origin = "the article page" if article.text_origin is TextOrigin.PAGE else "the feed"
    sha = article.raw_sha256
    facts = [
        ("Outlet", escape(article.source_name)),
        ("Language", escape(article.language or "unknown")),
        ("URL", _link(article.url)),
    ]
    if article.canonical_url and article.canonical_url != article.url:
        facts.append(("Canonical URL", _link(article.canonical_url)))
    if article.author:
        facts.append(("Author", escape(article.author)))
    facts += [
        ("Published (UTC)", escape(utc_iso(article.published) or "unknown")),
        ("Published (local)", escape(local_iso(article) or "unknown")),
        ("Retrieved (UTC)", escape(utc_iso(article.retrieved_at) or "")),
        ("Text taken from", origin),
        (
            "Raw page SHA-256",
            f'<span class="hash">{escape(sha)}</span>' if sha else "— (no page stored)",
        ),
    ]
    if translation is not None:
        facts.append(("Translated by", escape(translation.route)))
    parts.append(_facts_table(facts))
    parts.append(_text_table(item, target))
    parts.append("</div>")
    return "\n".join(parts)


def _text_table(item: ExportedArticle, target: str) -> str:
    article, translation = item.article, item.translation
    language = escape(article.language or "unknown")
    if translation is None:
        if item.stored is not None and item.stored.route == ORIGINAL_LANGUAGE_ROUTE:
            note = f"Written in {language}, the translation language: shown as published."
        else:
            reason = article.translation_note or "not translated yet"
            note = reason[:1].upper() + reason[1:].rstrip(".") + "."
        if item.stored is not None and item.stored.sentences and item.notes:
            # Notes are made on sentences: the text one sentence a row, notes beside.
            table = _sentence_table(item, item.stored.sentences, target, translated=False)
            return f'<p class="note">{escape(note)}</p>{table}{_detached(item.notes)}'
        rows = "".join(
            f"<tr><td{_lang(article.language)}>{escape(paragraph)}</td></tr>"
            for paragraph in article.text.split("\n\n")
            if paragraph.strip()
        )
        return (
            f'<p class="note">{escape(note)}</p><table class="aligned">'
            f"<thead><tr><th>Original ({language})</th></tr></thead><tbody>{rows}</tbody></table>"
            + _detached(item.notes)
        )
    return _sentence_table(
        item, translation.sentences, translation.target or target, translated=True
    ) + _detached(item.notes)


# The marked side's background, and its counterpart's; light enough to print text on.
_MARK_COLOURS = {
    NoteColour.YELLOW: ("#ffe97a", "#fff8d6"),
    NoteColour.GREEN: ("#b9eab0", "#ebf8e8"),
    NoteColour.BLUE: ("#bcd8ff", "#eaf2ff"),
    NoteColour.PINK: ("#ffc2dc", "#ffedf5"),
}


def _sentence_table(
    item: ExportedArticle,
    sentences: tuple[SentencePair, ...],
    target: str,
    *,
    translated: bool,
) -> str:
    """The sentences one to a row, the original beside the translation when ``translated``,
    and a column of notes when the article has notes on its sentences."""
    article = item.article
    by_sentence: dict[int, list[Note]] = {}
    for note in item.notes:
        if note.sentence is not None and note.sentence < len(sentences):
            by_sentence.setdefault(note.sentence, []).append(note)
    with_notes = bool(by_sentence)
    # Qt's rich text (the PDF) takes column widths from the header cells' attributes.
    width = f' width="{37 if translated else 70}%"' if with_notes else ""
    rows_html = []
    previous: int | None = None
    for index, sentence in enumerate(sentences):
        starts = previous is not None and sentence.paragraph != previous
        previous = sentence.paragraph
        marker = ' class="paragraph-start"' if starts else ""
        notes = by_sentence.get(index, [])
        cells = [
            f"<td{_lang(article.language)}{_marked(notes, NoteSide.ORIGINAL)}>"
            f"{escape(sentence.original)}</td>"
        ]
        if translated:
            flagged = ' class="degenerate"' if sentence.degenerate else ""
            cells.append(
                f"<td{_lang(target)}{flagged}{_marked(notes, NoteSide.TRANSLATION)}>"
                f"{escape(sentence.translation)}</td>"
            )
        if with_notes:
            cells.append(f'<td class="notes">{"".join(_note_html(n) for n in notes)}</td>')
        rows_html.append(f"<tr{marker}>{''.join(cells)}</tr>")
    language = escape(article.language or "unknown")
    heads = [f"<th{width}>Original ({language})</th>"]
    if translated:
        heads.append(f"<th{width}>Translation ({escape(target)})</th>")
    if with_notes:
        heads.append('<th width="26%">Notes</th>')
    header = f"<thead><tr>{''.join(heads)}</tr></thead>"
    classes = "aligned with-notes" if with_notes else "aligned"
    return f'<table class="{classes}">{header}<tbody>{"".join(rows_html)}</tbody></table>'


def _marked(notes: list[Note], side: NoteSide) -> str:
    """The style attribute of a sentence's cell on ``side``: strong where it was marked,
    light where its counterpart was, none without marks."""
    if not notes:
        return ""
    own = next((n for n in notes if n.side is side), None)
    colour = _MARK_COLOURS[(own or notes[0]).colour][0 if own else 1]
    return f' style="background-color: {colour}" bgcolor="{colour}"'


def _note_html(note: Note) -> str:
    side = "original" if note.side is NoteSide.ORIGINAL else "translation"
    swatch = _MARK_COLOURS[note.colour][0]
    label = f'<span style="color: {swatch}">&#9632;</span> <span class="side">{side}</span>'
    if not note.text:
        return f"<p>{label} <i>highlighted</i></p>"
    return f"<p>{label} {_multiline(note.text)}</p>"


def _multiline(text: str) -> str:
    return "<br>".join(escape(line) for line in text.splitlines())


def _detached(notes: tuple[Note, ...]) -> str:
    """The notes whose sentence is no longer in the text, with the sentence they were on."""
    lost = [note for note in notes if note.sentence is None]
    if not lost:
        return ""
    items = "".join(
        f"<li>“{escape(note.sentence_text)}”"
        + (f" — {_multiline(note.text)}" if note.text else " (highlighted)")
        + "</li>"
        for note in lost
    )
    return (
        '<p class="note">Notes whose sentence is no longer in the text (it was extracted or'
        f" translated again since):</p><ul>{items}</ul>"
    )
