"""Public Telegram channels: their addresses, and their web preview pages read as posts.

A public channel shows its latest posts, about twenty at a time, at ``t.me/s/<name>``; older
ones at ``t.me/s/<name>?before=<id>``. Each post is a ``div.tgme_widget_message`` whose
``data-post`` is ``<name>/<id>``: the id is the post's identity. An album is one such div
holding several photos or videos, so it is one post. Service messages (a new channel photo,
a pinned post) are not posts anyone wrote and are left out. A channel that is private, or
that does not exist, has no preview: Telegram sends its plain ``t.me/<name>`` page instead
(a title and a "join" button for a private group or a user, nothing at all for a name no one
holds), which :func:`parse_channel_page` turns into :class:`ChannelUnavailable`.

:func:`read_channel` pages back through a channel with the fetcher it is given (its per-host
limits, deadlines and cancel apply); nothing here touches the store. The files of photos,
videos and documents are never fetched: a post lists them with their captions.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from lxml import html as lxml_html
from lxml.html import HtmlElement

from monitor.collect.encoding import decode_document
from monitor.collect.fetch import Fetcher
from monitor.collect.text import absolute_http_url, html_to_text, normalize_text, single_line
from monitor.errors import ChannelUnavailable, FetchError

TELEGRAM_HOSTS = frozenset({"t.me", "telegram.me", "www.t.me", "telegram.dog"})
# Telegram's own rule for public names: 5 to 32 letters, digits and underscores, a letter first.
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{3,31}")
# Paths of t.me that are Telegram's own pages, not channels (invites, sticker sets, sharing).
_NOT_NAMES = frozenset({"joinchat", "addstickers", "addemoji", "share", "proxy", "socks", "iv"})
_VIEWS = re.compile(r"([0-9]+(?:[.,][0-9]+)?)\s*([KMB]?)", re.IGNORECASE)
_MULTIPLIERS = {"": 1, "K": 1_000, "M": 1_000_000, "B": 1_000_000_000}


def channel_name(address: str) -> str | None:
    """The channel named by ``@name``, ``t.me/name``, ``t.me/s/name`` or ``https://t.me/...``
    (a post link ``t.me/name/123`` names its channel too); ``None`` for anything else."""
    address = address.strip()
    if address.startswith("@"):
        name = address[1:]
        return name if _NAME.fullmatch(name) else None
    if "://" not in address:
        address = "https://" + address
    try:
        parts = urlsplit(address)
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    if host not in TELEGRAM_HOSTS or parts.scheme not in ("http", "https"):
        return None
    segments = [segment for segment in parts.path.split("/") if segment]
    if segments[:1] == ["s"]:
        segments = segments[1:]
    if not segments or not _NAME.fullmatch(segments[0]) or segments[0].lower() in _NOT_NAMES:
        return None
    return segments[0]


def channel_url(name: str) -> str:
    """The canonical address of a channel as a source: its preview page (Telegram's names
    ignore case, so the address is in lower case and one channel is followed once)."""
    return f"https://t.me/s/{name.lower()}"


def preview_path(name: str, before: int | None = None) -> str:
    """The path of a preview page: the latest posts, or those before post ``before``."""
    return f"/s/{name}" + (f"?before={before}" if before is not None else "")


@dataclass(frozen=True, slots=True)
class Media:
    """A photo, video, document or poll attached to a post (the file itself is not fetched)."""

    kind: str  # "photo", "video", "document", "poll"
    url: str | None  # the post's link to it, or the file's address the page gives
    caption: str = ""  # a document's name and size, a poll's question and options, ...


@dataclass(frozen=True, slots=True)
class ChannelPost:
    """One post of a channel's preview page."""

    channel: str
    id: int
    url: str  # https://t.me/<channel>/<id>
    text: str  # plain text, each link's address kept after its words
    published: datetime | None  # timezone-aware, as the page gives it
    published_offset_minutes: int | None
    author: str | None  # the signature under the post
    views: int | None
    forwarded_from: str | None  # the original channel's (or person's) name
    forwarded_from_url: str | None  # the original post, when the page links it
    reply_to_url: str | None  # the post this one answers
    media: tuple[Media, ...]

    @property
    def guid(self) -> str:
        return f"{self.channel}/{self.id}"

    @property
    def article_text(self) -> str:
        """What is read and translated: the post's text, then its polls' questions and
        options (a poll is text too; a photo's caption is the post's text already)."""
        polls = [media.caption for media in self.media if media.kind == "poll" and media.caption]
        return "\n\n".join(part for part in (self.text, *polls) if part)

    def details_json(self) -> str:
        """What the post has beyond its text, for the store (``articles.post_details``)."""
        details = {
            "views": self.views,
            "forwarded_from": self.forwarded_from,
            "forwarded_from_url": self.forwarded_from_url,
            "reply_to_url": self.reply_to_url,
            "media": [
                {"kind": media.kind, "url": media.url, "caption": media.caption}
                for media in self.media
            ],
        }
        return json.dumps(details, ensure_ascii=False, sort_keys=True)

    @property
    def title(self) -> str:
        """The post's first line, shortened; posts have no titles of their own."""
        text = self.article_text or next((m.caption for m in self.media if m.caption), "")
        first = single_line(next((line for line in text.splitlines() if line.strip()), ""))
        if not first:
            return f"Post {self.id} of @{self.channel}"
        return first if len(first) <= 100 else first[:99].rstrip() + "…"


@dataclass(frozen=True, slots=True)
class ChannelPage:
    """What one preview page gave: the channel's title and its posts, oldest first."""

    name: str
    title: str | None
    posts: tuple[ChannelPost, ...]
    has_older: bool  # the page links to older posts


def parse_views(text: str) -> int | None:
    """``"1.2K"`` → 1200, ``"15"`` → 15; ``None`` when it is no count."""
    match = _VIEWS.search(text.strip())
    if match is None:
        return None
    number = float(match.group(1).replace(",", "."))
    return round(number * _MULTIPLIERS[match.group(2).upper()])


def parse_channel_page(content: str, name: str, url: str) -> ChannelPage:
    """The posts of a preview page (``url`` is where it was found, for its links).

    Raises :class:`ChannelUnavailable` when the page is no channel preview: a private
    channel, a group or a person, or a name no one holds.
    """
    try:
        document = lxml_html.document_fromstring(content or "<html></html>")
    except Exception as error:  # lxml on hostile input: any failure means no preview
        raise ChannelUnavailable(
            f"@{name}: the channel's page could not be read ({error})"
        ) from error
    messages = _by_class(document, "tgme_widget_message")
    has_preview = bool(messages) or bool(_by_class(document, "tgme_channel_info"))
    if not has_preview:
        if _by_class(document, "tgme_page_title"):
            raise ChannelUnavailable(
                f"@{name}: channel is private (or is a group or a person): Telegram shows no"
                " posts for it"
            )
        raise ChannelUnavailable(f"@{name}: channel not found (deleted, renamed or mistyped)")
    posts = []
    for message in messages:
        if "service_message" in _classes(message):
            continue
        post = _post(message, url)
        if post is not None:
            posts.append(post)
    posts.sort(key=lambda post: post.id)
    title_element = _first(document, "tgme_channel_info_header_title")
    title = single_line(title_element.text_content()) if title_element is not None else None
    older = document.xpath("//link[@rel='prev']/@href")
    return ChannelPage(name, title or None, tuple(posts), has_older=bool(older))


def _post(message: HtmlElement, base: str) -> ChannelPost | None:
    channel, _, number = (message.get("data-post") or "").partition("/")
    if not number.isdigit() or not channel:
        return None
    post_id = int(number)
    published, offset = None, None
    date = _first(message, "tgme_widget_message_date")
    stamps = date.xpath(".//time/@datetime") if date is not None else []
    if stamps:
        try:
            published = datetime.fromisoformat(str(stamps[0]))
        except ValueError:
            published = None
        if published is not None and published.utcoffset() is None:
            published = None  # the page always gives a zone; without one it cannot be placed
        if published is not None:
            delta = published.utcoffset()
            offset = int(delta.total_seconds() // 60) if delta is not None else None
    text_element = _first(message, "js-message_text")
    text = _text_with_links(text_element, base) if text_element is not None else ""
    views_element = _first(message, "tgme_widget_message_views")
    views = parse_views(views_element.text_content()) if views_element is not None else None
    author_element = _first(message, "tgme_widget_message_from_author")
    forwarded = _first(message, "tgme_widget_message_forwarded_from_name")
    reply = _first(message, "tgme_widget_message_reply")
    return ChannelPost(
        channel=channel,
        id=post_id,
        url=f"https://t.me/{channel}/{post_id}",
        text=text,
        published=published,
        published_offset_minutes=offset,
        author=_words(author_element),
        views=views,
        forwarded_from=_words(forwarded),
        forwarded_from_url=_link(forwarded, base) if forwarded is not None else None,
        reply_to_url=_link(reply, base) if reply is not None else None,
        media=tuple(_media(message, base)),
    )


def _media(message: HtmlElement, base: str) -> list[Media]:
    found: list[Media] = []
    for photo in _by_class(message, "tgme_widget_message_photo_wrap"):
        found.append(Media("photo", _link(photo, base)))
    for video in _by_class(message, "tgme_widget_message_video_player"):
        duration = _first(video, "tgme_widget_message_video_duration")
        caption = single_line(duration.text_content()) if duration is not None else ""
        found.append(Media("video", _link(video, base), caption))
    for document in _by_class(message, "tgme_widget_message_document"):
        parts = [
            single_line(element.text_content())
            for cls in ("tgme_widget_message_document_title", "tgme_widget_message_document_extra")
            if (element := _first(document, cls)) is not None
        ]
        wrap = document.getparent()
        url = _link(wrap, base) if wrap is not None else None
        found.append(Media("document", url, " — ".join(part for part in parts if part)))
    for poll in _by_class(message, "tgme_widget_message_poll"):
        question = _first(poll, "tgme_widget_message_poll_question")
        options = [
            single_line(option.text_content())
            for option in _by_class(poll, "tgme_widget_message_poll_option_text")
        ]
        lines = [single_line(question.text_content())] if question is not None else []
        lines += [f"• {option}" for option in options if option]
        found.append(Media("poll", None, "\n".join(line for line in lines if line)))
    return found


def _text_with_links(element: HtmlElement, base: str) -> str:
    """The element's text, each link's address written after its words unless they are it."""
    element = lxml_html.fromstring(lxml_html.tostring(element, encoding="unicode"))
    for anchor in element.iter("a"):
        url = absolute_http_url(anchor.get("href") or "", base)
        words = single_line(anchor.text_content())
        if url and words and words not in url and url not in words:
            anchor.tail = f" ({url})" + (anchor.tail or "")
    markup = lxml_html.tostring(element, encoding="unicode")
    return normalize_text(html_to_text(markup))


def _words(element: HtmlElement | None) -> str | None:
    # An lxml element without children is false: compare with None, never test it.
    return single_line(element.text_content()) or None if element is not None else None


def _link(element: HtmlElement, base: str) -> str | None:
    href = element.get("href")
    return absolute_http_url(href, base) if href else None


def _classes(element: HtmlElement) -> set[str]:
    return set((element.get("class") or "").split())


def _by_class(root: HtmlElement, name: str) -> list[HtmlElement]:
    found: list[HtmlElement] = root.xpath(
        f".//*[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]"
    )
    return found


def _first(root: HtmlElement, name: str) -> HtmlElement | None:
    found = _by_class(root, name)
    return found[0] if found else None


@dataclass(frozen=True, slots=True)
class ChannelRead:
    """What one update read of a channel: its title and its posts, oldest first."""

    title: str | None
    posts: tuple[ChannelPost, ...]
    pages: int  # preview pages fetched
    # The post ids each page read showed: a stored post between a page's smallest and
    # largest id that is not among them was deleted from the channel.
    shown: tuple[tuple[int, ...], ...] = ()


def read_channel(
    fetcher: Fetcher, name: str, *, newest_known: int | None = None, pages_back: int | None = None
) -> ChannelRead:
    """The channel's latest page, then older pages (``?before=<smallest id>``): on a first
    read (``newest_known`` is ``None``) up to ``pages_back`` of them (by default the setting
    ``telegram_pages_back``); later, only until the post ``newest_known`` is reached, and
    never more than that many either. Known posts on the pages read come back too, so that
    an edited one can be brought up to date.

    Raises what the fetcher raises for the latest page, and :class:`ChannelUnavailable`; an
    older page that fails ends the paging with the posts read so far.
    """
    settings = fetcher.settings
    base = settings.telegram_base.rstrip("/")
    if pages_back is None:
        pages_back = settings.telegram_pages_back
    posts: dict[int, ChannelPost] = {}
    title = None
    before: int | None = None
    pages = 0
    shown: list[tuple[int, ...]] = []
    while True:
        url = base + preview_path(name, before)
        pages += 1
        try:
            document = fetcher.fetch(url, accept="text/html, */*;q=0.5")
            text = decode_document(document.content, document.content_type, markup="html").text
            page = parse_channel_page(text, name, document.url)
        except (FetchError, ChannelUnavailable):
            if pages == 1:
                raise
            # An older page failed (or the channel vanished meanwhile): the newer posts read
            # so far are kept all the same.
            break
        title = title or page.title
        shown.append(tuple(post.id for post in page.posts))
        fresh = [post for post in page.posts if post.id not in posts]
        posts.update((post.id, post) for post in fresh)
        if not fresh or not page.has_older or pages > pages_back:
            break
        smallest = min(post.id for post in fresh)
        if smallest <= 1 or (newest_known is not None and smallest <= newest_known):
            break
        before = smallest
    return ChannelRead(
        title, tuple(sorted(posts.values(), key=lambda post: post.id)), pages, tuple(shown)
    )
