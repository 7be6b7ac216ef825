"""Filter queries of the search layer: days, languages and outlets, checked for the user.

Both the query language (``date:``, ``lang:``) and the parameters of a search request
(languages, outlets, since/until) filter through here, so both mean the same thing:

* Days are the ``day`` field ("2026-11-20", the UTC calendar day of publication). A date may
  name a day, a month (2026-11) or a year (2026); every range is turned into inclusive days,
  so an exclusive end (``{…}``, ``<``, ``>``) moves to the neighbouring day.
* Languages are ISO codes of the original (``ru``), or a few English names (``russian``).
* Outlets match the words of their name in order, case-insensitively.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from whoosh import query as wq
from whoosh.fields import Schema

from indexes.errors import QuerySyntaxError
from indexes.types import SearchRequest

__all__ = ["date_query", "date_range", "language_query", "parameter_filters"]

_LANGUAGE_NAMES = {
    "russian": "ru", "ukrainian": "uk", "korean": "ko", "chinese": "zh", "english": "en",
}  # fmt: skip
_LANGUAGE_CODE = re.compile(r"[a-z]{2,3}")
_DATE_TEXT = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_DATE_HELP = "a date must look like 2026-11-20 (or 2026-11 for a month, 2026 for a year)"
_ONE_DAY = timedelta(days=1)


def _period(text: str) -> tuple[date, date]:
    """The first and last day of ``2026-11-20``, ``2026-11`` or ``2026``."""
    match = _DATE_TEXT.fullmatch(text.strip())
    if match is None:
        if text.lstrip().startswith(("[", "{")):
            raise QuerySyntaxError(
                f"Cannot read the date range “{text}”: write it as "
                "date:[2026-11-01 TO 2026-11-20] with spaces around TO and a closing ]."
            )
        raise QuerySyntaxError(f"Cannot read “{text}” as a date: {_DATE_HELP}.")
    year, month, day = (int(part) if part else None for part in match.groups())
    assert year is not None  # the pattern requires it
    try:
        if month is None:
            return date(year, 1, 1), date(year, 12, 31)
        if day is None:
            return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        return date(year, month, day), date(year, month, day)
    except ValueError:
        raise QuerySyntaxError(f"“{text}” is not a real date: {_DATE_HELP}.") from None


def date_query(text: str) -> wq.Query:
    first, last = _period(text)
    return wq.Term("day", first.isoformat()) if first == last else _day_range(first, last)


def date_range(start: str | None, end: str | None, start_excl: bool, end_excl: bool) -> wq.Query:
    # Exclusive ends become inclusive days, so every day range reads "from day to day".
    if start is None and end is None:
        raise QuerySyntaxError("A date range needs at least one date: date:[2026-11-01 TO].")
    low = (_period(start)[1] + _ONE_DAY if start_excl else _period(start)[0]) if start else None
    high = (_period(end)[0] - _ONE_DAY if end_excl else _period(end)[1]) if end else None
    if low is not None and high is not None and low > high:
        raise QuerySyntaxError(
            f"The date range from {start} to {end} holds no day: put the earlier date "
            "first ({ and } leave out the days they enclose)."
        )
    return _day_range(low, high)


def _day_range(low: date | None, high: date | None) -> wq.Query:
    return wq.TermRange("day", low and low.isoformat(), high and high.isoformat())


def language_query(text: str) -> wq.Query:
    parts = [part.strip().lower() for part in text.split(",") if part.strip()]
    codes = [_LANGUAGE_NAMES.get(part, part) for part in parts]
    if not codes or not all(_LANGUAGE_CODE.fullmatch(code) for code in codes):
        raise QuerySyntaxError(
            f"“{text}” is not a language: use a code such as ru, uk, ko, zh or en, several "
            "separated by commas (lang:ru,uk)."
        )
    terms = [wq.Term("lang", code) for code in dict.fromkeys(codes)]
    return terms[0] if len(terms) == 1 else wq.Or(terms)


def parameter_filters(request: SearchRequest, schema: Schema) -> list[wq.Query]:
    filters: list[wq.Query] = []
    if request.languages:
        filters.append(language_query(",".join(request.languages)))
    if request.outlets:
        filters.append(wq.Or([_outlet_query(name, schema) for name in request.outlets]))
    if request.since is not None or request.until is not None:
        since, until = request.since, request.until
        if since is not None and until is not None and since > until:
            raise QuerySyntaxError(
                f"The start date {since.isoformat()} is after the end date {until.isoformat()}."
            )
        filters.append(_day_range(since, until))
    return filters


def _outlet_query(name: str, schema: Schema) -> wq.Query:
    words = list(schema["outlet"].process_text(name, mode="query"))
    if not words:
        raise QuerySyntaxError(f"“{name}” is not an outlet name: it has no letters or digits.")
    # The words of the name in order: "Seoul Daily" also matches "Seoul Daily News".
    return wq.Term("outlet", words[0]) if len(words) == 1 else wq.Phrase("outlet", words)
