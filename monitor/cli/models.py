"""``media-monitor models …`` and ``media-monitor translate``: translation models from the CLI.

The parser half names each command's handler (a ``run_*`` function below). The Argos online
index (and httpx with it) is imported only by the commands that go online.
"""

from __future__ import annotations

import argparse
import functools
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from monitor.errors import MonitorError
from translations.errors import TranslationError

if TYPE_CHECKING:
    from monitor.app import Monitor
    from monitor.cli.handlers import Handler
    from translations.types import AvailablePackage, InstallReport


def add_model_commands(commands: Any) -> None:
    models = commands.add_parser("models", help="offline translation models (Argos packages)")
    actions = models.add_subparsers(dest="models_command", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="installed models and what they cover")
    listing.add_argument("--json", action="store_true", help="JSON output")
    listing.set_defaults(run=run_models_list)
    install = actions.add_parser(
        "install", help="install .argosmodel files, or every one in a folder (e.g. a USB stick)"
    )
    install.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    install.set_defaults(run=run_models_install)
    remove = actions.add_parser("remove", help="remove a model by name or pair (ru-en)")
    remove.add_argument("name")
    remove.set_defaults(run=run_models_remove)
    available = actions.add_parser(
        "available", help="models on the Argos online index (needs a network)"
    )
    available.set_defaults(run=run_models_available)
    fetch = actions.add_parser("download", help="download and install a model (needs a network)")
    fetch.add_argument("from_code", metavar="FROM")
    fetch.add_argument("to_code", metavar="TO")
    fetch.set_defaults(run=run_models_download)

    translate = commands.add_parser("translate", help="translate standard input to standard output")
    translate.add_argument("--from", dest="from_code", required=True, metavar="LANG")
    translate.add_argument("--to", dest="to_code", metavar="LANG", help="default: the settings'")
    translate.set_defaults(run=run_translate)


def _translation_errors(run: Handler) -> Handler:
    """The translation layer's errors said as the core's: one line, exit status 1."""

    @functools.wraps(run)
    def wrapped(monitor: Monitor, args: argparse.Namespace) -> int:
        try:
            return run(monitor, args)
        except TranslationError as error:
            raise MonitorError(str(error)) from error

    return wrapped


@_translation_errors
def run_models_list(monitor: Monitor, args: argparse.Namespace) -> int:
    from monitor.cli.output import print_json

    return _list(monitor, as_json=args.json, print_json=print_json)


@_translation_errors
def run_models_install(monitor: Monitor, args: argparse.Namespace) -> int:
    return _report_install(monitor, monitor.install_models(args.paths))


@_translation_errors
def run_models_remove(monitor: Monitor, args: argparse.Namespace) -> int:
    removed = monitor.remove_model(args.name)
    print(f"Removed {removed.name} ({removed.pair})")
    return 0


@_translation_errors
def run_models_available(monitor: Monitor, args: argparse.Namespace) -> int:
    for package in sorted(monitor.available_models(), key=_pair):
        print(
            f"{package.from_code}→{package.to_code}  {package.version:6}  "
            f"{package.from_name} → {package.to_name}"
        )
    return 0


@_translation_errors
def run_models_download(monitor: Monitor, args: argparse.Namespace) -> int:
    return _download(monitor, args.from_code, args.to_code)


@_translation_errors
def run_translate(monitor: Monitor, args: argparse.Namespace) -> int:
    print(monitor.translate_text(read_input(), args.from_code, args.to_code))
    return 0


def read_input() -> str:
    """Standard input as text. Bytes that are not UTF-8 (a file in another encoding piped in)
    become U+FFFD rather than stopping the command, and a lone surrogate "?".
    """
    raw = getattr(sys.stdin, "buffer", None)
    if raw is not None:
        data: bytes = raw.read()
        return data.decode(sys.stdin.encoding or "utf-8", errors="replace")
    text = sys.stdin.read()
    return text.encode("utf-8", errors="replace").decode("utf-8")


def _pair(package: AvailablePackage) -> tuple[str, str]:
    return package.from_code, package.to_code


def _list(monitor: Monitor, *, as_json: bool, print_json: Any) -> int:
    packages, problems = monitor.models()
    waiting = monitor.waiting_by_language()
    covered = {p.from_code for p in packages}
    target = monitor.target_language()
    uncovered = {
        language: count
        for language, count in waiting.items()
        if language and language != target and language not in covered
    }
    if as_json:
        print_json(
            {
                "installed": [
                    {
                        "name": p.name,
                        "pair": f"{p.from_code}-{p.to_code}",
                        "version": p.version,
                        "size": p.size_bytes,
                        "path": str(p.path),
                    }
                    for p in packages
                ],
                "broken": [{"path": str(p.path), "reason": p.reason} for p in problems],
                "waiting_without_model": uncovered,
                "compute_device": monitor.compute_device(),
            }
        )
        return 0
    print(f"Compute device: {monitor.compute_device()}")
    if not packages:
        print("No translation models installed.")
    for package in packages:
        print(
            f"{package.pair:8} {package.version:6} {package.size_bytes / 1e6:8.1f} MB  "
            f"{package.name}  ({package.path})"
        )
    for problem in problems:
        print(f"BROKEN   {problem.path.name}: {problem.reason}")
    for language, count in sorted(uncovered.items()):
        print(
            f"No model for {language}→{target}: {count} articles waiting "
            f"(`media-monitor models install FILE`)"
        )
    return 0


def _report_install(monitor: Monitor, report: InstallReport) -> int:
    for package in report.installed:
        print(f"Installed {package.name} ({package.pair}, version {package.version})")
    for problem in report.refused:
        print(f"media-monitor: refused {problem.path}: {problem.reason}", file=sys.stderr)
    if report.installed and sum(monitor.waiting_by_language().values()):
        print("Run `media-monitor update` to translate the articles waiting for these models.")
    return 0 if report.installed or not report.refused else 1


def _download(monitor: Monitor, from_code: str, to_code: str) -> int:
    offered = [
        p for p in monitor.available_models() if (p.from_code, p.to_code) == (from_code, to_code)
    ]
    if not offered:
        raise MonitorError(f"the online index has no {from_code}→{to_code} model")
    newest = max(
        offered, key=lambda p: [int(x) if x.isdigit() else 0 for x in p.version.split(".")]
    )

    def show(received: int, total: int | None) -> None:
        if sys.stderr.isatty():
            share = f" {100 * received / total:5.1f}%" if total else ""
            sys.stderr.write(f"\rDownloading {newest.file_name}{share} ({received / 1e6:.1f} MB)")
            sys.stderr.flush()

    report = monitor.download_model(newest, progress=show)
    if sys.stderr.isatty():
        sys.stderr.write("\n")
    return _report_install(monitor, report)
