"""Dates written without a zone are placed in the outlet's zone, and say so.

A Chinese portal writes ``2018-09-18 14:38:10``: that is 06:38 UTC, not 14:38. The feeds
are served by a real local server and go through a real update into a real store.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor import Monitor, open_monitor
from monitor.cli import main
from monitor.collect.fetch import FetchSettings
from monitor.collect.zones import choose_zone
from monitor.errors import SourceError
from tests.support.http_server import LocalServer, Route

FAST = FetchSettings(min_host_interval=0)
BODY = "<p>" + "台风登陆海南，当地政府启动应急响应。" * 20 + "</p>"


def rss(base: str, language: str, dates: list[str]) -> bytes:
    items = "".join(
        f"<item><title>Story {n}</title><link>{base}/p/{n}.html</link>"
        f"<pubDate>{date}</pubDate><description>Feed text {n}.</description></item>"
        for n, date in enumerate(dates)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>'
        f"<language>{language}</language>{items}</channel></rss>"
    ).encode()


def page(meta: str = "") -> Route:
    html = f"<html><head>{meta}</head><body><article>{BODY}</article></body></html>"
    return Route(html.encode(), headers={"Content-Type": "text/html; charset=utf-8"})


@pytest.fixture
def server() -> Iterator[LocalServer]:
    with LocalServer() as running:
        yield running


@pytest.fixture
def monitor(tmp_path: Path) -> Iterator[Monitor]:
    with open_monitor(tmp_path / "data", fetch_settings=FAST) as opened:
        yield opened


def update(monitor: Monitor, server: LocalServer, language: str, dates: list[str]) -> int:
    for n in range(len(dates)):
        server.add(f"/p/{n}.html", page())
    feed = server.add("/rss", Route(rss(server.base_url, language, dates)))
    source = monitor.add_source(feed, check=False).source
    monitor.update([source.id])
    return source.id


def by_title(monitor: Monitor) -> dict[str, object]:
    return {a.title: a for a in monitor.articles()}


def test_a_zoneless_date_is_placed_in_the_outlets_zone_and_says_why(monitor, server):
    update(monitor, server, "zh-cn", ["2018-09-18 14:38:10", "2018/09/18 09:05"])
    articles = by_title(monitor)
    first, second = articles["Story 0"], articles["Story 1"]
    assert first.published == datetime(2018, 9, 18, 6, 38, 10, tzinfo=UTC)
    assert first.published_offset_minutes == 480
    assert first.published_zone == "Asia/Shanghai (the outlet's language, zh)"
    assert second.published == datetime(2018, 9, 18, 1, 5, tzinfo=UTC)


def test_the_feeds_other_dates_say_the_zone_first(monitor, server):
    update(monitor, server, "zh-cn", ["Tue, 18 Sep 2018 10:00:00 +0300", "2018-09-18 14:38:10"])
    zoneless = by_title(monitor)["Story 1"]
    assert zoneless.published == datetime(2018, 9, 18, 11, 38, 10, tzinfo=UTC)
    assert zoneless.published_zone == "UTC+03:00 (the zone of the feed's other dates)"
    assert by_title(monitor)["Story 0"].published_zone is None  # its zone was written


def test_a_page_that_states_its_zone_replaces_the_assumed_one(monitor, server):
    meta = '<meta property="article:published_time" content="2018-09-18T15:40:00+09:00">'
    server.add("/p/0.html", page(meta))
    feed = server.add("/rss", Route(rss(server.base_url, "zh", ["2018-09-18 14:38:10"])))
    monitor.update([monitor.add_source(feed, check=False).source.id])
    article = by_title(monitor)["Story 0"]
    assert article.published == datetime(2018, 9, 18, 6, 40, tzinfo=UTC)
    assert (article.published_offset_minutes, article.published_zone) == (540, None)


def test_a_zone_the_user_sets_places_the_sources_times_again(monitor, server):
    source_id = update(monitor, server, "zh", ["2018-09-18 14:38:10"])
    assert monitor.set_source_time_zone(source_id, "Asia/Tokyo") == 1
    article = by_title(monitor)["Story 0"]
    assert article.published == datetime(2018, 9, 18, 5, 38, 10, tzinfo=UTC)
    assert article.published_zone == "Asia/Tokyo (the zone set for this source)"
    monitor.set_source_time_zone(source_id, None)  # back to working it out
    assert by_title(monitor)["Story 0"].published == datetime(2018, 9, 18, 6, 38, 10, tzinfo=UTC)
    # A name the zone database does not know, a folder of it, one too long for a file name.
    for name in ("Mars/Olympus", "Europe", "Asia/" + "x" * 300):
        with pytest.raises(SourceError, match="is not a time zone"):
            monitor.set_source_time_zone(source_id, name)


def test_the_evidence_is_weighed_in_order():
    def chosen(**given: object) -> str:
        evidence = {"source_zone": None, "feed_offsets": [], "country": None, "language": None}
        return choose_zone(**(evidence | given)).describe()  # type: ignore[arg-type]

    assert chosen() == "UTC (no zone known)"
    assert chosen(language="uk") == "Europe/Kyiv (the outlet's language, uk)"
    assert chosen(language="ru", country="LV") == "Europe/Riga (the outlet's country, LV)"
    assert chosen(language="ru", country="LV", feed_offsets=[180, 180, 0]) == (
        "UTC+03:00 (the zone of the feed's other dates)"
    )
    assert chosen(source_zone="Asia/Seoul", feed_offsets=[0]) == (
        "Asia/Seoul (the zone set for this source)"
    )


def test_a_double_encoded_feed_is_stored_repaired_in_russian_and_says_so(monitor, server):
    data = Path(__file__).parent / "data" / "encoding" / "ru_utf8_read_as_cp1252_feed.xml"
    # Its item's page is gone (404), so the feed's own text is what is stored.
    body = data.read_bytes().replace(b"https://example.com/", f"{server.base_url}/".encode())
    feed = server.add("/rss", Route(body))
    source = monitor.add_source(feed, check=False).source
    monitor.update([source.id])
    [article] = monitor.articles()
    assert article.title == "Синоптики пообещали москвичам тёплую погоду на выходных"
    assert article.repaired and article.language == "ru"
    assert [request.path for request in server.requests] == ["/rss", "/0"]


def test_the_cli_sets_a_sources_zone_and_shows_the_assumed_one(
    tmp_path: Path, server: LocalServer, capsys: pytest.CaptureFixture[str]
):
    data = tmp_path / "data"
    with open_monitor(data, fetch_settings=FAST) as opened:
        source_id = update(opened, server, "zh", ["2018-09-18 14:38:10"])
        [article] = opened.articles()

    def cli(*args: str) -> tuple[int, str, str]:
        code = main(["--data-dir", str(data), *args])
        out, err = capsys.readouterr()
        return code, out, err

    code, out, _ = cli("show", str(article.id))
    assert code == 0 and "2018-09-18T14:38:10+08:00" in out
    assert "zone assumed: Asia/Shanghai (the outlet's language, zh)" in out
    code, out, _ = cli("sources", "set-zone", str(source_id), "Asia/Seoul")
    assert code == 0 and "1 article placed again" in out
    code, out, _ = cli("show", str(article.id), "--json")
    shown = json.loads(out)
    assert shown["published"] == "2018-09-18T05:38:10+00:00"
    assert shown["published_zone_assumed"] == "Asia/Seoul (the zone set for this source)"
    code, _, err = cli("sources", "set-zone", str(source_id), "Moon/Base")
    assert code == 1 and "'Moon/Base' is not a time zone" in err and "Traceback" not in err


def test_the_cli_catalog_shows_state_ties_and_evidence(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
):
    assert main(["--data-dir", str(tmp_path), "sources", "catalog", "--lang", "ru"]) == 0
    tass = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("tass"))
    assert "state media" in tass
    assert main(["--data-dir", str(tmp_path), "sources", "catalog", "--json"]) == 0
    outlets = {o["key"]: o for o in json.loads(capsys.readouterr().out)}
    assert outlets["xinhua-zh"]["state_affiliated"] is True
    assert outlets["tass-ru"]["evidence"] and outlets["tass-ru"]["confirmed"] is True
