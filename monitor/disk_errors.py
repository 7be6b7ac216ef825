"""Plain words for a data folder that cannot be written: a full disk, a read-only folder.

SQLite and the operating system report these as "disk I/O error", "attempt to write a readonly
database" or ``[Errno 28]``; a user needs to hear what is wrong with the disk or folder and
that what was saved before is kept. Shared by the store, the index stage and the CLI.
"""

from __future__ import annotations

import errno
import sqlite3

# "File too large" is what a per-file size limit (a quota, FAT32's 4 GB) looks like: for the
# user it is the same as a full disk.
_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC), errno.EFBIG}
_DENIED = {errno.EACCES, errno.EPERM}

_FREE_SPACE = "free some space and try again"
DISK_FULL = f"the disk is full (or the file may not grow any larger); {_FREE_SPACE}"
READ_ONLY = (
    "the data folder is read-only for this user; make it writable or choose another data folder"
)


def describe_os_error(error: OSError) -> str:
    """A file operation that failed, as a phrase naming the file and what to do."""
    where = f" {error.filename}" if error.filename else ""
    if error.errno in _FULL:
        return f"cannot write{where}: {DISK_FULL}"
    if error.errno == errno.EROFS:
        return f"cannot write{where}: the disk is read-only; choose another data folder"
    if error.errno in _DENIED:
        return f"no permission to use{where}: {READ_ONLY}"
    reason = (error.strerror or str(error)).lower()
    return f"cannot use{where}: {reason}"


def sqlite_write_problem(error: sqlite3.Error) -> str | None:
    """The disk or folder problem behind an SQLite error, or ``None`` if it is not one.

    SQLite says "disk I/O error" when a write fails for a reason it does not name (a full disk
    under a size limit gives exactly that), so an I/O error is reported as a likely full disk.
    """
    name = getattr(error, "sqlite_errorname", "") or ""
    if name.startswith("SQLITE_FULL"):
        return DISK_FULL
    if name.startswith("SQLITE_IOERR"):
        return f"the disk could not be written ({error}): it may be full or failing; {_FREE_SPACE}"
    if name.startswith("SQLITE_READONLY") or name == "SQLITE_PERM":
        return (
            "the file or its folder is read-only for this user; make the data folder and its"
            " files writable, or choose another data folder"
        )
    if name == "SQLITE_CANTOPEN":
        return f"the file cannot be opened ({error}); check that the data folder is writable"
    return None
