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
from tests.support.argos_factory import build_package
from tests.support.http_server import LocalServer, Route
from tests.support.telegram_pages import HTML, EditableChannel, channel_settings
from tests.ui.dialog_support import screenshot
from tests.ui.test_readme_pictures import save_picture
from ui.queries import reader_content
from ui.reader import ReaderView
from ui.reader.header import post_line_html
from ui.reader.history import ADDED_COLOR, REMOVED_COLOR, moment_text
from ui.viewdata import ReaderContent

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


CLAIM = "Штаб сообщает: войска оставили Новоселовку после ожесточённых боёв."
REVISED = "Штаб сообщает: войска удерживают Новоселовку, бои продолжаются."
GLOSSARY = {
    "Штаб": "Staff",
    "сообщает": "reports",
    "войска": "troops",
    "оставили": "abandoned",
    "Новоселовку": "Novoselivka",
    "после": "after",
    "ожесточённых": "fierce",
    "боёв": "fighting",
    "удерживают": "hold",
    "бои": "battles",
    "продолжаются": "continue",
}


def read_an_edit(
    tmp_path: Path, server: LocalServer, before: str, after: str, *, translated: bool
) -> ReaderContent:
    """A channel read at 12:00 and again at 14:05, when its post 3 has been edited from
    ``before`` to ``after``: the reader's content of that post (translated by a real tiny
    ru→en package, or not)."""
    channel = EditableChannel(NAME, 5, lambda n: before)
    channel.mount(server)
    clock = Clock()
    settings = channel_settings(server)
    with open_monitor(tmp_path / "data", fetch_settings=settings, clock=clock) as monitor:
        if translated:
            package = build_package(tmp_path / "stick", "ru", "en", glossary=GLOSSARY)
            monitor.install_models([package])
        monitor.add_source(f"@{NAME}", check=False)
        monitor.update()
        channel.texts[3] = after
        clock.now = datetime(2026, 3, 2, 14, 5, tzinfo=UTC)
        monitor.update()
        [edited] = [a for a in monitor.articles() if a.guid == f"{NAME}/3"]
        return reader_content(monitor, edited.id)


def changes_shown(qtbot, view: ReaderView) -> list[str]:
    """Click Show changes; the lines the changes show."""
    qtbot.mouseClick(view.history.show_changes, Qt.MouseButton.LeftButton)
    assert view.history.changes.isVisible()
    drawn = QTextDocument()
    drawn.setHtml(view.history.changes.text())
    return drawn.toPlainText().splitlines()


def test_an_edited_post_shows_its_changes_word_by_word(
    qtbot, view: ReaderView, tmp_path: Path, server: LocalServer
):
    content = read_an_edit(tmp_path, server, CLAIM, REVISED, translated=True)
    view.show_content(content)
    history = view.history
    assert history.isVisible() and history.deleted.isHidden()
    changed = moment_text(datetime(2026, 3, 2, 14, 5, tzinfo=UTC))
    assert history.edited.text() == f"Edited: 2 versions, last changed {changed}"
    assert history.changes.isHidden()
    lines = changes_shown(qtbot, view)
    assert history.translation_note.isHidden()  # both versions were translated
    # The original's words and the translation's, as each version had them.
    assert lines[0] == "Russian" and lines[4] == "English"
    # Words and punctuation apart: "Новоселовку" stays, the comma after it is added.
    assert lines[2] == (
        "Штаб сообщает: войска оставили удерживают Новоселовку, после бои ожесточённых боёв"
        " продолжаются."
    )
    assert lines[6] == (
        "Staff reports: troops abandoned hold Novoselivka, after battles fierce fighting continue."
    )
    image = history.changes.grab().toImage()
    assert has_color(image, REMOVED_COLOR) and has_color(image, ADDED_COLOR)
    save_picture(view.grab(), "screenshot-edits.png", tmp_path)


def test_an_edit_made_before_translation_is_shown_in_the_original_only(
    qtbot, view: ReaderView, tmp_path: Path, server: LocalServer
):
    before = "Пост: войска <b>отошли</b> от города."
    after = "Пост: войска <b>вошли</b> в город."
    view.show_content(read_an_edit(tmp_path, server, before, after, translated=False))
    lines = changes_shown(qtbot, view)
    # The markup in the post shown as typed.
    assert lines[-1] == "Пост: войска <b>отошли вошли</b> от в города город."
    assert "English" not in lines
    # Untranslated now: the original's changes are all there is; no note needed.
    assert view.history.translation_note.isHidden()


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
