"""Child processes: the command that runs a benchmark module, and the environments the app
is started in.

Every measurement that must not share a process with the benchmark (a probe, a site, the
app) runs as ``python -m MODULE`` with this interpreter (``sys.executable``), in the
repository's root, so that the ``bench`` package is found without installing it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.common.paths import ROOT


def module_command(module: str, *arguments: str) -> list[str]:
    """The command line that runs ``module`` with this interpreter (to run in the repo root)."""
    return [sys.executable, "-m", module, *arguments]


def run_module(module: str, *arguments: str, **options: Any) -> subprocess.CompletedProcess[str]:
    """Run ``module`` to its end in the repository's root; ``options`` go to ``subprocess.run``
    (the exit status is the caller's to check)."""
    return subprocess.run(
        module_command(module, *arguments), cwd=ROOT, text=True, check=False, **options
    )


def start_module(module: str, *arguments: str, **options: Any) -> subprocess.Popen[str]:
    """Start ``module`` in the repository's root; ``options`` go to ``subprocess.Popen``."""
    return subprocess.Popen(module_command(module, *arguments), cwd=ROOT, text=True, **options)


def app_env(config_home: Path) -> dict[str, str]:
    """This process's environment for a child that runs the app: offscreen Qt, the app's
    QSettings under ``config_home``, and no data folder chosen by the environment."""
    env = {key: value for key, value in os.environ.items() if key != "MEDIA_MONITOR_HOME"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["XDG_CONFIG_HOME"] = str(config_home)
    return env


def child_env(workdir: Path, *, bytecode: bool = True) -> dict[str, str]:
    """Offscreen Qt, the app's QSettings in a sandbox, compiled bytecode kept (or not)."""
    env = app_env(workdir / "ui-config")
    if bytecode:
        # An installed app has its .pyc files; this sandbox sets PYTHONDONTWRITEBYTECODE.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(workdir / "ui-pycache")
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env.pop("PYTHONPYCACHEPREFIX", None)
    return env
