"""A Telegram channel's posts in the article list carry a "TG" badge beside the outlet and a
muted "edited" or "deleted" when changed since read; the channel's sidebar row has the badge.
A feed's articles and outlet have neither. Checked in what is painted."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtWidgets import QHBoxLayout, QTreeWidget, QTreeWidgetItem, QWidget
from pytestqt.qtbot import QtBot

from monitor import open_monitor
from monitor.store import ArticleDraft
from monitor.types import SourceKind
from tests.support.http_server import LocalServer
from tests.support.inside import parts
from tests.support.telegram_pages import EditableChannel, channel_settings
from tests.ui.drawn_text import drawn_text
from ui.article_delegate import CHANNEL_BADGE, DELETED_MARK, EDITED_MARK, ROW_ROLE
from ui.article_list import ArticleList
from ui.queries import article_rows, source_rows
from ui.sidebar import KIND_ROLE, SOURCE, Sidebar
from ui.viewdata import ArticleRow, SourceRow

NAME = "front_claims"
FEED_TITLE = "Harbour reopens after storm"


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def collection(tmp_path: Path, server: LocalServer) -> tuple[list[SourceRow], list[ArticleRow]]:
    channel = EditableChannel(NAME, 5, lambda n: f"Пост {n}: заявление штаба.")
    channel.mount(server)
    clock = Clock()
    settings = channel_settings(server)
    with open_monitor(tmp_path / "data", fetch_settings=settings, clock=clock) as monitor:
        monitor.add_source(f"@{NAME}", check=False)
        monitor.update()
        channel.texts[3] = "Пост 3: войска вошли в город."
        channel.deleted.add(4)
        clock.now = datetime(2026, 3, 2, 14, 0, tzinfo=UTC)
        monitor.update()
        store = parts(monitor).store
        feed = store.add_source("https://harbour.test/rss", kind=SourceKind.FEED, name="Harbour")
        draft = ArticleDraft(
            feed.id,
            "harbour-1",
            "https://harbour.test/1",
            FEED_TITLE,
            None,
            datetime(2026, 3, 2, 11, 0, tzinfo=UTC),
            0,
            "summary",
            "",
            "en",
        )
        store.insert_article(draft)
        return source_rows(monitor), article_rows(monitor)


def _row_text(articles: ArticleList, row: ArticleRow) -> str:
    model = articles.view.model()
    position = next(i for i in range(model.rowCount()) if model.index(i, 0).data(ROW_ROLE) == row)
    return drawn_text(articles.view.viewport(), articles.view.visualRect(model.index(position, 0)))


def _walk(tree: QTreeWidget) -> list[QTreeWidgetItem]:
    found: list[QTreeWidgetItem] = []
    pending = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    while pending:
        item = pending.pop(0)
        if item is not None:
            found.append(item)
            pending.extend(item.child(i) for i in range(item.childCount()))
    return found


def test_channel_posts_and_channel_row_show_badge_and_marks(
    qtbot: QtBot, collection: tuple[list[SourceRow], list[ArticleRow]]
) -> None:
    sources, rows = collection
    edited = next(r for r in rows if r.edited)
    deleted = next(r for r in rows if r.deleted)
    plain = next(r for r in rows if r.from_channel and not (r.edited or r.deleted))
    feed = next(r for r in rows if r.title == FEED_TITLE)
    assert not feed.from_channel and edited.from_channel and deleted.from_channel

    window = QWidget()
    qtbot.addWidget(window)
    sidebar = Sidebar()
    articles = ArticleList(now=lambda: datetime(2026, 3, 2, 15, 0, tzinfo=UTC))
    layout = QHBoxLayout(window)
    layout.addWidget(sidebar, 1)
    layout.addWidget(articles, 2)
    sidebar.set_sources(sources)
    articles.set_rows(rows)
    window.resize(1000, 560)
    window.show()
    qtbot.waitExposed(window)

    edited_text = _row_text(articles, edited)
    assert CHANNEL_BADGE in edited_text.split() and EDITED_MARK in edited_text.split()
    deleted_text = _row_text(articles, deleted)
    assert CHANNEL_BADGE in deleted_text.split() and DELETED_MARK in deleted_text.split()
    plain_text = _row_text(articles, plain)
    assert CHANNEL_BADGE in plain_text.split()
    assert EDITED_MARK not in plain_text and DELETED_MARK not in plain_text
    feed_text = _row_text(articles, feed)
    assert "Harbour" in feed_text
    for word in (CHANNEL_BADGE, EDITED_MARK, DELETED_MARK):
        assert word not in feed_text.split()

    tree = sidebar.tree
    outlets = [o for o in _walk(tree) if o.data(0, KIND_ROLE) == SOURCE]
    channel_item = next(o for o in outlets if o.text(0) != "Harbour")
    feed_item = next(o for o in outlets if o.text(0) == "Harbour")
    channel_drawn = drawn_text(tree.viewport(), tree.visualItemRect(channel_item))
    assert CHANNEL_BADGE in channel_drawn.split()
    feed_drawn = drawn_text(tree.viewport(), tree.visualItemRect(feed_item))
    assert "Harbour" in feed_drawn and CHANNEL_BADGE not in feed_drawn.split()

    assert window.grab().save("/tmp/ui-shots/telegram-rows.png")
