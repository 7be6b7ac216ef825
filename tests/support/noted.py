"""A small collection for tests of notes: translated articles stored as the pipeline stores
them (text and language from the page, aligned sentences from the translation stage), on a
clock the test moves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from monitor import Monitor
from monitor.store import ArticleDraft
from monitor.store.translations import ORIGINAL_LANGUAGE_ROUTE
from monitor.types import SentencePair, SourceKind
from tests.support.extraction import page_outcome
from tests.support.inside import parts

Pairs = tuple[tuple[int, str, str], ...]

KOREAN: Pairs = (
    (0, "한국은행은 12일 기준금리를 연 2.25%로 내렸다.", "The Bank of Korea cut the base rate."),
    (0, "올해 두 번째 인하다.", "It is the second cut this year."),
    (1, "이창용 총재는 내수 회복이 더디다고 말했다.", "Governor Rhee said demand was slow."),
    (2, "원·달러 환율은 1,392.5원에 마감했다.", "The won closed at 1,392.5 to the dollar."),
)
ENGLISH: Pairs = (
    (0, "The ministry confirmed the launch.", "The ministry confirmed the launch."),
    (0, "Officials gave no date.", "Officials gave no date."),
)


@dataclass
class Clock:
    """A clock a test moves by hand."""

    now: datetime = field(default_factory=lambda: datetime(2026, 11, 20, 9, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def tick(self, minutes: int = 1) -> None:
        self.now += timedelta(minutes=minutes)


def text_of(pairs: Pairs) -> str:
    paragraphs: dict[int, list[str]] = {}
    for paragraph, original, _ in pairs:
        paragraphs.setdefault(paragraph, []).append(original)
    return "\n\n".join(" ".join(p) for _, p in sorted(paragraphs.items()))


def add_article(
    monitor: Monitor,
    pairs: Pairs = KOREAN,
    *,
    language: str = "ko",
    guid: str = "g1",
    title: str = "한은, 기준금리 인하",
) -> int:
    """Store an article with ``pairs`` as its text and translation; returns its id."""
    store = parts(monitor).store
    source = store.find_source_by_url("https://wire.test/rss") or store.add_source(
        "https://wire.test/rss", kind=SourceKind.FEED, name="Seoul Wire", language_hint="ko"
    )
    text = text_of(pairs)
    draft = ArticleDraft(
        source.id, guid, f"https://wire.test/{guid}", title, None, None, None, "", text, language
    )
    article_id = store.insert_article(draft)
    store.save_extraction(page_outcome(store.article(article_id), text, language=language))
    translate(monitor, article_id, pairs, by_model=language != "en")
    return article_id


def translate(monitor: Monitor, article_id: int, pairs: Pairs, *, by_model: bool = True) -> None:
    """Store ``pairs`` as the article's aligned sentences (a new translation replaces one)."""
    parts(monitor).translations.save(
        article_id,
        target="en",
        title="Bank of Korea cuts the base rate" if by_model else "",
        route="ko→en (test-model 1.0)" if by_model else ORIGINAL_LANGUAGE_ROUTE,
        is_pivot=False,
        at=parts(monitor).clock(),
        sentences=[SentencePair(p, original, translation) for p, original, translation in pairs],
    )
