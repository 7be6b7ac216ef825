"""What the collection says of one entity: its page, and what one article mentions.

Read from the store's ``article_entities`` (filled as articles are indexed, see
:mod:`monitor.names.entities`); sentences are found again in the stored texts with the
same finder, so a mention is marked where it is written.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from monitor.names.aliases import AliasTable
from monitor.names.entities import EntityFinder, found_entity
from monitor.names.types import ArticleEntity, EntityPage, EntitySentence, NamedEntity

if TYPE_CHECKING:
    from monitor.store import Store
    from monitor.types import Article

MAX_SENTENCES = 30  # on a page, the newest first
SENTENCE_ARTICLES = 60  # newest articles whose sentences are looked at


def article_entities(store: Store, finder: EntityFinder, article: Article) -> list[ArticleEntity]:
    """The entities ``article`` mentions, most mentioned first, and how each is written."""
    stored = store.names.entities_of([article.id])[article.id]
    if not stored:
        return []
    translation = store.translations.translation(article.id)
    english = (
        f"{translation.title}\n{translation.text}" if translation and translation.by_model else ""
    )
    original = f"{article.title}\n{article.text}"
    written = _written(finder, original, article.language)
    written_english = _written(finder, english, "en") if english else {}
    found = []
    for entity_id, mentions in stored:
        entity = resolve(finder, entity_id)
        if entity is None:  # a spelling the user has since removed, or an older table
            continue
        if entity_id not in finder.table.entities:  # found by the model: find it again
            own = finder_for(finder, entity)
            written |= _written(own, original, article.language)
            if english:
                written_english |= _written(own, english, "en")
        found.append(
            ArticleEntity(
                entity,
                mentions,
                entity_id not in written,
                tuple(written.get(entity_id, ())),
                tuple(written_english.get(entity_id, ())),
            )
        )
    return found


def resolve(finder: EntityFinder, entity_id: str) -> NamedEntity | None:
    """The table's entity, or one the Russian NER model found (``found:…`` ids)."""
    return finder.table.entities.get(entity_id) or found_entity(entity_id)


def finder_for(finder: EntityFinder, entity: NamedEntity) -> EntityFinder:
    """A finder that knows ``entity``: the table's, or one of its own for a found name
    (its declined forms are recognised as the table's are)."""
    if entity.id in finder.table.entities:
        return finder
    return EntityFinder(AliasTable([entity]))


def _written(finder: EntityFinder, text: str, language: str | None) -> dict[str, list[str]]:
    written: dict[str, list[str]] = {}
    for mention in finder.mentions(text, language):
        forms = written.setdefault(mention.entity, [])
        surface = text[mention.start : mention.end]
        if surface not in forms:
            forms.append(surface)
    return written


def entity_page(store: Store, finder: EntityFinder, entity: NamedEntity) -> EntityPage:
    ids = store.names.mentioning(entity.id)
    articles = store.articles_by_ids(ids)
    timeline: Counter[tuple[str, str]] = Counter()
    for article in articles:
        moment = article.published or article.retrieved_at
        timeline[(moment.date().isoformat(), article.source_name)] += 1
    newest = sorted(articles, key=lambda a: a.published or a.retrieved_at, reverse=True)
    sentences: list[EntitySentence] = []
    own = finder_for(finder, entity)
    for article in newest[:SENTENCE_ARTICLES]:
        sentences += _sentences(store, own, article, entity.id)
        if len(sentences) >= MAX_SENTENCES:
            break
    resolved = [(resolve(finder, other), n) for other, n in store.names.mentioned_with(entity.id)]
    mentioned = [(other, count) for other, count in resolved if other is not None]
    speaking = {article.source_id for article in articles}
    silent = tuple(s.name for s in store.sources() if s.id not in speaking)
    return EntityPage(
        entity,
        len(articles),
        tuple((day, outlet, count) for (day, outlet), count in sorted(timeline.items())),
        tuple(sentences[:MAX_SENTENCES]),
        tuple(mentioned),
        silent,
    )


def _sentences(
    store: Store, finder: EntityFinder, article: Article, entity_id: str
) -> list[EntitySentence]:
    """The sentences of ``article`` that name the entity, in its original or translation."""
    translation = store.translations.translation(article.id)
    pairs: list[tuple[str, str | None]]
    if translation is not None and translation.by_model and translation.sentences:
        pairs = [(s.original, s.translation) for s in translation.sentences]
    else:
        from translations.segment import segment

        pairs = [
            (sentence.text, None)
            for paragraph in segment(f"{article.title}\n\n{article.text}", article.language)
            for sentence in paragraph.sentences
        ]
    found = []
    for original, english in pairs:
        named = any(m.entity == entity_id for m in finder.mentions(original, article.language))
        if not named and english:
            named = any(m.entity == entity_id for m in finder.mentions(english, "en"))
        if named:
            found.append(
                EntitySentence(
                    article.id,
                    article.source_name,
                    article.published,
                    article.language,
                    original,
                    english,
                )
            )
    return found
