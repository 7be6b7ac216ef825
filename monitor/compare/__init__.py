"""Comparing coverage: one story as several outlets told it, side by side.

The window's compare view and ``media-monitor compare`` both show what is made here, through
:meth:`monitor.app.Monitor.compare`; the result is a :class:`monitor.types.Comparison`.

- :mod:`monitor.compare.build`: which articles are compared, their text (translated where a
  model did), who published when, who has not covered the story, and sentence matching.
- :mod:`monitor.compare.text`: words, shared terms and sentence vectors, free of any model.
- :mod:`monitor.compare.types`: the comparison's types (re-exported by :mod:`monitor.types`).

The package imports :mod:`.build` and :mod:`.text` when one of their names is first asked
for, so that :mod:`monitor.types` can import the types without them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from monitor.compare.build import MAX_COMPARED, closest_sentences, closest_to_base, compare
    from monitor.compare.text import words_pattern

__all__ = ["MAX_COMPARED", "closest_sentences", "closest_to_base", "compare", "words_pattern"]
_FROM_BUILD = frozenset({"MAX_COMPARED", "closest_sentences", "closest_to_base", "compare"})


def __getattr__(name: str) -> Any:
    if name in _FROM_BUILD:
        from monitor.compare import build

        return getattr(build, name)
    if name == "words_pattern":
        from monitor.compare import text

        return text.words_pattern
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
