"""The models dialog end to end: factory-built Argos packages, a real store, a local index."""

from __future__ import annotations

import hashlib
import json
import socket
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from monitor import open_monitor
from tests.support.argos_factory import build_package
from tests.support.http_server import Route
from tests.support.inside import parts
from tests.ui.dialog_support import demo_collection, screenshot, task_manager  # noqa: F401
from translations.types import PackageInfo
from ui.dialogs import models as models_module
from ui.dialogs.models import NO_NETWORK, ModelsDialog, ModelsState, coverage_lines
from ui.tasks import TaskManager


def _open(qtbot, tasks: TaskManager, **options) -> ModelsDialog:
    dialog = ModelsDialog(tasks, **options)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: bool(dialog.coverage.text()))
    return dialog


def _installed_rows(dialog: ModelsDialog) -> list[list[str]]:
    tree = dialog.installed
    return [
        [tree.topLevelItem(i).text(c) for c in range(tree.columnCount())]
        for i in range(tree.topLevelItemCount())
    ]


def _waiting(data_dir: Path) -> dict[str | None, int]:
    with open_monitor(data_dir) as monitor:
        return parts(monitor).translations.waiting_by_language()


def _install_folder(qtbot, dialog: ModelsDialog, folder: Path, monkeypatch) -> None:
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_a, **_k: str(folder))
    with qtbot.waitSignal(dialog.models_changed, timeout=20_000):
        qtbot.mouseClick(dialog.folder_button, Qt.MouseButton.LeftButton)


def test_shows_what_waits_without_a_model(qtbot, tasks: TaskManager):
    waiting = _waiting(tasks.data_dir)
    dialog = _open(qtbot, tasks)
    lines = dialog.coverage.text().splitlines()
    assert lines[0] == "No translation models installed yet."
    assert f"No model for Korean: {waiting['ko']} articles waiting" in lines
    assert f"No model for Russian: {waiting['ru']} articles waiting" in lines
    assert not any("English:" in line for line in lines)  # the target needs no model
    assert dialog.installed.topLevelItemCount() == 0


def test_installs_from_a_folder_and_explains_what_was_refused(
    qtbot, tasks: TaskManager, tmp_path: Path, monkeypatch
):
    folder = tmp_path / "usb"
    build_package(folder, "ru", "en")
    (folder / "broken.argosmodel").write_bytes(b"this is not a zip archive")
    waiting = _waiting(tasks.data_dir)
    dialog = _open(qtbot, tasks)
    _install_folder(qtbot, dialog, folder, monkeypatch)
    message = dialog.message.text().splitlines()
    assert message[0] == "Installed ru→en (translate-ru_en-1_0, version 1.0)."
    assert message[1].startswith("Refused broken.argosmodel: ")
    assert len(message[1]) > len("Refused broken.argosmodel: ") + 10  # a reason, said
    assert not dialog.progress.isVisible()
    qtbot.waitUntil(lambda: dialog.installed.topLevelItemCount() == 1)
    [row] = _installed_rows(dialog)
    assert row[:3] == ["ru→en", "Russian → English", "1.0"]
    assert row[3].endswith(" MB")
    lines = dialog.coverage.text().splitlines()
    assert f"Russian → English: ru→en; {waiting['ru']} articles waiting" in lines
    assert f"No model for Korean: {waiting['ko']} articles waiting" in lines
    screenshot(dialog, "models-installed.png")


def test_removes_a_model_after_confirming(qtbot, tasks: TaskManager, tmp_path, monkeypatch):
    build_package(tmp_path / "usb", "ko", "en")
    dialog = _open(qtbot, tasks)
    _install_folder(qtbot, dialog, tmp_path / "usb", monkeypatch)
    qtbot.waitUntil(lambda: dialog.installed.topLevelItemCount() == 1)
    assert not dialog.remove_button.isEnabled()
    dialog.installed.setCurrentItem(dialog.installed.topLevelItem(0))
    monkeypatch.setattr(models_module, "confirm", lambda *_: False)
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    monkeypatch.setattr(models_module, "confirm", lambda *_: True)
    with qtbot.waitSignal(dialog.models_changed):
        qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "Removed translate-ko_en-1_0 (ko→en)."
    qtbot.waitUntil(lambda: dialog.installed.topLevelItemCount() == 0)
    with open_monitor(tasks.data_dir) as monitor:
        assert monitor.models() == ([], [])


@pytest.mark.network
def test_lists_the_online_index_then_downloads_and_installs(
    qtbot, tasks: TaskManager, tmp_path: Path, server
):
    archive = build_package(tmp_path / "built", "uk", "en").read_bytes()
    link = server.add("/packages/translate-uk_en-1_0.argosmodel", Route(archive))
    entries = [
        {
            "from_code": code,
            "to_code": "en",
            "from_name": name,
            "to_name": "English",
            "package_version": "1.0",
            "links": [link],
            "sha256": hashlib.sha256(archive).hexdigest(),
        }
        for code, name in (("uk", "Ukrainian"), ("ko", "Korean"))
    ]
    index = server.add("/index.json", Route(json.dumps(entries).encode()))
    dialog = _open(qtbot, tasks, index_url=index)
    progressed: list[tuple[int, int | None]] = []
    tasks.progressed.connect(lambda _name, p: progressed.append((p.done, p.total)))
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.online.topLevelItemCount() == 2)
    assert dialog.message.text() == "The online index offers 2 models."
    pairs = [dialog.online.topLevelItem(i).text(0) for i in range(2)]
    assert pairs == ["ko→en", "uk→en"]
    assert not dialog.download_button.isEnabled()
    dialog.online.setCurrentItem(dialog.online.topLevelItem(1))
    screenshot(dialog, "models-online.png")
    with qtbot.waitSignal(dialog.models_changed, timeout=20_000):
        qtbot.mouseClick(dialog.download_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "Installed uk→en (translate-uk_en-1_0, version 1.0)."
    assert progressed and progressed[-1] == (len(archive), len(archive))
    qtbot.waitUntil(lambda: dialog.installed.topLevelItemCount() == 1)
    assert _installed_rows(dialog)[0][0] == "uk→en"


def test_without_a_network_it_says_so_plainly(qtbot, tasks: TaskManager):
    with socket.socket() as probe:  # a port nobody listens on once closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    dialog = _open(qtbot, tasks, index_url=f"http://127.0.0.1:{port}/index.json")
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.check_button.isEnabled())
    assert dialog.message.text() == NO_NETWORK
    assert dialog.online.topLevelItemCount() == 0
    screenshot(dialog, "models-offline.png")


@pytest.mark.network
def test_a_broken_index_is_an_error_not_no_network(qtbot, tasks: TaskManager, server):
    index = server.add("/index.json", Route(b"<html>moved</html>"))
    dialog = _open(qtbot, tasks, index_url=index)
    qtbot.mouseClick(dialog.check_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.check_button.isEnabled())
    assert dialog.message.text() == f"the package index at {index} is not valid JSON"


def _package(from_code: str, to_code: str) -> PackageInfo:
    name = f"translate-{from_code}_{to_code}-1_0"
    return PackageInfo(name, from_code, to_code, "1.0", Path(name), 1000)


def test_coverage_counts_a_route_through_a_pivot():
    state = ModelsState(
        packages=(_package("uk", "ru"), _package("ru", "en")),
        problems=(),
        waiting={"uk": 3, "ko": 2, "en": 4, None: 1},
        target="en",
    )
    assert coverage_lines(state) == [
        "No model for Korean: 2 articles waiting",
        "Russian → English: ru→en",
        "Ukrainian → English: through Russian; 3 articles waiting",
    ]
