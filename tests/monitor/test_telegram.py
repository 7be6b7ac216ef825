"""Telegram channel addresses and preview pages read as posts (pages written in Telegram's
markup, kept beside the tests in ``data/telegram``)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from monitor.collect.telegram import (
    ChannelPost,
    channel_name,
    channel_url,
    parse_channel_page,
    parse_views,
)
from monitor.errors import ChannelUnavailable

DATA = Path(__file__).parent / "data" / "telegram"
BASE = "https://t.me/s/newsroom_kyiv"


def read(name: str) -> str:
    return (DATA / name).read_text("utf-8")


@pytest.fixture(scope="module")
def posts() -> dict[int, ChannelPost]:
    page = parse_channel_page(read("newsroom.html"), "newsroom_kyiv", BASE)
    assert page.title == "Newsroom Kyiv"
    assert page.has_older
    return {post.id: post for post in page.posts}


@pytest.mark.parametrize(
    "address",
    [
        "@newsroom_kyiv",
        "t.me/newsroom_kyiv",
        "t.me/s/newsroom_kyiv",
        "https://t.me/s/newsroom_kyiv",
        " https://telegram.me/newsroom_kyiv/101 ",
    ],
)
def test_every_usual_address_names_the_channel(address: str):
    assert channel_name(address) == "newsroom_kyiv"
    assert channel_url("Newsroom_Kyiv") == "https://t.me/s/newsroom_kyiv"


@pytest.mark.parametrize(
    "address",
    [
        "@ab",
        "https://example.test/s/newsroom",
        "t.me/",
        "@no spaces",
        "t.me/s/",
        "https://t.me/joinchat/AAAAAE",
        "https://t.me/+AbCdEf123",
    ],
)
def test_other_addresses_are_not_channels(address: str):
    assert channel_name(address) is None


@pytest.mark.parametrize(
    ("shown", "count"), [("987", 987), ("1.2K", 1200), ("12.4K", 12400), ("1.1M", 1100000)]
)
def test_view_counts(shown: str, count: int):
    assert parse_views(shown) == count


def test_a_post_keeps_its_text_links_emoji_date_signature_and_views(posts):
    post = posts[101]
    assert post.url == "https://t.me/newsroom_kyiv/101"
    assert post.guid == "newsroom_kyiv/101"
    assert post.text == (
        "Україна відновила експорт зерна через порти Одеської області 🌾\n\n"
        "Докладніше: на сайті (https://example.test/news/grain) і https://example.test/short"
    )
    assert post.title == "Україна відновила експорт зерна через порти Одеської області 🌾"
    assert post.published == datetime(2026, 11, 20, 7, 15, tzinfo=UTC)
    assert post.published_offset_minutes == 0
    assert post.author == "Олена Коваль"
    assert post.views == 12400


def test_a_forward_names_and_links_the_original(posts):
    post = posts[102]
    assert post.forwarded_from == "Rates Watch"
    assert post.forwarded_from_url == "https://t.me/rates_watch/5531"
    assert post.author is None


def test_a_reply_links_the_post_it_answers_and_keeps_only_its_own_text(posts):
    post = posts[103]
    assert post.reply_to_url == "https://t.me/newsroom_kyiv/101"
    assert post.text.startswith("Оновлення:")
    assert "…" not in post.text


def test_an_album_is_one_post_listing_its_media(posts):
    post = posts[104]
    assert [media.kind for media in post.media] == ["photo", "photo", "video"]
    assert post.media[2].caption == "0:42"
    assert post.text == "Порт Чорноморськ сьогодні вранці: три фото і відео."
    assert 105 not in posts and 106 not in posts


def test_a_poll_is_text_and_a_service_message_is_no_post(posts):
    poll = posts[108]
    assert poll.text == ""
    assert poll.article_text == "Чи відновиться експорт до зими?\n• Так\n• Ні"
    assert poll.title == "Чи відновиться експорт до зими?"
    assert 107 not in posts  # "Channel photo updated"


def test_a_document_is_listed_with_its_name_and_the_details_are_json(posts):
    post = posts[109]
    details = json.loads(post.details_json())
    assert details["views"] == 640
    assert details["media"] == [
        {
            "kind": "document",
            "url": "https://t.me/newsroom_kyiv/109",
            "caption": "zvit-eksport-2026.pdf — 1.4 MB",
        }
    ]
    assert json.loads(posts[102].details_json())["forwarded_from"] == "Rates Watch"


def test_posts_come_oldest_first(posts):
    assert list(posts) == [101, 102, 103, 104, 108, 109]


def test_a_private_channel_says_so():
    with pytest.raises(ChannelUnavailable, match="channel is private"):
        parse_channel_page(read("private.html"), "closed_circle", "https://t.me/closed_circle")


def test_a_missing_channel_says_so():
    with pytest.raises(ChannelUnavailable, match="channel not found"):
        parse_channel_page(read("not_found.html"), "gone_channel", "https://t.me/gone_channel")


@pytest.mark.parametrize("content", ["", "<<<>>>", "\x00\x01", "<html><body>hi</body></html>"])
def test_anything_else_is_no_channel(content: str):
    with pytest.raises(ChannelUnavailable):
        parse_channel_page(content, "newsroom_kyiv", BASE)
