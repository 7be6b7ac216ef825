"""What a widget draws, read back: the text it paints and where ink differs between two grabs.

The text comes from rendering the widget into an SVG document, where each run of text the
paint engine was given is a ``<text>`` element: a test reads what was painted (a count in a
badge, a date in a combo box), not what a model holds.
"""

from __future__ import annotations

from xml.etree import ElementTree

from PySide6.QtCore import QBuffer, QIODevice, QPoint, QRect
from PySide6.QtGui import QImage, QRegion
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QWidget


def drawn_runs(widget: QWidget, area: QRect | None = None) -> list[str]:
    """The runs of text ``widget`` and its children paint (within ``area`` of it, if given),
    in painting order. A line in two scripts may be two runs (Latin, then Hangul)."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    generator = QSvgGenerator()
    generator.setOutputDevice(buffer)
    generator.setSize(widget.size())
    generator.setViewBox(QRect(QPoint(0, 0), widget.size()))
    region = QRegion(area) if area is not None else QRegion(widget.rect())
    widget.render(generator, QPoint(0, 0), region)
    buffer.close()
    tree = ElementTree.fromstring(bytes(buffer.data().data()))
    return [
        "".join(element.itertext())
        for element in tree.iter()
        if element.tag.rsplit("}", 1)[-1] == "text"
    ]


def drawn_text(widget: QWidget, area: QRect | None = None) -> str:
    """Everything :func:`drawn_runs` finds, one run after another."""
    return " ".join(drawn_runs(widget, area))


def changed_columns(before: QImage, after: QImage) -> tuple[int, int] | None:
    """The first and last column whose pixels differ between two grabs of the same widget."""
    assert before.size() == after.size()
    first = last = None
    for x in range(before.width()):
        if any(before.pixel(x, y) != after.pixel(x, y) for y in range(before.height())):
            first = x if first is None else first
            last = x
    return None if first is None else (first, last)  # type: ignore[return-value]
