"""What the desktop window needs from the operating system, and what to install when it lacks it.

pip brings Qt (PySide6) but not the system libraries its platform plugins link against (the
xcb family, EGL, fontconfig, …), nor fonts for Korean and Chinese. The missing libraries are
found from the installed Qt itself, by ``ldd`` on its plugins and modules, so no list of ours
drifts from the Qt in use; their packages are named by the distribution's own rule (Debian's
library packages are named after the soname, checked with ``apt-cache``; Fedora's ``dnf``
installs by soname).

Used twice:

* ``scripts/install`` runs ``python -m ui.system_libraries --install``: as root with apt-get it
  installs what is missing, otherwise it prints the one command to run;
* the launcher calls :func:`start_problem` before Qt is imported, so a missing library is one
  line naming it and its package, instead of Qt's abort, which names whichever library its
  authors guessed ("xcb-cursor0 or libxcb-cursor0 is needed" when another one was missing).

This module imports no Qt: it must work where Qt cannot load.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import platform
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

# The Qt modules the app imports, and the platform plugins worth checking at install time:
# xcb is the desktop window, offscreen renders without a display (tests, PDF dossiers).
_QT_MODULES = ("QtCore", "QtGui", "QtWidgets")
_INSTALL_PLATFORMS = ("xcb", "offscreen")
_CJK_LANGUAGES = ("ko", "zh-cn")
_DEBIAN_CJK_FONTS = "fonts-noto-cjk"
_FEDORA_CJK_FONTS = "google-noto-sans-cjk-fonts"
_NOT_FOUND = re.compile(r"^\s*(\S+)\s*=>\s*not found", re.MULTILINE)
_CANNOT_OPEN = re.compile(r"(\S+\.so[.\d]*): cannot open shared object file")
_SONAME = re.compile(r"^(?P<name>.+)\.so\.(?P<version>[\d.]+)$")
_COMMAND_SECONDS = 20


@dataclass(frozen=True, slots=True)
class Packages:
    """Distribution packages that provide some missing sonames (and the sonames none was found
    for, which are named as they are)."""

    names: tuple[str, ...]
    unresolved: tuple[str, ...]


def pyside_folder() -> Path | None:
    """Where PySide6 is installed, found without importing it."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def platform_plugin(name: str, environ: Mapping[str, str] = os.environ) -> Path | None:
    """The file of Qt's platform plugin ``name`` that Qt will load, looked up as Qt does:
    ``QT_QPA_PLATFORM_PLUGIN_PATH``, then ``platforms/`` in ``QT_PLUGIN_PATH``, then PySide6's."""
    folders = [Path(p) for p in environ.get("QT_QPA_PLATFORM_PLUGIN_PATH", "").split(os.pathsep)]
    folders += [Path(p) / "platforms" for p in environ.get("QT_PLUGIN_PATH", "").split(os.pathsep)]
    pyside = pyside_folder()
    if pyside is not None:
        folders.append(pyside / "Qt" / "plugins" / "platforms")
    for folder in folders:
        candidate = folder / f"libq{name}.so"
        if str(folder) not in ("", ".") and candidate.is_file():
            return candidate
    return None


def missing_libraries(binary: Path) -> list[str]:
    """The sonames ``binary`` needs (directly or through its libraries) that cannot be found."""
    ldd = shutil.which("ldd")
    if ldd is not None:
        try:
            result = subprocess.run(
                [ldd, str(binary)],
                capture_output=True,
                text=True,
                timeout=_COMMAND_SECONDS,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            pass
        else:
            return list(dict.fromkeys(_NOT_FOUND.findall(result.stdout)))
    return _first_missing_by_loading(binary)


def _first_missing_by_loading(binary: Path) -> list[str]:
    """Without ``ldd``: load the library; the loader names the first soname it lacks."""
    import ctypes

    try:
        ctypes.CDLL(str(binary))
    except OSError as error:
        found = _CANNOT_OPEN.search(str(error))
        return [found.group(1)] if found else []
    return []


def debian_package_names(soname: str) -> list[str]:
    """The names Debian's policy (§8.1) gives the package of a shared library with this soname,
    most likely first: ``libfoo.so.4`` → ``libfoo4``, ``libfoo-x11.so.0`` → ``libfoo-x11-0``
    (a hyphen when the name ends in a digit); a name's own version is often joined to it
    (``libglib-2.0.so.0`` → ``libglib2.0-0``)."""
    match = _SONAME.match(soname)
    if match is None:
        return []
    name = match["name"].lower().replace("_", "-")
    names = []
    for spelling in dict.fromkeys((name, re.sub(r"-(?=\d)", "", name))):
        separator = "-" if spelling[-1].isdigit() else ""
        names.append(f"{spelling}{separator}{match['version']}")
    return names


def debian_packages(sonames: Sequence[str]) -> Packages:
    """The Debian/Ubuntu packages that provide ``sonames``, each checked against apt's lists
    (trying the ``t64`` names of the 64-bit-time transition too)."""
    names: list[str] = []
    unresolved: list[str] = []
    for soname in sonames:
        guesses = [n for guess in debian_package_names(soname) for n in (guess, f"{guess}t64")]
        found = next((name for name in guesses if _apt_knows(name)), None)
        if found is None:
            unresolved.append(soname)
        elif found not in names:
            names.append(found)
    return Packages(tuple(names), tuple(unresolved))


def _apt_knows(package: str) -> bool:
    apt_cache = shutil.which("apt-cache")
    if apt_cache is None:
        return False
    try:
        result = subprocess.run(
            [apt_cache, "show", "--no-all-versions", package],
            capture_output=True,
            timeout=_COMMAND_SECONDS,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return result.returncode == 0 and bool(result.stdout.strip())


def fedora_requirement(soname: str) -> str:
    """What ``dnf install`` takes to install whichever package provides ``soname``."""
    bits = "()(64bit)" if platform.architecture()[0] == "64bit" else ""
    return f"'{soname}{bits}'"


def install_command(sonames: Sequence[str], *, fonts: bool = False) -> str | None:
    """The one command that installs what provides ``sonames`` (and CJK fonts) on this
    machine's distribution, or ``None`` when neither apt-get nor dnf is here."""
    if shutil.which("apt-get"):
        packages = debian_packages(sonames)
        names = list(packages.names) + ([_DEBIAN_CJK_FONTS] if fonts else [])
        command = "sudo apt-get install " + " ".join(names) if names else ""
        if packages.unresolved:
            rest = "a package providing " + ", ".join(packages.unresolved)
            command = f"{command} and {rest}" if command else f"install {rest}"
        return command
    if shutil.which("dnf"):
        names = [fedora_requirement(s) for s in sonames] + ([_FEDORA_CJK_FONTS] if fonts else [])
        return "sudo dnf install " + " ".join(names)
    return None


def _chosen_platforms(environ: Mapping[str, str]) -> list[str]:
    """The platform plugins Qt will try, in order (``QT_QPA_PLATFORM`` may list several)."""
    chosen = environ.get("QT_QPA_PLATFORM", "").strip()
    if chosen:
        return [p.split(":", 1)[0].strip() for p in chosen.split(";") if p.strip()]
    if environ.get("WAYLAND_DISPLAY") and environ.get("XDG_SESSION_TYPE") == "wayland":
        return ["wayland", "xcb"]
    return ["xcb"]


def start_problem(environ: Mapping[str, str] = os.environ) -> str | None:
    """Why Qt cannot open the window here, in one line a user can act on; ``None`` when it can
    (as far as can be told without starting it). Only Linux is checked."""
    if not sys.platform.startswith("linux"):
        return None
    problems = [_platform_problem(name, environ) for name in _chosen_platforms(environ)]
    if any(problem is None for problem in problems):
        return None
    return problems[0]


def _platform_problem(name: str, environ: Mapping[str, str]) -> str | None:
    if name == "xcb" and not environ.get("DISPLAY"):
        return (
            "there is no display to open the window on (DISPLAY is not set): start it from a "
            "desktop session, or use the command line (media-monitor --help)"
        )
    if name == "wayland" and not environ.get("WAYLAND_DISPLAY"):
        return "there is no Wayland display to open the window on (WAYLAND_DISPLAY is not set)"
    plugin = platform_plugin(name, environ)
    if plugin is None:
        return None  # a platform PySide6 does not ship: let Qt say what it says
    missing = missing_libraries(plugin)
    if not missing:
        return None
    command = install_command(missing)
    return (
        f"Qt's {name} platform needs {_listed(missing)}, not installed on this machine"
        + (f"; to install: {command}" if command else "")
        + " (or run scripts/install as root)"
    )


def _listed(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def missing_for_install(environ: Mapping[str, str] = os.environ) -> list[str]:
    """Every soname that the app's Qt modules and its xcb and offscreen plugins lack."""
    binaries: list[Path] = []
    pyside = pyside_folder()
    if pyside is not None:
        for module in _QT_MODULES:
            binaries += sorted(pyside.glob(f"{module}.*.so"))
    for name in _INSTALL_PLATFORMS:
        plugin = platform_plugin(name, environ)
        if plugin is not None:
            binaries.append(plugin)
    missing: dict[str, None] = {}
    for binary in binaries:
        missing.update(dict.fromkeys(missing_libraries(binary)))
    return list(missing)


def lacks_cjk_fonts() -> bool:
    """Whether fontconfig knows no font for Korean or for Chinese (or is not here at all)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return True
    for language in _CJK_LANGUAGES:
        try:
            result = subprocess.run(
                [fc_list, f":lang={language}", "family"],
                capture_output=True,
                text=True,
                timeout=_COMMAND_SECONDS,
                check=False,
            )
        except (OSError, subprocess.SubprocessError):
            return True
        if not result.stdout.strip():
            return True
    return False


def _apt_get(*arguments: str) -> bool:
    environment = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    command = ["apt-get", *arguments]
    return subprocess.run(command, env=environment, check=False).returncode == 0


def _install_with_apt(missing: Sequence[str], fonts: bool) -> None:
    """As root: install the packages of ``missing`` (and CJK fonts), reading apt's package
    lists first when they do not know a package yet (a fresh machine has none)."""
    packages = debian_packages(missing)
    if packages.unresolved or (fonts and not _apt_knows(_DEBIAN_CJK_FONTS)):
        _apt_get("update", "-q")
        packages = debian_packages(missing)
    names = list(packages.names) + ([_DEBIAN_CJK_FONTS] if fonts else [])
    if names:
        print("Installing " + " ".join(names) + " with apt-get…")
        _apt_get("install", "-y", "-q", "--no-install-recommends", *names)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ui.system_libraries",
        description="Check the system libraries and fonts Media Monitor's window needs.",
    )
    parser.add_argument(
        "--install", action="store_true", help="install what is missing (root with apt-get only)"
    )
    args = parser.parse_args(argv)
    missing = missing_for_install()
    fonts = lacks_cjk_fonts()
    if (missing or fonts) and args.install and shutil.which("apt-get") and os.geteuid() == 0:
        _install_with_apt(missing, fonts)
        missing = missing_for_install()
        fonts = lacks_cjk_fonts()
    if not missing and not fonts:
        print("The window's system libraries and fonts are all here.")
        return 0
    needs = (["libraries " + ", ".join(missing)] if missing else []) + (
        ["fonts for Korean and Chinese"] if fonts else []
    )
    print("The window needs " + " and ".join(needs) + ".")
    command = install_command(missing, fonts=fonts)
    print(f"Install them with: {command}" if command else "Install them with your package manager.")
    return 1


if __name__ == "__main__":
    sys.exit(main())
