"""Benchmark a no-op `doit tasks` over N features against the doit floor (contract §3).

    python bench/tasks.py [--n 1000] [--repeat 7] [--keep DIR]

Generates N approved feature specs (three use cases each) in a temporary project, lets the
bundled tasks write every plan.md and tasks.md once, then times, in the same run:

- floor: doit itself with two groups of N tasks (one file_dep, one target, a Python copy action
  each; `--backend json`), both selected, all up to date: `doit copy other`;
- ours: `specmesh tasks` with nothing changed (it declares every bundled task, and checks the plan
  sub-tasks as well as the tasks sub-tasks, as a user's run does);
- ours, lean: a dodo with only `task_plan` and `task_tasks`, `doit tasks`.

Each figure is the median of `--repeat` interleaved runs in fresh processes (the machine is noisy; compare
the ratios, goal <= 1.2). PYTHONDONTWRITEBYTECODE is unset for the runs (users cache bytecode).
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
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

FLOOR_DODO = '''
import shutil
DOIT_CONFIG = {"dep_file": ".floor.json", "backend": "json", "verbosity": 0}
def copy(src, dst):
    shutil.copyfile(src, dst)
def _group(prefix, n):
    for i in range(n):
        src, dst = f"src/{prefix}{i}.txt", f"out/{prefix}{i}.txt"
        yield {"name": str(i), "file_dep": [src], "targets": [dst], "actions": [(copy, [src, dst])]}
def task_copy():
    yield from _group("a", N)
def task_other():
    yield from _group("b", N)
'''

LEAN_DODO = '''
import os
os.environ["SPECMESH_ROOT"] = {root!r}
from specmesh_tasks.tasks.plan import task_plan
from specmesh_tasks.tasks.tasks import task_tasks
from specmesh_tasks.dodo import DOIT_CONFIG
'''

SPEC = """# Feature Spec: Feature {i}

Spec Type: Feature
Spec ID: S-{area}-{num}
Created: 2025-01-08
Status: Approved
Author: Bench
Related Issue(s): #{i}
Related Domain: S-DOMAIN-001

---

## 1. Purpose and Scope

Feature {i} lets a member do thing {i}.

## 4. User Stories / Use Cases

### UC-{area}-001: First story

**Priority:** P1

### UC-{area}-002: Second story

**Priority:** P2

### UC-{area}-003: Third story

**Priority:** P3

## 5. Functional Requirements (FR)

| FR ID | Description | Related UC | Priority |
|---|---|---|---|
| FR-{area}-001 | Do the first thing | UC-{area}-001 | P1 |
"""

DOMAIN = """# Domain Spec: Bench

Spec Type: Domain
Spec ID: S-DOMAIN-001
Created: 2025-01-05
Status: Approved
Author: Bench
"""


def area(i: int) -> str:
    """A distinct area per feature: letters only (`AAB`, `AAC` ...)."""
    letters = ""
    for _ in range(3):
        letters = chr(65 + i % 26) + letters
        i //= 26
    return "F" + letters


def make_project(root: Path, n: int) -> None:
    specs = root / ".specify" / "specs"
    (specs / "overview" / "domain").mkdir(parents=True)
    (specs / "overview" / "domain" / "spec.md").write_text(DOMAIN, encoding="utf-8")
    for i in range(n):
        folder = specs / "features" / f"f{i:04d}"
        folder.mkdir(parents=True)
        text = SPEC.format(i=i, area=area(i), num=f"{1 + i % 999:03d}")
        (folder / "spec.md").write_text(text, encoding="utf-8")


def make_floor(root: Path, n: int) -> None:
    (root / "src").mkdir(parents=True)
    (root / "out").mkdir()
    for prefix in "ab":
        for i in range(n):
            (root / "src" / f"{prefix}{i}.txt").write_text(f"{prefix}{i}\n")
    (root / "dodo.py").write_text(f"N = {n}\n" + FLOOR_DODO)


def run(cmd: list[str], cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1000, help="number of features (default 1000)")
    parser.add_argument("--repeat", type=int, default=7, help="runs per figure; the median is kept")
    parser.add_argument("--keep", type=Path, help="generate into this directory and keep it")
    args = parser.parse_args(argv)
    base = args.keep or Path(tempfile.mkdtemp(prefix="specmesh-bench-tasks-"))
    try:
        return bench(base, args.n, args.repeat)
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)


def bench(base: Path, n: int, repeat: int) -> int:
    project, floor = base / "project", base / "floor"
    make_project(project, n)
    make_floor(floor, n)
    # Users' Pythons cache bytecode; without it every run recompiles our modules (not doit's floor).
    env = {k: v for k, v in os.environ.items() if k not in ("SPECMESH_ROOT", "PYTHONDONTWRITEBYTECODE")}
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env["SOURCE_DATE_EPOCH"] = "1738368000"
    specmesh = [str(BIN / "specmesh")] if (BIN / "specmesh").exists() else [sys.executable, "-m",
                                                                            "specmesh_tasks.cli"]
    lean = project / "lean_dodo.py"
    lean.write_text(LEAN_DODO.format(root=str(project)))
    doit = [sys.executable, "-m", "doit"]
    started = time.perf_counter()
    for _ in range(2):  # write every plan.md and tasks.md, then settle doit's state
        subprocess.run([*specmesh, "plan"], cwd=project, env=env, capture_output=True, check=False)
        subprocess.run([*specmesh, "tasks"], cwd=project, env=env, capture_output=True, check=False)
        subprocess.run([*doit, "-f", str(lean), "tasks"], cwd=project, env=env, capture_output=True,
                       check=False)
    run([*doit, "-f", "dodo.py", "copy", "other"], floor, env)
    written = sum(1 for _ in (project / ".specify" / "specs" / "features").glob("*/tasks.md"))
    bytecode = "was set here; unset for the runs" if os.environ.get("PYTHONDONTWRITEBYTECODE") else "unset"
    print(f"N={n} features ({written} tasks.md written); set-up {time.perf_counter() - started:.1f} s; "
          f"PYTHONDONTWRITEBYTECODE {bytecode}")
    commands = {
        "floor: doit copy other (2 x N tasks)": ([*doit, "-f", "dodo.py", "copy", "other"], floor),
        "specmesh tasks (no-op)": ([*specmesh, "tasks"], project),
        "doit -f lean_dodo.py tasks (no-op)": ([*doit, "-f", str(lean), "tasks"], project),
    }
    times: dict[str, list[float]] = {label: [] for label in commands}
    for _ in range(repeat):  # interleaved, so a noisy spell hits every command alike
        for label, (cmd, cwd) in commands.items():
            times[label].append(run(cmd, cwd, env))
    figures = {label: statistics.median(values) for label, values in times.items()}
    floor_time = next(iter(figures.values()))
    for label, seconds in figures.items():
        print(f"{label:42s} {seconds * 1000:8.0f} ms   {seconds / floor_time:5.2f}x floor")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
