"""What reading and importing an OPML file found: the feeds, the outlines skipped and why,
and whether the file was damaged. The CLI and the sources dialog print the same words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from monitor.types import OpmlOutline, Source

_FOLDERS_SHOWN = 10


@dataclass(frozen=True, slots=True)
class FoundFeed:
    """A feed outline of an OPML file."""

    outline: OpmlOutline
    folder: str | None  # the reader's folders around it, "Новости / Россия"
    position: int  # its place among the file's outlines, from 1


@dataclass(frozen=True, slots=True)
class SkippedOutline:
    """An outline that is not followed, and why."""

    name: str  # its title, else its address, as the file gives them
    address: str  # the address it names (normalised when it could be), "" if none
    reason: str  # "not a feed: a Liferea search folder (vfolder)", "already followed"
    position: int


@dataclass(frozen=True, slots=True)
class OpmlReading:
    """An OPML file read: its feeds in file order (duplicates included) and what is skipped."""

    feeds: tuple[FoundFeed, ...]
    skipped: tuple[SkippedOutline, ...]
    damage: str | None = None  # the XML error, when the file was damaged and recovered

    @property
    def outline_count(self) -> int:
        return len(self.feeds) + len(self.skipped)


@dataclass(frozen=True, slots=True)
class ImportedFeed:
    source: Source
    folder: str | None


@dataclass(frozen=True, slots=True)
class OpmlImport:
    """The outcome of importing an OPML file (the door's ``import_opml``)."""

    file_name: str
    imported: tuple[ImportedFeed, ...]
    skipped: tuple[SkippedOutline, ...]  # in file order, "already followed" included
    damage: str | None
    outlines_read: int

    def summary(self) -> str:
        """ "Imported 12 sources from feedly.opml; skipped 3." and, if it was, the damage."""
        count = len(self.imported)
        text = f"Imported {count} source{'' if count == 1 else 's'} from {self.file_name}"
        text += f"; skipped {len(self.skipped)}." if self.skipped else "."
        if self.damage is not None:
            text += (
                f" The file was damaged ({self.damage}); "
                f"{self.outlines_read} outline{'' if self.outlines_read == 1 else 's'} recovered."
            )
        return text

    def details(
        self, limit: int | None = None, *, isolate: Callable[[str], str] = str
    ) -> list[str]:
        """Lines listing what was imported and what was skipped and why (``limit`` per list).

        ``isolate`` wraps each name, address and folder taken from the file (the window
        passes one that keeps right-to-left text and bidi controls from reordering the line).
        """
        lines: list[str] = []
        if self.imported:
            lines.append("Imported:")
            lines += _listed(
                [
                    f"  {isolate(feed.source.name)} — {isolate(feed.source.url)}"
                    + (f" (folder {isolate(feed.folder)})" if feed.folder else "")
                    for feed in self.imported
                ],
                limit,
            )
        if self.skipped:
            lines.append("Skipped:")
            lines += _listed(
                [
                    f"  {isolate(skipped.name)}"
                    + (
                        f" ({isolate(skipped.address)})"
                        if skipped.address not in ("", skipped.name)
                        else ""
                    )
                    + f": {skipped.reason}"
                    for skipped in self.skipped
                ],
                limit,
            )
        folders = list(dict.fromkeys(feed.folder for feed in self.imported if feed.folder))
        if folders:
            shown = ", ".join(isolate(folder) for folder in folders[:_FOLDERS_SHOWN])
            more = (
                f" and {len(folders) - _FOLDERS_SHOWN} more"
                if len(folders) > _FOLDERS_SHOWN
                else ""
            )
            lines.append(f"Folders are not kept (Media Monitor has none): {shown}{more}.")
        return lines


def _listed(lines: list[str], limit: int | None) -> list[str]:
    if limit is None or len(lines) <= limit:
        return lines
    return [*lines[:limit], f"  … and {len(lines) - limit} more"]
