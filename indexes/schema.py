"""The Whoosh schema: one original field per language, one English translation field, the
user's notes, and the sound keys of names.

Whoosh pickles analyzers into the index, so they come from :mod:`indexes.analyzers` only
(a stable module path). Only what ranking, filtering and facets need is stored; text for
display comes from the store.
"""

from __future__ import annotations

from whoosh.fields import BOOLEAN, DATETIME, ID, KEYWORD, NUMERIC, TEXT, FieldType, Schema
from whoosh.formats import Existence

from indexes.analyzers import analyzer_for, outlet_analyzer, sound_analyzer

ORIGINAL_LANGUAGES = ("ko", "ru", "zh", "uk", "en")
OTHER = "other"
TRANSLATION_FIELD = "trans"
# The user's notes on the article's sentences, in whatever language the user writes them:
# folded, not stemmed, CJK in bigrams (the analyzer of other languages).
NOTES_FIELD = "notes"
# The sound keys of the names in the original and the translation (indexes.sounds): how a
# name typed in Latin letters finds its Cyrillic, Hangul or Han forms.
SOUND_FIELD = "sound"
# The ids of the entities an article mentions (found by the caller): entity:kim-jong-un.
ENTITY_FIELD = "entity"
STORY_FIELD = "story"  # the story an article is part of: story:12
SCHEMA_VERSION = 4  # bump when fields or analyzers change: the index is then rebuilt


def original_field(language: str | None) -> str:
    """The field that holds an original in ``language``."""
    return f"orig_{language if language in ORIGINAL_LANGUAGES else OTHER}"


ORIGINAL_FIELDS = tuple(original_field(code) for code in (*ORIGINAL_LANGUAGES, OTHER))


def build_schema() -> Schema:
    originals = {
        original_field(code): TEXT(analyzer=analyzer_for(code), phrase=True)
        for code in (*ORIGINAL_LANGUAGES, OTHER)
    }
    return Schema(
        id=NUMERIC(int, bits=64, stored=True, unique=True, signed=False),
        source_id=NUMERIC(int, stored=True, sortable=True),
        outlet=TEXT(analyzer=outlet_analyzer()),
        outlet_name=ID(stored=True, sortable=True),  # the exact name, for facets
        lang=ID(stored=True, sortable=True),
        published=DATETIME(stored=True, sortable=True),
        day=ID(stored=True, sortable=True),
        translated=BOOLEAN(stored=True),
        degenerate=BOOLEAN(stored=True),
        **originals,
        **{TRANSLATION_FIELD: TEXT(analyzer=analyzer_for("en"), phrase=True)},
        **{NOTES_FIELD: TEXT(analyzer=analyzer_for(OTHER), phrase=True)},
        # Whether a key is there is all a search asks: no frequencies, no field lengths.
        **{SOUND_FIELD: FieldType(Existence(), analyzer=sound_analyzer(), scorable=False)},
        **{ENTITY_FIELD: KEYWORD(lowercase=True, scorable=True)},
        **{STORY_FIELD: ID()},
    )
