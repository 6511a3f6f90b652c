"""Selection and recording: pure functions over plain data (PRODUCT §7)."""

from __future__ import annotations

from specmesh_tasks.affected.fingerprints import Citation, TestFile, file_fingerprint
from specmesh_tasks.affected.record import record_outcomes
from specmesh_tasks.affected.select import FileRecord, Pick, Since, State, select_tests


def tf(path: str, deps: dict[str, str], citations: tuple[Citation, ...] = (),
       tests: tuple[str, ...] | None = ("test_a", "test_b", "TestC", "TestC::test_m")) -> TestFile:
    full = {path: "own", **deps}
    return TestFile(path, file_fingerprint(full), full, citations, tests)


def cite(test: str | None, key: str, fp: str, *ids: str) -> Citation:
    return Citation(test, key, key, fp, ids or (key,))


A = tf("tests/test_a.py", {"src/a.py": "1"}, (cite("test_a", "FR-X-001", "f1", "FR-X-001", "UC-X-001"),
                                              cite("TestC", "FR-X-002", "f2")))
B = tf("tests/test_b.py", {"src/b.py": "1"}, (cite(None, "UC-X-002", "u2"),))


def passed_state(*files: TestFile) -> State:
    records = {f.path: FileRecord(f.fingerprint, {c.key: c.fingerprint for c in f.citations}) for f in files}
    digests = {p: d for f in files for p, d in f.deps.items()}
    return State(records, digests)


def test_nothing_recorded_selects_every_file() -> None:
    selection = select_tests([A, B], State())
    assert selection.selected == ("tests/test_a.py", "tests/test_b.py")
    assert selection.reasons["tests/test_a.py"] == ("no passing run recorded",)


def test_no_change_selects_nothing() -> None:
    selection = select_tests([A, B], passed_state(A, B))
    assert not selection
    assert selection.selected == ()
    assert selection.deselected == ("tests/test_a.py", "tests/test_b.py")


def test_changed_dependency_selects_the_whole_file_and_names_the_file() -> None:
    state = passed_state(A, B)
    changed = tf("tests/test_a.py", {"src/a.py": "2"}, A.citations)
    selection = select_tests([changed, B], state)
    assert selection.selected == ("tests/test_a.py",)
    assert selection.reasons["tests/test_a.py"] == ("changed: src/a.py",)
    assert selection.picks["tests/test_a.py"] == Pick(True)


def test_requirement_change_selects_only_the_citing_tests() -> None:
    state = passed_state(A, B)
    edited = tf("tests/test_a.py", {"src/a.py": "1"},
                (A.citations[0], cite("TestC", "FR-X-002", "f2-edited")))
    selection = select_tests([edited, B], state)
    assert selection.selected == ("tests/test_a.py::TestC",)
    assert selection.reasons["tests/test_a.py"] == ("requirement FR-X-002 changed",)


def test_file_level_citation_selects_the_whole_file() -> None:
    state = passed_state(A, B)
    edited = tf("tests/test_b.py", {"src/b.py": "1"}, (cite(None, "UC-X-002", "u2-edited"),))
    selection = select_tests([A, edited], state)
    assert selection.selected == ("tests/test_b.py",)
    assert selection.picks["tests/test_b.py"] == Pick(True, (), ("UC-X-002",))


def test_failed_tests_rerun_until_they_pass() -> None:
    state = passed_state(A, B)
    record = FileRecord(A.fingerprint, state.files[A.path].requirements, ("tests/test_a.py::test_b",))
    failing = State({**state.files, "tests/test_a.py": record}, state.digests)
    selection = select_tests([A, B], failing)
    assert selection.selected == ("tests/test_a.py::test_b",)
    assert selection.reasons["tests/test_a.py"] == ("failed last run: tests/test_a.py::test_b",)
    after_fail = record_outcomes(failing, [A, B], selection.picks,
                                 {"tests/test_a.py::test_b": "failed"}, complete=True)
    assert select_tests([A, B], after_fail).selected == ("tests/test_a.py::test_b",)
    after_pass = record_outcomes(after_fail, [A, B], selection.picks,
                                 {"tests/test_a.py::test_b": "passed"}, complete=True)
    assert select_tests([A, B], after_pass).selected == ()


def test_a_failed_test_that_no_longer_exists_reruns_the_whole_file() -> None:
    state = passed_state(A)
    gone = State({A.path: FileRecord(A.fingerprint, state.files[A.path].requirements,
                                     ("tests/test_a.py::test_renamed",))}, state.digests)
    assert select_tests([A], gone).selected == ("tests/test_a.py",)


def test_recording_a_whole_file_run_keeps_only_its_failures_params_stripped() -> None:
    selection = select_tests([A], State())
    state = record_outcomes(State(), [A], selection.picks, {
        "tests/test_a.py::test_a": "passed", "tests/test_a.py::test_b[1-x]": "failed",
        "tests/test_a.py::test_b[2-y]": "passed"}, complete=True)
    assert state.files[A.path] == FileRecord(A.fingerprint, {"FR-X-001": "f1", "FR-X-002": "f2"},
                                             ("tests/test_a.py::test_b",))
    assert select_tests([A], state).selected == ("tests/test_a.py::test_b",)


def test_collection_error_reruns_the_whole_file() -> None:
    selection = select_tests([A], State())
    state = record_outcomes(State(), [A], selection.picks, {"tests/test_a.py": "error"}, complete=True)
    assert select_tests([A], state).selected == ("tests/test_a.py",)


def test_incomplete_run_records_failures_but_not_passes() -> None:
    selection = select_tests([A, B], State())
    state = record_outcomes(State(), [A, B], selection.picks, {"tests/test_a.py::test_a": "failed",
                                                              "tests/test_b.py::test_x": "passed"},
                            complete=False)
    assert select_tests([A, B], state).selected == ("tests/test_a.py", "tests/test_b.py")
    assert state.files[A.path].failed == ("tests/test_a.py::test_a",)


def test_partial_pick_updates_only_the_requirements_that_caused_it() -> None:
    state = passed_state(A)
    edited = tf("tests/test_a.py", {"src/a.py": "1"},
                (cite("test_a", "FR-X-001", "f1-new", "FR-X-001", "UC-X-001"),
                 cite("TestC", "FR-X-002", "f2-new")))
    old = State({A.path: FileRecord(A.fingerprint, {"FR-X-001": "f1", "FR-X-002": "f2"})}, state.digests)
    selection = select_tests([edited], old)
    assert selection.selected == ("tests/test_a.py::TestC", "tests/test_a.py::test_a")
    only_c = {A.path: Pick(False, ("tests/test_a.py::TestC",), ("FR-X-002",))}
    passed = {"tests/test_a.py::TestC::test_m": "passed"}
    after = record_outcomes(old, [edited], only_c, passed, complete=True)
    assert select_tests([edited], after).selected == ("tests/test_a.py::test_a",)


def test_nested_nodes_collapse_into_the_outer_one() -> None:
    citations = (cite("TestC", "FR-X-001", "new"), cite("TestC::test_m", "FR-X-002", "n"))
    test_file = tf("tests/test_a.py", {}, citations)
    state = State({test_file.path: FileRecord(test_file.fingerprint, {"FR-X-001": "old", "FR-X-002": "old"})})
    assert select_tests([test_file], state).selected == ("tests/test_a.py::TestC",)


def test_since_uses_changed_paths_and_requirements_not_the_record() -> None:
    since = Since(frozenset({"src/b.py"}), frozenset({"UC-X-001"}), "origin/main")
    selection = select_tests([A, B], passed_state(A, B), since=since)
    assert selection.selected == ("tests/test_a.py::test_a", "tests/test_b.py")
    assert selection.reasons["tests/test_b.py"] == ("changed since origin/main: src/b.py",)
    assert selection.reasons["tests/test_a.py"] == ("requirement FR-X-001 changed",)
    assert select_tests([A, B], State(), since=Since(frozenset(), frozenset())).selected == ()


def test_all_selects_everything_and_syntax_errors_are_reasons() -> None:
    broken = TestFile("tests/test_c.py", "fp", {"tests/test_c.py": "x"},
                      errors=("src/c.py:3: invalid syntax",))
    selection = select_tests([A, broken], passed_state(A, broken), run_all=True)
    assert selection.selected == ("tests/test_a.py", "tests/test_c.py")
    assert selection.reasons["tests/test_c.py"] == ("--all", "syntax error in src/c.py:3: invalid syntax")


def test_explain_lists_at_most_five_changed_files() -> None:
    deps = {f"src/m{i}.py": "1" for i in range(8)}
    before = tf("tests/test_many.py", deps)
    after = tf("tests/test_many.py", {p: "2" for p in deps})
    (reason,) = select_tests([after], passed_state(before)).reasons["tests/test_many.py"]
    assert reason == "changed: src/m0.py, src/m1.py, src/m2.py, src/m3.py, src/m4.py and 3 more"
