"""The collection the comparison tests share: the demo outlets, collected and translated by
tiny glossary models (each turns its language's word for "satellite" into the English one),
so that the launch story told in four languages has words in common after translation."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from monitor import open_monitor
from tests.support.argos_factory import build_package

GLOSSARIES = {
    "ko": {"위성": "satellite"},
    "ru": {"спутник": "satellite"},
    "zh": {"卫星": "satellite"},
    "uk": {"супутник": "satellite"},
}


@dataclass(frozen=True)
class CompareDemo:
    data_dir: Path
    nuri_ko: int  # the Korean launch story
    typhoon_zh: int  # an unrelated story, to change the base to
    english_nuri: int  # the English launch story (in the Korean article's story)
    sources: tuple[str, ...]


def build_compare_demo(root: Path) -> CompareDemo:
    """The demo collection in ``root / "data"``, its models built in ``root / "models"``."""
    for language, glossary in GLOSSARIES.items():
        build_package(root / "models", language, "en", glossary=glossary)
    with open_monitor(root / "data") as monitor:
        monitor.install_models([root / "models"])
        monitor.update([s.id for s in monitor.add_demo_sources()])
        articles = monitor.articles()
        nuri = next(a for a in articles if a.language == "ko" and a.title.startswith("누리호"))
        typhoon = next(a for a in articles if a.language == "zh" and "台风" in a.title)
        english = next(a for a in articles if a.language == "en" and "Nuri" in a.title)
        names = tuple(s.name for s in monitor.sources())
    return CompareDemo(root / "data", nuri.id, typhoon.id, english.id, names)
