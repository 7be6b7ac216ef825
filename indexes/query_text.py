"""The query language as text: its tokenizer, the checks that catch the mistakes Whoosh's
lenient parser would silently guess around, and the words a query marks in what it found.

:mod:`indexes.query` turns checked text into a Whoosh query; the grammar is documented there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from indexes.errors import QuerySyntaxError
from indexes.schema import ENTITY_FIELD, NOTES_FIELD, SOUND_FIELD, STORY_FIELD

# Far above any query typed or kept in a watchlist, far below what makes parsing slow (Whoosh
# needs ~25 ms for a 1,000-letter word, seconds for 10,000) or deep (its parser recurses).
MAX_QUERY_CHARS = 1000
MAX_NESTING = 20

# What users type before the colon -> the schema field it means.
FIELD_ALIASES = {
    "outlet": "outlet",
    "lang": "lang",
    "language": "lang",
    "date": "day",
    "note": NOTES_FIELD,
    "notes": NOTES_FIELD,
    SOUND_FIELD: SOUND_FIELD,  # written by indexes.names for a name's sound key
    "entity": ENTITY_FIELD,
    "story": STORY_FIELD,
}
EXAMPLES = {
    NOTES_FIELD: 'FIELD:sanctions or FIELD:"call the mayor"',
    "outlet": 'FIELD:yonhap or FIELD:"seoul daily"',
    "lang": "FIELD:ru",
    "day": "FIELD:2026-11-20 or FIELD:[2026-11-01 TO 2026-11-20]",
    SOUND_FIELD: "FIELD:zelenski",
    ENTITY_FIELD: "FIELD:volodymyr-zelensky",
    STORY_FIELD: "FIELD:12",
}
MIN_PREFIX = 2  # a 1-letter prefix would expand to a large part of the vocabulary

# Taggers, all anchored so they only fire where the pre-check tokenizer sees the same token.
FIELD_EXPR = (
    r"(?:^|(?<=[\s(\-]))(?P<text>(?i:outlet|language|lang|date|notes|note|sound|entity|story)):"
)
PREFIX_EXPR = r"(?P<text>[^\s*()\"]+)[*](?=\s|$|\))"
GTLT_EXPR = r"(?<=:)(?P<rel><=|>=|=<|=>|<|>)"
RANGE_EXPR = re.compile(
    r"(?<=:)(?P<open>[\[{])\s*(?P<start>[^\s\[\]{}]+?)?\s*(?<![^\s\[{])[Tt][Oo](?=[\s\]}])"
    r"\s*(?P<end>[^\s\[\]{}]+)?\s*(?P<close>[\]}])"
)
MINUS_EXPR = r"(?:^|(?<=[\s(]))-(?=[^\s)\-])"


def highlight_words(text: str) -> tuple[str, ...]:
    """The words of a query worth marking in an article it found: every searched word and
    each word of a phrase, without operators, filters (``outlet:``, ``lang:``, ``date:``),
    excluded words or groups, and the ``*`` of a prefix. Read by this module's own tokenizer,
    so the reader marks what the search looked for. An unreadable query marks nothing."""
    try:
        tokens = query_tokens(text)
    except QuerySyntaxError:
        return ()
    words: list[str] = []
    excluded_depth: int | None = None  # inside a NOT ( … ) group opened at this depth
    depth = 0
    negate_next = False
    in_filter = False  # the value of a filter: a glued phrase, or a [range TO …]
    for token in tokens:
        if in_filter:
            in_filter = token.kind == "word" and not any(c in token.text for c in "]}")
            continue
        field = re.match(FIELD_EXPR, token.text) if token.kind == "word" else None
        if field is not None:
            value = token.text[field.end() :]
            in_filter = not value or (value[0] in "[{" and not any(c in value for c in "]}"))
            negate_next = False
            continue
        if token.kind == "(":
            depth += 1
            if negate_next and excluded_depth is None:
                excluded_depth = depth
            negate_next = False
        elif token.kind == ")":
            if excluded_depth == depth:
                excluded_depth = None
            depth -= 1
        elif token.kind == "NOT":
            negate_next = True
        elif token.kind in ("word", "phrase"):
            searched = not negate_next and excluded_depth is None
            negate_next = False
            if not searched:
                continue
            for word in token.text.strip('"').split():
                word = word.rstrip("*")
                if word:
                    words.append(word)
    return tuple(dict.fromkeys(words))


# --- pre-check: the mistakes Whoosh's lenient parser would silently guess around ---


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # "word", "phrase", "(", ")", "AND", "OR", "NOT"
    text: str
    start: int


def _near(text: str, position: int) -> str:
    fragment = text[position : position + 30].rstrip()
    return f"“{fragment}{'…' if position + 30 < len(text) else ''}”"


def query_tokens(text: str) -> list[Token]:
    length = len(text.strip())
    if length > MAX_QUERY_CHARS:
        raise QuerySyntaxError(
            f"The query is {length:,} characters long, more than the {MAX_QUERY_CHARS:,} a "
            "search can take: shorten it, or split it into several searches."
        )
    tokens: list[Token] = []
    i, length = 0, len(text)
    while i < length:
        char = text[i]
        if char.isspace():
            i += 1
        elif char == '"':
            end = text.find('"', i + 1)
            if end < 0:
                raise QuerySyntaxError(
                    f'Unbalanced quote in {_near(text, i)}: add the closing " or remove '
                    "the opening one."
                )
            tokens.append(Token("phrase", text[i : end + 1], i))
            i = end + 1
        elif char in "()":
            tokens.append(Token(char, char, i))
            i += 1
        elif re.compile(MINUS_EXPR).match(text, i):
            tokens.append(Token("NOT", "-", i))
            i += 1
        else:
            end = i
            while end < length and not text[end].isspace() and text[end] not in '()"':
                end += 1
            word = text[i:end]
            tokens.append(Token(word if word in ("AND", "OR", "NOT") else "word", word, i))
            i = end
    return tokens


def check_text(text: str) -> None:
    tokens = query_tokens(text)
    if not tokens:
        raise QuerySyntaxError("The query is empty: type a word to search for.")
    open_parens: list[int] = []
    for index, token in enumerate(tokens):
        before = tokens[index - 1] if index else None
        after = tokens[index + 1] if index + 1 < len(tokens) else None
        if token.kind == "(":
            open_parens.append(token.start)
            if len(open_parens) > MAX_NESTING:
                raise QuerySyntaxError(
                    f"Parentheses are nested more than {MAX_NESTING} deep in "
                    f"{_near(text, token.start)}: remove some of the ( ) groups."
                )
            if after is not None and after.kind == ")":
                raise QuerySyntaxError(
                    f"Empty parentheses in {_near(text, token.start)}: put words inside "
                    "or remove them."
                )
        elif token.kind == ")":
            if not open_parens:
                raise QuerySyntaxError(
                    f"Unbalanced parenthesis in {_near(text, token.start)}: this ) has no ( "
                    "before it."
                )
            open_parens.pop()
        elif token.kind in ("AND", "OR"):
            if (
                before is None
                or before.kind in ("(", "AND", "OR", "NOT")
                or (after is None or after.kind in (")", "AND", "OR"))
            ):
                raise QuerySyntaxError(
                    f"{token.kind} needs a word or phrase on both sides, in "
                    f"{_near(text, before.start if before else token.start)}."
                )
        elif token.kind == "NOT":
            if after is None or after.kind in (")", "AND", "OR", "NOT"):
                raise QuerySyntaxError(
                    f"NOT (or -) must be followed by a word, phrase or (group) to exclude, in "
                    f"{_near(text, before.start if before else token.start)}."
                )
        elif token.kind == "word":
            _check_word(text, token, after)
    if open_parens:
        raise QuerySyntaxError(
            f"Unbalanced parenthesis in {_near(text, open_parens[-1])}: this ( is never closed."
        )


def _check_word(text: str, token: Token, after: Token | None) -> None:
    field = re.match(FIELD_EXPR, token.text)
    body = token.text[field.end() :] if field else token.text
    glued = after is not None and after.start == token.start + len(token.text)
    if field and not body.strip("<>=") and not (glued and after and after.kind in ("phrase", "(")):
        name = field.group("text")
        example = EXAMPLES[FIELD_ALIASES[name.lower()]].replace("FIELD", name)
        raise QuerySyntaxError(
            f"{name}: needs a value right after the colon (no space), e.g. {example}."
        )
    if body.endswith("*") and len(body.rstrip("*")) < MIN_PREFIX:
        raise QuerySyntaxError(
            f"“{token.text}” is too short for a prefix search: put at least {MIN_PREFIX} "
            "letters before the *, e.g. ракет*."
        )
