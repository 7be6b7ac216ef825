"""The Argos online package index: list what is available, download with progress, verify.

Used only when the user asks and a network exists. Downloads stream to a ``.part`` file,
stop at a size cap, are checked against the index's SHA-256 when it gives one, and are
validated as packages before anyone installs them.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from translations.errors import PackageIndexError
from translations.packages import MAX_PACKAGE_BYTES, check_archive, is_language_code
from translations.types import AvailablePackage

INDEX_URL = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json"
MAX_INDEX_BYTES = 5 * 1024 * 1024
# The version becomes part of a file name, so it may hold nothing that leaves the folder.
_VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._+-]{0,31}$")
_SHA256 = re.compile(r"^[0-9a-fA-F]{64}$")
_OFFLINE_HINT = "without a network, install models from files with `media-monitor models install`"


Progress = Callable[[int, int | None], None]  # (bytes so far, total bytes if known)


def fetch_index(client: httpx.Client, url: str = INDEX_URL) -> list[AvailablePackage]:
    """The translation packages the index offers; malformed entries are left out."""
    try:
        with client.stream("GET", url) as response:
            if response.status_code >= 400:
                raise PackageIndexError(
                    f"the package index at {url} answered HTTP {response.status_code}; "
                    f"{_OFFLINE_HINT}"
                )
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_INDEX_BYTES:
                    raise PackageIndexError(f"the package index at {url} is implausibly large")
        entries: Any = json.loads(bytes(body))
    except (httpx.HTTPError, httpx.InvalidURL) as error:
        raise PackageIndexError(
            f"cannot reach the package index ({_reason(error)}); {_OFFLINE_HINT}"
        ) from error
    except ValueError as error:
        raise PackageIndexError(f"the package index at {url} is not valid JSON") from error
    if not isinstance(entries, list):
        raise PackageIndexError(f"the package index at {url} is not a list of packages")
    return [package for entry in entries if (package := _parse_entry(entry)) is not None]


def _parse_entry(entry: object) -> AvailablePackage | None:
    """One index entry, or None when it is not a translation package we could safely fetch."""
    if not isinstance(entry, dict) or entry.get("type", "translate") != "translate":
        return None
    from_code, to_code = entry.get("from_code"), entry.get("to_code")
    if not (is_language_code(from_code) and is_language_code(to_code)) or from_code == to_code:
        return None
    version = str(entry.get("package_version", "1.0"))
    if not _VERSION.fullmatch(version):
        return None
    links = entry.get("links")
    if not (isinstance(links, list) and links and all(_is_http(x) for x in links)):
        return None
    checksum = entry.get("sha256") or entry.get("checksum")
    if checksum is not None and not (isinstance(checksum, str) and _SHA256.fullmatch(checksum)):
        return None  # a checksum we cannot use must not silently turn into no check at all
    return AvailablePackage(
        from_code=str(from_code),
        to_code=str(to_code),
        version=version,
        from_name=str(entry.get("from_name", "")),
        to_name=str(entry.get("to_name", "")),
        links=tuple(links),
        sha256=checksum,
    )


def _reason(error: Exception) -> str:
    """A one-line reason: httpx's status errors span lines and link to documentation."""
    if isinstance(error, httpx.HTTPStatusError):
        return f"HTTP {error.response.status_code}"
    return str(error) or type(error).__name__


def _is_http(link: object) -> bool:
    return isinstance(link, str) and link.lower().startswith(("https://", "http://"))


def download(
    client: httpx.Client,
    package: AvailablePackage,
    folder: Path,
    *,
    progress: Progress | None = None,
    cancel: threading.Event | None = None,
) -> Path:
    """Download ``package`` into ``folder`` and verify it; returns the ``.argosmodel`` path."""
    target = folder / package.file_name
    partial = target.with_name(target.name + ".part")
    failures = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for link in package.links:
            if cancel is not None and cancel.is_set():
                raise PackageIndexError("download cancelled")
            try:
                _fetch(client, link, partial, progress, cancel)
                break
            except (httpx.HTTPError, httpx.InvalidURL) as error:
                failures.append(f"{link}: {_reason(error)}")
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
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise PackageIndexError(f"cannot save {package.file_name} in {folder}: {error}") from error
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
        encoded = response.headers.get("content-encoding", "identity").lower() != "identity"
        # With a Content-Encoding the length counts compressed bytes, not the ones we write.
        total = int(declared) if declared and declared.isdigit() and not encoded else None
        if total is not None and total > MAX_PACKAGE_BYTES:
            raise PackageIndexError(f"{url} is larger than any package should be")
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
