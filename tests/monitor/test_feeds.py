"""Feed parsing: golden feeds in every language and legacy encoding, plus edge cases.

Each ``data/feeds/<name>.<ext>`` sits beside a hand-written ``<name>.expected.json`` that
names the URL and Content-Type it is served with and what parsing must produce.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from monitor import errors
from monitor.collect.feeds import MAX_FEED_BYTES, MAX_ITEMS, parse_feed, parse_feed_date
from monitor.errors import FeedError, NotAFeedError

DATA = Path(__file__).parent / "data" / "feeds"
GOLDEN = sorted(p for p in DATA.iterdir() if not p.name.endswith(".expected.json"))


def _expected(path: Path) -> dict[str, Any]:
    expected_path = path.with_name(path.name.rsplit(".", 1)[0] + ".expected.json")
    result: dict[str, Any] = json.loads(expected_path.read_text(encoding="utf-8"))
    return result


def test_every_golden_input_has_an_expectation():
    assert len(GOLDEN) >= 17
    for path in GOLDEN:
        assert _expected(path)


@pytest.mark.parametrize("path", GOLDEN, ids=lambda p: p.name)
def test_golden_feed(path: Path):
    expected = _expected(path)
    data = path.read_bytes()
    if "error" in expected:
        error_class = getattr(errors, expected["error"])
        with pytest.raises(error_class) as caught:
            parse_feed(data, url=expected["url"], content_type=expected["content_type"])
        for fragment in expected["message_contains"]:
            assert fragment in str(caught.value)
        return

    feed = parse_feed(data, url=expected["url"], content_type=expected["content_type"])

    for key, value in expected["feed"].items():
        actual = {
            "title": feed.title,
            "link": feed.link,
            "language": feed.language_hint,
            "format": feed.format,
            "encoding": feed.encoding,
            "recovered": feed.recovered,
        }[key]
        assert actual == value, f"feed {key}"
    assert len(feed.items) == expected["item_count"]
    for item, want in zip(feed.items, expected["items"], strict=False):
        actual_item = {
            "title": item.title,
            "url": item.url,
            "guid": item.guid,
            "author": item.author,
            "published": item.published.isoformat() if item.published else None,
            "offset": item.published_offset_minutes,
            "language": item.language_hint,
            "summary": item.summary,
            "content": item.content,
        }
        for key, value in want.items():
            assert actual_item[key] == value, f"item {key}"
        # Every parsed date is timezone-aware UTC.
        if item.published is not None:
            assert item.published.utcoffset() is not None
            assert item.published.utcoffset().total_seconds() == 0


@pytest.mark.parametrize("path", [p for p in GOLDEN if p.suffix != ".html"], ids=lambda p: p.name)
def test_golden_feeds_have_no_mojibake_or_markup(path: Path):
    expected = _expected(path)
    feed = parse_feed(path.read_bytes(), url=expected["url"], content_type=expected["content_type"])
    text = feed.title + "".join(i.title + i.summary + i.content for i in feed.items)
    for marker in ("\ufffd", "Ð", "Ñ", "Ã", "â€", "<p>", "<br", "&amp;", "&lt;", "&nbsp;"):
        assert marker not in text
    assert all(item.title for item in feed.items)


def _rss(items: str, head: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Лента</title>{head}{items}</channel></rss>"
    ).encode()


def test_item_without_title_gets_one_from_its_description():
    feed = parse_feed(
        _rss("<item><description>&lt;p&gt;Перший абзац новини.&lt;/p&gt;&lt;p&gt;Другий.&lt;/p&gt;"
             "</description><link>https://x.ua/1</link></item>"),
        url="https://x.ua/rss",
    )  # fmt: skip
    assert feed.items[0].title == "Перший абзац новини."
    assert feed.items[0].summary == "Перший абзац новини.\n\nДругий."


def test_double_escaped_html_and_entities_become_plain_text():
    feed = parse_feed(
        _rss(
            "<item><title>Лаба&amp;#769;зник &amp;quot;луговой&amp;quot;</title>"
            "<description><![CDATA[&lt;p&gt;Раз&lt;/p&gt;&lt;p&gt;Два &amp;mdash; три&lt;/p&gt;]]>"
            "</description></item>"
        ),
        url="https://x.ru/rss",
    )
    item = feed.items[0]
    assert item.title == 'Лаба\u0301зник "луговой"'
    assert item.summary == "Раз\n\nДва — три"


def test_relative_links_resolve_against_the_feed_url_and_bad_schemes_are_dropped():
    feed = parse_feed(
        _rss(
            "<item><title>a</title><link>../news/1.html</link></item>"
            "<item><title>b</title><link>javascript:alert(1)</link></item>"
        ),
        url="https://www.yna.co.kr/rss/all.xml",
    )
    assert feed.items[0].url == "https://www.yna.co.kr/news/1.html"
    assert feed.items[1].url is None


def test_items_beyond_the_cap_are_dropped_keeping_the_first():
    items = "".join(
        f"<item><title>Новость {n}</title><link>https://x.ru/{n}</link></item>"
        for n in range(MAX_ITEMS + 150)
    )
    feed = parse_feed(_rss(items), url="https://x.ru/rss")
    assert len(feed.items) == MAX_ITEMS
    assert feed.items[0].title == "Новость 0"
    assert feed.items[-1].title == f"Новость {MAX_ITEMS - 1}"
    assert not feed.recovered


def test_oversized_document_is_refused_without_parsing():
    data = _rss("") + b" " * MAX_FEED_BYTES
    with pytest.raises(FeedError, match="too large"):
        parse_feed(data, url="https://x.ru/rss")


@pytest.mark.parametrize(
    ("data", "error", "fragment"),
    [
        (b"", FeedError, "empty"),
        (b"   \n", FeedError, "empty"),
        (b"Just some plain text, not a feed at all.", NotAFeedError, "not an RSS, Atom or JSON"),
        (b'<?xml version="1.0"?><sitemap/>', NotAFeedError, "not an RSS, Atom or JSON"),
        (b'{"name": "not a feed"}', NotAFeedError, "not a JSON Feed"),
        (b'{"version": "https://jsonfeed.org/version/1", ', FeedError, "cannot be read"),
        (b"<rss", FeedError, "damaged"),
        (b'<rss version="2.0"><channel>\x00\x01 \xff garbage', FeedError, "damaged"),
        (b"<html><body><p>Hello</p></body></html>", NotAFeedError, "HTML page"),
    ],
)
def test_non_feeds_and_hopeless_input_raise_feed_errors(data, error, fragment):
    with pytest.raises(error, match=fragment) as caught:
        parse_feed(data, url="https://example.com/rss")
    assert type(caught.value) is error


def test_html_page_without_feed_link_says_so():
    page = b"<!DOCTYPE html><html><head><title>x</title></head><body>news</body></html>"
    with pytest.raises(NotAFeedError, match="does not link to one"):
        parse_feed(page, url="https://example.com/")


def test_empty_but_valid_feed_has_no_items():
    feed = parse_feed(_rss("", head="<language>uk</language>"), url="https://x.ua/rss")
    assert feed.items == ()
    assert feed.language_hint == "uk"
    assert not feed.recovered


@pytest.mark.parametrize(
    ("raw", "utc", "offset", "zoneless"),
    [
        ("Tue, 03 Sep 2024 10:30:00 +0900", datetime(2024, 9, 3, 1, 30, tzinfo=UTC), 540, False),
        ("2024-09-03T10:30:00+09:00", datetime(2024, 9, 3, 1, 30, tzinfo=UTC), 540, False),
        (
            "2024-09-03T10:30:00.250-04:30",
            datetime(2024, 9, 3, 15, 0, 0, 250000, tzinfo=UTC),
            -270,
            False,
        ),
        ("2024-09-03T01:30:00Z", datetime(2024, 9, 3, 1, 30, tzinfo=UTC), 0, False),
        ("Mon, 02 Sep 2024 12:45:00 MSK", datetime(2024, 9, 2, 9, 45, tzinfo=UTC), 180, False),
        ("Mon, 02 Sep 2024 12:45:00 GMT", datetime(2024, 9, 2, 12, 45, tzinfo=UTC), 0, False),
        ("Mon, 02 Sep 2024 12:45:00 -0000", datetime(2024, 9, 2, 12, 45, tzinfo=UTC), None, False),
        (
            "  Tue,  03 Sep 2024\n 10:30:00 +0300 ",
            datetime(2024, 9, 3, 7, 30, tzinfo=UTC),
            180,
            False,
        ),
        # Written without a zone: the clock reading, to be placed in the outlet's zone.
        ("2018-09-18 14:38:10", datetime(2018, 9, 18, 14, 38, 10, tzinfo=UTC), None, True),
        ("Tue, 18 Sep 2018 14:38:10", datetime(2018, 9, 18, 14, 38, 10, tzinfo=UTC), None, True),
        (
            "Tue, 18 Sep 2018 14:38:10 CST",
            datetime(2018, 9, 18, 14, 38, 10, tzinfo=UTC),
            None,
            True,
        ),
        ("2018/09/18 14:38", datetime(2018, 9, 18, 14, 38, tzinfo=UTC), None, True),
    ],
)
def test_dates_keep_their_offset_or_say_they_have_none(raw, utc, offset, zoneless):
    assert parse_feed_date(raw) == (utc, offset, zoneless)


@pytest.mark.parametrize(
    "raw", [None, "", "вчера", "31/31/2024", "Tue, 31 Feb 2024 10:00:00 +0000"]
)
def test_unparseable_dates_give_none(raw):
    assert parse_feed_date(raw) is None


def test_unparseable_item_date_leaves_published_empty():
    feed = parse_feed(
        _rss("<item><title>a</title><pubDate>не дата</pubDate></item>"), url="https://x.ru/r"
    )
    assert feed.items[0].published is None
    assert feed.items[0].published_offset_minutes is None


def test_feed_without_title_is_named_after_its_host():
    data = b'<rss version="2.0"><channel><item><title>x</title></item></channel></rss>'
    assert parse_feed(data, url="https://www.ukrinform.ua/rss").title == "www.ukrinform.ua"


def test_leading_whitespace_before_the_xml_declaration_is_not_an_error():
    data = b'\n  <?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>' + (
        "<title>新闻</title><item><title>标题</title></item></channel></rss>".encode()
    )
    feed = parse_feed(data, url="https://x.cn/rss")
    assert not feed.recovered
    assert feed.items[0].title == "标题"


def test_broken_feed_whose_channel_reads_is_an_empty_recovered_feed():
    data = b'<rss version="2.0"><channel><title>News &amp; more</title></channel></rss'
    feed = parse_feed(data, url="https://x.kr/rss")
    assert (feed.title, feed.items, feed.recovered) == ("News & more", (), True)


def test_yandex_full_text_is_found_under_any_prefix():
    data = (
        '<rss version="2.0" xmlns:ya="http://news.yandex.ru"><channel><title>t</title>'
        "<item><title>Заголовок</title><description>Коротко.</description>"
        "<ya:full-text>Первый абзац.\n\nВторой абзац.</ya:full-text></item></channel></rss>"
    ).encode()
    item = parse_feed(data, url="https://x.ru/rss").items[0]
    assert item.summary == "Коротко."
    assert item.content == "Первый абзац.\n\nВторой абзац."
