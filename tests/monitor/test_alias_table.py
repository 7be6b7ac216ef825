"""The bundled alias table (monitor/names/aliases.toml): names of people, places and
organisations in English, Russian, Ukrainian, Korean and Chinese. These tests check its shape,
its scripts and spellings, and that look-alike names stay separate entities."""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

TABLE = Path(__file__).resolve().parents[2] / "monitor" / "names" / "aliases.toml"

LANGUAGES = ("en", "ru", "uk", "ko", "zh")
KINDS = {"person", "place", "organisation"}
KEYS = {"id", "kind", "source", "loose", *LANGUAGES}
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SOURCE = re.compile(r"^wikipedia:en:\S+$")
# Names are compared as the app looks them up: case-folded, with hyphens, dots, apostrophes
# and interpuncts as spaces ("Kim Jong-un" is "kim jong un").
SEPARATORS = re.compile(r"[\s\-‐‑–—'’`·・.,]+")

# Forms that may name two entities, each with the reason. Empty today: every form names one.
SHARED_FORMS: dict[str, str] = {}

# Bare surnames that match thousands of other people; never a form on their own.
AMBIGUOUS_SURNAMES = {"kim", "lee", "li", "wang", "park", "ким", "ли", "김", "李", "王", "朴"}

# Punctuation allowed besides letters of the language's script.
PUNCTUATION = {
    "en": set(" -.,'’"),
    "ru": set(" -"),
    "uk": set(" -'’ʼ"),
    "ko": set(" ·"),
    "zh": set("·"),
}
UK_ONLY = set("іїєґІЇЄҐ")
RU_ONLY = set("ыэъёЫЭЪЁ")


def _load() -> list[dict[str, Any]]:
    with TABLE.open("rb") as handle:
        data = tomllib.load(handle)
    entities = data["entity"]
    assert isinstance(entities, list)
    return entities


ENTITIES = _load()
BY_ID = {entity["id"]: entity for entity in ENTITIES}


def _forms(entity: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for language in LANGUAGES:
        for form in entity.get(language, []):
            yield language, form


def _fold(form: str) -> str:
    return " ".join(SEPARATORS.split(form.casefold())).strip()


def _script_ok(language: str, char: str) -> bool:
    if char in PUNCTUATION[language]:
        return True
    name = unicodedata.name(char, "")
    if language == "en":
        return name.startswith("LATIN ") or char.isdigit()
    if language in ("ru", "uk"):
        return name.startswith("CYRILLIC ")
    if language == "ko":
        return name.startswith("HANGUL ")
    return name.startswith("CJK UNIFIED IDEOGRAPH") or name.startswith("CJK COMPATIBILITY")


def _owners(form: str) -> set[str]:
    key = _fold(form)
    return {e["id"] for e in ENTITIES for _, f in _forms(e) if _fold(f) == key}


def test_table_has_enough_entities() -> None:
    assert len(ENTITIES) >= 200


def test_ids_are_unique_ascii_slugs() -> None:
    ids = [entity["id"] for entity in ENTITIES]
    assert len(ids) == len(set(ids))
    bad = [i for i in ids if not (isinstance(i, str) and i.isascii() and SLUG.match(i))]
    assert bad == []


@pytest.mark.parametrize("entity", ENTITIES, ids=lambda e: str(e["id"]))
def test_entity_shape(entity: dict[str, Any]) -> None:
    assert set(entity) <= KEYS, set(entity) - KEYS
    assert entity["kind"] in KINDS
    assert SOURCE.match(entity["source"])
    assert entity.get("en"), "every entity needs English forms"
    others = [lang for lang in LANGUAGES[1:] if entity.get(lang)]
    assert len(others) >= 2, f"needs at least two of ru/uk/ko/zh, has {others}"
    for language in LANGUAGES:
        if language in entity:
            forms = entity[language]
            assert isinstance(forms, list) and forms, f"{language} must be a non-empty list"
            assert all(isinstance(f, str) and f == f.strip() and f for f in forms)
            folded = [f.casefold() for f in forms]
            assert len(folded) == len(set(folded)), f"{language} repeats a form"


@pytest.mark.parametrize("entity", ENTITIES, ids=lambda e: str(e["id"]))
def test_forms_are_in_their_script(entity: dict[str, Any]) -> None:
    for language, form in _forms(entity):
        bad = [c for c in form if not _script_ok(language, c)]
        assert bad == [], f"{language} form {form!r} has {bad}"
        assert any(c.isalpha() for c in form), form


@pytest.mark.parametrize("entity", ENTITIES, ids=lambda e: str(e["id"]))
def test_russian_and_ukrainian_letters_are_not_mixed(entity: dict[str, Any]) -> None:
    for form in entity.get("uk", []):
        assert not set(form) & RU_ONLY, f"uk form {form!r} has Russian-only letters"
    for form in entity.get("ru", []):
        assert not set(form) & UK_ONLY, f"ru form {form!r} has Ukrainian-only letters"


def test_no_form_names_two_entities() -> None:
    owners: dict[str, set[str]] = {}
    for entity in ENTITIES:
        for _, form in _forms(entity):
            owners.setdefault(_fold(form), set()).add(entity["id"])
    shared = {form: ids for form, ids in owners.items() if len(ids) > 1}
    unexplained = {form: ids for form, ids in shared.items() if form not in SHARED_FORMS}
    assert unexplained == {}
    stale = set(SHARED_FORMS) - set(shared)
    assert stale == set(), "allow-list entries no longer shared"


def test_no_bare_ambiguous_surnames() -> None:
    found = [
        (entity["id"], form)
        for entity in ENTITIES
        for _, form in _forms(entity)
        if _fold(form) in AMBIGUOUS_SURNAMES
    ]
    assert found == []


@pytest.mark.parametrize(
    ("form", "entity_id"),
    [
        ("Kim Jong Un", "kim-jong-un"),
        ("김정은", "kim-jong-un"),
        ("Kim Jong Il", "kim-jong-il"),
        ("김정일", "kim-jong-il"),
        ("Kim Yo Jong", "kim-yo-jong"),
        ("金与正", "kim-yo-jong"),
        ("Kim Il Sung", "kim-il-sung"),
        ("Ким Ир Сен", "kim-il-sung"),
        ("Medvedev", "dmitry-medvedev"),
        ("Медведчук", "viktor-medvedchuk"),
        ("Yanukovych", "viktor-yanukovych"),
        ("Віталій Кличко", "vitali-klitschko"),
        ("Володимир Кличко", "wladimir-klitschko"),
        ("Львів", "lviv"),
        ("Львов", "lviv"),
        ("Львова-Белова", "maria-lvova-belova"),
        ("문재인", "moon-jae-in"),
        ("문정인", "moon-chung-in"),
        ("Зеленський", "volodymyr-zelensky"),
        ("Зеленский", "volodymyr-zelensky"),
        ("젤렌스키", "volodymyr-zelensky"),
        ("泽连斯基", "volodymyr-zelensky"),
        ("Zelenskyy", "volodymyr-zelensky"),
        ("Київ", "kyiv"),
        ("Киев", "kyiv"),
        ("台灣", "taiwan"),
        ("台湾", "taiwan"),
    ],
)
def test_near_misses_are_separate_entities(form: str, entity_id: str) -> None:
    assert _owners(form) == {entity_id}


def test_klitschkos_share_no_form() -> None:
    vitali = {_fold(f) for _, f in _forms(BY_ID["vitali-klitschko"])}
    wladimir = {_fold(f) for _, f in _forms(BY_ID["wladimir-klitschko"])}
    assert vitali.isdisjoint(wladimir)
    assert "klitschko" not in vitali | wladimir
