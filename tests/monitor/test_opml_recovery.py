"""OPML import beyond the golden files: addresses, the lenient pass, the report's words,
files already followed, and hostile sizes (100,000 outlines, folders 10,000 deep)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from contextlib import closing, suppress
from pathlib import Path

import pytest

from monitor.errors import OPMLError
from monitor.sources.opml import ALREADY_FOLLOWED, import_opml_file, read_opml
from monitor.sources.opml.addresses import UnusableAddress, feed_address
from monitor.sources.opml.repair import mend, recover
from monitor.store import Store

DATA = Path(__file__).parent / "data" / "opml"


@pytest.mark.parametrize(
    ("written", "address"),
    [
        ("https://lenta.ru/rss", "https://lenta.ru/rss"),
        ("  HTTP://lenta.ru/rss\n", "http://lenta.ru/rss"),
        ("feed://lenta.ru/rss", "http://lenta.ru/rss"),
        ("feed:https://lenta.ru/rss", "https://lenta.ru/rss"),
        ("FEED:http://lenta.ru/rss", "http://lenta.ru/rss"),
        ("feeds://lenta.ru/rss", "https://lenta.ru/rss"),
        ("//lenta.ru/rss", "https://lenta.ru/rss"),
        ("https://lenta.ru/rss feed.xml", "https://lenta.ru/rss%20feed.xml"),
        ("https://новости.рф/rss", "https://новости.рф/rss"),
        ("https://[2001:db8::1]/rss", "https://[2001:db8::1]/rss"),
    ],
)
def test_feed_addresses_are_normalised(written: str, address: str):
    assert feed_address(written) == address


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        ("vfolder", "not a web address"),
        ("/rss/news", "relative address"),
        ("../feeds/all.xml", "relative address"),
        ("javascript:alert(1)", "javascript: addresses are never followed"),
        ("data:text/xml,<rss/>", "data: addresses are never followed"),
        ("file:///etc/passwd", "file: addresses are never followed"),
        ("ftp://example.com/feed", "ftp: addresses are never followed"),
        ("feed:javascript:alert(1)", "javascript: addresses are never followed"),
        ("feed:lenta.ru/rss", "not a web address"),
        ("https://", "is not a web address"),
        ("http://[::1", "not a valid web address"),
        ("https://" + "a" * 100 + ".ru/", "not name a valid host"),  # a label over 63
        ("https://lenta.ru:99999/rss", "not a valid web address"),
        ("https://lenta.ru/\x00rss", "control characters"),
        ("https://" + "a" * 300 + ".ru/", "not name a valid host"),
        ("https://lenta.ru/" + "a" * 9000, "longer than 8,192 characters"),
    ],
)
def test_unusable_addresses_say_why(written: str, reason: str):
    with pytest.raises(UnusableAddress, match=reason):
        feed_address(written)


def test_mending_keeps_inner_quotes_ampersands_and_entities():
    mended = mend(
        '<opml><body><outline title="Газета "Коммерсантъ"" text=x'
        ' xmlUrl="https://a.ru/rss?a=1&region=2&amp;b=3"/>'
        "<title>Новости&nbsp;&mdash; &laquo;дня&raquo; & co</title></body></opml>"
    )
    root = recover(mended)
    outline = root.find("body/outline")
    assert outline.get("title") == 'Газета "Коммерсантъ"'
    assert outline.get("text") == "x"
    assert outline.get("xmlUrl") == "https://a.ru/rss?a=1&region=2&b=3"
    assert root.findtext("body/title") == "Новости\xa0— «дня» & co"


def test_recovery_never_expands_or_loads_entities():
    # The DOCTYPE is refused before any parser runs; the recovering parser is safe on its own.
    laughs = (
        '<!DOCTYPE opml [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY secret SYSTEM "file:///etc/passwd">]>'
        '<opml><body><outline text="&c;&secret;" xmlUrl="https://x.ru/rss"/></body></opml>'
    )
    root = recover(laughs)
    text = "" if root is None else "".join(o.get("text") or "" for o in root.iter("outline"))
    assert len(text) < 100
    assert "root:" not in text


def test_a_damaged_file_says_so_in_the_report(tmp_path: Path):
    with closing(Store(tmp_path / "monitor.sqlite3")) as store:
        result = import_opml_file(store, DATA / "feedly.opml")
    assert result.summary() == (
        "Imported 6 sources from feedly.opml. The file was damaged (XML error: not well-formed"
        " (invalid token): line 9, column 40); 6 outlines recovered."
    )
    assert result.details(limit=2) == [
        "Imported:",
        '  Газета "Коммерсантъ" — https://www.kommersant.ru/RSS/main.xml (folder Россия)',
        "  РИА Новости — https://ria.ru/export/rss2/archive/index.xml (folder Россия)",
        "  … and 4 more",
        "Folders are not kept (Media Monitor has none): Россия, Україна, Korea.",
    ]


def test_the_report_lists_what_was_skipped_and_why(tmp_path: Path):
    with closing(Store(tmp_path / "monitor.sqlite3")) as store:
        result = import_opml_file(store, DATA / "liferea.opml")
    assert result.summary() == "Imported 3 sources from liferea.opml; skipped 3."
    assert result.details()[4:] == [
        "Skipped:",
        "  Unread (vfolder): not a feed: a Liferea search folder (vfolder)",
        "  Важное (vfolder): not a feed: a Liferea search folder (vfolder)",
        "  Погода (|/home/ivan/bin/weather-rss.sh): not a web address",
        "Folders are not kept (Media Monitor has none): Новости.",
    ]
    isolated = result.details(isolate=lambda text: f"[{text}]")
    assert isolated[1] == (
        "  [Коммерсантъ: Главное] — [https://www.kommersant.ru/RSS/news.xml] (folder [Новости])"
    )
    assert isolated[7] == "  [Погода] ([|/home/ivan/bin/weather-rss.sh]): not a web address"


def test_feeds_already_followed_are_skipped_in_file_order(tmp_path: Path):
    expected = json.loads((DATA / "inoreader.expected.json").read_text("utf-8"))
    with closing(Store(tmp_path / "monitor.sqlite3")) as store:
        first = import_opml_file(store, DATA / "inoreader.xml")
        again = import_opml_file(store, DATA / "inoreader.xml")
        assert len(store.sources()) == len(expected["imported"])
    assert len(first.imported) == len(expected["imported"])
    assert again.imported == ()
    assert [s.address for s in again.skipped] == [
        "https://www.ukrinform.ua/rss/rubric-society",
        "https://nv.ua/rss/all.xml",
        "https://www.radiosvoboda.org/api/zrqiteuuir",
        "https://www.radiosvoboda.org/api/zrqiteuuir",
        "https://feeds.bbci.co.uk/ukrainian/rss.xml",
        "https://www.tagesschau.de/ausland/index~rss2.xml",
    ]
    assert {s.reason for s in again.skipped} == {ALREADY_FOLLOWED}
    assert again.summary() == "Imported 0 sources from inoreader.xml; skipped 6." + (
        f" The file was damaged ({again.damage}); 6 outlines recovered."
    )


def _big_export(count: int, *, damaged: bool) -> bytes:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0"><body>\n']
    for number in range(count):
        title = f'Лента "{number}"' if damaged and number == 5 else f"Лента {number}"
        lines.append(
            f'<outline text="{title}" type="rss" xmlUrl="https://feeds{number % 997}.example.ru'
            f'/rss/{number}.xml" htmlUrl="https://feeds{number % 997}.example.ru/"/>\n'
        )
    lines.append("</body></opml>\n")
    return "".join(lines).encode()


def test_a_hundred_thousand_outlines_import_in_bounded_time(tmp_path: Path):
    export = tmp_path / "big.opml"
    export.write_bytes(_big_export(100_000, damaged=True))  # read twice: strictly, leniently
    started = time.monotonic()
    with closing(Store(tmp_path / "monitor.sqlite3")) as store:
        result = import_opml_file(store, export)
    assert time.monotonic() - started < 60  # about 6 s on one core
    assert len(result.imported) == 100_000
    assert result.skipped == ()
    assert result.damage is not None
    assert result.imported[5].source.name == 'Лента "5"'


@pytest.mark.parametrize("damaged", [False, True], ids=["well-formed", "damaged"])
def test_reading_a_hundred_thousand_outlines_takes_bounded_memory(tmp_path: Path, damaged: bool):
    export = tmp_path / "big.opml"
    export.write_bytes(_big_export(100_000, damaged=damaged))
    script = (
        "import resource, sys\n"
        "from pathlib import Path\n"
        "from monitor.sources.opml import read_opml\n"
        "data = Path(sys.argv[1]).read_bytes()\n"
        "before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
        "assert len(read_opml(data).feeds) == 100_000\n"
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)\n"
    )
    grown_kib = int(
        subprocess.run(
            [sys.executable, "-c", script, str(export)], check=True, capture_output=True, text=True
        ).stdout
    )
    assert grown_kib < 400 * 1024  # a 16 MB file, the largest accepted


def test_folders_ten_thousand_deep_are_walked_without_recursion():
    depth = 10_000
    data = (
        '<opml version="1.0"><body>'
        + "".join(f'<outline text="f{level}">' for level in range(depth))
        + '<outline text="Deep" xmlUrl="https://deep.example/rss"/>'
        + "</outline>" * depth
        + "</body></opml>"
    ).encode()
    reading = read_opml(data)
    assert reading.damage is None
    assert [(f.outline.url, f.folder) for f in reading.feeds] == [
        ("https://deep.example/rss", "… / f9995 / f9996 / f9997 / f9998 / f9999")
    ]
    # Damaged, the lenient parser stops at its depth limit (256) instead of going on.
    damaged = read_opml(data.replace(b'text="f0"', b'text="f0 & co"'))
    assert damaged.damage is not None
    assert damaged.feeds == ()


@pytest.mark.parametrize(
    "data",
    [
        b'<opml><body><outline title="' + b'" a' * 1_000_000,
        b"<opml><body>" + b'<outline title="a' * 200_000,
        b"<opml><body><title>" + b"&" * 3_000_000 + b"</title></body></opml>",
    ],
    ids=["endless-quotes", "endless-cut-tags", "endless-ampersands"],
)
def test_hostile_damage_is_recovered_in_bounded_time(data: bytes):
    started = time.monotonic()
    with suppress(OPMLError):  # refusing is as good as recovering
        read_opml(data)
    assert time.monotonic() - started < 20
