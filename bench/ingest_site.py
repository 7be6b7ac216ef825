"""A synthetic news site on 127.0.0.1 for the ingest benchmark: feeds and article pages.

Twenty outlets (those of :mod:`bench.corpus`) publish the corpus's articles. Each outlet has
section feeds of :data:`ITEMS_PER_FEED` items (RSS 2.0 or Atom) linking to article pages
wrapped in the boilerplate real news pages carry: a mega-menu, breadcrumbs, a byline, a
figure, tags, share buttons, related and most-read lists, a footer, a cookie banner, inline
scripts and JSON-LD. Some outlets serve legacy encodings (windows-1251, EUC-KR, GBK,
GB18030), declared in the HTTP header, in the document, or both, as real outlets do.

Everything is rendered and gzip-compressed in memory before the server starts, so serving is a
dictionary look-up and a socket write. Run as a child process so that its CPU does not
compete with the benchmarked process for the GIL::

    python -m bench.ingest_site --sizes 1000,10000 [--no-eval]

It prints one JSON line (``{"port": ...}``) when it is ready and stops when its standard
input closes. Besides the site it serves ``/__manifest/N`` (the feed paths of the first N
articles, and each article's language and text length) and ``/__stats`` (its own CPU time).
"""

from __future__ import annotations

import argparse
import gzip
import html
import http.server
import json
import random
import resource
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from bench.corpus import OUTLETS, Corpus
from indexes.types import IndexDocument

ITEMS_PER_FEED = 50
RELATED_LINKS = 8
MOST_READ_LINKS = 10


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


@dataclass
class Site:
    """The rendered site: path -> (gzip body, headers), and a manifest for each size."""

    routes: dict[str, tuple[bytes, dict[str, str]]] = field(default_factory=dict)
    manifests: dict[int, bytes] = field(default_factory=dict)
    page_bytes: int = 0  # uncompressed bytes of all article pages
    pages: int = 0


def _encode(text: str, style: OutletStyle) -> bytes:
    # Characters the legacy encoding lacks become numeric references, as CMSs write them.
    return text.encode(style.encoding, "xmlcharrefreplace")


def _paragraphs(document: IndexDocument) -> list[str]:
    return [p for p in document.text.split("\n\n") if p.strip()]


def _local(document: IndexDocument) -> datetime:
    """When ``document`` was published, in its outlet's time zone."""
    assert document.published is not None  # the corpus dates every article
    offset = STYLES[document.outlet].utc_offset_hours
    return document.published.astimezone(timezone(timedelta(hours=offset)))


def _article_path(document: IndexDocument) -> str:
    style = STYLES[document.outlet]
    day = _local(document)
    return f"/{style.slug}/{day:%Y/%m/%d}/{document.article_id}.html"


def _local_time(document: IndexDocument) -> str:
    return _local(document).isoformat()


def render_page(
    document: IndexDocument, related: Sequence[IndexDocument], most_read: Sequence[IndexDocument]
) -> str:
    """The article page of ``document``, with links to other articles around it."""
    style = STYLES[document.outlet]
    language = document.language or "en"
    sections = SECTIONS[language].split()
    related_label, most_read_label, share, subscribe, rights, cookies = FURNITURE[language]
    title = html.escape(document.title)
    outlet = html.escape(document.outlet)
    path = _article_path(document)
    published = _local_time(document)
    charset_meta = f'<meta charset="{style.encoding}">'

    def links(items: Sequence[IndexDocument], css: str) -> str:
        return "".join(
            f'<li class="{css}"><a href="{_article_path(item)}">{html.escape(item.title)}</a></li>'
            for item in items
        )

    menu = "".join(
        f'<li class="menu-item"><a href="/{style.slug}/{n}/">{name}</a><ul class="sub">'
        + "".join(f'<li><a href="/{style.slug}/{n}/{k}/">{name} {k}</a></li>' for k in range(1, 7))
        + "</ul></li>"
        for n, name in enumerate(sections)
    )
    footer = "".join(
        f'<li><a href="/{style.slug}/info/{k}">{sections[k % len(sections)]} · {k}</a></li>'
        for k in range(24)
    )
    body = "".join(f"<p>{html.escape(paragraph)}</p>\n" for paragraph in _paragraphs(document))
    tags = "".join(f'<a href="/{style.slug}/tag/{s}">#{s}</a> ' for s in sections[:4])
    ld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": document.title,
            "datePublished": published,
            "publisher": {"@type": "Organization", "name": document.outlet},
            "inLanguage": language,
        },
        ensure_ascii=False,
    )
    return f"""<!DOCTYPE html>
<html lang="{language}"><head>{charset_meta}
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} | {outlet}</title>
<link rel="canonical" href="{path}">
<meta property="og:type" content="article"><meta property="og:title" content="{title}">
<meta property="og:site_name" content="{outlet}">
<meta property="article:published_time" content="{published}">
<link rel="stylesheet" href="/{style.slug}/static/main.css?v=20261101">
<link rel="alternate" type="application/rss+xml" href="/{style.slug}/rss.xml">
<script type="application/ld+json">{ld}</script>
<script>(function(){{var _mm=window._mm||[];{_SCRIPT}}})();</script>
</head><body class="article-page">
<div id="top-banner" class="ad"><a href="/{style.slug}/ad/1"><img src="/ad/1.png" alt=""></a></div>
<header class="site-header"><a class="logo" href="/{style.slug}/">{outlet}</a>
<form class="search" action="/{style.slug}/search"><input name="q"></form>
<nav class="main-menu"><ul>{menu}</ul></nav>
<a class="subscribe" href="/{style.slug}/subscribe">{subscribe}</a></header>
<main><div class="breadcrumbs"><a href="/{style.slug}/">{outlet}</a> ›
<a href="/{style.slug}/0/">{sections[0]}</a></div>
<article class="story">
<h1 class="headline">{title}</h1>
<div class="byline"><span class="author">{outlet}</span>
<time datetime="{published}">{published[:16].replace("T", " ")}</time></div>
<figure><img src="/{style.slug}/img/{document.article_id}.jpg" alt="">
<figcaption>{html.escape(document.title[:40])}</figcaption></figure>
<div class="article-body">
{body}</div>
<div class="tags">{tags}</div>
<div class="share"><span>{share}</span>
<a href="#fb">f</a><a href="#x">x</a><a href="#tg">tg</a></div>
</article>
<aside class="related"><h2>{related_label}</h2><ul>{links(related, "related")}</ul></aside>
<aside class="most-read"><h2>{most_read_label}</h2><ol>{links(most_read, "top")}</ol></aside>
<div id="comments" data-id="{document.article_id}"></div>
</main>
<footer class="site-footer"><ul>{footer}</ul>
<p>© 2026 {outlet}. {rights}.</p></footer>
<div class="cookie-banner">{cookies}. <button>OK</button></div>
<script src="/{style.slug}/static/app.js" async></script>
</body></html>
"""


def _summary(document: IndexDocument) -> str:
    first = _paragraphs(document)[0]
    return first[:200]


def render_feed(outlet: str, number: int, items: Sequence[IndexDocument]) -> str:
    """Feed ``number`` of ``outlet`` listing ``items`` (newest first)."""
    style = STYLES[outlet]
    language = items[0].language or "en" if items else "en"
    name = html.escape(f"{outlet} — {SECTIONS[language].split()[number % 10]} {number}")
    home = f"/{style.slug}/"
    if style.atom:
        entries = "".join(
            f"<entry><title>{html.escape(d.title)}</title>"
            f'<link rel="alternate" href="{_article_path(d)}"/>'
            f"<id>tag:{style.slug}.example,2026:{d.article_id}</id>"
            f"<updated>{_local_time(d)}</updated><published>{_local_time(d)}</published>"
            f"<author><name>{html.escape(outlet)}</name></author>"
            f'<summary type="html">{html.escape("<p>" + html.escape(_summary(d)) + "</p>")}'
            "</summary></entry>\n"
            for d in items
        )
        return (
            f'<?xml version="1.0" encoding="{style.encoding}"?>\n'
            f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{language}">'
            f'<title>{name}</title><link href="{home}"/><id>tag:{style.slug}.example,2026:'
            f"feed-{number}</id><updated>{_local_time(items[0])}</updated>\n{entries}</feed>\n"
        )
    entries = "".join(
        f"<item><title>{html.escape(d.title)}</title><link>{_article_path(d)}</link>"
        f'<guid isPermaLink="false">{style.slug}-{d.article_id}</guid>'
        f"<pubDate>{_local(d):%a, %d %b %Y %H:%M:%S %z}</pubDate>"
        f"<category>{SECTIONS[language].split()[number % 10]}</category>"
        f"<description><![CDATA[<p>{html.escape(_summary(d))}</p>]]></description></item>\n"
        for d in items
    )
    return (
        f'<?xml version="1.0" encoding="{style.encoding}"?>\n<rss version="2.0"><channel>'
        f"<title>{name}</title><link>{home}</link><language>{language}</language>"
        f"<description>{name}</description>\n{entries}</channel></rss>\n"
    )


def _content_type(kind: str, style: OutletStyle) -> str:
    return f"{kind}; charset={style.encoding}" if style.header_charset else kind


def build_site(sizes: Sequence[int], *, seed: int = 20261120, use_eval: bool = True) -> Site:
    """Render the first ``max(sizes)`` corpus articles, and feeds for each size."""
    corpus = Corpus(seed, use_eval=use_eval)
    documents = list(corpus.articles(0, max(sizes)))
    rng = random.Random(f"{seed}:site")
    by_language: dict[str, list[IndexDocument]] = {}
    for document in documents:
        by_language.setdefault(document.language or "en", []).append(document)
    site = Site()
    for document in documents:
        peers = by_language[document.language or "en"]
        related = rng.sample(peers, min(RELATED_LINKS, len(peers)))
        most_read = rng.sample(peers, min(MOST_READ_LINKS, len(peers)))
        page = _encode(render_page(document, related, most_read), STYLES[document.outlet])
        site.page_bytes += len(page)
        site.pages += 1
        headers = {"Content-Type": _content_type("text/html", STYLES[document.outlet])}
        site.routes[_article_path(document)] = (gzip.compress(page, 6), headers)
    for size in sizes:
        feeds: list[str] = []
        by_outlet: dict[str, list[IndexDocument]] = {}
        for document in documents[:size]:
            by_outlet.setdefault(document.outlet, []).append(document)
        for outlet in (name for names in OUTLETS.values() for name in names):
            style = STYLES[outlet]
            newest_first = sorted(by_outlet.get(outlet, []), key=_local)[::-1]
            for number, start in enumerate(range(0, len(newest_first), ITEMS_PER_FEED)):
                items = newest_first[start : start + ITEMS_PER_FEED]
                path = f"/{style.slug}/feeds/n{size}/{number}.xml"
                kind = "application/atom+xml" if style.atom else "application/rss+xml"
                body = _encode(render_feed(outlet, number, items), style)
                headers = {
                    "Content-Type": _content_type(kind, style),
                    "ETag": f'"{style.slug}-{size}-{number}"',
                    "Last-Modified": "Tue, 01 Dec 2026 08:00:00 GMT",
                }
                site.routes[path] = (gzip.compress(body, 6), headers)
                feeds.append(path)
        articles = {_article_path(d): [d.language, len(d.text), d.outlet] for d in documents[:size]}
        site.manifests[size] = json.dumps(
            {"feeds": feeds, "articles": articles, "page_bytes": site.page_bytes / site.pages},
            ensure_ascii=False,
        ).encode()
    return site


class SiteServer:
    """Serves a :class:`Site` on 127.0.0.1 from a daemon thread (HTTP/1.1, keep-alive)."""

    def __init__(self, site: Site) -> None:
        self.site = site
        self.requests = 0
        lock = threading.Lock()
        server = self

        class _Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                with lock:
                    server.requests += 1
                path = self.path
                headers: dict[str, str]
                gzipped = "gzip" in self.headers.get("Accept-Encoding", "")
                if path.startswith("/__manifest/"):
                    size = path.rsplit("/", 1)[1]
                    body = site.manifests.get(int(size) if size.isdigit() else 0, b"{}")
                    headers, gzipped = {}, False
                elif path == "/__stats":
                    usage = resource.getrusage(resource.RUSAGE_SELF)
                    stats = {"cpu": usage.ru_utime + usage.ru_stime, "requests": server.requests}
                    body, headers, gzipped = json.dumps(stats).encode(), {}, False
                elif path in site.routes:
                    body, headers = site.routes[path]
                    if not gzipped:
                        body = gzip.decompress(body)
                else:
                    self.send_error(404)
                    return
                self.send_response(200)
                for name, value in headers.items():
                    self.send_header(name, value)
                if gzipped:
                    self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    def __enter__(self) -> SiteServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


def main() -> None:
    parser = argparse.ArgumentParser(description="serve the ingest benchmark's synthetic site")
    parser.add_argument("--sizes", required=True, help="article counts, comma-separated")
    parser.add_argument("--no-eval", action="store_true")
    arguments = parser.parse_args()
    sizes = [int(size) for size in arguments.sizes.split(",")]
    site = build_site(sizes, use_eval=not arguments.no_eval)
    with SiteServer(site) as server:
        print(json.dumps({"port": server.port, "page_bytes": site.page_bytes / site.pages}))
        sys.stdout.flush()
        sys.stdin.read()  # until the parent closes the pipe


if __name__ == "__main__":
    main()
