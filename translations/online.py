"""The Argos online package index: list what is available, download with progress, verify.

Used only when the user asks and a network exists. Downloads stream to a ``.part`` file,
stop at a size cap, are checked against the index's SHA-256 when it gives one, and are
validated as packages before anyone installs them.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from translations.errors import PackageIndexError
from translations.packages import MAX_PACKAGE_BYTES, check_archive

INDEX_URL = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json"
MAX_INDEX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class AvailablePackage:
    from_code: str
    to_code: str
    version: str
    from_name: str
    to_name: str
    links: tuple[str, ...]
    sha256: str | None

    @property
    def file_name(self) -> str:
        return (
            f"translate-{self.from_code}_{self.to_code}-{self.version.replace('.', '_')}.argosmodel"
        )


Progress = Callable[[int, int | None], None]  # (bytes so far, total bytes if known)


def fetch_index(client: httpx.Client, url: str = INDEX_URL) -> list[AvailablePackage]:
    """The translation packages the index offers."""
    try:
        response = client.get(url)
        response.raise_for_status()
        if len(response.content) > MAX_INDEX_BYTES:
            raise PackageIndexError(f"the package index at {url} is implausibly large")
        entries: Any = json.loads(response.content)
    except httpx.HTTPError as error:
        raise PackageIndexError(
            f"cannot reach the package index ({error}); without a network, install models "
            "from files with `media-monitor models install`"
        ) from error
    except ValueError as error:
        raise PackageIndexError(f"the package index at {url} is not valid JSON") from error
    if not isinstance(entries, list):
        raise PackageIndexError(f"the package index at {url} is not a list of packages")
    packages = []
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("type", "translate") != "translate":
            continue
        links = entry.get("links")
        if not (isinstance(links, list) and links and all(isinstance(x, str) for x in links)):
            continue
        try:
            packages.append(
                AvailablePackage(
                    from_code=str(entry["from_code"]),
                    to_code=str(entry["to_code"]),
                    version=str(entry.get("package_version", "1.0")),
                    from_name=str(entry.get("from_name", "")),
                    to_name=str(entry.get("to_name", "")),
                    links=tuple(links),
                    sha256=entry.get("sha256") or entry.get("checksum"),
                )
            )
        except KeyError:
            continue
    return packages


def download(
    client: httpx.Client,
    package: AvailablePackage,
    folder: Path,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> Path:
    """Download ``package`` into ``folder`` and verify it; returns the ``.argosmodel`` path."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / package.file_name
    partial = target.with_name(target.name + ".part")
    failures = []
    try:
        for link in package.links:
            try:
                _fetch(client, link, partial, progress, cancel)
                break
            except httpx.HTTPError as error:
                failures.append(f"{link}: {error}")
        else:
            raise PackageIndexError(
                f"could not download {package.file_name}: {'; '.join(failures)}"
            )
        if package.sha256:
            digest = hashlib.sha256()
            with partial.open("rb") as stream:
                while chunk := stream.read(1024 * 1024):
                    digest.update(chunk)
            if digest.hexdigest().lower() != package.sha256.lower():
                raise PackageIndexError(
                    f"{package.file_name} does not match the index's checksum; not installed"
                )
        check_archive(partial)
        partial.replace(target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return target


def _fetch(
    client: httpx.Client,
    url: str,
    destination: Path,
    progress: Progress | None,
    cancel: threading.Event | None,
) -> None:
    with client.stream("GET", url) as response:
        response.raise_for_status()
        declared = response.headers.get("content-length")
        total = int(declared) if declared and declared.isdigit() else None
        received = 0
        with destination.open("wb") as sink:
            for chunk in response.iter_bytes(1024 * 256):
                if cancel is not None and cancel.is_set():
                    raise PackageIndexError("download cancelled")
                received += len(chunk)
                if received > MAX_PACKAGE_BYTES:
                    raise PackageIndexError(f"{url} is larger than any package should be")
                sink.write(chunk)
                if progress is not None:
                    progress(received, total)
