"""Mutation harness (issue 17): does `specmesh test` run every test a change breaks, and how few?

    nox -s mutation            (or: python bench/mutation.py [--mutants 20] [--work DIR] [--only NAME])

For each real pure-Python library below (its sdist from the package registry, with its own test
suite), in a temporary git repository with an empty `.specify/specs/` and `tests.paths` naming
its test files:

1. time plain `pytest` and the first (recording) `specmesh test`, interleaved, 3 times each;
2. pick function bodies of the library at random (seeded) and replace each by
   `raise RuntimeError(...)`; a mutant counts when the full suite then fails (it is "killed"),
   until `--mutants` killed mutants are found;
3. for each killed mutant: apply it, run `specmesh test --explain` (timed) and, in a second copy
   of the repository, `pytest --testmon` (timed); run the full suite as the oracle; restore; run
   both tools again so they start the next mutant from a passing, recorded state.

A mutant is *safe* when every test file holding a failing test (or a collection error) ran. The
report gives, per library: safe mutants, the mean share of the suite run per mutant, the first
run against plain pytest, and one function changed against testmon, in the same run.
pytest-testmon is installed in the harness environment only (the nox session does that).
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from specmesh_tasks.affected.summary import function_bodies  # noqa: E402


@dataclass(frozen=True)
class Library:
    requirement: str
    tests: tuple[str, ...]  # test globs (tests.paths)
    sources: tuple[str, ...]  # where its own modules live (tests.sources)
    shape: str
    pytest_ini: str = ""  # lines added to [tool.pytest.ini_options] (e.g. a src layout's pythonpath)


LIBRARIES = {
    "boltons": Library("boltons==26.2.0", ("tests/test_*.py",), (".",), "independent modules"),
    "humanize": Library("humanize==4.17.0", ("tests/test_filesize.py", "tests/test_i18n.py", "tests/test_lists.py",
                                            "tests/test_number.py", "tests/test_time.py"),
                        ("src",), "independent modules", 'pythonpath = ["src"]'),
    "toolz": Library("toolz==1.2.0", ("toolz/tests/test_*.py",), (".",), "__init__ re-exports every module"),
}
MUTANT = 'raise RuntimeError("specmesh mutant")'


@dataclass
class Run:
    seconds: float
    code: int
    out: str


def run(cmd: list[str], cwd: Path, env: dict[str, str], timeout: float = 900) -> Run:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=timeout)
    return Run(time.perf_counter() - start, done.returncode, done.stdout + done.stderr)


def environment(testmon: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "SPECMESH_ROOT")}
    env["PYTHONPATH"] = str(REPO)
    if not testmon:  # its plugin loads in every pytest run once installed; our users would not have it
        env["PYTEST_ADDOPTS"] = "-p no:testmon"
    return env


def prepare(name: str, lib: Library, work: Path, granularity: str | None) -> Path:
    """The library's sdist unpacked into a git repository with an empty spec tree."""
    download = work / "sdists"
    subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--no-binary", ":all:",
                    lib.requirement, "-d", str(download)], check=True, capture_output=True)
    archive = next(download.glob(f"{name}-*.tar.gz"))
    root = work / name
    shutil.rmtree(root, ignore_errors=True)
    with tarfile.open(archive) as tar:
        tar.extractall(work / "unpacked", filter="data")
    shutil.move(str(work / "unpacked" / archive.name.removesuffix(".tar.gz")), root)
    (root / ".specify" / "specs").mkdir(parents=True)
    (root / ".specify" / "specs" / ".keep").write_text("")
    paths = ", ".join(json.dumps(p) for p in lib.tests)
    sources = ", ".join(json.dumps(p) for p in lib.sources)
    chosen = f"  granularity: {granularity}\n" if granularity else ""  # else the tool's default
    (root / ".specify" / "specmesh.yaml").write_text(f"tests:\n  paths: [{paths}]\n  sources: [{sources}]\n{chosen}")
    if lib.pytest_ini:  # into the project's own pytest table (pytest refuses two of them)
        pyproject = root / "pyproject.toml"
        text = pyproject.read_text(encoding="utf-8")
        header = next((h for h in ("[tool.pytest.ini_options]\n", "[tool.pytest]\n") if h in text), None)
        text = text.replace(header, f"{header}{lib.pytest_ini}\n") if header else \
            f"{text}\n[tool.pytest.ini_options]\n{lib.pytest_ini}\n"
        pyproject.write_text(text, encoding="utf-8")
    (root / ".gitignore").write_text(".specify/.cache/\n.testmondata*\n__pycache__/\n.pytest_cache/\n")
    for args in (["init", "-q"], ["add", "-A"], ["-c", "user.name=h", "-c", "user.email=h@example.invalid",
                                                 "commit", "-qm", "sdist"]):
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)
    return root


def test_files(root: Path, lib: Library) -> list[str]:
    from specmesh_tasks.discover import paths_matching

    return paths_matching(root, lib.tests)


def oracle(root: Path, files: list[str], env: dict[str, str], scratch: Path) -> tuple[set[str], int]:
    """The test files with a failing test (or a collection error), and how many tests the suite has."""
    results = scratch / "oracle.json"
    results.unlink(missing_ok=True)
    run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "specmesh_tasks.affected.pytest_results",
         f"--specmesh-results={results}", *files], root, env)
    data = json.loads(results.read_text())
    outcomes = data.get("outcomes") or {}
    failing = {n.partition("::")[0] for n, o in outcomes.items() if o in ("failed", "error")}
    return failing, len(outcomes)


def mutants(root: Path, lib: Library, files: list[str], seed: int) -> list[tuple[str, str, int, int]]:
    """(file, function, first line, last line) of every function body in the library's own code."""
    tests = set(files)
    found = []
    for source in lib.sources:
        for path in sorted((root / source).rglob("*.py")):
            rel = path.relative_to(root).as_posix()
            if rel in tests or "/tests/" in f"/{rel}" or rel.startswith((".specify", "docs/", "scripts/")):
                continue
            text = path.read_text(encoding="utf-8")
            try:
                tree = ast.parse(text)
            except SyntaxError:
                continue
            found += [(rel, n, b.first, b.last) for n, b in function_bodies(tree, text.splitlines()).items()]
    random.Random(seed).shuffle(found)
    return found


def mutate(root: Path, rel: str, first: int, last: int) -> str:
    path = root / rel
    original = path.read_text(encoding="utf-8")
    lines = original.splitlines(keepends=True)
    body = [line for line in lines[first - 1:last] if line.strip() and not line.strip().startswith("#")]
    indent = re.match(r"\s*", body[0]).group(0) if body else "    "  # type: ignore[union-attr]
    path.write_text("".join([*lines[:first - 1], f"{indent}{MUTANT}\n", *lines[last:]]), encoding="utf-8")
    return original


_SELECTED = re.compile(r"^(\S[^:]*?\.py)(?:::[^:]\S*)?(?:, \S+)*: ", re.M)


def ran_files(explained: str) -> set[str]:
    """The test files a `specmesh test --explain` run selected (its first column)."""
    found = set()
    for line in explained.splitlines():
        what = line.split(": ", 1)[0]
        for item in what.split(", "):
            path = item.partition("::")[0]
            if path.endswith(".py"):
                found.add(path)
    return found


_COUNT = re.compile(r"(\d+) (passed|failed|error|errors)\b")


def tests_run(output: str) -> int:
    lines = [line for line in output.splitlines() if " in " in line and ("passed" in line or "failed" in line)]
    return sum(int(n) for n, _ in _COUNT.findall(lines[-1])) if lines else 0


@dataclass
class Figures:
    library: str
    requirement: str
    shape: str
    suite: int = 0
    mutants: list[dict[str, object]] = field(default_factory=list)
    first_run: dict[str, list[float]] = field(default_factory=dict)
    tried: int = 0


def bench_library(name: str, lib: Library, work: Path, wanted: int, seed: int,
                  granularity: str | None = None) -> Figures:
    root = prepare(name, lib, work, granularity)
    twin = work / f"{name}-testmon"
    shutil.copytree(root, twin)
    env, env_testmon = environment(False), environment(True)
    specmesh = [sys.executable, "-m", "specmesh_tasks.cli", "test"]
    files = test_files(root, lib)
    scratch = work / "scratch"
    scratch.mkdir(exist_ok=True)
    figures = Figures(name, lib.requirement, lib.shape)
    failing, figures.suite = oracle(root, files, env, scratch)  # also compiles every module once
    assert not failing, f"{name}: the unmutated suite fails in {sorted(failing)}"
    plain, first, testmon_first = [], [], []
    for _ in range(3):
        plain.append(run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *files], root, env).seconds)
        shutil.rmtree(root / ".specify" / ".cache", ignore_errors=True)
        first.append(run(specmesh, root, env).seconds)
        for stale in twin.glob(".testmondata*"):
            stale.unlink()
        testmon = run([sys.executable, "-m", "pytest", "-q", "--testmon", *files], twin, env_testmon)
        testmon_first.append(testmon.seconds)
    figures.first_run = {"pytest": plain, "specmesh": first, "testmon": testmon_first}
    print(f"{name}: {figures.suite} tests; first runs {json.dumps(figures.first_run)}", file=sys.stderr, flush=True)
    for rel, function, first_line, last_line in mutants(root, lib, files, seed):
        if len(figures.mutants) >= wanted:
            break
        figures.tried += 1
        original = mutate(root, rel, first_line, last_line)
        failing, _ = oracle(root, files, env, scratch)
        if not failing:  # not killed: no test notices it
            (root / rel).write_text(original, encoding="utf-8")
            continue
        mutate(twin, rel, first_line, last_line)
        ours = run([*specmesh, "--explain"], root, env)
        theirs = run([sys.executable, "-m", "pytest", "-q", "--testmon", *files], twin, env_testmon)
        (root / rel).write_text(original, encoding="utf-8")
        (twin / rel).write_text(original, encoding="utf-8")
        ran = ran_files(ours.out)
        missed = failing - ran
        if missed:  # a test that fails by itself (timing, sockets under load) is not the mutant's
            mutate(root, rel, first_line, last_line)
            again, _ = oracle(root, sorted(missed), env, scratch)
            (root / rel).write_text(original, encoding="utf-8")
            failing -= missed - again
        figures.mutants.append({
            "function": f"{rel}::{function}", "failing_files": sorted(failing), "safe": failing <= ran,
            "specmesh_s": round(ours.seconds, 3), "specmesh_tests": tests_run(ours.out),
            "testmon_s": round(theirs.seconds, 3), "testmon_tests": tests_run(theirs.out),
            "testmon_safe": not failing or tests_run(theirs.out) > 0,
        })
        run(specmesh, root, env)  # back to a passing, recorded state
        run([sys.executable, "-m", "pytest", "-q", "--testmon", *files], twin, env_testmon)
        print(f"{name}: mutant {len(figures.mutants)}/{wanted} ({figures.tried} tried): "
              f"{json.dumps(figures.mutants[-1])}", file=sys.stderr, flush=True)
    return figures


def summary(f: Figures) -> dict[str, object]:
    count = len(f.mutants) or 1
    share = statistics.mean(int(str(m["specmesh_tests"])) / f.suite for m in f.mutants) if f.mutants else 0.0
    testmon_share = statistics.mean(int(str(m["testmon_tests"])) / f.suite for m in f.mutants) if f.mutants else 0.0
    ours = sum(float(str(m["specmesh_s"])) for m in f.mutants)
    theirs = sum(float(str(m["testmon_s"])) for m in f.mutants)
    first = statistics.median(f.first_run["specmesh"])
    return {
        "library": f.requirement, "shape": f.shape, "tests": f.suite, "mutants": len(f.mutants), "tried": f.tried,
        "safe": sum(1 for m in f.mutants if m["safe"]), "share_run": round(share, 4),
        "testmon_share_run": round(testmon_share, 4),
        "first_run_vs_pytest": round(first / statistics.median(f.first_run["pytest"]), 2),
        "testmon_first_vs_pytest": round(statistics.median(f.first_run["testmon"]) /
                                         statistics.median(f.first_run["pytest"]), 2),
        "one_function_vs_testmon": round(statistics.median(
            float(str(m["specmesh_s"])) / float(str(m["testmon_s"])) for m in f.mutants), 2) if f.mutants else 0,
        "first_plus_changes_s": round(first + ours, 2),
        "testmon_first_plus_changes_s": round(statistics.median(f.first_run["testmon"]) + theirs, 2),
        "mean_run_s": round(ours / count, 3), "testmon_mean_run_s": round(theirs / count, 3),
    }


def table(rows: list[dict[str, object]]) -> str:
    head = ("| library | shape | tests | safe mutants | share run (testmon) | first run / pytest (testmon) "
            "| one function / testmon | first + changes s (testmon) |")
    lines = [head, "|" + "---|" * 8]
    for r in rows:
        lines.append(f"| {r['library']} | {r['shape']} | {r['tests']} | {r['safe']}/{r['mutants']} "
                     f"| {float(r['share_run']):.1%} ({float(r['testmon_share_run']):.1%}) "  # type: ignore[arg-type]
                     f"| {r['first_run_vs_pytest']}x ({r['testmon_first_vs_pytest']}x) "
                     f"| {r['one_function_vs_testmon']}x "
                     f"| {r['first_plus_changes_s']} ({r['testmon_first_plus_changes_s']}) |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mutants", type=int, default=20)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--only", action="append", choices=sorted(LIBRARIES))
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--granularity", choices=("recorded", "file", "definition"), default=None,
                        help="tests.granularity of the repositories (default: the tool's default)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="specmesh-mutation-"))
    work.mkdir(parents=True, exist_ok=True)
    rows, details = [], []
    for name in args.only or sorted(LIBRARIES):
        figures = bench_library(name, LIBRARIES[name], work, args.mutants, args.seed, args.granularity)
        rows.append(summary(figures))
        details.append(figures.__dict__)
        print(table(rows[-1:]), flush=True)
    print(table(rows))
    print(json.dumps(rows, indent=1))
    if args.json:
        args.json.write_text(json.dumps({"summary": rows, "details": details}, indent=1))
    return 0 if all(r["safe"] == r["mutants"] for r in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
