"""The labelled set: stories told by several outlets in several languages, generated from
templates (:mod:`bench.stories.events`), seeded, each article carrying its gold story.

Kinds of story (and what each tests):

* **regular**: one event told by 3–6 outlets (one per language, sometimes two in one)
  within 36 hours, each in its own words: cross-language grouping;
* **look-alike pairs**: two events of one type on the same day with other entities and
  numbers (two typhoons, two rate decisions, two shelled cities): must stay apart;
* **developing**: one event over 3–4 days, its toll rising day by day: must stay together;
* **wire copies**: an outlet republishing another's article nearly verbatim (same language,
  a sentence added or cut, another title), inside regular stories;
* **singletons**: articles of no story (an event type with entities no near story has).

Article *i* of a story depends only on the seed and the story, so a run's set is always the
same; :func:`background` makes many more stories the same way for the speed measurement.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bench.common.corpus import OUTLETS as CORPUS_OUTLETS
from bench.stories.events import EVENTS, LANGUAGES, MONTH, entity_forms, number_text, templates

SEED = 20261207
FIRST_DAY = datetime(2026, 10, 1, tzinfo=UTC)
OUTLETS = {code: CORPUS_OUTLETS[code][:2] for code in LANGUAGES}
WIRE_PREFIX = {
    "en": "UPDATE: ",
    "ru": "Срочно: ",
    "uk": "Терміново: ",
    "ko": "[속보] ",
    "zh": "快讯：",
}
APART_DAYS = 4  # stories of one type this close never share an entity (but look-alikes)


@dataclass(frozen=True)
class Story:
    """One event: its gold id, type, entities, numbers, first day and how many days it runs."""

    id: int
    event: str
    entities: tuple[str, ...]
    numbers: tuple[float, ...]
    day: int
    kind: str  # regular, lookalike, developing, singleton
    days: int = 1


@dataclass(frozen=True)
class Article:
    """A generated article and its gold story; ``wire_of``: the index of the article it copies."""

    story: int
    kind: str
    language: str
    outlet: str
    title: str
    text: str
    published: datetime
    wire_of: int | None = None


def _write(
    story: Story, language: str, day: int, numbers: tuple[float, ...], rng: random.Random
) -> tuple[str, list[str]]:
    """A title and the sentences of one outlet's article about ``story`` on ``day``."""
    table, fillers = templates()
    own = table[(story.event, language)]
    forms = entity_forms()
    slots = {name: forms[e][language] for name, e in zip("abc", story.entities, strict=False)}
    slots |= {f"n{i + 1}": number_text(n, language) for i, n in enumerate(numbers)}
    slots["date"] = MONTH[language].format(d=day)
    sentences = [rng.choice(own.leads), *rng.sample(own.body, rng.randint(2, 4))]
    if rng.random() < 0.3:
        sentences.append(rng.choice(fillers[language]))
    written = [s.format(**slots) for s in sentences]
    return rng.choice(own.titles).format(**slots), [s[0].upper() + s[1:] for s in written]


def _join(language: str, sentences: list[str]) -> str:
    return ("" if language == "zh" else " ").join(sentences)


def _outlets(rng: random.Random, count: int) -> list[tuple[str, str]]:
    """``count`` (language, outlet) pairs: one per language first, then a second in some."""
    languages = rng.sample(LANGUAGES, min(count, len(LANGUAGES)))
    chosen = [(code, OUTLETS[code][0]) for code in languages]
    for code in rng.sample(languages, count - len(languages)):
        chosen.append((code, OUTLETS[code][1]))
    return chosen


def story_articles(story: Story, seed: int = SEED) -> list[Article]:
    """The articles of ``story`` (always the same for the same seed)."""
    rng = random.Random(f"{seed}:story:{story.id}")
    start = FIRST_DAY + timedelta(days=story.day - 1, hours=6 + rng.uniform(0, 12))
    articles: list[Article] = []
    if story.kind == "singleton":
        plan = [(0, _outlets(rng, 1))]
    elif story.kind == "developing":
        plan = [(d, _outlets(rng, rng.randint(2, 3))) for d in range(story.days)]
    else:
        plan = [(0, _outlets(rng, rng.randint(3, 6)))]
    event = EVENTS[story.event]
    for day, outlets in plan:
        numbers = list(story.numbers)
        if event.grows is not None and day:
            numbers[event.grows] = round(numbers[event.grows] * (1 + 0.6 * day))
        for language, outlet in outlets:
            hours = rng.uniform(0, 12) if story.kind == "developing" else rng.uniform(0, 36)
            published = start + timedelta(days=day, hours=hours)
            title, sentences = _write(story, language, story.day + day, tuple(numbers), rng)
            articles.append(
                Article(
                    story.id,
                    story.kind,
                    language,
                    outlet,
                    title,
                    _join(language, sentences),
                    published,
                )
            )
    return articles


def wire_copy(original: Article, index: int, rng: random.Random) -> Article:
    """The other outlet of ``original``'s language republishing it: a sentence cut (or a
    filler added), another title, a few hours later."""
    outlet = next(o for o in OUTLETS[original.language] if o != original.outlet)
    separator = "" if original.language == "zh" else " "
    ending = "。" if original.language == "zh" else ". "
    sentences = [s for s in original.text.replace(ending.strip(), ending).split(ending) if s]
    sentences = [s.strip() + ending.strip() for s in sentences]
    if len(sentences) >= 4:
        del sentences[rng.randrange(1, len(sentences))]
    else:
        sentences.append(rng.choice(templates()[1][original.language]))
    title = f"{WIRE_PREFIX[original.language]}{original.title}"
    later = original.published + timedelta(hours=rng.uniform(1, 5))
    return Article(
        original.story,
        original.kind,
        original.language,
        outlet,
        title,
        separator.join(sentences),
        later,
        wire_of=index,
    )


def _clashes(candidate: Story, stories: list[Story]) -> bool:
    return any(
        other.event == candidate.event
        and abs(other.day - candidate.day) <= APART_DAYS + other.days
        and set(other.entities) & set(candidate.entities)
        for other in stories
    )


def _draw(
    rng: random.Random,
    story_id: int,
    event: str,
    kind: str,
    day: int,
    stories: list[Story],
    days: int = 1,
) -> Story:
    for _ in range(200):
        type_ = EVENTS[event]
        candidate = Story(
            story_id, event, type_.draw_entities(rng), type_.draw_numbers(rng), day, kind, days
        )
        if not _clashes(candidate, stories):
            return candidate
        day = rng.randint(1, 28)
    raise RuntimeError(f"stories benchmark: no room for another {event} story")


def labelled_stories(regular: int = 30, singletons: int = 30) -> list[Story]:
    """Three look-alike pairs, four developing stories, ``regular`` others, ``singletons``."""
    rng = random.Random(f"{SEED}:stories")
    stories: list[Story] = []
    for event in ("typhoon", "rate", "shelling"):
        day = rng.randint(2, 26)
        for _ in range(2):
            stories.append(_draw(rng, len(stories) + 1, event, "lookalike", day, stories))
    for event in ("earthquake", "typhoon", "shelling", "earthquake"):
        stories.append(
            _draw(
                rng,
                len(stories) + 1,
                event,
                "developing",
                rng.randint(1, 24),
                stories,
                days=rng.randint(3, 4),
            )
        )
    events = sorted(EVENTS)
    for number in range(regular):
        stories.append(
            _draw(
                rng,
                len(stories) + 1,
                events[number % len(events)],
                "regular",
                rng.randint(1, 28),
                stories,
            )
        )
    for _ in range(singletons):
        stories.append(
            _draw(
                rng, len(stories) + 1, rng.choice(events), "singleton", rng.randint(1, 28), stories
            )
        )
    return stories


def labelled_set(regular: int = 30, singletons: int = 30, wires: int = 8) -> list[Article]:
    """Every article of :func:`labelled_stories`, with ``wires`` wire copies added."""
    stories = labelled_stories(regular, singletons)
    articles = [a for story in stories for a in story_articles(story)]
    rng = random.Random(f"{SEED}:wires")
    candidates = [i for i, a in enumerate(articles) if a.kind == "regular"]
    used_stories: set[int] = set()
    for index in rng.sample(candidates, len(candidates)):
        original = articles[index]
        taken = {a.outlet for a in articles if a.story == original.story}
        if original.story in used_stories or set(OUTLETS[original.language]) <= taken:
            continue
        articles.append(wire_copy(original, index, rng))
        used_stories.add(original.story)
        if len(used_stories) == wires:
            break
    return articles


def background(
    count: int, first_id: int = 100_000, days: int = 365, label: str = "background"
) -> list[Article]:
    """``count`` articles of other stories (regular ones, spread over the ``days`` days
    before the labelled set's month; entities may repeat), for the speed measurement."""
    rng = random.Random(f"{SEED}:{label}")
    articles: list[Article] = []
    events = sorted(EVENTS)
    story_id = first_id
    while len(articles) < count:
        event = EVENTS[rng.choice(events)]
        story = Story(
            story_id,
            event.name,
            event.draw_entities(rng),
            event.draw_numbers(rng),
            rng.randint(-days, 0),
            "background",
        )
        articles.extend(story_articles(story))
        story_id += 1
    return articles[:count]
