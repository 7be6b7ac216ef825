"""Property-based fuzzing of everything that reads untrusted bytes: decode, parse, extract, detect.

Inputs are random bytes and our own fixture feeds and pages mutated the way the web damages
them: flipped bytes, truncation, stray ``<``/``&``/NUL, BOMs, and wrong declared encodings. The
only failures allowed are the documented :class:`~monitor.errors.MonitorError` subclasses, and
each call must finish well within the deadline.
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor.collect.encoding import decode_document
from monitor.collect.extract import extract_page
from monitor.collect.feeds import parse_feed
from monitor.errors import ExtractionError, FeedError
from monitor.language.detect import detect_language
from monitor.sources.discovery import discover_feeds, looks_like_feed

DATA = Path(__file__).parent / "data"
FEEDS = sorted(
    p.read_bytes() for p in (DATA / "feeds").iterdir() if p.suffix in {".xml", ".json", ".html"}
)
PAGES = sorted(p.read_bytes() for p in (DATA / "pages").glob("*.html"))

INSERTIONS = [b"<", b"&", b"\x00", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"]]>", b"&#0;"]
ENCODINGS = [
    "utf-8",
    "utf-16",
    "utf-32",
    "windows-1251",
    "koi8-r",
    "euc-kr",
    "gb2312",
    "big5",
    "shift_jis",
    "x-unknown-charset",
    "ascii",
    "",
]
CONTENT_TYPES = [None, "text/html", "application/rss+xml", "text/xml; charset=utf-16"] + [
    f"text/html; charset={encoding}" for encoding in ENCODINGS
]

FUZZ = settings(
    max_examples=40,
    deadline=2000,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@st.composite
def mutated(draw: st.DrawFn, corpus: list[bytes]) -> bytes:
    """A fixture document with a few of the damages real feeds and pages arrive with."""
    data = bytearray(draw(st.sampled_from(corpus)))
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(["flip", "truncate", "insert", "declare", "bom"]))
        position = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "flip" and data:
            data[position] ^= draw(st.integers(1, 255))
        elif kind == "truncate":
            del data[position:]
        elif kind == "insert":
            data[position:position] = draw(st.sampled_from(INSERTIONS))
        elif kind == "declare":
            encoding = draw(st.sampled_from(ENCODINGS)).encode()
            data[0:0] = b'<?xml version="1.0" encoding="' + encoding + b'"?>'
            data[position:position] = b'<meta charset="' + encoding + b'">'
        else:
            data[0:0] = draw(st.sampled_from(INSERTIONS[3:6]))
    return bytes(data)


documents = st.one_of(st.binary(max_size=4096), mutated(FEEDS), mutated(PAGES))


@FUZZ
@given(documents, st.sampled_from(CONTENT_TYPES), st.sampled_from(["html", "xml"]))
def test_decoding_never_fails_and_gives_text(data: bytes, content_type: str | None, markup: str):
    decoded = decode_document(data, content_type, markup=markup)  # type: ignore[arg-type]
    assert isinstance(decoded.text, str)
    assert "".encode(decoded.encoding) is not None  # a codec Python knows
    # Every character comes from at least one byte: nothing is invented.
    assert len(decoded.text) <= len(data)


@FUZZ
@given(documents, st.sampled_from(CONTENT_TYPES))
def test_feed_parsing_gives_a_feed_or_a_feed_error(data: bytes, content_type: str | None):
    try:
        feed = parse_feed(data, url="https://news.example.com/rss", content_type=content_type)
    except FeedError as error:
        message = str(error)
        assert message, "a feed error must say what is wrong"
        return
    for item in feed.items:
        assert isinstance(item.title, str) and isinstance(item.summary, str)
        assert "\x00" not in item.title + item.summary + item.content
        assert item.published is None or item.published.tzinfo is not None


@FUZZ
@given(documents, st.sampled_from(CONTENT_TYPES))
def test_extraction_gives_text_or_an_extraction_error(data: bytes, content_type: str | None):
    html = decode_document(data, content_type, markup="html").text
    try:
        page = extract_page(html, "https://news.example.com/2026/11/22/story.html")
    except ExtractionError as error:
        message = str(error)
        assert message, "an extraction error must say what is wrong"
        return
    assert page.text.strip()
    assert "\x00" not in page.text
    assert "<script" not in page.text.lower()


@FUZZ
@given(documents)
def test_discovery_gives_absolute_links_only(data: bytes):
    assert looks_like_feed(data) in (True, False)
    html = decode_document(data, "text/html", markup="html").text
    for link in discover_feeds(html, "https://news.example.com/section/"):
        assert link.startswith(("http://", "https://")), link


@FUZZ
@given(st.one_of(st.text(max_size=2000), documents.map(lambda b: b.decode("utf-8", "replace"))))
def test_language_detection_gives_a_code_or_none(text: str):
    language = detect_language(text)
    assert language is None or (language.isascii() and 2 <= len(language) <= 3), language
