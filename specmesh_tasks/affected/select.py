"""Which tests to run. Pure functions over plain data (the state is read and written by `record`).

A test file is selected whole when its file fingerprint differs from the one recorded at its last
passing run (its own text, a conftest above it, or a project file it imports changed), or when it
has no record yet. Otherwise only the tests citing a requirement whose fingerprint changed are
selected (`file.py::TestC::test_x`; a file-level tag selects the whole file), plus the tests that
failed last time (always re-run until they pass).

With recorded dependencies (`recorded`), the whole file is selected when its *static*
fingerprint changed (what the recording cannot see: module-level code, signatures, files never
measured, the test file itself, configuration); a change inside function bodies selects the
tests that executed a changed function in their last passing run, plus, when anything the file
can import changed, the tests that were never recorded or whose record cannot be trusted.

With `since` (a `--since REF` run) the record is ignored: a file is selected when a dependency is
among the changed paths, a test when a requirement it depends on is among the changed
requirement keys.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: `record` reads the state without the fingerprint machinery
    from specmesh_tasks.affected.fingerprints import Citation, TestFile
    from specmesh_tasks.affected.recorded import FunctionKey, TestKeys

MAX_LISTED = 5
OUTSIDE_BODIES = "outside function bodies"


@dataclass(frozen=True, slots=True)
class FileRecord:
    """What was true of a test file at its last run that counted."""

    fingerprint: str = ""  # file fingerprint at its last run without errors
    requirements: Mapping[str, str] = field(default_factory=dict)  # key -> fingerprint
    failed: tuple[str, ...] = ()  # node IDs (params stripped) that failed; the file itself = all
    static: str = ""  # static fingerprint at its last whole passing run (recorded granularity)
    tests: Mapping[str, TestKeys] = field(default_factory=dict)  # test name -> what it executed


@dataclass(frozen=True, slots=True)
class State:
    """Per test file records, the digest each dependency had when it last passed (for --explain),
    and the measured files with their shared functions (recorded granularity)."""

    files: Mapping[str, FileRecord] = field(default_factory=dict)
    digests: Mapping[str, str] = field(default_factory=dict)
    modules: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def recorded_keys(self) -> set[FunctionKey]:
        """Every function key some test's record holds."""
        return {k for record in self.files.values() for keys in record.tests.values() if keys for k in keys}


@dataclass(frozen=True, slots=True)
class Since:
    """Changes between a git ref and the working tree."""

    paths: frozenset[str]
    requirements: frozenset[str]
    ref: str = ""


@dataclass(frozen=True, slots=True)
class Pick:
    """What was selected of one test file."""

    whole: bool
    nodes: tuple[str, ...] = ()  # node IDs when not whole
    requirements: tuple[str, ...] = ()  # requirement keys whose change caused the pick


@dataclass(frozen=True, slots=True)
class Selection:
    """The pytest arguments to run, the files left out, and why each file was picked."""

    selected: tuple[str, ...]
    deselected: tuple[str, ...]
    reasons: Mapping[str, tuple[str, ...]]
    picks: Mapping[str, Pick] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.selected)


def select_tests(
    files: Sequence[TestFile],
    state: State,
    *,
    run_all: bool = False,
    since: Since | None = None,
    changed: frozenset[FunctionKey] | None = None,
) -> Selection:
    """Decide, per test file, whether all, some or none of its tests run; `changed`: the recorded
    function keys whose body changed (recorded granularity; None otherwise)."""
    picks: dict[str, Pick] = {}
    reasons: dict[str, tuple[str, ...]] = {}
    for test_file in files:
        pick: Pick | None
        if run_all:
            pick, why = Pick(True), ["--all"]
        elif since is not None:
            pick, why = _pick_since(test_file, since)
        else:
            pick, why = _pick(test_file, state, changed)
        if pick is not None:
            picks[test_file.path] = pick
            reasons[test_file.path] = (*why, *(f"syntax error in {e}" for e in test_file.errors))
    selected = sorted(
        arg for path, pick in picks.items() for arg in ((path,) if pick.whole else pick.nodes)
    )
    deselected = tuple(f.path for f in files if f.path not in picks)
    return Selection(tuple(selected), deselected, reasons, picks)


def _pick(test_file: TestFile, state: State, changed: frozenset[FunctionKey] | None,
          ) -> tuple[Pick | None, list[str]]:
    record = state.files.get(test_file.path)
    if record is None:
        return Pick(True), ["no passing run recorded"]
    recorded = changed is not None and bool(record.static)
    if recorded and record.static != test_file.static:
        deps = [f"{p}::{OUTSIDE_BODIES}" if d.startswith("s:") else p  # a skeleton (`recorded.static_key`)
                for p, d in test_file.deps.items() if state.digests.get(p) != d]
        return Pick(True), [_changed_files(deps, test_file.path)]
    if not recorded and record.fingerprint != test_file.fingerprint:
        deps = [p for p, d in test_file.deps.items() if state.digests.get(p) != d]
        return Pick(True), [_changed_files(deps, test_file.path)]
    if test_file.path in record.failed:
        return Pick(True), ["failed last run"]
    executors = _executors(test_file, record, changed) if recorded and changed is not None else {}
    if executors is None:
        return Pick(True), ["a function body changed and the file's tests are not known"]
    return _partial(test_file, stale_citations(test_file.citations, record),
                    _known_failures(test_file, record.failed), executors)


def _executors(test_file: TestFile, record: FileRecord, changed: frozenset[FunctionKey],
               ) -> dict[str, str] | None:
    """Test name -> why it reruns: it executed a changed function; or something the file can
    import changed and it was never recorded, or its record cannot be trusted. None when the
    file's tests are not known."""
    reach_changed = record.fingerprint != test_file.fingerprint
    found: dict[str, str] = {}
    for name, keys in record.tests.items():
        if keys is None:
            if reach_changed:
                found[name] = "its record cannot be trusted (it starts a process or replaces the tracer)"
            continue
        ran = sorted(f"{k.path}::{k.name}" for k in keys & changed)
        if ran:
            more = f" +{len(ran) - MAX_LISTED}" if len(ran) > MAX_LISTED else ""
            found[name] = "ran changed " + ", ".join(ran[:MAX_LISTED]) + more
    if reach_changed:
        if test_file.tests is None:
            return None
        for leaf in _leaves(test_file.tests):
            if leaf not in record.tests and not any(n.startswith(leaf + "::") for n in record.tests):
                found[leaf] = "never recorded"
    return found


def _leaves(names: Sequence[str]) -> list[str]:
    """Test names that hold no other (`TestC::test_x`, not `TestC`)."""
    return [n for n in names if not any(o.startswith(n + "::") for o in names)]


def stale_citations(citations: Iterable[Citation], record: FileRecord) -> list[Citation]:
    """The citations whose requirement text (or its use case's) changed since the file's last
    passing run: the spec reason for selecting a test. `specmesh trace` calls this to mark a
    requirement `suspect`, so that trace and `specmesh test` agree; keep it the one place that
    decides."""
    return [c for c in citations if record.requirements.get(c.key, "") != c.fingerprint]


def _pick_since(test_file: TestFile, since: Since) -> tuple[Pick | None, list[str]]:
    # (an input `pyproject.toml [tool.pytest]` counts when its file changed)
    changed = sorted(k for k in test_file.deps if k.partition("::")[0].partition(" ")[0] in since.paths)
    if changed:
        return Pick(True), [_changed_files(changed, test_file.path, since.ref)]
    return _partial(test_file, cites_changed(test_file.citations, since.requirements), ())


def cites_changed(citations: Iterable[Citation], changed: Collection[str]) -> list[Citation]:
    """The citations that depend on a requirement key in `changed` (its text, or its use case's):
    the spec reason of a `--since REF` selection. `specmesh impact --since` lists the tests this
    selects; keep it the one place that decides."""
    return [c for c in citations if any(i in changed for i in c.ids)]


def _partial(test_file: TestFile, stale: Sequence[Citation], failed: Sequence[str],
             executors: Mapping[str, str] | None = None) -> tuple[Pick | None, list[str]]:
    """Select the tests citing a changed requirement, the failed ones, and `executors`."""
    executors = executors or {}
    if not stale and not failed and not executors:
        return None, []
    keys = tuple(sorted({c.key for c in stale}))
    why = [f"requirement {key} changed" for key in keys]
    if failed:
        why.append("failed last run: " + ", ".join(failed))
    why += [f"{name} {reason}" for name, reason in sorted(executors.items())]
    nodes = {f"{test_file.path}::{c.test}" if c.test else test_file.path for c in stale} | set(failed)
    nodes |= {f"{test_file.path}::{name}" for name in executors}
    if test_file.path in nodes:  # a file-level tag, or a failure we cannot pin to a test
        return Pick(True, (), keys), why
    return Pick(False, tuple(sorted(_outermost(nodes))), keys), why


def _known_failures(test_file: TestFile, failed: Iterable[str]) -> tuple[str, ...]:
    """Failed node IDs that still name a test of the file (else the whole file)."""
    found = []
    for node in failed:
        name = node.split("::", 1)[1] if "::" in node else ""
        if test_file.tests is None or name not in test_file.tests:
            return (test_file.path,)
        found.append(node)
    return tuple(sorted(found))


def _outermost(nodes: set[str]) -> set[str]:
    """Drop node IDs inside another selected one (`f::TestC::test_x` when `f::TestC` is in)."""
    return {n for n in nodes if not any(n.startswith(o + "::") for o in nodes if o != n)}


def _changed_files(changed: Sequence[str], own: str, ref: str = "") -> str:
    suffix = f" since {ref}" if ref else ""
    if not changed:
        return f"a dependency changed since its last passing run{suffix}"
    by_file: dict[str, list[str]] = {}
    for key in changed:
        path, _, name = key.partition("::")
        by_file.setdefault(path, [])
        if name:
            by_file[path].append("module code" if name == "<module>" else name)
    ordered = sorted(by_file, key=lambda p: (p != own, p))
    shown = ", ".join(_listed(p, by_file[p]) for p in ordered[:MAX_LISTED])
    more = f" and {len(ordered) - MAX_LISTED} more" if len(ordered) > MAX_LISTED else ""
    return f"changed{suffix}: {shown}{more}"


def _listed(path: str, names: list[str]) -> str:
    """`pkg/a.py (helper, total)`; the path alone when the whole file counts."""
    if not names:
        return path
    shown = ", ".join(sorted(names)[:MAX_LISTED])
    more = f" +{len(names) - MAX_LISTED}" if len(names) > MAX_LISTED else ""
    return f"{path} ({shown}{more})"
