"""Starting the desktop app. A placeholder window until the desktop-app issue builds the real one.

The window already runs over the real core: it lists the collection's articles, loaded with
:func:`monitor.open_monitor`.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QListWidget,
    QMainWindow,
    QVBoxLayout,
    QWidget,
)

from monitor import Monitor, open_monitor
from monitor.errors import MonitorError


class PlaceholderWindow(QMainWindow):
    """Shows the stored articles, newest first. No signals yet."""

    def __init__(self, monitor: Monitor) -> None:
        super().__init__()
        self.setWindowTitle("Media Monitor")
        self.resize(900, 600)
        articles = monitor.articles(limit=500)
        body = QWidget()
        layout = QVBoxLayout(body)
        count = len(articles)
        layout.addWidget(
            QLabel(
                f"{count} articles in {monitor.data_dir}. "
                + ("Run `media-monitor demo` to load the demo collection." if not count else "")
            )
        )
        self.article_list = QListWidget()
        for article in articles:
            self.article_list.addItem(
                f"[{article.language or '??'}] {article.source_name} — {article.title}"
            )
        layout.addWidget(self.article_list)
        self.setCentralWidget(body)


def run(data_dir: str | None) -> int:
    app = QApplication.instance() or QApplication(sys.argv)
    try:
        monitor = open_monitor(data_dir)
    except MonitorError as error:
        print(f"media-monitor: error: {error}", file=sys.stderr)
        return 1
    try:
        window = PlaceholderWindow(monitor)
        window.show()
        return int(app.exec())
    finally:
        monitor.close()
