"""Printing the HTML dossier to PDF with Qt, the renderer the core's PDF export is handed.

The core cannot use Qt, so :func:`monitor.export.export_articles` takes this function as its
``pdf_renderer``. It needs no window: it works offscreen (``QT_QPA_PLATFORM=offscreen``)
and makes the application object Qt's painting requires when there is none yet (the CLI).
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QMarginsF, QThread
from PySide6.QtGui import QGuiApplication, QPageLayout, QPageSize, QPdfWriter

from monitor.errors import MonitorError
from ui.plain import InertDocument

RESOLUTION_DPI = 300
MARGINS_MM = QMarginsF(16, 18, 16, 18)

# Qt's application object must outlive every paint; kept here when this module made it.
_application: QGuiApplication | None = None


def render_pdf(html: str, out: Path) -> None:
    """Lay ``html`` out on A4 pages and write them to ``out`` as PDF."""
    _ensure_application()
    writer = QPdfWriter(str(out))
    writer.setResolution(RESOLUTION_DPI)
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(MARGINS_MM, QPageLayout.Unit.Millimeter)
    writer.setTitle("Media Monitor dossier")
    writer.setCreator("Media Monitor")
    document = InertDocument()  # the dossier is escaped; were it not, still nothing is loaded
    document.setHtml(html)
    document.print_(writer)
    del writer  # the file is finished when the writer goes away
    if not out.is_file() or out.stat().st_size == 0:
        raise MonitorError(f"Qt could not write the PDF to {out}; check the folder can be written")


def _ensure_application() -> None:
    global _application
    existing = QCoreApplication.instance()
    if existing is None:
        # Drawing a PDF needs no screen: from the CLI, on a server or over SSH, use the
        # offscreen platform unless the user chose one.
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        _application = QGuiApplication([])
    elif not isinstance(existing, QGuiApplication):
        raise MonitorError(
            "PDF export needs Qt's graphical application, but a console-only one is running; "
            "export HTML and print it instead"
        )


class _PdfThread(QThread):
    """Draws one PDF dossier on a thread of Qt's own."""

    def __init__(self, html: str, out: Path) -> None:
        super().__init__()
        self.html = html
        self.out = out
        self.error: Exception | None = None

    def run(self) -> None:
        try:
            render_pdf(self.html, self.out)
        except Exception as error:  # handed to the thread that waits for it
            self.error = error


def render_pdf_on_a_qt_thread(html: str, out: Path) -> None:
    """:func:`render_pdf`, called from the writer: Qt's text layout starts timers,
    which need a Qt thread's event dispatcher, and the writer is a plain Python thread (Qt
    warns on every page there). The writer waits, as it would for any other export."""
    thread = _PdfThread(html, out)
    thread.start()
    thread.wait()
    if thread.error is not None:
        raise thread.error
