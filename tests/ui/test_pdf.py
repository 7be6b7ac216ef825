"""The PDF renderer: the HTML dossier printed by Qt, offscreen, one article per page at least."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from monitor import open_monitor
from monitor.collect.fetch import FetchSettings
from tests.support.argos_factory import build_package
from tests.support.http_server import LocalServer, Route
from ui.pdf import render_pdf

FAST = FetchSettings(connect_timeout=2, read_timeout=2, total_timeout=5, min_host_interval=0)
ITEMS = [
    ("a1", "Учения на флоте", "Вчера ракета упала в море во время учений. Пострадавших нет."),
    ("a2", "Ставка сохранена", "Банк России сохранил ключевую ставку на прежнем уровне."),
    ("a3", "Экспорт зерна", "Порты снова отгружают пшеницу. Очереди судов сокращаются."),
]


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


def test_dossier_prints_to_a_pdf_with_a_page_per_article(
    qapp: object, tmp_path: Path, server: LocalServer
) -> None:
    entries = "".join(
        f"<item><title>{title}</title><guid>{guid}</guid><description>{text}</description>"
        "<pubDate>Fri, 20 Nov 2026 10:15:00 +0300</pubDate></item>"
        for guid, title, text in ITEMS
    )
    body = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Вести (тест)</title><language>ru</language>{entries}</channel></rss>"
    ).encode()
    url = server.add("/rss.xml", Route(body, headers={"Content-Type": "application/rss+xml"}))
    with open_monitor(tmp_path / "data", fetch_settings=FAST) as monitor:
        package = build_package(tmp_path / "pkg", "ru", "en", glossary={"ракета": "missile"})
        monitor.install_models([package])
        monitor.add_source(url)
        monitor.update()
        out = tmp_path / "dossier.pdf"
        ids = [a.id for a in monitor.articles()]
        assert monitor.export_articles(ids, out, "pdf", pdf_renderer=render_pdf) == 3
        two = tmp_path / "two.pdf"
        monitor.export_articles(ids[:2], two, "pdf", pdf_renderer=render_pdf)

    pdf = out.read_bytes()
    assert pdf.startswith(b"%PDF")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert page_count(pdf) == 3  # each article starts a page; these are short
    assert page_count(two.read_bytes()) == 2
    assert not list(tmp_path.glob("*.part"))


def test_renderer_works_without_a_running_qt_application(tmp_path: Path) -> None:
    # As from the command line: nothing has made Qt's application object yet.
    out = tmp_path / "cli.pdf"
    script = (
        "import sys; from pathlib import Path; from ui.pdf import render_pdf; "
        "render_pdf('<h1>Заголовок</h1><p>Текст.</p>', Path(sys.argv[1]))"
    )
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    root = Path(__file__).resolve().parents[2]
    completed = subprocess.run(
        [sys.executable, "-c", script, str(out)],
        cwd=root,
        env=environment,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr.decode(errors="replace")
    assert out.read_bytes().startswith(b"%PDF") and page_count(out.read_bytes()) == 1
