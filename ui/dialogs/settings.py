"""The settings dialog: target language, schedule, translation effort, how far channels are
read and whether pages are checked again for edits, a team's shared store and the user's name
on it, data folder, proxy.

A new store or name takes effect when saved: the window opens the collection again and its
search index is built again for it (the index records whose log it follows).

Collection settings live in ``settings.json`` in the data folder and are saved on the writer
thread. Two choices must be known before the data folder is opened, so they are kept in the
app's own preferences (:func:`app_preferences`) and take effect on the next start:

* ``data_dir`` — the data folder to open;
* ``proxy`` — a proxy URL the launcher exports as ``HTTP_PROXY``/``HTTPS_PROXY`` (the core's
  HTTP client reads proxies from the environment).
"""

from __future__ import annotations

import os
from dataclasses import replace
from urllib.parse import urlsplit

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from monitor import Monitor
from monitor.app import STORE_VARIABLE
from monitor.settings import (
    COMPUTE_DEVICES,
    COMPUTE_TYPES,
    RANGES,
    Settings,
    is_language_code,
    valid_store,
)
from monitor.users import USER_VARIABLE, valid_user_name
from ui.languages import LANGUAGE_NAMES
from ui.plain import plain_label, plain_tip
from ui.tasks import Changes, TaskManager, failure_message

ORGANIZATION = "media-monitor"
APPLICATION = "media-monitor"
DATA_DIR_KEY = "data_dir"
PROXY_KEY = "proxy"
_PROXY_SCHEMES = ("http", "https", "socks5")


def app_preferences() -> QSettings:
    """The app's own preferences (QSettings), read by the launcher before the data folder."""
    return QSettings(ORGANIZATION, APPLICATION)


def proxy_problem(proxy: str) -> str | None:
    """Why ``proxy`` cannot be used as a proxy URL, or None when it can (or is empty)."""
    if not proxy:
        return None
    parts = urlsplit(proxy)
    if parts.scheme not in _PROXY_SCHEMES or not parts.hostname:
        return "Write the proxy as http://host:port (or https://, socks5://)."
    try:
        parts.port  # noqa: B018  # reading it validates the port
    except ValueError:
        return "The proxy's port must be a number from 1 to 65535."
    return None


class SettingsDialog(QDialog):
    """Edit and save the settings.

    Signals:
        settings_saved(object): the :class:`~monitor.settings.Settings` just saved.
    """

    settings_saved = Signal(object)

    def __init__(
        self,
        tasks: TaskManager,
        parent: QWidget | None = None,
        *,
        preferences: QSettings | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self._tasks = tasks
        self._preferences = preferences if preferences is not None else app_preferences()
        self._loaded: Settings | None = None
        self.restart_required = False  # after saving: a choice waits for the next start

        self.target_language = QComboBox()
        self.target_language.setEditable(True)  # any code Argos has a model for
        for code, name in LANGUAGE_NAMES.items():
            self.target_language.addItem(f"{name} ({code})", code)
        self.interval = QSpinBox()
        self.interval.setRange(*RANGES["update_interval_minutes"])
        self.interval.setSingleStep(15)
        self.interval.setSuffix(" minutes")
        self.threads = QSpinBox()
        self.threads.setRange(0, max(1, os.cpu_count() or 1))
        self.threads.setSpecialValueText("Automatic")
        self.threads.setToolTip(
            "Automatic: one core fewer than the machine has while the window is open, every"
            " core for the command line"
        )
        self.beam_size = QSpinBox()
        self.beam_size.setRange(*RANGES["beam_size"])
        self.beam_size.setToolTip("Higher is slightly better and slower; 1 is greedy")
        self.compute_type = QComboBox()
        for compute_type in COMPUTE_TYPES:
            self.compute_type.addItem(compute_type, compute_type)
        self.compute_type.setToolTip("int8 is fastest on a laptop; float32 is the most exact")
        self.compute_device = QComboBox()
        for device in COMPUTE_DEVICES:
            self.compute_device.addItem(device, device)
        self.compute_device.setToolTip(
            "auto: a CUDA GPU when CTranslate2 sees one, else the CPU; cpu or cuda: always that"
        )

        self.channel_pages = QSpinBox()
        self.channel_pages.setRange(*RANGES["telegram_pages_back"])
        self.channel_pages.setSuffix(" pages back")
        self.channel_pages.setToolTip(
            "How far a Telegram channel is read when it is first added: its latest page and"
            " this many older pages (about twenty posts each). Later updates read only new posts."
        )
        self.recheck_days = QSpinBox()
        self.recheck_days.setRange(*RANGES["recheck_days"])
        self.recheck_days.setSpecialValueText("Off")
        self.recheck_days.setSuffix(" days")
        self.recheck_days.setToolTip(
            "Fetch again, once per update interval, the pages of articles first seen in the last"
            " this many days; a page changed since keeps its earlier text as a version."
        )

        self.store = QLineEdit()
        self.store.setPlaceholderText("empty: this folder's own file; a team's: postgresql://…")
        self.store.setToolTip(
            "A team's shared store on a PostgreSQL server, postgresql://user@host/database"
            " (a password can stay in ~/.pgpass rather than here). Changing it opens that"
            " collection and builds this folder's search index again for it."
        )
        self.user = QLineEdit()
        self.user.setPlaceholderText("empty: your login name on a shared store")
        self.user.setToolTip(
            "Whose read marks, stars, notes and saved searches these are on a shared store"
        )

        self.data_dir = QLineEdit()
        self.data_dir.setReadOnly(True)
        self.data_dir.textChanged.connect(self._show_folder_start)
        self.data_dir.setText(str(tasks.data_dir))
        choose = QPushButton("Change…")
        choose.clicked.connect(self._choose_data_dir)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.data_dir, 1)
        folder_row.addWidget(choose)
        self.proxy = QLineEdit(str(self._preferences.value(PROXY_KEY, "") or ""))
        self.proxy.setPlaceholderText("http://proxy.example.org:3128 (empty: from the system)")

        form = QFormLayout()
        form.addRow("Translate into:", self.target_language)
        form.addRow("Check sources every:", self.interval)
        form.addRow("Translation threads:", self.threads)
        form.addRow("Beam size:", self.beam_size)
        form.addRow("Compute type:", self.compute_type)
        form.addRow("Compute device:", self.compute_device)
        form.addRow("New Telegram channels:", self.channel_pages)
        form.addRow("Re-check pages for edits:", self.recheck_days)
        form.addRow("Shared store:", self.store)
        form.addRow("Your name on it:", self.user)
        form.addRow("Data folder:", folder_row)
        form.addRow("Proxy:", self.proxy)

        self.restart_note = QLabel(
            "The data folder and the proxy take effect the next time the app starts. "
            "Without a proxy here, the app uses HTTP_PROXY and HTTPS_PROXY from the environment."
        )
        self.restart_note.setWordWrap(True)
        self.message = plain_label()  # quotes what was typed and chosen
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.buttons.setEnabled(False)  # until the saved settings are shown

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.restart_note)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)
        chosen = self._preferences.value(DATA_DIR_KEY, "")
        if isinstance(chosen, str) and chosen and chosen != str(tasks.data_dir):
            self.data_dir.setText(chosen)
            self.message.setText(f"The data folder {chosen} will be used after a restart.")
        self._load()

    def _show_folder_start(self, folder: str) -> None:
        # A long path is clearer from its start; the whole of it is in the tooltip.
        self.data_dir.setCursorPosition(0)
        self.data_dir.setToolTip(plain_tip(folder))

    def _load(self) -> None:
        # From the file, not the thread's Monitor: that one keeps the settings it opened with.
        def job(monitor: Monitor) -> Settings:
            return monitor.saved_settings()

        self._tasks.read(job, success=self._show, failure=self._show_fresh, owner=self)

    def _show_fresh(self, error: BaseException) -> None:
        self.message.setText(f"{failure_message(error)} Saving writes fresh settings.")
        self._show(Settings())

    def _show(self, settings: Settings) -> None:
        self._loaded = settings
        index = self.target_language.findData(settings.target_language)
        if index >= 0:
            self.target_language.setCurrentIndex(index)
        else:
            self.target_language.setEditText(settings.target_language)
        self.interval.setValue(settings.update_interval_minutes)
        self.threads.setMaximum(max(self.threads.maximum(), settings.translation_threads))
        self.threads.setValue(settings.translation_threads)
        self.beam_size.setValue(settings.beam_size)
        compute = self.compute_type.findData(settings.compute_type)
        self.compute_type.setCurrentIndex(max(compute, 0))
        device = self.compute_device.findData(settings.compute_device)
        self.compute_device.setCurrentIndex(max(device, 0))
        self.channel_pages.setValue(settings.telegram_pages_back)
        self.recheck_days.setValue(settings.recheck_days)
        self.store.setText(settings.store)
        self.user.setText(settings.user)
        given = [n for n in (STORE_VARIABLE, USER_VARIABLE) if os.environ.get(n, "").strip()]
        if given:  # --store/--user on the command line, or the shell's variables
            self.message.setText(
                f"This session's store or name was given at its start (${', $'.join(given)});"
                " what is saved here applies when they are not."
            )
        self.buttons.setEnabled(True)

    def chosen_target_language(self) -> str:
        """The code in the box: the chosen entry's, or what the user typed ("ko", "Korean (ko)")."""
        text = self.target_language.currentText().strip()
        index = self.target_language.findText(text)
        if index >= 0:
            return str(self.target_language.itemData(index))
        if text.endswith(")") and "(" in text:
            text = text[text.rindex("(") + 1 : -1]
        return text.lower()

    def settings(self) -> Settings:
        """The settings as the form shows them (any it does not show as they were loaded)."""
        return replace(
            self._loaded or Settings(),
            target_language=self.chosen_target_language(),
            update_interval_minutes=self.interval.value(),
            translation_threads=self.threads.value(),
            beam_size=self.beam_size.value(),
            compute_type=str(self.compute_type.currentData()),
            compute_device=str(self.compute_device.currentData()),
            telegram_pages_back=self.channel_pages.value(),
            recheck_days=self.recheck_days.value(),
            store=self.store.text().strip(),
            user=self.user.text().strip(),
        )

    def _choose_data_dir(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Data folder", self.data_dir.text())
        if folder and folder != self.data_dir.text():
            self.data_dir.setText(folder)
            self.message.setText(
                f"The app will open {folder} the next time it starts; "
                f"this session keeps using {self._tasks.data_dir}."
            )

    def save(self) -> None:
        """Check the form, keep the start-up choices, save the settings on the writer."""
        target = self.chosen_target_language()
        if not is_language_code(target):
            self.message.setText(f"“{target}” is not a language code; write one like en or ko.")
            return
        store = self.store.text().strip()
        if store and not valid_store(store):
            self.message.setText(
                "Write the shared store as postgresql://user@host/database, or leave it empty."
            )
            return
        user = self.user.text().strip()
        if user and not valid_user_name(user):
            self.message.setText("Your name: 1 to 64 letters, digits or signs, on one line.")
            return
        proxy = self.proxy.text().strip()
        problem = proxy_problem(proxy)
        if problem is not None:
            self.message.setText(problem)
            return
        folder = self.data_dir.text().strip()
        current = str(self._tasks.data_dir)
        folder_changed = folder != current
        proxy_changed = proxy != str(self._preferences.value(PROXY_KEY, "") or "")
        if folder != current or self._preferences.contains(DATA_DIR_KEY):
            self._preferences.setValue(DATA_DIR_KEY, folder)
        self._preferences.setValue(PROXY_KEY, proxy)
        self._preferences.sync()
        self.restart_required = folder_changed or proxy_changed
        settings = self.settings()

        def job(monitor: Monitor) -> Settings:
            monitor.save_settings(settings)
            return settings

        def done(saved: Settings) -> None:
            self.settings_saved.emit(saved)
            self.accept()

        def failed(error: BaseException) -> None:
            self.buttons.setEnabled(True)
            self.message.setText(f"The settings were not saved: {failure_message(error)}")

        self.buttons.setEnabled(False)
        self.message.setText("Saving…")
        # SETTINGS: the window reopens each thread's Monitor with them.
        self._tasks.write(job, changes=Changes.SETTINGS, success=done, failure=failed, owner=self)
