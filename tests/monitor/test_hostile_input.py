"""Hostile and broken input served by a real local server, all in one update.

Every bad source must be recovered or refused with a clear error of its own, while the good
sources beside it keep updating. Pages whose text cannot be extracted keep the feed's text,
flagged; scripts, frames, ``javascript:`` links and tracking pixels never reach stored text.
"""

from __future__ import annotations

import gzip
import time
from pathlib import Path

from monitor.app import Monitor, open_monitor
from monitor.collect.feeds import MAX_ITEMS
from monitor.collect.fetch import FetchSettings
from monitor.types import SourceKind, SourceReport, TextOrigin
from tests.support.http_server import LocalServer, Route
from tests.support.inside import parts

RUSSIAN = (
    "Правительство области сообщило во вторник о начале строительства новой школы в районе. "
    "По словам губернатора, работы планируется завершить до конца следующего года, а местные "
    "жители давно просили власти решить проблему переполненных классов."
)
XML = {"Content-Type": "application/rss+xml"}
HTML = {"Content-Type": "text/html; charset=utf-8"}


def rss(items: str, encoding: str = "utf-8") -> str:
    return (
        f'<?xml version="1.0" encoding="{encoding}"?><rss version="2.0"><channel>'
        f"<title>Лента</title><link>http://example.invalid/</link><language>ru</language>"
        f"{items}</channel></rss>"
    )


def item(number: int, link: str | None = None, feed: str = "good") -> str:
    link_tag = f"<link>{link}</link>" if link else ""
    return (
        f"<item><title>Новость номер {number}</title>{link_tag}"
        f"<guid isPermaLink='false'>urn:{feed}:{number}</guid>"
        f"<description>{RUSSIAN}</description></item>"
    )


def short_item(number: int) -> str:
    return (
        f"<item><title>Сводка {number}</title><guid isPermaLink='false'>urn:huge:{number}</guid>"
        f"<description>Короткая сводка новостей номер {number}.</description></item>"
    )


HOSTILE_PAGE = f"""<!DOCTYPE html><html lang="ru"><head><meta charset="utf-8">
<title>Школа</title><script>document.write("STOLEN-COOKIE")</script>
<style>.x{{color:red}}</style></head><body>
<article><h1>Новая школа</h1>
<p>{RUSSIAN}</p>
<script>var tracker = "SCRIPT-TEXT";</script>
<iframe src="https://ads.example.net/frame">IFRAME-TEXT</iframe>
<p>Подробности <a href="javascript:alert('JS-LINK')">по ссылке JSLINKTEXT</a> в материале.
{RUSSIAN}</p>
<img src="https://pixel.example.net/p.gif?id=TRACKING" width="1" height="1" alt="PIXEL-ALT">
<noscript><img src="https://pixel.example.net/ns.gif" alt="NOSCRIPT-PIXEL"></noscript>
</article></body></html>"""

LOGIN_WALL = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>Вход</title></head>
<body><form><input name="login"><input type="password"><button>Войти</button></form>
</body></html>"""


def serve_everything(server: LocalServer) -> dict[str, str]:
    """Path name -> URL of every source this suite follows."""
    good_page = server.add("/pages/good.html", Route(HOSTILE_PAGE.encode(), headers=HTML))
    wall = server.add("/pages/wall.html", Route(LOGIN_WALL.encode(), headers=HTML))
    urls = {
        "good": server.add(
            "/good.xml", Route(rss(item(1, good_page) + item(2, wall)).encode(), headers=XML)
        ),
        "not-xml": server.add(
            "/not-xml.xml",
            Route(b"Service temporarily unavailable", headers={"Content-Type": "text/plain"}),
        ),
        "truncated": server.add(
            "/truncated.xml",
            Route(rss(item(1, feed="t") + item(2, feed="t")).encode()[:-60], headers=XML),
        ),
        "html": server.add(
            "/html.xml",
            Route(b"<!DOCTYPE html><html><body><p>Welcome</p></body></html>", headers=HTML),
        ),
        "huge": server.add(
            "/huge.xml",
            Route(rss("".join(short_item(n) for n in range(50_000))).encode(), headers=XML),
        ),
        "too-large": server.add(
            "/too-large.xml",
            # Announces 200 MB; what is sent is already past the 10 MB cap.
            Route(b" " * (11 * 1024 * 1024), headers={**XML, "Content-Length": str(200 << 20)}),
        ),
        "gzip-bomb": server.add(
            "/bomb.xml",
            Route(
                gzip.compress(b"\0" * (64 << 20), compresslevel=9),
                headers={**XML, "Content-Encoding": "gzip"},
            ),
        ),
    }
    for codec, bom in [
        ("utf-16", True),
        ("utf-16-le", False),
        ("utf-16-be", False),
        ("utf-32", True),
        ("utf-32-le", False),
    ]:
        name = f"{codec}-{'bom' if bom else 'nobom'}"
        body = rss(item(1, feed=name), codec.upper()).encode(codec)
        urls[name] = server.add(f"/{name}.xml", Route(body, headers=XML))
    return urls


def update_all(monitor: Monitor, urls: dict[str, str]) -> dict[str, SourceReport]:
    ids = {}
    for name, url in urls.items():
        ids[name] = parts(monitor).store.add_source(url, kind=SourceKind.FEED, name=name).id
    summary = monitor.update()
    by_id = {report.source_id: report for report in summary.reports}
    return {name: by_id[source_id] for name, source_id in ids.items()}


def test_bad_sources_fail_alone_with_clear_errors_and_good_ones_update(
    tmp_path: Path, server: LocalServer
) -> None:
    urls = serve_everything(server)
    settings = FetchSettings(min_host_interval=0.0, per_host_concurrency=4)
    started = time.monotonic()
    with open_monitor(tmp_path, fetch_settings=settings) as monitor:
        reports = update_all(monitor, urls)
        elapsed = time.monotonic() - started

        for name in ("not-xml", "html"):
            assert reports[name].error and "feed" in reports[name].error.lower(), reports[name]
        for name in ("too-large", "gzip-bomb"):
            error = reports[name].error
            assert error and ("MB" in error or "large" in error.lower()), (name, error)
        # The size cap refused the announced 200 MB without reading it.
        assert len(server.requests_to("/too-large.xml")) == 1

        # Recovered: what came whole is kept.
        assert reports["truncated"].error is None and reports["truncated"].new >= 1
        for name in ("utf-16-bom", "utf-16-le-nobom", "utf-16-be-nobom", "utf-32-bom"):
            assert reports[name].error is None and reports[name].new == 1, reports[name]
            [article] = monitor.articles(source_id=reports[name].source_id)
            assert article.title == "Новость номер 1" and article.language == "ru"
        assert reports["utf-32-le-nobom"].error or reports["utf-32-le-nobom"].new == 1

        # An archive dump is capped, in bounded time.
        assert reports["huge"].new == MAX_ITEMS
        assert elapsed < 60

        # The good feed updated beside all of them.
        assert reports["good"].error is None and reports["good"].new == 2
        articles = {a.url: a for a in monitor.articles(source_id=reports["good"].source_id)}
        good = articles[server.url("/pages/good.html")]
        wall = articles[server.url("/pages/wall.html")]
        assert good.text_origin is TextOrigin.PAGE and good.last_error is None
        for leak in (
            "STOLEN",
            "SCRIPT-TEXT",
            "IFRAME",
            "JS-LINK",
            "javascript",
            "TRACKING",
            "PIXEL",
            "pixel.example",
            "color:red",
        ):
            assert leak not in good.text + good.title, leak
        assert "по ссылке JSLINKTEXT" in good.text  # the link's words stay, its target does not
        assert wall.text_origin is TextOrigin.FEED and wall.last_error
        assert wall.text == RUSSIAN
        assert parts(monitor).store.integrity_check() == "ok"
