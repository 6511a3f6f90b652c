"""Root discovery, spec listing and the header scan (contract §2)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from specmesh_tasks.discover import (
    find_matrix,
    find_root,
    glob_to_regex,
    iter_spec_files,
    iter_test_files,
    read_header,
    scan_specs,
)
from specmesh_tasks.errors import RootNotFoundError
from specmesh_tasks.model.spec import SpecKind

FEATURE = """\
# Feature Spec: Book Lending

<!--
  Spec Status: Draft - initial creation
  Status: Deprecated
-->

Spec Type: Feature
Spec ID: S-LOAN-001
Status: Approved

---

## 1. Purpose and Scope
Status: Not a header
"""


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


def test_header_ignores_html_comment_and_body(spec_tree) -> None:  # type: ignore[no-untyped-def]
    title, fields = read_header(FEATURE)
    assert title == "Book Lending"
    assert fields["Status"] == "Approved"  # not the commented `Spec Status:` nor the body line
    assert fields["Spec ID"] == "S-LOAN-001"


def test_scan_specs_reads_kind_id_status_and_caches(spec_tree) -> None:  # type: ignore[no-untyped-def]
    root = spec_tree({
        ".specify/specs/features/sloan001-book-lending/spec.md": FEATURE,
        ".specify/specs/overview/domain/spec.md": "# Domain Spec: X\n\nSpec Type: Domain\nSpec ID: S-DOMAIN-001\n",
        ".specify/specs/features/sloan001-book-lending/test-scenarios.md": "# T\n\nSpec ID: TS-LOAN-001\n",
        ".specify/specs/features/x/plan.md": "# not a spec\n",
    })
    entries = {e.rel: e for e in scan_specs(root)}
    feature = entries[".specify/specs/features/sloan001-book-lending/spec.md"]
    assert (feature.kind, feature.spec_id, feature.status) == (SpecKind.FEATURE, "S-LOAN-001", "Approved")
    assert entries[".specify/specs/overview/domain/spec.md"].kind is SpecKind.DOMAIN
    assert entries[".specify/specs/features/sloan001-book-lending/test-scenarios.md"].kind is SpecKind.TEST_SCENARIO
    assert not any(rel.endswith("plan.md") for rel in entries)
    assert (root / ".specify" / ".cache" / "headers.json").is_file()
    # A changed file is re-read (stat changed); the cached answer must not be served.
    path = feature.path
    path.write_text(FEATURE.replace("Status: Approved", "Status: Draft"), encoding="utf-8")
    os.utime(path, ns=(1, 1))
    again = {e.rel: e for e in scan_specs(root)}
    assert again[feature.rel].status == "Draft"


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
