"""Snippet formatting: matches in ``<b>…</b>``, everything else HTML-escaped.

Whoosh's own formatters skip a match that overlaps one already drawn, so with overlapping
CJK bigrams "누리호" would show as "<b>누리</b>호". Here overlapping and touching matches are
merged into one highlighted run first.
"""

from __future__ import annotations

from typing import Any

from whoosh import highlight


class MergingHtmlFormatter(highlight.Formatter):  # type: ignore[misc]
    """Wrap each run of matched characters in ``<b>``; fragments joined by " … "."""

    between = " … "

    def format_fragment(self, fragment: Any, replace: bool = False) -> str:
        text: str = fragment.text
        spans: list[list[int]] = []
        for token in sorted(
            (t for t in fragment.matches if t.startchar is not None),
            key=lambda t: (t.startchar, t.endchar),
        ):
            if spans and token.startchar <= spans[-1][1]:
                spans[-1][1] = max(spans[-1][1], token.endchar)
            else:
                spans.append([token.startchar, token.endchar])
        output = []
        index = fragment.startchar
        for start, end in spans:
            start, end = max(start, index), min(end, fragment.endchar)
            if end <= start:
                continue
            output.append(highlight.htmlescape(text[index:start], quote=False))
            output.append(f"<b>{highlight.htmlescape(text[start:end], quote=False)}</b>")
            index = end
        output.append(highlight.htmlescape(text[index : fragment.endchar], quote=False))
        return "".join(output)
