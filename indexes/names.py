"""Names in a query, searched in every script: the forms a typed name has elsewhere.

A monitor types "Zelensky" and expects Зеленський, Зеленский, 젤렌스키 and 泽连斯基 too. Two
routes reach them from the query's text, before it is parsed:

* **Aliases.** The caller's ``lookup`` (the core's alias table, which this package does not
  know) gives a typed name's other forms. The longest run of up to :data:`MAX_NAME_WORDS`
  plain words (or a quoted phrase) that it knows is rewritten as
  ``(Kim Jong Un OR "김정은" OR "金正恩" OR "Ким Чен Ын")``: the words as typed still match
  as before, and each form matches as a phrase, routed by its script like any phrase.
* **Sound keys.** A run of two or more capitalised words ("Xi Jinping", "Владимир Путин")
  also searches the ``sound`` field for its key (:func:`indexes.sounds.query_key`), which
  finds 习近平 or "Vladimir Putin" through their romanisation. A single word's sound key is
  added by the parser's routing instead (see :mod:`indexes.query`).

What each name expanded to comes back as :class:`~indexes.types.NameExpansion`, so the app
can show it; an exact search does none of this.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from whoosh import query as wq

from indexes.analyzers import HAN_SOUND_MARK, HANGUL_SOUND_MARK
from indexes.query_text import FIELD_EXPR, Token, query_tokens
from indexes.schema import SOUND_FIELD
from indexes.sounds import query_key, word_key
from indexes.types import NameExpansion

NameLookup = Callable[[str], Sequence[str]]
MAX_NAME_WORDS = 4  # "Kim Jong Un", "Ursula von der Leyen"
MAX_FORMS = 12  # a name's other forms searched at most (the table holds a few per language)
FUZZY_MARK = "~"  # after a sound key in the widened text: match it within an edit
MIN_SOUND_KEY = 4  # a shorter key ("kim", "li") would match a great many names
MIN_SURNAME_KEY = 7  # a surname searched alone ("hinstein"), not a short one ("lavlov")
FUZZY_SOUND_KEY = 6  # keys this long match with one edit (indexes.sounds.close_enough)
FUZZY_WINDOW_KEY = 8  # a Hangul or Han window's key this long too (a full name)
# The first letters of a key are never the edit: Whoosh tries every indexed key that starts
# with them, so each letter more cuts a name query's time (bench/names_cost).
FUZZY_PREFIX = 3
SOUND_BOOST = 0.8  # a name found by its sound ranks below the same word found as written
_WORDLIKE = re.compile(r"^[^\W\d_][\w'’.\-·]*$")


def expand_names(text: str, lookup: NameLookup | None) -> tuple[str, tuple[NameExpansion, ...]]:
    """``text`` with each name it holds widened to its other forms, and what was added.

    The text must already have passed :func:`indexes.query_text.check_text`.
    """
    tokens = query_tokens(text)
    pieces: list[str] = []
    expansions: list[NameExpansion] = []
    done = 0  # characters of text already copied
    index = 0
    while index < len(tokens):
        found = _name_at(text, tokens, index, lookup)
        if found is None:
            index += 1
            continue
        length, expansion = found
        first, last = tokens[index], tokens[index + length - 1]
        end = last.start + len(last.text)
        pieces.append(text[done : first.start])
        pieces.append(_widened(text[first.start : end], expansion))
        expansions.append(expansion)
        done = end
        index += length
    pieces.append(text[done:])
    return "".join(pieces), tuple(expansions)


def _name_at(
    text: str, tokens: Sequence[Token], index: int, lookup: NameLookup | None
) -> tuple[int, NameExpansion] | None:
    """The longest name starting at ``tokens[index]``: how many tokens, and its expansion."""
    token = tokens[index]
    if token.kind == "phrase":
        words = token.text.strip('"').split()
        expansion = _expansion(" ".join(words), words, lookup)
        return None if expansion is None else (1, expansion)
    run = _plain_run(tokens, index)
    for length in range(len(run), 0, -1):
        words = [t.text for t in run[:length]]
        expansion = _expansion(" ".join(words), words, lookup)
        if expansion is not None:
            return length, expansion
    return None


def _plain_run(tokens: Sequence[Token], index: int) -> list[Token]:
    """Up to MAX_NAME_WORDS plain words from ``index`` on: no operator, filter or prefix
    between them (an implicit AND of words is what a typed name is)."""
    # "-Zelensky Песков" excludes one word: the name is that word.
    negated = index > 0 and tokens[index - 1].kind == "NOT"
    limit = 1 if negated else MAX_NAME_WORDS
    run: list[Token] = []
    for token in tokens[index : index + limit]:
        if token.kind != "word" or not _WORDLIKE.match(token.text):
            break
        if re.match(FIELD_EXPR, token.text):
            break
        run.append(token)
    return run


def _expansion(typed: str, words: Sequence[str], lookup: NameLookup | None) -> NameExpansion | None:
    seen = {typed.casefold()}
    forms: list[str] = []
    for form in lookup(typed) if lookup is not None else ():
        cleaned = " ".join(form.replace('"', " ").split())
        if cleaned and cleaned.casefold() not in seen:
            seen.add(cleaned.casefold())
            forms.append(cleaned)
    capitalised = all(word[:1].isupper() for word in words)
    one_script = len({_script_of(word) for word in words}) == 1
    sound = query_key(words) if len(words) >= 2 and capitalised and one_script else None
    if not forms and sound is None:
        return None
    return NameExpansion(typed, tuple(forms[:MAX_FORMS]), sound)


def _widened(span: str, expansion: NameExpansion) -> str:
    # "a b OR c" reads as a AND (b OR c): several typed words are grouped first.
    typed = f"({span})" if len(span.split()) > 1 and not span.startswith('"') else span
    alternatives = [typed, *(f'"{form}"' for form in expansion.forms)]
    if expansion.sound:  # typed words: their sound within an edit
        alternatives.append(f"{SOUND_FIELD}:{expansion.sound}{FUZZY_MARK}")
        # A name the table lacks: its surname alone too, when long enough to be rare. First
        # names are where Russian and Ukrainian part most (Alexander, Олександр), and a
        # text names a person by the surname after the first mention. (A name the table
        # has keeps its first name: Volodymyr Zelensky is not Olena Zelenska.)
        surname = None if expansion.forms else word_key(span.split()[-1])
        if surname is not None and len(surname) >= MIN_SURNAME_KEY:
            alternatives.append(f"{SOUND_FIELD}:{surname}")
    # A Cyrillic form's sound finds it declined where its stem would not: the Snowball
    # stem of Киев is "ки", of Киеве "киев"; both sound "kiev".
    keys = {query_key(form.split()) for form in expansion.forms if _script_of(form) == "cyrillic"}
    alternatives += [f"{SOUND_FIELD}:{key}" for key in sorted(k for k in keys if k)]
    return "(" + " OR ".join(alternatives) + ")"


def word_sound(word: str) -> str | None:
    """The sound key a typed word searches besides its own fields, or None: a word typed
    with a capital letter is taken for a name, and a short key ("kim", "li") for none."""
    if not word[:1].isupper():
        return None
    key = word_key(word)
    return key if key is not None and len(key) >= MIN_SOUND_KEY else None


def sound_query(key: str, *, fuzzy: bool = True) -> wq.Query:
    """The sound field's query for ``key``: a name in Latin or Cyrillic letters exactly or,
    when long, within one edit; the window of a Hangul or Han text exactly or, when as long
    as a Korean name, within one edit (Yoon Suk-yeol, 윤석열 "yun seok yeol"; Chinese is
    pinyin, one spelling, and a run of any characters may be one edit from a name). Without
    ``fuzzy`` (a single typed word), exactly: one edit on one word reaches other names
    (Lavrov, Lvov) and costs a pass over the keys that start alike."""
    key = key.lower()
    if not fuzzy:
        return wq.Or(
            [_close(mark + key, 10**6) for mark in ("", HAN_SOUND_MARK, HANGUL_SOUND_MARK)]
        )
    return wq.Or(
        [
            _close(key, FUZZY_SOUND_KEY, prefix=FUZZY_PREFIX),
            _close(HAN_SOUND_MARK + key, 10**6),
            _close(HANGUL_SOUND_MARK + key, FUZZY_WINDOW_KEY + 1, prefix=FUZZY_PREFIX + 1),
        ]
    )


def _close(key: str, fuzzy_from: int, prefix: int = 1) -> wq.Query:
    if len(key) >= fuzzy_from:
        return wq.FuzzyTerm(SOUND_FIELD, key, boost=SOUND_BOOST, maxdist=1, prefixlength=prefix)
    return wq.Term(SOUND_FIELD, key, boost=SOUND_BOOST)


def _script_of(word: str) -> str:
    """Cyrillic or not: a name's words are written in one script."""
    return "cyrillic" if any("\u0400" <= char <= "\u04ff" for char in word) else "other"
