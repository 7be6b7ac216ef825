"""The people, places and organisations an article mentions, found by the alias table.

Every form of every entity is looked for in the article's original and in its English
translation:

* Korean and Chinese forms as they are written (a particle may follow: 김정은은, 习近平主席),
  longest first so that 김정은 is not also counted as a shorter name; a Korean form only where
  a word starts (개성 opens 개성공단, and is not read inside 무개성).
* Words in Latin or Cyrillic letters by their stems, the way the search index stems them
  (Russian Snowball, Ukrainian lemmas, English Porter): Зеленского, Києві and "Kyiv's" are
  the forms Зеленский, Київ and "Kyiv". Only a capitalised word starts a name, so the
  noun зелень is never Зеленский.

Which entities are mentioned, and how often, is stored per article (``store.names``) and
indexed (``entity:<id>``), so an entity page or a watchlist finds every article that names
it in any script.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING

from indexes.morphology import terms_for
from monitor.names.aliases import AliasTable
from monitor.names.types import EntityKind, NamedEntity

if TYPE_CHECKING:
    from monitor.names.ner import FoundName

_WORD = re.compile(r"[^\W\d_][\w'’\-]*")
_CJK = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af\u3400-\u9fff\uf900-\ufaff]")
_LANGUAGES_OF_WORDS = ("en", "ru", "uk")
_HANGUL = re.compile("[\uac00-\ud7af]")


@dataclass(frozen=True, slots=True)
class Mention:
    entity: str
    start: int
    end: int


class EntityFinder:
    """Finds the table's entities in texts; build once per table (it compiles patterns)."""

    def __init__(self, table: AliasTable) -> None:
        self.table = table
        self._cjk_forms: dict[str, str] = {}  # form -> entity id
        self._word_forms: list[tuple[str, tuple[str, ...]]] = []  # (entity id, words)
        for entity in table.entities.values():
            for language, forms in entity.names:
                for form in forms:
                    if form in table.loose:
                        continue  # an everyday word too: not a mention by itself
                    if _CJK.search(form):
                        self._cjk_forms.setdefault(form.replace("·", "").strip(), entity.id)
                    elif language in _LANGUAGES_OF_WORDS:
                        words = tuple(_WORD.findall(form))
                        if words:
                            self._word_forms.append((entity.id, words))
        # Korean and Chinese forms by their first character, longest first. A Korean name
        # opens its word (particles follow it): never inside another word. One regular
        # expression of all the forms (a thousand alternatives tried at every character)
        # took 10 ms per article; only the positions where some form starts are tried here.
        self._cjk_by_first: dict[str, list[tuple[str, str, bool]]] = {}
        for form in sorted(self._cjk_forms, key=len, reverse=True):
            entry = (form, self._cjk_forms[form], bool(_HANGUL.match(form)))
            self._cjk_by_first.setdefault(form[0], []).append(entry)
        starts = "".join(re.escape(first) for first in self._cjk_by_first)
        self._cjk_starts = re.compile(f"[{starts}]") if starts else None
        self._by_first: dict[str, _FormIndex] = {}

    def mentions(self, text: str, language: str | None) -> list[Mention]:
        """Where ``text`` (in ``language``) names an entity, in text order."""
        found: list[Mention] = []
        if self._cjk_starts is not None and _CJK.search(text):
            found += self._cjk_mentions(text)
        found += self._word_mentions(text, language)
        return sorted(found, key=lambda mention: mention.start)

    def _cjk_mentions(self, text: str) -> list[Mention]:
        """The Korean and Chinese forms in ``text``: from the left, at each position the
        longest form that starts there, none overlapping (a regular expression's matches)."""
        assert self._cjk_starts is not None
        found: list[Mention] = []
        end = 0
        for start in self._cjk_starts.finditer(text):
            at = start.start()
            if at < end:
                continue  # inside the form found last
            after_hangul = at > 0 and _HANGUL.match(text[at - 1]) is not None
            for form, entity, opens_word in self._cjk_by_first[text[at]]:
                if text.startswith(form, at) and not (opens_word and after_hangul):
                    end = at + len(form)
                    found.append(Mention(entity, at, end))
                    break
        return found

    def counts(self, text: str, language: str | None) -> Counter[str]:
        return Counter(mention.entity for mention in self.mentions(text, language))

    def _word_mentions(self, text: str, language: str | None) -> list[Mention]:
        code = language if language in ("ru", "uk") else "en"
        signs = _signatures(code)
        names = self._names_by_first_word(code)
        words = list(_WORD.finditer(text))
        found: list[Mention] = []
        index = 0
        while index < len(words):
            first = words[index].group()
            if not first[:1].isupper():
                index += 1
                continue
            best: tuple[int, int, str] | None = None  # (words, exact forms, entity)
            for form, entity in names.get_all(signs(first)):
                span = words[index : index + len(form)]
                if len(span) < len(form) or not all(
                    signs(word.group()) & signs(part)
                    for word, part in zip(span, form, strict=False)
                ):
                    continue
                exact = sum(
                    w.group().casefold() == p.casefold() for w, p in zip(span, form, strict=False)
                )
                if best is None or (len(form), exact) > best[:2]:
                    best = (len(form), exact, entity)
            if best is None:
                index += 1
                continue
            span = words[index : index + best[0]]
            found.append(Mention(best[2], span[0].start(), span[-1].end()))
            index += best[0]
        return found

    def _names_by_first_word(self, code: str) -> _FormIndex:
        if code not in self._by_first:
            signs = _signatures(code)
            index = _FormIndex()
            for entity, words in self._word_forms:
                for sign in signs(words[0]):
                    index.add(sign, words, entity)
            self._by_first[code] = index
        return self._by_first[code]


class _FormIndex:
    """Forms by the signatures of their first word."""

    def __init__(self) -> None:
        self._forms: dict[str, list[tuple[tuple[str, ...], str]]] = {}

    def add(self, sign: str, form: tuple[str, ...], entity: str) -> None:
        self._forms.setdefault(sign, []).append((form, entity))

    def get_all(self, signs: frozenset[str]) -> list[tuple[tuple[str, ...], str]]:
        found: dict[tuple[tuple[str, ...], str], None] = {}
        for sign in signs:
            found.update(dict.fromkeys(self._forms.get(sign, ())))
        return list(found)


@lru_cache(maxsize=4)
def _signatures(language: str) -> Callable[[str], frozenset[str]]:
    """How a word is recognised whatever its case ending: its stems or lemmas (as the index
    makes them) and its sound key (which reduces a name to its dictionary form first; each
    catches endings the other misses: Київ/Києві, Киев/Киеве)."""
    from indexes.sounds import word_key

    terms = terms_for(language)

    @lru_cache(maxsize=65_536)
    def signatures(word: str) -> frozenset[str]:
        bare = word.strip("'’-")
        if len(bare) <= 3 or (bare.isupper() and len(bare) <= 5):
            # An acronym or a short word is what it is: its sound or stem would make "BYD"
            # of "Буду" and "PLA" of "ПРА".
            return frozenset({f"x:{bare.casefold()}"})
        signs = {f"t:{term}" for term in terms(bare)}
        key = word_key(bare, language)
        if key:
            signs.add(f"k:{key}")
        return frozenset(signs or {f"t:{bare.casefold()}"})

    return signatures


def article_entities(
    finder: EntityFinder,
    original: str,
    language: str | None,
    translation: str = "",
    *,
    model_names: Sequence[FoundName] | None = None,
) -> list[tuple[str, int, bool]]:
    """What one article mentions: (entity id, mentions, only in the translation), most
    mentioned first.

    ``model_names`` are the Russian NER model's names in ``original`` when the caller found
    them already, for many articles at once (:func:`names_by_model`): the model reads a
    batch of texts almost three times faster than the same texts one by one.
    """
    mentions = finder.mentions(original, language)
    in_original = Counter(mention.entity for mention in mentions)
    if language == "ru":  # names the table lacks, found by the Russian NER model
        in_original.update(found_by_model(finder, original, mentions, model_names))
    in_translation = finder.counts(translation, "en") if translation else Counter()
    # The translation says again what the original says: its count stands only for what
    # the original does not name (a form the table lacks in that language).
    merged = in_original + Counter(
        {entity: n for entity, n in in_translation.items() if entity not in in_original}
    )
    return [
        (entity, count, entity not in in_original)
        for entity, count in sorted(merged.items(), key=lambda item: (-item[1], item[0]))
    ]


def names_by_model(texts: Sequence[str]) -> list[list[FoundName]] | None:
    """The Russian NER model's names in each of ``texts``, read as one batch; ``None`` when
    the model is missing."""
    from monitor.names.ner import NerUnavailable, russian_names_many

    try:
        return russian_names_many(texts)
    except NerUnavailable:
        return None


def found_by_model(
    finder: EntityFinder,
    text: str,
    known: Sequence[Mention],
    names: Sequence[FoundName] | None = None,
) -> Counter[str]:
    """Entities of the names the Russian NER model finds in ``text`` (or found there
    already: ``names``) beyond the table's ``known`` mentions: the table's own entity when
    its dictionary form is a form the table has, else one of their own
    (:func:`found_entity_id`). Nothing when the model is missing."""
    from monitor.names.ner import NerUnavailable, russian_names

    if names is None:
        try:
            names = russian_names(text)
        except NerUnavailable:
            return Counter()
    taken = [(mention.start, mention.end) for mention in known]
    found: Counter[str] = Counter()
    for name in _joined_names(text, names):
        if any(start < name.end and name.start < end for start, end in taken):
            continue  # the table named it already
        if name.kind != "person" and _ADJECTIVE.search(name.normal):
            continue  # "Южнокорейская (ракета)": the model took an adjective for a name
        entity = finder.table.entity_for(name.normal)
        found[entity.id if entity is not None else found_entity_id(name.kind, name.normal)] += 1
    return found


def _joined_names(text: str, names: Sequence[FoundName]) -> list[FoundName]:
    """The model sometimes cuts one name in two ("Ивана Петровича" | "Сидоренко"): names of
    one kind with only a space between them are one."""
    joined: list[FoundName] = []
    for name in names:
        last = joined[-1] if joined else None
        if last and last.kind == name.kind and not text[last.end : name.start].strip():
            joined[-1] = replace(
                last,
                end=name.end,
                text=text[last.start : name.end],
                normal=f"{last.normal} {name.normal}",
            )
        else:
            joined.append(name)
    return joined


# A place or organisation of one word with an adjective's ending is the model's mistake.
_ADJECTIVE = re.compile(r"^\w+(?:ая|яя|ий|ый|ой|ое|ее|ие|ые)$")

FOUND_PREFIX = "found:"  # the id of an entity the NER model found: found:person:Иван Сидоренко


def found_entity_id(kind: str, normal: str) -> str:
    """An entity of the model's own: its kind and dictionary form make its id (an index
    keyword, so without spaces)."""
    return f"{FOUND_PREFIX}{kind}:{'_'.join(normal.split())}"


def found_entity(entity_id: str) -> NamedEntity | None:
    """The entity an id of :func:`found_entity_id` stands for, or None for another id."""
    if not entity_id.startswith(FOUND_PREFIX):
        return None
    kind, _, name = entity_id.removeprefix(FOUND_PREFIX).partition(":")
    if kind not in EntityKind._value2member_map_ or not name:
        return None
    return NamedEntity(entity_id, EntityKind(kind), (("ru", (name.replace("_", " "),)),), "found")


def entity_ids(found: Iterable[tuple[str, int, bool]]) -> tuple[str, ...]:
    return tuple(entity for entity, _, _ in found)


def spans_for(
    finder: EntityFinder, text: str, language: str | None, entity: str
) -> Sequence[tuple[int, int]]:
    """Where ``text`` mentions ``entity`` (for marking it in the reader)."""
    return [(m.start, m.end) for m in finder.mentions(text, language) if m.entity == entity]
