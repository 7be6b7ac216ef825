"""OPML import and export: folders flattened, hostile files refused, round trips exact."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from monitor.errors import OPMLError
from monitor.sources.opml import parse_opml, write_opml
from monitor.types import OpmlOutline

DATA = Path(__file__).parent / "data" / "opml"


def test_reader_export_is_flattened_in_order_without_duplicates():
    outlines = parse_opml((DATA / "subscriptions.opml").read_bytes())
    assert outlines == [
        OpmlOutline(
            url="https://www.ukrinform.ua/rss/rubric-society",
            title="Укрінформ: Суспільство",
            language="uk",
            homepage="https://www.ukrinform.ua/",
        ),
        OpmlOutline(url="https://www.pravda.com.ua/rss/view_news/", title="Українська правда"),
        OpmlOutline(
            url="https://www.yna.co.kr/rss/politics.xml",
            title="연합뉴스 & 정치",
            language="ko",
            homepage="https://www.yna.co.kr/",
        ),
        OpmlOutline(url="https://tass.ru/rss/v2.xml", title="ТАСС"),
        OpmlOutline(
            url="http://www.news.cn/politics/news_politics.xml", title="新华网", language="zh-CN"
        ),
    ]


def test_title_falls_back_to_the_url():
    data = b'<opml version="1.0"><body><outline xmlUrl="https://x.ru/rss"/></body></opml>'
    assert parse_opml(data) == [OpmlOutline(url="https://x.ru/rss", title="https://x.ru/rss")]


def test_legacy_encoded_opml_is_decoded():
    text = (
        '<?xml version="1.0" encoding="windows-1251"?><opml version="1.0"><body>'
        '<outline text="Новости" xmlUrl="https://ria.ru/export/rss2/index.xml"/></body></opml>'
    )
    assert parse_opml(text.encode("cp1251"))[0].title == "Новости"


def test_utf16_opml_is_decoded():
    text = (
        '<opml version="2.0"><body><outline text="뉴스" xmlUrl="https://k.kr/rss"/></body></opml>'
    )
    assert parse_opml(b"\xff\xfe" + text.encode("utf-16-le"))[0].title == "뉴스"


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE opml [
  <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
]>
<opml version="2.0"><body><outline text="&c;" xmlUrl="https://x.ru/rss"/></body></opml>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE opml [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<opml version="2.0"><body><outline text="&secret;" xmlUrl="https://x.ru/rss"/></body></opml>"""


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "empty"),
        (b"<opml><body><outline", "not valid OPML"),
        (b"\x00\x01\x02 binary", "not valid OPML"),
        (b'<rss version="2.0"><channel/></rss>', "not OPML"),
        (BILLION_LAUGHS, "DOCTYPE or entity"),
        (EXTERNAL_ENTITY, "DOCTYPE or entity"),
        (BILLION_LAUGHS.decode().encode("utf-16"), "DOCTYPE or entity"),
    ],
)
def test_bad_files_raise_opml_error(data, fragment):
    with pytest.raises(OPMLError, match=fragment):
        parse_opml(data)


def test_write_then_read_round_trips_awkward_text():
    outlines = [
        OpmlOutline(
            url="https://www.kommersant.ru/RSS/main.xml?a=1&b=<2>",
            title='Коммерсантъ & "партнеры" <ru>',
            language="ru",
            homepage="https://www.kommersant.ru/",
        ),
        OpmlOutline(url="https://www.yna.co.kr/rss/all.xml", title="연합뉴스\n전체"),
        OpmlOutline(url="http://www.news.cn/rss.xml", title="新华网", language="zh-CN"),
    ]
    data = write_opml(outlines, title="Media Monitor — підписки")
    assert data.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    root = ET.fromstring(data)
    assert root.get("version") == "2.0"
    assert root.findtext("head/title") == "Media Monitor — підписки"
    assert [o.get("type") for o in root.iter("outline")] == ["rss", "rss", "rss"]
    back = parse_opml(data)
    assert [o.url for o in back] == [o.url for o in outlines]
    assert back[0] == outlines[0]
    assert back[1].title == "연합뉴스 전체"  # whitespace in titles is collapsed on import
    assert back[2] == outlines[2]


def test_write_drops_characters_xml_cannot_hold():
    data = write_opml([OpmlOutline(url="https://x.ua/rss", title="Новини\x00\x0b\ud800")], "t\x01")
    assert parse_opml(data)[0].title == "Новини"
    assert ET.fromstring(data).findtext("head/title") == "t"


def test_write_empty_list_is_valid_opml():
    assert parse_opml(write_opml([], "empty")) == []
