"""The sources dialog end to end: a real store, a real local HTTP server, real OPML files."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QTreeWidgetItem, QWidget

from monitor import open_monitor
from monitor.types import SourceKind
from tests.support.http_server import LocalServer, Route
from tests.ui.dialog_support import demo_collection, screenshot, task_manager  # noqa: F401
from tests.ui.drawn_text import drawn_text
from ui.dialogs import sources as sources_module
from ui.dialogs.common import confirm
from ui.dialogs.sources import SourcesDialog
from ui.tasks import TaskManager

RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel>
<title>Harbour Courier</title><link>{base}/</link><language>en</language>
<item><title>Port reopens after storm</title><link>{base}/a1.html</link>
<guid>a1</guid><description>The port reopened on Tuesday.</description></item>
<item><title>Ferry timetable changes</title><link>{base}/a2.html</link>
<guid>a2</guid><description>Winter timetable starts next week.</description></item>
</channel></rss>"""

HOME_PAGE = """<!doctype html><html lang="en"><head><title>Harbour Courier</title>
<link rel="alternate" type="application/rss+xml" href="/feed.xml"></head>
<body><h1>Harbour Courier</h1><p>News from the harbour.</p></body></html>"""


def _open(qtbot, tasks: TaskManager) -> SourcesDialog:
    dialog = SourcesDialog(tasks)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.source_list.topLevelItemCount() > 0)
    return dialog


def _rows(dialog: SourcesDialog) -> list[list[str]]:
    tree = dialog.source_list
    return [
        [tree.topLevelItem(i).text(c) for c in range(tree.columnCount())]
        for i in range(tree.topLevelItemCount())
    ]


def _select(dialog: SourcesDialog, name: str) -> None:
    [item] = dialog.source_list.findItems(name, Qt.MatchFlag.MatchExactly, 0)
    dialog.source_list.setCurrentItem(item)


def _serve_feed(server: LocalServer) -> str:
    body = RSS.format(base=server.base_url).encode()
    return server.add("/feed.xml", Route(body, headers={"Content-Type": "application/rss+xml"}))


def _catalog_item(dialog: SourcesDialog, key: str) -> QTreeWidgetItem:
    tree = dialog.catalog_view.tree
    for group in range(tree.topLevelItemCount()):
        parent = tree.topLevelItem(group)
        for row in range(parent.childCount()):
            if parent.child(row).data(0, Qt.ItemDataRole.UserRole) == key:
                return parent.child(row)
    raise AssertionError(f"{key} is not shown")


def test_lists_the_followed_sources_with_their_state(qtbot, tasks: TaskManager):
    dialog = _open(qtbot, tasks)
    with open_monitor(tasks.data_dir) as monitor:
        expected = {s.name: s.article_count for s in monitor.sources()}
    rows = _rows(dialog)
    assert {row[0]: int(row[2]) for row in rows} == expected
    assert all(row[4] == "OK" for row in rows)
    assert "Korean" in {row[1] for row in rows}
    screenshot(dialog, "sources-followed.png")


def test_follows_ticked_outlets_from_the_catalog(qtbot, tasks: TaskManager):
    dialog = _open(qtbot, tasks)
    dialog.tabs.setCurrentIndex(1)
    view = dialog.catalog_view
    view.language_filter.setCurrentIndex(view.language_filter.findData("ko"))
    groups = [view.tree.topLevelItem(i).text(0) for i in range(view.tree.topLevelItemCount())]
    assert groups == ["Korean (ko)"]
    assert not dialog.follow_button.isEnabled()
    _catalog_item(dialog, "yonhap-ko").setCheckState(0, Qt.CheckState.Checked)
    _catalog_item(dialog, "hankyoreh-ko").setCheckState(0, Qt.CheckState.Checked)
    screenshot(dialog, "sources-catalog.png")
    with qtbot.waitSignal(dialog.sources_changed):
        qtbot.mouseClick(dialog.follow_button, Qt.MouseButton.LeftButton)
    assert dialog.catalog_message.text().startswith("Now following 2:")
    qtbot.waitUntil(lambda: dialog.source_list.topLevelItemCount() == 7)
    names = [row[0] for row in _rows(dialog)]
    assert "Yonhap News Agency (연합뉴스)" in names
    assert "The Hankyoreh (한겨레)" in names
    followed = _catalog_item(dialog, "yonhap-ko")
    assert followed.checkState(0) == Qt.CheckState.Checked
    assert not followed.flags() & Qt.ItemFlag.ItemIsUserCheckable
    assert view.ticked() == []


def test_the_catalog_labels_channels_and_follows_them_as_channels(qtbot, tasks: TaskManager):
    dialog = _open(qtbot, tasks)
    dialog.tabs.setCurrentIndex(1)
    view = dialog.catalog_view
    view.language_filter.setCurrentIndex(view.language_filter.findData("ru"))
    channel = _catalog_item(dialog, "tass-telegram-ru")
    assert channel.text(2) == "Telegram channel"
    assert channel.toolTip(2) == "https://t.me/s/tass_agency"
    assert _catalog_item(dialog, "tass-ru").text(2) == "https://tass.ru/rss/v2.xml"
    view.tree.scrollToItem(channel)
    cell = view.tree.visualItemRect(channel)
    header = view.tree.header()
    cell.setLeft(header.sectionViewportPosition(2))
    cell.setWidth(header.sectionSize(2))
    assert "Telegram channel" in drawn_text(view.tree.viewport(), cell)
    channel.setCheckState(0, Qt.CheckState.Checked)
    with qtbot.waitSignal(dialog.sources_changed):
        qtbot.mouseClick(dialog.follow_button, Qt.MouseButton.LeftButton)
    assert dialog.catalog_message.text().startswith("Now following 1:")
    with open_monitor(tasks.data_dir) as monitor:
        kinds = {s.url: s.kind for s in monitor.sources()}
    assert kinds["https://t.me/s/tass_agency"] is SourceKind.TELEGRAM


def _drawn_colours(tree, item: QTreeWidgetItem, column: int) -> int:
    """How many colours the cell shows on screen: an empty cell is one or two."""
    tree.scrollToItem(item)
    row = tree.visualItemRect(item)
    header = tree.header()
    left, width = header.sectionViewportPosition(column), header.sectionSize(column)
    assert left >= 0 and left + width <= tree.viewport().width(), "column is off screen"
    image = tree.viewport().grab(QRect(left, row.y(), width, row.height())).toImage()
    return len({image.pixel(x, y) for x in range(image.width()) for y in range(image.height())})


def test_the_catalog_shows_state_ties_owners_and_feed_evidence(qtbot, tasks: TaskManager):
    dialog = _open(qtbot, tasks)
    dialog.tabs.setCurrentIndex(1)
    view = dialog.catalog_view
    tree = view.tree
    header = tree.headerItem()
    assert [header.text(c) for c in range(tree.columnCount())] == [
        "Outlet",
        "Country",
        "Feed",
        "Affiliation",
        "Feed evidence",
    ]
    view.language_filter.setCurrentIndex(view.language_filter.findData("ru"))
    tass = _catalog_item(dialog, "tass-ru")
    assert (tass.text(3), tass.text(4)) == ("state media", "confirmed")
    assert tass.font(3).bold()
    assert tass.toolTip(3).startswith("state media. Owner: Government of the Russian Federation")
    assert tass.toolTip(4).startswith("confirmed (6 sources cited). Its anti-bot front")
    assert _catalog_item(dialog, "meduza-ru").text(3) == "—"
    tree.setCurrentItem(tass)
    details = dialog.catalog_view.details
    assert details.textFormat() == Qt.TextFormat.PlainText
    assert details.text().splitlines()[:3] == [
        "TASS (ТАСС) — state media",
        "Owner: Government of the Russian Federation (TASS is a federal state unitary enterprise)",
        "Why the label: State Media Monitor typology SC (state-controlled media)",
    ]
    assert details.text().splitlines()[3].startswith("Feed: confirmed (6 sources cited). Its")
    qtbot.waitUntil(lambda: details.height() >= details.heightForWidth(details.width()))
    screenshot(dialog, "sources-catalog-labels.png")
    for column in (0, 3, 4):  # the name, the label and the evidence are all on screen
        assert _drawn_colours(tree, tass, column) > 2
    assert tree.header().sectionSize(0) > 200

    qtbot.keyClicks(view.text_filter, "Xinhua")  # the view rebuilds its rows: labels stay
    view.language_filter.setCurrentIndex(view.language_filter.findData(""))
    xinhua = _catalog_item(dialog, "xinhua-zh")
    assert xinhua.text(3) == "state media" and "Stale" in xinhua.toolTip(4)
    view.text_filter.clear()
    kbs = _catalog_item(dialog, "kbs-world-ko")
    assert kbs.text(3) == "public broadcaster" and not kbs.font(3).bold()
    tree.setCurrentItem(kbs)
    assert "Owner: Korean Broadcasting System (KBS)" in dialog.catalog_view.details.text()


@pytest.mark.network
def test_adds_a_feed_by_address_and_shows_the_note(qtbot, tasks: TaskManager, server):
    url = _serve_feed(server)
    dialog = _open(qtbot, tasks)
    dialog.tabs.setCurrentIndex(2)
    qtbot.keyClicks(dialog.url_edit, url)
    with qtbot.waitSignal(dialog.sources_changed):
        qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert dialog.add_message.text() == "Following “Harbour Courier”: feed with 2 items."
    assert dialog.url_edit.text() == ""
    qtbot.waitUntil(lambda: "Harbour Courier" in [row[0] for row in _rows(dialog)])
    screenshot(dialog, "sources-add.png")


@pytest.mark.network
def test_a_site_address_finds_its_feed(qtbot, tasks: TaskManager, server):
    feed_url = _serve_feed(server)
    home = server.add("/", Route(HOME_PAGE.encode(), headers={"Content-Type": "text/html"}))
    dialog = _open(qtbot, tasks)
    dialog.url_edit.setText(home)
    dialog.new_name_edit.setText("Courier")
    with qtbot.waitSignal(dialog.sources_changed):
        qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    assert f"found the feed {feed_url}" in dialog.add_message.text()
    qtbot.waitUntil(lambda: "Courier" in [row[0] for row in _rows(dialog)])


@pytest.mark.network
def test_bad_addresses_are_explained_inline(qtbot, tasks: TaskManager, server):
    url = _serve_feed(server)
    dialog = _open(qtbot, tasks)
    dialog.tabs.setCurrentIndex(2)
    dialog.url_edit.setText("ftp://files.example.org/feed.xml")
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.add_button.isEnabled())
    assert dialog.add_message.text() == (
        "'ftp://files.example.org/feed.xml' is not a web address (http:// or https://)"
    )
    assert dialog.url_edit.text() == "ftp://files.example.org/feed.xml"  # kept to correct it

    with qtbot.waitSignal(dialog.sources_changed):
        dialog.url_edit.setText(url)
        qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    dialog.url_edit.setText(url)
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "already followed" in dialog.add_message.text())
    assert dialog.add_message.text() == f"{url} is already followed"
    screenshot(dialog, "sources-error.png")


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        (
            "not a url",
            "'not a url' contains a space or a control character; copy the address again",
        ),
        ("http://", "'http://' is not a web address (http:// or https://)"),
    ],
)
def test_garbage_is_refused_with_its_reason_and_nothing_is_added(
    qtbot, tasks: TaskManager, typed: str, reason: str
):
    dialog = _open(qtbot, tasks)
    followed = _rows(dialog)
    dialog.tabs.setCurrentIndex(2)
    qtbot.waitExposed(dialog)
    dialog.url_edit.setText(typed)
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.add_button.isEnabled())

    assert dialog.add_message.text() == reason
    assert reason in drawn_text(dialog.add_message)  # drawn, on its own line(s)
    assert dialog.url_edit.text() == typed  # kept to correct it
    assert _rows(dialog) == followed
    with open_monitor(tasks.data_dir) as monitor:
        assert len(monitor.sources()) == len(followed)
    screenshot(dialog, "sources-garbage.png")


def test_removes_a_source_only_after_confirming(qtbot, tasks: TaskManager, monkeypatch):
    dialog = _open(qtbot, tasks)
    before = dialog.source_list.topLevelItemCount()
    name = dialog.source_list.topLevelItem(0).text(0)
    _select(dialog, name)
    asked: list[str] = []
    monkeypatch.setattr(sources_module, "confirm", lambda _p, _t, text, _a: asked.append(text))
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    assert asked and name in asked[0]
    assert dialog.source_list.topLevelItemCount() == before

    monkeypatch.setattr(sources_module, "confirm", lambda *_: True)
    with qtbot.waitSignal(dialog.sources_changed):
        qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    assert dialog.followed_message.text() == f"Removed “{name}”."
    qtbot.waitUntil(lambda: dialog.source_list.topLevelItemCount() == before - 1)
    with open_monitor(tasks.data_dir) as monitor:
        assert name not in [s.name for s in monitor.sources()]


def test_edits_a_sources_name_and_interval(qtbot, tasks: TaskManager):
    dialog = _open(qtbot, tasks)
    name = dialog.source_list.topLevelItem(1).text(0)
    _select(dialog, name)
    assert dialog.name_edit.text() == name
    dialog.name_edit.setText("Renamed outlet")
    dialog.interval_edit.setValue(180)
    with qtbot.waitSignal(dialog.sources_changed):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Renamed outlet" in [row[0] for row in _rows(dialog)])
    assert dialog.selected_source() is not None
    assert dialog.interval_edit.value() == 180
    with open_monitor(tasks.data_dir) as monitor:
        [edited] = [s for s in monitor.sources() if s.name == "Renamed outlet"]
    assert edited.update_interval_minutes == 180


def test_sets_a_sources_time_zone_and_refuses_a_made_up_one(qtbot, tasks: TaskManager):
    dialog = _open(qtbot, tasks)
    name = dialog.source_list.topLevelItem(0).text(0)
    _select(dialog, name)
    assert dialog.zone_edit.currentText() == "Automatic"
    dialog.zone_edit.setCurrentText("Mars/Olympus")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.followed_message.text().startswith("“Mars/Olympus” is not a time zone")
    dialog.zone_edit.setCurrentText("Asia/Tokyo")
    with qtbot.waitSignal(dialog.sources_changed):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.followed_message.text().startswith(f"Saved “{name}”"))
    with open_monitor(tasks.data_dir) as monitor:
        [chosen] = [s for s in monitor.sources() if s.name == name]
    assert chosen.time_zone == "Asia/Tokyo"
    _select(dialog, name)
    assert dialog.zone_edit.currentText() == "Asia/Tokyo"
    screenshot(dialog, "sources-time-zone.png")


@pytest.mark.network
def test_test_now_fetches_and_shows_the_new_state(qtbot, tasks: TaskManager, server):
    url = _serve_feed(server)
    with open_monitor(tasks.data_dir) as monitor:
        monitor.add_source(url)
    dialog = _open(qtbot, tasks)
    _select(dialog, "Harbour Courier")
    server.add("/feed.xml", Route(b"no", 403, {"Content-Type": "text/plain"}))
    with qtbot.waitSignal(dialog.sources_changed):
        qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "403 Forbidden since" in dialog.followed_message.text())
    [row] = [row for row in _rows(dialog) if row[0] == "Harbour Courier"]
    assert row[4].startswith("403 Forbidden") and " since " in row[4]
    screenshot(dialog, "sources-test-now.png")

    _serve_feed(server)
    with qtbot.waitSignal(dialog.sources_changed):
        qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "OK, checked" in dialog.followed_message.text())
    assert dialog.followed_message.text().endswith("; 2 articles.")
    [row] = [row for row in _rows(dialog) if row[0] == "Harbour Courier"]
    assert row[4] == "OK"
    assert len(server.requests_to("/feed.xml")) >= 3


def test_opml_export_then_import_into_another_collection(
    qtbot, tasks: TaskManager, tmp_path: Path, monkeypatch
):
    exported = tmp_path / "sources"  # no suffix: the dialog adds .opml
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(exported), ""))
    dialog = _open(qtbot, tasks)
    names = sorted(row[0] for row in _rows(dialog))
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.followed_message.text().startswith("Exported"))
    opml = exported.with_suffix(".opml")
    assert dialog.followed_message.text() == f"Exported {len(names)} feeds to {opml}."
    assert opml.read_text("utf-8").count("xmlUrl=") == len(names)

    # Created first: the writer and reader threads of a TaskManager both open a brand-new
    # store at once and race to create its tables (reported to the lead).
    open_monitor(tmp_path / "other").close()
    other = TaskManager(tmp_path / "other")
    try:
        monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(opml), ""))
        fresh = SourcesDialog(other)
        qtbot.addWidget(fresh)
        with qtbot.waitSignal(fresh.sources_changed):
            qtbot.mouseClick(fresh.import_button, Qt.MouseButton.LeftButton)
        said = fresh.followed_message.text().splitlines()
        assert said[:2] == [f"Imported {len(names)} sources from {opml.name}.", "Imported:"]
        qtbot.waitUntil(lambda: fresh.source_list.topLevelItemCount() == len(names))
        assert sorted(row[0] for row in _rows(fresh)) == names

        with qtbot.waitSignal(fresh.sources_changed):
            qtbot.mouseClick(fresh.import_button, Qt.MouseButton.LeftButton)
        said = fresh.followed_message.text().splitlines()
        assert said[0] == f"Imported 0 sources from {opml.name}; skipped {len(names)}."
        assert said[1] == "Skipped:" and said[2].endswith(": already followed")

        broken = tmp_path / "broken.opml"
        broken.write_text("<opml><body><outline", "utf-8")
        monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(broken), ""))
        qtbot.mouseClick(fresh.import_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "Imported" not in fresh.followed_message.text())
        assert fresh.followed_message.text()
        assert "Traceback" not in fresh.followed_message.text()
    finally:
        other.shutdown()


def test_confirm_answers_with_the_button_pressed(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    pressed: list[str] = []

    def press() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        [button] = [b for b in box.buttons() if b.text() == pressed[-1]]
        button.click()

    for label, expected in (("Remove", True), ("Cancel", False)):
        pressed.append(label)
        QTimer.singleShot(50, press)
        assert confirm(parent, "Remove source", "Stop following it?", "Remove") is expected
