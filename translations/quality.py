"""Spotting degenerate machine translations: empty, looping, or far longer than the source.

Flagged, never hidden: the reader shows them with a warning so a monitor knows not to trust
that sentence.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"\w+|[^\w\s]", re.UNICODE)
MAX_LENGTH_RATIO = 3.0  # output tokens per input token, before a sentence looks runaway
SLACK_TOKENS = 8  # short sentences legitimately expand ("Да." → "Yes, it is.")
MAX_REPEATS = 4  # the same word or short phrase this many times in a row is a loop


def is_degenerate(source_tokens: int, translation: str, output_tokens: int) -> bool:
    if not translation.strip():
        return source_tokens > 0
    if output_tokens > MAX_LENGTH_RATIO * source_tokens + SLACK_TOKENS:
        return True
    return _loops(_WORD.findall(translation.casefold()))


def _loops(words: list[str]) -> bool:
    for size in (1, 2, 3):
        for offset in range(size):
            run = 1
            for start in range(offset + size, len(words) - size + 1, size):
                chunk = words[start : start + size]
                if chunk == words[start - size : start]:
                    run += 1
                    if run >= MAX_REPEATS and any(word.isalnum() for word in chunk):
                        return True
                else:
                    run = 1
    return False
