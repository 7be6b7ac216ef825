"""The benchmarks' synthetic news site: article pages and feeds of the corpus's articles.

Twenty outlets (those of :mod:`bench.common.corpus`) publish the corpus's articles at
``/{outlet}/{yyyy/mm/dd}/{id}.html``, with RSS 2.0 or Atom feeds linking to them. What each
benchmark needs is chosen by a :class:`Look`:

* ``legacy``: outlets serve the encodings real outlets of their language still use
  (windows-1251, EUC-KR, GBK, GB18030), declared in the HTTP header, in the document or
  both, and some serve Atom; otherwise every outlet serves UTF-8 RSS.
* ``furniture``: each page is wrapped in what real news pages carry around the text (a
  mega-menu, breadcrumbs, a figure, tags, share buttons, related and most-read lists, a
  footer, a cookie banner, inline scripts and JSON-LD); otherwise a plain article page.

The ingest benchmark serves both (the extraction's real workload); the UI benchmark plain
UTF-8 pages, so that its update is about the app's responsiveness. Answers are rendered up
front and served by :class:`tests.support.http_server.LocalServer`; :class:`Gzipped` keeps a
large site compressed in memory.
"""

from __future__ import annotations

import dataclasses
import gzip
import html
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from bench.common.corpus import FIRST_DAY, OUTLETS
from indexes.types import IndexDocument
from tests.support.http_server import Request, Route


@dataclass(frozen=True)
class OutletStyle:
    """How one outlet serves its documents."""

    slug: str
    encoding: str  # the label it declares (and encodes with)
    atom: bool  # Atom feeds instead of RSS 2.0
    header_charset: bool  # charset in the HTTP Content-Type (else only in the document)
    utc_offset_hours: int


# Legacy encodings where real outlets of that language still use them; the rest UTF-8.
STYLES: dict[str, OutletStyle] = {
    "Hanbit News": OutletStyle("hanbit", "euc-kr", False, True, 9),
    "Seoul Daily Wire": OutletStyle("seouldaily", "utf-8", True, True, 9),
    "Busan Ilbo": OutletStyle("busanilbo", "euc-kr", False, False, 9),
    "Korea Morning": OutletStyle("koreamorning", "utf-8", False, True, 9),
    "Gyeonggi Times": OutletStyle("gyeonggi", "utf-8", False, False, 9),
    "Neva Courier": OutletStyle("neva", "windows-1251", False, True, 3),
    "Volga Herald": OutletStyle("volga", "utf-8", False, True, 3),
    "Ural Gazette": OutletStyle("ural", "windows-1251", False, False, 3),
    "Moscow Evening": OutletStyle("mosevening", "utf-8", True, True, 3),
    "Siberia Wire": OutletStyle("siberia", "utf-8", False, True, 7),
    "East River Bulletin": OutletStyle("eastriver", "gb18030", False, True, 8),
    "Pearl Daily": OutletStyle("pearl", "utf-8", True, True, 8),
    "Yangtze Post": OutletStyle("yangtze", "gbk", False, False, 8),
    "Northern Star News": OutletStyle("northstar", "utf-8", False, True, 8),
    "Dnipro Morning": OutletStyle("dnipro", "windows-1251", False, True, 2),
    "Kyiv Dispatch": OutletStyle("kyivdispatch", "utf-8", True, True, 2),
    "Lviv Courier": OutletStyle("lviv", "utf-8", False, False, 2),
    "Odesa Harbour": OutletStyle("odesa", "utf-8", False, True, 2),
    "Harbour Chronicle": OutletStyle("harbour", "utf-8", False, True, 0),
    "Capital Ledger": OutletStyle("ledger", "utf-8", True, True, -5),
}
LANGUAGE_OF = {outlet: language for language, names in OUTLETS.items() for outlet in names}

# Navigation words in each language: section names, then the page furniture.
SECTIONS = {
    "ko": "정치 경제 사회 국제 문화 스포츠 연예 과학 오피니언 사진",
    "ru": "Политика Экономика Общество Мир Культура Спорт Наука Происшествия Мнения Фото",
    "uk": "Політика Економіка Суспільство Світ Культура Спорт Наука Регіони Думки Фото",
    "zh": "要闻 时政 财经 国际 社会 文化 体育 科技 评论 图片",
    "en": "Politics Business World Society Culture Sport Science Regions Opinion Photo",
}
FURNITURE = {  # related, most read, share, subscribe, rights reserved, cookie notice
    "ko": ("관련 기사", "많이 본 뉴스", "공유", "구독", "무단 전재 및 재배포 금지",
           "쿠키를 사용합니다"),
    "ru": ("Читайте также", "Самое читаемое", "Поделиться", "Подписаться",
           "Все права защищены", "Мы используем файлы cookie"),
    "uk": ("Читайте також", "Найпопулярніше", "Поділитися", "Підписатися",
           "Усі права захищено", "Ми використовуємо файли cookie"),
    "zh": ("相关新闻", "热门排行", "分享", "订阅", "版权所有", "本网站使用cookie"),
    "en": ("Related", "Most read", "Share", "Subscribe", "All rights reserved",
           "We use cookies"),
}  # fmt: skip

# A minified-looking analytics and state script, as every news page inlines (~6 KB).
_SCRIPT = "".join(
    f"window.__s{n}=function(a,b){{var c=a.length;for(var i=0;i<c;i++){{b(a[i],i)}}"
    f"return '{n:04x}'}};"
    f'_mm.push(["track",{{"slot":"ad-{n}","size":[300,250],"lazy":true}}]);'
    for n in range(60)
)


@dataclass(frozen=True)
class Look:
    """What a benchmark's site serves: see the module's docstring."""

    legacy: bool = True
    furniture: bool = True

    def style(self, outlet: str) -> OutletStyle:
        style = STYLES[outlet]
        if self.legacy:
            return style
        return dataclasses.replace(style, encoding="utf-8", atom=False, header_charset=True)


@dataclass(frozen=True)
class Answer:
    """A rendered document: its bytes in the outlet's encoding and its HTTP headers."""

    body: bytes
    headers: dict[str, str]

    def route(self) -> Route:
        """The answer as a route of ``LocalServer``."""
        return Route(self.body, headers=self.headers)


def _encode(text: str, style: OutletStyle) -> bytes:
    # Characters the legacy encoding lacks become numeric references, as CMSs write them.
    return text.encode(style.encoding, "xmlcharrefreplace")


def _content_type(kind: str, style: OutletStyle) -> str:
    return f"{kind}; charset={style.encoding}" if style.header_charset else kind


def _paragraphs(document: IndexDocument) -> list[str]:
    return [p for p in document.text.split("\n\n") if p.strip()]


def local(document: IndexDocument) -> datetime:
    """When ``document`` was published, in its outlet's time zone."""
    assert document.published is not None  # the corpus dates every article
    offset = STYLES[document.outlet].utc_offset_hours
    return document.published.astimezone(timezone(timedelta(hours=offset)))


def article_path(document: IndexDocument) -> str:
    """Where the site serves ``document``'s page."""
    day = local(document)
    return f"/{STYLES[document.outlet].slug}/{day:%Y/%m/%d}/{document.article_id}.html"


def _links(items: Sequence[IndexDocument], css: str) -> str:
    return "".join(
        f'<li class="{css}"><a href="{article_path(item)}">{html.escape(item.title)}</a></li>'
        for item in items
    )


@dataclass(frozen=True)
class _Parts:
    """The furniture of a page, around what every page has (empty on a plain page)."""

    head: str = ""
    banner: str = ""
    header: str = ""
    breadcrumbs: str = ""
    figure: str = ""
    after_text: str = ""
    asides: str = ""
    footer_links: str = ""
    rights: str = ""
    tail: str = ""


def _furniture(
    document: IndexDocument,
    style: OutletStyle,
    related: Sequence[IndexDocument],
    most_read: Sequence[IndexDocument],
) -> _Parts:
    language = document.language or "en"
    slug = style.slug
    sections = SECTIONS[language].split()
    related_label, most_read_label, share, subscribe, rights, cookies = FURNITURE[language]
    outlet = html.escape(document.outlet)
    menu = "".join(
        f'<li class="menu-item"><a href="/{slug}/{n}/">{name}</a><ul class="sub">'
        + "".join(f'<li><a href="/{slug}/{n}/{k}/">{name} {k}</a></li>' for k in range(1, 7))
        + "</ul></li>"
        for n, name in enumerate(sections)
    )
    footer = "".join(
        f'<li><a href="/{slug}/info/{k}">{sections[k % len(sections)]} · {k}</a></li>'
        for k in range(24)
    )
    tags = "".join(f'<a href="/{slug}/tag/{s}">#{s}</a> ' for s in sections[:4])
    ld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": document.title,
            "datePublished": local(document).isoformat(),
            "publisher": {"@type": "Organization", "name": document.outlet},
            "inLanguage": language,
        },
        ensure_ascii=False,
    )
    return _Parts(
        head=f'<link rel="stylesheet" href="/{slug}/static/main.css?v=20261101">\n'
        f'<link rel="alternate" type="application/rss+xml" href="/{slug}/rss.xml">\n'
        f'<script type="application/ld+json">{ld}</script>\n'
        f"<script>(function(){{var _mm=window._mm||[];{_SCRIPT}}})();</script>\n",
        banner=f'<div id="top-banner" class="ad"><a href="/{slug}/ad/1">'
        '<img src="/ad/1.png" alt=""></a></div>\n',
        header=f'\n<form class="search" action="/{slug}/search"><input name="q"></form>\n'
        f'<nav class="main-menu"><ul>{menu}</ul></nav>\n'
        f'<a class="subscribe" href="/{slug}/subscribe">{subscribe}</a>',
        breadcrumbs=f'<div class="breadcrumbs"><a href="/{slug}/">{outlet}</a> ›\n'
        f'<a href="/{slug}/0/">{sections[0]}</a></div>\n',
        figure=f'<figure><img src="/{slug}/img/{document.article_id}.jpg" alt="">\n'
        f"<figcaption>{html.escape(document.title[:40])}</figcaption></figure>\n",
        after_text=f'<div class="tags">{tags}</div>\n<div class="share"><span>{share}</span>\n'
        '<a href="#fb">f</a><a href="#x">x</a><a href="#tg">tg</a></div>\n',
        asides=f'<aside class="related"><h2>{related_label}</h2><ul>{_links(related, "related")}'
        f'</ul></aside>\n<aside class="most-read"><h2>{most_read_label}</h2><ol>'
        f"{_links(most_read, 'top')}</ol></aside>\n"
        f'<div id="comments" data-id="{document.article_id}"></div>\n',
        footer_links=f"<ul>{footer}</ul>\n",
        rights=f" {rights}.",
        tail=f'<div class="cookie-banner">{cookies}. <button>OK</button></div>\n'
        f'<script src="/{slug}/static/app.js" async></script>\n',
    )


def render_page(
    document: IndexDocument,
    look: Look,
    related: Sequence[IndexDocument] = (),
    most_read: Sequence[IndexDocument] = (),
) -> Answer:
    """The article page of ``document``; with furniture, it links to the other articles."""
    style = look.style(document.outlet)
    parts = _furniture(document, style, related, most_read) if look.furniture else _Parts()
    title = html.escape(document.title)
    outlet = html.escape(document.outlet)
    published = local(document).isoformat()
    body = "".join(f"<p>{html.escape(paragraph)}</p>\n" for paragraph in _paragraphs(document))
    page = f"""<!DOCTYPE html>
<html lang="{document.language or "en"}"><head><meta charset="{style.encoding}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} | {outlet}</title>
<link rel="canonical" href="{article_path(document)}">
<meta property="og:type" content="article"><meta property="og:title" content="{title}">
<meta property="og:site_name" content="{outlet}">
<meta property="article:published_time" content="{published}">
{parts.head}</head><body class="article-page">
{parts.banner}<header class="site-header"><a class="logo" href="/{style.slug}/">{outlet}</a>\
{parts.header}</header>
<main>{parts.breadcrumbs}<article class="story">
<h1 class="headline">{title}</h1>
<div class="byline"><span class="author">{outlet}</span>
<time datetime="{published}">{published[:16].replace("T", " ")}</time></div>
{parts.figure}<div class="article-body">
{body}</div>
{parts.after_text}</article>
{parts.asides}</main>
<footer class="site-footer">{parts.footer_links}<p>© 2026 {outlet}.{parts.rights}</p></footer>
{parts.tail}</body></html>
"""
    return Answer(_encode(page, style), {"Content-Type": _content_type("text/html", style)})


def _summary(document: IndexDocument) -> str:
    return _paragraphs(document)[0][:200]


def render_feed(outlet: str, number: int, items: Sequence[IndexDocument], look: Look) -> Answer:
    """Feed ``number`` of ``outlet`` listing ``items`` (give them newest first)."""
    style = look.style(outlet)
    language = LANGUAGE_OF[outlet]
    section = SECTIONS[language].split()[number % 10]
    name = html.escape(f"{outlet} — {section} {number}")
    home = f"/{style.slug}/"
    if style.atom:
        updated = local(items[0]).isoformat() if items else FIRST_DAY.isoformat()
        entries = "".join(
            f"<entry><title>{html.escape(d.title)}</title>"
            f'<link rel="alternate" href="{article_path(d)}"/>'
            f"<id>tag:{style.slug}.example,2026:{d.article_id}</id>"
            f"<updated>{local(d).isoformat()}</updated><published>{local(d).isoformat()}"
            f"</published><author><name>{html.escape(outlet)}</name></author>"
            f'<summary type="html">{html.escape("<p>" + html.escape(_summary(d)) + "</p>")}'
            "</summary></entry>\n"
            for d in items
        )
        text = (
            f'<?xml version="1.0" encoding="{style.encoding}"?>\n'
            f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{language}">'
            f'<title>{name}</title><link href="{home}"/><id>tag:{style.slug}.example,2026:'
            f"feed-{number}</id><updated>{updated}</updated>\n{entries}</feed>\n"
        )
        kind = "application/atom+xml"
    else:
        entries = "".join(
            f"<item><title>{html.escape(d.title)}</title><link>{article_path(d)}</link>"
            f'<guid isPermaLink="false">{style.slug}-{d.article_id}</guid>'
            f"<pubDate>{local(d):%a, %d %b %Y %H:%M:%S %z}</pubDate>"
            f"<category>{section}</category>"
            f"<description><![CDATA[<p>{html.escape(_summary(d))}</p>]]></description></item>\n"
            for d in items
        )
        text = (
            f'<?xml version="1.0" encoding="{style.encoding}"?>\n<rss version="2.0"><channel>'
            f"<title>{name}</title><link>{home}</link><language>{language}</language>"
            f"<description>{name}</description>\n{entries}</channel></rss>\n"
        )
        kind = "application/rss+xml"
    return Answer(_encode(text, style), {"Content-Type": _content_type(kind, style)})


def newest_first(documents: Sequence[IndexDocument]) -> list[IndexDocument]:
    """``documents`` in the order a feed lists them."""
    return sorted(documents, key=local)[::-1]


class Gzipped:
    """A route kept gzip-compressed in memory (a large site fits): sent as it is to a client
    that accepts gzip, decompressed for one that does not. A handler for ``LocalServer``."""

    def __init__(self, answer: Answer) -> None:
        self.compressed = Route(
            gzip.compress(answer.body, 6), headers={**answer.headers, "Content-Encoding": "gzip"}
        )
        self._headers = answer.headers

    def __call__(self, request: Request) -> Route:
        if "gzip" in request.headers.get("accept-encoding", ""):
            return self.compressed
        return Route(gzip.decompress(self.compressed.body), headers=self._headers)
