"""Files a user names on the command line that are not files: refused at once, nothing read.

`/dev/zero` would be read until memory ran out; opening a named pipe waits for a writer that
never comes. Each command that reads a user's file (an OPML list, a bundle, a model) must
refuse both, and a folder where a file is meant, with one line and exit status 1.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")

CLI = [sys.executable, "-m", "monitor.cli", "--data-dir"]
COMMANDS = {
    "opml": ["sources", "import-opml"],
    "bundle": ["import-bundle"],
    "model": ["models", "install"],
}


def special_files(tmp_path: Path) -> dict[str, Path]:
    pipe = tmp_path / "subscriptions.fifo"
    os.mkfifo(pipe)
    folder = tmp_path / "news.mmbundle"
    folder.mkdir()
    return {"pipe": pipe, "device": Path("/dev/zero"), "folder": folder}


# A folder of models is a USB stick, read for its .argosmodel files: not refused.
CASES = [(c, k) for c in sorted(COMMANDS) for k in ("pipe", "device", "folder")]
CASES.remove(("model", "folder"))


@pytest.mark.parametrize(("command", "kind"), CASES)
def test_a_special_file_is_refused_without_reading_it(
    tmp_path: Path, command: str, kind: str
) -> None:
    path = special_files(tmp_path)[kind]

    result = subprocess.run(
        [*CLI, str(tmp_path / "data"), *COMMANDS[command], str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert any(words in lines[0] for words in ("not a regular file", "is a folder", "refused")), (
        lines[0]
    )


def test_a_folder_of_models_with_a_pipe_in_it_refuses_the_pipe(tmp_path: Path) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()
    os.mkfifo(stick / "translate-ru_en-1_0.argosmodel")

    result = subprocess.run(
        [*CLI, str(tmp_path / "data"), "models", "install", str(stick)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 1
    assert "not a regular file" in result.stderr
    assert "Traceback" not in result.stderr
