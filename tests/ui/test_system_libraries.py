"""The window's system libraries: found missing from Qt's own plugins, named with their package.

The missing library is real: a copy of PySide6's xcb platform plugin is given (with patchelf)
a dependency on a library that no machine has, and its search path is pointed back at
PySide6's Qt libraries, so that everything else resolves as in the installed plugin. Qt itself,
handed that plugin, aborts the process; the launcher must answer with one line instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ui import system_libraries
from ui.system_libraries import (
    debian_package_names,
    debian_packages,
    install_command,
    missing_for_install,
    missing_libraries,
    platform_plugin,
    start_problem,
)

ABSENT = "libmm-absent-test.so.3"
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ELF and ldd")


@pytest.fixture
def broken_plugins(tmp_path: Path) -> Path:
    """A platform plugin folder whose xcb plugin needs a library that is not installed."""
    patchelf = shutil.which("patchelf") or str(Path(sys.executable).with_name("patchelf"))
    installed = platform_plugin("xcb", {})
    assert installed is not None, "PySide6's xcb plugin is where PySide6 installs it"
    folder = tmp_path / "platforms"
    folder.mkdir()
    plugin = folder / installed.name
    shutil.copy2(installed, plugin)
    qt_libraries = installed.parents[2] / "lib"
    subprocess.run([patchelf, "--set-rpath", str(qt_libraries), str(plugin)], check=True)
    subprocess.run([patchelf, "--add-needed", ABSENT, str(plugin)], check=True)
    return folder


def test_debian_names_follow_the_soname() -> None:
    assert debian_package_names("libxcb-icccm.so.4") == ["libxcb-icccm4"]
    assert debian_package_names("libxkbcommon-x11.so.0") == ["libxkbcommon-x11-0"]
    assert debian_package_names("libEGL.so.1") == ["libegl1"]
    assert debian_package_names("libgcc_s.so.1") == ["libgcc-s1"]
    assert debian_package_names("libglib-2.0.so.0") == ["libglib-2.0-0", "libglib2.0-0"]
    assert debian_package_names("not-a-library") == []


@pytest.mark.skipif(shutil.which("apt-cache") is None, reason="needs apt's package lists")
def test_debian_packages_are_checked_against_apt() -> None:
    known = subprocess.run(
        ["apt-cache", "show", "--no-all-versions", "libxcb-icccm4"],
        capture_output=True,
        check=False,
    )
    if known.returncode != 0:
        pytest.skip("apt's package lists are empty here (no apt-get update yet)")

    packages = debian_packages(["libxcb-icccm.so.4", "libxcb-keysyms.so.1", ABSENT])

    assert packages.names == ("libxcb-icccm4", "libxcb-keysyms1")
    assert packages.unresolved == (ABSENT,)


def test_the_missing_library_is_found_in_the_plugin(broken_plugins: Path) -> None:
    plugin = broken_plugins / "libqxcb.so"

    assert ABSENT in missing_libraries(plugin)
    assert system_libraries._first_missing_by_loading(plugin) != []


def test_start_problem_names_the_library_and_what_to_do(broken_plugins: Path) -> None:
    environment = {"DISPLAY": ":99", "QT_QPA_PLATFORM_PLUGIN_PATH": str(broken_plugins)}

    problem = start_problem(environment)

    assert problem is not None
    assert ABSENT in problem
    assert "scripts/install" in problem


def test_no_display_is_said_plainly() -> None:
    problem = start_problem({})

    assert problem is not None
    assert "DISPLAY is not set" in problem
    assert start_problem({"QT_QPA_PLATFORM": "offscreen"}) is None


def test_install_check_lists_what_the_plugins_lack(
    broken_plugins: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    environment = {"QT_QPA_PLATFORM_PLUGIN_PATH": str(broken_plugins)}

    assert ABSENT in missing_for_install(environment)
    command = install_command([ABSENT])
    if shutil.which("apt-get"):
        assert command is not None
        assert f"a package providing {ABSENT}" in command


def test_the_app_with_a_plugin_qt_cannot_load_exits_with_one_line(
    broken_plugins: Path, tmp_path: Path
) -> None:
    environment = dict(
        os.environ,
        QT_QPA_PLATFORM="xcb",
        QT_QPA_PLATFORM_PLUGIN_PATH=str(broken_plugins),
        DISPLAY=":99",
    )

    result = subprocess.run(
        [sys.executable, "-m", "ui.launcher", "--data-dir", str(tmp_path / "data")],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
        check=False,
    )

    assert result.returncode == 1  # not Qt's abort (-6)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("media-monitor: error: the desktop app cannot start: ")
    assert ABSENT in lines[0]
