"""The desktop app's first window, over a real store loaded with the demo collection."""

from __future__ import annotations

from pathlib import Path

from monitor import open_monitor
from monitor.cli import main
from ui.app import PlaceholderWindow


def test_window_lists_the_collection_and_renders(qtbot, tmp_path: Path):
    with open_monitor(tmp_path / "data") as monitor:
        monitor.update([s.id for s in monitor.add_demo_sources()])
        window = PlaceholderWindow(monitor)
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        titles = [window.article_list.item(i).text() for i in range(window.article_list.count())]
        assert len(titles) == len(monitor.articles())
        assert any("[ko]" in title for title in titles)
        shot = tmp_path / "placeholder.png"
        assert window.grab().save(str(shot))
        assert shot.stat().st_size > 10_000


def test_no_command_opens_the_app_through_the_launcher_hook(tmp_path: Path):
    opened: list[str | None] = []
    assert main(["--data-dir", str(tmp_path)], open_app=lambda d: opened.append(d) or 0) == 0
    assert opened == [str(tmp_path)]
