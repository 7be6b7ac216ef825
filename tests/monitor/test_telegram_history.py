"""Edits and deletions of Telegram posts are evidence: an edited post keeps each text it had
with its time, a post gone from a page that still covers its id is marked deleted and kept.
Read from preview pages served by a real HTTP server into a real store."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor import Monitor, open_monitor
from monitor.cli.output import format_article
from monitor.types import Article, ArticleState
from tests.support.argos_factory import build_package
from tests.support.http_server import LocalServer
from tests.support.telegram_pages import EditableChannel, channel_settings

NAME = "claims_desk"
COUNT = 30


def said(number: int) -> str:
    return f"Сообщение номер {number}: войска отошли от города."


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def channel(server: LocalServer) -> EditableChannel:
    channel = EditableChannel(NAME, COUNT, said)
    channel.mount(server)
    return channel


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def monitor(
    tmp_path: Path, server: LocalServer, channel: EditableChannel, clock: Clock
) -> Iterator[Monitor]:
    settings = channel_settings(server)
    with open_monitor(tmp_path / "data", fetch_settings=settings, clock=clock) as opened:
        opened.add_source(f"@{NAME}", check=False)
        opened.update()
        assert len(opened.articles()) == COUNT
        yield opened


def post(monitor: Monitor, number: int) -> Article:
    [found] = [a for a in monitor.articles() if a.guid == f"{NAME}/{number}"]
    return found


def test_an_edited_post_keeps_both_versions_with_their_times(
    monitor: Monitor, channel: EditableChannel, clock: Clock
):
    channel.texts[25] = "Сообщение номер 25: войска вошли в город."
    clock.now = datetime(2026, 3, 2, 14, 5, tzinfo=UTC)
    [report] = monitor.update().reports
    assert (report.new, report.updated) == (0, 1)
    edited = post(monitor, 25)
    assert edited.text == "Сообщение номер 25: войска вошли в город."
    assert (edited.versions, edited.edited_at) == (2, clock.now)
    assert edited.deleted_since is None
    first, second = monitor.article_versions(edited.id)
    assert first.text == "Сообщение номер 25: войска отошли от города."
    assert first.seen_at == datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    assert (second.text, second.seen_at) == (edited.text, clock.now)
    assert "\nEdited:    2 versions (last UTC 2026-03-02T14:05:00" in format_article(edited)
    untouched = post(monitor, 24)
    assert "Edited:" not in format_article(untouched)
    assert (untouched.versions, untouched.edited_at) == (1, None)
    assert len(monitor.article_versions(untouched.id)) == 1

    clock.now = datetime(2026, 3, 2, 14, 30, tzinfo=UTC)  # read again, unchanged
    monitor.update()
    assert len(monitor.article_versions(edited.id)) == 2


def test_a_post_gone_from_a_page_covering_its_id_is_marked_deleted_and_kept(
    monitor: Monitor, channel: EditableChannel, clock: Clock
):
    # 15 lies within the latest page (posts 11-30, now 10-30); 5 is older than that page,
    # which is all a later update reads: its absence says nothing.
    channel.deleted |= {15, 5}
    clock.now = datetime(2026, 3, 2, 15, 30, tzinfo=UTC)
    monitor.update()
    gone = post(monitor, 15)
    assert gone.deleted_since == datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # last seen
    assert gone.text == "Сообщение номер 15: войска отошли от города."
    assert "\nDeleted:   not seen since UTC 2026-03-02T12:00:00" in format_article(gone)
    assert post(monitor, 5).deleted_since is None
    assert post(monitor, 16).deleted_since is None
    assert len(monitor.articles()) == COUNT

    channel.deleted.clear()  # back (a page that failed to show it, or restored)
    clock.now = datetime(2026, 3, 2, 16, 0, tzinfo=UTC)
    monitor.update()
    assert post(monitor, 15).deleted_since is None


def test_an_edited_post_keeps_the_translation_each_version_had(
    tmp_path: Path, server: LocalServer, clock: Clock
):
    channel = EditableChannel("translated_claims", 3, said)
    channel.mount(server)
    glossary = {"войска": "troops", "отошли": "withdrew", "вошли": "entered"}
    settings = channel_settings(server)
    with open_monitor(tmp_path / "data", fetch_settings=settings, clock=clock) as monitor:
        monitor.install_models([build_package(tmp_path / "stick", "ru", "en", glossary=glossary)])
        monitor.add_source("@translated_claims", check=False)
        monitor.update()
        channel.texts[2] = "Сообщение номер 2: войска вошли в город."
        clock.now = datetime(2026, 3, 2, 14, 5, tzinfo=UTC)
        monitor.update()
        [edited] = [a for a in monitor.articles() if a.guid == "translated_claims/2"]
        assert edited.state is ArticleState.TRANSLATED  # the new text translated again
        first, second = monitor.article_versions(edited.id)
    # The copy model with a glossary: each version's translation as it was made.
    assert first.translation is not None and "troops withdrew" in first.translation
    assert second.translation is not None and "troops entered" in second.translation
    assert first.text == said(2) and first.translation != second.translation
