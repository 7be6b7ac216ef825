"""The catalog's data file: evidence behind every entry, state-media labels, and what a damaged
file does (a CatalogError that names the entry and field, never half a catalog)."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.errors import ConfigError, MonitorError
from monitor.sources.catalog import (
    ABSENT,
    CATALOG,
    CatalogData,
    CatalogError,
    affiliation_label,
    evidence_summary,
    find_outlet,
    load_catalog,
    parse_catalog,
)
from monitor.types import Affiliation, Outlet

# Monitors must see at a glance that these are state media (issue 15).
STATE_MEDIA = (
    "tass-ru",
    "tass-en",
    "ria-ru",
    "rt-ru",
    "rossiyskaya-gazeta-ru",
    "xinhua-zh",
    "xinhua-en",
    "peoples-daily-zh",
    "global-times-en",
    "cgtn-en",
    "chinanews-zh",
    "ukrinform-uk",
)
# Publicly funded but editorially independent, as the sources say: labelled, not state media.
NOT_STATE_MEDIA = {
    "kbs-world-ko": Affiliation.PUBLIC_BROADCASTER,
    "suspilne-uk": Affiliation.PUBLIC_BROADCASTER,
    "bbc-russian": Affiliation.PUBLIC_BROADCASTER,
    "yonhap-ko": Affiliation.PUBLIC_NEWS_AGENCY,
    "voa-chinese": Affiliation.INTERNATIONAL_BROADCASTER,
    "radio-svoboda-uk": Affiliation.INTERNATIONAL_BROADCASTER,
    "dw-ukrainian": Affiliation.INTERNATIONAL_BROADCASTER,
}

VALID = """
[[outlet]]
key = "harbour-courier-en"
name = "Harbour Courier"
language = "en"
country = "GB"
homepage = "https://courier.example.org/"
feed_url = "https://courier.example.org/feed.xml"
owner = "Harbour Board"
state_affiliated = true
affiliation = "state"
affiliation_basis = "the board's own about page"
confirmed = true

[[outlet.evidence]]
source = "https://courier.example.org/rss.html"
shows = "the outlet's feed page lists this exact feed"
date = "2026-12-01"

[[outlet]]
key = "quay-weekly-en"
name = "Quay Weekly"
language = "en"
country = "GB"
homepage = "https://quay.example.org/"
feed_url = "https://quay.example.org/rss"
state_affiliated = false
confirmed = false
note = "homepage confirmed; no feed address found in public evidence"

[[absent]]
name = "Pier Radio"
language = "en"
reason = "no feed found"
"""


def _damage(old: str, new: str) -> str:
    assert old in VALID
    return VALID.replace(old, new, 1)


@pytest.mark.parametrize("outlet", CATALOG, ids=lambda outlet: outlet.key)
def test_every_entry_has_evidence_or_says_it_is_unconfirmed(outlet: Outlet) -> None:
    if outlet.confirmed:
        assert outlet.evidence, outlet.key
    else:
        assert outlet.note, outlet.key
    for evidence in outlet.evidence:
        assert evidence.source.startswith(("https://", "http://", "github:", "code-index:"))
        assert evidence.shows


@pytest.mark.parametrize("outlet", CATALOG, ids=lambda outlet: outlet.key)
def test_every_label_has_an_owner_and_a_basis(outlet: Outlet) -> None:
    if outlet.affiliation is not None:
        assert outlet.owner, outlet.key
        assert outlet.affiliation_basis, outlet.key
    assert outlet.state_affiliated == (
        outlet.affiliation in (Affiliation.STATE, Affiliation.STATE_CAPTURED)
    )


@pytest.mark.parametrize("key", STATE_MEDIA)
def test_state_media_are_labelled_state_with_their_owner(key: str) -> None:
    outlet = find_outlet(key)
    assert outlet is not None
    assert outlet.state_affiliated
    assert outlet.affiliation is Affiliation.STATE
    assert affiliation_label(outlet) == "state media"
    assert outlet.owner
    assert "State Media Monitor" in outlet.affiliation_basis


@pytest.mark.parametrize(("key", "affiliation"), NOT_STATE_MEDIA.items())
def test_public_and_international_broadcasters_are_not_state_media(
    key: str, affiliation: Affiliation
) -> None:
    outlet = find_outlet(key)
    assert outlet is not None
    assert outlet.affiliation is affiliation
    assert not outlet.state_affiliated


def test_stale_feeds_say_so() -> None:
    for key in ("xinhua-zh", "peoples-daily-zh"):
        outlet = find_outlet(key)
        assert outlet is not None and "Stale" in outlet.note


def test_outlets_left_out_say_why() -> None:
    assert ABSENT
    for omission in ABSENT:
        assert omission.reason and omission.evidence, omission.name
    assert any("KCNA" in omission.name for omission in ABSENT)  # no official feed: said so


def test_the_shipped_file_is_the_catalog() -> None:
    assert load_catalog() == CatalogData(CATALOG, ABSENT)


def test_a_valid_file_loads_confirmed_and_unconfirmed_entries(tmp_path: Path) -> None:
    path = tmp_path / "catalog.toml"
    path.write_text(VALID, encoding="utf-8")
    data = load_catalog(path)
    courier, quay = data.outlets
    assert courier.state_affiliated and courier.evidence[0].date == "2026-12-01"
    assert evidence_summary(courier) == "confirmed (1 source cited)"
    assert not quay.confirmed and evidence_summary(quay) == "not confirmed"
    assert affiliation_label(quay) == ""
    assert [omission.name for omission in data.absent] == ["Pier Radio"]


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("[[outlet]\nkey = ", "not valid TOML"),
        ("", "lists no outlets"),
        (
            _damage('name = "Harbour Courier"\n', ""),
            "outlet 1 (harbour-courier-en): name is missing",
        ),
        (_damage('key = "quay-weekly-en"', 'key = "Quay Weekly"'), "is not a lower-case slug"),
        (_damage('country = "GB"', 'country = "Britain"'), "is not an ISO 3166-1 code"),
        (_damage('owner = "Harbour Board"', "owner = 7"), "owner must be text, not int"),
        (_damage("confirmed = true", 'confirmed = "yes"'), "confirmed must be true or false"),
        (_damage('affiliation = "state"', 'affiliation = "official"'), "is not one of"),
        (_damage("state_affiliated = true", "state_affiliated = false"), "says true"),
        (_damage('affiliation_basis = "the board\'s own about page"\n', ""), "basis is missing"),
        (_damage('note = "homepage confirmed', 'nota = "homepage confirmed'), "unknown field"),
        (
            _damage('note = "homepage confirmed; no feed address found in public evidence"\n', ""),
            "outlet 2 (quay-weekly-en): note is missing",
        ),
        (_damage("[[outlet.evidence]]\n", "[[outlet.sources]]\n"), "unknown field 'sources'"),
        (
            VALID.split("[[outlet.evidence]]")[0] + "[[outlet]]" + VALID.split("[[outlet]]")[2],
            "confirmed without any evidence",
        ),
        (
            _damage('source = "https://courier.example.org/rss.html"', 'source = "a blog"'),
            "is not a web address",
        ),
        (_damage('date = "2026-12-01"', 'date = "1 Dec"'), "is not YYYY"),
        (
            _damage('feed_url = "https://quay.example.org/rss"', 'feed_url = "ftp://quay/rss"'),
            "feed_url 'ftp://quay/rss' is not an http(s) address",
        ),
        (_damage('key = "quay-weekly-en"', 'key = "harbour-courier-en"'), "share the key"),
        (
            _damage("https://quay.example.org/rss", "https://courier.example.org/feed.xml"),
            "share the feed_url",
        ),
        (_damage('reason = "no feed found"', ""), "absent entry 1: reason is missing"),
        ("outlet = 3\n", "outlet must be a list of tables"),
        (VALID + '\nversion = "2"\n', "unknown field 'version'"),
    ],
)
def test_a_damaged_file_is_a_catalog_error_naming_the_problem(text: str, says: str) -> None:
    with pytest.raises(CatalogError) as caught:
        parse_catalog(text, origin="/opt/monitor/catalog.toml")
    message = str(caught.value)
    assert says in message
    assert message.startswith("The outlet catalog /opt/monitor/catalog.toml is damaged: ")
    assert "Reinstall Media Monitor" in message
    assert isinstance(caught.value, ConfigError) and isinstance(caught.value, MonitorError)


def test_a_missing_or_undecodable_file_is_a_catalog_error(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match="cannot be read"):
        load_catalog(tmp_path / "missing.toml")
    garbled = tmp_path / "garbled.toml"
    garbled.write_bytes(b"\xff\xfe\x00name")
    with pytest.raises(CatalogError, match="cannot be read"):
        load_catalog(garbled)
