"""Which tests to run, and what to remember after they ran. Pure functions over plain data.

A test file is selected whole when its file fingerprint differs from the one recorded at its last
passing run (its own text, a conftest above it, or a project file it imports changed), or when it
has no record yet. Otherwise only the tests citing a requirement whose fingerprint changed are
selected (`file.py::TestC::test_x`; a file-level tag selects the whole file), plus the tests that
failed last time (always re-run until they pass). With `since` (a `--since REF` run) the record is
ignored: a file is selected when a dependency is among the changed paths, a test when a
requirement it depends on is among the changed requirement keys.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # annotations only: `record` reads the state without the fingerprint machinery
    from specmesh_tasks.affected.fingerprints import Citation, TestFile

MAX_LISTED = 5


@dataclass(frozen=True, slots=True)
class FileRecord:
    """What was true of a test file at its last run that counted."""

    fingerprint: str = ""  # file fingerprint at its last run without errors
    requirements: Mapping[str, str] = field(default_factory=dict)  # key -> fingerprint
    failed: tuple[str, ...] = ()  # node IDs (params stripped) that failed; the file itself = all


@dataclass(frozen=True, slots=True)
class State:
    """Per test file records, and the digest each dependency had when it last passed (for --explain)."""

    files: Mapping[str, FileRecord] = field(default_factory=dict)
    digests: Mapping[str, str] = field(default_factory=dict)


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
) -> Selection:
    """Decide, per test file, whether all, some or none of its tests run."""
    picks: dict[str, Pick] = {}
    reasons: dict[str, tuple[str, ...]] = {}
    for test_file in files:
        pick: Pick | None
        if run_all:
            pick, why = Pick(True), ["--all"]
        elif since is not None:
            pick, why = _pick_since(test_file, since)
        else:
            pick, why = _pick(test_file, state)
        if pick is not None:
            picks[test_file.path] = pick
            reasons[test_file.path] = (*why, *(f"syntax error in {e}" for e in test_file.errors))
    selected = sorted(
        arg for path, pick in picks.items() for arg in ((path,) if pick.whole else pick.nodes)
    )
    deselected = tuple(f.path for f in files if f.path not in picks)
    return Selection(tuple(selected), deselected, reasons, picks)


def _pick(test_file: TestFile, state: State) -> tuple[Pick | None, list[str]]:
    record = state.files.get(test_file.path)
    if record is None:
        return Pick(True), ["no passing run recorded"]
    if record.fingerprint != test_file.fingerprint:
        changed = [p for p, d in test_file.deps.items() if state.digests.get(p) != d]
        return Pick(True), [_changed_files(changed, test_file.path)]
    if test_file.path in record.failed:
        return Pick(True), ["failed last run"]
    return _partial(test_file, stale_citations(test_file.citations, record), _known_failures(test_file, record.failed))


def stale_citations(citations: Iterable[Citation], record: FileRecord) -> list[Citation]:
    """The citations whose requirement text (or its use case's) changed since the file's last
    passing run: the spec reason for selecting a test. `specmesh trace` calls this to mark a
    requirement `suspect`, so that trace and `specmesh test` agree; keep it the one place that
    decides."""
    return [c for c in citations if record.requirements.get(c.key, "") != c.fingerprint]


def _pick_since(test_file: TestFile, since: Since) -> tuple[Pick | None, list[str]]:
    changed = sorted(k for k in test_file.deps if k.partition("::")[0] in since.paths)
    if changed:
        return Pick(True), [_changed_files(changed, test_file.path, since.ref)]
    return _partial(test_file, cites_changed(test_file.citations, since.requirements), ())


def cites_changed(citations: Iterable[Citation], changed: Collection[str]) -> list[Citation]:
    """The citations that depend on a requirement key in `changed` (its text, or its use case's):
    the spec reason of a `--since REF` selection. `specmesh impact --since` lists the tests this
    selects; keep it the one place that decides."""
    return [c for c in citations if any(i in changed for i in c.ids)]


def _partial(test_file: TestFile, stale: Sequence[Citation], failed: Sequence[str],
             ) -> tuple[Pick | None, list[str]]:
    """Select the tests citing a changed requirement plus the failed ones."""
    if not stale and not failed:
        return None, []
    keys = tuple(sorted({c.key for c in stale}))
    why = [f"requirement {key} changed" for key in keys]
    if failed:
        why.append("failed last run: " + ", ".join(failed))
    nodes = {f"{test_file.path}::{c.test}" if c.test else test_file.path for c in stale} | set(failed)
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


def record_outcomes(
    state: State,
    files: Sequence[TestFile],
    picks: Mapping[str, Pick],
    outcomes: Mapping[str, str],
    *,
    complete: bool,
) -> State:
    """The state after running `picks`; `outcomes` maps node IDs (file-relative to the root) to
    passed/failed/skipped/error. An incomplete run (stopped early, `-k`) records failures only."""
    by_path = {f.path: f for f in files}
    records = dict(state.files)
    digests = dict(state.digests)
    grouped: dict[str, dict[str, str]] = {}
    for node, outcome in outcomes.items():
        grouped.setdefault(node.partition("::")[0], {})[node] = outcome
    for path, pick in picks.items():
        test_file = by_path.get(path)
        if test_file is None:
            continue
        mine = grouped.get(path, {})
        failed = _nodes_with(mine, ("failed", "error"))
        old = records.get(path, FileRecord())
        if not complete:
            still = tuple(sorted(set(old.failed) - _nodes_with(mine, ("passed",)) | failed))
            records[path] = FileRecord(old.fingerprint, old.requirements, still)
            continue
        records[path] = _after_run(old, test_file, pick, failed)
        if records[path].fingerprint == test_file.fingerprint:
            digests.update(test_file.deps)
    return State(records, digests)


def _after_run(old: FileRecord, test_file: TestFile, pick: Pick, failed: set[str]) -> FileRecord:
    current = {c.key: c.fingerprint for c in test_file.citations}
    if pick.whole:
        # Everything ran against the current files: remember them, keep only the new failures.
        return FileRecord(test_file.fingerprint, current, tuple(sorted(failed)))
    requirements = dict(old.requirements)
    requirements.update({k: current[k] for k in pick.requirements if k in current})
    ran = set(pick.nodes)
    still = {n for n in old.failed if n not in ran and not any(n.startswith(r + "::") for r in ran)}
    return FileRecord(old.fingerprint, requirements, tuple(sorted(still | failed)))


def _nodes_with(outcomes: Mapping[str, str], wanted: tuple[str, ...]) -> set[str]:
    return {_strip_params(n) for n, o in outcomes.items() if o in wanted}


def _strip_params(node: str) -> str:
    """`f.py::test_x[1]` -> `f.py::test_x`: a parameter ID may not exist next time."""
    head, sep, last = node.rpartition("::")
    return f"{head}{sep}{last.partition('[')[0]}" if sep else node
