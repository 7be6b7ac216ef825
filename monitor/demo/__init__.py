"""The bundled demo collection: five invented outlets whose feeds and pages ship with the app.

A fresh install without network shows a real collection by following these outlets. Their
URLs all live on :data:`DEMO_HOST`, a reserved ``.invalid`` name that never resolves; the
fetch layer serves that host from this package's folder (``https://<DEMO_HOST>/<path>`` is the
file ``<path>`` under :func:`demo_root`), so the demo goes through the same fetch, parse and
extraction code as a real outlet.

The outlets and every story are invented and say so in their names and page footers. They
cover the same few events (a satellite launch, a grain contract, a typhoon, a trade fair, a
central-bank decision) in Korean, Russian, Chinese, Ukrainian and English, so that outlets
can be compared on one story. The files deliberately exercise the pipeline: legacy encodings
(EUC-KR, windows-1251), four feed formats (RSS 2.0, RSS 1.0/RDF, Atom, JSON Feed), one
Russian-language item in a Ukrainian feed, and one item whose page is missing so the text
must come from the feed.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from urllib.parse import unquote, urlsplit

from monitor.types import Outlet

DEMO_HOST = "demo.media-monitor.invalid"
DEMO_BASE_URL = f"https://{DEMO_HOST}"

# The only folders a demo URL may point into; anything else on the host is not demo data.
_SERVED_FOLDERS = ("feeds", "articles")


@dataclass(frozen=True, slots=True)
class DemoOutlet:
    """One invented outlet of the demo collection, and how its files are written."""

    key: str  # stable identifier, also the folder name in the URLs
    name: str
    language: str  # ISO 639-1 language the outlet declares
    country: str  # ISO 3166-1 alpha-2
    homepage: str
    feed_url: str
    encoding: str  # Python codec of its feed and pages
    feed_format: str  # "rss20", "rss10", "atom10" or "json11"

    def as_outlet(self) -> Outlet:
        """The same outlet as a catalog entry, for code that lists outlets of any origin."""
        return Outlet(
            key=f"demo-{self.key}",
            name=self.name,
            language=self.language,
            country=self.country,
            homepage=self.homepage,
            feed_url=self.feed_url,
        )


def _article_url(outlet_key: str, slug: str) -> str:
    return f"{DEMO_BASE_URL}/articles/{outlet_key}/{slug}.html"


def _demo_outlet(
    key: str, name: str, language: str, country: str, encoding: str, feed_format: str
) -> DemoOutlet:
    extension = "json" if feed_format.startswith("json") else "xml"
    return DemoOutlet(
        key=key,
        name=name,
        language=language,
        country=country,
        homepage=f"{DEMO_BASE_URL}/articles/{key}/",
        feed_url=f"{DEMO_BASE_URL}/feeds/{key}.{extension}",
        encoding=encoding,
        feed_format=feed_format,
    )


DEMO_OUTLETS: tuple[DemoOutlet, ...] = (
    _demo_outlet("seoul-wire", "Seoul Daily Wire (demo)", "ko", "KR", "euc_kr", "rss20"),
    _demo_outlet("neva-courier", "Neva Courier (demo)", "ru", "RU", "cp1251", "rss10"),
    _demo_outlet("east-river", "East River Bulletin (demo)", "zh", "CN", "utf-8", "atom10"),
    _demo_outlet("dnipro-morning", "Dnipro Morning (demo)", "uk", "UA", "utf-8", "rss20"),
    _demo_outlet("harbour-ledger", "Harbour Ledger (demo)", "en", "GB", "utf-8", "json11"),
)

# The one feed item whose page is deliberately not shipped: its text must come from the
# feed's content:encoded, which is how the pipeline's fallback is shown working.
MISSING_PAGE_URL = _article_url(
    "dnipro-morning", "ukrenerho-hrafikiv-vidkliuchen-ne-peredbachaietsia"
)

# The one item written in Russian although its feed declares Ukrainian.
RUSSIAN_ITEM_IN_UKRAINIAN_FEED_URL = _article_url(
    "dnipro-morning", "porty-odesshchiny-poluchat-dopolnitelnuyu-zagruzku"
)


def demo_root() -> Traversable:
    """The folder holding ``feeds/`` and ``articles/``; works from a wheel or a zip too."""
    return files(__name__)


def is_demo_url(url: str) -> bool:
    """True when ``url`` is on the demo host (whatever the path)."""
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return False
    return host == DEMO_HOST


def demo_resource(url: str) -> Traversable | None:
    """The shipped file a demo URL names, or None when there is none.

    Only ``feeds/`` and ``articles/`` are served, and path tricks (``..``, backslashes,
    encoded separators) never reach outside them.
    """
    if not is_demo_url(url):
        return None
    segments = [unquote(segment) for segment in urlsplit(url).path.split("/") if segment]
    if len(segments) < 2 or segments[0] not in _SERVED_FOLDERS:
        return None
    if any(segment in (".", "..") or any(c in segment for c in "/\\:\0") for segment in segments):
        return None
    resource = demo_root()
    for segment in segments:
        resource = resource / segment
    return resource if resource.is_file() else None


def find_demo_outlet(key: str) -> DemoOutlet | None:
    """The demo outlet called ``key`` (e.g. ``"seoul-wire"``), if there is one."""
    return next((outlet for outlet in DEMO_OUTLETS if outlet.key == key), None)
