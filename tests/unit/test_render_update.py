"""One plan brought up to date in-process: statuses, writes, backups; bad input never crashes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from plan_files import LOAN, copy_tree, update

from specmesh_tasks.render.update import Options, Status
from specmesh_tasks.tasks import common
from specmesh_tasks.tasks.plan import run_plan

TESTS = Path(__file__).resolve().parents[1]
FEES = ".specify/specs/features/sfees001-fees/spec.md"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return copy_tree(tmp_path)


def test_created_then_unchanged_without_touching_the_file(root: Path) -> None:
    assert update(root).status is Status.CREATED
    plan = root / LOAN.replace("spec.md", "plan.md")
    stamp = plan.stat().st_mtime_ns
    assert update(root).status is Status.UNCHANGED and plan.stat().st_mtime_ns == stamp


def test_blocked_by_the_clarify_gate_with_file_and_line(root: Path) -> None:
    outcome = update(root, FEES)
    assert outcome.status is Status.BLOCKED and outcome.status.fails
    assert f"{FEES}:30: [NEEDS CLARIFICATION: per book or per loan?]" in outcome.details
    assert not (root / FEES.replace("spec.md", "plan.md")).exists()


def test_conflict_check_and_force(root: Path) -> None:
    update(root)
    plan = root / LOAN.replace("spec.md", "plan.md")
    edited = plan.read_text(encoding="utf-8").replace("Branch: feature/12-lending", "Branch: lending")
    plan.write_text(edited, encoding="utf-8")
    conflict = update(root)
    assert conflict.status is Status.CONFLICT and "'header'" in conflict.details
    assert plan.read_text(encoding="utf-8") == edited
    check = update(root, check=True)
    assert check.status is Status.CONFLICT  # --check reports it too, and writes nothing
    forced = update(root, force=True)
    assert forced.status is Status.FORCED and forced.backup == "plan.md.orig"
    assert (plan.parent / "plan.md.orig").read_text(encoding="utf-8") == edited
    assert "Branch: feature/12-lending" in plan.read_text(encoding="utf-8")


def test_check_reports_a_diff_and_writes_nothing(root: Path) -> None:
    check = update(root, check=True)
    assert check.status is Status.WOULD_CHANGE and check.details.startswith("--- ")
    assert not (root / LOAN.replace("spec.md", "plan.md")).exists()


def test_unmanaged_is_left_alone_and_adopt_keeps_a_backup(root: Path) -> None:
    plan = root / LOAN.replace("spec.md", "plan.md")
    plan.write_text("# My plan\n\nWords.\n", encoding="utf-8")
    assert update(root).status is Status.UNMANAGED
    assert update(root, check=True).status is Status.UNMANAGED
    adopted = update(root, adopt=True)
    assert adopted.status is Status.ADOPTED and adopted.backup == "plan.md.orig"
    assert "Words." in plan.read_text(encoding="utf-8")


def test_a_plan_that_is_not_utf8_is_not_touched(root: Path) -> None:
    plan = root / LOAN.replace("spec.md", "plan.md")
    plan.write_bytes(b"# Plan\n\xff\xfe\n")
    outcome = update(root)
    assert outcome.status is Status.BLOCKED and "not valid UTF-8" in outcome.message
    assert plan.read_bytes() == b"# Plan\n\xff\xfe\n"


@pytest.fixture
def project(root: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("SPECMESH_ROOT", str(root))
    common.reset()
    yield root
    common.reset()


RESOURCES = sorted(p.name for p in (TESTS / "resources" / "specs").glob("*.md"))


@pytest.mark.parametrize("name", RESOURCES)
def test_malformed_specs_never_crash_a_plan(project: Path, name: str) -> None:
    rel = f".specify/specs/features/zz-{name.removesuffix('.md')}/spec.md"
    target = project / rel
    target.parent.mkdir(parents=True)
    target.write_bytes((TESTS / "resources" / "specs" / name).read_bytes())
    outcome = run_plan(project, rel, Options())
    assert outcome.status in (Status.CREATED, Status.BLOCKED), outcome
    plan = target.parent / "plan.md"
    if outcome.status is Status.BLOCKED:
        assert not plan.exists() and outcome.details
    else:
        assert plan.read_text(encoding="utf-8").startswith("# Implementation Plan:")
    if name.startswith("latin1"):
        assert outcome.status is Status.BLOCKED and "cannot be read" in outcome.message


OLD_PLAN = TESTS / "resources" / "plans_0_1" / "sloan001-lending.plan.md"  # made by the 0.1 release


def test_owner_is_seeded_from_the_author_then_the_persons(root: Path) -> None:
    """Issue 13: Owner is the header line people edit most; editing it was a conflict."""
    assert update(root).status is Status.CREATED
    plan = root / LOAN.replace("spec.md", "plan.md")
    text = plan.read_text(encoding="utf-8")
    assert "<!-- specmesh:end header -->\nOwner: 山田 花子\n" in text
    plan.write_text(text.replace("Owner: 山田 花子", "Owner: the desk team"), encoding="utf-8")
    spec = root / LOAN
    spec.write_text(spec.read_text(encoding="utf-8").replace(": Borrow a book", ": Borrow a copy"),
                    encoding="utf-8")
    outcome = update(root)
    assert outcome.status is Status.UPDATED, outcome.report()
    text = plan.read_text(encoding="utf-8")
    assert "Owner: the desk team" in text and "Borrow a copy" in text and text.count("Owner:") == 1


@pytest.mark.parametrize("owner", ["山田 花子", "the desk team"])
def test_a_plan_from_the_previous_release_keeps_its_owner(root: Path, owner: str) -> None:
    plan = root / LOAN.replace("spec.md", "plan.md")
    old = OLD_PLAN.read_text(encoding="utf-8")
    assert "Owner: 山田 花子\n\nInput:" in old  # the Owner line was inside the header block
    plan.write_text(old.replace("Owner: 山田 花子", f"Owner: {owner}"), encoding="utf-8")
    outcome = update(root)
    assert outcome.status is Status.UPDATED, outcome.report()
    text = plan.read_text(encoding="utf-8")
    assert f"<!-- specmesh:end header -->\nOwner: {owner}\nNote:" in text and text.count("Owner:") == 1
    assert update(root).status is Status.UNCHANGED
