"""The built-in catalog of outlets as a tickable list, grouped by language and filterable.

A widget only: it shows :class:`~monitor.types.Outlet` entries and says which ones are ticked;
the sources dialog does the following. Each row also says how the outlet is tied to a state
(state media in bold: a monitor must not miss them) and whether its feed is evidenced; a
public Telegram channel says "Telegram channel" where a feed shows its address. The line
under the list gives the selected outlet's owner, the basis of its label and the evidence.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from monitor.sources.catalog import affiliation_label, evidence_summary, feed_label
from monitor.types import Outlet
from ui.dialogs.common import language_label
from ui.plain import isolated, plain_label, plain_tip

_OUTLET = Qt.ItemDataRole.UserRole
_ALL = ""
_AFFILIATION_COLUMN = 3
_EVIDENCE_COLUMN = 4
_NOTHING_SELECTED = (
    "Select an outlet to see who owns it, how it is tied to a state, and the evidence for its feed."
)


def outlet_details(outlet: Outlet) -> str:
    """A catalog outlet's state tie, owner and feed evidence, in plain lines."""
    label = affiliation_label(outlet)
    lines = [f"{isolated(outlet.name)} — {label or 'no state tie recorded'}"]
    lines.append(f"Owner: {outlet.owner}" if outlet.owner else "Owner: not recorded")
    if label:
        lines.append(f"Why the label: {outlet.affiliation_basis}")
    lines.append(f"Feed: {evidence_summary(outlet)}. {outlet.note}".strip())
    return "\n".join(lines)


def _label_outlet_row(item: QTreeWidgetItem, outlet: Outlet) -> None:
    label = affiliation_label(outlet)
    owner = f"Owner: {outlet.owner}" if outlet.owner else "Owner not recorded"
    item.setText(_AFFILIATION_COLUMN, label or "—")
    item.setToolTip(_AFFILIATION_COLUMN, plain_tip(f"{label}. {owner}" if label else owner))
    if outlet.state_affiliated:
        font = item.font(_AFFILIATION_COLUMN)
        font.setBold(True)
        item.setFont(_AFFILIATION_COLUMN, font)
    item.setText(_EVIDENCE_COLUMN, "confirmed" if outlet.confirmed else "not confirmed")
    item.setToolTip(_EVIDENCE_COLUMN, plain_tip(f"{evidence_summary(outlet)}. {outlet.note}"))


class CatalogView(QWidget):
    """Outlets grouped by language, each with a tick box; followed ones are ticked and greyed.

    Signals:
        ticks_changed(int): how many outlets not yet followed are ticked now.
    """

    ticks_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._outlets: list[Outlet] = []
        self._followed: set[str] = set()
        self._ticked: set[str] = set()

        self.language_filter = QComboBox()
        self.language_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.text_filter = QLineEdit()
        self.text_filter.setPlaceholderText("Filter by name or country")
        self.text_filter.setClearButtonEnabled(True)
        filters = QHBoxLayout()
        filters.addWidget(QLabel("Language:"))
        filters.addWidget(self.language_filter)
        filters.addWidget(self.text_filter, 1)

        self.tree = QTreeWidget()
        self.tree.setColumnCount(5)
        self.tree.setHeaderLabels(["Outlet", "Country", "Feed", "Affiliation", "Feed evidence"])
        self.tree.setUniformRowHeights(True)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(_AFFILIATION_COLUMN, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(_EVIDENCE_COLUMN, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        header.resizeSection(2, 180)  # room for the outlet's name: long addresses are elided
        header.resizeSection(_AFFILIATION_COLUMN, 190)
        self.details = plain_label(_NOTHING_SELECTED)  # owner, label basis, evidence notes
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(filters)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.details)

        self.language_filter.currentIndexChanged.connect(self._rebuild)
        self.text_filter.textChanged.connect(self._rebuild)
        self.tree.itemChanged.connect(self._on_item_changed)
        self.tree.currentItemChanged.connect(self._show_details)

    def set_outlets(self, outlets: Sequence[Outlet], followed_urls: Iterable[str]) -> None:
        """Show ``outlets``; those whose feed is in ``followed_urls`` are marked as followed."""
        self._outlets = list(outlets)
        followed = set(followed_urls)
        self._followed = {o.key for o in outlets if o.feed_url in followed}
        self._ticked -= self._followed
        chosen = self.language_filter.currentData()
        languages = sorted({o.language for o in outlets}, key=language_label)
        self.language_filter.blockSignals(True)  # one rebuild below, not one per entry
        self.language_filter.clear()
        self.language_filter.addItem("All languages", _ALL)
        for code in languages:
            count = sum(1 for o in outlets if o.language == code)
            self.language_filter.addItem(f"{language_label(code)} — {count}", code)
        index = self.language_filter.findData(chosen) if chosen is not None else 0
        self.language_filter.setCurrentIndex(max(index, 0))
        self.language_filter.blockSignals(False)
        self._rebuild()

    def ticked(self) -> list[Outlet]:
        """The ticked outlets that are not followed yet, in catalog order."""
        return [o for o in self._outlets if o.key in self._ticked]

    def set_ticked(self, keys: Iterable[str]) -> None:
        """Tick these outlets (by catalog key), as a user would."""
        self._ticked = set(keys) - self._followed
        self._rebuild()
        self.ticks_changed.emit(len(self._ticked))

    def _visible(self) -> list[Outlet]:
        language = self.language_filter.currentData() or _ALL
        words = self.text_filter.text().strip().casefold()
        return [
            o
            for o in self._outlets
            if (language == _ALL or o.language == language)
            and (not words or words in f"{o.name} {o.country} {o.key}".casefold())
        ]

    def _rebuild(self) -> None:
        self.tree.blockSignals(True)  # building ticks the boxes; only the user's ticks count
        self.tree.clear()
        groups: dict[str, QTreeWidgetItem] = {}
        for outlet in self._visible():
            group = groups.get(outlet.language)
            if group is None:
                group = QTreeWidgetItem(self.tree, [language_label(outlet.language)])
                group.setFlags(Qt.ItemFlag.ItemIsEnabled)
                group.setFirstColumnSpanned(True)
                font = group.font(0)
                font.setBold(True)
                group.setFont(0, font)
                groups[outlet.language] = group
            item = QTreeWidgetItem(group, [outlet.name, outlet.country, feed_label(outlet)])
            item.setData(0, _OUTLET, outlet.key)
            item.setToolTip(0, plain_tip(outlet.homepage))
            item.setToolTip(2, plain_tip(outlet.feed_url))
            _label_outlet_row(item, outlet)
            if outlet.key in self._followed:
                item.setFlags(Qt.ItemFlag.NoItemFlags)
                item.setCheckState(0, Qt.CheckState.Checked)
                item.setText(1, f"{outlet.country} · following")
            else:
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
                ticked = outlet.key in self._ticked
                item.setCheckState(0, Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
        self.tree.expandAll()
        self.tree.blockSignals(False)
        self._show_details(self.tree.currentItem())

    def _show_details(self, item: QTreeWidgetItem | None) -> None:
        key = item.data(0, _OUTLET) if item is not None else None
        outlet = next((o for o in self._outlets if o.key == key), None)
        self.details.setText(_NOTHING_SELECTED if outlet is None else outlet_details(outlet))

    def _on_item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        key = item.data(0, _OUTLET)
        if column != 0 or not isinstance(key, str) or key in self._followed:
            return
        if item.checkState(0) == Qt.CheckState.Checked:
            self._ticked.add(key)
        else:
            self._ticked.discard(key)
        self.ticks_changed.emit(len(self._ticked))
