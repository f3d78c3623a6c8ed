"""A child process for the start-up and memory benchmarks: open a window, report when it
first painted, quit.

    python bench/probe_startup.py bare
    python bench/probe_startup.py desk DATA_DIR [--wait-prepare]

``bare`` shows an empty PySide6 QMainWindow; ``desk`` runs what ``beian`` runs before its
event loop (application, log, store, main window via ``desktop.ui.app.start_desk``). Run with
QT_QPA_PLATFORM=offscreen. The last line of stdout is one JSON object of
``time.monotonic()`` readings (a system-wide clock on Linux, Windows and macOS, so the
parent can subtract the moment just before it started this process):

- ``started``: the first line of this script ran (the interpreter is up);
- ``qt_imported``: PySide6.QtWidgets imported;
- ``shown``: the window was built and shown (for ``desk``: start_desk returned);
- ``painted``: the window received its first paint event;
- ``settled``: the event loop next had nothing to do (the first frame is on screen);

``cpu_s`` is the processor time this process had used when it painted (all threads): on
a busy machine it varies much less than the wall-clock figures.

plus ``peak_rss_mb`` (this process's peak resident memory) and, for ``desk``, ``rows``
(filings loaded in the list) and ``total`` (filings the list counts). With
``--wait-prepare`` it quits only after the background font preparation has finished,
so the peak memory includes it.

Only stdlib modules are imported before the clock starts mattering. The paint is caught
with an event filter on the window itself: an application-wide Python event filter would
see every event of every object and slows the first frame down by a few hundred ms.
"""

import time

STARTED = time.monotonic()

import json  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

DEADLINE_MS = 120_000  # a probe that never paints reports the failure instead of hanging


def _peak_rss_mb() -> float:
    # Linux: VmHWM of this program's own memory map. ru_maxrss would do elsewhere, but on
    # Linux it also counts the parent's peak from before exec() (a benchmark that has just
    # built a big store in memory would be charged for it).
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    try:
        import resource
    except ImportError:  # Windows
        return _peak_rss_mb_windows()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports KiB, macOS bytes.
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def _peak_rss_mb_windows() -> float:
    import ctypes
    from ctypes import wintypes

    class Counters(ctypes.Structure):
        _fields_ = [
            ("cb", wintypes.DWORD),
            ("PageFaultCount", wintypes.DWORD),
            ("PeakWorkingSetSize", ctypes.c_size_t),
            ("WorkingSetSize", ctypes.c_size_t),
            ("QuotaPeakPagedPoolUsage", ctypes.c_size_t),
            ("QuotaPagedPoolUsage", ctypes.c_size_t),
            ("QuotaPeakNonPagedPoolUsage", ctypes.c_size_t),
            ("QuotaNonPagedPoolUsage", ctypes.c_size_t),
            ("PagefileUsage", ctypes.c_size_t),
            ("PeakPagefileUsage", ctypes.c_size_t),
        ]

    counters = Counters()
    counters.cb = ctypes.sizeof(counters)
    process = ctypes.windll.kernel32.GetCurrentProcess()
    ctypes.windll.psapi.GetProcessMemoryInfo(process, ctypes.byref(counters), counters.cb)
    return counters.PeakWorkingSetSize / (1024 * 1024)


def main(argv: list[str]) -> int:
    mode = argv[0] if argv else "bare"
    marks: dict = {"started": STARTED}

    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    marks["qt_imported"] = time.monotonic()

    if mode == "bare":
        app = QApplication(sys.argv[:1])
        window = QMainWindow()
        window.resize(1400, 860)
        window.show()
    elif mode == "desk":
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        from desktop.ui.app import make_application, start_desk
        from desktop.ui.errors import install_excepthook, setup_logging

        data_dir = Path(argv[1])
        app = make_application()  # the same steps as desktop.ui.app.run_window
        setup_logging(data_dir)
        install_excepthook()
        window = start_desk(data_dir)
        if window is None:
            print(json.dumps({"error": "the store could not be opened"}))
            return 1
    else:
        print(f"unknown mode {mode!r}", file=sys.stderr)
        return 2
    marks["shown"] = time.monotonic()
    wait_prepare = "--wait-prepare" in argv

    def finish() -> None:
        job = getattr(window, "prepare_job", None)
        if wait_prepare and job is not None and not _done(job):
            QTimer.singleShot(20, finish)  # poll until the background job is over
            return
        app.quit()

    def settled() -> None:
        marks["settled"] = time.monotonic()
        finish()

    class FirstPaint(QObject):
        def eventFilter(self, watched, event):  # noqa: N802
            if event.type() == QEvent.Type.Paint and "painted" not in marks:
                marks["painted"] = time.monotonic()
                marks["cpu_s"] = time.process_time()
                QTimer.singleShot(0, settled)
            return False

    spy = FirstPaint()
    window.installEventFilter(spy)
    QTimer.singleShot(DEADLINE_MS, app.quit)
    app.exec()
    window.removeEventFilter(spy)

    if mode == "desk":
        marks["rows"] = window.model.rowCount()
        marks["total"] = window.model.total()
        prepare = getattr(window, "prepare_job", None)
        marks["prepared"] = prepare is None or _done(prepare)
        _close_desk(app, window)
    marks["peak_rss_mb"] = round(_peak_rss_mb(), 1)
    if "painted" not in marks:
        marks["error"] = "the window did not paint before the deadline"
    print(json.dumps(marks))
    return 0 if "painted" in marks else 1


def _done(job) -> bool:
    return job.is_done()


def _close_desk(app, window) -> None:
    from PySide6.QtCore import QThreadPool

    QThreadPool.globalInstance().waitForDone(30_000)
    window.store.close()


if __name__ == "__main__":
    try:
        code = main(sys.argv[1:])
    except BaseException:  # the desk's exception hook would only log it
        import traceback

        traceback.print_exc()
        code = 3
    sys.exit(code)
