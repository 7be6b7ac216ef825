"""Telegram channels as sources: added by ``@name``, read from preview pages served by a real
HTTP server on 127.0.0.1 (``FetchSettings.telegram_base`` points there) into a real store."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor import Monitor, open_monitor
from monitor.cli import main
from monitor.collect.fetch import FetchSettings
from monitor.errors import SourceError
from monitor.settings import Settings, save_settings
from monitor.types import ArticleState, PostDetails, SourceKind
from tests.support.http_server import LocalServer, Request, Route
from tests.support.telegram_pages import HTML, PAGE_SIZE, generated_channel, mount_channel

DATA = Path(__file__).parent / "data" / "telegram"

RU_POSTS = [
    "Центральный банк России сохранил ключевую ставку на уровне 16 процентов.",
    "В Москве ожидается сильный снегопад, власти просят не садиться за руль.",
    "Правительство утвердило новый порядок выплаты пенсий с января.",
]
UK_POSTS = [
    "Україна відновила експорт зерна через порти Одеської області.",
    "У Києві вночі пролунали вибухи, працювала протиповітряна оборона.",
    "Верховна Рада ухвалила бюджет на наступний рік у першому читанні.",
]


def settings(server: LocalServer, **changes: object) -> FetchSettings:
    return FetchSettings(
        connect_timeout=2,
        read_timeout=2,
        total_timeout=5,
        min_host_interval=0,
        telegram_base=server.base_url,
        **changes,  # type: ignore[arg-type]
    )


@pytest.fixture
def monitor(tmp_path: Path, server: LocalServer) -> Iterator[Monitor]:
    with open_monitor(tmp_path / "data", fetch_settings=settings(server)) as opened:
        yield opened


def stored_details(monitor: Monitor) -> dict[str | None, PostDetails | None]:
    """Each post's extra details, as the door gives them."""
    return {a.guid: monitor.post_details(a.id) for a in monitor.articles()}


def test_a_channel_added_by_name_becomes_articles(server: LocalServer, monitor: Monitor):
    server.add("/s/newsroom_kyiv", Route((DATA / "newsroom.html").read_bytes(), headers=HTML))
    added = monitor.add_source("@newsroom_kyiv")
    assert added.source.kind is SourceKind.TELEGRAM
    assert added.source.url == "https://t.me/s/newsroom_kyiv"
    assert added.source.name == "Newsroom Kyiv"
    with pytest.raises(SourceError, match="already followed"):
        monitor.add_source("https://t.me/NewsRoom_Kyiv")

    [report] = monitor.update().reports
    assert (report.new, report.failed, report.error) == (6, 0, None)
    articles = {a.guid: a for a in monitor.articles()}
    assert set(articles) == {f"newsroom_kyiv/{n}" for n in (101, 102, 103, 104, 108, 109)}
    first = articles["newsroom_kyiv/101"]
    assert first.url == "https://t.me/newsroom_kyiv/101"
    assert "на сайті (https://example.test/news/grain)" in first.text
    assert first.published == datetime(2026, 11, 20, 7, 15, tzinfo=UTC)
    assert first.author == "Олена Коваль"
    assert first.state is ArticleState.DETECTED
    assert first.last_error is None
    assert first.language == "uk"
    assert articles["newsroom_kyiv/102"].language == "ru"
    assert "Так" in articles["newsroom_kyiv/108"].text  # a poll is text
    details = stored_details(monitor)
    forward, reply, album = (details[f"newsroom_kyiv/{n}"] for n in (102, 103, 104))
    assert forward is not None and forward.forwarded_from == "Rates Watch"
    assert forward.forwarded_from_url == "https://t.me/rates_watch/5531"
    assert reply is not None and reply.reply_to_url == "https://t.me/newsroom_kyiv/101"
    assert album is not None and [m.kind for m in album.media] == ["photo", "photo", "video"]
    assert album.views == 3000
    assert details["newsroom_kyiv/101"] is not None  # every post has details, a web page none
    # The page links to older posts that cannot be had (404): the newer ones are kept.
    assert len(server.requests_to("/s/newsroom_kyiv?before=101")) == 1
    # No post page, photo or file was asked for.
    assert {r.path.split("?")[0] for r in server.requests} == {"/s/newsroom_kyiv"}

    again = monitor.update()
    assert (again.reports[0].new, again.reports[0].updated) == (0, 0)
    assert len(monitor.articles()) == 6

    # A post edited on the channel is brought up to date, not stored twice.
    edited = (DATA / "newsroom.html").read_text("utf-8").replace("тонн пшениці", "тонн зерна")
    server.add("/s/newsroom_kyiv", Route(edited.encode(), headers=HTML))
    third = monitor.update()
    assert (third.reports[0].new, third.reports[0].updated) == (0, 1)
    [reply_post] = [a for a in monitor.articles() if a.guid == "newsroom_kyiv/103"]
    assert reply_post.text.endswith("понад два мільйони тонн зерна.")
    assert len(monitor.articles()) == 6


@pytest.mark.parametrize(
    ("page", "message"),
    [("private.html", "channel is private"), ("not_found.html", "channel not found")],
)
def test_a_private_or_missing_channel_is_a_clear_error(
    server: LocalServer, monitor: Monitor, page: str, message: str
):
    server.add("/s/closed_circle", Route((DATA / page).read_bytes(), headers=HTML))
    with pytest.raises(SourceError, match=message):
        monitor.add_source("t.me/closed_circle")
    # Followed while it was public, then closed: the source reports it, the update goes on.
    source = monitor.add_source("t.me/s/closed_circle", check=False).source
    [report] = monitor.update([source.id]).reports
    assert report.error is not None and message in report.error
    assert monitor.articles() == []


def test_short_russian_and_ukrainian_posts_are_told_apart(server: LocalServer, monitor: Monitor):
    texts = RU_POSTS + UK_POSTS
    answer = generated_channel("short_news", "Short news", len(texts), lambda n: texts[n - 1])
    mount_channel(server, "short_news", answer, count=len(texts))
    source = monitor.add_source("@short_news", check=False).source
    assert source.name == "https://t.me/s/short_news"
    monitor.update()
    assert monitor.sources()[0].name == "Short news"  # taken from the channel on reading it
    languages = {a.text: a.language for a in monitor.articles()}
    assert languages == {**dict.fromkeys(RU_POSTS, "ru"), **dict.fromkeys(UK_POSTS, "uk")}


def test_a_huge_channel_is_paged_politely_and_never_stored_twice(tmp_path: Path):
    count = 10_000
    with LocalServer() as server:
        answer = generated_channel(
            "big_channel", "Big", count, lambda n: f"Сообщение номер {n} о событиях дня в городе."
        )
        mount_channel(server, "big_channel", answer, count=count)
        (tmp_path / "data").mkdir()
        save_settings(tmp_path / "data", Settings(telegram_pages_back=3))
        with open_monitor(tmp_path / "data", fetch_settings=settings(server)) as monitor:
            monitor.add_source("@big_channel")
            [report] = monitor.update().reports
            # The latest page and three pages back: 80 posts, not 10,000.
            assert report.new == 4 * PAGE_SIZE
            ids = sorted(int(a.guid.split("/")[1]) for a in monitor.articles() if a.guid)
            assert ids == list(range(count - 4 * PAGE_SIZE + 1, count + 1))
            paths = [r.path for r in server.requests]
            assert paths.count("/s/big_channel") == 2  # the check on adding, then the update
            assert len(paths) == 5

            # New posts appear: the next update reads back only to what it has.
            count += 25
            grown = generated_channel(
                "big_channel",
                "Big",
                count,
                lambda n: f"Сообщение номер {n} о событиях дня в городе.",
            )
            mount_channel(server, "big_channel", grown, count=count)
            before = len(server.requests)
            [report] = monitor.update().reports
            assert (report.new, report.updated) == (25, 0)
            assert len(server.requests) - before == 2  # 20 newest, then 5 more and a known one
            assert len(monitor.articles()) == 4 * PAGE_SIZE + 25
            guids = [a.guid for a in monitor.articles()]
            assert len(guids) == len(set(guids))


def test_a_cancel_ends_the_paging_at_once_and_keeps_nothing_half_read(
    server: LocalServer, monitor: Monitor
):
    answer = generated_channel("slow_channel", "Slow", 200, lambda n: f"Новость {n}.")
    cancel = threading.Event()

    def slow_older_page(request: Request) -> Route:
        cancel.set()  # the user cancels while an older page is on its way
        time.sleep(3)
        return answer(request.path)

    mount_channel(server, "slow_channel", answer, count=200)
    server.add("/s/slow_channel?before=181", slow_older_page)
    monitor.add_source("@slow_channel", check=False)
    started = time.monotonic()
    summary = monitor.update(cancel=cancel)
    assert time.monotonic() - started < 2.5
    assert summary.cancelled
    assert monitor.articles() == []
    assert summary.reports[0].skipped_reason is not None


def test_show_prints_a_posts_forward_reply_views_and_media(
    server: LocalServer, monitor: Monitor, tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    server.add("/s/newsroom_kyiv", Route((DATA / "newsroom.html").read_bytes(), headers=HTML))
    monitor.add_source("@newsroom_kyiv", check=False)
    monitor.update()
    ids = {a.guid: a.id for a in monitor.articles()}
    data = ["--data-dir", str(tmp_path / "data")]

    assert main([*data, "show", str(ids["newsroom_kyiv/102"])]) == 0
    shown = capsys.readouterr().out
    assert "Forwarded: from Rates Watch https://t.me/rates_watch/5531" in shown
    assert main([*data, "show", str(ids["newsroom_kyiv/104"])]) == 0
    album = capsys.readouterr().out.splitlines()
    assert "Views:     3,000" in album
    assert [line.split(":")[1].strip() for line in album if line.startswith("Media:")] == [
        "photo",
        "photo",
        "video",
    ]
    assert main([*data, "show", "--json", str(ids["newsroom_kyiv/103"])]) == 0
    as_json = json.loads(capsys.readouterr().out)
    assert as_json["post"]["reply_to_url"] == "https://t.me/newsroom_kyiv/101"
    assert (as_json["edits"], as_json["deleted_since"]) == (0, None)
