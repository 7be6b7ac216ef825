"""The bilingual dossier: articles as one self-contained HTML document, fit for citing.

Per article: the title in both languages, the outlet, the URL, when it was published and
retrieved, the SHA-256 of the page exactly as received, the model that translated it, and
the text as a two-column table, original beside translation, sentence by sentence, with the
paragraph breaks kept. Everything is escaped and nothing is loaded from elsewhere (no
images, fonts, scripts or style sheets), so the file opens the same anywhere and years on.

The same HTML is printed to PDF by the desktop app (:mod:`ui.pdf`): Qt's rich text knows
only a subset of CSS, so page breaks are also set inline where Qt looks for them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from html import escape

from monitor.store.translations import ORIGINAL_LANGUAGE_ROUTE, StoredTranslation
from monitor.types import Article, TextOrigin

# Routes the translation stage stores for text it did not translate (see translation_stage).


@dataclass(frozen=True, slots=True)
class ExportedArticle:
    """An article with its translation, as exports see it."""

    article: Article
    stored: StoredTranslation | None  # what the translation stage stored, if anything

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
    """One side ("original" or "translation") of aligned sentences, paragraphs kept."""
    paragraphs: dict[int, list[str]] = {}
    for sentence in translation.sentences:
        text = sentence.original if side == "original" else sentence.translation
        paragraphs.setdefault(sentence.paragraph, []).append(text)
    return "\n\n".join(" ".join(p) for _, p in sorted(paragraphs.items()))


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
        rows = "".join(
            f"<tr><td{_lang(article.language)}>{escape(paragraph)}</td></tr>"
            for paragraph in article.text.split("\n\n")
            if paragraph.strip()
        )
        return (
            f'<p class="note">{escape(note)}</p><table class="aligned">'
            f"<thead><tr><th>Original ({language})</th></tr></thead><tbody>{rows}</tbody></table>"
        )
    rows_html = []
    previous: int | None = None
    for sentence in translation.sentences:
        starts = previous is not None and sentence.paragraph != previous
        previous = sentence.paragraph
        marker = ' class="paragraph-start"' if starts else ""
        flagged = ' class="degenerate"' if sentence.degenerate else ""
        rows_html.append(
            f"<tr{marker}><td{_lang(article.language)}>{escape(sentence.original)}</td>"
            f"<td{_lang(translation.target)}{flagged}>{escape(sentence.translation)}</td></tr>"
        )
    header = (
        f"<thead><tr><th>Original ({language})</th>"
        f"<th>Translation ({escape(translation.target or target)})</th></tr></thead>"
    )
    return f'<table class="aligned">{header}<tbody>{"".join(rows_html)}</tbody></table>'
