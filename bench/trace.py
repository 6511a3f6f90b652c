"""Benchmark `specmesh trace` and `specmesh impact` on a generated tree (issue 16), against a no-op gates.

    .venv/bin/python bench/trace.py [--n 1000] [--repeat 5] [--work DIR] [--keep]

Generates the gates bench's tree (`bench/gates.py`: N feature specs of about 200 lines, a domain
spec, a screen spec and a matrix), adds per feature a tasks.md (six tasks citing its use cases)
and a test file (one test per FR and one per use case, tagged with the pytest marker; one test
in fifty fails), runs `specmesh test` once so that every test has a recorded result, then, in one
run and interleaved round by round, times (median of --repeat):

- `specmesh gates` with nothing changed (the yardstick: every figure below is a ratio to it);
- `specmesh trace --format json --output …` warm (its caches filled by a first run);
- `specmesh trace --format html --output …` warm;
- `specmesh impact M-ITEM0` warm (a master used by a hundred features: CRITICAL).

Goals: trace json <= 3x gates no-op; trace html <= 1.5x trace json; the HTML file under 5 MB;
impact <= 2x gates no-op. With `--browser`, also the time headless Chromium takes to load the
HTML page and apply a filter from the URL fragment (`--dump-dom`), next to the same browser
loading an empty page (its own start-up).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from gates import MASTERS, area, feature_dir, generate, timed  # the gates bench's tree and timer

REPO = Path(__file__).resolve().parents[1]
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def tasks_md(i: int) -> str:
    """A managed tasks.md: six tasks, two per use case, some done."""
    a = area(i)
    lines = [f"# Tasks: 機能 {i}", "<!-- specmesh:tasks v1 -->", "", f"Feature Spec: S-{a}-001", "Total Tasks: 6",
             "", "---", ""]
    for k in (1, 2, 3):
        lines += [f"## Task group {k + 1}: UC-{a}-{k:03d}", ""]
        for t in (1, 2):
            done = "x" if (i + k + t) % 3 else " "
            lines.append(f"- [{done}] [T-{k}0{t}] [P1] [UC-{a}-{k:03d}] [S-{a}-001] 手順 {t} in src/m{i}.py")
        lines.append("")
    return "\n".join(lines)


def test_file(i: int) -> str:
    """One test per FR (twelve) and per use case (three); one test in fifty fails."""
    a = area(i)
    out = ["import pytest", ""]
    for k in range(1, 13):
        ok = "False" if (i * 13 + k) % 50 == 0 else "True"
        out += [f'@pytest.mark.spec("FR-{a}-{k:03d}")', f"def test_fr_{k}():", f"    assert {ok}", ""]
    for k in (1, 2, 3):
        out += [f'@pytest.mark.spec("UC-{a}-{k:03d}")', f"def test_uc_{k}():", "    assert True", ""]
    return "\n".join(out)


def make_tree(root: Path, n: int) -> None:
    """The gates bench's tree with tasks, tests and the files the done tasks name: it passes the
    gates, so the yardstick formats no findings."""
    generate(root, n)
    (root / "src").mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (root / feature_dir(i) / "tasks.md").write_text(tasks_md(i), encoding="utf-8")
        (root / "src" / f"m{i}.py").write_text(f"FEATURE = {i}\n", encoding="utf-8")
        (root / "tests" / f"test_f{i:04d}.py").parent.mkdir(exist_ok=True)
        (root / "tests" / f"test_f{i:04d}.py").write_text(test_file(i), encoding="utf-8")
    (root / "pyproject.toml").write_text('[tool.pytest.ini_options]\ntestpaths = ["tests"]\n', encoding="utf-8")


def interleaved(repeat: int, runs: dict[str, Callable[[], float]]) -> dict[str, float]:
    """Each command once per round, round after round; the median of each."""
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeat):
        for name, run in runs.items():
            times[name].append(run())
    return {name: statistics.median(found) for name, found in times.items()}


def browser_figures(work: Path, page: Path, repeat: int) -> dict[str, float] | None:
    """Chromium loading the page and filtering it (fragment) vs loading an empty page."""
    chromium = shutil.which("chromium")
    if chromium is None:
        return None
    empty = work / "empty.html"
    empty.write_text("<!DOCTYPE html><title>empty</title>", encoding="utf-8")

    def load(target: str) -> Callable[[], float]:
        def run() -> float:
            profile = tempfile.mkdtemp(prefix="bench-chromium-")
            try:
                start = time.perf_counter()
                subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom", target],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, timeout=300)
                return time.perf_counter() - start
            finally:
                shutil.rmtree(profile, ignore_errors=True)
        return run

    return interleaved(repeat, {
        "empty page": load(empty.as_uri()),
        "trace page, filtered": load(page.as_uri() + "#state=failing,untested&q=" + MASTERS[0].lower()),
    })


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--browser", action="store_true", help="also time Chromium loading the page")
    args = parser.parse_args(argv)
    work = Path(args.work or tempfile.mkdtemp(prefix="bench-trace-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        return run_bench(work, args.n, args.repeat, args.browser)
    finally:
        if not args.keep and args.work is None:
            shutil.rmtree(work, ignore_errors=True)


def run_bench(work: Path, n: int, repeat: int, browser: bool) -> int:
    root = work / "tree"
    make_tree(root, n)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "SPECMESH_ROOT")}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")])
    specmesh = [sys.executable, "-m", "specmesh_tasks.cli"]
    started = time.perf_counter()
    timed([*specmesh, "test"], root, env, ok=(0, 1))  # records every test's result (some fail)
    recording = time.perf_counter() - started
    json_out, html_out = work / "trace.json", work / "trace.html"
    commands = {
        "gates no-op": [*specmesh, "gates"],
        "trace json": [*specmesh, "trace", "--format", "json", "--output", str(json_out)],
        "trace html": [*specmesh, "trace", "--format", "html", "--output", str(html_out)],
        "impact M-ITEM0": [*specmesh, "impact", MASTERS[0]],
    }
    for cmd in commands.values():  # fill every cache once
        timed(cmd, root, env, ok=(0, 1))
    time.sleep(2.5)  # let every written file's stamp settle (freshness.RACY_NS)
    def runner(cmd: list[str]) -> Callable[[], float]:
        return lambda: timed(cmd, root, env, ok=(0, 1))

    figures = interleaved(repeat, {name: runner(cmd) for name, cmd in commands.items()})
    size = html_out.stat().st_size
    gates = figures["gates no-op"]
    print(f"trace bench: {n} features, {n * 15} tests recorded in {recording:.1f} s; median of {repeat}, "
          f"interleaved; python {sys.version.split()[0]}")
    rows = [
        ("specmesh gates, no-op", gates, "(yardstick)"),
        ("specmesh trace --format json, warm", figures["trace json"],
         f"{figures['trace json'] / gates:.2f}x gates no-op (goal <= 3x)"),
        ("specmesh trace --format html, warm", figures["trace html"],
         f"{figures['trace html'] / figures['trace json']:.2f}x trace json (goal <= 1.5x)"),
        ("specmesh impact M-ITEM0, warm", figures["impact M-ITEM0"],
         f"{figures['impact M-ITEM0'] / gates:.2f}x gates no-op (goal <= 2x)"),
    ]
    for name, seconds, note in rows:
        print(f"  {name:<40} {seconds * 1000:8.0f} ms  {note}")
    print(f"  HTML page: {size / 1e6:.2f} MB (goal < 5 MB); JSON report: {json_out.stat().st_size / 1e6:.2f} MB")
    if browser:
        loaded = browser_figures(work, html_out, repeat)
        if loaded is None:
            print("  chromium not found: browser figures skipped")
        else:
            for name, seconds in loaded.items():
                print(f"  chromium --dump-dom, {name:<24} {seconds * 1000:8.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
