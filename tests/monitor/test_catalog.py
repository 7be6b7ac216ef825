"""The built-in outlet catalog: well-formed entries, enough outlets per language, lookups."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from monitor.sources.catalog import CATALOG, find_outlet, outlets_for_language
from monitor.types import Outlet

MONITORED_LANGUAGES = ("ko", "ru", "zh", "uk")

# The outlets users of the app ask for by name, with the site their feed must come from.
REQUIRED = {
    "yonhap-ko": "yna.co.kr",
    "hankyoreh-ko": "hani.co.kr",
    "kbs-world-ko": "kbs.co.kr",
    "tass-ru": "tass.ru",
    "ria-ru": "ria.ru",
    "interfax-ru": "interfax.ru",
    "xinhua-zh": "xinhuanet.com",
    "peoples-daily-zh": "people.com.cn",
    "global-times-en": "globaltimes.cn",
    "ukrinform-uk": "ukrinform.ua",
    "unian-uk": "unian.net",
    "pravda-uk": "pravda.com.ua",
    "defense-express-uk": "defence-ua.com",
}

HOSTNAME = re.compile(r"^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def test_keys_are_unique_slugs() -> None:
    keys = [outlet.key for outlet in CATALOG]
    assert len(keys) == len(set(keys))
    for key in keys:
        assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", key), key


def test_feed_urls_are_unique() -> None:
    feeds = [outlet.feed_url for outlet in CATALOG]
    assert len(feeds) == len(set(feeds))


# Addresses evidenced only as plain http://; every other address must be https.
PLAIN_HTTP_FEEDS = {"ohmynews-ko", "xinhua-en"}


@pytest.mark.parametrize("outlet", CATALOG, ids=lambda outlet: outlet.key)
def test_urls_are_well_formed_and_https_unless_evidenced_otherwise(outlet: Outlet) -> None:
    for url in (outlet.homepage, outlet.feed_url):
        parts = urlsplit(url)
        plain = url == outlet.feed_url and outlet.key in PLAIN_HTTP_FEEDS
        assert parts.scheme == ("http" if plain else "https"), url
        assert parts.hostname is not None
        assert HOSTNAME.match(parts.hostname), url
        assert not parts.hostname.endswith((".invalid", ".example", ".test", ".localhost"))
        assert parts.username is None, url
        assert parts.port is None, url
        assert not parts.fragment, url
        assert not re.search(r"\s", url), url


@pytest.mark.parametrize("outlet", CATALOG, ids=lambda outlet: outlet.key)
def test_fields_use_standard_codes(outlet: Outlet) -> None:
    assert outlet.name
    assert outlet.name.strip() == outlet.name
    assert re.fullmatch(r"[a-z]{2}", outlet.language)
    assert re.fullmatch(r"[A-Z]{2}", outlet.country)


def test_each_monitored_language_has_at_least_ten_outlets() -> None:
    assert len(CATALOG) >= 60
    for language in MONITORED_LANGUAGES:
        assert len(outlets_for_language(language)) >= 10, language


@pytest.mark.parametrize(("key", "site"), REQUIRED.items())
def test_required_outlet_is_present_with_its_own_feed(key: str, site: str) -> None:
    outlet = find_outlet(key)
    assert outlet is not None, key
    feed_host = urlsplit(outlet.feed_url).hostname or ""
    assert feed_host == site or feed_host.endswith("." + site), outlet.feed_url


def test_language_of_each_required_outlet_matches_its_key() -> None:
    for key in REQUIRED:
        outlet = find_outlet(key)
        assert outlet is not None
        assert key.rsplit("-", 1)[-1] == outlet.language


def test_outlets_for_language_partitions_the_catalog() -> None:
    languages = {outlet.language for outlet in CATALOG}
    grouped = [
        outlet for language in sorted(languages) for outlet in outlets_for_language(language)
    ]
    assert sorted(grouped, key=lambda o: o.key) == sorted(CATALOG, key=lambda o: o.key)


def test_outlets_for_language_accepts_region_tags_and_case() -> None:
    chinese = outlets_for_language("zh")
    assert outlets_for_language("zh-CN") == chinese
    assert outlets_for_language(" ZH_tw ") == chinese
    assert all(outlet.language == "zh" for outlet in chinese)


def test_outlets_for_unknown_language_is_empty() -> None:
    assert outlets_for_language("fr") == ()
    assert outlets_for_language("") == ()


def test_find_outlet_returns_the_entry_or_none() -> None:
    for outlet in CATALOG:
        assert find_outlet(outlet.key) is outlet
    assert find_outlet("no-such-outlet") is None
    assert find_outlet("TASS-RU") is None
