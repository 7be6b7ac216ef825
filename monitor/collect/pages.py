"""Article pages: fetching one (work for the pipeline's thread pool) and, when that fails,
deciding whether and when to fetch it again.

An article whose page cannot be had is kept with its feed's text, flagged. When the reason
may pass (a timeout, a broken connection, a 5xx, a 429) the page is asked for again on later
updates of its source, each time waiting twice as long as before (starting from the source's
update interval, or later if the server said so with Retry-After), at most
:data:`PAGE_ATTEMPTS` times in all and only while the article is younger than
:data:`PAGE_RETRY_WINDOW`: old news is not worth hammering a struggling site for. A page that
is gone (404, 410), forbidden, too large or without article text is not asked for again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from monitor.collect import cancelling
from monitor.collect.backoff import next_attempt_after
from monitor.collect.encoding import decode_document
from monitor.collect.extract import extract_page
from monitor.collect.fetch import Fetcher
from monitor.collect.mojibake import repair_page
from monitor.errors import (
    ConfigError,
    ConnectionFailed,
    FetchError,
    FetchTimeout,
    HTTPStatusError,
    MonitorError,
)
from monitor.language.detect import detect_language_with_hint
from monitor.types import Article, ArticleState, ExtractedPage, FetchedDocument, TextOrigin

_log = logging.getLogger(__name__)

PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.5"
PAGE_ATTEMPTS = 5  # fetches of one page in all, the first one included
PAGE_RETRY_WINDOW = timedelta(days=3)  # counted from when the article was first seen
# Statuses that say "not now" rather than "never": request timeout, too early, too many
# requests; every 5xx is the server's own trouble.
_PASSING_STATUSES = frozenset({408, 425, 429})


@dataclass(frozen=True, slots=True)
class PageOutcome:
    """What fetching an article's page gave: the page, or why there is none."""

    article: Article
    document: FetchedDocument | None
    encoding: str | None
    page: ExtractedPage | None
    language: str | None  # detected on the text that will be stored
    error: str | None  # for the user, kept with the article
    fetch_error: FetchError | None  # the page could not be downloaded (maybe for a while)

    @property
    def is_retry(self) -> bool:
        """The article was stored already (with its feed's text): this was a second try."""
        return self.article.state >= ArticleState.DETECTED

    @property
    def text(self) -> str:
        """The article's text to keep: the page's, else what the feed gave."""
        return _kept_text(self.article, self.page)

    @property
    def origin(self) -> TextOrigin:
        return TextOrigin.PAGE if self.page else TextOrigin.FEED


def fetch_page(
    fetcher: Fetcher,
    article: Article,
    *,
    origin: str | None = None,
    extract: Callable[[str, str], ExtractedPage] | None = None,
) -> PageOutcome:
    """Fetch, decode and extract the article's page and detect the language of what will be
    kept. A failure becomes the outcome's ``error``; only a :class:`ConfigError` (a broken
    install, which no page can be blamed for) is raised. No store access here.

    ``origin`` is the address of the article's source as the user added it: only if that is
    on this machine or its network may the page be (see :mod:`monitor.collect.addresses`).
    ``extract`` reads the page's text (:func:`extract_page` in this thread by default; an
    update passes its :class:`~monitor.collect.extract_pool.ExtractionPool`'s).
    """
    document = None
    encoding = None
    page = None
    error = None
    fetch_error = None
    if article.url:
        try:
            document = fetcher.fetch(article.url, accept=PAGE_ACCEPT, origin=origin)
            decoded = decode_document(document.content, document.content_type, markup="html")
            encoding = decoded.encoding
            page = repair_page((extract or extract_page)(decoded.text, document.url))
        except FetchError as failure:
            error = f"page not available: {failure}"
            fetch_error = failure
        except ConfigError:  # the install or the settings are at fault, not this page
            raise
        except MonitorError as other_error:
            error = f"no article text on the page: {other_error}"
        except Exception as bug:  # a bug must cost one page, not the whole update
            cancelling.check()  # the fetcher closed under a cancelled update is no bug
            _log.exception("unexpected error while extracting %s", article.url)
            error = f"unexpected error reading the page: {bug!r}"
    else:
        error = "the feed item has no link"
    language = _detect(article, page)
    return PageOutcome(article, document, encoding, page, language, error, fetch_error)


def keep_own_text(article: Article) -> PageOutcome:
    """An article that has no page to fetch (a Telegram post, whose text is all there is):
    its own text is kept and its language detected. No store access here."""
    return PageOutcome(article, None, None, None, _detect(article, None), None, None)


def _detect(article: Article, page: ExtractedPage | None) -> str | None:
    text = _kept_text(article, page)
    hint = article.language_hint or (page.language_hint if page else None)
    try:
        return detect_language_with_hint(f"{article.title}\n{text}", hint)
    except ConfigError:
        raise
    except Exception:
        _log.exception("language detection failed on article %s", article.id)
        return None


def _kept_text(article: Article, page: ExtractedPage | None) -> str:
    return page.text if page else (article.text or article.summary)


def is_passing(error: FetchError) -> bool:
    """Whether the failure may go away by itself, so that asking again later makes sense."""
    if isinstance(error, HTTPStatusError):
        return error.status >= 500 or error.status in _PASSING_STATUSES
    # Other FetchErrors (too large, redirect loops, bad addresses, unreadable compression)
    # will be the same next time.
    return isinstance(error, FetchTimeout | ConnectionFailed)


def next_page_attempt(
    article: Article, error: FetchError | None, now: datetime, source_interval: timedelta
) -> datetime | None:
    """When to fetch the page of ``article`` again after it failed ``now`` with ``error``.

    ``None`` when it is not worth it: no download error (the page had no text), a lasting
    one, :data:`PAGE_ATTEMPTS` reached, or the next try would fall after the article's
    :data:`PAGE_RETRY_WINDOW`.
    """
    if error is None or not is_passing(error):
        return None
    attempts = article.page_attempts + 1  # this one included
    if attempts >= PAGE_ATTEMPTS:
        return None
    retry_at = next_attempt_after(attempts, error, now, source_interval)
    if retry_at > article.retrieved_at + PAGE_RETRY_WINDOW:
        return None
    return retry_at
