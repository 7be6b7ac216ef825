"""The door's methods for names: entities, their pages, the spellings a user adds.

Mixed into :class:`monitor.app.Monitor` like :mod:`monitor.collection_door`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from monitor.errors import MonitorError, NotFoundError
from monitor.names.aliases import KIND_ROW
from monitor.names.entities import found_entity
from monitor.names.types import ArticleEntity, EntityKind, EntityPage, NamedEntity

if TYPE_CHECKING:
    from monitor.parts import Parts

MAX_FORM_CHARACTERS = 120


class NamesMethods:
    """Entities and spellings, as :class:`~monitor.app.Monitor` methods."""

    _parts: Parts

    def entity(self, name: str) -> NamedEntity:
        """The person, place or organisation ``name`` names (any form, any script, or its
        id). Raises :class:`NotFoundError` when none does."""
        table = self._parts.aliases()
        typed = name.strip()
        found = table.entities.get(typed) or found_entity(typed) or table.entity_for(typed)
        if found is None:  # a name the Russian model found in the articles, by its form
            found = next(
                filter(None, map(found_entity, self._parts.store.names.found_named(typed))), None
            )
        if found is None:
            raise NotFoundError(
                f"no person, place or organisation is called {name.strip()!r} here; add it"
                " with a spelling (names add)"
            )
        return found

    def name_forms(self, name: str) -> tuple[str, ...]:
        """The other forms a search for ``name`` also looks for (empty when none)."""
        return self._parts.aliases().other_forms(name)

    def add_spelling(
        self, name: str, form: str, *, language: str | None = None, kind: EntityKind | None = None
    ) -> NamedEntity:
        """Add ``form`` as a spelling of the entity ``name`` names; a name no entity has
        starts a new one (a person unless ``kind`` says otherwise). The articles that write
        the new form are indexed again, so their entities and searches see it."""
        form = " ".join(form.split())
        if not form or len(form) > MAX_FORM_CHARACTERS or not any(c.isalpha() for c in form):
            raise MonitorError(f"a spelling needs letters, at most {MAX_FORM_CHARACTERS}")
        written_in = language or language_of(form)
        table = self._parts.aliases()
        entity = table.entities.get(name.strip()) or table.entity_for(name)
        store = self._parts.store
        now = self._parts.clock()
        if entity is None:
            entity_id = "user-" + (_slug(name) or _slug(form) or "name")
            store.names.add_spelling(entity_id, language_of(name), " ".join(name.split()), at=now)
            if kind is not None and kind is not EntityKind.PERSON:
                store.names.add_spelling(entity_id, KIND_ROW, kind.value, at=now)
        else:
            entity_id = entity.id
        store.names.add_spelling(entity_id, written_in, form, at=now)
        self._reindex_writing(form)
        return self._parts.aliases().entities[entity_id]

    def article_entities(self, article_id: int) -> list[ArticleEntity]:
        """The people, places and organisations an article mentions, most mentioned first."""
        from monitor.names.pages import article_entities

        article = self._parts.store.article(article_id)
        return article_entities(self._parts.store, self._parts.entity_finder(), article)

    def entity_page(self, name: str) -> EntityPage:
        """An entity's page: mentions per outlet per day, the sentences naming it in both
        languages, who is named with it, and which followed outlets never name it."""
        from monitor.names.pages import entity_page

        entity = self.entity(name)
        return entity_page(self._parts.store, self._parts.entity_finder(), entity)

    def _reindex_writing(self, form: str) -> None:
        from indexes.types import SearchRequest

        try:
            matches = self._parts.finder.matches(SearchRequest(f'"{form}"', exact=True))
        except MonitorError:  # a form the query language cannot search: nothing to redo
            return
        self._parts.store.names.mark_changed(match.article_id for match in matches)


def language_of(text: str) -> str:
    """The language a name's script says: Hangul ko, Han zh, Cyrillic uk (і ї є ґ) or ru,
    else en."""
    if re.search("[\uac00-\ud7a3\u1100-\u11ff]", text):
        return "ko"
    if re.search("[\u3400-\u9fff]", text):
        return "zh"
    if re.search("[\u0400-\u04ff]", text):
        return "uk" if re.search("[іїєґІЇЄҐ]", text) else "ru"
    return "en"


def _slug(text: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", text.casefold()))[:60]
