"""Watch latency: from saving a spec to its feature's plan.md showing the change (contract §8).

In a copy of examples/library, `specmesh watch` runs while this script edits the title of
UC-LOAN-001 (a text plan.md shows in §1) 20 times, 1 s apart, and times each write until
plan.md contains the new title. In the same run a raw watchfiles watcher in this process, with
the same step, times the wake-up for the same writes: the floor the watcher builds on.

    python bench/watch.py [--edits 20] [--interval 1.0] [--step 10] [--keep]

Goal (issue 8): p50 <= 100 ms, p90 <= 200 ms, 20/20 seen. Compare figures from one run only.
"""

from __future__ import annotations

import argparse
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "library"
FEATURE = Path(".specify/specs/features/sloan001-book-lending")
TITLE = "### UC-LOAN-001: Borrow a book\n"
SEEN_TIMEOUT = 5.0


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (no interpolation: every figure is a measured one)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def specmesh_command() -> list[str]:
    exe = Path(sys.executable).with_name("specmesh")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "specmesh_tasks.cli"]


def prepare(work: Path) -> Path:
    """Copy the example; drop an unmanaged plan.md (never touched by `plan`) so it is generated."""
    root = work / "library"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".cache", "__pycache__", ".pytest_cache"))
    plan = root / FEATURE / "plan.md"
    if plan.exists() and "<!-- specmesh:plan" not in plan.read_text(encoding="utf-8"):
        plan.unlink()
        print("note: the example's plan.md is not managed; the first cycle generates it")
    return root


class WatcherProcess:
    """`specmesh watch` in a subprocess; its output lines are collected by a thread."""

    def __init__(self, root: Path, step: int) -> None:
        args = [*specmesh_command(), "--root", str(root), "watch", "--step", str(step)]
        env = {k: v for k, v in os.environ.items() if k != "SPECMESH_ROOT"}
        self.proc = subprocess.Popen(args, cwd=root, env=env, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True, start_new_session=True)
        self.lines: list[str] = []
        self.ready = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))
            if line.startswith("watching "):
                self.ready.set()

    def stop(self) -> int:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
        try:
            return self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.kill(self.proc.pid, signal.SIGKILL)
            return self.proc.wait()


class RawWakeups:
    """A bare watchfiles watcher on the same tree: when did the OS report each edit?"""

    def __init__(self, root: Path, spec: Path, step: int) -> None:
        from watchfiles._rust_notify import RustNotify

        self.notify = RustNotify([str(root)], False, False, 300, True, True)
        self.spec, self.step = str(spec), step
        self.stop_event = threading.Event()
        self.current: int | None = None
        self.woke: dict[int, float] = {}
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while not self.stop_event.is_set():
            raw = self.notify.watch(1000, self.step, 100, self.stop_event)
            if isinstance(raw, set) and any(path == self.spec for _, path in raw):
                now = time.perf_counter()
                if self.current is not None and self.current not in self.woke:
                    self.woke[self.current] = now

    def close(self) -> None:
        self.stop_event.set()
        self.thread.join(timeout=5)
        self.notify.close()


def wait_until_seen(plan: Path, text: str, timeout: float) -> float | None:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        try:
            if text in plan.read_text(encoding="utf-8"):
                return time.perf_counter()
        except FileNotFoundError:
            pass
        time.sleep(0.001)
    return None


def run(args: argparse.Namespace) -> int:
    work = Path(tempfile.mkdtemp(prefix="specmesh-bench-watch-"))
    root = prepare(work)
    spec, plan = root / FEATURE / "spec.md", root / FEATURE / "plan.md"
    original = spec.read_text(encoding="utf-8")
    if TITLE not in original:
        print(f"error: {spec} has no line {TITLE.strip()!r}")
        return 2
    watcher = WatcherProcess(root, args.step)
    started = time.perf_counter()
    if not watcher.ready.wait(120):
        print("error: no ready line from the watcher:\n" + "\n".join(watcher.lines))
        watcher.stop()
        return 1
    ready_s = time.perf_counter() - started
    if "Borrow a book" not in (plan.read_text(encoding="utf-8") if plan.exists() else ""):
        print("error: the first cycle gave no plan.md showing UC-LOAN-001:\n" + "\n".join(watcher.lines))
        watcher.stop()
        return 1
    raw = RawWakeups(root, spec, args.step)
    time.sleep(0.5)
    latencies: list[float] = []
    raw_ms: list[float] = []
    try:
        for i in range(args.edits):
            title = f"Borrow a book, edit {i + 1}"
            raw.current = i
            t0 = time.perf_counter()
            spec.write_text(original.replace(TITLE, f"### UC-LOAN-001: {title}\n"), encoding="utf-8")
            seen = wait_until_seen(plan, title, SEEN_TIMEOUT)
            if seen is not None:
                latencies.append((seen - t0) * 1000)
            else:
                print(f"edit {i + 1}: plan.md did not show it within {SEEN_TIMEOUT:.0f} s")
            time.sleep(0.05)  # let the raw watcher report before the next edit
            if i in raw.woke:
                raw_ms.append((raw.woke[i] - t0) * 1000)
            time.sleep(max(0.0, args.interval - (time.perf_counter() - t0)))
    finally:
        raw.close()
        code = watcher.stop()
    report(args, latencies, raw_ms, ready_s, code, watcher.lines)
    if args.keep:
        print(f"kept {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 0


def report(args: argparse.Namespace, latencies: list[float], raw_ms: list[float], ready_s: float, code: int,
           lines: list[str]) -> None:
    print(f"python {sys.version.split()[0]}, step {args.step} ms, PYTHONDONTWRITEBYTECODE="
          f"{os.environ.get('PYTHONDONTWRITEBYTECODE', '') or 'unset'}")
    print(f"watcher ready after {ready_s:.2f} s (first run included); exit status on SIGTERM: {code}")
    cycles = [line for line in lines if line.startswith("watch #")]
    print(f"{len(cycles)} cycles:" if cycles else "no cycle ran")
    for line in cycles:
        print(f"  {line}")
    if latencies:
        print(f"write -> plan.md shows it: p50 {percentile(latencies, 50):.1f} ms, "
              f"p90 {percentile(latencies, 90):.1f} ms, max {max(latencies):.1f} ms, "
              f"seen {len(latencies)}/{args.edits}")
    else:
        print(f"write -> plan.md shows it: seen 0/{args.edits}")
    if raw_ms:
        print(f"raw watchfiles wake-up:    p50 {percentile(raw_ms, 50):.1f} ms, "
              f"p90 {percentile(raw_ms, 90):.1f} ms, seen {len(raw_ms)}/{args.edits}")
    goal = bool(latencies) and percentile(latencies, 50) <= 100 and percentile(latencies, 90) <= 200
    print("goal (p50 <= 100 ms, p90 <= 200 ms, all seen): "
          + ("met" if goal and len(latencies) == args.edits else "NOT met"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--edits", type=int, default=20)
    parser.add_argument("--interval", type=float, default=1.0, help="seconds between edits")
    parser.add_argument("--step", type=int, default=10, help="watchfiles step in ms (both watchers)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary copy")
    return run(parser.parse_args())


if __name__ == "__main__":
    raise SystemExit(main())
