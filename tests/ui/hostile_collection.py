"""A collection in which every string from outside is hostile markup, carried by a bundle.

Titles, outlet names, authors, summaries, page text, a language code, a source's error, a
watchlist's name and query: each is HTML that would load a local file, make a link, change
the type or hide text if any widget rendered it as rich text. The collection is made in one
data folder, exported as an air-gap bundle and imported into another, the way such text
reaches a journalist's machine. ``canary.png`` is solid magenta: a screenshot with magenta
in it has loaded the image.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtGui import QColor, QImage

from monitor import open_monitor
from monitor.store import ArticleDraft
from monitor.types import SourceKind
from tests.support.argos_factory import build_package
from tests.support.extraction import page_outcome
from tests.support.inside import parts

CANARY_COLOUR = QColor(255, 0, 255)
LINK = '<a href="http://127.0.0.1:1/x">click</a>'
BOLD = "<b>bold</b>"
ENTITY = "Fish &amp; Chips &lt;3"  # shown literally, never as "Fish & Chips <3"
ENTITY_DECODED = "Fish & Chips"
TABLE = "<table border=1><tr><td>cell</td></tr></table>"
STYLE = "<style>*{color:#ff00ff;font-size:40px}</style>"
RLO = "\u202eevil\u202c"
SEARCH_WORD = "canary"  # in every article: a search for it lists them all
WATCHLIST_QUERY = f'{SEARCH_WORD} OR "{BOLD}"'

# Markup from the data that must never reach a rich-text renderer unescaped. The app's own
# rich text uses <b>, <i>, <br>, <span> and <a href="https://…"> of its own, never these.
RAW_MARKERS = ("<img", '<a href="http://127.0.0.1', "<b>bold", "<table", "<style", "&lt;3")


def image(canary: Path) -> str:
    return f'<img src="file://{canary}" width="64" height="64">'


@dataclass(frozen=True)
class HostileCollection:
    data_dir: Path
    canary: Path
    base_id: int  # opened in the compare view
    other_ids: tuple[int, ...]  # the same story from the other outlets
    watchlist_name: str


def build_hostile_collection(root: Path) -> HostileCollection:
    """The collection in ``root / "data"`` (made in ``root / "origin"``, carried by bundle)."""
    root.mkdir(parents=True, exist_ok=True)
    canary = root / "canary.png"
    picture = QImage(64, 64, QImage.Format.Format_RGB32)
    picture.fill(CANARY_COLOUR)
    assert picture.save(str(canary))
    img = image(canary)
    now = datetime.now(UTC).replace(microsecond=0)
    watchlist_name = f"{BOLD} {LINK}"
    with open_monitor(root / "origin") as monitor:
        monitor.install_models([build_package(root / "models", "ru", "en")])
        store = parts(monitor).store
        outlets = [
            (f"{img} Outlet {BOLD}", "https://one.test/rss", "en"),
            (f"{BOLD} {TABLE} Herald", "https://two.test/rss", "en"),
            (f"Daily {LINK} {ENTITY} {RLO}", "https://three.test/<b>feed</b>", "ru"),
            (f"{STYLE}Gazette", "https://four.test/rss", "<i>zz</i>"),
        ]
        ids = []
        for number, (name, url, language) in enumerate(outlets):
            source = store.add_source(url, kind=SourceKind.FEED, name=name, language_hint=language)
            if number == 1:
                error = f"{img} 403 {BOLD} from the server"
                store.record_failure(source.id, error=error, at=now, next_attempt_at=None)
            body = _body(img, number, language)
            draft = ArticleDraft(
                source.id,
                f"guid-{number}",
                f"https://{number}.test/story?<b>x</b>",
                _title(img, number),
                f"{BOLD} {LINK} {RLO}",
                now - timedelta(hours=6 - number),
                -300 + number * 120,
                f"{img} summary {BOLD} {ENTITY}",
                f"<p>{img}</p>",
                language,
            )
            article_id = store.insert_article(draft)
            store.save_extraction(page_outcome(store.article(article_id), body, language=language))
            ids.append(article_id)
        list(monitor.translate_iter())
        list(monitor.sync_index())
        monitor.add_watchlist(watchlist_name, WATCHLIST_QUERY, existing_seen=False)
        bundle = root / "hostile.mmbundle"
        monitor.export_bundle(bundle, with_watchlists=True)
    with open_monitor(root / "data") as monitor:
        monitor.import_bundle(bundle)
        list(monitor.sync_index())
        imported = sorted(monitor.articles(), key=lambda a: a.guid or "")
        assert len(imported) == len(outlets)
        first, *others = (a.id for a in imported)
    return HostileCollection(root / "data", canary, first, tuple(others), watchlist_name)


def _title(img: str, number: int) -> str:
    return [
        f"{img}{BOLD} {LINK} {ENTITY} {SEARCH_WORD}",
        f"Breaking: {BOLD} {TABLE} {SEARCH_WORD} {RLO} launch",
        f"{ENTITY} {img} {SEARCH_WORD} harbour",
        f"{STYLE}{SEARCH_WORD} {LINK}",
    ][number]


def _body(img: str, number: int, language: str) -> str:
    story = (
        "The canary satellite launch from the harbour was delayed by wind. "
        "Engineers checked the canary rocket twice before the launch window opened."
    )
    if language == "ru":
        story = "Запуск спутника canary из гавани отложили из-за ветра. Инженеры проверили ракету."
    return (
        f"{img} {story}\n\n"
        f"{BOLD} {LINK} {ENTITY} {TABLE} {STYLE} {RLO} paragraph {number}.\n\n"
        f"See http://127.0.0.1:1/x for more. {story}"
    )
