"""The pytest plugin: the `spec` marker and `--spec-id` (run in-process with pytester)."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytest_plugins = ["pytester"]


def _plugin_args() -> list[str]:
    """Nothing when the `specmesh` entry point is installed (loading it twice is an error), else
    `-p` with the module, as in a source checkout."""
    from importlib.metadata import entry_points

    if any(ep.name == "specmesh" for ep in entry_points(group="pytest11")):
        return []
    return ["-p", "specmesh_tasks.pytest_plugin"]


PLUGIN = _plugin_args()

TESTS = """
    # @spec S-LOAN-001
    import pytest

    @pytest.mark.spec("UC-LOAN-001", "FR-LOAN-003")
    def test_borrow():
        pass

    # @fr FR-LOAN-004
    def test_limit():
        pass

    def test_untagged():
        pass

    @pytest.mark.spec("UC-LOAN-002")
    class TestReturn:
        def test_back(self):
            pass

        @pytest.mark.parametrize("n", [1, 2])
        def test_late(self, n):
            pass

    class TestQualified:
        # @uc S-LEAD-001/UC-001
        def test_lead(self):
            pass
"""


def test_marker_is_registered_with_no_unknown_mark_warning(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_loans=TESTS)
    result = pytester.runpytest(*PLUGIN, "-W", "error::pytest.PytestUnknownMarkWarning", "--strict-markers")
    result.assert_outcomes(passed=7)
    markers = pytester.runpytest(*PLUGIN, "--markers")
    markers.stdout.fnmatch_lines(["@pytest.mark.spec(*ids):*"])


def test_without_the_plugin_the_marker_is_unknown(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_loans=TESTS)
    # In a subprocess: in-process runs share pytest's ini list objects, so an earlier run's
    # registration could leak into this one.
    result = pytester.runpytest_subprocess("-p", "no:specmesh", "--strict-markers")
    result.stdout.fnmatch_lines(["*'spec' not found in `markers` configuration option*"])


@pytest.mark.parametrize(("ids", "expected"), [
    (["FR-LOAN-003"], ["test_borrow"]),
    (["FR-LOAN-004"], ["test_limit"]),
    (["UC-LOAN-002"], ["TestReturn::test_back", "TestReturn::test_late[1]", "TestReturn::test_late[2]"]),
    (["S-LEAD-001/UC-001"], ["TestQualified::test_lead"]),
    (["S-LEAD-001"], ["TestQualified::test_lead"]),
    (["FR-LOAN-003", "FR-LOAN-004"], ["test_borrow", "test_limit"]),
    (["FR-NONE-001"], []),
])
def test_spec_id_selects_the_citing_tests(pytester: pytest.Pytester, ids: list[str],
                                          expected: list[str]) -> None:
    pytester.makepyfile(test_loans=TESTS.replace("# @spec S-LOAN-001\n", ""))
    args = [a for i in ids for a in ("--spec-id", i)]
    result = pytester.runpytest(*PLUGIN, "-v", *args)
    passed = sorted(line.split("::", 1)[1].split(" ")[0] for line in result.outlines if " PASSED" in line)
    assert passed == sorted(expected)
    if expected:
        result.stdout.fnmatch_lines([f"*{7 - len(expected)} deselected*"])
    else:
        assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_file_level_tag_selects_every_test_of_the_file(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_loans=TESTS, test_other="def test_x():\n    pass\n")
    result = pytester.runpytest(*PLUGIN, "--spec-id", "S-LOAN-001")
    result.assert_outcomes(passed=7, deselected=1)


LENDING_SPEC = """\
# Feature Spec: Lending

Spec Type: Feature
Spec ID: S-LOAN-001
Status: Approved

## 4. User Stories / Use Cases

### UC-LOAN-001: Borrow a book

**Priority:** P1

## 5. Functional Requirements (FR)

| FR ID | Description | Related UC | Priority |
|-------|-------------|------------|----------|
| FR-LOAN-004 | Refuse over the limit | UC-LOAN-001 | P1 |
"""


def write_lending_spec(pytester: pytest.Pytester) -> None:
    spec_file = pytester.path / ".specify" / "specs" / "features" / "sloan001" / "spec.md"
    spec_file.parent.mkdir(parents=True)
    spec_file.write_text(LENDING_SPEC)


def test_spec_id_of_a_use_case_selects_the_tests_of_its_frs(pytester: pytest.Pytester) -> None:
    write_lending_spec(pytester)
    pytester.makepyfile(test_loans=TESTS.replace("# @spec S-LOAN-001\n", ""))
    result = pytester.runpytest(*PLUGIN, "-v", "--spec-id", "UC-LOAN-001")
    result.assert_outcomes(passed=2, deselected=5)
    result.stdout.fnmatch_lines(["*test_borrow PASSED*", "*test_limit PASSED*"])


@pytest.mark.parametrize(("wanted", "warning"), [
    ("UC-NOPE-999", "UC-NOPE-999 is defined nowhere in the specs"),
    ("UC-LOAN-01", "UC-LOAN-01 is defined nowhere in the specs; did you mean 'UC-LOAN-001'?"),
    ("UC-LOAN-001", None),
    ("S-LOAN-001/FR-LOAN-004", None),
])
def test_an_id_defined_nowhere_is_warned_about(pytester: pytest.Pytester, wanted: str, warning: str | None) -> None:
    write_lending_spec(pytester)
    pytester.makepyfile(test_loans=TESTS)
    result = pytester.runpytest_subprocess(*PLUGIN, "--spec-id", wanted)
    warned = [line for line in result.outlines if "SpecIdWarning" in line]
    if warning is None:
        assert warned == []
    else:
        assert warned == [f"  --spec-id:0: SpecIdWarning: {warning}"]


def test_plugin_import_is_cheap() -> None:
    code = (
        "import sys, specmesh_tasks.pytest_plugin\n"
        "heavy = [m for m in ('jinja2', 'pydantic', 'git', 'yaml', 'watchfiles', 'specmesh_tasks.affected',"
        " 'specmesh_tasks.load', 'ast') if m in sys.modules]\n"
        "print(heavy)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={"PYTHONPATH": ":".join(sys.path)})
    assert done.stdout.strip() == "[]"
