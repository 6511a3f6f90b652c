"""Root discovery and the listing of `.specify/specs/` and the test files (contract §2); the header
entries read over the listing are tested in test_headers.py."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from spec_texts import FEATURE

from specmesh_tasks import discover, headers
from specmesh_tasks.discover import (
    find_matrix,
    find_root,
    glob_to_regex,
    iter_spec_files,
    iter_test_files,
    list_tree,
    pick_matrix,
)
from specmesh_tasks.errors import RootNotFoundError
from specmesh_tasks.headers import scan_specs


def test_find_root_walks_up_to_the_nearest_specify(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".specify").mkdir()
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    monkeypatch.delenv("SPECMESH_ROOT", raising=False)
    assert find_root(deep) == tmp_path.resolve()


def test_specmesh_root_overrides_discovery(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    other = tmp_path / "other"
    other.mkdir()
    monkeypatch.setenv("SPECMESH_ROOT", str(other))
    assert find_root(tmp_path) == other.resolve()


def test_no_root_is_a_user_error_with_a_hint(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SPECMESH_ROOT", raising=False)
    with pytest.raises(RootNotFoundError) as info:
        find_root(tmp_path)
    assert "--root" in str(info.value) and info.value.exit_code == 3


def test_spec_walk_skips_cache_and_finds_nested_projects(spec_tree) -> None:  # type: ignore[no-untyped-def]
    root = spec_tree({
        ".specify/specs/proj/overview/domain/spec.md": "# D\n",
        ".specify/specs/proj/features/a/SPEC.md": "# A\n",
        ".specify/.cache/x/spec.md": "# cached\n",
    })
    rels = [p.relative_to(root).as_posix() for p in iter_spec_files(root)]
    assert rels == [".specify/specs/proj/features/a/SPEC.md", ".specify/specs/proj/overview/domain/spec.md"]


def test_matrix_standard_then_legacy_then_by_name(spec_tree) -> None:  # type: ignore[no-untyped-def]
    root = spec_tree({".specify/matrix/cross-reference.json": "{}",
                      ".specify/specs/p/matrix/cross-reference.json": "{}"})
    assert find_matrix(root) == root / ".specify/matrix/cross-reference.json"
    (root / ".specify/matrix/cross-reference.json").unlink()
    assert find_matrix(root) == root / ".specify/specs/p/matrix/cross-reference.json"


@pytest.mark.parametrize(("glob", "path", "hit"), [
    ("tests/**/test_*.py", "tests/test_a.py", True),
    ("tests/**/test_*.py", "tests/unit/deep/test_a.py", True),
    ("tests/**/test_*.py", "src/tests_x/test_a.py", False),
    ("**/*_test.py", "a/b_test.py", True),
    ("tests/*.py", "tests/sub/x.py", False),
])
def test_glob_translation(glob: str, path: str, hit: bool) -> None:
    assert bool(glob_to_regex(glob).match(path)) is hit


def test_test_files_follow_pytest_config_and_skip_venvs(spec_tree) -> None:  # type: ignore[no-untyped-def]
    root = spec_tree({
        "pyproject.toml": '[tool.pytest.ini_options]\ntestpaths = ["checks"]\npython_files = ["check_*.py"]\n',
        "checks/check_a.py": "",
        "checks/test_b.py": "",
        "tests/test_c.py": "",
        "checks/.venv/check_x.py": "",
        "checks/node_modules/check_y.py": "",
    })
    found = [p.relative_to(root).as_posix() for p in iter_test_files(root)]
    assert found == ["checks/check_a.py"]


def test_test_files_default_globs(spec_tree) -> None:  # type: ignore[no-untyped-def]
    root = spec_tree({"tests/test_a.py": "", "tests/sub/b_test.py": "", "tests/helper.py": ""})
    found = [p.relative_to(root).as_posix() for p in iter_test_files(root)]
    assert found == ["tests/sub/b_test.py", "tests/test_a.py"]


LISTED = {
    ".specify/specs/features/a/spec.md": FEATURE,
    ".specify/specs/features/a/plan.md": "# Plan\n",
    ".specify/specs/features/b/spec.md": "# Feature Spec: B\n\nSpec Type: Fix\nSpec ID: F-B-001\n",
    ".specify/specs/overview/domain/spec.md": "# Domain Spec: X\n\nSpec Type: Domain\n",
}


def test_listing_is_kept_between_runs_and_reread_where_a_directory_changed(
        spec_tree: Any, count_scandir: Any, settled_clock: None) -> None:
    root = spec_tree(LISTED)
    first = scan_specs(root)
    assert (root / ".specify/.cache/listing.json").is_file()
    discover.clear_cache()  # a new process: only the cache files remain
    reads = count_scandir()
    assert scan_specs(root) == first and reads == []
    # A spec added to a directory that already existed: only that directory is read again.
    (root / ".specify/specs/features/b/test-scenarios.md").write_text("# T\n\nSpec ID: TS-B-001\n", encoding="utf-8")
    discover.clear_cache()
    rels = [e.rel for e in scan_specs(root)]
    assert ".specify/specs/features/b/test-scenarios.md" in rels
    assert reads == [str(root / ".specify/specs/features/b")]
    # A directory removed is forgotten.
    import shutil

    shutil.rmtree(root / ".specify/specs/features/a")
    discover.clear_cache()
    assert not any("/a/" in e.rel for e in scan_specs(root))
    assert [Path(p).relative_to(root).as_posix() for p in list_tree(root).files] == [
        ".specify/specs/features/b/spec.md", ".specify/specs/features/b/test-scenarios.md",
        ".specify/specs/overview/domain/spec.md"]


def test_listing_includes_plans_and_tasks_and_finds_the_matrix(spec_tree: Any) -> None:
    root = spec_tree({**LISTED, ".specify/specs/p/matrix/cross-reference.json": "{}",
                      ".specify/specs/features/a/tasks.md": "# Tasks\n", ".specify/specs/features/a/notes.md": "x"})
    files = [Path(p).relative_to(root).as_posix() for p in list_tree(root).files]
    assert ".specify/specs/features/a/plan.md" in files and ".specify/specs/features/a/tasks.md" in files
    assert ".specify/specs/features/a/notes.md" not in files
    assert pick_matrix(root, list_tree(root)) == str(root / ".specify/specs/p/matrix/cross-reference.json")


def test_damaged_cache_files_are_ignored(spec_tree: Any, capsys: pytest.CaptureFixture[str]) -> None:
    root = spec_tree(LISTED)
    expected = scan_specs(root)
    cache = root / ".specify/.cache"
    for name, junk in (("listing.json", '{"version": 1, "data": {".specify/specs": [1, 2]}}'),
                       ("headers.json", f'{{"version": {headers.HEADER_CACHE_VERSION}, '
                                        '"data": {"x": 1, ".specify/specs/features/a/spec.md": [0]}}'),
                       ("listing.json", "not json"), ("headers.json", "[]")):
        (cache / name).write_text(junk, encoding="utf-8")
        discover.clear_cache()
        assert scan_specs(root) == expected, name
    # Files that cannot be JSON are set aside, with one line each.
    assert capsys.readouterr().err.splitlines() == [
        "note: .specify/.cache/listing.json was damaged (not JSON); set aside as listing.json.damaged and rebuilt",
        "note: .specify/.cache/headers.json was damaged (unexpected content); set aside as headers.json.damaged "
        "and rebuilt"]
    assert (cache / "listing.json.damaged").read_text(encoding="utf-8") == "not json"


NOT_REGULAR = """
import sys
from pathlib import Path
from specmesh_tasks.discover import list_tree
from specmesh_tasks.headers import scan_specs
root = Path(sys.argv[1])
print(sorted(e.rel for e in scan_specs(root)))
print(sorted(f[len(str(root)) + 1:] for f in list_tree(root).files))
"""


def test_a_spec_that_is_not_a_regular_file_is_listed_but_never_read(spec_tree: Any) -> None:
    import subprocess
    import sys

    root = spec_tree(LISTED)
    os.mkfifo(root / ".specify/specs/features/pipe-spec.md")  # not a listed name
    (root / ".specify/specs/features/pipe").mkdir()
    os.mkfifo(root / ".specify/specs/features/pipe/spec.md")
    (root / ".specify/specs/features/dir/spec.md").mkdir(parents=True)
    (root / ".specify/specs/features/dir/spec.md/spec.md").write_text(FEATURE, encoding="utf-8")
    # A subprocess with a timeout: opening a FIFO for reading would block for ever.
    done = subprocess.run([sys.executable, "-c", NOT_REGULAR, str(root)], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    entries, listed = done.stdout.splitlines()
    assert "pipe" not in entries and "/dir/" not in entries  # no header entry, nothing opened
    assert "'.specify/specs/features/pipe/spec.md'" in listed  # listed: the gates report it
    assert "'.specify/specs/features/dir/spec.md'" in listed and "spec.md/spec.md" not in listed


def test_test_files_walk_only_the_globs_literal_directories(spec_tree, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    root = spec_tree({
        "pyproject.toml": '[tool.pytest.ini_options]\ntestpaths = ["tests", "tests/unit", "checks"]\n',
        "tests/unit/test_a.py": "",
        "tests/test_b.py": "",
        "checks/test_c.py": "",
        "src/pkg/test_not_a_test_path.py": "",
        "test_top.py": "",
    })
    walked: list[str] = []
    real_walk = os.walk

    def recording_walk(top: str, *args: Any, **kwargs: Any) -> Any:
        walked.append(os.path.relpath(top, root))
        return real_walk(top, *args, **kwargs)

    monkeypatch.setattr(discover.os, "walk", recording_walk)
    found = [p.relative_to(root).as_posix() for p in iter_test_files(root)]
    assert found == ["checks/test_c.py", "tests/test_b.py", "tests/unit/test_a.py"]
    assert sorted(walked) == ["checks", "tests"]  # `tests/unit` lies inside `tests`: walked once


def test_test_files_keep_path_order_and_never_enter_symlinks_or_specify(spec_tree) -> None:  # type: ignore[no-untyped-def]
    root = spec_tree({
        "tests/a-b/test_x.py": "",
        "tests/a/test_y.py": "",
        ".specify/tests/test_z.py": "",
        "elsewhere/test_w.py": "",
    })
    os.symlink(root / "elsewhere", root / "tests" / "linked")
    os.symlink(root / "elsewhere", root / "outer")
    found = [p.relative_to(root).as_posix() for p in iter_test_files(root)]
    assert found == ["tests/a/test_y.py", "tests/a-b/test_x.py"]  # Path order: `a` before `a-b`
    (root / "pyproject.toml").write_text('[tool.pytest.ini_options]\ntestpaths = ["outer", ".specify"]\n')
    assert iter_test_files(root) == []  # a symlinked or skipped top directory is not entered either
