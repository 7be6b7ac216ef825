"""Public Telegram channels in the catalog (issue 17): preview-page addresses, evidence, and
following one makes a channel source, not a feed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from monitor import open_monitor
from monitor.sources.catalog import (
    ABSENT,
    CATALOG,
    CatalogError,
    feed_label,
    find_outlet,
    parse_catalog,
)
from monitor.types import Outlet, SourceKind

CHANNELS = tuple(outlet for outlet in CATALOG if outlet.kind is SourceKind.TELEGRAM)

CHANNEL = """
[[outlet]]
key = "harbour-courier-telegram"
kind = "telegram"
name = "Harbour Courier — Telegram"
language = "en"
country = "GB"
homepage = "https://courier.example.org/"
feed_url = "https://t.me/s/harbour_courier"
state_affiliated = false
confirmed = false
note = "no public source names the channel"
"""


def test_the_catalog_has_channels_in_the_monitored_languages() -> None:
    assert len(CHANNELS) >= 8
    assert {"ru", "uk"} <= {channel.language for channel in CHANNELS}
    tass = find_outlet("tass-telegram-ru")
    assert tass is not None and tass.feed_url == "https://t.me/s/tass_agency"
    assert tass.state_affiliated
    assert find_outlet("tass-ru") is not None and find_outlet("tass-ru").kind is SourceKind.FEED


def test_languages_without_evidenced_channels_say_why() -> None:
    left_out = {omission.language for omission in ABSENT if "Telegram" in omission.name}
    assert "zh" in left_out


@pytest.mark.parametrize("channel", CHANNELS, ids=lambda outlet: outlet.key)
def test_every_channel_is_a_preview_page_with_evidence_or_says_it_is_unconfirmed(
    channel: Outlet,
) -> None:
    match = re.fullmatch(r"https://t\.me/s/([a-z][a-z0-9_]{3,31})", channel.feed_url)
    assert match, channel.feed_url
    if channel.confirmed:
        name = match.group(1)
        assert any(name in evidence.shows.lower() for evidence in channel.evidence), channel.key
    else:
        assert channel.note
    assert feed_label(channel) == "Telegram channel"


def test_a_channel_outside_the_preview_page_is_a_catalog_error() -> None:
    assert parse_catalog(CHANNEL).outlets[0].kind is SourceKind.TELEGRAM
    for wrong in ("https://t.me/harbour_courier", "https://t.me/s/Harbour_Courier"):
        with pytest.raises(CatalogError, match=r"must be https://t\.me/s/<name>"):
            parse_catalog(CHANNEL.replace("https://t.me/s/harbour_courier", wrong))
    with pytest.raises(CatalogError, match="kind 'video' is not one of 'feed', 'telegram'"):
        parse_catalog(CHANNEL.replace('kind = "telegram"', 'kind = "video"'))


def test_following_a_catalog_channel_adds_a_telegram_source(tmp_path: Path) -> None:
    channel = find_outlet("suspilne-telegram-uk")
    feed = find_outlet("suspilne-uk")
    assert channel is not None and feed is not None
    with open_monitor(tmp_path) as monitor:
        added = monitor.add_outlets([channel, feed])
        assert [(s.url, s.kind) for s in added] == [
            ("https://t.me/s/suspilnenews", SourceKind.TELEGRAM),
            (feed.feed_url, SourceKind.FEED),
        ]
        assert monitor.add_outlets([channel]) == []  # followed once
