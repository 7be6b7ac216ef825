"""Feed autodiscovery in HTML pages, and the quick "is this a feed?" check."""

from __future__ import annotations

import codecs

import pytest

from monitor.sources.discovery import discover_feeds, looks_like_feed, looks_like_html

PAGE = """<!DOCTYPE html>
<html lang="ru"><head>
<meta charset="utf-8">
<title>ТАСС</title>
<link rel="stylesheet" href="/css/main.css">
<link rel="alternate" type="application/rss+xml" title="Все новости" href="/rss/v2.xml">
<link rel="alternate" hreflang="en" href="https://tass.com/">
<link rel="alternate" type="application/atom+xml" href="https://tass.ru/atom.xml">
<LINK REL="Alternate Feed" TYPE="Application/RSS+XML; charset=utf-8" HREF="rss/politika.xml">
<link rel="alternate" type="application/rss+xml" href="/rss/v2.xml">
<link rel="alternate" type="application/feed+json" href="//tass.ru/feed.json">
<link rel="alternate" type="application/rss+xml" href="javascript:void(0)">
<link rel="alternate" type="application/rss+xml" href="">
<link rel="canonical" type="application/rss+xml" href="/not-alternate.xml">
</head><body><a rel="alternate" type="application/rss+xml" href="/in-body.xml">RSS</a></body></html>
"""


def test_feed_links_resolved_deduplicated_in_document_order():
    assert discover_feeds(PAGE, "https://tass.ru/politika/") == [
        "https://tass.ru/rss/v2.xml",
        "https://tass.ru/atom.xml",
        "https://tass.ru/politika/rss/politika.xml",
        "https://tass.ru/feed.json",
        "https://tass.ru/in-body.xml",
    ]


def test_base_href_changes_the_base():
    page = (
        '<html><head><base href="https://cdn.yna.co.kr/ko/">'
        '<link rel="alternate" type="application/rss+xml" href="rss/all.xml"></head></html>'
    )
    assert discover_feeds(page, "https://www.yna.co.kr/") == [
        "https://cdn.yna.co.kr/ko/rss/all.xml"
    ]


def test_relative_base_href_is_resolved_against_the_page():
    page = '<base href="/news/"><link rel="alternate" type="application/atom+xml" href="feed.atom">'
    assert discover_feeds(page, "https://www.ukrinform.ua/rubric") == [
        "https://www.ukrinform.ua/news/feed.atom"
    ]


def test_feed_scheme_links_become_http():
    page = (
        '<link rel="alternate" type="application/rss+xml" href="feed://www.people.com.cn/rss.xml">'
        '<link rel="alternate" type="application/rss+xml" href="feed:https://www.news.cn/rss.xml">'
    )
    assert discover_feeds(page, "https://x.cn/") == [
        "http://www.people.com.cn/rss.xml",
        "https://www.news.cn/rss.xml",
    ]


@pytest.mark.parametrize(
    "page", ["", "<html><head></head></html>", "<link rel=alternate", "<<>>&&"]
)
def test_pages_without_feeds_give_nothing(page):
    assert discover_feeds(page, "https://example.com/") == []


RSS = b'<?xml version="1.0"?>\n<!-- generated -->\n<rss version="2.0"><channel/></rss>'


@pytest.mark.parametrize(
    "data",
    [
        RSS,
        codecs.BOM_UTF8 + RSS,
        b'<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "x.dtd">\n<rss/>',
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>x</title></feed>',
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"></rdf:RDF>',
        b'<?xml version="1.0"?><?xml-stylesheet href="a.xsl"?><atom:feed xmlns:atom="x"/>',
        '<?xml version="1.0" encoding="utf-16"?><rss/>'.encode("utf-16"),
        '<rss version="2.0"/>'.encode("utf-16-be"),
        b'{"version": "https://jsonfeed.org/version/1.1", "items": []}',
        b'{"items": [], "version": "https://jsonfeed.org/version/1"}',
    ],
)
def test_looks_like_feed_accepts_feeds(data):
    assert looks_like_feed(data)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"<!DOCTYPE html><html><head><title>rss</title></head></html>",
        b'<?xml version="1.0"?><opml version="2.0"/>',
        b'<?xml version="1.0"?><urlset><url><loc>/rss</loc></url></urlset>',
        b'{"name": "not a feed", "items": []}',
        b"plain text mentioning <rss> later",
    ],
)
def test_looks_like_feed_rejects_other_documents(data):
    assert not looks_like_feed(data)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<!DOCTYPE html><html>", True),
        ("\ufeff  <!-- x --><HTML lang=ko>", True),
        ('<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml">', True),
        ("<head><meta charset=utf-8>", True),
        ('<?xml version="1.0"?><rss version="2.0">', False),
        ("<feed>", False),
    ],
)
def test_looks_like_html(text, expected):
    assert looks_like_html(text) is expected
