"""The reader shows a Telegram post's history: an edited post's changes word by word (struck
red, added green, drawn), a deleted post's banner; post text stays plain text."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QTextDocument

from monitor import open_monitor
from monitor.store.rows import post_details_from_json
from tests.support.http_server import LocalServer, Route
from tests.support.telegram_pages import HTML, EditableChannel, channel_settings
from tests.ui.dialog_support import screenshot
from ui.queries import reader_content
from ui.reader import ReaderView
from ui.reader.header import post_line_html
from ui.reader.history import ADDED_COLOR, REMOVED_COLOR, TRANSLATION_NOT_KEPT, moment_text

NAME = "front_claims"


@pytest.fixture
def view(qtbot) -> ReaderView:
    reader = ReaderView()
    qtbot.addWidget(reader)
    reader.resize(1000, 640)
    reader.show()
    qtbot.waitExposed(reader)
    return reader


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def has_color(image: QImage, color: str) -> bool:
    """Whether some pixel of ``image`` is close to ``color`` (text drawn in it)."""
    wanted = QColor(color)
    for y in range(image.height()):
        for x in range(image.width()):
            pixel = image.pixelColor(x, y)
            if (
                abs(pixel.red() - wanted.red()) < 40
                and abs(pixel.green() - wanted.green()) < 40
                and abs(pixel.blue() - wanted.blue()) < 40
            ):
                return True
    return False


def test_an_edited_post_shows_its_changes_word_by_word(
    qtbot, view: ReaderView, tmp_path: Path, server: LocalServer
):
    channel = EditableChannel(NAME, 5, lambda n: f"Пост {n}: войска <b>отошли</b> от города.")
    channel.mount(server)
    clock = Clock()
    settings = channel_settings(server)
    with open_monitor(tmp_path / "data", fetch_settings=settings, clock=clock) as monitor:
        monitor.add_source(f"@{NAME}", check=False)
        monitor.update()
        channel.texts[3] = "Пост 3: войска <b>вошли</b> в город."
        clock.now = datetime(2026, 3, 2, 14, 5, tzinfo=UTC)
        monitor.update()
        [edited] = [a for a in monitor.articles() if a.guid == f"{NAME}/3"]
        content = reader_content(monitor, edited.id)
    view.show_content(content)
    history = view.history
    assert history.isVisible() and history.deleted.isHidden()
    assert history.edited.text() == f"Edited: 2 versions, last changed {moment_text(clock.now)}"
    assert history.changes.isHidden()
    qtbot.mouseClick(history.show_changes, Qt.MouseButton.LeftButton)
    assert history.changes.isVisible() and history.translation_note.isVisible()
    assert history.translation_note.text() == TRANSLATION_NOT_KEPT
    drawn = QTextDocument()
    drawn.setHtml(history.changes.text())
    text = drawn.toPlainText()
    # Both versions' words are there, the markup in the post shown as typed.
    assert text.splitlines()[-1] == "Пост 3: войска <b>отошли</b> <b>вошли</b> от в города. город."
    image = history.changes.grab().toImage()
    assert has_color(image, REMOVED_COLOR) and has_color(image, ADDED_COLOR)


def test_a_deleted_post_shows_a_banner_and_keeps_its_text(
    view: ReaderView, tmp_path: Path, server: LocalServer
):
    channel = EditableChannel(NAME, 5, lambda n: f"Пост {n}: заявление штаба.")
    channel.mount(server)
    clock = Clock()
    settings = channel_settings(server)
    with open_monitor(tmp_path / "data", fetch_settings=settings, clock=clock) as monitor:
        monitor.add_source(f"@{NAME}", check=False)
        monitor.update()
        channel.deleted.add(3)
        clock.now = datetime(2026, 3, 2, 15, 30, tzinfo=UTC)
        monitor.update()
        [gone] = [a for a in monitor.articles() if a.guid == f"{NAME}/3"]
        content = reader_content(monitor, gone.id)
    view.show_content(content)
    assert view.history.isVisible() and view.history.edited.isHidden()
    last_seen = moment_text(datetime(2026, 3, 2, 12, 0, tzinfo=UTC))
    assert view.history.deleted.text() == (
        f"Deleted from the channel — not seen since {last_seen} (kept as last seen)"
    )
    assert "заявление штаба" in content.original_text


def test_a_post_shows_its_forward_reply_views_and_media(
    view: ReaderView, tmp_path: Path, server: LocalServer
):
    page = Path(__file__).parents[1] / "monitor" / "data" / "telegram" / "newsroom.html"
    server.add("/s/newsroom_kyiv", Route(page.read_bytes(), headers=HTML))
    with open_monitor(tmp_path / "data", fetch_settings=channel_settings(server)) as monitor:
        monitor.add_source("@newsroom_kyiv", check=False)
        monitor.update()
        posts = {a.guid: a.id for a in monitor.articles()}
        contents = {
            number: reader_content(monitor, posts[f"newsroom_kyiv/{number}"])
            for number in (102, 103, 104, 109)
        }
    shown = {}
    for number, content in contents.items():
        view.show_content(content)
        drawn = QTextDocument()
        drawn.setHtml(view.header.facts.text())
        shown[number] = drawn.toPlainText().splitlines()[-1]
    assert shown[102].startswith("Forwarded from Rates Watch · ")
    assert 'href="https://t.me/rates_watch/5531"' in post_line_html(contents[102].post)
    assert shown[103].startswith("in reply to a post · ")
    assert shown[104] == "3,000 views · 2 photos, 1 video"
    assert shown[109] == "640 views · document zvit-eksport-2026.pdf — 1.4 MB"
    assert not any("from the feed" in flag for flag in view.header.flag_texts(content))
    screenshot(view, "reader-post.png")


def test_post_details_from_a_hostile_store_are_dropped_not_trusted():
    hostile = (
        '{"views": "many", "forwarded_from": ["x"], "reply_to_url": "javascript:alert(1)",'
        ' "media": [{"kind": "photo"}, {"caption": "no kind"}, 7]}'
    )
    details = post_details_from_json(hostile)
    assert details is not None
    assert (details.views, details.forwarded_from) == (None, None)
    assert [item.kind for item in details.media] == ["photo"]
    assert post_line_html(details) == "in reply to a post · 1 photo"  # no javascript: link
    assert post_details_from_json("[1, 2]") is None
    assert post_details_from_json("{" * 100_000) is None
