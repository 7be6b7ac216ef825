"""Named-entity recognition for Russian originals: people, places and organisations.

Finds names the alias table does not know ("Иван Петрович Сидоренко", a village, a firm) with
Natasha's news NER model, run offline by slovnet on numpy. The model and its navec embeddings
(MIT) ship in the natasha wheel, whose data files alone are read: natasha is never imported,
as it needs pymorphy2, which fails on Python 3.11. pymorphy3 gives each name its dictionary
form: "Сергея Шойгу" → "Сергей Шойгу", "Белгородской области" → "Белгородская область".
The model is loaded once per process, on first use (half a second, 100 MB); if it cannot be,
:class:`NerUnavailable` says why and callers go on without NER.
"""

from __future__ import annotations

import contextlib
import importlib.util
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from monitor.errors import MonitorError

NameKind = Literal["person", "place", "organisation"]
_KINDS: dict[str, NameKind] = {"PER": "person", "LOC": "place", "ORG": "organisation"}
_EMBEDDINGS = ("data", "emb", "navec_news_v1_1B_250K_300d_100q.tar")
_MODEL = ("data", "model", "slovnet_ner_news_v1.tar")
_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")
_CASES = frozenset({"nomn", "gent", "datv", "accs", "ablt", "loct", "voct", "gen2", "loc2"})
_GENDERS = frozenset({"masc", "femn", "neut"})
_NUMBERS = frozenset({"sing", "plur"})
_PERSON_PARTS = ("Name", "Surn", "Patr")
_MISSING = "Russian name recognition is unavailable: natasha is missing; reinstall Media Monitor"


class NerUnavailable(MonitorError):
    """The Russian NER model cannot be loaded; names are then found by the alias table only."""


@dataclass(frozen=True, slots=True)
class FoundName:
    """A name in a text: ``text == source[start:end]``; ``normal`` is its dictionary form."""

    start: int
    end: int
    kind: NameKind
    text: str
    normal: str


class RussianNer:
    """The NER model and a morphology dictionary, loaded from the given files."""

    def __init__(self, embeddings: Path, model: Path) -> None:
        try:
            import pymorphy3
            from navec import Navec  # type: ignore[import-untyped]
            from slovnet import NER  # type: ignore[import-untyped]

            navec = Navec.load(str(embeddings))
            self._ner: Any = NER.load(str(model))
            self._ner.navec(navec)
            self._morph: Any = pymorphy3.MorphAnalyzer(lang="ru")
        except Exception as error:  # a damaged file fails in numpy, tarfile or pickle alike
            raise NerUnavailable(
                f"Russian name recognition is unavailable ({type(error).__name__}: "
                f"{' '.join(str(error).split())[:200]}); "
                "reinstall Media Monitor to restore the natasha, slovnet and navec packages."
            ) from error

    def names_many(self, texts: Sequence[str]) -> list[list[FoundName]]:
        """The names in each text; the model reads texts in batches of eight."""
        markups = iter(self._ner.map([text for text in texts if text.strip()]))  # "" breaks it
        return [
            [self._found(text, int(s.start), int(s.stop), _KINDS[s.type]) for s in spans]
            for text in texts
            for spans in [next(markups).spans if text.strip() else []]
        ]

    def _found(self, text: str, start: int, end: int, kind: NameKind) -> FoundName:
        return FoundName(start, end, kind, text[start:end], self.normal(text[start:end], kind))

    def normal(self, written: str, kind: NameKind) -> str:
        """The dictionary form of a name, word by word; words it cannot place stay as written."""
        parses = [self._morph.parse(word) for word in _WORD.findall(written)]
        forms = iter(_person(parses) if kind == "person" else _phrase(parses))
        normal = _WORD.sub(lambda match: _cased_like(match.group(), next(forms)), written)
        return " ".join(normal.split())


def _grammeme(parse: Any, among: frozenset[str]) -> str | None:
    # As plain strings: pymorphy3's tag attributes refuse comparison with other kinds.
    return next((str(g) for g in parse.tag.grammemes if g in among), None)


def _fits(parse: Any, case: str | None, gender: str | None, number: str | None = None) -> bool:
    """Whether a parse is in the case and of no other gender or number."""
    return (
        _grammeme(parse, _CASES) == case
        and number in (None, _grammeme(parse, _NUMBERS))
        and (gender is None or _grammeme(parse, _GENDERS) in (None, gender))
    )


def _nominative(parse: Any, extra: frozenset[str] = frozenset()) -> str | None:
    if parse is None or "Fixd" in parse.tag or _grammeme(parse, _CASES) in (None, "nomn"):
        return None
    inflected = parse.inflect({"nomn", *extra})
    return None if inflected is None else str(inflected.word)


def _person(parses: list[list[Any]]) -> list[str | None]:
    """Each part of a person's name in the nominative, in the case and gender of the first."""
    anchor = next(
        (p for part in _PERSON_PARTS for word in parses for p in word[:2] if part in p.tag),
        next((word[0] for word in parses if word), None),
    )
    case, gender = (
        (_grammeme(anchor, _CASES), _grammeme(anchor, _GENDERS)) if anchor else (None, None)
    )
    forms: list[str | None] = []
    for word in parses:
        fitting = [p for p in word if p.tag.POS in ("NOUN", "ADJF") and _fits(p, case, gender)]
        best = min(fitting, key=lambda p: not any(n in p.tag for n in _PERSON_PARTS), default=None)
        forms.append(_nominative(best))
    return forms


def _phrase(parses: list[list[Any]]) -> list[str | None]:
    """The head noun in the nominative with the adjectives before it agreeing; the rest as is."""
    forms: list[str | None] = [None] * len(parses)
    head_at = next((i for i, word in enumerate(parses) if word and word[0].tag.POS == "NOUN"), -1)
    for head in (p for p in parses[head_at] if p.tag.POS == "NOUN") if head_at >= 0 else ():
        case, number = _grammeme(head, _CASES), _grammeme(head, _NUMBERS) or "sing"
        gender = _grammeme(head, _GENDERS) if number == "sing" else None
        agreeing = [_adjective(word, case, gender, number) for word in parses[:head_at]]
        if all(agreeing) and (nominative := _nominative(head)) is not None:
            extra = frozenset(g for g in (number, gender) if g)
            forms[: head_at + 1] = [*(_nominative(a, extra) for a in agreeing), nominative]
            break
    return forms


def _adjective(word: list[Any], case: str | None, gender: str | None, number: str) -> Any:
    """The word's adjective (or participle) parse agreeing with a noun, or None."""
    kinds = ("ADJF", "PRTF")
    return next((p for p in word if p.tag.POS in kinds and _fits(p, case, gender, number)), None)


def _cased_like(written: str, form: str | None) -> str:
    """The form with the capitals of the word as written: ФСБ, Нью-Йорк, Сергей."""
    if form is None:
        return written
    if written.isupper() and len(written) > 1:
        return form.upper()
    old, new = written.split("-"), form.split("-")
    old, new = (old, new) if len(old) == len(new) else ([written], [form])
    return "-".join(n.capitalize() if o[:1].isupper() else n for o, n in zip(old, new, strict=True))


_lock = threading.Lock()
_loaded: RussianNer | str | None = None  # the model, or why it cannot be loaded


def _default() -> RussianNer:
    """The model from the installed natasha package, loaded once; a failure is kept too."""
    global _loaded
    with _lock:
        if _loaded is None:
            spec = importlib.util.find_spec("natasha")  # finds the package without running it
            root = Path(next(iter(spec.submodule_search_locations or ()), "") if spec else "")
            try:
                if not spec or not root.joinpath(*_MODEL).is_file():
                    raise NerUnavailable(_MISSING)
                _loaded = RussianNer(root.joinpath(*_EMBEDDINGS), root.joinpath(*_MODEL))
            except NerUnavailable as error:
                _loaded = str(error)
        if isinstance(_loaded, str):
            raise NerUnavailable(_loaded)
        return _loaded


def is_available() -> bool:
    """Whether the model loads (loading it if it has not been)."""
    with contextlib.suppress(NerUnavailable):
        return _default() is not None
    return False


def russian_names(text: str) -> list[FoundName]:
    """The people, places and organisations named in a Russian text, in order."""
    return _default().names_many([text])[0]


def russian_names_many(texts: Iterable[str]) -> list[list[FoundName]]:
    """The names in each of several texts; faster than one call per text."""
    return _default().names_many(list(texts))
