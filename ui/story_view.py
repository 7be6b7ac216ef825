"""A story in a window of its own: the same event as every outlet told it.

What the core grouped (:meth:`monitor.Monitor.story`, read on the reader thread): the story's
title, how many outlets told it in how many languages, who published when on one time axis
(:class:`ui.compare.strip.CoverageStrip`), the followed outlets that have not told it, how it
grew (articles per hour, or per day for a longer story), who it names, and its articles with
why each is there. Wire copies (the same text, republished) are folded under the article they
copy. Compare opens the compare view on it, Follow saves a search for ``story:<id>``, and
"Not this story" takes an article out (the user's correction, which grouping keeps).

Titles, outlet names and reasons come from feeds: every label here shows plain text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from monitor import Monitor
from monitor.errors import MonitorError
from monitor.types import CoverageEvent, Story, StoryMember
from ui.article_list import StoryListRow, story_row_text
from ui.compare.strip import CoverageStrip
from ui.languages import language_name
from ui.page_parts import clear_layout, dimmed, heading, wrapped
from ui.plain import isolated, plain_label, plain_tip
from ui.story_growth import GrowthChart, growth, local_time
from ui.tasks import Changes, TaskManager, failure_message
from ui.timeline import TimelineChart

COPY_REASON = "the same text"  # how grouping says an article is a wire copy
MAX_ENTITIES = 24
TITLE_IN_NAME = 60


def story_query(story_id: int) -> str:
    """The search that finds a story's articles."""
    return f"story:{story_id}"


def watchlist_name(title: str) -> str:
    """'Story: <title>', the title shortened to fit a sidebar row."""
    short = title if len(title) <= TITLE_IN_NAME else title[: TITLE_IN_NAME - 1].rstrip() + "…"
    return f"Story: {short}"


def told_by_text(story: Story) -> str:
    outlets, languages = len(story.outlets), len(story.languages)
    return (
        f"Told by {outlets} outlet{'' if outlets == 1 else 's'} in {languages}"
        f" language{'' if languages == 1 else 's'}"
    )


def is_copy(member: StoryMember) -> bool:
    return member.reason.startswith(COPY_REASON) and member.linked_to is not None


def folded(story: Story) -> list[tuple[StoryMember, list[StoryMember]]]:
    """Each article not a wire copy, with the copies of it (copies of copies under the first
    article that is not one); a copy whose original left the story stands on its own."""
    ids = {m.article_id: m for m in story.members}

    def original(member: StoryMember) -> int | None:
        seen: set[int] = set()
        while is_copy(member):
            parent = member.linked_to
            if parent is None or parent not in ids or parent in seen:
                return None
            seen.add(parent)
            member = ids[parent]
        return member.article_id

    copies: dict[int, list[StoryMember]] = {}
    tops: list[StoryMember] = []
    for member in story.members:
        parent = original(member) if is_copy(member) else None
        if parent is None or parent == member.article_id:
            tops.append(member)
        else:
            copies.setdefault(parent, []).append(member)
    return [(member, copies.get(member.article_id, [])) for member in tops]


def time_text(moment: datetime | None) -> str:
    if moment is None:
        return "time unknown"
    local = local_time(moment)
    return f"{local.day} {local:%b %H:%M}"


def member_line(member: StoryMember) -> str:
    """'Neva Post · 20 Nov 06:00 · Russian'."""
    return " · ".join(
        (isolated(member.outlet), time_text(member.published), language_name(member.language))
    )


def copy_line(member: StoryMember) -> str:
    return f"copy: {isolated(member.outlet)} · {time_text(member.published)}"


def coverage_events(story: Story) -> list[CoverageEvent]:
    return [
        CoverageEvent(m.article_id, m.outlet, m.language, m.title, m.published, True)
        for m in story.members
    ]


@dataclass(frozen=True, slots=True)
class LoadedStory:
    """A story, the names of who it names, the followed outlets silent on it, and whether a
    saved search follows it."""

    story: Story
    entity_names: tuple[str, ...]
    silent_outlets: tuple[str, ...]
    followed: bool


def load_story(monitor: Monitor, story_id: int) -> LoadedStory:
    story = monitor.story(story_id)
    names = []
    for entity_id, _ in story.entities[:MAX_ENTITIES]:
        try:
            names.append(monitor.entity(entity_id).name)
        except MonitorError:
            names.append(entity_id)
    told = set(story.outlets)
    silent = sorted(
        {source.name for source in monitor.sources()} - told, key=lambda name: name.casefold()
    )
    query = story_query(story_id)
    followed = any(status.watchlist.query == query for status in monitor.watchlists())
    return LoadedStory(story, tuple(dict.fromkeys(names)), tuple(silent), followed)


class StoryWindow(QDialog):
    """One story: who told it when, how it grew, who it names, and its articles.

    Signals:
        compare_requested(int): the user asked to compare the story's coverage (the id of its
            first article).
        article_opened(int): the user clicked an article's line: show it in the main window.
    """

    compare_requested = Signal(int)
    article_opened = Signal(int)

    def __init__(self, tasks: TaskManager, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks = tasks
        self.story: Story | None = None
        self.story_id: int | None = None
        self.setWindowTitle("Story")
        self.resize(1300, 820)
        self.setSizeGripEnabled(True)
        self.title = plain_label("Loading…")
        self.title.setWordWrap(True)
        title_font = QFont(self.title.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.5)
        title_font.setBold(True)
        self.title.setFont(title_font)
        self.told = plain_label()
        self.message = dimmed(plain_label())
        self.compare_button = QPushButton("Compare")
        self.compare_button.setToolTip("Compare how the outlets told it, side by side")
        self.compare_button.clicked.connect(self._compare)
        self.follow_button = QPushButton("Follow")
        self.follow_button.clicked.connect(self.follow)
        self.strip = CoverageStrip()
        self.strip.article_clicked.connect(self.article_opened)
        self.hours = GrowthChart()
        self.days = TimelineChart()
        self.days.setMinimumHeight(150)
        self.entities = wrapped("")
        self.silent = wrapped("")
        self.members = QWidget()
        self._grid = QGridLayout(self.members)
        self._build()

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.message)
        top.addWidget(self.compare_button, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.follow_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)
        layout.addWidget(self.told)
        layout.addWidget(self.strip)
        middle = QHBoxLayout()
        middle.setSpacing(18)
        grew = QVBoxLayout()
        grew.addWidget(heading("How it grew"))
        grew.addWidget(self.hours, 1)
        grew.addWidget(self.days, 1)
        middle.addLayout(grew, 3)
        side = QVBoxLayout()
        side.addWidget(heading("Names"))
        side.addWidget(self.entities)
        side.addSpacing(8)
        side.addWidget(heading("Followed outlets that have not told it"))
        side.addWidget(self.silent)
        side.addStretch(1)
        middle.addLayout(side, 2)
        layout.addLayout(middle)
        layout.addWidget(heading("Articles, first published first"))
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.members)
        layout.addWidget(scroll, 1)
        self._grid.setContentsMargins(0, 0, 12, 0)
        self._grid.setHorizontalSpacing(12)
        self._grid.setVerticalSpacing(2)
        self._grid.setColumnMinimumWidth(0, 18)
        self._grid.setColumnStretch(1, 1)
        self.days.hide()
        self.compare_button.setEnabled(False)
        self.follow_button.setEnabled(False)

    # Loading -----------------------------------------------------------------------------

    def load(self, story_id: int) -> None:
        """Show the story ``story_id`` (read on the reader thread)."""
        self.story_id = story_id
        self.message.setText("Loading…")
        self.tasks.read(
            lambda monitor: load_story(monitor, story_id),
            success=self.show_story,
            failure=self._failed,
            owner=self,
        )

    def _failed(self, error: BaseException) -> None:
        self.message.setText(failure_message(error))

    def show_story(self, loaded: LoadedStory) -> None:
        story = self.story = loaded.story
        if story.id != self.story_id:
            return  # another story was asked for meanwhile
        self.setWindowTitle(f"Story: {isolated(story.title)} — Media Monitor")
        self.title.setText(story.title)
        self.told.setText(
            f"{told_by_text(story)}: " + ", ".join(language_name(code) for code in story.languages)
        )
        self.message.setText("")
        self.compare_button.setEnabled(bool(story.members))
        self._show_following(loaded.followed)
        self.strip.set_events(coverage_events(story))
        hourly, slots = growth(story)
        self.hours.setVisible(hourly)
        self.days.setVisible(not hourly)
        if hourly:
            self.hours.set_slots(slots)
        else:
            days: dict[str, dict[str, int]] = {}
            for member in story.members:
                if member.published is not None:
                    day = local_time(member.published).date().isoformat()
                    days.setdefault(day, {})
                    days[day][member.outlet] = days[day].get(member.outlet, 0) + 1
            self.days.set_data(days)
        self.entities.setText(", ".join(map(isolated, loaded.entity_names)) or "Nobody named.")
        self.silent.setText(
            ", ".join(map(isolated, loaded.silent_outlets)) or "Every followed outlet told it."
        )
        self._show_members(story)

    def _show_members(self, story: Story) -> None:
        clear_layout(self._grid)
        row = 0
        top = Qt.AlignmentFlag.AlignTop
        for member, copies in folded(story):
            line = dimmed(plain_label(member_line(member)))
            line.setToolTip(plain_tip(f"{member.outlet}: article {member.article_id}"))
            self._grid.addWidget(line, row, 0, 1, 2)
            self._grid.addWidget(self._not_this_button(member), row, 2, 2, 1, top)
            title = wrapped(member.title, member.language)
            self._grid.addWidget(title, row + 1, 0, 1, 2, top)
            row += 2
            if member.title_translated and member.title_translated != member.title:
                self._grid.addWidget(dimmed(wrapped(member.title_translated)), row, 0, 1, 2)
                row += 1
            why = dimmed(wrapped(f"why: {member.reason}" if member.reason else "why: first told"))
            self._grid.addWidget(why, row, 0, 1, 2)
            row += 1
            for copy in copies:
                shown = plain_label(copy_line(copy))
                shown.setToolTip(plain_tip(f"{copy.title}\nwhy: {copy.reason}"))
                self._grid.addWidget(shown, row, 1)
                self._grid.addWidget(self._not_this_button(copy), row, 2, top)
                row += 1
            self._grid.setRowMinimumHeight(row, 10)
            row += 1
        self._grid.setRowStretch(row, 1)

    def _not_this_button(self, member: StoryMember) -> QPushButton:
        button = QPushButton("Not this story")
        button.setToolTip("Take this article out of the story (grouping will not put it back)")
        button.clicked.connect(
            lambda _=False, chosen=member.article_id: self.not_this_story(chosen)
        )
        return button

    # Actions -----------------------------------------------------------------------------

    def _compare(self) -> None:
        if self.story is not None and self.story.members:
            self.compare_requested.emit(self.story.members[0].article_id)

    def not_this_story(self, article_id: int) -> None:
        """Give the article a story of its own on the writer, then show this one again."""
        story_id = self.story_id
        if story_id is None:
            return
        self.message.setText("Taking it out…")
        # ARTICLES: the index's story:ID follows the article.
        self.tasks.write(
            lambda monitor: monitor.move_to_story(article_id, None),
            changes=Changes.ARTICLES,
            success=lambda _: self.load(story_id),
            failure=self._failed,
            owner=self,
        )

    def follow(self) -> None:
        """Save a search for ``story:<id>`` named after the story."""
        if self.story is None:
            return
        name, query = watchlist_name(self.story.title), story_query(self.story.id)
        self.follow_button.setEnabled(False)

        def failed(error: BaseException) -> None:
            self.message.setText(failure_message(error))
            self.follow_button.setEnabled(True)

        self.tasks.write(
            lambda monitor: monitor.add_watchlist(name, query),
            changes=Changes.WATCHLISTS,
            success=lambda _: self._show_following(True),
            failure=failed,
            owner=self,
        )

    def _show_following(self, followed: bool) -> None:
        self.follow_button.setText("Following" if followed else "Follow")
        self.follow_button.setEnabled(not followed)
        if self.story is not None:
            self.follow_button.setToolTip(
                f"Save a search for {story_query(self.story.id)} in the sidebar: its new"
                " articles counted as they join"
            )


class StoryPicker(QDialog):
    """The latest stories, to pick one (double-click or Open).

    Signals:
        story_chosen(int): the user picked a story (its id).
    """

    story_chosen = Signal(int)

    def __init__(self, tasks: TaskManager, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Stories")
        self.resize(720, 520)
        self.list = QListWidget()
        self.list.itemActivated.connect(self._chosen)
        self.message = dimmed(QLabel("Loading…"))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Close
        )
        buttons.accepted.connect(lambda: self._chosen(self.list.currentItem()))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)
        tasks.read(lambda monitor: monitor.stories(), success=self.set_stories, owner=self)

    def set_stories(self, stories: list[Story]) -> None:
        self.list.clear()
        for story in stories:
            row = StoryListRow(story.id, story.title, story.languages, len(story.members))
            item = QListWidgetItem(story_row_text(row))
            item.setData(Qt.ItemDataRole.UserRole, story.id)
            self.list.addItem(item)  # QListWidgetItem text is drawn as plain text
        self.message.setText(
            "The latest stories told by two articles or more" if stories else "No stories yet."
        )
        if stories:
            self.list.setCurrentRow(0)

    def _chosen(self, item: QListWidgetItem | None) -> None:
        if item is not None:
            self.story_chosen.emit(int(item.data(Qt.ItemDataRole.UserRole)))
            self.accept()
