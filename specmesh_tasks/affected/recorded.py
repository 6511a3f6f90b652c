"""`tests.granularity: recorded`: what the last passing runs executed, and what changed since.

The pytest child records the executed lines of the project's files per test (`recorder`). Here
they become, per test, the set of functions it executed (`FunctionKey`: file, qualified name and
the digest of the body it ran; lines map to the outermost function body holding them, see
`summary.function_bodies`). A change inside a function body then reruns only the tests whose
key for that function no longer matches (`changed_functions`).

Everything the recording cannot see stays under the static rule (every test whose file imports
the changed file, directly or transitively), through the *static key* of each file the test
file reaches (`static_key`): the digest of its skeleton (module-level code, class bodies,
decorators, signatures, default arguments) plus the bodies of its *shared* functions. A function
is shared when it ran outside any test (at import, while collecting, in the set-up of a fixture
broader than a function) or in a test that imported a module (a lazy import runs module-level
code whose result later tests use without running it): its result outlives the test that ran it.
A file is *measured* once its module-level code ran under the recorder; a file that never did,
or that does not parse, has its whole content as its static key. Tests that started a process,
or during which the trace function was replaced, are recorded as untrusted (`None`): they rerun
whenever anything they can import changed, as under the static rule.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from specmesh_tasks.affected.facts import FactsCache
    from specmesh_tasks.affected.fingerprints import TestFile
    from specmesh_tasks.affected.summary import Summary

SHARED = ""  # the recorder's context outside tests


class FunctionKey(NamedTuple):
    """A function body a test executed: `pkg/a.py`, `Model.save`, the body's digest then."""

    path: str
    name: str
    digest: str


TestKeys = frozenset[FunctionKey] | None  # None: recorded, but not trustworthy (module docstring)


@dataclass(frozen=True, slots=True)
class Recording:
    """One run's recording, made relative to the root and mapped to function bodies."""

    tests: Mapping[str, TestKeys] = field(default_factory=dict)  # node ID (params stripped) -> keys
    shared: Mapping[str, frozenset[str]] = field(default_factory=dict)  # path -> shared function names
    measured: frozenset[str] = frozenset()  # files whose module-level code ran under the recorder


def read_recording(root: Path, payload: Mapping[str, Any], facts: FactsCache,
                   rebase: Any = None) -> Recording:
    """The child's `record` payload as a Recording (see the module docstring).

    `rebase(node_id)` makes a node ID relative to the root (pytest's rootdir may differ). A file
    that changed while the tests ran is left out: its lines may belong to either version, so the
    tests that ran it are recorded as untrusted and its shared functions are not updated.
    """
    untrusted = set(map(str, payload.get("spawned") or ())) | set(map(str, payload.get("lost") or ()))
    tests: dict[str, set[FunctionKey] | None] = {}
    imported: set[str] = set()
    shared: dict[str, set[str]] = {}
    measured: set[str] = set()
    for node in payload.get("tests") or ():
        tests.setdefault(strip_params(_rebased(rebase, str(node))), set())
    for absolute, by_context in (payload.get("lines") or {}).items():
        rel = _relative(root, str(absolute))
        if rel is None:
            continue
        summary = _summary(facts, rel)
        if summary is None or not facts.still_as_read(rel):
            untrusted |= {c for c in by_context if c != SHARED}
            continue
        finder = _BodyFinder(summary)
        for context, lines in by_context.items():
            names, module_level = finder.split(lines)
            if module_level:
                measured.add(rel)
            if context == SHARED:
                shared.setdefault(rel, set()).update(names)
                continue
            node = strip_params(_rebased(rebase, context))
            if module_level:
                imported.add(node)
            keys = tests.setdefault(node, set())
            if keys is not None:
                keys.update(FunctionKey(rel, n, summary.bodies[n].digest) for n in names)
    for node in imported:  # functions a test ran while importing: their results outlive it
        for key in tests.get(node) or ():
            shared.setdefault(key.path, set()).add(key.name)
    for node in untrusted:
        tests[strip_params(_rebased(rebase, node))] = None
    return Recording({n: None if k is None else frozenset(k) for n, k in tests.items()},
                     {p: frozenset(n) for p, n in shared.items()}, frozenset(measured))


def update_modules(modules: Mapping[str, frozenset[str]], recording: Recording,
                   facts: FactsCache) -> dict[str, frozenset[str]]:
    """Measured files and their shared functions after a run: what this run saw added to what
    earlier runs saw (a function once shared stays shared while it exists)."""
    updated = dict(modules)
    for path in recording.measured | set(recording.shared):
        summary = _summary(facts, path)
        if summary is None:
            updated.pop(path, None)
            continue
        if path not in recording.measured and path not in updated:
            continue  # bodies ran, but the module's own import was not seen: not measured
        names = set(updated.get(path, frozenset())) | set(recording.shared.get(path, frozenset()))
        updated[path] = frozenset(n for n in names if n in summary.bodies)
    return updated


def static_key(path: str, facts: FactsCache, modules: Mapping[str, frozenset[str]]) -> str:
    """What of `path` is under the static rule (module docstring); "" when it does not exist."""
    found = facts.facts(path)
    if found is None:
        return ""
    summary = found.summary
    if path not in modules or summary is None:
        return found.digest
    shared = sorted(f"{n}={summary.bodies[n].digest}" for n in modules[path] if n in summary.bodies)
    from specmesh_tasks.affected.summary import digest_text

    return "s:" + digest_text("\n".join([summary.skeleton, *shared]))


def static_deps(test_file: TestFile, wholes: Iterable[str], facts: FactsCache,
                modules: Mapping[str, frozenset[str]]) -> dict[str, str]:
    """The static keys a test file depends on: the files it reaches (its own file and its
    conftests whole), and its other inputs (configuration, data files)."""
    whole = set(wholes)
    deps = {}
    for path in test_file.closure:
        found = facts.facts(path) if path in whole else None
        deps[path] = found.digest if found is not None else static_key(path, facts, modules)
    deps.update(test_file.inputs)
    return deps


def with_static(files: Iterable[TestFile], facts: FactsCache,
                modules: Mapping[str, frozenset[str]]) -> list[TestFile]:
    """The test files with their static keys as `deps` and their static fingerprint."""
    from specmesh_tasks.affected.fingerprints import conftests_above, file_fingerprint

    found = []
    for test_file in files:
        deps = static_deps(test_file, [test_file.path, *conftests_above(test_file.path, facts)], facts, modules)
        found.append(replace(test_file, deps=deps, static=file_fingerprint(deps)))
    return found


def changed_functions(keys: Iterable[FunctionKey], facts: FactsCache) -> frozenset[FunctionKey]:
    """The recorded keys whose function body is no longer what the test ran (or is gone)."""
    changed = set()
    for key in keys:
        summary = _summary(facts, key.path)
        body = summary.bodies.get(key.name) if summary is not None else None
        if body is None or body.digest != key.digest:
            changed.add(key)
    return frozenset(changed)


def strip_params(node: str) -> str:
    """`f.py::test_x[1]` -> `f.py::test_x`: records are kept per test function."""
    head, sep, last = node.rpartition("::")
    return f"{head}{sep}{last.partition('[')[0]}" if sep else node


class _BodyFinder:
    """Which function body holds a line (bodies do not overlap: the outermost ones)."""

    def __init__(self, summary: Summary) -> None:
        ordered = sorted(summary.bodies.items(), key=lambda item: item[1].first)
        self.firsts = [body.first for _, body in ordered]
        self.bodies = ordered

    def split(self, lines: Iterable[int]) -> tuple[set[str], bool]:
        """The functions the lines are in, and whether some line is module-level code."""
        names: set[str] = set()
        module_level = False
        for line in lines:
            index = bisect.bisect_right(self.firsts, int(line)) - 1
            if index >= 0 and line <= self.bodies[index][1].last:
                names.add(self.bodies[index][0])
            else:
                module_level = True
        return names, module_level


def _summary(facts: FactsCache, path: str) -> Summary | None:
    found = facts.facts(path)
    return found.summary if found is not None else None


def _relative(root: Path, absolute: str) -> str | None:
    try:
        return Path(absolute).relative_to(root).as_posix()
    except ValueError:
        return None


def _rebased(rebase: Any, node: str) -> str:
    return str(rebase(node)) if rebase is not None else node
