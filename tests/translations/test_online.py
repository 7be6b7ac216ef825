"""The Argos online index and downloads, against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import gzip
import hashlib
import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.argos_factory import build_package
from tests.support.http_server import LocalServer, Route
from translations import online
from translations.errors import InvalidPackage, PackageIndexError
from translations.online import AvailablePackage, download, fetch_index
from translations.packages import PackageFolder

PACKAGE_PATH = "/packages/translate-ru_en-1_0.argosmodel"


@pytest.fixture
def client() -> Iterator[httpx.Client]:
    with httpx.Client(follow_redirects=True, timeout=5) as http_client:
        yield http_client


@pytest.fixture
def package_bytes(tmp_path: Path) -> bytes:
    return build_package(tmp_path.parent / f"{tmp_path.name}-built", "ru", "en").read_bytes()


def _entry(from_code: str, to_code: str, links: list[str], **extra: Any) -> dict[str, Any]:
    """An entry shaped like those of the real argospm index."""
    names = {"ru": "Russian", "en": "English", "ko": "Korean", "uk": "Ukrainian"}
    return {
        "package_version": "1.0",
        "argos_version": "1.0",
        "from_code": from_code,
        "from_name": names.get(from_code, from_code),
        "to_code": to_code,
        "to_name": names.get(to_code, to_code),
        "links": links,
        **extra,
    }


def _offer(links: list[str], sha256: str | None = None) -> AvailablePackage:
    return AvailablePackage("ru", "en", "1.0", "Russian", "English", tuple(links), sha256)


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_fetch_index_keeps_translation_packages_and_drops_malformed_entries(
    server: LocalServer, client: httpx.Client
) -> None:
    link = "https://example.org/translate-ru_en-1_9.argosmodel"
    digest = "ab" * 32
    entries: list[Any] = [
        _entry("ru", "en", [link], package_version="1.9", sha256=digest, type="translate"),
        _entry("ko", "en", ["http://mirror.example/ko_en.argosmodel", link]),
        _entry("en", "ru", [link], type="sbd"),  # sentence boundary model, not a translator
        _entry("uk", "en", []),
        _entry("uk", "en", "http://example.org/uk_en.argosmodel"),  # type: ignore[arg-type]
        _entry("uk", "en", ["file:///etc/passwd"]),
        _entry("uk", "en", [42]),  # type: ignore[list-item]
        {k: v for k, v in _entry("uk", "en", [link]).items() if k != "from_code"},
        _entry(7, "en", [link]),  # type: ignore[arg-type]
        _entry("../../uk", "en", [link]),
        _entry("en", "en", [link]),
        _entry("uk", "en", [link], package_version="1/../../../evil"),
        _entry("uk", "en", [link], sha256="not-a-checksum"),
        _entry("uk", "en", [link], sha256=1234),
        "translate-uk_en",
        None,
    ]
    url = server.add("/index.json", Route(json.dumps(entries).encode()))

    available = fetch_index(client, url)

    assert available == [
        AvailablePackage("ru", "en", "1.9", "Russian", "English", (link,), digest),
        AvailablePackage(
            "ko",
            "en",
            "1.0",
            "Korean",
            "English",
            ("http://mirror.example/ko_en.argosmodel", link),
            None,
        ),
    ]
    assert available[0].file_name == "translate-ru_en-1_9.argosmodel"


def test_fetch_index_keeps_non_ascii_language_names(
    server: LocalServer, client: httpx.Client
) -> None:
    entries = [_entry("uk", "en", ["http://127.0.0.1/x"], from_name="Українська")]
    url = server.add("/index.json", Route(json.dumps(entries, ensure_ascii=False).encode()))
    (package,) = fetch_index(client, url)
    assert package.from_name == "Українська"


@pytest.mark.parametrize(
    ("route", "message"),
    [
        (Route(b"not found", 404), r"answered HTTP 404; without a network, install models"),
        (Route(b"oops", 500), "answered HTTP 500"),
        (Route(b"<html>captive portal</html>"), "is not valid JSON"),
        (Route(b"\xff\xfe[]"), "is not valid JSON"),
        (Route(b'{"packages": []}'), "is not a list of packages"),
    ],
)
def test_fetch_index_failures_are_clear(
    server: LocalServer, client: httpx.Client, route: Route, message: str
) -> None:
    url = server.add("/index.json", route)
    with pytest.raises(PackageIndexError, match=message):
        fetch_index(client, url)


def test_fetch_index_on_an_unreachable_port(client: httpx.Client) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(PackageIndexError, match=r"cannot reach the package index .*models install"):
        fetch_index(client, f"http://127.0.0.1:{port}/index.json")


def test_fetch_index_with_a_malformed_url(client: httpx.Client) -> None:
    with pytest.raises(PackageIndexError, match="cannot reach the package index"):
        fetch_index(client, "http://[::1/index.json")


def test_fetch_index_stops_reading_an_oversized_index(
    server: LocalServer, client: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(online, "MAX_INDEX_BYTES", 1000)
    url = server.add("/index.json", Route(json.dumps([_entry("ru", "en", ["x"])] * 50).encode()))
    with pytest.raises(PackageIndexError, match="is implausibly large"):
        fetch_index(client, url)


def test_download_reports_progress_and_installs(
    server: LocalServer, client: httpx.Client, package_bytes: bytes, tmp_path: Path
) -> None:
    link = server.add(PACKAGE_PATH, Route(package_bytes))
    offer = _offer([link], hashlib.sha256(package_bytes).hexdigest().upper())
    seen: list[tuple[int, int | None]] = []

    path = download(client, offer, tmp_path / "downloads", progress=lambda *a: seen.append(a))

    assert path == tmp_path / "downloads" / "translate-ru_en-1_0.argosmodel"
    assert path.read_bytes() == package_bytes
    assert _files(path.parent) == [path.name]
    assert len(seen) > 1  # several chunks, so a progress bar moves
    received = [done for done, _ in seen]
    assert received == sorted(received) and len(set(received)) == len(received)
    assert seen[-1] == (len(package_bytes), len(package_bytes))
    assert {total for _, total in seen} == {len(package_bytes)}
    installed = PackageFolder(tmp_path / "models").install_file(path)
    assert installed.pair == "ru→en"


def test_download_of_a_compressed_response_reports_no_total(
    server: LocalServer, client: httpx.Client, package_bytes: bytes, tmp_path: Path
) -> None:
    body = gzip.compress(package_bytes)
    link = server.add(PACKAGE_PATH, Route(body, headers={"Content-Encoding": "gzip"}))
    seen: list[tuple[int, int | None]] = []
    path = download(client, _offer([link]), tmp_path, progress=lambda *a: seen.append(a))
    assert path.read_bytes() == package_bytes
    assert seen[-1] == (len(package_bytes), None)  # Content-Length counted gzip bytes


def test_checksum_mismatch_is_refused_and_nothing_is_kept(
    server: LocalServer, client: httpx.Client, package_bytes: bytes, tmp_path: Path
) -> None:
    link = server.add(PACKAGE_PATH, Route(package_bytes))
    wrong = hashlib.sha256(package_bytes + b"x").hexdigest()
    with pytest.raises(PackageIndexError, match="does not match the index's checksum"):
        download(client, _offer([link], wrong), tmp_path / "downloads")
    assert _files(tmp_path / "downloads") == []


def test_a_download_that_is_not_a_package_is_refused_and_nothing_is_kept(
    server: LocalServer, client: httpx.Client, tmp_path: Path
) -> None:
    link = server.add(PACKAGE_PATH, Route(b"<html>Please log in to the hotel Wi-Fi</html>"))
    with pytest.raises(InvalidPackage, match=r"is not a valid \.argosmodel"):
        download(client, _offer([link]), tmp_path / "downloads")
    assert _files(tmp_path / "downloads") == []


@pytest.mark.parametrize(
    "failing_route",
    [Route(b"gone", 404), Route(b"x" * 4096, reset=True)],
    ids=["404", "connection reset mid-body"],
)
def test_the_second_link_is_tried_when_the_first_fails(
    server: LocalServer,
    client: httpx.Client,
    package_bytes: bytes,
    tmp_path: Path,
    failing_route: Route,
) -> None:
    broken = server.add("/mirror-1/ru_en.argosmodel", failing_route)
    working = server.add("/mirror-2/ru_en.argosmodel", Route(package_bytes))
    offer = _offer([broken, working], hashlib.sha256(package_bytes).hexdigest())
    path = download(client, offer, tmp_path)
    assert path.read_bytes() == package_bytes
    assert len(server.requests_to("/mirror-1/ru_en.argosmodel")) == 1
    assert _files(tmp_path) == [path.name]


def test_every_link_failing_names_each_failure(
    server: LocalServer, client: httpx.Client, tmp_path: Path
) -> None:
    first = server.add("/a.argosmodel", Route(b"gone", 404))
    second = server.add("/b.argosmodel", Route(b"down", 503))
    with pytest.raises(PackageIndexError) as raised:
        download(client, _offer([first, second, "http://[::1/c"]), tmp_path)
    assert str(raised.value) == (
        f"could not download translate-ru_en-1_0.argosmodel: {first}: HTTP 404; "
        f"{second}: HTTP 503; http://[::1/c: Invalid port: ':1'"
    )
    assert _files(tmp_path) == []


def test_cancel_during_download_stops_and_keeps_nothing(
    server: LocalServer, client: httpx.Client, package_bytes: bytes, tmp_path: Path
) -> None:
    link = server.add(PACKAGE_PATH, Route(package_bytes))
    cancel = threading.Event()
    seen: list[int] = []

    def on_progress(done: int, total: int | None) -> None:
        seen.append(done)
        cancel.set()  # the user presses Cancel after the first chunk

    with pytest.raises(PackageIndexError, match="download cancelled"):
        download(client, _offer([link]), tmp_path, progress=on_progress, cancel=cancel)
    assert len(seen) == 1 and seen[0] < len(package_bytes)
    assert _files(tmp_path) == []


def test_cancel_before_starting_sends_no_request(
    server: LocalServer, client: httpx.Client, package_bytes: bytes, tmp_path: Path
) -> None:
    link = server.add(PACKAGE_PATH, Route(package_bytes))
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(PackageIndexError, match="download cancelled"):
        download(client, _offer([link]), tmp_path, cancel=cancel)
    assert server.requests_to(PACKAGE_PATH) == []
    assert _files(tmp_path) == []


def test_a_download_larger_than_any_package_is_refused(
    server: LocalServer,
    client: httpx.Client,
    package_bytes: bytes,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(online, "MAX_PACKAGE_BYTES", 100_000)
    declared = server.add(PACKAGE_PATH, Route(package_bytes))
    undeclared = server.add(
        "/chunked.argosmodel",
        Route(gzip.compress(package_bytes), headers={"Content-Encoding": "gzip"}),
    )
    for link in (declared, undeclared):
        with pytest.raises(PackageIndexError, match="is larger than any package should be"):
            download(client, _offer([link]), tmp_path)
        assert _files(tmp_path) == []


def test_file_name_cannot_leave_the_download_folder() -> None:
    offer = AvailablePackage("ru", "en", "1/../../x", "", "", ("http://127.0.0.1/",), None)
    assert offer.file_name == "translate-ru_en-1_______x.argosmodel"
