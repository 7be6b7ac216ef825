"""Public value types of the core: plain frozen dataclasses shared by every module.

Everything that crosses a module boundary inside ``monitor`` (and out to ``ui``)
is one of these. They hold data only; behaviour lives in the modules that make them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime

# The search request is the index's own type, offered here so that callers of the core (the
# window) need not reach into the index layer for it.
from indexes.types import NameExpansion as NameExpansion
from indexes.types import SearchRequest as SearchRequest
from indexes.types import SortOrder as SortOrder
from monitor.compare.types import ComparedArticle as ComparedArticle
from monitor.compare.types import ComparedSentence as ComparedSentence
from monitor.compare.types import CompareRole as CompareRole
from monitor.compare.types import Comparison as Comparison
from monitor.compare.types import CoverageEvent as CoverageEvent
from monitor.compare.types import SentenceMatch as SentenceMatch
from monitor.compare.types import SentenceVector as SentenceVector
from monitor.compare.types import SharedTerm as SharedTerm
from monitor.names.types import ArticleEntity as ArticleEntity
from monitor.names.types import EntityKind as EntityKind
from monitor.names.types import EntityPage as EntityPage
from monitor.names.types import EntitySentence as EntitySentence
from monitor.names.types import NamedEntity as NamedEntity
from monitor.stories.types import Story as Story
from monitor.stories.types import StoryMember as StoryMember

# The translation models' plain data, offered the same way (installed, broken, offered online).
from translations.types import AvailablePackage as AvailablePackage
from translations.types import InstallReport as InstallReport
from translations.types import PackageInfo as PackageInfo
from translations.types import PackageProblem as PackageProblem

# The aligned sentence is the translation engine's own type, kept as it is by the store and
# shown as it is by the reader: one sentence type from the engine to the screen.
from translations.types import SentencePair as SentencePair


class SourceKind(enum.StrEnum):
    """What a source URL points at."""

    FEED = "feed"  # RSS/Atom/JSON Feed: items are discovered from it
    PAGE = "page"  # a single article page, collected as one article
    TELEGRAM = "telegram"  # a public Telegram channel (https://t.me/s/<name>): a post an article


class ArticleState(enum.IntEnum):
    """How far an article has come through the pipeline; each state implies the earlier ones.

    Whether the search index holds an article is the index's to know (it follows the store's
    change log), not a state: stores before schema 7 had INDEXED (50), now TRANSLATED, and an
    EXTRACTED (20) that was never set.
    """

    FETCHED = 10  # known from its feed item, page not yet processed
    DETECTED = 30  # main text (the page's, else the feed's) and its language stored
    TRANSLATED = 40  # translation stored (filled by the translation layer)

    @property
    def label(self) -> str:
        return self.name.lower()


class TextOrigin(enum.StrEnum):
    """Where an article's stored text came from."""

    PAGE = "page"  # extracted from the article page
    FEED = "feed"  # the page could not be had or extracted: the feed's own content


class Affiliation(enum.StrEnum):
    """How a catalog outlet is tied to a state, as public sources describe it."""

    STATE = "state"  # the state or ruling party controls it, its editing included
    STATE_CAPTURED = "state-captured"  # state-linked owners steer its editing
    PUBLIC_BROADCASTER = "public broadcaster"  # publicly funded, editorially independent
    PUBLIC_NEWS_AGENCY = "public news agency"  # a national agency under public ownership
    INTERNATIONAL_BROADCASTER = "government-funded international broadcaster"

    @property
    def state_affiliated(self) -> bool:
        """Whether a state steers what it publishes (the two state kinds), not only funds it."""
        return self in (Affiliation.STATE, Affiliation.STATE_CAPTURED)


@dataclass(frozen=True, slots=True)
class Evidence:
    """One public source behind a catalog entry: where it is and what it shows."""

    source: str  # a web address, "github:owner/repo/path@commit", or "code-index:<file id>"
    shows: str
    date: str = ""  # ISO date of the source or of its check, when known


@dataclass(frozen=True, slots=True)
class Outlet:
    """One entry of the built-in catalog of news outlets."""

    key: str  # stable identifier, e.g. "yonhap-ko"
    name: str
    language: str  # ISO 639-1
    country: str  # ISO 3166-1 alpha-2
    homepage: str
    feed_url: str
    owner: str = ""  # who owns or controls it, as the evidence says; "" when not recorded
    affiliation: Affiliation | None = None  # None: no state tie recorded
    affiliation_basis: str = ""  # the public source of the affiliation, in a few words
    confirmed: bool = False  # the exact feed_url appears in the evidence
    note: str = ""  # what the evidence leaves open: stale, blocked, variants, unconfirmed
    evidence: tuple[Evidence, ...] = ()
    # FEED, or TELEGRAM for a public channel (feed_url is then https://t.me/s/<name>)
    kind: SourceKind = SourceKind.FEED

    @property
    def state_affiliated(self) -> bool:
        return self.affiliation is not None and self.affiliation.state_affiliated


@dataclass(frozen=True, slots=True)
class FetchedDocument:
    """A successful HTTP answer, body already read (and capped) but not decoded."""

    url: str  # final URL after redirects
    status: int
    content: bytes
    content_type: str | None
    etag: str | None
    last_modified: str | None
    fetched_at: datetime  # UTC

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass(frozen=True, slots=True)
class DecodedText:
    """Bytes turned into text, with how the encoding was decided."""

    text: str
    encoding: str  # Python codec name actually used, e.g. "windows-1251"
    decided_by: str  # "bom", "http", "xml-declaration", "meta", "sniffed", "default"


@dataclass(frozen=True, slots=True)
class FeedItem:
    """One item of a parsed feed, normalised."""

    guid: str | None
    url: str | None
    title: str
    author: str | None
    published: datetime | None  # timezone-aware, UTC
    published_offset_minutes: int | None  # the offset the feed gave, e.g. 540 for +09:00
    summary: str  # plain text of the item's description
    content: str  # plain text of the item's full content (content:encoded, yandex:full-text...)
    language_hint: str | None  # the item's or channel's declared language, if any
    repaired: bool = False  # mojibake was undone in its title, summary or content
    # The feed wrote the date without a zone: ``published`` is its clock reading, labelled
    # UTC until the pipeline places it in the outlet's zone (monitor.collect.zones).
    published_zoneless: bool = False


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A whole parsed feed."""

    title: str
    link: str | None
    language_hint: str | None
    items: tuple[FeedItem, ...]
    encoding: str
    format: str  # feedparser's version string, e.g. "rss20", "atom10", "json1"
    recovered: bool  # the document was malformed but items were recovered


@dataclass(frozen=True, slots=True)
class OpmlOutline:
    """One feed subscription read from or written to an OPML file."""

    url: str  # the feed's address (OPML ``xmlUrl``)
    title: str
    language: str | None = None
    homepage: str | None = None  # the outlet's site (OPML ``htmlUrl``)


@dataclass(frozen=True, slots=True)
class ExtractedPage:
    """The main content taken from an article page."""

    text: str  # paragraphs separated by a blank line
    title: str | None
    author: str | None
    published: datetime | None  # timezone-aware, UTC
    published_offset_minutes: int | None
    canonical_url: str | None
    language_hint: str | None  # <html lang> or og:locale
    repaired: bool = False  # mojibake was undone in its text, title or author


@dataclass(frozen=True, slots=True)
class Source:
    """A followed feed or page, with its fetch state."""

    id: int
    url: str
    kind: SourceKind
    name: str
    language_hint: str | None
    country: str | None
    homepage: str | None
    added_at: datetime
    update_interval_minutes: int
    etag: str | None = None
    last_modified: str | None = None
    last_checked: datetime | None = None
    last_success: datetime | None = None
    last_error: str | None = None
    error_since: datetime | None = None
    consecutive_failures: int = 0
    next_attempt_at: datetime | None = None
    article_count: int = 0
    time_zone: str | None = None  # set by the user for dates the source writes without one

    def error_state(self) -> str:
        """ "403 Forbidden since 10:02" — the error and when the trouble began (local time);
        "" when the source is well."""
        if not self.last_error:
            return ""
        if self.error_since is None:
            return self.last_error
        since = self.error_since.astimezone()
        today = datetime.now(since.tzinfo).date()
        moment = (
            since.strftime("%H:%M") if since.date() == today else since.strftime("%Y-%m-%d %H:%M")
        )
        return f"{self.last_error} since {moment}"


@dataclass(frozen=True, slots=True)
class Article:
    """A stored article. Text for display comes from here, never from the index."""

    id: int
    source_id: int
    source_name: str
    guid: str | None
    url: str | None
    canonical_url: str | None
    title: str
    author: str | None
    published: datetime | None  # UTC
    published_offset_minutes: int | None
    retrieved_at: datetime
    summary: str
    text: str
    text_origin: TextOrigin
    language: str | None
    language_hint: str | None
    state: ArticleState
    raw_sha256: str | None
    duplicate_of: int | None
    last_error: str | None = None
    translation_note: str | None = None  # why it is not translated ("no ko→en model")
    is_read: bool = False
    is_starred: bool = False
    page_attempts: int = 0  # times its page was asked for (failed pages are retried a few times)
    # The feed gave no zone: the one assumed and why ("Asia/Shanghai (the outlet's
    # language, zh)"); None when the time's zone is known.
    published_zone: str | None = None
    repaired: bool = False  # mojibake was undone in its title or text
    # A Telegram post edited after it was first read: the earlier texts kept
    # (Monitor.article_versions), and when the latest change was seen.
    edits: int = 0
    edited_at: datetime | None = None
    # A post gone from a channel page that still covers its id: when it was last seen there
    # (the article keeps what was stored); None while it is there.
    deleted_since: datetime | None = None

    @property
    def versions(self) -> int:
        """How many texts the article has had (1 unless it was edited)."""
        return self.edits + 1


@dataclass(frozen=True, slots=True)
class ArticleVersion:
    """One text an article (a Telegram post) has had, and when it was first seen."""

    title: str
    text: str
    seen_at: datetime
    # Its translation when it had one (sentences joined, paragraphs a blank line apart).
    translation: str | None = None


@dataclass(frozen=True, slots=True)
class PostAttachment:
    """A photo, video, document or poll of a Telegram post (listed; the file is not fetched)."""

    kind: str  # "photo", "video", "document", "poll"
    url: str | None
    caption: str = ""  # a document's name and size, a poll's question and options


@dataclass(frozen=True, slots=True)
class PostDetails:
    """What a Telegram post has beyond its text and signature."""

    views: int | None = None
    forwarded_from: str | None = None  # the original channel's (or person's) name
    forwarded_from_url: str | None = None  # the original post
    reply_to_url: str | None = None  # the post this one answers
    media: tuple[PostAttachment, ...] = ()


@dataclass(frozen=True, slots=True)
class SourceReport:
    """What one update did to one source."""

    source_id: int
    source_name: str
    new: int = 0
    updated: int = 0
    failed: int = 0
    not_modified: bool = False
    skipped_reason: str | None = None
    queued: int = 0  # article pages left for the next update (the per-update cap, a cancel)
    error: str | None = None


class WorkerStage(enum.StrEnum):
    """A stage a team's workers run for a shared store (see :mod:`monitor.workers`); an
    update on a desktop leaves it to them while they run."""

    COLLECT = "collect"
    TRANSLATE = "translate"


class ProgressKind(enum.StrEnum):
    SOURCE_STARTED = "source-started"
    SOURCE_FINISHED = "source-finished"
    FETCHED = "fetched"
    EXTRACTED = "extracted"
    STORED = "stored"
    FAILED = "failed"
    TRANSLATED = "translated"
    HEADLINE = "headline"  # an article's title and lead translated, the rest still waiting
    UNTRANSLATED = "untranslated"  # no model (or a damaged one) for the article's language
    INDEXED = "indexed"
    EXPORTED = "exported"  # one more article written to an export or a bundle
    LEFT_TO_WORKERS = "left-to-workers"  # a team's workers run this stage (``message``)


@dataclass(frozen=True, slots=True)
class Progress:
    """One step of a long operation, yielded by its generator."""

    kind: ProgressKind
    source_id: int | None = None
    article_id: int | None = None
    message: str = ""
    done: int = 0  # items finished so far in this run
    total: int | None = None  # items known so far in this run, if known
    report: SourceReport | None = None  # with SOURCE_FINISHED


@dataclass(frozen=True, slots=True)
class UpdateSummary:
    """The outcome of a whole update run."""

    reports: tuple[SourceReport, ...] = field(default_factory=tuple)
    cancelled: bool = False

    @property
    def new(self) -> int:
        return sum(r.new for r in self.reports)

    @property
    def failed(self) -> int:
        return sum(r.failed for r in self.reports) + sum(1 for r in self.reports if r.error)


@dataclass(frozen=True, slots=True)
class FinishedUpdate:
    """An update of sources that ran to its end, as the store remembers it across restarts."""

    finished_at: datetime
    sources: int  # sources checked
    new: int
    updated: int
    failed_sources: int  # sources that could not be read

    @classmethod
    def of(cls, summary: UpdateSummary, finished_at: datetime) -> FinishedUpdate:
        reports = summary.reports
        return cls(
            finished_at,
            len(reports),
            sum(r.new for r in reports),
            sum(r.updated for r in reports),
            sum(1 for r in reports if r.error),
        )

    def describe(self) -> str:
        """``12 new, 3 updated from 20 sources; 1 failed`` (times are the caller's to format)."""
        counts = f"{self.new} new" + (f", {self.updated} updated" if self.updated else "")
        plural = "" if self.sources == 1 else "s"
        failed = f"; {self.failed_sources} failed" if self.failed_sources else ""
        return f"{counts} from {self.sources} source{plural}{failed}"


@dataclass(frozen=True, slots=True)
class FoundArticle:
    """A search hit joined to its article and translated title (read once, for the page)."""

    article: Article
    title_translated: str | None  # the model's translation of the title, if any
    matched_in: str  # "original", "translation" or "both"
    score: float
    snippet_original: str  # highlighted with <b>…</b>, HTML-escaped otherwise
    snippet_translation: str


@dataclass(frozen=True, slots=True)
class FoundPage:
    """One page of search hits, the total, and (when asked for) counts over every hit."""

    hits: tuple[FoundArticle, ...]
    total: int
    page: int
    pages: int
    by_outlet: dict[str, int] = field(default_factory=dict)
    by_language: dict[str, int] = field(default_factory=dict)
    by_day: dict[str, int] = field(default_factory=dict)
    expansions: tuple[NameExpansion, ...] = ()  # the names searched in their other forms


class NoteSide(enum.StrEnum):
    """Which side of an aligned sentence a note or highlight was made on."""

    ORIGINAL = "original"
    TRANSLATION = "translation"

    @property
    def other(self) -> NoteSide:
        return NoteSide.TRANSLATION if self is NoteSide.ORIGINAL else NoteSide.ORIGINAL


class NoteColour(enum.StrEnum):
    """A highlight's colour; yellow is the plain highlight."""

    YELLOW = "yellow"
    GREEN = "green"
    BLUE = "blue"
    PINK = "pink"


@dataclass(frozen=True, slots=True)
class Note:
    """A highlighted sentence of an article, with the user's note on it ("" for none).

    Anchored to a sentence of the article's aligned sentence list (its position) and a side,
    and keeping that sentence's text as it read when marked, so a new translation finds it
    again by its text (see :mod:`monitor.store.notes`). ``sentence`` is None when the
    sentence is no longer in the text: the note is kept, with the text it was made on.
    """

    id: int
    article_id: int
    sentence: int | None  # position in the aligned sentence list; None: its sentence is gone
    side: NoteSide
    sentence_text: str  # the sentence on its side, as it read when marked
    counterpart_text: str  # the aligned sentence on the other side, then
    colour: NoteColour
    text: str  # the user's own words (plain text); "" for a plain highlight
    created_at: datetime
    updated_at: datetime

    @property
    def anchored(self) -> bool:
        return self.sentence is not None
