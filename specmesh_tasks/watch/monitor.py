"""The change feed: one thread reads watchfiles for the whole life of the watch.

watchfiles' low-level `RustNotify.watch()` drops the changes it has collected whenever it returns
on a stop event or a timeout, so it is called from a single thread, without a timeout, and every
batch it returns goes into a queue the watch loop reads. While a cycle runs, the same thread can
stop a running test: tests are the slow part of a cycle (a pytest process) and a save made while
they run makes their result stale. When a `guard` is set and says so for a batch, the child
processes of this process (the test runner and its workers) get SIGTERM. The test task then fails,
doit ends the cycle normally (its dependency file stays consistent: nothing in this process is
interrupted), the affected tests stay unrecorded so they run again, and the next cycle starts at
once with the new saves.
"""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable

from specmesh_tasks.errors import SpecmeshError

RawChanges = set[tuple[int, str]]


class FeedError(SpecmeshError):
    """The file watcher itself failed (for instance the inotify watch limit was reached)."""

    exit_code = 1


class ChangeFeed:
    """Batches of raw changes under `root`, read by a background thread."""

    def __init__(self, root: str, debounce: int, step: int) -> None:
        from watchfiles._rust_notify import RustNotify  # documented low-level API; lazy import

        polling = os.environ.get("WATCHFILES_FORCE_POLLING", "").lower() not in ("", "0", "false")
        try:
            self.notify = RustNotify([root], False, polling, 300, True, True)
        except Exception as exc:  # e.g. the inotify watch limit: one line, not a traceback
            raise FeedError(f"error: cannot watch {root}: {exc}") from None
        self.debounce, self.step = debounce, step
        self.guard: Callable[[RawChanges], None] | None = None
        self.error: BaseException | None = None
        self._queue: queue.Queue[RawChanges] = queue.Queue()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="specmesh-watch-feed", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                raw = self.notify.watch(self.debounce, self.step, 0, self._stop)
                if isinstance(raw, set) and raw:
                    self._guard(raw)
                    self._queue.put(raw)
        except Exception as exc:  # the watcher failed: tell the loop instead of going deaf
            self.error = exc
            self._queue.put(set())

    def _guard(self, raw: RawChanges) -> None:
        guard = self.guard
        if guard is not None:
            with contextlib.suppress(Exception):  # stopping tests early is an optimisation only
                guard(raw)

    def get(self, timeout: float | None) -> RawChanges | None:
        """The next batch merged with any queued after it; None when `timeout` seconds pass.
        Waits in short slices so that a signal is handled promptly."""
        slice_s = 0.25 if timeout is None else min(timeout, 0.25)
        waited = 0.0
        while True:
            try:
                batch = self._queue.get(timeout=slice_s)
                self._raise_error()
            except queue.Empty:
                waited += slice_s
                if timeout is not None and waited >= timeout:
                    return None
                continue
            return batch | self.drain()

    def drain(self) -> RawChanges:
        """Every batch queued now, merged (empty if none)."""
        merged: RawChanges = set()
        while True:
            try:
                merged |= self._queue.get_nowait()
            except queue.Empty:
                self._raise_error()
                return merged

    def _raise_error(self) -> None:
        if self.error is not None:
            raise FeedError(f"error: the file watcher stopped: {self.error}")

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.notify.close()


class TestStopper:
    """A guard for one cycle: the first batch with news while a test runs stops the tests."""

    __test__ = False  # not a pytest test class

    def __init__(self, test_running: Callable[[], bool], is_news: Callable[[RawChanges], bool]) -> None:
        self.test_running, self.is_news = test_running, is_news
        self.stopped = False

    def __call__(self, raw: RawChanges) -> None:
        if not self.stopped and self.test_running() and self.is_news(raw):
            self.stopped = True
            terminate(descendants(os.getpid()))


def descendants(pid: int) -> list[int]:
    """Every descendant of `pid`, children before their own children."""
    found: list[int] = []
    todo = [pid]
    while todo:
        kids = _children(todo.pop())
        found.extend(kids)
        todo.extend(kids)
    return found


def _children(pid: int) -> list[int]:
    task_dir = f"/proc/{pid}/task"
    if os.path.isdir(task_dir):  # Linux: the kernel lists each thread's children
        kids: list[int] = []
        for tid in os.listdir(task_dir):
            with contextlib.suppress(OSError), open(f"{task_dir}/{tid}/children", encoding="ascii") as handle:
                kids.extend(int(p) for p in handle.read().split())
        return kids
    if sys.platform == "win32":  # pragma: no cover - POSIX only
        return []
    done = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False)
    return [int(p) for p in done.stdout.split()]


def terminate(pids: Iterable[int]) -> None:
    for pid in pids:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGTERM)
