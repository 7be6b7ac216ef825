"""The offline guarantee, end to end: update, translation, search and the reader, no network.

Every non-loopback connection and name lookup in this process is blocked and recorded
(tests/support/no_network.py patches the socket layer, so third-party libraries are caught
too). The feed and its pages come from a real HTTP server on 127.0.0.1; the pages carry what
would make a careless reader reach out: remote images, tracking pixels, iframes, scripts.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from indexes.types import SearchRequest
from monitor import Monitor, open_monitor
from monitor.collect.fetch import FetchSettings
from monitor.types import ArticleState
from tests.support.argos_factory import build_package
from tests.support.http_server import LocalServer, Route
from tests.support.no_network import network_blocked
from ui.queries import reader_content
from ui.reader import ReaderView

REMOTE = "https://tracker.example.com"
PARAGRAPHS = (
    "Ракета стартовала с космодрома Плесецк в понедельник утром. Запуск прошёл штатно.",
    "По данным министерства обороны, ракета вывела на орбиту спутник связи.",
    "Следующий запуск запланирован на весну следующего года.",
)


def _page(title: str) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return f"""<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>{title}</title>
<script src="{REMOTE}/analytics.js"></script>
<link rel="stylesheet" href="{REMOTE}/site.css"></head>
<body><nav><a href="/">Главная</a> <a href="/world">В мире</a></nav>
<article><h1>{title}</h1>
<img src="{REMOTE}/photo.jpg" alt="Старт"><img src="{REMOTE}/pixel.gif" width="1" height="1">
{body}
<iframe src="{REMOTE}/video"></iframe><a href="javascript:alert(1)">Поделиться</a>
</article><footer>© Вестник, 2026</footer></body></html>""".encode()


def _feed(server: LocalServer, count: int) -> bytes:
    items = "".join(
        f"<item><title>Запуск ракеты {n}</title><link>{server.url(f'/news/{n}.html')}</link>"
        f"<guid>{server.url(f'/news/{n}.html')}</guid>"
        f"<pubDate>Fri, 20 Nov 2026 0{n}:00:00 +0300</pubDate>"
        f"<description>Ракета стартовала.&lt;img src=&quot;{REMOTE}/feed-pixel.gif&quot;&gt;"
        "</description></item>"
        for n in range(1, count + 1)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Вестник</title><link>{server.url('/')}</link>{items}</channel></rss>"
    ).encode()


@pytest.fixture
def monitor(tmp_path: Path) -> Iterator[Monitor]:
    settings = FetchSettings(min_host_interval=0.0, total_timeout=10.0)
    with open_monitor(tmp_path / "data", fetch_settings=settings) as opened:
        yield opened


def test_update_translate_search_and_read_with_the_network_blocked(
    monitor: Monitor, server: LocalServer, tmp_path: Path, qtbot: QtBot
) -> None:
    server.routes["/feed.xml"] = Route(_feed(server, 3), headers={"Content-Type": "text/xml"})
    for n in range(1, 4):
        server.routes[f"/news/{n}.html"] = Route(
            _page(f"Запуск ракеты {n}"), headers={"Content-Type": "text/html; charset=utf-8"}
        )
    package = build_package(tmp_path / "stick", "ru", "en", glossary={"ракета": "missile"})
    modules_before = set(sys.modules)

    with network_blocked() as attempts:
        monitor.install_models([package])
        added = monitor.add_source(server.url("/feed.xml"))
        monitor.update([added.source.id])
        articles = monitor.articles()
        by_translation = monitor.search(SearchRequest("missile"))
        by_original = monitor.search(SearchRequest("ракета"))
        view = ReaderView()
        qtbot.addWidget(view)
        view.resize(1000, 700)
        view.show()
        content = reader_content(monitor, articles[0].id, ("missile",))
        view.show_content(content)
        qtbot.waitUntil(lambda: view.translation_pane.toPlainText() != "")
        qtbot.wait(50)  # let any deferred resource request happen while still blocked

    assert attempts == []
    assert not {
        m
        for m in set(sys.modules) - modules_before
        if m.startswith(("stanza", "argostranslate.translate", "spacy"))
    }
    assert len(articles) == 3
    assert {a.state for a in articles} == {ArticleState.TRANSLATED}  # and indexed: found below
    ids = {a.id for a in articles}
    assert {hit.article.id for hit in by_translation.hits} == ids
    assert {hit.article.id for hit in by_original.hits} == ids
    assert "missile" in view.translation_pane.toPlainText()
    # Nothing from the page but its text reaches the reader: no images, frames, scripts.
    html = view.original_pane.toHtml() + view.translation_pane.toHtml()
    for trace in (REMOTE, "<img", "<iframe", "javascript:", "<script"):
        assert trace not in html
