"""The benchmark's own names (``names.toml`` beside this module): people, places and
organisations of Korea, Russia, China and Ukraine, each with the forms it takes in running
text in each language it is written in.

Each language's forms are surface forms as outlets write them inside a sentence, separated
by ``/``; which slot is which depends on the kind (see :mod:`bench.names.articles`):

* people and organisations: ``ru``/``uk`` nominative / genitive; ``ko`` with a title or
  topic particle / with the genitive particle attached (김정은의); ``zh`` the bare name;
* places: ``ru``/``uk`` nominative / genitive / locative with its preposition (у Києві);
  ``ko`` with a topic particle / with the locative particle attached (키이우에서).

A language is left out when its form was not known with confidence. Whether a name is in
the app's alias table is decided at run time (``AliasTable.entity_for``), not written here.
Near-misses sit side by side on purpose: Kim Jong Un, Kim Jong Il, Kim Yo Jong, Kim Il Sung,
Kim Yong Chol and Vitaliy Kim (Кім alone); Li Qiang and Li Keqiang; Moon Jae-in and Moon
Chung-in; Wang Wenbin and Wang Wentao; Medvedev and Medvedchuk; Ivan and Mykhailo Fedorov;
Dmitry Peskov and Elizaveta Peskova; Lavrov and Lviv (Львов, Львова).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

NATIVE = ("ru", "uk", "ko", "zh")
DATA = Path(__file__).with_name("names.toml")


@dataclass(frozen=True)
class Name:
    """One entity: its English forms (the first is the query) and its surface forms."""

    en: str
    kind: str  # person, place, organisation
    forms: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def query(self) -> str:
        return self.en

    @property
    def slug(self) -> str:
        return "-".join(self.en.replace("-", " ").lower().split())


def load(path: Path = DATA) -> tuple[Name, ...]:
    """The names of ``path``, in its order."""
    entries = tomllib.loads(path.read_text("utf-8"))["name"]
    return tuple(
        Name(
            entry["en"],
            entry["kind"],
            {code: tuple(entry[code].split("/")) for code in NATIVE if code in entry},
        )
        for entry in entries
    )


NAMES: tuple[Name, ...] = load()
