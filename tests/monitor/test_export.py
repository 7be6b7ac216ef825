"""Exports: CSV, JSON Lines and the HTML dossier, read back; PDF without a renderer."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

from indexes.types import SearchRequest
from monitor import Monitor, __version__, open_monitor
from monitor.collect.fetch import FetchSettings
from monitor.errors import MonitorError, NotFoundError
from monitor.export import FIELDS
from tests.support.argos_factory import build_package
from tests.support.http_server import LocalServer, Route

FAST = FetchSettings(connect_timeout=2, read_timeout=2, total_timeout=5, min_host_interval=0)
GLOSSARY = {"ракета": "missile", "море": "sea", "флот": "fleet"}
PARAGRAPHS = [
    "Вчера ракета упала в море во время учений. Пострадавших нет.",
    "Флот продолжит учения до пятницы. Командование обещало отчёт.",
    "Код &lt;script&gt;alert(1)&lt;/script&gt; в тексте должен остаться текстом.",
]
PAGE = (
    '<!doctype html><html><head><meta charset="utf-8"><title>Учения</title></head><body>'
    "<nav><a href='/'>Главная</a></nav><article><h1>Ракета & флот</h1>"
    + "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    + "</article><footer>© Агентство</footer></body></html>"
).encode()


@dataclass
class DossierReader(HTMLParser):
    """Collects the text of headings, of every table cell, and the aligned sentence pairs."""

    headings: list[str] = field(default_factory=list)
    cells: list[str] = field(default_factory=list)
    pairs: list[tuple[str, str]] = field(default_factory=list)
    tags: set[str] = field(default_factory=set)
    _text: list[str] | None = None
    _row: list[str] = field(default_factory=list)
    _table: str = ""

    def __post_init__(self) -> None:
        HTMLParser.__init__(self)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        if tag == "table":
            self._table = dict(attrs).get("class") or ""
        if tag in ("h2", "p", "td", "th"):
            self._text = []
        if tag == "tr":
            self._row = []

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("h2", "p", "td", "th") and self._text is not None:
            text = "".join(self._text)
            (self.headings if tag in ("h2", "p") else self.cells).append(text)
            if tag == "td":
                self._row.append(text)
            self._text = None
        if tag == "tr" and self._table == "aligned" and len(self._row) == 2:
            self.pairs.append((self._row[0], self._row[1]))


@pytest.fixture
def monitor(tmp_path: Path, server: LocalServer) -> Iterator[Monitor]:
    server.add("/a/1.html", Route(PAGE, headers={"Content-Type": "text/html; charset=utf-8"}))
    items = (
        f"<item><title>Ракета &amp; флот</title><link>{server.url('/a/1.html')}</link>"
        "<guid>a1</guid><description>Ракета упала.</description>"
        "<pubDate>Fri, 20 Nov 2026 10:15:00 +0300</pubDate></item>"
        "<item><title>Ставка сохранена</title><guid>a2</guid>"
        "<description>Банк России сохранил ставку.</description>"
        "<pubDate>Thu, 19 Nov 2026 09:00:00 +0300</pubDate></item>"
    )
    body = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Вести (тест)</title><language>ru</language>{items}</channel></rss>"
    ).encode()
    url = server.add("/rss.xml", Route(body, headers={"Content-Type": "application/rss+xml"}))
    with open_monitor(tmp_path / "data", fetch_settings=FAST) as opened:
        opened.install_models([build_package(tmp_path / "pkg", "ru", "en", glossary=GLOSSARY)])
        opened.add_source(url)
        opened.update()
        yield opened


def article_ids(monitor: Monitor) -> tuple[int, int]:
    by_title = {a.title: a.id for a in monitor.articles()}
    return by_title["Ракета & флот"], by_title["Ставка сохранена"]


def test_csv_and_jsonl_carry_metadata_and_both_texts(monitor: Monitor, tmp_path: Path) -> None:
    page_id, feed_id = article_ids(monitor)
    csv_path, jsonl_path = tmp_path / "out.csv", tmp_path / "out.jsonl"
    assert monitor.export_articles([page_id, feed_id], csv_path, "csv") == 2
    assert monitor.export_articles([page_id, feed_id], jsonl_path, "JSONL") == 2
    data = csv_path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM spreadsheet programs need
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    records = [json.loads(line) for line in jsonl_path.read_text("utf-8").splitlines()]
    assert tuple(rows[0]) == FIELDS and tuple(records[0]) == FIELDS
    assert [int(r["id"]) for r in rows] == [r["id"] for r in records] == [page_id, feed_id]

    page, feed = records
    assert page["title"] == "Ракета & флот" and page["title_translated"] == "Ракета & fleet"
    assert page["original_text"] == "\n\n".join(PARAGRAPHS).replace("&lt;", "<").replace(
        "&gt;", ">"
    )
    assert page["translated_text"].split("\n\n")[0] == (
        "Вчера missile упала в sea во время учений. Пострадавших нет."
    )
    assert page["raw_sha256"] == hashlib.sha256(PAGE).hexdigest()
    assert page["text_origin"] == "page" and page["lang"] == "ru"
    assert page["published"] == "2026-11-20T07:15:00+00:00"
    assert page["published_local"] == "2026-11-20T10:15:00+03:00"
    assert page["model"] == monitor.translation(page_id).route  # type: ignore[union-attr]
    assert page["outlet"] == "Вести (тест)" and page["url"].endswith("/a/1.html")
    assert feed["text_origin"] == "feed" and feed["raw_sha256"] is None
    # CSV holds the same values, with empty cells where JSON has null.
    for row, record in zip(rows, records, strict=True):
        assert row == {k: "" if v is None else str(v) for k, v in record.items()}
    assert not list(tmp_path.glob("*.part"))


def test_html_dossier_shows_both_titles_hash_and_aligned_sentences(
    monitor: Monitor, tmp_path: Path
) -> None:
    page_id, feed_id = article_ids(monitor)
    out = tmp_path / "dossier.html"
    assert monitor.export_articles([page_id, feed_id], out, "html", query="ракета") == 2
    html = out.read_text("utf-8")
    reader = DossierReader()
    reader.feed(html)
    reader.close()

    assert "Ракета & флот" in reader.headings and "Ракета & fleet" in reader.headings
    assert "Ставка сохранена" in reader.headings
    assert hashlib.sha256(PAGE).hexdigest() in reader.cells
    assert __version__ in " ".join(reader.cells) and "2" in reader.cells  # header facts
    expected = []
    for article_id in (page_id, feed_id):
        translation = monitor.translation(article_id)
        assert translation is not None
        expected += [(s.original, s.translation) for s in translation.sentences]
    assert len(expected) >= 6
    assert reader.pairs == expected  # every sentence pair, in order
    first = (
        "Вчера ракета упала в море во время учений.",
        "Вчера missile упала в sea во время учений.",
    )
    assert reader.pairs[0] == first
    assert html.count('class="paragraph-start"') == 2  # three paragraphs on the page
    # Text that looks like markup stays text; nothing is loaded from elsewhere.
    assert any("<script>alert(1)</script>" in original for original, _ in reader.pairs)
    assert "<script" not in html.lower()
    assert not reader.tags & {"img", "link", "script", "iframe", "object"}
    assert 'src="' not in html and "url(" not in html
    assert html.count('<h2 style="page-break-before: always"') == 1  # between the two


def test_export_search_exports_every_match_newest_first(monitor: Monitor, tmp_path: Path) -> None:
    out = tmp_path / "search.jsonl"
    assert monitor.export_search(SearchRequest("missile OR ставка", page_size=1), out, "jsonl") == 2
    titles = [json.loads(line)["title"] for line in out.read_text("utf-8").splitlines()]
    assert titles == ["Ракета & флот", "Ставка сохранена"]


def test_pdf_without_a_renderer_and_bad_requests_fail_clearly(
    monitor: Monitor, tmp_path: Path
) -> None:
    page_id, _ = article_ids(monitor)
    out = tmp_path / "out.pdf"
    with pytest.raises(MonitorError, match="PDF export needs the desktop app's renderer"):
        monitor.export_articles([page_id], out, "pdf")
    with pytest.raises(MonitorError, match="csv, jsonl, html, pdf"):
        monitor.export_articles([page_id], tmp_path / "out.doc", "doc")
    with pytest.raises(NotFoundError, match="9999"):
        monitor.export_articles([page_id, 9999], tmp_path / "out.csv", "csv")
    with pytest.raises(MonitorError, match="cannot write"):
        monitor.export_articles([page_id], tmp_path / "missing" / "out.csv", "csv")

    def failing_renderer(html: str, path: Path) -> None:
        path.write_bytes(b"%PDF-partial")
        raise MonitorError("the printer gave up")

    with pytest.raises(MonitorError, match="gave up"):
        monitor.export_articles([page_id], out, "pdf", pdf_renderer=failing_renderer)
    assert list(tmp_path.glob("out*")) == []  # no file, and no partial file, was left


def test_renderer_receives_the_dossier(monitor: Monitor, tmp_path: Path) -> None:
    received: list[str] = []

    def renderer(html: str, path: Path) -> None:
        received.append(html)
        path.write_bytes(b"%PDF-1.4 test")

    out = tmp_path / "out.pdf"
    assert monitor.export_articles(None, out, "pdf", pdf_renderer=renderer) == 2
    assert out.read_bytes().startswith(b"%PDF") and '<table class="aligned">' in received[0]
