"""The pytest plugin (entry point `pytest11` named `specmesh`).

- registers the marker `@pytest.mark.spec("UC-LOAN-001", "FR-LOAN-003")`, so it never warns;
- adds `--spec-id ID` (repeatable; `--spec` belongs to the pytest-spec plugin): keep only the
  tests that cite ID, by marker or by an `@spec/@uc/@fr` tag comment. A use case ID also selects
  the tests citing any of its FRs; a feature ID, the tests citing any ID the feature defines.

It is loaded by every pytest run of every user, so its import is stdlib-only and does nothing;
the spec tree is read only when `--spec-id` is given.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pytest

    from specmesh_tasks.model.spec import Repo, TestTag

MARKER_HELP = (
    "spec(*ids): the spec IDs this test covers (UC-…, FR-…, SC-…); "
    "`specmesh test` reruns it when their text changes"
)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("specmesh", "spec-mesh traceability")
    group.addoption(
        "--spec-id",
        action="append",
        dest="specmesh_spec_ids",
        default=[],
        metavar="ID",
        help="run only the tests citing ID (repeatable); a use case or feature ID also "
        "selects the tests citing any of its IDs",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MARKER_HELP)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    wanted: list[str] = config.getoption("specmesh_spec_ids") or []
    if not wanted:
        return
    repo = _load_repo(config.rootpath)
    accepted = _expand(wanted, repo)
    if repo is not None:
        _warn_undefined(wanted, repo)
    comments = _CommentTags(config.rootpath)
    keep: list[pytest.Item] = []
    drop: list[pytest.Item] = []
    for item in items:
        cited = _marker_ids(item) | comments.ids_for(item)
        (keep if _matches(cited, accepted) else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def _marker_ids(item: pytest.Item) -> set[str]:
    return {str(arg) for mark in item.iter_markers(name="spec") for arg in mark.args}


def _matches(cited: set[str], accepted: set[str]) -> bool:
    """A citation matches an accepted ID exactly, or through its qualifier (`S-X-001/UC-001`)."""
    return any(spec_id in accepted or spec_id.split("/", 1)[0] in accepted for spec_id in cited)


def _load_repo(rootpath: Path) -> Repo | None:
    """The project's spec tree, or None when there is none (or none readable)."""
    try:
        from specmesh_tasks.discover import find_root
        from specmesh_tasks.load import load_repo

        return load_repo(find_root(rootpath))
    except Exception:  # no spec tree: plain ID matching still works
        return None


def _expand(wanted: list[str], repo: Repo | None) -> set[str]:
    """The wanted IDs plus, for a use case or a feature, every ID that belongs to it."""
    accepted = set(wanted)
    if repo is not None:
        from specmesh_tasks.affected.fingerprints import member_ids

        for spec_id in wanted:
            accepted |= member_ids(repo, spec_id)
    return accepted


class SpecIdWarning(UserWarning):
    """`--spec-id` names an ID the specs define nowhere (so it can only select by accident)."""


def _warn_undefined(wanted: list[str], repo: Repo) -> None:
    """Warn for each wanted ID no spec defines, with the nearest defined ID if one is close."""
    import warnings

    from specmesh_tasks.suggest import did_you_mean

    defined = {doc.spec_id for doc in repo.specs if doc.spec_id}
    for doc in repo.specs:
        for definition in doc.definitions:
            defined |= {definition.id, f"{doc.spec_id}/{definition.id}"}
    for spec_id in wanted:
        if spec_id not in defined:
            message = f"{spec_id} is defined nowhere in the specs{did_you_mean(spec_id, defined)}"
            # Located at the option, not at this line: the summary then reads `--spec-id: …`.
            warnings.warn_explicit(SpecIdWarning(message), SpecIdWarning, filename="--spec-id", lineno=0)


class _CommentTags:
    """Tag comments of each collected test file, parsed once per file."""

    def __init__(self, rootpath: Path) -> None:
        self.rootpath = rootpath
        self.by_file: dict[Path, tuple[TestTag, ...]] = {}

    def ids_for(self, item: pytest.Item) -> set[str]:
        path = Path(item.path)
        if path not in self.by_file:
            self.by_file[path] = self._read(path)
        name = _test_name(item.nodeid)
        return {
            t.id for t in self.by_file[path]
            if t.test is None or name == t.test or name.startswith(t.test + "::")
        }

    def _read(self, path: Path) -> tuple[TestTag, ...]:
        from specmesh_tasks.parse.test_file import parse_test_tags

        try:
            text = path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ()
        return parse_test_tags(text, path.name)


def _test_name(nodeid: str) -> str:
    """`tests/t.py::TestA::test_b[1]` -> `TestA::test_b` (the form TestTag.test uses)."""
    name = nodeid.split("::", 1)[1] if "::" in nodeid else ""
    return name.split("[", 1)[0]
