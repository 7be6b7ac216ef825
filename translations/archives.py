"""Reading zip files from strangers in bounded memory: packages here, bundles in the core.

:class:`zipfile.ZipFile` trusts an archive more than we can. Opening one reads its whole
central directory into memory and builds an object per member (a million tiny members cost
over 500 MB before a caller can count them), and ``ZipFile.read`` inflates a member whole,
whatever its size (a 2 MB file may hold a 1.5 GB ``metadata.json``). So, before
``ZipFile`` is built, :func:`open_zip` reads the end-of-directory record itself (zip64
included) and walks the central directory header by header, keeping nothing but a count;
after it, :func:`check_members` refuses duplicate names, members that inflate implausibly
and archives that declare too much; and :func:`read_member` reads at most a given number
of bytes. :func:`load_json` parses what was read without letting deep nesting (``[[[…``
200,000 levels) escape as a ``RecursionError``.

Each function takes ``refuse``, the exception type to raise (it is called with the
message), so that packages report :class:`~translations.errors.InvalidPackage` and
bundles their own error, each with a message the user can act on.
"""

from __future__ import annotations

import json
import struct
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

Refuse = Callable[[str], Exception]

_END = b"PK\x05\x06"
_END_SIZE = 22
_END64 = b"PK\x06\x06"
_END64_SIZE = 56
_LOCATOR = b"PK\x06\x07"
_LOCATOR_SIZE = 20
_ENTRY = b"PK\x01\x02"
_ENTRY_SIZE = 46
_MAX_COMMENT = 0xFFFF
# A member is refused when it inflates more than this, unless it is small: deflate reaches
# about 1,000:1 on zeros, real model weights about 1.1:1, text and HTML 3 to 20:1.
MAX_RATIO = 200
RATIO_FLOOR = 1024 * 1024  # below this inflated size any ratio is harmless


@dataclass(frozen=True, slots=True)
class ZipLimits:
    """What an archive of one kind may hold; its central directory is allowed
    ``directory_bytes_per_member`` bytes a member (a header of 46 bytes and a name)."""

    max_members: int
    max_total_bytes: int
    what: str  # "a package", "a bundle": for messages
    directory_bytes_per_member: int = 512

    @property
    def max_directory_bytes(self) -> int:
        return self.max_members * self.directory_bytes_per_member


@dataclass(frozen=True, slots=True)
class DirectoryEnd:
    """Where an archive's central directory is and how many members it claims."""

    members: int
    directory_size: int
    directory_start: int  # in the file, with any data prepended to the archive counted


def directory_end(file: BinaryIO, file_size: int) -> DirectoryEnd:
    """Find the end-of-central-directory record as :mod:`zipfile` does; zip64 included.

    Raises :class:`zipfile.BadZipFile` when there is none (not a zip, or cut short).
    """
    tail_size = min(file_size, _END_SIZE + _MAX_COMMENT)
    file.seek(file_size - tail_size)
    tail = file.read(tail_size)
    at = len(tail) - _END_SIZE  # where the record is when the archive has no comment
    if at < 0 or tail[at : at + 4] != _END or tail[-2:] != b"\0\0":
        at = tail.rfind(_END)
    if at < 0 or len(tail) - at < _END_SIZE:
        raise zipfile.BadZipFile("File is not a zip file")
    end_offset = file_size - tail_size + at
    # The directory's own offset field is not used: like zipfile, we find the directory
    # right before this record, which also holds when bytes were prepended to the archive.
    (_, _, _, _, members, size, _, _) = struct.unpack("<4s4H2LH", tail[at : at + _END_SIZE])
    if end_offset >= _LOCATOR_SIZE:
        file.seek(end_offset - _LOCATOR_SIZE)
        locator = file.read(_LOCATOR_SIZE)
        if locator[:4] == _LOCATOR and end_offset >= _LOCATOR_SIZE + _END64_SIZE:
            # zipfile reads the zip64 record right before its locator (not where it points).
            record_offset = end_offset - _LOCATOR_SIZE - _END64_SIZE
            file.seek(record_offset)
            record = file.read(_END64_SIZE)
            if record[:4] == _END64:
                fields = struct.unpack("<4sQ2H2L4Q", record)
                members, size = fields[7], fields[8]
                end_offset = record_offset
    directory_start = end_offset - size
    if directory_start < 0:
        raise zipfile.BadZipFile("Bad offset for central directory")
    return DirectoryEnd(members, size, directory_start)


def open_zip(path: Path, label: str, limits: ZipLimits, refuse: Refuse) -> zipfile.ZipFile:
    """``ZipFile(path)``, once the member count and directory size are known to be sane.

    Raises ``refuse`` for an archive over ``limits``, and what :mod:`zipfile` raises for a
    damaged one (callers already turn those into their own messages).
    """
    with path.open("rb") as file:
        file_size = file.seek(0, 2)
        end = directory_end(file, file_size)
        _refuse_count(end.members, label, limits, refuse)
        if end.directory_size > limits.max_directory_bytes:
            raise refuse(
                f"{label} has a member list of {_human(end.directory_size)}, far more than "
                f"{limits.what} needs; refused"
            )
        # The count above is the archive's claim; zipfile reads the directory by its size,
        # so count the headers that are really there, keeping nothing in memory.
        _refuse_count(_count_entries(file, end, limits.max_members), label, limits, refuse)
    return zipfile.ZipFile(path)


def _refuse_count(members: int, label: str, limits: ZipLimits, refuse: Refuse) -> None:
    if members > limits.max_members:
        # The walk stops one past the cap, so its count says "more than", not how many.
        cap = limits.max_members
        many = f"{members:,}" if members > cap + 1 else f"more than {cap:,}"
        raise refuse(
            f"{label} has {many} files; {limits.what} holds at most {cap:,}, so it was refused"
        )


def _count_entries(file: BinaryIO, end: DirectoryEnd, stop_after: int) -> int:
    """How many member headers the central directory holds (counted as :mod:`zipfile`
    walks them, by the directory's size), reading one header at a time; stops counting
    past ``stop_after``."""
    file.seek(end.directory_start)
    count = 0
    left = end.directory_size
    while left > 0 and count <= stop_after:
        header = file.read(_ENTRY_SIZE)
        if len(header) < _ENTRY_SIZE or header[:4] != _ENTRY:
            break  # a damaged directory: zipfile will say what is wrong with it
        name, extra, comment = struct.unpack("<3H", header[28:34])
        file.seek(name + extra + comment, 1)
        left -= _ENTRY_SIZE + name + extra + comment
        count += 1
    return count


def check_members(
    members: Iterable[zipfile.ZipInfo], label: str, limits: ZipLimits, refuse: Refuse
) -> int:
    """Refuse duplicate names, implausible inflation and too much in all; the declared total.

    Names are compared as a file system would see them (Unicode-normalised, without case,
    without a trailing "/"): two entries for one file let the second replace the first, and
    which one a reader sees depends on the reader.
    """
    seen: set[str] = set()
    total = 0
    for member in members:
        key = unicodedata.normalize("NFC", member.filename).rstrip("/").casefold()
        if key in seen:
            raise refuse(f"{label} holds {member.filename!r} twice; refused")
        seen.add(key)
        total += member.file_size
        if member.file_size > RATIO_FLOOR and member.file_size > MAX_RATIO * max(
            member.compress_size, 1
        ):
            raise refuse(
                f"{label}: {member.filename} would inflate from "
                f"{_human(member.compress_size)} to {_human(member.file_size)} "
                f"(over {MAX_RATIO}:1, a zip bomb); refused"
            )
    if total > limits.max_total_bytes:
        raise refuse(
            f"{label} unpacks to {_human(total)}, over the "
            f"{_human(limits.max_total_bytes)} limit for {limits.what}"
        )
    return total


def read_member(
    archive: zipfile.ZipFile, name: str, limit: int, label: str, refuse: Refuse
) -> bytes:
    """The member's bytes, refused as soon as there are more than ``limit`` (whatever its
    header declares: the header may lie and the stream is what counts)."""
    with archive.open(name) as stream:
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise refuse(f"{label}: {name} is larger than {_human(limit)}; refused")
    return data


def load_json(raw: bytes, encoding: str = "utf-8", max_items: int | None = None) -> Any:
    """``json.loads(raw.decode(encoding))``, raising only :class:`ValueError` (which
    :class:`UnicodeDecodeError` and :class:`json.JSONDecodeError` are) for bad input.

    Deep nesting (``[[[…`` 200,000 levels) raises RecursionError inside the parser; and a
    text of tiny items (``[{},{},…]``) takes twenty times its size in memory, so with
    ``max_items`` the objects, lists and commas (one per further item) are counted first.
    """
    if max_items is not None:
        items = raw.count(b"{") + raw.count(b"[") + raw.count(b",")
        if items > max_items:
            raise ValueError(f"it holds {items:,} items, more than it could need")
    try:
        return json.loads(raw.decode(encoding))
    except RecursionError:
        raise ValueError("it is nested too deeply") from None


def _human(size: int) -> str:
    if size >= 1024**3:
        return f"{size / 1024**3:.1f} GB"
    if size >= 1024**2:
        return f"{size / 1024**2:.1f} MB"
    return f"{size / 1024:.1f} KB"
