"""Telling an article's language: script rules, word lists and dictionaries; Russian
from Ukrainian (:mod:`.cyrillic`)."""
