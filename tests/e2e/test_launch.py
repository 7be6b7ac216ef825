"""Launching: ``scripts/run-app`` starts an installed app with no network at all, and installs
only when there is something to install.

The offline start runs the real script in a network namespace that has nothing but loopback
(``unshare -n``, root only), with the venv that ``scripts/check`` installed. When it starts the
window, Qt's platform plugin is loaded into the process and the collection is opened; the
process then keeps running (the window's event loop) until it is stopped.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from monitor.paths import store_path

ROOT = Path(__file__).resolve().parents[2]
STAMP = ROOT / ".venv" / ".media-monitor-installed"
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="network namespaces")


def _can_unshare_network() -> bool:
    unshare = shutil.which("unshare")
    if unshare is None:
        return False
    result = subprocess.run([unshare, "-n", "true"], capture_output=True, check=False)
    return result.returncode == 0


def _require_installed_venv() -> None:
    if not STAMP.is_file() or Path(sys.prefix).resolve() != (ROOT / ".venv").resolve():
        if os.environ.get("CI"):
            pytest.fail("CI runs the tests from the venv scripts/install made, with its stamp")
        pytest.skip("needs the venv made by scripts/install (run scripts/check)")


@pytest.mark.skipif(not _can_unshare_network(), reason="needs root to drop the network")
def test_installed_app_starts_without_any_network(tmp_path: Path) -> None:
    _require_installed_venv()
    data = tmp_path / "data"
    environment = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path))
    started = time.monotonic()
    app = subprocess.Popen(
        ["unshare", "-n", str(ROOT / "scripts" / "run-app"), "--data-dir", str(data)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment,
    )
    try:
        window_up = _wait_for_window(app, data, limit=60)
        still_running = app.poll() is None
    finally:
        app.terminate()
        _, errors = app.communicate(timeout=30)

    assert window_up, f"the app did not start offline: {errors}"
    assert still_running, errors
    assert time.monotonic() - started < 60
    assert "error" not in errors.lower()
    assert "Traceback" not in errors


def _wait_for_window(app: subprocess.Popen[str], data: Path, *, limit: float) -> bool:
    """Whether, within ``limit`` seconds, the process opened the collection and loaded Qt's
    platform plugin (so its QApplication exists), and ran on for two seconds after that."""
    deadline = time.monotonic() + limit
    maps = Path(f"/proc/{app.pid}/maps")
    while time.monotonic() < deadline and app.poll() is None:
        try:
            loaded = "libqoffscreen.so" in maps.read_text()
        except OSError:
            loaded = False
        if loaded and store_path(data).exists():
            time.sleep(2)
            return app.poll() is None
        time.sleep(0.2)
    return False


@pytest.mark.skipif(not _can_unshare_network(), reason="needs root to drop the network")
def test_installed_cli_answers_without_any_network(tmp_path: Path) -> None:
    _require_installed_venv()

    result = subprocess.run(
        ["unshare", "-n", str(ROOT / "scripts" / "run-app"), "--version"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("media-monitor ")
    assert result.stderr == ""


FAKE_PYTHON = """#!/bin/sh
# Stands in for the venv's Python: records how it was called, installs nothing.
echo "$*" >> "$(dirname "$0")/../calls"
"""


def _project_copy(tmp_path: Path) -> Path:
    """The install script beside a pyproject.toml, with a venv whose Python only takes notes."""
    project = tmp_path / "project"
    (project / "scripts").mkdir(parents=True)
    shutil.copy2(ROOT / "scripts" / "install", project / "scripts" / "install")
    shutil.copy2(ROOT / "pyproject.toml", project / "pyproject.toml")
    bin_folder = project / ".venv" / "bin"
    bin_folder.mkdir(parents=True)
    for name in ("python", "media-monitor"):
        (bin_folder / name).write_text(FAKE_PYTHON)
        (bin_folder / name).chmod(stat.S_IRWXU)
    return project


def _install(project: Path, *args: str) -> list[str]:
    calls = project / ".venv" / "calls"
    calls.unlink(missing_ok=True)
    result = subprocess.run(
        [str(project / "scripts" / "install"), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return [line for line in calls.read_text().splitlines() if line] if calls.exists() else []


def test_install_runs_pip_only_when_pyproject_changed(tmp_path: Path) -> None:
    project = _project_copy(tmp_path)

    first = _install(project)
    again = _install(project)
    as_test = _install(project, "--test")
    app_after_test = _install(project)
    (project / "pyproject.toml").write_text(
        (project / "pyproject.toml").read_text() + "\n# changed\n"
    )
    after_change = _install(project)

    assert any("-m pip install" in call and call.endswith("-e .") for call in first)
    assert any("-m ui.system_libraries --install" in call for call in first)
    assert [c for c in again if "pip" in c] == []
    assert any(call.endswith("-e .[test]") for call in as_test)
    assert [c for c in app_after_test if "pip" in c] == []  # a test install holds the app's
    assert any("-m pip install" in call for call in after_change)
