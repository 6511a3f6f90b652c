"""Affected tests vs peers: plain pytest, pytest --testmon, specmesh test (issue 7, PRODUCT §7).

    .venv/bin/python bench/affected.py [--modules 200] [--mutations 20] [--work DIR] [--seed 7]

Generates a project (MODULES modules x 5 functions, 10 tests per module = 2,000 tests, each test
calling its own module and 0-2 random others, every test tagged with the FR of its module, a
`.specify/` tree of 10 features x 5 use cases x 20 FRs) in a git repository, then times, in one
run, with each tool seeing each change once:

- first run (no cache) of each tool, and pytest's start-up with no test;
- no change; one function body changed; one FR row's text changed; one test file changed;
- a sequence of 20 one-function changes (total time per tool, first run included);
- a mutation check: break one function (return a wrong constant), run the full suite to find
  the failing tests, and count how many of them `specmesh test` (and testmon) selected.

pytest-testmon is a bench-only dependency (`pip install pytest-testmon`). PYTHONDONTWRITEBYTECODE
is removed from the children's environment unless --keep-env is given (it makes collection 4x
slower and is not what developers run with); the report says which.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FEATURES = 10
UCS_PER_FEATURE = 5
FUNCS = 5
TESTS_PER_MODULE = 10


# --- the generated project ---------------------------------------------------------------------


def area(feature: int) -> str:
    return "MOD" + chr(ord("A") + feature)


def fr_of(module: int, modules: int) -> tuple[int, str]:
    """(feature, FR ID) of a module: modules are spread evenly over the features."""
    per = max(1, modules // FEATURES)
    feature = min(module // per, FEATURES - 1)
    return feature, f"FR-{area(feature)}-{module % per + 1:03d}"


def function_source(module: int, index: int, rng: random.Random, modules: int) -> tuple[str, str]:
    """One function's source and the import it needs (a call into a lower module, sometimes)."""
    body = f"return x * {index + 1} + {module}"
    needs = ""
    if index == FUNCS - 1 and module > 0 and rng.random() < 0.3:
        other = rng.randrange(module)
        needs = f"from pkg import m{other:03d}\n"
        body = f"return x * {index + 1} + {module} + m{other:03d}.f0(0) - {other}"
    return f"def f{index}(x):\n    {body}\n", needs


def module_source(module: int, rng: random.Random, modules: int) -> str:
    parts = [function_source(module, i, rng, modules) for i in range(FUNCS)]
    imports = "".join(sorted({needs for _, needs in parts if needs}))
    return f'"""Generated module {module}."""\n' + imports + "\n\n" + "\n\n".join(src for src, _ in parts)


def test_source(module: int, rng: random.Random, modules: int) -> str:
    _, fr = fr_of(module, modules)
    used = {module}
    tests = []
    for t in range(TESTS_PER_MODULE):
        calls = [(module, t % FUNCS)]
        for _ in range(rng.randint(0, 2)):
            calls.append((rng.randrange(modules), rng.randrange(FUNCS)))
        used.update(m for m, _ in calls)
        expr = " + ".join(f"m{m:03d}.f{f}({t})" for m, f in calls)
        expected = " + ".join(f"({t} * {f + 1} + {m})" for m, f in calls)
        tests.append(
            f'@pytest.mark.spec("{fr}")\ndef test_{t:02d}():\n    assert {expr} == {expected}\n'
        )
    imports = ", ".join(f"m{m:03d}" for m in sorted(used))
    return f"import pytest\n\nfrom pkg import {imports}\n\n\n" + "\n\n".join(tests)


def feature_spec(feature: int, modules: int) -> str:
    a = area(feature)
    per = max(1, modules // FEATURES)
    frs = per if feature < FEATURES - 1 else modules - per * (FEATURES - 1)
    ucs = "\n".join(
        f"### UC-{a}-{u:03d}: Use case {u}\n\n**Priority:** P1\n**Actor:** Member\n\n"
        f"**Acceptance Criteria:**\n- [ ] It works ({u})\n"
        for u in range(1, UCS_PER_FEATURE + 1)
    )
    rows = "\n".join(
        f"| FR-{a}-{r:03d} | Requirement {r} of {a} | UC-{a}-{(r - 1) % UCS_PER_FEATURE + 1:03d} | P1 |"
        for r in range(1, frs + 1)
    )
    return textwrap.dedent(f"""\
        # Feature Spec: Generated feature {a}

        Spec Type: Feature
        Spec ID: S-{a}-001
        Created: 2026-01-01
        Status: Approved
        Author: bench

        ---

        ## 1. Purpose and Scope

        Generated for the affected-tests benchmark.

        ## 4. User Stories / Use Cases

        """) + ucs + textwrap.dedent("""
        ## 5. Functional Requirements (FR)

        | FR ID | Description | Related UC | Priority |
        |-------|-------------|------------|----------|
        """) + rows + "\n"


def generate(root: Path, modules: int, seed: int, granularity: str = "file") -> None:
    rng = random.Random(seed)
    if root.exists():
        shutil.rmtree(root)
    (root / "pkg").mkdir(parents=True)
    (root / "tests").mkdir()
    (root / "empty").mkdir()
    (root / "pkg" / "__init__.py").write_text("")
    for m in range(modules):
        (root / "pkg" / f"m{m:03d}.py").write_text(module_source(m, rng, modules))
    for m in range(modules):
        (root / "tests" / f"test_m{m:03d}.py").write_text(test_source(m, rng, modules))
    for f in range(FEATURES):
        spec = root / ".specify" / "specs" / "features" / f"s{area(f).lower()}001-generated" / "spec.md"
        spec.parent.mkdir(parents=True)
        spec.write_text(feature_spec(f, modules))
    (root / "pyproject.toml").write_text('[tool.pytest.ini_options]\ntestpaths = ["tests"]\n'
                                         'pythonpath = ["."]\n'
                                         'markers = ["spec: spec IDs"]\n')
    (root / "dodo.py").write_text(
        "from specmesh_tasks.tasks.test import task_test  # noqa: F401\n"
        "DOIT_CONFIG = {'dep_file': '.specify/.cache/doit.json', 'backend': 'json', 'verbosity': 2}\n"
    )
    (root / ".specify" / "specmesh.yaml").write_text(f"tests:\n  granularity: {granularity}\n")
    (root / ".gitignore").write_text(".specify/.cache/\n.testmondata*\n__pycache__/\n.pytest_cache/\n")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "commit", "-qm", "generated")


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


# --- changes -----------------------------------------------------------------------------------


def change_function(root: Path, module: int, index: int, tag: int) -> None:
    """Change one function's body without changing its result (tests still pass)."""
    path = root / "pkg" / f"m{module:03d}.py"
    text = path.read_text()
    head = f"def f{index}(x):\n    return "
    start = text.index(head) + len(head)
    text = text[:start] + f"{tag} - {tag} + " + text[start:]
    path.write_text(text)


def mutate_function(root: Path, module: int, index: int) -> str:
    """Make one function return a wrong constant; returns the original text."""
    path = root / "pkg" / f"m{module:03d}.py"
    original = path.read_text()
    head = f"def f{index}(x):\n    return "
    start = original.index(head) + len(head)
    end = original.index("\n", start)
    path.write_text(original[:start] + "-987654321" + original[end:])
    return original


def change_fr_row(root: Path, modules: int, module: int, tag: int) -> str:
    feature, fr = fr_of(module, modules)
    spec = next((root / ".specify" / "specs" / "features").glob(f"s{area(feature).lower()}001-*/spec.md"))
    text = spec.read_text()
    text = re.sub(rf"\| {fr} \| ([^|]*?) \|", lambda m: f"| {fr} | {m.group(1)} (rev {tag}) |", text)
    spec.write_text(text)
    return fr


def change_test_file(root: Path, module: int, tag: int) -> None:
    path = root / "tests" / f"test_m{module:03d}.py"
    head = "def test_00():\n    assert "
    path.write_text(path.read_text().replace(head, f"{head}{tag} == {tag} and ", 1))


# --- runners -----------------------------------------------------------------------------------


@dataclass
class Timing:
    seconds: float
    tests: int
    code: int


def child_env(keep: bool) -> dict[str, str]:
    env = dict(os.environ)
    if not keep:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("SPECMESH_ROOT", None)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    return env


_PASSED = re.compile(r"(\d+) passed")
_FAILED = re.compile(r"(\d+) failed")


def run(cmd: list[str], root: Path, env: dict[str, str]) -> Timing:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    out = done.stdout + done.stderr
    tests = sum(int(m) for rx in (_PASSED, _FAILED) for m in rx.findall(out.splitlines()[-1] if out else ""))
    if done.returncode not in (0, 1, 5):
        sys.stderr.write(out[-3000:])
    if tests == 0:
        tests = sum(int(m) for line in out.splitlines() if line.startswith("=") for rx in (_PASSED, _FAILED)
                    for m in rx.findall(line))
    return Timing(elapsed, tests, done.returncode)


@dataclass
class Tools:
    root: Path
    env: dict[str, str]
    specmesh: list[str] = field(default_factory=list)

    def pytest(self, *extra: str) -> Timing:
        return run([sys.executable, "-m", "pytest", "-q", *extra], self.root, self.without_testmon())

    def testmon(self, *extra: str) -> Timing:
        return run([sys.executable, "-m", "pytest", "-q", "--testmon", *extra], self.root, self.env)

    def spec(self, *extra: str) -> Timing:
        return run([*self.specmesh, *extra], self.root, self.without_testmon())

    def without_testmon(self) -> dict[str, str]:
        """testmon's plugin loads in every pytest run once installed; its users pay for that,
        plain pytest and specmesh users would not have it installed."""
        return {**self.env, "PYTEST_ADDOPTS": "-p no:testmon"}

    def empty(self) -> Timing:
        return self.pytest("empty")


def specmesh_command(root: Path) -> tuple[list[str], str]:
    """`specmesh test` when the console script exists, else doit over the test task alone."""
    exe = Path(sys.executable).with_name("specmesh")
    if exe.exists():
        return [str(exe), "--root", str(root), "test"], "specmesh test"
    doit = [sys.executable, "-m", "doit", "-f", str(root / "dodo.py"), "test"]
    return doit, "doit -f dodo.py test (task_test only)"


def failing_tests(tools: Tools, scratch: Path) -> set[str]:
    """Run the whole suite; the node IDs that failed."""
    results = scratch / "full.json"
    tools.pytest("-p", "specmesh_tasks.affected.pytest_results", f"--specmesh-results={results}")
    data = json.loads(results.read_text())
    return {n for n, o in data["outcomes"].items() if o in ("failed", "error")}


def selected_by_specmesh(root: Path) -> list[str]:
    """The pytest arguments `specmesh test` would run now (selection only, nothing recorded)."""
    sys.path.insert(0, str(REPO))
    from specmesh_tasks.affected.facts import CACHE_NAME as FILES_CACHE_NAME
    from specmesh_tasks.affected.facts import FactsCache
    from specmesh_tasks.affected.run import TestOptions, prepare
    from specmesh_tasks.config import load_settings
    from specmesh_tasks.state import cache_dir

    # The caches on disk, as `specmesh test` would use them (read, not written).
    facts = FactsCache(root, cache_dir(root) / FILES_CACHE_NAME)
    return prepare(root, load_settings(root), TestOptions(), facts).arguments


def covered(node: str, arguments: list[str]) -> bool:
    return any(node == a or node.startswith((a + "::", a + "[")) for a in arguments)


def testmon_found(tools: Tools, scratch: Path) -> set[str]:
    results = scratch / "testmon.json"
    tools.testmon("-p", "specmesh_tasks.affected.pytest_results", f"--specmesh-results={results}")
    data = json.loads(results.read_text())
    return {n for n, o in data["outcomes"].items() if o in ("failed", "error")}


# --- the benchmark -----------------------------------------------------------------------------

Row = dict[str, object]


def clear_caches(root: Path) -> None:
    for name in (".testmondata", ".testmondata-shm", ".testmondata-wal"):
        (root / name).unlink(missing_ok=True)
    shutil.rmtree(root / ".specify" / ".cache", ignore_errors=True)


def measure(tools: Tools, case: str, repeats: int, change: object) -> Row:
    """Apply `change(r)` then run each tool, `repeats` times; the median per tool."""
    runs: dict[str, list[Timing]] = {"pytest": [], "testmon": [], "specmesh": []}
    for r in range(repeats):
        if callable(change):
            change(r)
        runs["pytest"].append(tools.pytest())
        runs["testmon"].append(tools.testmon())
        runs["specmesh"].append(tools.spec())
    row: Row = {"case": case}
    for name, timings in runs.items():
        ordered = sorted(timings, key=lambda t: t.seconds)
        mid = ordered[len(ordered) // 2]
        row[name] = {"s": round(mid.seconds, 3), "tests": mid.tests, "exit": mid.code,
                     "all_s": [round(t.seconds, 3) for t in timings]}
    return row


def bench(args: argparse.Namespace) -> dict[str, object]:
    work = Path(args.work or tempfile.mkdtemp(prefix="specmesh-bench-"))
    root = work / "project"
    generate(root, args.modules, args.seed, args.granularity)
    env = child_env(args.keep_env)
    command, label = specmesh_command(root)
    tools = Tools(root, env, command)
    rng = random.Random(args.seed + 1)
    reps = args.repeats
    figures: dict[str, object] = {"specmesh_command": label, "modules": args.modules, "repeats": reps,
                                  "PYTHONDONTWRITEBYTECODE": env.get("PYTHONDONTWRITEBYTECODE", "unset")}
    tools.pytest("--collect-only")  # compile every module once (bytecode, assertion rewriting); not counted
    tools.empty()
    startup = statistics.median(tools.empty().seconds for _ in range(5))
    figures["pytest_startup_no_tests_s"] = round(startup, 3)
    rows = [measure(tools, "first run (no cache)", reps, lambda r: clear_caches(root))]
    rows.append(measure(tools, "no change", reps, None))
    rows.append(measure(tools, "one function body changed", reps, lambda r: change_function(
        root, rng.randrange(args.modules), rng.randrange(FUNCS), r + 1)))
    rows.append(measure(tools, "one FR row's text changed", reps,
                        lambda r: change_fr_row(root, args.modules, rng.randrange(args.modules), r + 1)))
    rows.append(measure(tools, "one test file changed", reps,
                        lambda r: change_test_file(root, rng.randrange(args.modules), r + 1)))
    figures["rows"] = rows
    figures["sequence"] = sequence(tools, args, rng)
    figures["mutations"] = mutations(tools, root, args, rng, work)
    figures["import_graph"] = import_graph_figures(root, work)
    return figures


def sequence(tools: Tools, args: argparse.Namespace, rng: random.Random) -> dict[str, float]:
    """A first run plus N one-function changes: total seconds per tool."""
    clear_caches(tools.root)
    total_testmon = tools.testmon().seconds
    total_spec = tools.spec().seconds
    for step in range(args.changes):
        change_function(tools.root, rng.randrange(args.modules), rng.randrange(FUNCS), 100 + step)
        total_testmon += tools.testmon().seconds
        total_spec += tools.spec().seconds
    return {"changes": args.changes, "testmon_s": round(total_testmon, 3), "specmesh_s": round(total_spec, 3)}


GRAPH_SCRIPT = """
import json, sys, time
from pathlib import Path
root = sys.argv[1]
sys.path.insert(0, root)
def median(f, n=7):
    xs = []
    for _ in range(n):
        a = time.perf_counter(); f(); xs.append(time.perf_counter() - a)
    return sorted(xs)[n // 2]
a = time.perf_counter()
if sys.argv[2] == "grimp":
    import grimp
    imp = time.perf_counter() - a
    cold = median(lambda: grimp.build_graph("pkg", cache_dir=None))
    grimp.build_graph("pkg", cache_dir=sys.argv[3])
    warm = median(lambda: grimp.build_graph("pkg", cache_dir=sys.argv[3]))
else:
    from specmesh_tasks.affected.facts import FactsCache
    from specmesh_tasks.affected.imports import Resolver
    imp = time.perf_counter() - a
    files = sorted(p.relative_to(root).as_posix() for p in Path(root, "pkg").glob("*.py"))
    def graph(cache):
        facts = FactsCache(Path(root), cache)
        resolver = Resolver(root, ["."])
        {f: sorted({t for r in facts.facts(f).imports for t in resolver.resolve(r, f)} - {f}) for f in files}
        facts.save()
    cache = Path(sys.argv[3]) / "own.json"
    cold = median(lambda: graph(None))
    graph(cache); time.sleep(2.1); graph(cache)  # past the racy window: trusted by stat
    warm = median(lambda: graph(cache))
print(json.dumps({"import_s": round(imp, 4), "cold_s": round(cold, 4), "warm_s": round(warm, 4)}))
"""


def import_graph_figures(root: Path, work: Path) -> dict[str, object]:
    """grimp vs our ast pass over the generated package (in fresh interpreters)."""
    found: dict[str, object] = {}
    for tool in ("grimp", "own"):
        cache = work / f"graph-cache-{tool}"
        cache.mkdir(exist_ok=True)
        done = subprocess.run([sys.executable, "-c", GRAPH_SCRIPT, str(root), tool, str(cache)],
                              capture_output=True, text=True, env=child_env(False), check=False)
        found[tool] = json.loads(done.stdout) if done.returncode == 0 else {"error": done.stderr[-300:]}
    return found


def mutations(tools: Tools, root: Path, args: argparse.Namespace, rng: random.Random,
              work: Path) -> dict[str, object]:
    """Break one function at a time; how many of the failing tests each tool selects."""
    tools.testmon()
    tools.spec()  # both tools start from a passing, recorded state
    scratch = work / "scratch"
    scratch.mkdir(exist_ok=True)
    cases: list[dict[str, object]] = []
    for _ in range(args.mutations):
        m, f = rng.randrange(args.modules), rng.randrange(FUNCS)
        original = mutate_function(root, m, f)
        failing = failing_tests(tools, scratch)
        arguments = selected_by_specmesh(root)
        found_by_testmon = testmon_found(tools, scratch)
        (root / "pkg" / f"m{m:03d}.py").write_text(original)
        tools.testmon()  # back to a passing state for testmon
        cases.append({"function": f"m{m:03d}.f{f}", "failing": len(failing),
                      "specmesh_selected": sum(1 for n in failing if covered(n, arguments)),
                      "testmon_selected": len(failing & found_by_testmon)})
    total = sum(int(str(c["failing"])) for c in cases)
    spec_hits = sum(int(str(c["specmesh_selected"])) for c in cases)
    testmon_hits = sum(int(str(c["testmon_selected"])) for c in cases)
    return {
        "cases": cases,
        "failing_total": total,
        "specmesh_recall": round(spec_hits / total, 4) if total else 1.0,
        "testmon_recall": round(testmon_hits / total, 4) if total else 1.0,
        "specmesh_100pct_every_mutation": all(c["specmesh_selected"] == c["failing"] for c in cases),
    }


def table(figures: dict[str, object]) -> str:
    lines = ["| case | pytest s (tests) | testmon s (tests) | specmesh s (tests) |", "|---|---|---|---|"]
    for row in figures["rows"]:  # type: ignore[attr-defined]
        cells = []
        for name in ("pytest", "testmon", "specmesh"):
            value = row[name]
            cells.append(f"{value['s']:.2f} ({value['tests']})")
        lines.append(f"| {row['case']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modules", type=int, default=200)
    parser.add_argument("--mutations", type=int, default=20)
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--granularity", choices=("recorded", "file", "definition"), default="file",
                        help="tests.granularity of the generated project (default: file, the tool's default)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per case; the median is reported")
    parser.add_argument("--work", default=None, help="where to generate the project (default: a temp dir)")
    parser.add_argument("--keep-env", action="store_true", help="keep PYTHONDONTWRITEBYTECODE in children")
    parser.add_argument("--json", default=None, help="also write the figures to this JSON file")
    args = parser.parse_args()
    figures = bench(args)
    print(table(figures))
    print(json.dumps({k: v for k, v in figures.items() if k != "rows"}, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
