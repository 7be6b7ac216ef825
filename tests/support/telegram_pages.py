"""Telegram channel preview pages (``t.me/s/<name>``) written for the tests, in the markup
Telegram serves: a ``tgme_channel_info`` aside, ``tgme_widget_message`` posts with
``data-post="<name>/<id>"``, and a ``<link rel="prev">`` to older posts while there are some.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from html import escape

from monitor.collect.fetch import FetchSettings
from tests.support.http_server import LocalServer, Request, Route

HTML = {"Content-Type": "text/html; charset=utf-8"}
PAGE_SIZE = 20  # posts on one preview page, as Telegram shows


def post_markup(name: str, post_id: int, text: str, published: datetime) -> str:
    return (
        '<div class="tgme_widget_message_wrap js-widget_message_wrap">'
        f'<div class="tgme_widget_message js-widget_message" data-post="{name}/{post_id}">'
        '<div class="tgme_widget_message_bubble">'
        f'<div class="tgme_widget_message_text js-message_text" dir="auto">{escape(text)}</div>'
        '<div class="tgme_widget_message_footer compact js-message_footer">'
        '<div class="tgme_widget_message_info short js-message_info">'
        '<span class="tgme_widget_message_views">1.5K</span>'
        f'<span class="tgme_widget_message_meta"><a class="tgme_widget_message_date" '
        f'href="https://t.me/{name}/{post_id}"><time datetime="{published.isoformat()}" '
        f'class="time">{published:%H:%M}</time></a></span>'
        "</div></div></div></div></div>"
    )


def preview_page(name: str, title: str, posts: list[str], *, older_than: int | None) -> bytes:
    """A page holding ``posts`` (markup), linking to the posts before ``older_than``."""
    prev = (
        f'<link rel="prev" href="/s/{name}?before={older_than}">' if older_than is not None else ""
    )
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        f"<title>{escape(title)} – Telegram</title>{prev}</head>"
        '<body class="widget_frame_base tgme_webpreview"><main class="tgme_main">'
        '<section class="tgme_channel_history js-message_history">'
        + "".join(posts)
        + "</section></main>"
        '<aside class="tgme_channel_info"><div class="tgme_channel_info_header">'
        f'<div class="tgme_channel_info_header_title"><span dir="auto">{escape(title)}</span>'
        "</div></div></aside></body></html>"
    ).encode()


def generated_channel(
    name: str, title: str, count: int, text: Callable[[int], str]
) -> Callable[[str], Route]:
    """A channel of posts 1..``count`` (post ``n`` says ``text(n)``), paged as Telegram does:
    the answer for a path ``/s/<name>`` or ``/s/<name>?before=<id>``."""
    start = datetime(2026, 1, 1, tzinfo=UTC)

    def answer(path: str) -> Route:
        before = count + 1
        if "?before=" in path:
            before = int(path.rsplit("=", 1)[1])
        last = min(before - 1, count)
        first = max(1, last - PAGE_SIZE + 1)
        ids = range(first, last + 1) if last >= 1 else range(0)
        posts = [post_markup(name, n, text(n), start + timedelta(minutes=n)) for n in ids]
        older = first if ids and first > 1 else None
        return Route(preview_page(name, title, posts, older_than=older), headers=HTML)

    return answer


def mount_channel(
    server: LocalServer, name: str, answer: Callable[[str], Route], *, count: int
) -> None:
    """Serve every page of a generated channel of ``count`` posts (the server matches whole
    paths, so each page a reader may ask for is a route)."""
    add = server.add

    def handler_for(path: str) -> Callable[[Request], Route]:
        return lambda request: answer(path)

    add(f"/s/{name}", handler_for(f"/s/{name}"))
    # Every page a reader paging by the smallest id it saw can ask for.
    for before in range(1, count + 2):
        path = f"/s/{name}?before={before}"
        add(path, handler_for(path))


class EditableChannel:
    """A channel of posts 1..``count`` whose texts can be edited (``texts``) and posts
    deleted (``deleted``) between two reads, paged as Telegram pages: each page shows the
    ``PAGE_SIZE`` newest posts left before its ``?before=`` id."""

    def __init__(self, name: str, count: int, text: Callable[[int], str]) -> None:
        self.name = name
        self.count = count
        self.texts = {n: text(n) for n in range(1, count + 1)}
        self.deleted: set[int] = set()
        self.start = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def answer(self, path: str) -> Route:
        before = int(path.rsplit("=", 1)[1]) if "?before=" in path else self.count + 1
        visible = [n for n in self.texts if n < before and n not in self.deleted]
        ids = sorted(visible)[-PAGE_SIZE:]
        posts = [
            post_markup(self.name, n, self.texts[n], self.start + timedelta(minutes=n)) for n in ids
        ]
        older = ids[0] if ids and ids[0] > 1 else None
        page = preview_page(self.name, self.name.title(), posts, older_than=older)
        return Route(page, headers=HTML)

    def mount(self, server: LocalServer) -> None:
        mount_channel(server, self.name, self.answer, count=self.count)


def channel_settings(server: LocalServer) -> FetchSettings:
    """Fetch settings with ``t.me`` served by ``server``: short timeouts, no politeness wait."""
    return FetchSettings(
        connect_timeout=2,
        read_timeout=2,
        total_timeout=5,
        min_host_interval=0,
        telegram_base=server.base_url,
    )
