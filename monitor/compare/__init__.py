"""Comparing coverage: one story as several outlets told it, side by side.

The window's compare view and ``media-monitor compare`` both show what is made here, through
:meth:`monitor.app.Monitor.compare`; the result is a :class:`monitor.types.Comparison`.

- :mod:`monitor.compare.build`: which articles are compared, their text (translated where a
  model did), who published when, who has not covered the story, and sentence matching.
- :mod:`monitor.compare.text`: words, shared terms and sentence vectors, free of any model.
"""

from __future__ import annotations

from monitor.compare.build import MAX_COMPARED, closest_sentences, closest_to_base, compare
from monitor.compare.text import words_pattern

__all__ = ["MAX_COMPARED", "closest_sentences", "closest_to_base", "compare", "words_pattern"]
