"""Test results from JUnit XML files (`specmesh trace --results FILE…`), e.g. one per CI shard.

The union of the files is used; a test in no file has no result (`not-run`). A `<testcase>` becomes
the pytest node ID of its test: its `file` attribute when present, else its dotted `classname`
matched against the project's test files (`tests.test_loans.TestDesk` ->
`tests/test_loans.py::TestDesk`), then `::name`. A classname that is itself a test file's path
(JavaScript runners write that) is used as it is. The outcome is `failed`, `error` or `skipped`
by its child element, else `passed`; the time is the enclosing `<testsuite>`'s `timestamp`, in UTC.
A test listed twice (files that overlap) keeps its worst outcome.
"""

from __future__ import annotations

import glob
import xml.etree.ElementTree as ET
from collections.abc import Collection, Iterator, Sequence
from datetime import datetime, timezone
from pathlib import Path

from specmesh_tasks.affected.results import LastResult
from specmesh_tasks.errors import UserError

_RANK = {"passed": 0, "skipped": 1, "failed": 2, "error": 3}


def expand(patterns: Sequence[str]) -> list[Path]:
    """The files named by `--results` values: paths, or glob patterns (quoted, for the shell)."""
    found: list[Path] = []
    for pattern in patterns:
        if any(c in pattern for c in "*?["):
            matches = sorted(m for m in glob.glob(pattern, recursive=True) if Path(m).is_file())  # no FIFO
            if not matches:
                raise UserError(f"error: --results {pattern}: no file matches")
            found.extend(Path(m) for m in matches)
        elif Path(pattern).is_file():
            found.append(Path(pattern))
        else:
            raise UserError(f"error: --results {pattern}: no such file")
    return found


def read_junit(files: Sequence[Path], test_files: Collection[str]) -> dict[str, LastResult]:
    """Node ID -> result over every file (UserError for a file that is not JUnit XML)."""
    modules = sorted(((p[:-3].replace("/", "."), p) for p in test_files if p.endswith(".py")),
                     key=lambda item: -len(item[0]))
    paths = set(test_files)
    found: dict[str, LastResult] = {}
    for path in files:
        for node, result in _cases(path, modules, paths):
            known = found.get(node)
            if known is None or _RANK[result.outcome] > _RANK[known.outcome]:
                found[node] = result
    return found


def _cases(path: Path, modules: list[tuple[str, str]], paths: set[str]) -> Iterator[tuple[str, LastResult]]:
    try:
        tree = ET.parse(path)
    except (ET.ParseError, OSError) as exc:
        raise UserError(f"error: --results {path}: not a readable JUnit XML file ({exc})") from None
    top = tree.getroot()
    suites = [top] if top.tag == "testsuite" else list(top.iter("testsuite"))
    if top.tag not in ("testsuite", "testsuites"):
        raise UserError(f"error: --results {path}: not a JUnit XML file (its root is <{top.tag}>)")
    for suite in suites:
        at = _utc(suite.get("timestamp", ""))
        for case in suite.findall("testcase"):
            node = _node(case.get("file"), case.get("classname", ""), case.get("name", ""), modules, paths)
            yield node, LastResult(_outcome(case), at)


def _outcome(case: ET.Element) -> str:
    for child in case:
        if child.tag in ("failure", "error", "skipped"):
            return "failed" if child.tag == "failure" else child.tag
    return "passed"


def _node(file: str | None, classname: str, name: str, modules: list[tuple[str, str]], paths: set[str]) -> str:
    """The pytest node ID of a test case (see the module docstring)."""
    if classname in paths:
        return f"{classname}::{name}"
    for dotted, rel in modules:
        if classname == dotted or classname.startswith(dotted + "."):
            inner = classname[len(dotted) + 1:].replace(".", "::")
            return f"{rel}::{inner}::{name}" if inner else f"{rel}::{name}"
    if file:
        owner = classname.rsplit(".", 1)[-1] if "." in classname else ""
        return f"{file}::{owner}::{name}" if owner and owner[:1].isupper() else f"{file}::{name}"
    return f"{classname}::{name}" if classname else name


def _utc(stamp: str) -> str:
    """An ISO 8601 time as `YYYY-MM-DDTHH:MM:SSZ` in UTC ("" when missing or unreadable); a time
    without a zone is taken as this machine's local time, as pytest writes it."""
    try:
        when = datetime.fromisoformat(stamp.strip().replace("Z", "+00:00"))
    except ValueError:
        return ""
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
