"""A feed may not send the fetcher to this machine or its networks unless its source is there.

No test may reach the internet, so a "remote" site stands on 127.0.0.2, which the fetcher is
told to take as public (``FetchSettings.public_addresses``); everything else on loopback is
what it is, local. The target of every refused fetch is a real server that must see nothing.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor import open_monitor
from monitor.collect.addresses import host_literal, local_kind
from monitor.collect.fetch import Fetcher, FetchSettings
from monitor.errors import AddressRefused
from tests.support.http_server import LocalServer, Route

REMOTE = "127.0.0.2"


@pytest.fixture
def remote() -> Iterator[LocalServer]:
    with LocalServer(host=REMOTE) as server:
        yield server


@pytest.fixture
def local() -> Iterator[LocalServer]:
    with LocalServer() as server:
        yield server


@pytest.fixture
def fetcher() -> Iterator[Fetcher]:
    settings = FetchSettings(min_host_interval=0, public_addresses=(REMOTE,))
    with Fetcher(settings) as made:
        yield made


@pytest.mark.parametrize(
    ("host", "address"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("[::1]", "::1"),
        ("::ffff:127.0.0.1", "::ffff:127.0.0.1"),
        ("news.example", None),
    ],
)
def test_every_spelling_of_an_address_is_read(host: str, address: str | None):
    expected = None if address is None else ipaddress.ip_address(address)
    assert host_literal(host) == expected


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.9.9.9",
        "0.0.0.0",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "224.0.0.1",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "::ffff:10.0.0.1",
        "2002:7f00:1::1",  # 6to4 around 127.0.0.1
    ],
)
def test_local_addresses_are_named(address: str):
    assert local_kind(ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize("address", ["8.8.8.8", "93.184.216.34", "2001:4860:4860::8888"])
def test_public_addresses_are_public(address: str):
    assert local_kind(ipaddress.ip_address(address)) is None


def test_a_remote_feeds_item_link_to_this_machine_is_refused(
    fetcher: Fetcher, remote: LocalServer, local: LocalServer
):
    target = local.add("/admin", Route(b"secret"))
    feed = remote.add("/feed", Route(b"<rss/>"))
    for spelled in (target, target.replace("127.0.0.1", "0x7f000001")):
        with pytest.raises(AddressRefused, match="loopback address"):
            fetcher.fetch(spelled, origin=feed)
    assert local.requests == []


def test_a_redirect_from_a_remote_site_to_this_machine_is_refused(
    fetcher: Fetcher, remote: LocalServer, local: LocalServer
):
    target = local.add("/admin", Route(b"secret"))
    start = remote.add("/story", Route(status=302, headers={"Location": target}))
    with pytest.raises(AddressRefused, match=r"refused to fetch from 127\.0\.0\.1"):
        fetcher.fetch(start)
    assert len(remote.requests) == 1
    assert local.requests == []


def test_a_name_that_resolves_to_a_local_address_is_refused(
    fetcher: Fetcher, remote: LocalServer, local: LocalServer
):
    name = socket.gethostname()
    try:
        resolved = {info[4][0] for info in socket.getaddrinfo(name, None)}
    except OSError:
        pytest.skip(f"this machine's name {name} does not resolve")
    if not all(local_kind(ipaddress.ip_address(a)) for a in resolved):
        pytest.skip(f"{name} resolves to a public address here")
    port = local.base_url.rsplit(":", 1)[1]
    local.add("/admin", Route(b"secret"))
    with pytest.raises(AddressRefused, match=f"refused to fetch from {name}"):
        fetcher.fetch(f"http://{name}:{port}/admin", origin=remote.url("/feed"))
    assert local.requests == []


def test_a_source_on_this_machine_reaches_this_machine(fetcher: Fetcher, local: LocalServer):
    feed = local.add("/feed", Route(b"<rss/>"))
    page = local.add("/story", Route(status=302, headers={"Location": local.url("/final")}))
    local.add("/final", Route(b"<html>story</html>"))
    assert fetcher.fetch(feed).content == b"<rss/>"
    assert fetcher.fetch(page, origin=feed).content == b"<html>story</html>"


def test_a_pooled_connection_to_a_local_host_is_not_reused_for_a_remote_source(
    fetcher: Fetcher, remote: LocalServer, local: LocalServer
):
    page = local.add("/story", Route(b"<html>story</html>"))
    fetcher.fetch(page)  # allowed: the user's own local source; its connection is pooled
    with pytest.raises(AddressRefused):
        fetcher.fetch(page, origin=remote.url("/feed"))
    assert len(local.requests) == 1


def test_a_remote_site_is_fetched(fetcher: Fetcher, remote: LocalServer):
    page = remote.add("/story", Route(b"<html>story</html>"))
    assert fetcher.fetch(page, origin=remote.url("/feed")).content == b"<html>story</html>"


def _rss(items: list[tuple[str, str]]) -> bytes:
    body = "".join(
        f"<item><title>{title}</title><link>{link}</link><guid>{link}</guid>"
        f"<description>Feed text of {title}.</description></item>"
        for title, link in items
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Remote</title>'
        f"<language>en</language>{body}</channel></rss>"
    ).encode()


def test_an_update_keeps_the_feed_text_and_says_why_a_local_link_was_not_fetched(
    tmp_path: Path, remote: LocalServer, local: LocalServer
):
    secret = local.add("/admin", Route(b"<html><body><p>secret</p></body></html>"))
    story = remote.add("/story", Route(b"<html><body><article><p>" + b"Story. " * 40 + b"</p>"))
    bounce = remote.add("/bounce", Route(status=302, headers={"Location": secret}))
    feed = remote.add(
        "/rss",
        Route(_rss([("Story", story), ("Admin", secret), ("Bounce", bounce)])),
    )
    settings = FetchSettings(min_host_interval=0, public_addresses=(REMOTE,))
    with open_monitor(tmp_path / "data", fetch_settings=settings) as monitor:
        source = monitor.add_source(feed).source
        monitor.update([source.id])
        articles = {a.title: a for a in monitor.articles()}
    assert local.requests == []
    assert articles["Story"].last_error is None
    for title in ("Admin", "Bounce"):
        assert articles[title].text == f"Feed text of {title}."
        assert "refused to fetch from 127.0.0.1" in (articles[title].last_error or "")


def test_a_remote_page_advertising_a_feed_on_this_machine_is_not_followed_there(
    tmp_path: Path, remote: LocalServer, local: LocalServer
):
    secret = local.add("/feed", Route(_rss([("Admin", "http://127.0.0.1:1/x")])))
    page = remote.add(
        "/",
        Route(
            (
                f'<html><head><link rel="alternate" type="application/rss+xml" href="{secret}">'
                "</head><body><article><p>"
                + "A story on the front page. " * 30
                + "</p></article></body></html>"
            ).encode(),
            headers={"Content-Type": "text/html"},
        ),
    )
    settings = FetchSettings(min_host_interval=0, public_addresses=(REMOTE,))
    with open_monitor(tmp_path / "data", fetch_settings=settings) as monitor:
        added = monitor.add_source(page)
        urls = [source.url for source in monitor.sources()]
    assert local.requests == []
    assert urls == [page] and added.source.url == page
