"""The collection the README's pictures are taken over: the demo outlets, collected without a
translation model, with English written by hand stored as the translation of the launch
story in Korean, Russian, Chinese and Ukrainian.

Why written by hand: no real Argos model can be downloaded where the pictures are made, and
the test suite's own packages only copy their input (with a word or two swapped), which would
show Korean with English words spliced in — a broken translator, not what a user sees. So the
English below was written for the pictures and stored as each article's translation, the way
the translation stage stores a model's output, under a route that says so
(:data:`HAND_ROUTE`), which the reader's header shows. The other articles wait for a model,
as they would on a machine without one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from monitor import Monitor, open_monitor
from monitor.types import NoteColour, NoteSide, SentencePair
from tests.support.inside import parts
from translations.segment import segment

HAND_ROUTE = "{language}→en (written by hand for the README)"


@dataclass(frozen=True)
class HandTranslation:
    title: str
    sentences: tuple[str, ...]  # one per sentence of the original, in order


# The launch story, keyed by the start of its original title.
LAUNCH_STORY: dict[str, HandTranslation] = {
    "누리호": HandTranslation(
        "Nuri rocket puts ocean-observation satellite 'Haenuri-1' into orbit",
        (
            "(Goheung = Seoul Daily Wire) Reporter Lee Jun-ho = Korea's homegrown launch"
            " vehicle Nuri lifted off at 9:10 p.m. on the 12th from the Naro Space Center"
            " in Goheung, South Jeolla Province.",
            "About 18 minutes after launch, at an altitude of 600 km, Nuri released its main"
            " payload, the satellite 'Haenuri-1'.",
            "It then placed 12 microsatellites into orbit one after another.",
            'At a briefing that night the Ministry of Science and ICT said: "All satellites'
            ' have entered their target orbits normally."',
            "Haenuri-1 is a 520 kg ocean-observation satellite.",
            "Over the next five years it will observe water temperatures, red tides and sea"
            " ice in the seas around the Korean Peninsula.",
            "This launch is Nuri's fifth flight.",
            "It is also the second launch whose manufacture was led by a private company.",
            "The government plans a sixth launch in 2027.",
            "About 3,000 spectators gathered near the launch site.",
            "Goheung County closed part of the coastal road around the time of the launch.",
            "junho.lee@seoulwire.media-monitor.invalid",
        ),
    ),
    "Южная Корея": HandTranslation(
        "South Korea puts an oceanographic satellite into orbit with its Nuri rocket",
        (
            "South Korea's Nuri launch vehicle lifted off from the Naro spaceport and put the"
            " Haenuri-1 satellite and 12 cubesats into orbit.",
            "South Korea's Nuri launch vehicle lifted off on 12 November at 15:10 Moscow time"
            " from the Naro spaceport in the south of the country.",
            "About 18 minutes after lift-off the main satellite, Haenuri-1, separated from the"
            " rocket.",
            "Then 12 more small cubesat-format spacecraft were put into orbit.",
            "The Republic of Korea's Ministry of Science and ICT said that all the spacecraft"
            " had reached their planned orbit at an altitude of about 600 km.",
            "Haenuri-1 weighs 520 kg.",
            "For five years the satellite will monitor water temperature, algal blooms and ice"
            " conditions in the seas around the Korean Peninsula.",
            "This is Nuri's fifth flight and the second prepared by a private contractor.",
            "The rocket's first successful launch took place in 2022.",
            "The next launch is planned for 2027.",
            "Experts note that Seoul is steadily building up its own capacity to put"
            " satellites into orbit.",
            "Before Nuri, South Korean spacecraft were launched mainly on foreign rockets,"
            " Russian ones among them.",
        ),
    ),
    "韩国“世界”号": HandTranslation(
        "South Korea's Nuri rocket successfully launches an ocean-observation satellite",
        (
            "East River Bulletin, Seoul, 12 November (reporter Li Mingzhe) - South Korea's"
            " self-developed Nuri carrier rocket lifted off from the Naro Space Center in"
            " Goheung County, South Jeolla Province, at 21:10 local time on the 12th (20:10"
            " Beijing time).",
            "About 18 minutes later the rocket delivered its main payload, the Haenuri-1"
            " ocean-observation satellite, into an orbit about 600 km above the ground.",
            "Then 12 cubesats separated from the rocket one after another.",
            "South Korea's Ministry of Science and ICT announced that evening that all the"
            " satellites had entered their planned orbits.",
            "Haenuri-1 weighs about 520 kg, has a design life of five years, and will mainly"
            " monitor water temperature, red tides and sea ice in the waters around the"
            " Korean Peninsula.",
            "This is Nuri's fifth launch, and the second time a South Korean private company"
            " has led the rocket's final assembly.",
            "The South Korean government plans a sixth launch in 2027.",
            "Analysts believe South Korea is steadily improving its ability to launch"
            " satellites on its own.",
            "Until now South Korean satellites have mainly relied on foreign rockets.",
        ),
    ),
    "Південна Корея": HandTranslation(
        "South Korea puts an oceanographic satellite into orbit",
        (
            "South Korea's Nuri launch vehicle lifted off from the Naro spaceport on"
            " 12 November at 14:10 Kyiv time.",
            "About 18 minutes later it put the Haenuri-1 satellite into an orbit about 600 km"
            " high.",
            "Another 12 cubesats reached orbit with it.",
            "The 520 kg spacecraft will monitor water temperature, algal blooms and ice"
            " conditions in the seas around the Korean Peninsula.",
            "It is designed to work for five years.",
            "This is Nuri's fifth flight.",
            "The rocket first put a satellite into orbit successfully in 2022.",
            "Seoul plans the next launch for 2027.",
        ),
    ),
}

# On the Korean article: one note on the original and one highlight on the translation.
NOTE_SENTENCE, NOTE_TEXT = 1, "Check the 600 km altitude against the ministry's release"
HIGHLIGHT_SENTENCE = 4
SAVED_SEARCH = ("Korean launch", "satellite")


@dataclass(frozen=True)
class ReadmeCollection:
    data: Path
    launch: dict[str, int]  # the launch story's article id by language
    english_launch: int
    starred: tuple[int, ...]


def store_hand_translation(monitor: Monitor, article_id: int, hand: HandTranslation) -> None:
    """Store ``hand`` as the article's translation, sentence by sentence, as the translation
    stage stores a model's (the original split by the same segmenter)."""
    article = monitor.article(article_id)
    assert article.language is not None
    originals = [
        (paragraph.index, sentence.text)
        for paragraph in segment(article.text, article.language)
        for sentence in paragraph.sentences
    ]
    parts(monitor).translations.save(
        article_id,
        target="en",
        title=hand.title,
        route=HAND_ROUTE.format(language=article.language),
        is_pivot=False,
        at=datetime(2026, 11, 12, 14, 0, tzinfo=UTC),
        sentences=[
            SentencePair(paragraph, original, english)
            for (paragraph, original), english in zip(originals, hand.sentences, strict=True)
        ],
    )


def build_readme_collection(data: Path) -> ReadmeCollection:
    """The demo collection in ``data`` as the README's pictures show it: the launch story
    translated by hand, a note and a highlight on the Korean article, two articles starred,
    three outlets looked at (the other two still have "new" articles), a saved search."""
    with open_monitor(data) as monitor:
        monitor.update([source.id for source in monitor.add_demo_sources()])
        articles = monitor.articles()
        launch: dict[str, int] = {}
        for start, hand in LAUNCH_STORY.items():
            [article] = [a for a in articles if a.title.startswith(start)]
            assert article.language is not None
            store_hand_translation(monitor, article.id, hand)
            launch[article.language] = article.id
        english = next(a.id for a in articles if a.language == "en" and "Nuri" in a.title)
        monitor.mark_sentence(launch["ko"], NOTE_SENTENCE, text=NOTE_TEXT)
        monitor.mark_sentence(
            launch["ko"], HIGHLIGHT_SENTENCE, NoteSide.TRANSLATION, colour=NoteColour.GREEN
        )
        starred = (launch["ko"], launch["ru"])
        for article_id in starred:
            monitor.set_flags(article_id, starred=True)
        for source in monitor.sources():
            if source.language_hint in ("ko", "ru", "en"):
                monitor.mark_source_seen(source.id)
        monitor.add_watchlist(*SAVED_SEARCH, existing_seen=False)
        for _ in monitor.sync_index():
            pass
    return ReadmeCollection(data, launch, english, starred)
