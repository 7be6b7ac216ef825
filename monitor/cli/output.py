"""How the CLI shows things: tables, one article, a progress line, JSON shapes.

Tables fit the terminal: a column of names is as wide as its longest name, up to its share
of the terminal's width, and a longer name ends in "…" (counted in terminal cells, so Hangul
and Han take two). Output to a file or a pipe has no width: nothing is cut. ``--json`` output
is never cut.
"""

from __future__ import annotations

import json
import shutil
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import asdict
from datetime import timedelta, timezone
from typing import Any, TextIO

from monitor.clock import to_iso
from monitor.store.translations import StoredTranslation
from monitor.types import Article, PostDetails, Progress, ProgressKind, Source, SourceReport

ELLIPSIS = "…"


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """``1 match``, ``3 matches``: a count with its noun in the right number."""
    return f"{count} {noun if count == 1 else plural or noun + 's'}"


def table_width(stream: TextIO | None = None) -> int | None:
    """The terminal's width in cells when ``stream`` (stdout) is one, else None: no limit."""
    stream = stream or sys.stdout
    if not stream.isatty():
        return None
    return shutil.get_terminal_size((100, 24)).columns


def cells(text: str) -> int:
    """How many terminal cells ``text`` takes (wide East Asian characters take two)."""
    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
        for c in text
    )


def fit(text: str, width: int) -> str:
    """``text`` in exactly ``width`` cells: padded with spaces, or cut and ended with "…"."""
    if cells(text) > width:
        kept = ""
        for character in text:
            if cells(kept + character) > width - 1:
                break
            kept += character
        text = kept + ELLIPSIS
    return text + " " * (width - cells(text))


def column_width(values: Sequence[str], share: int | None, *, least: int = 8) -> int:
    """A column as wide as its widest value, but at most ``share`` cells (None: no limit)."""
    widest = max((cells(value) for value in values), default=0)
    return widest if share is None else max(min(widest, share), min(widest, least))


def print_json(value: Any) -> None:
    """``--json`` output: indented, non-ASCII kept as it is."""
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def source_json(source: Source) -> dict[str, Any]:
    return {
        "id": source.id,
        "url": source.url,
        "name": source.name,
        "kind": source.kind.value,
        "lang": source.language_hint,
        "country": source.country,
        "homepage": source.homepage,
        "last_checked": to_iso(source.last_checked),
        "last_error": source.last_error,
        "error_since": to_iso(source.error_since),
        "articles": source.article_count,
    }


def article_json(article: Article, *, with_text: bool) -> dict[str, Any]:
    value: dict[str, Any] = {
        "id": article.id,
        "source_id": article.source_id,
        "source": article.source_name,
        "title": article.title,
        "lang": article.language,
        "url": article.url,
        "published": to_iso(article.published),
        "published_local": _in_original_zone(article),
        "published_zone_assumed": article.published_zone,
        "state": article.state.label,
    }
    if with_text:
        value |= {
            "guid": article.guid,
            "canonical_url": article.canonical_url,
            "author": article.author,
            "retrieved_at": to_iso(article.retrieved_at),
            "language_hint": article.language_hint,
            "text_origin": article.text_origin.value,
            "raw_sha256": article.raw_sha256,
            "duplicate_of": article.duplicate_of,
            "error": article.last_error,
            "translation_note": article.translation_note,
            "summary": article.summary,
            "text": article.text,
        }
    return value


def translation_json(translation: StoredTranslation | None) -> dict[str, Any]:
    """The translation part of ``show --json``: aligned sentences and the model that made them."""
    if translation is None:
        return {"translation": None, "sentences": []}
    return {
        "translation": {
            "title": translation.title,
            "model": translation.route,
            "pivot": translation.is_pivot,
            "target": translation.target,
            "translated_at": to_iso(translation.translated_at),
            "degenerate": translation.degenerate,
            "complete": translation.complete,  # false: the title and lead only, so far
        },
        "sentences": [
            {
                "paragraph": s.paragraph,
                "original": s.original,
                "translation": s.translation,
                "degenerate": s.degenerate,
            }
            for s in translation.sentences
        ],
    }


def _in_original_zone(article: Article) -> str | None:
    """The published time as the outlet wrote it (its own UTC offset)."""
    if article.published is None:
        return None
    if article.published_offset_minutes is None:
        return to_iso(article.published)
    zone = timezone(timedelta(minutes=article.published_offset_minutes))
    return article.published.astimezone(zone).isoformat(timespec="seconds")


def format_sources(sources: Sequence[Source], width: int | None = None) -> str:
    """The followed sources, one per line and their address below; ``width``: the terminal's."""
    # ID, language and article count take 24 cells; the name gets half of the rest at most.
    share = None if width is None else max(20, (width - 24) // 2)
    name_width = column_width(["NAME", *(source.name for source in sources)], share)
    lines = [f"{'ID':>4}  {'LANG':4}  {'ARTICLES':>8}  {fit('NAME', name_width)}  STATUS"]
    for source in sources:
        if source.last_error:
            status = source.error_state()
        elif source.last_checked:
            status = "checked " + source.last_checked.astimezone().strftime("%Y-%m-%d %H:%M")
        else:
            status = "not checked yet"
        lines.append(
            f"{source.id:>4}  {source.language_hint or '':4}  {source.article_count:>8}  "
            f"{fit(source.name, name_width)}  {status}"
        )
        lines.append(f"{'':>4}  {source.url}")
    return "\n".join(lines)


def post_json(article: Article, post: PostDetails | None) -> dict[str, Any]:
    """The history and, for a Telegram post, the details part of ``show --json``."""
    return {
        "edits": article.edits,
        "edited_at": to_iso(article.edited_at),
        "deleted_since": to_iso(article.deleted_since),
        "post": None if post is None else asdict(post),
    }


def _post_lines(post: PostDetails) -> list[str]:
    lines = []
    if post.forwarded_from or post.forwarded_from_url:
        origin = " ".join(part for part in (post.forwarded_from, post.forwarded_from_url) if part)
        lines.append(f"Forwarded: from {origin}")
    if post.reply_to_url:
        lines.append(f"Reply to:  {post.reply_to_url}")
    if post.views is not None:
        lines.append(f"Views:     {post.views:,}")
    for item in post.media:  # listed; the files are not fetched
        described = " ".join(part for part in (item.caption, item.url) if part)
        lines.append(f"Media:     {item.kind}" + (f": {described}" if described else ""))
    return lines


def format_article(
    article: Article,
    translation: StoredTranslation | None = None,
    post: PostDetails | None = None,
) -> str:
    lines = [article.title, "=" * min(len(article.title) * 2, 80)]
    lines.append(f"Source:    {article.source_name}")
    if article.author:
        lines.append(f"Author:    {article.author}")
    if article.published:
        lines.append(f"Published: {_in_original_zone(article)} (UTC {to_iso(article.published)})")
        if article.published_zone:  # the feed wrote no zone
            lines.append(f"           zone assumed: {article.published_zone}")
    lines.append(f"Language:  {article.language or 'unknown'}")
    lines.append(f"URL:       {article.url or '-'}")
    origin = "the article page" if article.text_origin.value == "page" else "the feed"
    lines.append(
        f"Text from: {origin}" + (f" ({article.last_error})" if article.last_error else "")
    )
    lines.append(f"State:     {article.state.label}")
    if article.edits and article.edited_at:  # a Telegram post changed after it was read
        lines.append(
            f"Edited:    {article.versions} versions (last UTC {to_iso(article.edited_at)})"
        )
    if article.deleted_since:  # gone from its channel; what was stored is kept
        lines.append(f"Deleted:   not seen since UTC {to_iso(article.deleted_since)}")
    if article.duplicate_of:
        lines.append(f"Duplicate: same text as article {article.duplicate_of}")
    if post is not None:
        lines.extend(_post_lines(post))
    if translation is not None:
        lines.append(f"Title ({translation.target}): {translation.title}")
        lines.append(f"Model:     {translation.route}")
        if not translation.complete:
            lines.append("Translated: the title and lead so far; the rest is in the queue")
    elif article.translation_note:
        lines.append(f"Note:      {article.translation_note}")
    lines.append("")
    if translation is None or not translation.sentences:
        lines.append(article.text or article.summary or "(no text)")
        return "\n".join(lines)
    paragraph = translation.sentences[0].paragraph
    for sentence in translation.sentences:
        if sentence.paragraph != paragraph:
            lines.append("")
            paragraph = sentence.paragraph
        flag = "  [doubtful translation]" if sentence.degenerate else ""
        lines.append(f"  {sentence.original}")
        if sentence.translation or translation.complete:
            lines.append(f"→ {sentence.translation}{flag}")
    return "\n".join(lines)


def format_summary(reports: Sequence[SourceReport], width: int | None = None) -> str:
    """An update's report per source and its totals; ``width``: the terminal's."""
    if not reports:
        return "Nothing to update."
    # The counts take 27 cells; the name gets half of the rest at most, the note the rest.
    share = None if width is None else max(20, (width - 27) // 2)
    name_width = column_width(["SOURCE", *(r.source_name for r in reports)], share)
    lines = [f"{fit('SOURCE', name_width)}  {'NEW':>4}  {'UPDATED':>7}  {'FAILED':>6}  NOTE"]
    for report in reports:
        note = report.error or ("not modified" if report.not_modified else "")
        if report.failed and not report.error:
            note = f"{counted(report.failed, 'page')} unavailable; kept the feed's text"
        if report.queued:
            waiting = f"{counted(report.queued, 'page')} queued for the next update"
            note = f"{note}; {waiting}" if note else waiting
        lines.append(
            f"{fit(report.source_name, name_width)}  {report.new:>4}  {report.updated:>7}  "
            f"{report.failed:>6}  {note}"
        )
    total_new = sum(r.new for r in reports)
    errors = sum(1 for r in reports if r.error)
    queued = sum(r.queued for r in reports)
    lines.append(
        f"{counted(total_new, 'new article')} from {counted(len(reports), 'source')}"
        + (f"; {counted(errors, 'source')} failed" if errors else "")
        + (f"; {counted(queued, 'page')} queued for the next update" if queued else "")
    )
    return "\n".join(lines)


# Which pass of an update a progress line counts (headlines come before whole texts).
_STAGES = {
    ProgressKind.HEADLINE: "headlines ",
    ProgressKind.TRANSLATED: "translating ",
    ProgressKind.UNTRANSLATED: "translating ",
    ProgressKind.INDEXED: "indexing ",
}


class ProgressLine:
    """One self-overwriting status line on a terminal; silent when not a terminal."""

    def __init__(self, stream: TextIO, *, enabled: bool = True) -> None:
        self._stream = stream
        self._enabled = enabled and stream.isatty()
        self._shown = False

    def show(self, progress: Progress) -> None:
        if progress.kind is ProgressKind.FAILED:
            self.clear()
            print(f"  ! {progress.message}", file=self._stream)
            return
        if not self._enabled:
            return
        width = shutil.get_terminal_size((80, 20)).columns - 1
        total = progress.total or 0
        filled = int(20 * progress.done / total) if total else 0
        bar = "#" * filled + "-" * (20 - filled)
        stage = _STAGES.get(progress.kind, "")
        text = f"[{bar}] {stage}{progress.done}/{total}  {progress.message}"
        self._stream.write("\r" + text[:width].ljust(width))
        self._stream.flush()
        self._shown = True

    def clear(self) -> None:
        if self._shown:
            width = shutil.get_terminal_size((80, 20)).columns - 1
            self._stream.write("\r" + " " * width + "\r")
            self._stream.flush()
            self._shown = False
