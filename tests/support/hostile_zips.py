"""Hostile zip files for the tests, written byte by byte so that they are small and quick.

:mod:`zipfile` can only write what it compresses itself, which for a member that inflates
to 1.5 GB means compressing 1.5 GB. Here a deflate stream of a repeated byte is made by
repeating one fully-flushed compressed megabyte (a full flush leaves no reference to what
came before), so a "1.5 GB" member costs a few milliseconds and 1.5 MB of disk. Member
lists (central directories) can be written without any member data, and the end record
may claim any number of members (zip64 records beyond 65,535).

:func:`measure` runs a piece of code in a child interpreter and reports its peak memory
(``VmHWM``), with the address space and file sizes capped so that a regression fails the
test instead of exhausting the machine.
"""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import textwrap
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

MB = 1024**2
_CHUNK = MB
_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Entry:
    """One member as it goes into the file: its deflated bytes, CRC and inflated size."""

    name: str
    deflated: bytes
    crc: int
    size: int


def entry(name: str, data: bytes) -> Entry:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    deflated = compressor.compress(data) + compressor.flush()
    return Entry(name, deflated, zlib.crc32(data), len(data))


def bomb(
    name: str, size: int, fill: bytes = b" ", *, head: bytes = b"", tail: bytes = b""
) -> Entry:
    """A member of ``head``, then ``fill`` repeated, then ``tail``: about ``size`` bytes
    inflated (whole megabytes of ``fill``), about 1 KB deflated a megabyte."""
    chunk = fill * _CHUNK
    repeats = max(size - len(head) - len(tail), 0) // len(chunk)
    opening = zlib.compressobj(9, zlib.DEFLATED, -15)
    middle = zlib.compressobj(9, zlib.DEFLATED, -15)
    closing = zlib.compressobj(9, zlib.DEFLATED, -15)
    # Each fully flushed part ends on a byte and refers to nothing before it: parts join.
    deflated = b"".join(
        [
            opening.compress(head) + opening.flush(zlib.Z_FULL_FLUSH),
            (middle.compress(chunk) + middle.flush(zlib.Z_FULL_FLUSH)) * repeats,
            closing.compress(tail) + closing.flush(),
        ]
    )
    crc = zlib.crc32(head)
    for _ in range(repeats):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(tail, crc)
    return Entry(name, deflated, crc, len(head) + repeats * len(chunk) + len(tail))


def entries_of(archive: Path) -> list[Entry]:
    """Every member of a genuine archive, ready to be written again beside hostile ones."""
    with zipfile.ZipFile(archive) as source:
        return [entry(info.filename, source.read(info)) for info in source.infolist()]


def write_zip(path: Path, entries: list[Entry]) -> Path:
    """A plain zip (no zip64: every size under 4 GB) holding ``entries`` as given."""
    body = bytearray()
    directory = bytearray()
    for item in entries:
        name = item.name.encode()
        offset = len(body)
        body += struct.pack(
            "<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0x21, item.crc, len(item.deflated),
            item.size, len(name), 0,
        )  # fmt: skip
        body += name + item.deflated
        directory += struct.pack(
            "<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0x21, item.crc,
            len(item.deflated), item.size, len(name), 0, 0, 0, 0, 0o100644 << 16, offset,
        )  # fmt: skip
        directory += name
    count = len(entries)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(directory), len(body), 0)
    path.write_bytes(bytes(body + directory + end))
    return path


def write_member_list(path: Path, members: int, *, claimed: int, name_length: int = 7) -> Path:
    """A zip of nothing but a member list of ``members`` empty entries, named by number
    in ``name_length`` digits, whose end record claims ``claimed`` members (a zip64 end
    record when that is over 65,535)."""
    with path.open("wb") as file:
        size = 0
        for number in range(members):
            name = str(number).zfill(name_length).encode()
            header = struct.pack(
                "<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 0, 0, 0x21, 0, 0, 0, len(name),
                0, 0, 0, 0, 0o100644 << 16, 0,
            )  # fmt: skip
            file.write(header + name)
            size += len(header) + len(name)
        zip64 = claimed > 0xFFFF
        if zip64:
            record_at = size
            file.write(
                struct.pack(
                    "<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, claimed, claimed, size, 0
                )
            )
            file.write(struct.pack("<4sLQL", b"PK\x06\x07", 0, record_at, 1))
        shown = 0xFFFF if zip64 else claimed
        file.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, shown, shown, size, 0, 0))
    return path


@dataclass(frozen=True)
class Measured:
    before_mb: float  # peak after the imports and the setup, before the hostile step
    peak_mb: float
    outcome: str  # "accepted", or the exception's type and message

    @property
    def added_mb(self) -> float:
        return self.peak_mb - self.before_mb


_CHILD = """
import json, resource, signal, traceback

def high_water_mb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")

def virtual_bytes():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no VmSize")

{setup}
before = high_water_mb()
# A regression must fail the test, not take the machine's memory or disk with it.
cap = virtual_bytes() + {address_space_mb} * 1024 * 1024
resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, ({file_mb} * 1024 * 1024,) * 2)
try:
{action}
    outcome = "accepted"
except BaseException as error:
    outcome = type(error).__name__ + ": " + str(error)
print(json.dumps({{"before": before, "peak": high_water_mb(), "outcome": outcome}}))
"""


def measure(
    setup: str, action: str, *, address_space_mb: int = 1536, file_mb: int = 512
) -> Measured:
    """Run ``setup`` then ``action`` (Python source) in a child interpreter of this venv."""
    code = _CHILD.format(
        setup=textwrap.dedent(setup),
        action=textwrap.indent(textwrap.dedent(action), "    "),
        address_space_mb=address_space_mb,
        file_mb=file_mb,
    )
    environment = {**os.environ, "PYTHONPATH": str(_ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=_ROOT,
        env=environment,
        check=False,
    )
    if done.returncode != 0 or not done.stdout.strip():
        raise AssertionError(f"the child failed ({done.returncode}): {done.stderr[-2000:]}")
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return Measured(report["before"], report["peak"], report["outcome"])
