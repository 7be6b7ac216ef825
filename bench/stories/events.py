"""The event types a story can be about: which entities fill its slots, which numbers it
carries, and its sentence templates (``templates.toml`` beside this module).

Entities come from the app's bundled alias table (``monitor/names/aliases.toml``), each in
the form the table gives as the short form people write (its second form in a language,
else the first), so an article names them the way the table knows them.
"""

from __future__ import annotations

import random
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import monitor.names

LANGUAGES = ("ko", "ru", "uk", "zh", "en")
NATIVE = ("ko", "ru", "uk", "zh")
TEMPLATES = Path(__file__).with_name("templates.toml")
ALIASES = Path(monitor.names.__file__).with_name("aliases.toml")

_CITIES = (
    "kharkiv",
    "odesa",
    "zaporizhzhia",
    "dnipro",
    "kherson",
    "mykolaiv",
    "kramatorsk",
    "chernihiv",
    "kryvyi-rih",
    "belgorod",
    "kursk",
    "donetsk",
    "kyiv",
    "lviv",
)
_COUNTRIES = ("russia", "south-korea", "china", "ukraine", "japan", "united-states")
_LEADERS = (
    "vladimir-putin",
    "xi-jinping",
    "donald-trump",
    "volodymyr-zelensky",
    "kim-jong-un",
    "alexander-lukashenko",
    "emmanuel-macron",
    "narendra-modi",
    "recep-tayyip-erdogan",
    "yoon-suk-yeol",
    "friedrich-merz",
    "keir-starmer",
)
_CAPITALS = ("beijing", "moscow", "minsk", "washington-dc", "seoul", "tokyo", "brussels")
_COASTS = (
    "japan",
    "taiwan",
    "shanghai",
    "busan",
    "hong-kong",
    "incheon",
    "vladivostok",
    "macau",
    "seoul",
    "tokyo",
)


@dataclass(frozen=True)
class EventType:
    """One kind of event: entity pools per slot (a, b, c), number ranges per slot (n1, n2,
    n3: low, high, decimals), and which number grows day by day in a developing story."""

    name: str
    slots: tuple[tuple[str, ...], ...]
    numbers: tuple[tuple[float, float, int], ...]
    grows: int | None = None  # index into numbers

    def draw_entities(self, rng: random.Random) -> tuple[str, ...]:
        chosen: list[str] = []
        for pool in self.slots:
            chosen.append(rng.choice([e for e in pool if e not in chosen]))
        return tuple(chosen)

    def draw_numbers(self, rng: random.Random) -> tuple[float, ...]:
        return tuple(round(rng.uniform(low, high), places) for low, high, places in self.numbers)


EVENTS: dict[str, EventType] = {
    event.name: event
    for event in (
        EventType(
            "launch",
            (("roscosmos", "china", "japan", "south-korea", "united-states"),),
            ((3, 60, 0), (400, 900, 0), (5, 40, 0)),
        ),
        EventType(
            "missile",
            (
                ("north-korea", "russia", "china"),
                ("east-china-sea", "black-sea", "sea-of-azov", "taiwan-strait"),
            ),
            ((2, 8, 0), (300, 1500, 0), (50, 2000, 0)),
        ),
        EventType("rate", (_COUNTRIES,), ((2, 21, 2), (2, 12, 1), (2, 21, 2))),
        EventType("shelling", (_CITIES,), ((2, 40, 0), (5, 120, 0), (10, 150, 0)), grows=0),
        EventType("talks", (_LEADERS, _LEADERS, _CAPITALS), ((2, 9, 0), (3, 30, 0))),
        EventType(
            "earthquake",
            (
                (
                    "japan",
                    "taiwan",
                    "xinjiang",
                    "tibet",
                    "kuril-islands",
                    "busan",
                    "vladivostok",
                    "china",
                ),
            ),
            ((5.5, 8.2, 1), (3, 90, 0), (8, 70, 0)),
            grows=1,
        ),
        EventType(
            "election",
            (
                ("taiwan", "moldova", "belarus", "south-korea", "japan"),
                (
                    "kuomintang",
                    "united-russia",
                    "tsai-ing-wen",
                    "yoon-suk-yeol",
                    "alexander-lukashenko",
                ),
            ),
            ((35, 62, 1), (40, 80, 1), (15, 35, 1)),
        ),
        EventType(
            "sanctions",
            (
                ("european-union", "european-commission", "white-house", "us-state-department"),
                ("russia", "gazprom", "rosneft", "lukoil", "rosatom", "belarus", "north-korea"),
            ),
            ((12, 21, 0), (20, 180, 0), (100, 900, 0)),
        ),
        EventType(
            "exchange",
            (("russia",), ("ukraine",), ("united-nations", "iaea", "osce")),
            ((25, 300, 0), (3, 12, 0), (5, 60, 0)),
        ),
        EventType("typhoon", (_COASTS,), ((30, 65, 0), (5, 400, 0), (1, 30, 0)), grows=2),
        EventType(
            "cabbage", (("south-korea", "seoul"),), ((8, 60, 1), (5000, 12000, 0), (10, 40, 0))
        ),
    )
}


@cache
def entity_forms() -> dict[str, dict[str, str]]:
    """Entity id → language → the form articles use (the table's short form)."""
    entries = tomllib.loads(ALIASES.read_text("utf-8"))["entity"]
    wanted = {e for event in EVENTS.values() for pool in event.slots for e in pool}
    forms: dict[str, dict[str, str]] = {}
    for entry in entries:
        if entry["id"] in wanted:
            forms[entry["id"]] = {
                code: entry[code][1] if len(entry[code]) > 1 else entry[code][0]
                for code in LANGUAGES
            }
    missing = wanted - forms.keys()
    if missing:
        raise RuntimeError(f"stories benchmark: not in {ALIASES}: {sorted(missing)}")
    return forms


@dataclass(frozen=True)
class Templates:
    """One event type's templates in one language."""

    titles: tuple[str, ...]
    leads: tuple[str, ...]
    body: tuple[str, ...]
    glossary: tuple[tuple[str, str], ...]  # native piece → English word(s)


@cache
def templates() -> tuple[dict[tuple[str, str], Templates], dict[str, tuple[str, ...]]]:
    """(event, language) → templates; language → filler sentences."""
    data = tomllib.loads(TEMPLATES.read_text("utf-8"))
    fillers = {code: tuple(data["fillers"][code]) for code in LANGUAGES}
    table: dict[tuple[str, str], Templates] = {}
    for event in EVENTS:
        for code in LANGUAGES:
            entry = data[event][code]
            pairs = [piece.split("=", 1) for piece in entry.get("glossary", "").split()]
            table[(event, code)] = Templates(
                tuple(entry["title"]),
                tuple(entry["lead"]),
                tuple(entry["body"]),
                tuple((native, english.replace("-", " ")) for native, english in pairs),
            )
    return table, fillers


MONTH = {
    "en": "{d} October",
    "ru": "{d} октября",
    "uk": "{d} жовтня",
    "ko": "10월 {d}일",
    "zh": "10月{d}日",
}


def number_text(value: float, language: str) -> str:
    """A number as the language writes it (a decimal comma in Russian and Ukrainian)."""
    text = f"{value:g}" if value != int(value) else str(int(value))
    return text.replace(".", ",") if language in ("ru", "uk") else text
