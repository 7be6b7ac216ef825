"""The bundled demo collection: its feeds, pages, encodings and languages are what they claim.

These tests read the shipped files themselves with plain tools (feedparser, json, the
codec a page declares, the standard HTML parser), so a broken demo file is caught here
rather than as a puzzling failure further down the pipeline.
"""

from __future__ import annotations

import codecs
import json
import re
from collections import Counter
from datetime import datetime
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from urllib.parse import urlsplit

import feedparser
import pytest

from monitor.demo import (
    DEMO_BASE_URL,
    DEMO_HOST,
    DEMO_OUTLETS,
    MISSING_PAGE_URL,
    RUSSIAN_ITEM_IN_UKRAINIAN_FEED_URL,
    DemoOutlet,
    demo_resource,
    demo_root,
    find_demo_outlet,
    is_demo_url,
)

XML_OUTLETS = [outlet for outlet in DEMO_OUTLETS if outlet.feed_format != "json11"]
JSON_OUTLETS = [outlet for outlet in DEMO_OUTLETS if outlet.feed_format == "json11"]
UTC_OFFSET_MINUTES = {"ko": 540, "ru": 180, "zh": 480, "uk": 120, "en": 0}
SCRIPT_OF_LANGUAGE = {
    "ko": "hangul",
    "ru": "cyrillic",
    "uk": "cyrillic",
    "zh": "han",
    "en": "latin",
}
ARTICLE_URL = re.compile(
    re.escape(DEMO_BASE_URL) + r"/articles/(?P<outlet>[a-z0-9-]+)/(?P<slug>[a-z0-9-]+)\.html"
)
DECLARED_CHARSET = re.compile(rb"<meta\b[^>]*?charset\s*=\s*[\"']?([A-Za-z0-9_-]+)", re.I)
XML_ENCODING = re.compile(rb"^<\?xml[^>]*encoding=[\"']([A-Za-z0-9_-]+)[\"']")


def _ids(outlet: DemoOutlet) -> str:
    return outlet.key


def _read(url: str) -> bytes:
    resource = demo_resource(url)
    assert resource is not None, f"no demo file for {url}"
    return resource.read_bytes()


def _codec(label: str) -> str:
    return codecs.lookup(label).name


def _item_links() -> dict[str, list[str]]:
    """Article links of every demo feed, by outlet key, read with plain parsers."""
    links: dict[str, list[str]] = {}
    for outlet in XML_OUTLETS:
        parsed = feedparser.parse(_read(outlet.feed_url))
        links[outlet.key] = [entry.link for entry in parsed.entries]
    for outlet in JSON_OUTLETS:
        document = json.loads(_read(outlet.feed_url))
        links[outlet.key] = [item["url"] for item in document["items"]]
    return links


def _all_pages() -> list[tuple[DemoOutlet, str]]:
    """(outlet, url) of every shipped article page."""
    pages = []
    articles = demo_root() / "articles"
    for outlet in DEMO_OUTLETS:
        for entry in (articles / outlet.key).iterdir():
            pages.append((outlet, f"{DEMO_BASE_URL}/articles/{outlet.key}/{entry.name}"))
    return sorted(pages, key=lambda pair: pair[1])


class _Page(HTMLParser):
    """Collects what the tests look at: visible text, article text, tags and attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.visible: list[str] = []
        self.article_paragraphs: list[str] = []
        self.h1_in_article: list[str] = []
        self._hidden = 0  # inside <script>/<style>
        self._in_article = 0
        self._in_paragraph = False
        self._in_h1 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))
        if tag in ("script", "style"):
            self._hidden += 1
        elif tag == "article":
            self._in_article += 1
        elif tag == "p" and self._in_article:
            self._in_paragraph = True
            self.article_paragraphs.append("")
        elif tag == "h1" and self._in_article:
            self._in_h1 = True
            self.h1_in_article.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._hidden -= 1
        elif tag == "article":
            self._in_article -= 1
        elif tag == "p":
            self._in_paragraph = False
        elif tag == "h1":
            self._in_h1 = False

    def handle_data(self, data: str) -> None:
        if self._hidden:
            return
        self.visible.append(data)
        if self._in_paragraph:
            self.article_paragraphs[-1] += data
        if self._in_h1:
            self.h1_in_article[-1] += data

    def find(self, tag: str, **wanted: str) -> list[dict[str, str]]:
        return [
            attrs
            for name, attrs in self.tags
            if name == tag and all(attrs.get(key) == value for key, value in wanted.items())
        ]


def _page(outlet: DemoOutlet, url: str) -> _Page:
    page = _Page()
    page.feed(_read(url).decode(outlet.encoding))
    page.close()
    return page


def _script(character: str) -> str | None:
    code = ord(character)
    if 0xAC00 <= code <= 0xD7A3 or 0x1100 <= code <= 0x11FF or 0x3130 <= code <= 0x318F:
        return "hangul"
    if 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF:
        return "han"
    if 0x0400 <= code <= 0x04FF:
        return "cyrillic"
    if (character.isascii() and character.isalpha()) or 0x00C0 <= code <= 0x024F:
        return "latin"
    return None


def _script_share(text: str, script: str) -> float:
    counts = Counter(s for s in map(_script, text) if s is not None)
    return counts[script] / max(1, sum(counts.values()))


PAGES = [
    pytest.param(outlet, url, id=url.removeprefix(f"{DEMO_BASE_URL}/articles/"))
    for outlet, url in _all_pages()
]


# Outlets ------------------------------------------------------------------------------


def test_outlets_cover_the_monitored_languages_and_english() -> None:
    assert sorted(outlet.language for outlet in DEMO_OUTLETS) == ["en", "ko", "ru", "uk", "zh"]
    assert len({outlet.key for outlet in DEMO_OUTLETS}) == len(DEMO_OUTLETS)


@pytest.mark.parametrize("outlet", DEMO_OUTLETS, ids=_ids)
def test_outlet_is_named_as_a_demo_and_lives_on_the_demo_host(outlet: DemoOutlet) -> None:
    assert outlet.name.endswith("(demo)")
    for url in (outlet.homepage, outlet.feed_url):
        assert urlsplit(url).scheme == "https"
        assert is_demo_url(url)
    assert outlet.feed_url.startswith(f"{DEMO_BASE_URL}/feeds/{outlet.key}.")
    assert find_demo_outlet(outlet.key) is outlet
    catalog_form = outlet.as_outlet()
    assert (catalog_form.name, catalog_form.feed_url) == (outlet.name, outlet.feed_url)
    assert catalog_form.key == f"demo-{outlet.key}"


def test_feed_formats_are_mixed() -> None:
    assert {outlet.feed_format for outlet in DEMO_OUTLETS} >= {"rss20", "rss10", "atom10", "json11"}
    legacy = {_codec(outlet.encoding) for outlet in DEMO_OUTLETS} - {"utf-8"}
    assert legacy, "at least one outlet must use a legacy encoding"


# Feeds --------------------------------------------------------------------------------


@pytest.mark.parametrize("outlet", XML_OUTLETS, ids=_ids)
def test_xml_feed_parses_with_plain_feedparser(outlet: DemoOutlet) -> None:
    data = _read(outlet.feed_url)
    declared = XML_ENCODING.match(data)
    assert declared is not None, "the XML declaration must name the encoding"
    assert _codec(declared.group(1).decode("ascii")) == _codec(outlet.encoding)
    data.decode(outlet.encoding)  # strict: every byte is valid in the declared encoding

    parsed = feedparser.parse(data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == outlet.feed_format
    assert _codec(parsed.encoding) in (_codec(outlet.encoding), "cp949")  # EUC-KR ⊂ CP949
    assert parsed.feed.get("language", "").lower().startswith(outlet.language)
    assert 6 <= len(parsed.entries) <= 8
    for entry in parsed.entries:
        assert entry.title.strip()
        assert entry.get("summary", "").strip()
        assert entry.get("id"), "every item needs a GUID"
        assert entry.get("author")


@pytest.mark.parametrize("outlet", XML_OUTLETS, ids=_ids)
def test_xml_feed_dates_are_november_2026_in_the_outlets_time_zone(outlet: DemoOutlet) -> None:
    parsed = feedparser.parse(_read(outlet.feed_url))
    for entry in parsed.entries:
        raw = entry.get("published") or entry.get("updated")
        when = (
            parsedate_to_datetime(raw)
            if outlet.feed_format == "rss20"
            else datetime.fromisoformat(raw)
        )
        assert (when.year, when.month) == (2026, 11), raw
        offset = when.utcoffset()
        assert offset is not None
        assert offset.total_seconds() / 60 == UTC_OFFSET_MINUTES[outlet.language], raw


@pytest.mark.parametrize("outlet", JSON_OUTLETS, ids=_ids)
def test_json_feed_is_valid_json_feed_1_1(outlet: DemoOutlet) -> None:
    document = json.loads(_read(outlet.feed_url).decode("utf-8"))
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(document["title"], str)
    assert document["title"]
    assert document["feed_url"] == outlet.feed_url
    assert document["home_page_url"] == outlet.homepage
    assert document["language"].lower().startswith(outlet.language)
    items = document["items"]
    assert isinstance(items, list)
    assert 6 <= len(items) <= 8
    ids = [item["id"] for item in items]
    assert all(isinstance(item_id, str) and item_id for item_id in ids)
    assert len(set(ids)) == len(ids)
    for item in items:
        assert item.get("content_html") or item.get("content_text")
        assert item["title"]
        assert item["summary"]
        when = datetime.fromisoformat(item["date_published"])
        assert (when.year, when.month) == (2026, 11)
        assert when.utcoffset() is not None
        assert all(isinstance(author["name"], str) for author in item["authors"])
        assert set(item) <= {
            "id", "url", "external_url", "title", "content_html", "content_text", "summary",
            "image", "banner_image", "date_published", "date_modified", "authors", "tags",
            "language", "attachments",
        }  # fmt: skip


def test_item_links_point_to_the_outlets_pages_and_are_unique() -> None:
    links = _item_links()
    everything = [link for outlet_links in links.values() for link in outlet_links]
    assert len(everything) == len(set(everything))
    for key, outlet_links in links.items():
        for link in outlet_links:
            match = ARTICLE_URL.fullmatch(link)
            assert match is not None, link
            assert match["outlet"] == key


def test_every_link_has_a_page_except_the_one_meant_to_be_missing() -> None:
    links = [link for outlet_links in _item_links().values() for link in outlet_links]
    missing = [link for link in links if demo_resource(link) is None]
    assert missing == [MISSING_PAGE_URL]


def test_the_item_without_a_page_carries_its_full_text_in_the_feed() -> None:
    outlet = find_demo_outlet(urlsplit(MISSING_PAGE_URL).path.split("/")[2])
    assert outlet is not None
    parsed = feedparser.parse(_read(outlet.feed_url))
    entry = next(entry for entry in parsed.entries if entry.link == MISSING_PAGE_URL)
    content = entry.content[0].value
    assert content.count("<p>") >= 3
    assert len(re.sub(r"<[^>]+>", "", content)) > 3 * len(entry.summary)


def test_every_shipped_page_is_linked_from_its_feed() -> None:
    linked = {link for outlet_links in _item_links().values() for link in outlet_links}
    shipped = {url for _, url in _all_pages()}
    assert shipped <= linked
    assert len(shipped) == len(linked) - 1


# Pages --------------------------------------------------------------------------------


@pytest.mark.parametrize(("outlet", "url"), PAGES)
def test_page_declares_its_charset_and_decodes_cleanly(outlet: DemoOutlet, url: str) -> None:
    data = _read(url)
    declared = DECLARED_CHARSET.search(data[:2048])
    assert declared is not None, "the charset must be declared early in <head>"
    assert _codec(declared.group(1).decode("ascii")) == _codec(outlet.encoding)
    data.decode(outlet.encoding)  # strict
    assert not data.startswith(codecs.BOM_UTF8)
    if _codec(outlet.encoding) != "utf-8":
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")  # really written in the legacy encoding, not merely labelled


@pytest.mark.parametrize(("outlet", "url"), PAGES)
def test_page_has_realistic_structure(outlet: DemoOutlet, url: str) -> None:
    page = _page(outlet, url)
    html_tag = page.find("html")[0]
    assert html_tag["lang"].lower().startswith(outlet.language)
    assert [attrs["href"] for attrs in page.find("link", rel="canonical")] == [url]
    assert len(page.find("article")) == 1
    assert len(page.h1_in_article) == 1
    assert page.h1_in_article[0].strip()
    times = [attrs["datetime"] for attrs in page.find("time") if "datetime" in attrs]
    published = datetime.fromisoformat(times[0])
    assert (published.year, published.month) == (2026, 11)
    offset = published.utcoffset()
    assert offset is not None
    assert offset.total_seconds() / 60 == UTC_OFFSET_MINUTES[outlet.language]
    paragraphs = [text for text in page.article_paragraphs if len(text) > 40]
    assert 3 <= len(paragraphs) <= 6
    # Boilerplate for extraction to remove: navigation, footer, scripts and a tracking pixel.
    assert page.find("nav") or page.find("div", **{"class": "nav"})
    assert page.find("script")
    assert any(
        attrs.get("width") == "1" and attrs.get("height") == "1" for attrs in page.find("img")
    )
    related = [
        attrs["href"] for attrs in page.find("a") if ARTICLE_URL.fullmatch(attrs.get("href", ""))
    ]
    assert related
    assert all(demo_resource(link) is not None for link in related)


@pytest.mark.parametrize(("outlet", "url"), PAGES)
def test_page_text_is_mostly_in_the_script_of_its_language(outlet: DemoOutlet, url: str) -> None:
    page = _page(outlet, url)
    script = SCRIPT_OF_LANGUAGE[outlet.language]
    assert _script_share(" ".join(page.visible), script) >= 0.8
    # Short lines in the article (byline, reporter's e-mail) may be Latin or digits.
    prose = [text for text in page.article_paragraphs if len(text) > 60]
    assert _script_share(" ".join(prose), script) >= 0.9


def test_the_russian_item_of_the_ukrainian_feed_is_russian_and_the_rest_ukrainian() -> None:
    outlet = find_demo_outlet("dnipro-morning")
    assert outlet is not None
    assert outlet.language == "uk"
    for _, url in (pair for pair in _all_pages() if pair[0] is outlet):
        text = " ".join(_page(outlet, url).article_paragraphs).lower()
        russian_only = sum(text.count(letter) for letter in "ыэъё")
        ukrainian_only = sum(text.count(letter) for letter in "іїєґ")
        if url == RUSSIAN_ITEM_IN_UKRAINIAN_FEED_URL:
            assert russian_only >= 5
            assert ukrainian_only == 0
        else:
            assert ukrainian_only >= 5, url
            assert russian_only == 0, url


def test_main_stories_are_covered_by_several_outlets() -> None:
    # Each story's key figure, as each language writes it; comparison features need overlap.
    stories = {
        "satellite launch": ("520",),
        "corn contract": ("290", "2억9천만", "2.9亿"),
        "typhoon": ("42 m", "42m", "42米", "42 м"),
        "rate decision": ("2.25%", "2,25%"),
        "import expo": ("3,500", "3500", "3,5 тыс", "3천500"),
    }
    texts = {outlet.key: "" for outlet in DEMO_OUTLETS}
    for outlet, url in _all_pages():
        texts[outlet.key] += " ".join(_page(outlet, url).article_paragraphs)
    for story, figures in stories.items():
        covering = [key for key, text in texts.items() if any(f in text for f in figures)]
        assert len(covering) >= 3, (story, covering)


# The small API ------------------------------------------------------------------------


def test_demo_root_holds_the_served_folders() -> None:
    root = demo_root()
    assert (root / "feeds").is_dir()
    assert (root / "articles").is_dir()
    assert urlsplit(DEMO_BASE_URL).hostname == DEMO_HOST


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/feeds/seoul-wire.xml",
        f"{DEMO_BASE_URL}/",
        f"{DEMO_BASE_URL}/feeds/",
        f"{DEMO_BASE_URL}/feeds/no-such-outlet.xml",
        f"{DEMO_BASE_URL}/__init__.py",
        f"{DEMO_BASE_URL}/articles/../__init__.py",
        f"{DEMO_BASE_URL}/articles/..%2F__init__.py",
        f"{DEMO_BASE_URL}/articles/seoul-wire/..%5C..%5C__init__.py",
        "not a url at all",
        "https://[::1/broken",
    ],
)
def test_demo_resource_refuses_anything_but_shipped_feeds_and_pages(url: str) -> None:
    assert demo_resource(url) is None


def test_demo_resource_ignores_query_and_fragment() -> None:
    url = DEMO_OUTLETS[0].feed_url
    resource = demo_resource(url + "?utm_source=app#top")
    assert resource is not None
    assert resource.read_bytes() == _read(url)
