"""Public types of names: entities, what an article mentions, an entity's page.

Re-exported by :mod:`monitor.types`, the core's types module; kept here beside the names
package they describe, since that module had grown past a sitting.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime


class EntityKind(enum.StrEnum):
    PERSON = "person"
    PLACE = "place"
    ORGANISATION = "organisation"


@dataclass(frozen=True, slots=True)
class NamedEntity:
    """A person, place or organisation, with its names in each language (full form first)."""

    id: str  # "volodymyr-zelensky"; a user's own: "user-…"
    kind: EntityKind
    names: tuple[tuple[str, tuple[str, ...]], ...]  # (language, forms), en first
    source: str = ""  # where the forms come from: "wikipedia:en:Volodymyr_Zelenskyy", "user"

    @property
    def name(self) -> str:
        """The name to show: the first English form, else the first form there is."""
        forms = dict(self.names)
        first = forms.get("en") or next((f for _, f in self.names if f), ("?",))
        return first[0]

    def forms(self, language: str | None = None) -> tuple[str, ...]:
        """Every form (or those of one language), without repeats."""
        chosen = [f for code, f in self.names if language is None or code == language]
        return tuple(dict.fromkeys(form for forms in chosen for form in forms))


@dataclass(frozen=True, slots=True)
class ArticleEntity:
    """An entity one article mentions, and how it is written there (to mark it)."""

    entity: NamedEntity
    mentions: int
    in_translation_only: bool  # the original does not name it (or names it unrecognised)
    written_original: tuple[str, ...]  # as the original writes it: "Зеленского", "Києві"
    written_translation: tuple[str, ...]  # as the translation writes it


@dataclass(frozen=True, slots=True)
class EntitySentence:
    """A sentence that mentions an entity, with its translation when there is one."""

    article_id: int
    outlet: str
    published: datetime | None
    language: str | None
    original: str
    translation: str | None


@dataclass(frozen=True, slots=True)
class EntityPage:
    """Everything the collection says of one entity."""

    entity: NamedEntity
    articles: int  # articles that mention it
    # Mentions per day per outlet: (UTC day "2026-11-20", outlet, articles), by day.
    timeline: tuple[tuple[str, str, int], ...]
    sentences: tuple[EntitySentence, ...]  # the newest first
    mentioned_with: tuple[tuple[NamedEntity, int], ...]  # entity, articles naming both
    silent_outlets: tuple[str, ...]  # followed outlets that never mention it
