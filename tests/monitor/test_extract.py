"""Tests of monitor.collect.extract and monitor.collect.pagemeta on golden pages written for
this project."""

from __future__ import annotations

import json
import logging
import socket
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml.html import document_fromstring

from monitor.collect.extract import MAX_HTML_CHARS, NO_TEXT_MESSAGE, extract_page
from monitor.collect.pagemeta import normalize_language, parse_date, read_page_metadata
from monitor.errors import ExtractionError
from monitor.types import ExtractedPage

PAGES = Path(__file__).parent / "data" / "pages"
GOLDEN = sorted(PAGES.glob("*.expected.json"))


def _load(name: str) -> str:
    return (PAGES / name).read_text(encoding="utf-8")


def _expected(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def test_golden_pages_cover_every_language():
    languages = {_expected(path)["language_hint"] for path in GOLDEN}
    assert languages >= {"ko", "ru", "zh", "uk", "en"}


@pytest.mark.parametrize("expected_path", GOLDEN, ids=lambda p: p.name.split(".")[0])
def test_golden_page_text_and_metadata(expected_path: Path):
    expected = _expected(expected_path)
    html = _load(expected_path.name.replace(".expected.json", ".html"))

    page = extract_page(html, expected["url"])

    assert page.text.split("\n\n") == expected["paragraphs"]
    assert page.text == "\n\n".join(expected["paragraphs"])
    assert page.title == expected["title"]
    assert page.author == expected["author"]
    published = page.published.isoformat() if page.published else None
    assert published == expected["published"]
    assert page.published_offset_minutes == expected["published_offset_minutes"]
    assert page.canonical_url == expected["canonical_url"]
    assert page.language_hint == expected["language_hint"]
    for boilerplate in expected["absent"]:
        assert boilerplate not in page.text


@pytest.mark.parametrize("expected_path", GOLDEN, ids=lambda p: p.name.split(".")[0])
def test_paragraphs_are_separated_by_exactly_one_blank_line(expected_path: Path):
    html = _load(expected_path.name.replace(".expected.json", ".html"))
    page = extract_page(html, _expected(expected_path)["url"])
    assert "\n\n\n" not in page.text
    assert page.text == page.text.strip()
    for paragraph in page.text.split("\n\n"):
        assert paragraph == paragraph.strip()
        assert paragraph
        assert "  " not in paragraph


def test_published_time_is_utc_with_the_pages_offset():
    expected = _expected(PAGES / "ko_yonhap_style.expected.json")
    page = extract_page(_load("ko_yonhap_style.html"), expected["url"])
    assert page.published == datetime(2024, 3, 15, 5, 20, tzinfo=UTC)
    assert page.published_offset_minutes == 9 * 60


def test_script_and_style_content_never_reaches_the_text():
    for path in GOLDEN:
        html = _load(path.name.replace(".expected.json", ".html"))
        text = extract_page(html, _expected(path)["url"]).text
        for marker in ("function", "window.", "{", "gtag", "display:"):
            assert marker not in text, (path.name, marker)


def test_extraction_is_repeatable():
    # trafilatura's optional deduplication keeps a process-wide cache; a second extraction
    # of the same page must not come out empty or different.
    html = _load("ru_tass_style.html")
    first = extract_page(html, "https://vestnik.example.ru/obshchestvo/18842")
    second = extract_page(html, "https://vestnik.example.ru/obshchestvo/18842")
    assert first == second


@pytest.mark.parametrize("name", ["nonarticle_index.html", "nonarticle_login_wall.html"])
def test_pages_without_an_article_raise(name: str):
    with pytest.raises(ExtractionError, match=NO_TEXT_MESSAGE):
        extract_page(_load(name), "https://example.org/")


@pytest.mark.parametrize(
    "html",
    [
        "",
        "   \n\t ",
        "<html><body></body></html>",
        "<html><body><p>Coming soon.</p></body></html>",
        "<html><head><title>Only a title</title></head>"
        "<body><nav><a href='/'>Home</a></nav></body></html>",
    ],
)
def test_empty_or_tiny_pages_raise(html: str):
    with pytest.raises(ExtractionError, match=NO_TEXT_MESSAGE):
        extract_page(html, "https://example.org/")


@pytest.mark.parametrize(
    "garbage",
    [
        "\x00\x01\x02" * 1000,
        "<<<<>>>>" * 5000,
        "<script>" * 200_000,
        "<!--" * 200_000,
        "<div>" * 100_000,
        bytes(range(256)).decode("latin-1") * 200,
        "<html><body><p>\ud800 lone surrogate</p></body></html>",
        '<?xml version="1.0" encoding="utf-8"?><html><body><p>x</p></body></html>',
        "%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n" * 100,
    ],
)
def test_garbage_raises_extraction_error_only(garbage: str):
    with pytest.raises(ExtractionError):
        extract_page(garbage, "https://example.org/")


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from("<>/=\"' abcpdivhtmlbody\n\x00&#;ё中한"), max_size=400))
def test_arbitrary_markup_gives_a_page_or_extraction_error(html: str):
    try:
        page = extract_page(html, "https://example.org/a")
    except ExtractionError:
        return
    assert isinstance(page, ExtractedPage)


def test_a_fragment_without_html_tags_is_still_read():
    article = "".join(
        f"<p>Paragraph {n} tells readers how the regional council voted on the new bridge "
        "budget and what residents said about it at the hearing.</p>"
        for n in range(1, 4)
    )
    page = extract_page(f"<div class='story'>{article}</div>", "https://example.org/a")
    assert page.text.startswith("Paragraph 1 tells readers")
    assert len(page.text.split("\n\n")) == 3


def test_huge_input_is_bounded_and_keeps_the_article_at_the_start():
    html = _load("en_korea_wire_style.html")
    head, tail = html.split("</article>", 1)
    filler = "<div class='c'><a href='/x'>more</a><p>filler text here</p></div>\n" * 200_000
    huge = head + "</article>" + filler + tail
    assert len(huge) > 3 * MAX_HTML_CHARS
    started = time.monotonic()
    page = extract_page(huge, "https://en.example-wire.kr/view/AEN20240301001200320")
    assert time.monotonic() - started < 30
    assert page.text.startswith("SEOUL, March 1 (Korea Wire)")


def test_article_beyond_the_size_cap_is_not_read():
    padding = "<div>" + "x" * (MAX_HTML_CHARS + 10) + "</div>"
    article = "<p>" + "This sentence would be the article if it were read. " * 20 + "</p>"
    with pytest.raises(ExtractionError):
        extract_page(f"<html><body>{padding}{article}</body></html>", "https://example.org/")


def test_megabytes_of_inline_script_do_not_push_the_article_out():
    html = _load("uk_ukrinform_style.html")
    bloated = html.replace(
        "<head>", "<head><script>var state = '" + "a" * 6_000_000 + "';</script>"
    )
    page = extract_page(bloated, "https://zahid.example.ua/a")
    assert "Львові" in page.text


def test_too_many_elements_raise_a_clear_error():
    with pytest.raises(ExtractionError, match="too large or too complex"):
        extract_page("<html><body>" + "<p>" * 400_000, "https://example.org/")


def test_paragraph_heuristic_when_trafilatura_finds_nothing():
    # trafilatura discards containers named like comment sections, whole article included.
    paragraphs = [
        "The city council approved the budget for the new bridge on Tuesday after a long debate.",
        "Construction is expected to start in the autumn and to take about three years to finish.",
        "Residents of the east bank said the bridge would halve their daily trip to the centre.",
    ]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    html = (
        "<html><head><title>Bridge budget approved</title></head><body>"
        "<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        f"<div class='comments'>{body}</div>"
        "<footer><p>Contact the newsroom at the address below for corrections.</p></footer>"
        "</body></html>"
    )
    page = extract_page(html, "https://example.org/bridge")
    assert page.text.split("\n\n") == paragraphs


def test_no_network_access(monkeypatch: pytest.MonkeyPatch):
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("extraction tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    page = extract_page(_load("zh_xinhua_style.html"), "https://news.example.cn/2024-03/15/c.htm")
    assert page.text
    with pytest.raises(ExtractionError):
        extract_page(_load("nonarticle_index.html"), "https://example.org/")


def test_library_warnings_are_silenced_only_during_extraction(caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.DEBUG)
    with pytest.raises(ExtractionError):
        extract_page("<html><body><p>Too short.</p></body></html>", "https://example.org/")
    library_records = [
        r for r in caplog.records if r.name.split(".")[0] in ("trafilatura", "htmldate")
    ]
    assert library_records == []
    # Outside an extraction the libraries' loggers work as before.
    logging.getLogger("trafilatura.core").warning("a message from elsewhere")
    assert [r.getMessage() for r in caplog.records] == ["a message from elsewhere"]


# --- monitor.collect.pagemeta ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected", "offset"),
    [
        ("2024-03-15T14:20:00+09:00", datetime(2024, 3, 15, 5, 20, tzinfo=UTC), 540),
        ("2024-03-15T14:20:00Z", datetime(2024, 3, 15, 14, 20, tzinfo=UTC), 0),
        (
            "2024-03-15T14:20:00.123-0500",
            datetime(2024, 3, 15, 19, 20, 0, 123000, tzinfo=UTC),
            -300,
        ),
        ("2024-03-15 14:20:00 +0300", datetime(2024, 3, 15, 11, 20, tzinfo=UTC), 180),
        ("2024/03/15 14:20", datetime(2024, 3, 15, 14, 20, tzinfo=UTC), None),
        ("2024-03-15", datetime(2024, 3, 15, tzinfo=UTC), None),
        ("Fri, 15 Mar 2024 14:20:00 +0900", datetime(2024, 3, 15, 5, 20, tzinfo=UTC), 540),
    ],
)
def test_parse_date(value: str, expected: datetime, offset: int | None):
    assert parse_date(value) == (expected, offset)


@pytest.mark.parametrize("value", ["", "yesterday", "15.03.2024 вчера", "0001-01-01", "x" * 100])
def test_parse_date_rejects_non_dates(value: str):
    assert parse_date(value) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("ko-KR", "ko"),
        ("ru_RU", "ru"),
        ("UK", "uk"),
        ("ua", "uk"),
        ("zh-Hant-TW", "zh"),
        ("kor", "ko"),
        ("x-default", None),
        ("", None),
        (None, None),
    ],
)
def test_normalize_language(value: str | None, expected: str | None):
    assert normalize_language(value) == expected


def _meta(html: str, url: str = "https://site.example/news/1?ref=feed") -> Any:
    return read_page_metadata(document_fromstring(html), url)


def test_title_from_title_tag_loses_the_site_name():
    html = "<html><head><title>Rail strike ends after talks | Daily Example</title></head></html>"
    assert _meta(html).title == "Rail strike ends after talks"
    chinese = (
        "<html><head><title>长江流域启动春季禁渔-华夏新闻网</title></head><body></body></html>"
    )
    assert _meta(chinese).title == "长江流域启动春季禁渔"


def test_og_title_keeps_dashes_that_belong_to_the_headline():
    html = (
        '<html><head><meta property="og:site_name" content="Wire">'
        '<meta property="og:title" content="Seoul - Tokyo flights resume - Wire"></head></html>'
    )
    assert _meta(html).title == "Seoul - Tokyo flights resume"


def test_canonical_is_resolved_and_must_be_http():
    assert _meta(
        '<html><head><link rel="canonical" href="/news/1"></head></html>'
    ).canonical_url == ("https://site.example/news/1")
    bad = '<html><head><link rel="canonical" href="javascript:void(0)"></head></html>'
    assert _meta(bad).canonical_url is None
    og = '<html><head><meta property="og:url" content="https://site.example/n/1#top"></head></html>'
    assert _meta(og).canonical_url == "https://site.example/n/1"


def test_author_skips_profile_urls_and_by_prefix():
    html = (
        '<html><head><meta property="article:author" content="https://facebook.com/x">'
        '</head><body><span itemprop="author">By Lee Min-ji</span></body></html>'
    )
    assert _meta(html).author == "Lee Min-ji"


def test_broken_json_ld_is_ignored():
    html = (
        '<html><head><script type="application/ld+json">{"@type": "NewsArticle",</script>'
        '<meta property="article:published_time" content="2024-01-02T03:04:05+02:00">'
        "</head></html>"
    )
    meta = _meta(html)
    assert meta.published == datetime(2024, 1, 2, 1, 4, 5, tzinfo=UTC)
    assert meta.published_offset_minutes == 120
