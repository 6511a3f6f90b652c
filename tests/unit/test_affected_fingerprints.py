"""Requirement fingerprints (FR + its use case), citation resolution, file facts and test deps."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from specmesh_tasks.affected import summary as summary_module
from specmesh_tasks.affected.facts import FactsCache
from specmesh_tasks.affected.fingerprints import (
    collect_test_files,
    member_ids,
    requirement_index,
)
from specmesh_tasks.affected.imports import Resolver
from specmesh_tasks.model.ids import IdKind
from specmesh_tasks.model.spec import (
    Definition,
    HeaderField,
    Location,
    Repo,
    RequirementRow,
    SpecDoc,
    SpecKind,
)


def definition(spec_id: str, kind: IdKind, path: str, line: int, digest: str,
               parent: str | None = None) -> Definition:
    return Definition(spec_id, kind, spec_id, Location(path, line), line, digest, parent)


def feature(path: str, spec_id: str, defs: list[Definition],
            rows: tuple[RequirementRow, ...] = ()) -> SpecDoc:
    return SpecDoc(path, SpecKind.FEATURE, spec_id, 1, (HeaderField("Spec ID", spec_id, 3),), (), (), (),
                   tuple(defs), (), requirements=rows)


LOAN = ".specify/specs/features/sloan001/spec.md"
LEAD = ".specify/specs/features/slead001/spec.md"
CRM = ".specify/specs/features/scrm001/spec.md"


def repo(uc_digest: str = "u1", fr_digest: str = "f1", fr2_digest: str = "f2", lead_uc: str = "l1") -> Repo:
    loan = feature(LOAN, "S-LOAN-001", [
        definition("UC-LOAN-001", IdKind.USE_CASE, LOAN, 10, uc_digest, "S-LOAN-001"),
        definition("UC-LOAN-002", IdKind.USE_CASE, LOAN, 20, "u2", "S-LOAN-001"),
        definition("FR-LOAN-001", IdKind.FR, LOAN, 30, fr_digest, "UC-LOAN-001"),
        definition("FR-LOAN-002", IdKind.FR, LOAN, 31, fr2_digest, "UC-LOAN-002"),
        definition("M-BOOK-001", IdKind.MASTER, LOAN, 40, "m1"),
    ], (RequirementRow("FR-LOAN-002", IdKind.FR, "x", ("UC-LOAN-002", "UC-LOAN-001"), "P1",
                       Location(LOAN, 31), "f2"),))
    lead = feature(LEAD, "S-LEAD-001", [definition("UC-001", IdKind.USE_CASE, LEAD, 5, lead_uc, "S-LEAD-001"),
                                        definition("FR-001", IdKind.FR, LEAD, 9, "lf", "UC-001")])
    crm = feature(CRM, "S-CRM-001", [definition("UC-001", IdKind.USE_CASE, CRM, 5, "c1", "S-CRM-001")])
    return Repo("/r", (loan, lead, crm), None)


def test_fr_fingerprint_includes_its_use_cases_and_nothing_else() -> None:
    before, uc_edited, other_fr = requirement_index(repo()), requirement_index(repo(uc_digest="u1b")), \
        requirement_index(repo(fr2_digest="f2b"))
    assert before.fingerprint("FR-LOAN-001") != uc_edited.fingerprint("FR-LOAN-001")
    assert before.fingerprint("UC-LOAN-001") != uc_edited.fingerprint("UC-LOAN-001")
    assert before.fingerprint("FR-LOAN-001") == other_fr.fingerprint("FR-LOAN-001")
    # FR-LOAN-002 serves two use cases (Related UC cell): either one's edit reruns its tests.
    assert before.depends_on("FR-LOAN-002") == ("FR-LOAN-002", "UC-LOAN-002", "UC-LOAN-001")
    assert before.fingerprint("FR-LOAN-002") != uc_edited.fingerprint("FR-LOAN-002")
    assert before.fingerprint("FR-NOPE-001") == ""


def test_area_less_ids_are_keyed_by_feature_and_resolved_by_scope() -> None:
    index = requirement_index(repo())
    assert index.resolve("UC-001") == ["S-CRM-001/UC-001", "S-LEAD-001/UC-001"]
    assert index.resolve("UC-001", ["S-LEAD-001"]) == ["S-LEAD-001/UC-001"]
    assert index.resolve("S-CRM-001/UC-001") == ["S-CRM-001/UC-001"]
    assert index.resolve("FR-001") == ["S-LEAD-001/FR-001"]
    assert index.depends_on("S-LEAD-001/FR-001") == ("S-LEAD-001/FR-001", "S-LEAD-001/UC-001")
    assert requirement_index(repo(lead_uc="l2")).fingerprint("S-LEAD-001/FR-001") != index.fingerprint(
        "S-LEAD-001/FR-001")


def test_features_are_scope_wildcards_and_aliases_expand() -> None:
    index = requirement_index(repo())
    assert index.resolve("S-LOAN-001") == []
    assert index.resolve("FR-LOAN-*") == ["FR-LOAN-001", "FR-LOAN-002"]
    assert index.resolve("M-BOOK") == ["M-BOOK-001"]
    assert index.resolve("FR-TYPO-001") == ["FR-TYPO-001"]
    assert requirement_index(None).resolve("FR-LOAN-001") == ["FR-LOAN-001"]


def test_member_ids_of_a_use_case_and_of_a_feature() -> None:
    tree = repo()
    assert member_ids(tree, "UC-LOAN-001") == {"FR-LOAN-001", "FR-LOAN-002"}
    assert {"UC-LOAN-001", "FR-LOAN-002", "M-BOOK-001"} <= member_ids(tree, "S-LOAN-001")
    assert "S-LEAD-001/UC-001" in member_ids(tree, "S-LEAD-001")


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


PROJECT = {
    "conftest.py": "import fixtures_root\n",
    "fixtures_root.py": "",
    "src/app/__init__.py": "",
    "src/app/a.py": "from .b import helper\n",
    "src/app/b.py": "import app.c\n",
    "src/app/c.py": "",
    "src/app/unused.py": "",
    "tests/conftest.py": "",
    "tests/unit/test_a.py": (
        "# @spec S-LEAD-001\nimport pytest\nfrom app.a import x\n\n"
        "@pytest.mark.spec('UC-001', 'FR-LOAN-001')\ndef test_one():\n    pass\n"
    ),
    "tests/unit/test_broken.py": "from app import unused\ndef test_(:\n",
}


def test_test_file_deps_cover_conftests_and_transitive_imports(tmp_path: Path) -> None:
    root = write(tmp_path, PROJECT)
    facts = FactsCache(root, None)
    paths = ["tests/unit/test_a.py", "tests/unit/test_broken.py", "tests/missing.py"]
    files = collect_test_files(paths, facts,
                               Resolver(str(root), ["src", "."]), requirement_index(repo()))
    by_path = {f.path: f for f in files}
    assert set(by_path) == {"tests/unit/test_a.py", "tests/unit/test_broken.py"}
    assert {key.partition("::")[0] for key in by_path["tests/unit/test_a.py"].deps} == {
        "tests/unit/test_a.py", "conftest.py", "fixtures_root.py", "tests/conftest.py",
        "src/app/__init__.py", "src/app/a.py", "src/app/b.py", "src/app/c.py"}
    assert [(c.test, c.key) for c in by_path["tests/unit/test_a.py"].citations] == [
        ("test_one", "FR-LOAN-001"), ("test_one", "S-LEAD-001/UC-001")]
    broken = by_path["tests/unit/test_broken.py"]
    assert "src/app/unused.py" in {key.partition("::")[0] for key in broken.deps}
    assert broken.errors == ("tests/unit/test_broken.py:2: invalid syntax",) or broken.errors[0].startswith(
        "tests/unit/test_broken.py:2:")


def test_non_python_runner_depends_on_the_test_file_only(tmp_path: Path) -> None:
    root = write(tmp_path, {"web/login.test.ts": "// @uc UC-LOAN-001\nimport { a } from './a'\n",
                            "web/a.ts": ""})
    facts = FactsCache(root, None)
    (only,) = collect_test_files(["web/login.test.ts"], facts, None, requirement_index(repo()))
    assert set(only.deps) == {"web/login.test.ts"}
    assert [c.key for c in only.citations] == ["UC-LOAN-001"]


def test_facts_cache_skips_unchanged_files_and_sees_same_size_edits(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    root = write(tmp_path, {"m.py": "import a\n"})
    cache_file = tmp_path / "cache.json"
    old = os.stat(root / "m.py").st_mtime_ns - 10_000_000_000
    os.utime(root / "m.py", ns=(old, old))
    first = FactsCache(root, cache_file)
    assert first.facts("m.py") is not None
    first.save()
    parsed: list[str] = []
    real = summary_module.summarize  # the facts reader imports it when it reads a file
    monkeypatch.setattr(summary_module, "summarize", lambda tree, text: parsed.append(text) or real(tree, text))
    again = FactsCache(root, cache_file).facts("m.py")
    assert again is not None and [r.module for r in again.imports] == ["a"]
    assert parsed == []
    (root / "m.py").write_text("import b\n")  # same size: the new mtime and the digest tell
    os.utime(root / "m.py", ns=(old + 5, old + 5))
    assert [r.module for r in FactsCache(root, cache_file).facts("m.py").imports] == ["b"]  # type: ignore[union-attr]
    assert parsed == ["import b\n"]


def test_racy_entries_are_rehashed(tmp_path: Path) -> None:
    root = write(tmp_path, {"m.py": "import a\n"})
    cache_file = tmp_path / "cache.json"
    first = FactsCache(root, cache_file)
    first.facts("m.py")
    first.save()  # written within two seconds of the file's mtime: racy
    stat = os.stat(root / "m.py")
    (root / "m.py").write_text("import b\n")
    os.utime(root / "m.py", ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert [r.module for r in FactsCache(root, cache_file).facts("m.py").imports] == ["b"]  # type: ignore[union-attr]
