"""`tests.granularity: recorded` end to end (issue 17, PRODUCT §7): a change inside a function body
reruns only the tests that executed it in their last passing run; everything the recording cannot
see (module-level code, decorators, signatures, a function that ran at import time, a test that
starts a process or traces code itself) reruns every importer, as the static rule does.

One project is built and run once per module (every test passed and was recorded); each test
works on a copy of it.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from specmesh_tasks.affected.run import STATE_NAME, TestOptions, run_affected
from specmesh_tasks.config import load_settings

REPO = Path(__file__).resolve().parents[2]

FILES = {
    ".specify/specs/.keep": "",
    ".specify/specmesh.yaml": """\
        tests:
          granularity: recorded
          sources: [src]
          data:
            "tests/data/**": [tests/test_data.py]
        """,
    "pyproject.toml": '[tool.pytest.ini_options]\ntestpaths = ["tests"]\npythonpath = ["src"]\n',
    "src/app/__init__.py": "",
    "src/app/calc.py": """\
        REGISTRY = {}


        def register(fn):
            REGISTRY[fn.__name__] = fn
            return fn


        def double(x):
            return x * 2


        def triple(x, y=0):
            return x * 3 + y


        @register
        def negate(x):
            return -x


        def build_table():
            return {"a": 1}


        def unused(x):
            return x


        TABLE = build_table()


        class Shape:
            sides = 4

            def area(self, side):
                return side * side

            def perimeter(self, side):
                return side * self.sides
        """,
    "src/app/other.py": """\
        from app.calc import double


        def quad(x):
            return double(double(x))
        """,
    "tests/test_calc.py": """\
        from app.calc import REGISTRY, TABLE, Shape, double, triple


        def test_double():
            assert double(2) == 4


        def test_triple():
            assert triple(2) == 6


        def test_table():
            assert TABLE["a"] == 1


        def test_registry():
            assert REGISTRY["negate"](1) == -1


        def test_area():
            assert Shape().area(3) == 9
        """,
    "tests/test_other.py": """\
        from app.other import quad


        def test_quad():
            assert quad(1) == 4
        """,
    "tests/test_data.py": """\
        from pathlib import Path


        def test_data():
            assert (Path(__file__).parent / "data" / "x.txt").read_text() == "x"
        """,
    "tests/data/x.txt": "x",
    "tests/test_tools.py": """\
        import subprocess
        import sys

        from app.calc import double, triple


        def test_traces_itself():
            sys.settrace(sys.gettrace())
            assert triple(1) == 3


        def test_starts_a_process():
            subprocess.run([sys.executable, "-c", "pass"], check=True)
            assert double(1) == 2
        """,
}
ALL_TESTS = 10
# Python 3.12+ records with sys.monitoring, which a test's own sys.settrace does not disturb; the
# coverage.py recorder of 3.10 and 3.11 cannot trust such a test.
TRACING_TRUSTED = sys.version_info >= (3, 12)


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def run(root: Path, **options: object) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run_affected(root, load_settings(root), TestOptions(**options), out, err)  # type: ignore[arg-type]
    return code, out.getvalue(), err.getvalue()


def ran(root: Path, **options: object) -> tuple[list[str], str]:
    """The tests a run selected (from --explain) and what it printed."""
    code, out, err = run(root, explain=True, **options)
    assert code == 0, out + err
    return sorted(selected_tests(out)), out


def selected_tests(explained: str) -> list[str]:
    found = []
    for line in explained.splitlines():
        what = line.split(": ", 1)[0]
        found += [w.strip() for w in what.split(", ")] if "::" in what or what.endswith(".py") else []
    return found


@pytest.fixture(scope="module")
def baseline(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("recorded") / "project"
    write(root, FILES)
    code, out, err = run(root)
    assert code == 0, out + err
    return root


@pytest.fixture
def project(baseline: Path, tmp_path: Path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(baseline, root, symlinks=True)
    return root


def test_after_a_recorded_run_nothing_is_affected(project: Path) -> None:
    assert ran(project)[0] == []


def test_a_body_change_reruns_only_the_tests_that_executed_it(project: Path) -> None:
    edit(project, "src/app/calc.py", "return x * 2", "return x + x")
    tests, explained = ran(project)
    # test_quad runs double through app.other; test_starts_a_process cannot be trusted
    untrusted = ["tests/test_tools.py::test_starts_a_process"]
    if not TRACING_TRUSTED:
        untrusted.append("tests/test_tools.py::test_traces_itself")
    assert tests == ["tests/test_calc.py::test_double", "tests/test_other.py::test_quad", *untrusted]
    assert "test_double ran changed src/app/calc.py::double" in explained
    assert ran(project)[0] == []  # recorded again


def test_a_method_body_change_reruns_only_its_callers(project: Path) -> None:
    edit(project, "src/app/calc.py", "return side * side", "return side ** 2")
    tests, explained = ran(project)
    assert [t for t in tests if "test_tools" not in t] == ["tests/test_calc.py::test_area"]
    assert "ran changed src/app/calc.py::Shape.area" in explained


def test_a_comment_above_the_first_statement_is_part_of_the_body(project: Path) -> None:
    edit(project, "src/app/calc.py", "def triple(x, y=0):\n", "def triple(x, y=0):\n    # three times\n")
    tests, _ = ran(project)
    assert [t for t in tests if "test_tools" not in t] == ["tests/test_calc.py::test_triple"]


@pytest.mark.parametrize(("old", "new"), [
    ("REGISTRY = {}", "REGISTRY = {}  # module level"),  # module-level code
    ("def triple(x, y=0):", "def triple(x, y=1 - 1):"),  # a default argument
    ("@register\ndef negate", "@register  # decorated\ndef negate"),  # a decorator line
    ("    sides = 4", "    sides = 2 + 2"),  # a class body
    ("def unused(x):", "def unused(x, *rest):"),  # a signature no test executed
    ("def double(x):", "@register\ndef double(x):"),  # a decorator added to an executed function
])
def test_a_change_outside_function_bodies_reruns_every_importer(project: Path, old: str, new: str) -> None:
    edit(project, "src/app/calc.py", old, new)
    tests, explained = ran(project)
    assert tests == ["tests/test_calc.py", "tests/test_other.py", "tests/test_tools.py"]
    assert "changed: src/app/calc.py (outside function bodies)" in explained


def test_a_function_that_ran_at_import_time_reruns_every_importer(project: Path) -> None:
    # build_table() ran while app.calc was imported: test_table never executed it, yet uses TABLE
    edit(project, "src/app/calc.py", 'return {"a": 1}', 'return {"a": 2}')
    code, out, _ = run(project, explain=True)
    assert code == 1  # test_table fails: the mutant is caught
    assert "tests/test_calc.py: changed: src/app/calc.py (outside function bodies)" in out


def test_a_decorator_function_that_ran_at_import_time_is_shared(project: Path) -> None:
    edit(project, "src/app/calc.py", "REGISTRY[fn.__name__] = fn", "REGISTRY[fn.__name__.upper()] = fn")
    code, out, _ = run(project, explain=True)
    assert code == 1  # test_registry: KeyError, caught
    assert "tests/test_calc.py: changed: src/app/calc.py (outside function bodies)" in out


def test_a_test_that_traces_or_starts_a_process_reruns_when_anything_it_imports_changed(project: Path) -> None:
    state = json.loads((project / ".specify" / ".cache" / STATE_NAME).read_text())
    tools = state["files"]["tests/test_tools.py"]["tests"]
    assert tools["test_starts_a_process"] is None
    assert (tools["test_traces_itself"] is not None) is TRACING_TRUSTED
    edit(project, "src/app/calc.py", "return x\n", "return x + 0\n")  # no test runs unused()
    tests, explained = ran(project)
    untrusted = ["tests/test_tools.py::test_starts_a_process"]
    if not TRACING_TRUSTED:
        untrusted.append("tests/test_tools.py::test_traces_itself")
    assert tests == untrusted
    assert "its record cannot be trusted" in explained


def test_a_failing_test_keeps_rerunning_until_it_passes(project: Path) -> None:
    edit(project, "src/app/calc.py", "return x * 3 + y", "return x * 3 + y + 1")
    assert run(project)[0] == 1
    code, out, _ = run(project, explain=True)  # nothing changed, the failure runs again
    assert code == 1 and "failed last run" in out
    edit(project, "src/app/calc.py", "return x * 3 + y + 1", "return x * 3 + y")
    assert run(project)[0] == 0
    assert ran(project)[0] == []


def test_a_data_file_reruns_the_tests_declared_to_read_it(project: Path) -> None:
    (project / "tests" / "data" / "x.txt").write_text("y", encoding="utf-8")
    code, out, _ = run(project, explain=True)
    assert code == 1 and out.splitlines()[0] == "tests/test_data.py: changed: tests/data/x.txt"
    assert selected_tests(out) == ["tests/test_data.py"]


def test_pytest_configuration_reruns_every_test_and_other_sections_none(project: Path) -> None:
    edit(project, "pyproject.toml", "[tool.pytest.ini_options]", "[tool.ruff]\nline-length = 99\n\n"
         "[tool.pytest.ini_options]")
    assert ran(project)[0] == []  # another tool's section: nothing
    edit(project, "pyproject.toml", 'testpaths = ["tests"]', 'testpaths = ["tests"]\naddopts = "-q"')
    tests, explained = ran(project)
    assert len(tests) == 4 and "pyproject.toml [tool.pytest]" in explained


def test_dependency_declarations_rerun_every_test(project: Path) -> None:
    write(project, {"requirements.txt": "attrs==23.1\n"})
    assert len(ran(project)[0]) == 4
    write(project, {"uv.lock": "version = 1\n"})
    assert len(ran(project)[0]) == 4


def test_an_interrupted_run_keeps_the_previous_state(project: Path) -> None:
    state = project / ".specify" / ".cache" / STATE_NAME
    before = state.read_bytes()
    edit(project, "src/app/calc.py", "return x * 2", "return x + x")
    write(project, {"tests/conftest.py": """\
        import pytest


        @pytest.hookimpl(tryfirst=True)
        def pytest_runtest_call(item):
            if item.name == "test_double":  # Ctrl-C while this test runs
                raise KeyboardInterrupt
        """})
    assert run(project)[0] == 1
    assert state.read_bytes() == before


def test_tests_deselected_in_a_run_keep_their_records(project: Path) -> None:
    edit(project, "src/app/calc.py", "return x * 2", "return x + x")
    code, out, err = run(project, pytest_args="--deselect tests/test_other.py::test_quad")
    assert code == 0, out + err
    # test_quad did not run: its old record still says it executed double, so it is still due
    tests, explained = ran(project)
    assert "tests/test_other.py::test_quad" in tests
    assert "test_quad ran changed src/app/calc.py::double" in explained
    assert ran(project)[0] == []


def test_recording_under_xdist_workers(project: Path) -> None:
    pytest.importorskip("xdist")
    shutil.rmtree(project / ".specify" / ".cache")
    code, out, err = run(project, pytest_args="-n 2 -p no:randomly")
    assert code == 0, out + err
    edit(project, "src/app/other.py", "return double(double(x))", "return double(x) * 2")
    assert [t for t in ran(project, pytest_args="-n 2")[0] if "test_tools" not in t] == [
        "tests/test_other.py::test_quad"]


def test_the_specmesh_command_records_and_selects(project: Path) -> None:
    edit(project, "src/app/calc.py", "return side * self.sides", "return self.sides * side")
    env = {k: v for k, v in os.environ.items() if k != "SPECMESH_ROOT"}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")])
    done = subprocess.run([sys.executable, "-m", "specmesh_tasks.cli", "--root", str(project), "test", "--explain"],
                          cwd=project, env=env, capture_output=True, text=True, check=False, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "no test affected" not in done.stderr  # no test ran perimeter: only the untrusted ones
    assert "test_area" not in done.stdout
