"""The settings dialog: saved to settings.json on the writer, start-up choices in QSettings."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog

from monitor.settings import Settings, load_settings, save_settings
from tests.ui.dialog_support import demo_collection, screenshot, task_manager  # noqa: F401
from ui.dialogs.settings import DATA_DIR_KEY, PROXY_KEY, SettingsDialog, proxy_problem
from ui.tasks import TaskManager


@pytest.fixture
def preferences(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "preferences.ini"), QSettings.Format.IniFormat)


def _open(qtbot, tasks: TaskManager, preferences: QSettings) -> SettingsDialog:
    dialog = SettingsDialog(tasks, preferences=preferences)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.buttons.isEnabled())
    return dialog


def _save_button(dialog: SettingsDialog):
    return dialog.buttons.button(QDialogButtonBox.StandardButton.Save)


def test_saves_the_settings_and_shows_them_again(qtbot, tasks: TaskManager, preferences):
    dialog = _open(qtbot, tasks, preferences)
    assert dialog.settings() == Settings(
        translation_threads=dialog.threads.value()  # the default depends on the CPU count
    )
    dialog.target_language.setCurrentIndex(dialog.target_language.findData("ru"))
    dialog.interval.setValue(30)
    dialog.threads.setValue(1)
    dialog.beam_size.setValue(4)
    dialog.compute_type.setCurrentIndex(dialog.compute_type.findData("float32"))
    dialog.compute_device.setCurrentIndex(dialog.compute_device.findData("cpu"))
    dialog.channel_pages.setValue(2)
    assert dialog.recheck_days.text() == "Off"  # 0, the default, is shown as what it means
    dialog.recheck_days.setValue(3)
    dialog.proxy.setText("http://proxy.internal:3128")
    screenshot(dialog, "settings.png")
    with qtbot.waitSignal(dialog.settings_saved) as saved:
        qtbot.mouseClick(_save_button(dialog), Qt.MouseButton.LeftButton)
    expected = Settings(
        "ru", 30, 1, 4, "float32", compute_device="cpu", telegram_pages_back=2, recheck_days=3
    )
    assert saved.args == [expected]
    assert load_settings(tasks.data_dir) == expected
    assert preferences.value(PROXY_KEY) == "http://proxy.internal:3128"
    assert not preferences.contains(DATA_DIR_KEY)  # unchanged: the default stays the default
    assert dialog.restart_required
    assert not dialog.isVisible()

    again = _open(qtbot, tasks, preferences)
    assert again.settings() == expected
    assert again.proxy.text() == "http://proxy.internal:3128"


def test_the_shared_store_and_the_users_name_are_shown_and_saved(
    qtbot, tasks: TaskManager, preferences
):
    save_settings(tasks.data_dir, Settings(user="ana"))
    dialog = _open(qtbot, tasks, preferences)
    assert (dialog.store.text(), dialog.user.text()) == ("", "ana")
    dialog.interval.setValue(45)
    dialog.store.setText("  postgresql://monitor@db.newsroom/team ")
    with qtbot.waitSignal(dialog.settings_saved):
        qtbot.mouseClick(_save_button(dialog), Qt.MouseButton.LeftButton)
    saved = load_settings(tasks.data_dir)
    assert (saved.update_interval_minutes, saved.store, saved.user) == (
        45,
        "postgresql://monitor@db.newsroom/team",
        "ana",
    )


def test_a_store_or_name_that_cannot_be_used_is_explained_and_nothing_saved(
    qtbot, tasks: TaskManager, preferences
):
    dialog = _open(qtbot, tasks, preferences)
    dialog.store.setText("mysql://db/team")
    qtbot.mouseClick(_save_button(dialog), Qt.MouseButton.LeftButton)
    assert dialog.message.text().startswith("Write the shared store as postgresql://")
    dialog.store.setText("")
    dialog.user.setText("x" * 65)
    qtbot.mouseClick(_save_button(dialog), Qt.MouseButton.LeftButton)
    assert dialog.message.text().startswith("Your name:")
    assert dialog.isVisible()
    assert not (tasks.data_dir / "settings.json").exists()


def test_a_name_given_at_the_start_is_said_to_win_over_the_setting(
    qtbot, tasks: TaskManager, preferences, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("MEDIA_MONITOR_USER", "ben")  # as `media-monitor --user ben` sets it
    dialog = _open(qtbot, tasks, preferences)
    assert "$MEDIA_MONITOR_USER" in dialog.message.text()
    assert "applies when they are not" in dialog.message.text()


def test_a_typed_language_code_is_accepted(qtbot, tasks: TaskManager, preferences):
    dialog = _open(qtbot, tasks, preferences)
    dialog.target_language.setEditText("nl")
    with qtbot.waitSignal(dialog.settings_saved):
        qtbot.mouseClick(_save_button(dialog), Qt.MouseButton.LeftButton)
    assert load_settings(tasks.data_dir).target_language == "nl"
    assert not dialog.restart_required


def test_bad_input_is_explained_and_nothing_is_saved(qtbot, tasks: TaskManager, preferences):
    dialog = _open(qtbot, tasks, preferences)
    dialog.target_language.setEditText("English please")
    qtbot.mouseClick(_save_button(dialog), Qt.MouseButton.LeftButton)
    assert (
        dialog.message.text() == "“english please” is not a language code; write one like en or ko."
    )
    dialog.target_language.setCurrentIndex(0)
    dialog.proxy.setText("proxy.internal:3128")
    qtbot.mouseClick(_save_button(dialog), Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "Write the proxy as http://host:port (or https://, socks5://)."
    assert dialog.isVisible()
    assert not (tasks.data_dir / "settings.json").exists()
    assert not preferences.contains(PROXY_KEY)


def test_a_new_data_folder_waits_for_a_restart(
    qtbot, tasks: TaskManager, preferences, tmp_path: Path, monkeypatch
):
    elsewhere = tmp_path / "elsewhere"
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_a, **_k: str(elsewhere))
    dialog = _open(qtbot, tasks, preferences)
    [change] = [b for b in dialog.findChildren(type(_save_button(dialog))) if b.text() == "Change…"]
    qtbot.mouseClick(change, Qt.MouseButton.LeftButton)
    assert dialog.data_dir.text() == str(elsewhere)
    assert "next time it starts" in dialog.message.text()
    with qtbot.waitSignal(dialog.settings_saved):
        qtbot.mouseClick(_save_button(dialog), Qt.MouseButton.LeftButton)
    assert preferences.value(DATA_DIR_KEY) == str(elsewhere)
    assert dialog.restart_required
    assert (tasks.data_dir / "settings.json").exists()  # this session's folder, until restart

    reopened = _open(qtbot, tasks, preferences)
    assert reopened.data_dir.text() == str(elsewhere)
    assert "after a restart" in reopened.message.text()


@pytest.mark.parametrize(
    ("proxy", "problem"),
    [
        ("", None),
        ("http://10.0.0.1:8080", None),
        ("socks5://proxy.example.org:1080", None),
        ("ftp://proxy:21", "Write the proxy as http://host:port (or https://, socks5://)."),
        ("http://proxy:port", "The proxy's port must be a number from 1 to 65535."),
    ],
)
def test_proxy_problems(proxy: str, problem: str | None):
    assert proxy_problem(proxy) == problem
