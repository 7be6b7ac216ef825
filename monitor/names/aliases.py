"""The alias table: every form a person, place or organisation is written in, per language.

The table ships with the app (``aliases.toml`` beside this module; its header says where the
forms come from) and grows with the spellings the user adds (kept in the store). A typed
name is looked up by its folded text ("kim jong-un" is "Kim Jong Un"), then by its sound
key (:func:`indexes.sounds.query_key`: "Zelenskiy" and a declined "Зеленского" are keyed as
"Zelensky" is), so a spelling the table lacks still finds its entity when the sound is the
same. Forms shared by two entities name neither.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from monitor.errors import ConfigError
from monitor.types import EntityKind, NamedEntity

TABLE_FILE = "aliases.toml"
KIND_ROW = "kind"  # a spelling row that gives a user's own entity its kind, not a form
LANGUAGES = ("en", "ru", "uk", "ko", "zh")
MIN_KEYED = 5  # a sound key shorter than this ("kim", "lee") says too little to look up by
_SEPARATORS = re.compile(r"[\s\-‐‑–—'’`·・.,]+")


def folded(name: str) -> str:
    """A name as it is looked up: case-folded, hyphens, dots, apostrophes and interpuncts
    as spaces ("Kim Jong-un" → "kim jong un", "弗拉基米尔·泽连斯基" → "弗拉基米尔 泽连斯基")."""
    return " ".join(_SEPARATORS.split(name.casefold())).strip()


def sound_of(name: str) -> str | None:
    """The sound key of a Latin or Cyrillic name, or None (too short, or another script)."""
    from indexes.sounds import query_key

    words = name.split()
    if not words or not all(_latin_or_cyrillic(word) for word in words):
        return None
    key = query_key(words)
    return key if key is not None and len(key) >= MIN_KEYED else None


def _latin_or_cyrillic(word: str) -> bool:
    return all(
        char.isascii() or "\u0400" <= char <= "\u04ff" or not char.isalpha() for char in word
    )


class AliasTable:
    """Entities by any of their forms."""

    def __init__(self, entities: Iterable[NamedEntity], loose: Iterable[str] = ()) -> None:
        # Forms that are also everyday words: searched for, not taken as mentions.
        self.loose = frozenset(loose)
        self.entities: dict[str, NamedEntity] = {}
        by_form: dict[str, set[str]] = {}
        by_sound: dict[str, Counter[str]] = {}
        for entity in entities:
            self.entities[entity.id] = entity
            for form in entity.forms():
                by_form.setdefault(folded(form), set()).add(entity.id)
                key = sound_of(form)
                if key is not None:
                    by_sound.setdefault(key, Counter())[entity.id] += 1
        # A form two entities share (a surname of two brothers) names neither of them.
        self._by_form = {form: ids.pop() for form, ids in by_form.items() if len(ids) == 1}
        # A sound two entities share goes to the one most of whose forms sound so: Зеленская
        # is keyed by her lemma, зеленский, but four forms of his and one of hers sound so.
        self._by_sound = {
            key: ranked[0][0]
            for key, counts in by_sound.items()
            if len(ranked := counts.most_common(2)) == 1 or ranked[0][1] > ranked[1][1]
        }

    def __len__(self) -> int:
        return len(self.entities)

    def entity_for(self, typed: str) -> NamedEntity | None:
        """The entity a typed name names, by its form or else by its sound."""
        found = self._by_form.get(folded(typed))
        if found is None:
            key = sound_of(typed)
            found = self._by_sound.get(key) if key is not None else None
        return self.entities.get(found) if found is not None else None

    def other_forms(self, typed: str) -> tuple[str, ...]:
        """What else a typed name is written as (for the search's ``names`` lookup): the
        shortest forms only, since a search for "Зеленский" also finds "Владимир Зеленский"."""
        entity = self.entity_for(typed)
        if entity is None:
            return ()
        mine = folded(typed)
        candidates = entity.forms()
        if len(mine.split()) > 1:
            # A full name typed means that person: not a surname alone that a relative shares
            # (Volodymyr Zelensky, not Зеленская). Hangul and Han forms are the exception:
            # they are written apart from others' (젤렌스키, 泽连斯基).
            candidates = tuple(
                form for form in candidates if not sound_of(form) or len(folded(form).split()) > 1
            )
        forms = sorted(
            {folded(form): form for form in candidates}.items(), key=lambda item: len(item[0])
        )
        kept: list[tuple[str, str]] = []
        for key, form in forms:
            if not any(_contains(key, shorter) for shorter, _ in kept):
                kept.append((key, form))
        return tuple(form for key, form in kept if key != mine and not _contains(key, mine))


def _contains(name: str, part: str) -> bool:
    """Whether the folded ``name`` holds ``part``: as whole words, or as a run of CJK text."""
    if f" {part} " in f" {name} ":
        return True
    return bool(part) and not part.isascii() and not _latin_or_cyrillic(part) and part in name


def load_table(
    spellings: Sequence[tuple[str, str, str]] = (), path: Path | None = None
) -> AliasTable:
    """The bundled table (or the one at ``path``) with the user's ``spellings`` added:
    (entity id, language, form); a spelling for an id the table lacks makes a new entity,
    a person unless the user said otherwise."""
    bundled, loose = _bundled(str(path) if path is not None else None)
    entities = dict(bundled)
    added: dict[str, dict[str, list[str]]] = {}
    kinds: dict[str, EntityKind] = {}
    for entity_id, language, form in spellings:
        if language == KIND_ROW:
            kinds[entity_id] = (
                EntityKind(form) if form in EntityKind._value2member_map_ else EntityKind.PERSON
            )
            added.setdefault(entity_id, {})
            continue
        added.setdefault(entity_id, {}).setdefault(language, []).append(form)
    for entity_id, forms in added.items():
        known = entities.get(entity_id)
        names = dict(known.names) if known else {}
        for language, extra in forms.items():
            names[language] = tuple(dict.fromkeys([*names.get(language, ()), *extra]))
        ordered = tuple(sorted(names.items(), key=lambda item: _language_order(item[0])))
        entities[entity_id] = NamedEntity(
            entity_id,
            known.kind if known else kinds.get(entity_id, EntityKind.PERSON),
            ordered,
            known.source if known else "user",
        )
    return AliasTable(entities.values(), loose)


def _language_order(language: str) -> int:
    return LANGUAGES.index(language) if language in LANGUAGES else len(LANGUAGES)


@lru_cache(maxsize=2)
def _bundled(path: str | None) -> tuple[tuple[tuple[str, NamedEntity], ...], frozenset[str]]:
    source = Path(path) if path is not None else files(__package__ or "monitor.names") / TABLE_FILE
    try:
        data = tomllib.loads(source.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"the alias table {source} cannot be read: {error}") from error
    entries = data.get("entity")
    if not isinstance(entries, list):
        raise ConfigError(f"the alias table {source} has no [[entity]] entries")
    entities = tuple((entity.id, entity) for entity in map(_entity, entries))
    loose = frozenset(str(form) for entry in entries for form in entry.get("loose") or ())
    return entities, loose


def _entity(entry: Mapping[str, Any]) -> NamedEntity:
    try:
        names = tuple(
            (language, tuple(str(form) for form in entry[language]))
            for language in LANGUAGES
            if entry.get(language)
        )
        return NamedEntity(str(entry["id"]), EntityKind(entry["kind"]), names, str(entry["source"]))
    except (KeyError, ValueError, TypeError) as error:
        raise ConfigError(
            f"the alias table's entry {entry.get('id')!r} is malformed: {error}"
        ) from error
