"""OPML subscription lists, for moving sources in and out of the app.

Feed readers export their subscriptions as OPML, and real exports are often not XML (a raw
``"`` in a title, a raw ``&`` in an address, ``&nbsp;``). :func:`read_opml` parses strictly,
then leniently when that fails, and accounts for every outline: a feed (an http(s) address),
a folder, or skipped with a reason. :func:`import_opml_file` follows the feeds and reports
what was imported and skipped; :func:`write_opml` writes the followed feeds for other readers.
"""

from monitor.sources.opml.importing import ALREADY_FOLLOWED, follow_feeds, import_opml_file
from monitor.sources.opml.reading import MAX_OPML_BYTES, parse_opml, read_opml
from monitor.sources.opml.report import (
    FoundFeed,
    ImportedFeed,
    OpmlImport,
    OpmlReading,
    SkippedOutline,
)
from monitor.sources.opml.writing import write_opml

__all__ = [
    "ALREADY_FOLLOWED",
    "MAX_OPML_BYTES",
    "FoundFeed",
    "ImportedFeed",
    "OpmlImport",
    "OpmlReading",
    "SkippedOutline",
    "follow_feeds",
    "import_opml_file",
    "parse_opml",
    "read_opml",
    "write_opml",
]
