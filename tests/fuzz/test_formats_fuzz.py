"""Every file format we read, fed hostile structure: a result or one of our errors, nothing else.

``tests/monitor/test_fuzz.py`` damages real feeds and pages byte by byte; this module builds
documents that attack the parser instead: nesting thousands deep, megabyte attributes,
entity expansion ("billion laughs"), external entities naming a local file or a closed port
on 127.0.0.1, huge character references, hostile URLs where links belong, and numbers or
nesting JSON parsers choke on. Feeds, pages, feed discovery, OPML and the settings file are
covered; bundles and model packages are fuzzed with their own code.
"""

from __future__ import annotations

import json
import socket
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor.collect.extract import extract_page
from monitor.collect.feeds import parse_feed
from monitor.errors import ConfigError, ExtractionError, FeedError, OPMLError
from monitor.settings import SETTINGS_FILE, Settings, load_settings
from monitor.sources.discovery import discover_feeds, looks_like_feed
from monitor.sources.opml import parse_opml
from tests.support.no_network import network_blocked

FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SECONDS_PER_DOCUMENT = 10.0  # far above a real document's, far below a hang's


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


SECRET = Path(__file__).resolve()  # a local file no parser may read into a document: this one
SECRET_MARK = "fed hostile structure: a result or one of our errors"  # from its first line
CLOSED = f"http://127.0.0.1:{_closed_port()}"
URLS = [
    "http://[::1",
    "http://" + "a" * 10_000 + ".com/",
    "http://exa mple.com/",
    "javascript:alert(1)",
    "file:///etc/passwd",
    "//",
    "http://:0/",
    "http://[zz]/",
    "\x00",
    "https://news.example.com/" + "%" * 100,
    CLOSED + "/x",
]

# Prologs that try to make the parser expand or fetch something.
PROLOGS = [
    "",
    '<?xml version="1.0" encoding="utf-8"?>',
    '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa">'
    + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
    + "]>",
    f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a SYSTEM "file://{SECRET}">]>',
    f'<?xml version="1.0"?><!DOCTYPE r SYSTEM "{CLOSED}/evil.dtd">',
    f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % p SYSTEM "{CLOSED}/p.dtd"> %p;]>',
    '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "' + "z" * 100_000 + '">]>',
    '<?xml version="1.1" encoding="x-no-such-charset" standalone="maybe"?>',
]

# Character references to no character: beyond Unicode, or a lone surrogate.
BEYOND_UNICODE = ["&#99999999999;", "&#x110000;", "&#xD800;"]
# Text fillings: entity references, huge or invalid character references, CDATA, NULs.
FILLINGS = [
    "&a;",
    "&i;",
    "&a;" * 2000,
    "&#0;&#xFFFE;&#x0B;",
    *BEYOND_UNICODE,
    "<![CDATA[" + "]]>" * 3,
    "<![CDATA[never closed",
    "<!-- never closed",
    "\x00\x01\x0b\ufffe\uffff",
    "Спутник запущен. " * 200,
    "<" * 1000,
    "&" * 1000,
    "",
]


@st.composite
def nested(draw: st.DrawFn, inner: str) -> str:
    """``inner`` wrapped in thousands of elements, each with many or huge attributes."""
    depth = draw(st.sampled_from([1, 50, 300, 3000, 30_000]))
    tag = draw(st.sampled_from(["div", "x", "a" * 1000, "p:q", "item"]))
    attributes = draw(
        st.sampled_from(
            [
                "",
                ' a="' + "v" * 1_000_000 + '"',
                "".join(f' a{i}="{i}"' for i in range(5000)),
                "".join(f' xmlns:n{i}="urn:{i}"' for i in range(2000)),
                ' xml:base="http://[::1"',
            ]
        )
    )
    opening = f"<{tag}{attributes}>" + f"<{tag}>" * (depth - 1)
    return opening + inner + f"</{tag}>" * depth


def _with_urls(template: str) -> st.SearchStrategy[str]:
    return st.sampled_from(URLS).map(lambda url: template.replace("URL", url))


RSS_ITEM = st.one_of(
    _with_urls("<item><title>t</title><link>URL</link><guid>URL</guid></item>"),
    _with_urls(
        '<item xml:base="URL"><title>t</title><link>a/b</link><description>d</description></item>'
    ),
    _with_urls(
        '<item><enclosure url="URL"/><comments>URL</comments><source url="URL">s</source></item>'
    ),
    st.sampled_from(FILLINGS).map(
        lambda f: f"<item><title>{f}</title><description>{f}</description></item>"
    ),
    st.just(
        "<item><title>x</title><pubDate>Fri, 31 Dec 9999 23:59:59 -9999</pubDate></item>" * 5000
    ),
)
ATOM_ENTRY = st.one_of(
    _with_urls('<entry><title>t</title><link href="URL"/><id>URL</id></entry>'),
    _with_urls('<entry xml:base="URL"><title type="html">&lt;a href="x"&gt;</title></entry>'),
    st.sampled_from(FILLINGS).map(lambda f: f"<entry><content type='xhtml'>{f}</content></entry>"),
)


RDF_ROOT = (
    "rdf:RDF xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#' "
    "xmlns='http://purl.org/rss/1.0/'"
)


@st.composite
def feed_documents(draw: st.DrawFn) -> bytes:
    prolog = draw(st.sampled_from(PROLOGS))
    kind = draw(st.sampled_from(["rss", "atom", "rdf"]))
    if kind == "atom":
        title = draw(st.sampled_from(FILLINGS))
        body = draw(nested(draw(ATOM_ENTRY)))
        document = f'<feed xmlns="http://www.w3.org/2005/Atom"><title>{title}</title>{body}</feed>'
    else:
        link = draw(st.sampled_from(URLS))
        body = draw(nested(draw(RSS_ITEM)))
        root = "rss version='2.0'" if kind == "rss" else RDF_ROOT
        channel = f"<channel><title>T</title><link>{link}</link>{body}</channel>"
        document = f"<{root}>{channel}</{root.split()[0]}>"
    if draw(st.booleans()):
        document = document[: draw(st.integers(0, len(document)))]  # cut short
    encoding = draw(st.sampled_from(["utf-8", "utf-16", "windows-1251"]))
    return (prolog + document).encode(encoding, errors="replace")


T = TypeVar("T")
JSON_FEED = '{"version": "https://jsonfeed.org/version/1", '
JSON_FEEDS = st.sampled_from(
    [
        "[" * 100_000 + "]" * 100_000,
        JSON_FEED + '"items": ' + "[" * 50_000 + "]" * 50_000 + "}",
        JSON_FEED + '"items": [{"id": ' + "9" * 5000 + "}]}",
        JSON_FEED + '"items": [{"id": 1e999999, "date_published": 1e308}]}',
        JSON_FEED + '"items": [{"url": "http://[::1", "title": {"a": 1}}]}',
        JSON_FEED + '"items": {"not": "a list"}, "title": []}',
        JSON_FEED + '"items": [null, 1, "x", [], {"content_html": "' + "<p>" * 10_000 + '"}]}',
        JSON_FEED + '"home_page_url": "http://' + "a" * 10_000 + '"}',
        '{"a": "\\ud800", "version": "jsonfeed.org/version/1"}',
    ]
).map(str.encode)


def outcome(call: Callable[[], T], expected: type[Exception]) -> T | Exception:
    """What ``call`` returns, or the ``expected`` error it raises, offline and within time.

    Any other exception fails the test, as does a connection attempt or a slow parse.
    """
    started = time.monotonic()
    with network_blocked() as attempts:
        try:
            result: T | Exception = call()
        except expected as error:
            result = error
    assert attempts == [], f"the parser tried to reach {attempts}"
    assert time.monotonic() - started < SECONDS_PER_DOCUMENT
    if isinstance(result, Exception):
        assert str(result), "an error must say what is wrong"
    return result


@FUZZ
@given(
    st.one_of(feed_documents(), JSON_FEEDS),
    st.sampled_from([None, "application/rss+xml", "text/html"]),
)
def test_hostile_feeds_give_a_feed_or_a_feed_error(document: bytes, content_type: str | None):
    url = "https://news.example.com/rss"
    feed = outcome(lambda: parse_feed(document, url=url, content_type=content_type), FeedError)
    for item in [] if isinstance(feed, Exception) else feed.items:
        for text in (item.title, item.summary, item.content, item.url or ""):
            assert SECRET_MARK not in text and "\x00" not in text


@st.composite
def page_documents(draw: st.DrawFn) -> str:
    url = draw(st.sampled_from(URLS))
    head = draw(
        st.sampled_from(
            [
                f'<link rel="canonical" href="{url}">',
                f'<base href="{url}">',
                f'<meta property="og:url" content="{url}">'
                f'<meta property="og:image" content="{url}">',
                f'<meta http-equiv="refresh" content="0; url={url}">',
                '<meta charset="x-no-such-charset"><meta name="date" content="99999-99-99">',
                f'<link rel="alternate" type="application/rss+xml" href="{url}">',
                "<title>" + "Заголовок " * 10_000 + "</title>",
                '<script type="application/ld+json">' + "[" * 50_000 + "</script>",
                '<script type="application/ld+json">{"datePublished": "'
                + "9" * 5000
                + '"}</script>',
            ]
        )
    )
    filling = draw(st.sampled_from(FILLINGS))
    paragraph = f"<p>{filling} <a href='{url}'>link</a> <img src='{url}'></p>"
    body = draw(nested(paragraph * draw(st.sampled_from([1, 20]))))
    return f"{draw(st.sampled_from(PROLOGS))}<html><head>{head}</head><body>{body}</body></html>"


@FUZZ
@given(page_documents())
def test_hostile_pages_give_text_or_an_extraction_error(html: str):
    page = outcome(
        lambda: extract_page(html, "https://news.example.com/2026/11/22/a.html"), ExtractionError
    )
    if not isinstance(page, Exception):
        assert SECRET_MARK not in page.text and "\x00" not in page.text
    for link in outcome(lambda: discover_feeds(html, "https://news.example.com/"), ValueError):
        assert link.startswith(("http://", "https://"))
    assert outcome(lambda: looks_like_feed(html.encode("utf-8", "replace")), ValueError) in (
        True,
        False,
    )


@st.composite
def opml_documents(draw: st.DrawFn) -> bytes:
    url = draw(st.sampled_from([*URLS, "https://news.example.com/rss"]))
    outline = draw(
        st.sampled_from(
            [
                f'<outline type="rss" text="t" xmlUrl="{url}" htmlUrl="{url}"/>',
                f'<outline xmlUrl="{url}" title="{"т" * 100_000}" language="{"x" * 10_000}"/>',
                '<outline xmlUrl="   " text=""/>',
                "<outline>" + draw(st.sampled_from(FILLINGS)) + "</outline>",
            ]
        )
    )
    body = draw(nested(outline * draw(st.sampled_from([1, 1000]))))
    prolog = draw(st.sampled_from(PROLOGS))
    document = f'{prolog}<opml version="2.0"><head/><body>{body}</body></opml>'
    if draw(st.booleans()):
        document = document[: draw(st.integers(0, len(document)))]
    return document.encode(draw(st.sampled_from(["utf-8", "utf-16"])), errors="replace")


@FUZZ
@given(st.one_of(opml_documents(), st.binary(max_size=2000)))
def test_hostile_opml_gives_outlines_or_an_opml_error(data: bytes):
    outlines = outcome(lambda: parse_opml(data), OPMLError)
    for outline in [] if isinstance(outlines, Exception) else outlines:
        assert outline.url and SECRET_MARK not in outline.title


# JSON that is valid in shape; the values are what the settings file must refuse or survive.
SETTINGS_VALUES = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(2**70), 2**70),
        st.floats(allow_nan=True, allow_infinity=True),
        st.text(max_size=20),
    ),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=10,
)
SETTINGS_KEYS = st.sampled_from([*Settings.__dataclass_fields__, "unknown", ""])


@st.composite
def settings_files(draw: st.DrawFn) -> bytes:
    choice = draw(st.integers(0, 2))
    if choice == 0:
        return draw(st.binary(max_size=500))
    if choice == 1:
        document = draw(st.dictionaries(SETTINGS_KEYS, SETTINGS_VALUES, max_size=5))
        return json.dumps(document, allow_nan=True).encode()
    return draw(
        st.sampled_from(
            [
                b"\xef\xbb\xbf{}",  # a BOM, as Notepad writes
                b'{"target_language": "\\ud800"}',
                b'{"beam_size": 1e999}',
                b"[" * 100 + b"]" * 100,
                b"[" * 100_000 + b"]" * 100_000,
                b"[" * 30_000 + b"]" * 30_000,  # under the size cap: nesting refused
                b'{"beam_size": ' + b"9" * 5000 + b"}",
                '{"target_language": "ру"}'.encode("utf-16"),
            ]
        )
    )


@FUZZ
@given(settings_files())
def test_a_hostile_settings_file_gives_settings_or_a_config_error(data: bytes):
    with tempfile.TemporaryDirectory() as folder:
        Path(folder, SETTINGS_FILE).write_bytes(data)
        loaded = outcome(lambda: load_settings(Path(folder)), ConfigError)
    assert isinstance(loaded, Settings | ConfigError)
