"""The door's methods for stories: grouping, reading one, and the user's corrections.

Mixed into :class:`monitor.app.Monitor` like :mod:`monitor.collection_door`.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from typing import TYPE_CHECKING

from monitor.errors import MonitorError, NotFoundError
from monitor.stories.types import Story, StoryMember
from monitor.types import Progress

if TYPE_CHECKING:
    from monitor.parts import Parts


class StoriesMethods:
    """Stories, as :class:`~monitor.app.Monitor` methods."""

    _parts: Parts

    def group_stories(self, cancel: threading.Event | None = None) -> Iterator[Progress]:
        """Put every article not yet in a story into one: grouping is part of indexing (it
        needs the entities indexing finds), so this brings the index up to date."""
        return self._parts.index_stage.run(cancel or threading.Event())

    def story_of(self, article_id: int) -> int | None:
        return self._parts.store.stories.story_of(article_id)

    def stories(
        self, *, minimum: int = 2, limit: int = 50, query: str | None = None
    ) -> list[Story]:
        """The latest stories told by at least ``minimum`` articles, latest updated first;
        with ``query``, only those with an article the search finds (any query: words in any
        script, a name, entity:ID, outlet:…)."""
        stories = self._parts.store.stories
        sizes = stories.story_sizes(minimum=minimum, limit=None if query else limit)
        if query:
            from indexes.types import SearchRequest

            found = [m.article_id for m in self._parts.finder.matches(SearchRequest(query))]
            wanted = set(stories.stories_of(found).values())
            sizes = [size for size in sizes if size[0] in wanted][:limit]
        return [self.story(story_id) for story_id, _, _ in sizes]

    def story(self, story_id: int) -> Story:
        store = self._parts.store
        members = store.stories.members(story_id)
        if not members:
            raise NotFoundError(f"no story with id {story_id}")
        ids = [m[0] for m in members]
        articles = {a.id: a for a in store.articles_by_ids(ids)}
        titles = store.translations.machine_titles(ids)
        rows = []
        for article_id, score, reason, linked_to, by_user in members:
            article = articles[article_id]
            rows.append(
                StoryMember(
                    article_id,
                    article.source_name,
                    article.language,
                    article.published or article.retrieved_at,
                    article.title,
                    titles.get(article_id),
                    score,
                    reason,
                    linked_to,
                    by_user,
                )
            )
        rows.sort(key=lambda m: (m.published is None, m.published, m.article_id))
        entities = Counter(
            entity for found in store.names.entities_of(ids).values() for entity, _ in found
        )
        central = _central(rows)
        return Story(
            story_id,
            central.title_translated or central.title,
            tuple(rows),
            tuple(dict.fromkeys(m.outlet for m in rows)),
            tuple(dict.fromkeys(m.language for m in rows if m.language)),
            rows[0].published,
            rows[-1].published,
            tuple(entities.most_common()),
        )

    def move_to_story(self, article_id: int, story_id: int | None) -> int:
        """Put an article into another story (``None``: a story of its own); grouping never
        moves it again, nor puts it back where it was. The story's id."""
        stories = self._parts.store.stories
        old = stories.story_of(article_id)
        if old is None:
            raise MonitorError(f"article {article_id} is in no story yet; group stories first")
        if story_id is not None and not stories.members(story_id):
            raise NotFoundError(f"no story with id {story_id}")
        if old != story_id:
            stories.keep_apart(article_id, old)
        reason = "placed here by the user"
        placed = stories.place(
            article_id,
            story_id,
            (1.0, reason, None),
            at=self._parts.clock(),
            translated=True,
            by_user=True,
        )
        stories.mark_changed([article_id])  # the index's story:ID follows
        return placed

    def merge_stories(self, into: int, other: int) -> int:
        """Make two stories one (``other`` into ``into``); how many articles moved."""
        stories = self._parts.store.stories
        for story_id in (into, other):
            if not stories.members(story_id):
                raise NotFoundError(f"no story with id {story_id}")
        if into == other:
            return 0
        moved = [member[0] for member in stories.members(other)]
        count = stories.merge(into, other, at=self._parts.clock())
        stories.mark_changed(moved)  # the index's story:ID follows
        return count


def _central(members: list[StoryMember]) -> StoryMember:
    """The article most others were found alike, else the first."""
    links = Counter(m.linked_to for m in members if m.linked_to is not None)
    best = links.most_common(1)
    if best:
        chosen = next((m for m in members if m.article_id == best[0][0]), None)
        if chosen is not None:
            return chosen
    return members[0]
