"""The query language of the search box, turned into a Whoosh query.

What users may type (operators are UPPERCASE; lowercase "and"/"or"/"not" are plain words):

- ``ракеты запуск`` — every word must occur (implicit AND).
- ``"ключевую ставку"`` — a phrase, words next to each other (``"…"~3`` allows gaps).
- ``missile OR rocket``, ``missile AND launch``, ``NOT drill`` or ``-drill``, and
  ``(a OR b) c`` for grouping. ``a b OR c`` means ``a AND (b OR c)``.
- ``ракет*`` — words starting with ``ракет``; at least 2 letters before the ``*``. In each
  field only the :data:`indexes.unions.MAX_EXPANSIONS` most frequent such words are searched.
- ``outlet:yonhap``, ``outlet:"seoul daily"`` — outlet name words (case-insensitive).
- ``lang:ru``, ``lang:ru,uk`` (either), ``language:korean`` — language of the original.
- ``date:2026-11-20`` (that day), ``date:2026-11`` (that month), ``date:2026`` (that year),
  ``date:[2026-11-01 TO 2026-11-20]`` (both ends included; ``{…}`` excludes an end, and an
  end may be left out: ``[2026-11-01 TO]``), ``date:>=2026-11-01``, ``date:>2026-11-01``
  (from the next day), ``date:<2026-11-20`` (up to the day before), ``date:<=2026-11-20``.
  Days are UTC calendar days of publication; articles without a date never match a date.
- ``note:sanctions``, ``note:"call the mayor"`` — words in the user's notes only (``notes:``
  too).

Any other ``word:word`` (``foo:bar``, ``10:30``) is plain text, not an error: colons occur
in what people search for.

Unfielded words and phrases are routed by their script (:func:`fields_for_term`), so a
Latin word finds an article through its English translation as well as through an original
that contains it, and a Cyrillic word searches the Russian and Ukrainian originals; every
unfielded word also searches the user's notes, so an article is found by what was noted on
it (the notes' field folds words without stemming, in any script). A word
that gives nothing to search for in one of its fields (a lone "-") is left out of the query
rather than required in the fields that keep it.

A query is at most :data:`MAX_QUERY_CHARS` characters long and its parentheses nest at most
:data:`MAX_NESTING` deep: both are checked before any parsing, since Whoosh's parser takes
time quadratic in the length of a word and recurses once per level of parentheses.

Mistakes (unbalanced quotes or parentheses, a dangling operator, an empty query, a query
that only excludes, a bad date or language, a query over those bounds) raise
:class:`QuerySyntaxError` saying where and how to fix it. Whoosh's own parser is lenient and
would silently guess, so the text is checked first by a small tokenizer that mirrors the
parser's taggers.
"""

from __future__ import annotations

import copy
import re
import unicodedata
from functools import lru_cache
from typing import Any

from whoosh import query as wq
from whoosh.fields import Schema
from whoosh.qparser import QueryParser, plugins, syntax
from whoosh.qparser.taggers import RegexTagger

from indexes.errors import QuerySyntaxError
from indexes.names import (
    FUZZY_MARK,
    NameLookup,
    expand_names,
    sound_query,
    word_sound,
)
from indexes.query_filters import date_query, date_range, language_query, parameter_filters
from indexes.query_text import (
    FIELD_ALIASES,
    FIELD_EXPR,
    GTLT_EXPR,
    MAX_NESTING,
    MAX_QUERY_CHARS,
    MINUS_EXPR,
    PREFIX_EXPR,
    RANGE_EXPR,
    check_text,
    highlight_words,
)
from indexes.schema import (
    NOTES_FIELD,
    ORIGINAL_LANGUAGES,
    SOUND_FIELD,
    TRANSLATION_FIELD,
    original_field,
)
from indexes.types import NameExpansion, SearchRequest
from indexes.unions import ArrayOr, Expansion

__all__ = [
    "MAX_NESTING",
    "MAX_QUERY_CHARS",
    "build_query",
    "fields_for_term",
    "highlight_words",
    "parse_query",
]

# Every script also searches orig_other: Belarusian, Bulgarian or Japanese originals land
# there. Latin names, acronyms and numbers turn up in originals of every language (GDP, 5G,
# Rangoon), and Korean writes Hanja (北, 美), so those reach further than their own language.
_OTHER_FIELD = original_field(None)
_FIELD_ORDER = (
    TRANSLATION_FIELD,
    *(original_field(code) for code in ORIGINAL_LANGUAGES),
    _OTHER_FIELD,
)
_FIELDS_BY_SCRIPT: dict[str, tuple[str, ...]] = {
    "latin": _FIELD_ORDER,
    "cyrillic": (original_field("ru"), original_field("uk"), _OTHER_FIELD),
    "hangul": (original_field("ko"), _OTHER_FIELD),
    "han": (original_field("zh"), original_field("ko"), _OTHER_FIELD),
    "other": (_OTHER_FIELD,),
}

_OPERATORS = {
    "And": r"(?<=[\s)\"])AND(?=[\s(\"])",
    "Or": r"(?<=[\s)\"])OR(?=[\s(\"])",
    "Not": r"(?:^|(?<=[\s(\"]))NOT(?=[\s(\"])",
}


def parse_query(text: str, schema: Schema) -> wq.Query:
    """The Whoosh query for ``text`` in the query language; raises QuerySyntaxError."""
    return _parse(text, schema, needs_positive=True)


def build_query(
    request: SearchRequest, schema: Schema, names: NameLookup | None = None
) -> wq.Query:
    """The request's query text AND its filters (languages, outlets, days since/until).

    With filters, the text may be empty (everything within the filters) or only exclude
    (``-drill``): the filters say what to include. Names are widened to their other forms
    (``names``, see :mod:`indexes.names`) and sound keys unless the request is exact.
    """
    return build_query_with_names(request, schema, names)[0]


def build_query_with_names(
    request: SearchRequest, schema: Schema, names: NameLookup | None = None
) -> tuple[wq.Query, tuple[NameExpansion, ...]]:
    """:func:`build_query`, and what each name in the query was widened to."""
    filters = parameter_filters(request, schema)
    if not request.text.strip():
        if not filters:
            raise QuerySyntaxError("The query is empty: type a word to search for.")
        # no Every(): And([Every(), f]) normalizes to Every
        return wq.And(filters).normalize(), ()
    check_text(request.text)  # the bounds are the typed text's, not the widened one's
    text, expansions = (request.text, ()) if request.exact else expand_names(request.text, names)
    parsed = _parse(text, schema, needs_positive=not filters, sounds=not request.exact)
    return (wq.And([parsed, *filters]).normalize() if filters else parsed), expansions


def fields_for_term(text: str) -> tuple[str, ...]:
    """The text fields an unfielded word or phrase is searched in, by the scripts it uses.

    Latin letters and digits (also text with no letters at all) go to the translation and
    every original; Cyrillic to the Russian and Ukrainian originals, Hangul to Korean, Han
    to Chinese and Korean, each also to the other-language original, which is all that other
    scripts search; mixed text goes to the union.
    """
    scripts = {script for script in map(_script, text) if script is not None} or {"latin"}
    wanted = {field for script in scripts for field in _FIELDS_BY_SCRIPT[script]}
    return tuple(field for field in _FIELD_ORDER if field in wanted)


@lru_cache(maxsize=4096)
def _script(char: str) -> str | None:
    if char.isdigit():
        return "latin"
    if not char.isalpha():
        return None  # punctuation, marks, apostrophes: the analyzers drop them anyway
    words = unicodedata.name(char, "").split()
    for marker, script in (("LATIN", "latin"), ("CYRILLIC", "cyrillic"), ("HANGUL", "hangul")):
        if marker in words:
            return script
    return "han" if "CJK" in words else "other"


def _parse(text: str, schema: Schema, *, needs_positive: bool, sounds: bool = False) -> wq.Query:
    if not sounds:  # widened text was checked before it was widened
        check_text(text)
    result: wq.Query = _Parser(schema, sounds=sounds).parse(text)
    if result is wq.NullQuery:
        raise QuerySyntaxError(
            f"Nothing to search for in “{text.strip()}”: type a word with letters or digits."
        )
    if needs_positive and not _has_positive(result):
        raise QuerySyntaxError(
            f"“{text.strip()}” only excludes (NOT or -word): add a word to search for, "
            "e.g. “missile -drill”."
        )
    return result


def _has_positive(query: wq.Query) -> bool:
    """Whether ``query`` can match on its own rather than only rule documents out."""
    if isinstance(query, wq.Not):
        return False
    if isinstance(query, wq.AndNot | wq.AndMaybe):
        return _has_positive(query.a)
    if isinstance(query, wq.And):
        return any(_has_positive(sub) for sub in query.subqueries)
    if isinstance(query, wq.Or):
        return all(_has_positive(sub) for sub in query.subqueries)
    return True


# --- the Whoosh parser and its plugins ---


class _Parser(QueryParser):  # type: ignore[misc]
    def __init__(self, schema: Schema, *, sounds: bool = False) -> None:
        operators = plugins.OperatorsPlugin(
            ops=[(plugins.OperatorsPlugin.OpTagger(
                MINUS_EXPR, syntax.NotGroup, syntax.PrefixOperator, memo="minus"), 0)],
            AndNot=None, AndMaybe=None, Require=None, **_OPERATORS,
        )  # fmt: skip
        # Order matters among taggers of equal priority: fields, operators and groups must
        # win over the prefix tagger, which would otherwise swallow "outlet:ab*" or "(ab*".
        super().__init__(
            None,
            schema,
            plugins=[
                _FieldsPlugin(FIELD_EXPR),
                operators,
                plugins.GroupPlugin(),
                plugins.PhrasePlugin(),
                plugins.RangePlugin(RANGE_EXPR),
                plugins.GtLtPlugin(GTLT_EXPR),
                plugins.PrefixPlugin(PREFIX_EXPR),
                _FilterFieldsPlugin(),
                _ScriptRoutingPlugin(sounds=sounds),
            ],
        )

    def multitoken_query(
        self, spec: str, texts: list[str], fieldname: str, termclass: type, boost: float
    ) -> wq.Query:
        # One typed word the analyzer splits ("COVID-19", CJK n-grams) is a phrase, not an
        # AND of its pieces in any order.
        if self.schema[fieldname].format.supports("positions"):
            return wq.Phrase(fieldname, texts, boost=boost)
        return wq.And([termclass(fieldname, text, boost=boost) for text in texts])


class _FieldsPlugin(plugins.FieldsPlugin):  # type: ignore[misc]
    class FieldnameTagger(RegexTagger):  # type: ignore[misc]
        def create(self, parser: QueryParser, match: re.Match[str]) -> Any:
            field = FIELD_ALIASES[match.group("text").lower()]
            return syntax.FieldnameNode(field, match.group(0))


class _QueryNode(syntax.SyntaxNode):  # type: ignore[misc]
    """A node whose query is already built (filters) or built per field (routing)."""

    has_fieldname = False

    def __init__(self, source: Any, built: wq.Query | None = None) -> None:
        self.source = source
        self.built = built
        self.startchar, self.endchar = source.startchar, source.endchar

    def r(self) -> str:
        return f"{self.__class__.__name__} {self.source!r}"

    def query(self, parser: QueryParser) -> wq.Query | None:
        return self.built


class _RoutedNode(_QueryNode):
    def __init__(self, source: Any, fields: tuple[str, ...], sound: str | None = None) -> None:
        super().__init__(source)
        self.fields = fields
        self.sound = sound  # a word's sound key, searched too (see indexes.names)

    def query(self, parser: QueryParser) -> wq.Query | None:
        subqueries = []
        for field in self.fields:
            if isinstance(self.source, plugins.PrefixPlugin.PrefixNode):
                subquery = _prefix_query(parser, field, self.source.text)
            else:
                fielded = copy.copy(self.source)
                fielded.set_fieldname(field, override=True)
                subquery = fielded.query(parser)
            if subquery is None or subquery.normalize() is wq.NullQuery:
                return None  # nothing searchable in one of its languages: cannot require it
            subqueries.append(subquery)
        if self.sound is not None:
            # Exactly: one edit on one word reaches other names (Lavrov, Lvov), and trying
            # every key one edit away made a capitalised word's search 1.45× slower
            # (bench/names_cost) for 1.5 points of recall outside the alias table.
            subqueries.append(sound_query(self.sound, fuzzy=False))
        return syntax.attach(wq.Or(subqueries), self)


def _prefix_query(parser: QueryParser, fieldname: str, text: str) -> wq.Query | None:
    field = parser.schema[fieldname]
    analyzed = list(field.process_text(text, mode="query"))
    if len(analyzed) > 1:
        # CJK runs index as bigrams, so a plain word query already matches inside longer words.
        return parser.multitoken_query("", analyzed, fieldname, wq.Term, 1.0)
    # The index holds stems ("missiles" -> "missil"): "missile*" must also try its own stem.
    folded = list(field.process_text(text, mode="query", tokenize=False))
    prefixes = [Expansion(fieldname, stem) for stem in dict.fromkeys([*folded, *analyzed])]
    if not prefixes:
        return None
    return prefixes[0] if len(prefixes) == 1 else ArrayOr(prefixes)


class _ScriptRoutingPlugin(plugins.Plugin):  # type: ignore[misc]
    """Like MultifieldPlugin, but the fields of each unfielded node depend on its script;
    with ``sounds``, a Latin or Cyrillic word also searches the sound keys of names."""

    def __init__(self, *, sounds: bool) -> None:
        self.sounds = sounds

    def filters(self, parser: QueryParser) -> list[tuple[Any, int]]:
        return [(self.route, 110)]  # after fields are applied (100) and filters built (105)

    def route(self, parser: QueryParser, group: Any) -> Any:
        for index, node in enumerate(group):
            if isinstance(node, syntax.GroupNode):
                group[index] = self.route(parser, node)
            elif node.has_fieldname and node.has_text and node.fieldname is None:
                fields = (*fields_for_term(node.text), NOTES_FIELD)
                group[index] = _RoutedNode(node, fields, self._sound(node))
        return group

    def _sound(self, node: Any) -> str | None:
        if not self.sounds or not isinstance(node, syntax.WordNode):
            return None
        if not {_script(char) for char in node.text} & {"latin", "cyrillic"}:
            return None
        return word_sound(node.text)


class _FilterFieldsPlugin(plugins.Plugin):  # type: ignore[misc]
    """Turns ``lang:`` and ``date:`` clauses into exact filter queries, checking values."""

    def filters(self, parser: QueryParser) -> list[tuple[Any, int]]:
        return [(self.convert, 105)]

    def convert(self, parser: QueryParser, group: Any) -> Any:
        for index, node in enumerate(group):
            if isinstance(node, syntax.GroupNode):
                group[index] = self.convert(parser, node)
            elif isinstance(node, syntax.RangeNode):
                if node.fieldname != "day":
                    raise QuerySyntaxError(
                        f"A range like [2026-11-01 TO 2026-11-20] only works after date:, "
                        f"not in “{node.fieldname or ''}:[…]”."
                    )
                bounds = (node.start or None, node.end or None, node.startexcl, node.endexcl)
                group[index] = _QueryNode(node, date_range(*bounds))
            elif node.has_text and node.fieldname == "day":
                group[index] = _QueryNode(node, date_query(node.text))
            elif node.has_text and node.fieldname == SOUND_FIELD:
                key, fuzzy = node.text.removesuffix(FUZZY_MARK), node.text.endswith(FUZZY_MARK)
                group[index] = _QueryNode(node, sound_query(key, fuzzy=fuzzy))
            elif node.has_text and node.fieldname == "lang":
                group[index] = _QueryNode(node, language_query(node.text))
        return group
