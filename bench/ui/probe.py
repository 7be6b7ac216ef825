"""The child process of the UI benchmark: starts the real app and records what it does.

    python -m bench.ui.probe start DATA_DIR OUT.json [--list]
    python -m bench.ui.probe lag DATA_DIR SCRIPT.json OUT.json
    python -m bench.ui.probe close DATA_DIR OUT.json [--load-demo]
    python -m bench.ui.probe imports

Both ``start`` and ``lag`` start the app the way the installed ``media-monitor`` script does,
through :func:`ui.launcher.main` (command line → :func:`ui.app.run` → window → event loop).
The probe only creates the ``QApplication`` first, so that an application-wide event filter
can see the main window's first events; everything else is the app's own code.

``start`` writes the moments (``time.monotonic``, which is the same clock in every process on
Linux) at which the probe's code began, the main window was shown, its first frame was
painted (the first Paint event of the main window; the moment is taken at the next turn of
the event loop, once the whole widget tree has painted) and, for a collection with articles,
the list was filled, and at the first frame how long the main thread had been ready to run
without a CPU (a busy machine) and the process's CPU time. Then it closes the window and exits.

``lag`` waits for the window to settle, starts a 5 ms timer on the main thread, triggers the
window's "Update now" action (Ctrl+R) and plays a user who every second types a search or
moves to the next article (the reader opens it); SCRIPT.json says which (``user``:
"search-and-read", "read" or "none"), and gives the queries. It stops once the update has
finished and a query on the reader thread has counted what the collection holds. It records
each tick with the main thread's CPU and run-queue time (:mod:`bench.ui.watch`), the app's
progress, the user's actions and when the window showed their answers, and the watchdog's
stack samples and per-thread CPU timeline.

``close`` waits until the window has painted, filled its list and settled (with
``--load-demo``, on an empty folder, after pressing "Load the demo collection" and waiting for
that job to finish), then presses the window's Quit shortcut (Ctrl+Q) and writes the moment it
did so to OUT.json before it returns to the event loop; the app then exits its own way (the
last window closed ends the event loop, :func:`ui.app.run` returns, the interpreter shuts
down). The parent measures from that moment to the process's exit (:mod:`bench.cli.benchmark`).

The fetcher's politeness delays are lifted for the loopback site by handing the workers'
``open_monitor`` a :class:`~monitor.collect.fetch.FetchSettings` (the app has no setting for it).
"""

from __future__ import annotations

import time

STARTED = time.monotonic()  # before any import the app would not make itself

import json  # noqa: E402 (after the first timestamp on purpose)
import sys  # noqa: E402
import threading  # noqa: E402
from array import array  # noqa: E402
from collections.abc import Callable  # noqa: E402
from functools import partial  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

TICK_MS = 5
SETTLE_MS = 1500  # after the first frame: the first list, sidebar and watchlists load
BASELINE_MS = 500  # ticks before the update starts: the idle lag
USER_EVERY_MS = 1000
KEY_EVERY_MS = 90  # a brisk typist
LIMIT_S = 900.0  # give up (and say so) if the update has not finished by then


def _install_first_frame_hook(marks: dict[str, float], on_window: Any, on_frame: Any) -> Any:
    """An application-wide filter noting the main window's first Show and first frame."""
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    class FirstFrame(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if not isinstance(watched, QMainWindow):
                return False
            kind = event.type()
            if kind == QEvent.Type.Show and "window_shown" not in marks:
                marks["window_shown"] = time.monotonic()
                on_window(watched)
            elif kind == QEvent.Type.Paint and "first_paint" not in marks:
                marks["first_paint"] = time.monotonic()
                QTimer.singleShot(0, self._painted)
            return False

        def _painted(self) -> None:
            marks["first_frame"] = time.monotonic()
            app = QApplication.instance()
            if app is not None:
                app.removeEventFilter(self)
            on_frame()

    hook = FirstFrame()
    app = QApplication.instance()
    assert app is not None
    app.installEventFilter(hook)
    return hook


def _launch(data_dir: str) -> int:
    from ui.launcher import main

    return main(["--data-dir", data_dir])


def _on_list_filled(main_window: Any, marks: dict[str, float], then: Callable[[], None]) -> None:
    """Mark when the window's article list first has rows (``list_filled``), then ``then()``."""
    model = main_window.article_list.model

    def reset() -> None:
        if model.rowCount() and "list_filled" not in marks:
            marks["list_filled"] = time.monotonic()
            then()

    model.modelReset.connect(reset)


def cold_start(data_dir: str, out: Path, *, wait_for_list: bool) -> int:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv[:1])
    marks: dict[str, float] = {"probe_started": STARTED, "qt_ready": time.monotonic()}
    at_frame: dict[str, float] = {}
    window: list[QMainWindow] = []

    def finish() -> None:
        if "finished" in marks:
            return
        marks["finished"] = time.monotonic()
        out.write_text(json.dumps({"marks": marks, "at_frame": at_frame}), "utf-8")
        if window:
            window[0].close()
        app.quit()

    def on_window(main_window: QMainWindow) -> None:
        window.append(main_window)
        _on_list_filled(main_window, marks, lambda: finish() if "first_frame" in marks else None)

    def on_frame() -> None:
        from bench.ui.watch import SchedStat

        # How much of the wait was the machine's: the main thread ready but not on a CPU.
        at_frame["main_waited"] = SchedStat(threading.get_native_id()).read()[1]
        at_frame["cpu"] = time.process_time()
        # An empty collection has no list to wait for; otherwise wait for it (at most 10 s).
        if not wait_for_list or "list_filled" in marks:
            finish()
        else:
            QTimer.singleShot(10_000, finish)

    hook = _install_first_frame_hook(marks, on_window, on_frame)
    code = _launch(data_dir)
    del hook
    return code


def close_window(data_dir: str, out: Path, *, load_demo: bool, settle_ms: int = 500) -> int:
    """Open the app, let it settle, quit it by its shortcut; the app exits as it would.

    With ``load_demo`` the data folder starts empty and the user first presses "Load the demo
    collection" on the welcome page; Quit comes once that job has finished.
    """
    from PySide6.QtCore import QTimer
    from PySide6.QtGui import QKeySequence
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv[:1])
    marks: dict[str, float] = {"probe_started": STARTED}
    window: list[Any] = []

    def quit_by_shortcut() -> None:
        if "close_requested" in marks:
            return
        quit_action = next(
            action for action in window[0].actions() if action.shortcut() == QKeySequence("Ctrl+Q")
        )
        marks["close_requested"] = time.monotonic()
        # Written before the close starts: whatever the app does from here is measured.
        out.write_text(json.dumps({"marks": marks}), "utf-8")
        quit_action.trigger()

    def settle_then_quit() -> None:
        if "list_filled" in marks and (not load_demo or "work_done" in marks):
            QTimer.singleShot(settle_ms, quit_by_shortcut)

    def on_window(main_window: QMainWindow) -> None:
        window.append(main_window)

        def busy_changed(busy: bool) -> None:
            if not busy and "work_done" not in marks:
                marks["work_done"] = time.monotonic()
                settle_then_quit()

        _on_list_filled(main_window, marks, settle_then_quit)
        main_window.tasks.busy_changed.connect(busy_changed)  # type: ignore[attr-defined]

    def on_frame() -> None:
        if load_demo:
            window[0].welcome.demo_button.click()
        # Whatever happens, quit in the end (a run without a list says so to the parent).
        QTimer.singleShot(60_000, quit_by_shortcut)

    hook = _install_first_frame_hook(marks, on_window, on_frame)
    code = _launch(data_dir)
    del hook, app
    return code


class LagProbe:
    """The ``lag`` scenario (see the module docstring); results go to ``out`` as JSON."""

    def __init__(self, data_dir: str, script: dict[str, Any], out: Path) -> None:
        from PySide6.QtCore import Qt, QTimer

        from bench.ui.watch import SchedStat, Watchdog

        self.data_dir = data_dir
        self.expected: int = script["articles"]
        self.queries: list[str] = script["queries"]
        self.searches = script.get("user", "search-and-read") == "search-and-read"
        self.acting = script.get("user", "search-and-read") != "none"
        self.settle_ms: int = script.get("settle_ms", SETTLE_MS)
        self.out = out
        self.marks: dict[str, float] = {"probe_started": STARTED}
        self.ticks = array("d")
        # The main thread's time on a CPU and waiting for one (runnable), at each tick.
        self.tick_run = array("d")
        self.tick_wait = array("d")
        self._main_stat = SchedStat(threading.get_native_id())
        self.last_tick = 0.0
        self.progress: list[tuple[float, str, int, int]] = []
        # (moment, what, detail): the user's actions and what the window showed in answer
        self.events: list[tuple[float, str, Any]] = []
        self.window: Any = None
        self.step = 0
        self.ticker = QTimer()
        self.ticker.setTimerType(Qt.TimerType.PreciseTimer)
        self.ticker.setInterval(TICK_MS)
        self.ticker.timeout.connect(self._tick)
        self.user = QTimer()
        self.user.setInterval(USER_EVERY_MS)
        self.user.timeout.connect(self._act)
        self._watchdog = Watchdog(lambda: self.last_tick)
        self._finished = False

    # Scenario -----------------------------------------------------------------------------

    def on_window(self, window: Any) -> None:
        self.window = window
        window.tasks.progressed.connect(self._progressed)
        window.tasks.busy_changed.connect(self._busy_changed)
        window.search_bar.search_requested.connect(lambda _: self._note("search requested"))
        window.article_list.article_selected.connect(lambda i: self._note("article selected", i))
        # The answers have no signal of their own: wrap the two methods that show them
        # (instrumentation only; each still does exactly what it did).
        set_rows, show_content = window.article_list.set_rows, window.reader.show_content

        def rows_shown(rows: Any, *, total: int | None = None) -> None:
            set_rows(rows, total=total)
            self._note("rows shown", total is not None)

        def content_shown(content: Any) -> None:
            show_content(content)
            self._note("article shown", None if content is None else content.article_id)

        window.article_list.set_rows = rows_shown
        window.reader.show_content = content_shown

    def _note(self, what: str, detail: Any = None) -> None:
        self.events.append((time.monotonic(), what, detail))

    def on_frame(self) -> None:
        from PySide6.QtCore import QTimer

        QTimer.singleShot(self.settle_ms, self._begin)
        QTimer.singleShot(int(LIMIT_S * 1000), lambda: self._finish("time limit reached"))

    def _begin(self) -> None:
        from PySide6.QtCore import QTimer

        self.marks["ticking"] = self.last_tick = time.monotonic()
        self.ticker.start()
        self._watchdog.start()
        QTimer.singleShot(BASELINE_MS, self._trigger_update)

    def _trigger_update(self) -> None:
        from PySide6.QtGui import QKeySequence

        update = next(
            action
            for action in self.window.actions()
            if action.shortcut() == QKeySequence("Ctrl+R")
        )
        self.marks["update_triggered"] = time.monotonic()
        update.trigger()
        if self.acting:
            self.user.start()

    def _act(self) -> None:
        """One user step: search, move on twice (the reader opens each), clear the search."""
        from PySide6.QtCore import Qt, QTimer
        from PySide6.QtTest import QTest

        field = self.window.search_bar.field
        kind = self.step % 4 if self.searches else 1
        if kind == 0:
            query = self.queries[(self.step // 4) % len(self.queries)]
            QTest.keyClick(field, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
            for position, char in enumerate(query):
                QTimer.singleShot(KEY_EVERY_MS * position, lambda c=char: _type(field, c))
            self._note("search typed", query)
        elif kind in (1, 2):
            QTest.keyClick(self.window.article_list.view, Qt.Key.Key_Down)
            self._note("next article")
        else:
            QTest.keyClick(field, Qt.Key.Key_Escape)
            self._note("search cleared")
        self.step += 1

    def _progressed(self, _name: str, progress: Any) -> None:
        self.progress.append(
            (time.monotonic(), str(progress.kind), int(progress.done), int(progress.total or 0))
        )

    def _busy_changed(self, busy: bool) -> None:
        if busy or "update_triggered" not in self.marks or "update_done" in self.marks:
            return
        self.marks["update_done"] = time.monotonic()
        self.user.stop()
        # Queued behind the window's own refresh on the reader thread.
        self.window.tasks.read(
            partial(_count, Path(self.data_dir)),
            success=self._counted,
            failure=lambda error: self._finish(str(error)),
        )

    def _counted(self, counts: dict[str, Any]) -> None:
        self.marks["verified"] = time.monotonic()
        self.counts = counts
        self._finish(None)

    def _finish(self, problem: str | None) -> None:
        if self._finished:
            return
        self._finished = True
        self.ticker.stop()
        self.user.stop()
        self._watchdog.stop()
        self.marks["finished"] = time.monotonic()
        import resource

        from PySide6.QtWidgets import QApplication, QMessageBox

        # What the window told the user at the end: its status line, and any message box
        # (an update that failed says so in one, e.g. "The update stopped: …").
        dialogs = [
            widget.text()
            for widget in QApplication.topLevelWidgets()
            if isinstance(widget, QMessageBox) and widget.isVisible()
        ]

        result = {
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "marks": self.marks,
            "problem": problem,
            "dialogs": dialogs,
            "status": self.window.statusBar().currentMessage(),
            "expected": self.expected,
            "counts": getattr(self, "counts", None),
            "ticks": list(self.ticks),
            "tick_run": list(self.tick_run),
            "tick_wait": list(self.tick_wait),
            "cpu_timeline": self._watchdog.cpu_timeline,
            "progress": self.progress,
            "events": self.events,
            "samples": self._watchdog.samples,
        }
        self.out.write_text(json.dumps(result), "utf-8")
        self.window.close()
        app = QApplication.instance()
        if app is not None:
            app.quit()

    # Measuring ----------------------------------------------------------------------------

    def _tick(self) -> None:
        self.last_tick = now = time.monotonic()
        self.ticks.append(now)
        running, waiting = self._main_stat.read()
        self.tick_run.append(running)
        self.tick_wait.append(waiting)


def _type(widget: Any, char: str) -> None:
    """One key press and release carrying ``char`` (QTest's keyClicks only knows ASCII)."""
    from PySide6.QtCore import QCoreApplication, QEvent, Qt
    from PySide6.QtGui import QKeyEvent

    for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
        event = QKeyEvent(kind, Qt.Key.Key_unknown, Qt.KeyboardModifier.NoModifier, char)
        QCoreApplication.sendEvent(widget, event)


def _count(data_dir: Path, monitor: Any) -> dict[str, Any]:
    """What the collection holds now (run on the reader thread): articles by state, and the
    documents of the index as last committed."""
    from indexes.index import SearchIndex
    from monitor.paths import index_dir

    articles = monitor.articles()
    states: dict[str, int] = {}
    for article in articles:
        states[article.state.name] = states.get(article.state.name, 0) + 1
    index = SearchIndex(index_dir(data_dir))
    try:
        documents = index.document_count()
    finally:
        index.close()
    return {"articles": len(articles), "states": states, "indexed_documents": documents}


def lag(data_dir: str, script_path: Path, out: Path) -> int:
    from PySide6.QtWidgets import QApplication

    import ui.app
    from bench.ui.collection import LOOPBACK_FETCH
    from monitor.app import Monitor, open_monitor

    def open_for_loopback(directory: Any) -> Monitor:
        return open_monitor(directory, fetch_settings=LOOPBACK_FETCH)

    script = json.loads(script_path.read_text("utf-8"))
    if script.get("switch_interval"):
        sys.setswitchinterval(script["switch_interval"])  # an experiment, not the app's default
    app = QApplication(sys.argv[:1])
    probe = LagProbe(data_dir, script, out)
    marks = probe.marks
    hook = _install_first_frame_hook(marks, probe.on_window, probe.on_frame)
    # As the launcher opens the app, with the workers' Monitors fetching over loopback.
    code = ui.app.run(data_dir, open_collection=open_for_loopback)
    del hook, app
    return code


def imports() -> int:
    """Import what the app imports before its first window (for ``python -X importtime``)."""
    import ui.app
    import ui.launcher  # noqa: F401

    return 0


def main(argv: list[str]) -> int:
    mode, *rest = argv
    if mode == "start":
        return cold_start(rest[0], Path(rest[1]), wait_for_list="--list" in rest)
    if mode == "lag":
        return lag(rest[0], Path(rest[1]), Path(rest[2]))
    if mode == "close":
        return close_window(rest[0], Path(rest[1]), load_demo="--load-demo" in rest)
    if mode == "imports":
        return imports()
    raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
