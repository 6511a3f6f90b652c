"""The gates' input listing: the same files as `discover`, and a directory cache that is safe."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest
from gates_trees import BASE, write

from specmesh_tasks.discover import find_matrix, glob_tops, iter_spec_files, iter_test_files
from specmesh_tasks.fsutil import rel_posix
from specmesh_tasks.gates.inputs import scan_inputs

EXTRA = {
    ".specify/specs/crm/features/lead/spec.md": "# Feature Spec: Lead\n",
    ".specify/specs/crm/features/lead/plan.md": "# Plan\n",
    ".specify/specs/crm/notes/tasks.md": "# Tasks\n",
    ".specify/specs/crm/matrix/cross-reference.json": "{}\n",
    ".specify/specs/features/x/Spec.md": "# Feature Spec: X\n",
    ".specify/specs/node_modules/y/spec.md": "# not ours\n",
    "tests/unit/test_a.py": "def test_a(): ...\n",
    "tests/unit/helper_test.py": "def test_b(): ...\n",
    "tests/unit/helpers.py": "X = 1\n",
    "tests/.venv/lib/test_c.py": "def test_c(): ...\n",
    "src/test_elsewhere.py": "def test_d(): ...\n",
    ".specify/specmesh.yaml": "gates:\n  strict: false\n",
}


def age(root: Path, seconds: float = 60) -> None:
    past = time.time() - seconds
    for dirpath, dirs, files in os.walk(root):
        for name in [*files, *dirs]:
            os.utime(os.path.join(dirpath, name), (past, past))
    os.utime(root, (past, past))


@pytest.fixture
def root(tmp_path: Path) -> Path:
    r = write(tmp_path / "repo", {**BASE, **EXTRA})
    (r / "tests" / ".venv" / "pyvenv.cfg").write_text("home = /usr\n", encoding="utf-8")
    return r


def test_lists_what_discover_finds(root: Path) -> None:
    found, _changed = scan_inputs(root, None, {}, time.time_ns())
    assert list(found.specs) == [rel_posix(p, root) for p in iter_spec_files(root)]
    assert list(found.tests) == [rel_posix(p, root) for p in iter_test_files(root)]
    matrix = find_matrix(root)
    assert matrix is not None and found.matrix == rel_posix(matrix, root)
    assert found.plans == (".specify/specs/crm/features/lead/plan.md",)
    assert found.tasks == (".specify/specs/crm/notes/tasks.md",)
    assert found.config == ".specify/specmesh.yaml"
    assert ".specify/specs/node_modules/y/spec.md" not in found.specs
    assert "tests/.venv/lib/test_c.py" not in found.tests


def test_matrix_choice_follows_discover_without_the_standard_one(root: Path) -> None:
    os.remove(root / ".specify/specs/overview/matrix/cross-reference.json")
    (root / ".specify/specs/a/b").mkdir(parents=True)
    (root / ".specify/specs/a/b/cross-reference.json").write_text("{}", encoding="utf-8")
    (root / ".specify/specs/a/cross-reference.json").write_text("{}", encoding="utf-8")
    found, _ = scan_inputs(root, None, {}, time.time_ns())
    matrix = find_matrix(root)
    assert matrix is not None
    assert found.matrix == rel_posix(matrix, root) == ".specify/specs/a/cross-reference.json"


def settled_now() -> int:
    """A clock an hour ahead: every directory stamp counts as settled (`touch` cannot age ctime)."""
    return time.time_ns() + 3_600_000_000_000


def test_unchanged_directories_are_not_read_again(root: Path, count_scandir: Any) -> None:
    age(root)
    memo: dict[str, Any] = {}
    first, changed = scan_inputs(root, None, memo, settled_now())
    assert changed
    reads = count_scandir()
    again, changed = scan_inputs(root, None, memo, settled_now())
    assert (again, changed, reads) == (first, False, [])
    # A new file changes its directory's mtime: only that directory is read again.
    new = root / ".specify/specs/crm/features/lead/tasks.md"
    new.write_text("# Tasks\n", encoding="utf-8")
    past = time.time() - 30
    os.utime(new.parent, (past, past))
    later, changed = scan_inputs(root, None, memo, settled_now())
    assert changed and ".specify/specs/crm/features/lead/tasks.md" in later.tasks
    assert reads == [str(root / ".specify/specs/crm/features/lead")]


def test_recently_changed_directories_are_read_again(root: Path, count_scandir: Any) -> None:
    memo: dict[str, Any] = {}
    scan_inputs(root, None, memo, time.time_ns())  # directories were just written: racy
    reads = count_scandir()
    scan_inputs(root, None, memo, time.time_ns())
    assert reads


def test_deleted_directories_are_forgotten(root: Path) -> None:
    age(root)
    memo: dict[str, Any] = {}
    scan_inputs(root, None, memo, settled_now())
    import shutil

    shutil.rmtree(root / ".specify/specs/crm")
    os.utime(root / ".specify/specs", (time.time() - 30, time.time() - 30))
    found, changed = scan_inputs(root, None, memo, settled_now())
    assert changed and not any("crm" in p for p in found.specs)
    assert not any("crm" in key for key in memo)


def testglob_tops() -> None:
    assert glob_tops(("tests/**/test_*.py", "tests/**/*_test.py")) == ["tests"]
    assert glob_tops(("tests/unit/test_*.py", "tests/**/x.py")) == ["tests"]
    assert glob_tops(("**/test_*.py", "tests/test_*.py")) == [""]
    assert glob_tops(("web/*.test.ts", "api/tests/test_*.py")) == ["api/tests", "web"]


def test_the_declaration_time_listing_gives_the_same_inputs_without_a_second_walk(
    root: Path, count_scandir: Any
) -> None:
    from specmesh_tasks.discover import list_tree

    age(root)
    walked, _ = scan_inputs(root, None, {}, time.time_ns())
    listing = list_tree(root)
    reads = count_scandir()
    given, _ = scan_inputs(root, None, {}, time.time_ns(), listing)
    assert given == walked
    assert not any(".specify/specs" in r for r in reads)  # only the test directories were read
