"""Related coverage: the articles most like one article, from other outlets, near in time.

More-like-this over the English translation, so a Korean wire story finds the Russian and
Chinese reports of the same event; the base of the compare view.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from whoosh import query as whoosh_query

from indexes.index import SearchIndex
from indexes.schema import TRANSLATION_FIELD, original_field

KEY_TERMS = 25


def related(
    index: SearchIndex,
    article_id: int,
    text: str,
    *,
    language: str | None = None,
    translated: bool = True,
    window: timedelta = timedelta(days=7),
    limit: int = 5,
    other_outlets_only: bool = True,
) -> list[tuple[int, float]]:
    """(article id, score) of the articles most like ``article_id``, best first.

    ``text`` is the article's translation (or, when ``translated`` is false, its original in
    ``language``); its key terms are looked up in the same field of the other articles.
    """
    searcher = index.searcher()
    docnum = searcher.document_number(id=article_id)
    if docnum is None or not text.strip():
        return []
    stored = searcher.stored_fields(docnum)
    field = TRANSLATION_FIELD if translated else original_field(language)
    terms = searcher.key_terms_from_text(field, text, numterms=KEY_TERMS, normalize=True)
    if not terms:
        return []
    # English originals are indexed as written, not as a translation: an English text's key
    # terms (the translation field and English originals share one analyzer) are looked up in
    # both, so a translated article finds English coverage and an English one finds
    # translated coverage.
    english = (TRANSLATION_FIELD, original_field("en"))
    fields = english if field in english else (field,)
    query = whoosh_query.Or(
        [whoosh_query.Term(f, word, boost=weight) for word, weight in terms for f in fields]
    )
    filters: list[whoosh_query.Query] = []
    published = stored.get("published")
    if isinstance(published, datetime):
        filters.append(whoosh_query.DateRange("published", published - window, published + window))
    masks: list[whoosh_query.Query] = [whoosh_query.Term("id", article_id)]
    if other_outlets_only:
        masks.append(whoosh_query.Term("source_id", stored["source_id"]))
    results = searcher.search(
        query,
        limit=limit,
        filter=whoosh_query.And(filters) if filters else None,
        mask=whoosh_query.Or(masks),
    )
    return [(int(hit["id"]), float(hit.score or 0.0)) for hit in results]
