"""The first-run page, shown while the data folder is empty: what the app does, three ways in."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QCommandLinkButton, QHBoxLayout, QLabel, QVBoxLayout, QWidget

INTRO = (
    "Follow news outlets in Korean, Russian, Chinese and Ukrainian, read them side by side "
    "with an offline translation, and search them all in one place. Nothing leaves this "
    "computer except the requests to the outlets you follow."
)


class WelcomeView(QWidget):
    """A short introduction with three big buttons to get started.

    Signals:
        catalog_requested(): the user wants to pick outlets from the catalog.
        demo_requested(): the user wants the bundled demo collection.
        models_requested(): the user wants to install translation models from a folder.
    """

    catalog_requested = Signal()
    demo_requested = Signal()
    models_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel("Welcome to Media Monitor")
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setWeight(QFont.Weight.DemiBold)
        title.setFont(font)
        intro = QLabel(INTRO)
        intro.setWordWrap(True)

        self.catalog_button = QCommandLinkButton(
            "Add outlets from the catalog",
            "Choose news agencies and papers to follow, by language and country.",
        )
        self.demo_button = QCommandLinkButton(
            "Load the demo collection",
            "Five made-up outlets with real-looking articles: try everything offline.",
        )
        self.models_button = QCommandLinkButton(
            "Install translation models from a folder",
            "Argos Translate models (.argosmodel files) from a USB stick or a download folder.",
        )
        self.catalog_button.clicked.connect(self.catalog_requested)
        self.demo_button.clicked.connect(self.demo_requested)
        self.models_button.clicked.connect(self.models_requested)
        later = QLabel("You can do each of these later from the menus.")
        later.setForegroundRole(QPalette.ColorRole.PlaceholderText)

        column = QVBoxLayout()
        column.setSpacing(10)
        column.addStretch(1)
        column.addWidget(title)
        column.addWidget(intro)
        column.addSpacing(12)
        for button in (self.catalog_button, self.demo_button, self.models_button):
            column.addWidget(button)
        column.addSpacing(6)
        column.addWidget(later)
        column.addStretch(2)
        holder = QWidget()
        holder.setLayout(column)
        holder.setMaximumWidth(600)
        # Stretches on both sides centre the column; a wrapped label inside an aligned layout
        # item would only get its narrow size hint and be cut off.
        layout = QHBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(holder, 6)
        layout.addStretch(1)
