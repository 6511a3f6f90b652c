"""A save a person makes while `specmesh plan` or `specmesh tasks` works on plan.md or tasks.md is
never overwritten (issue 13).

The window between reading the file and renaming the new text over it is made deterministic with
the write helper's hook: the "person" saves exactly there, as an editor does (a temporary file
renamed over the file) or in place.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from plan_files import LOAN, copy_tree, update

from specmesh_tasks import fsutil
from specmesh_tasks.materialize.run import materialize_feature
from specmesh_tasks.render.update import Status

PERSON = "- Deployment strategy: canary, decided in the review\n"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return copy_tree(tmp_path)


@pytest.fixture
def saves(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Callable[[Path], None]]]:
    """Saves to make in the window, one per write attempt (the first attempt gets the first)."""
    pending: list[Callable[[Path], None]] = []

    def hook(path: Path) -> None:
        if pending and path.name in ("plan.md", "tasks.md"):
            pending.pop(0)(path)

    monkeypatch.setattr(fsutil, "_before_replace", hook)
    yield pending


def editor_save(path: Path, text: str) -> None:
    """Save as editors do: a temporary file in the same folder, renamed over the file."""
    tmp = path.with_name(f".{path.name}.swp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def answer_deployment(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    editor_save(path, text.replace("  - Single-shot / blue-green / canary / feature flag:\n",
                                   "  - Single-shot / blue-green / canary / feature flag:\n" + PERSON, 1))


def rename_use_case(root: Path) -> None:
    spec = root / LOAN
    spec.write_text(spec.read_text(encoding="utf-8").replace(": Borrow a book", ": Borrow a copy"),
                    encoding="utf-8")


def plan_text(root: Path) -> str:
    return (root / LOAN).with_name("plan.md").read_text(encoding="utf-8")


def test_an_editor_save_during_the_update_is_merged_not_overwritten(
        root: Path, saves: list[Callable[[Path], None]]) -> None:
    assert update(root).status is Status.CREATED
    rename_use_case(root)
    saves.append(answer_deployment)
    outcome = update(root)
    assert outcome.status is Status.UPDATED and not saves  # the save landed in the window
    text = plan_text(root)
    assert PERSON in text  # the person's save is kept ...
    assert "UC-LOAN-001 (Borrow a copy" in text  # ... and the spec's change merged onto it


def test_an_in_place_save_keeping_size_and_mtime_is_seen(
        root: Path, saves: list[Callable[[Path], None]]) -> None:
    update(root)
    rename_use_case(root)

    def same_size(path: Path) -> None:
        before = path.stat()
        text = path.read_text(encoding="utf-8")
        edited = text.replace("- Metrics to emit (counters, gauges, timers):",
                              "- Metrics to emit (counters, gauges, timers)!")
        path.write_text(edited, encoding="utf-8")
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))

    saves.append(same_size)
    assert update(root).status is Status.UPDATED
    assert "- Metrics to emit (counters, gauges, timers)!" in plan_text(root)


def test_a_plan_saved_at_every_attempt_is_never_overwritten(
        root: Path, saves: list[Callable[[Path], None]]) -> None:
    update(root)
    rename_use_case(root)
    versions: list[str] = []

    def save(path: Path) -> None:
        versions.append(f"- Rollback strategy: attempt {len(versions)}\n")
        text = path.read_text(encoding="utf-8").replace("- Rollback strategy:\n", versions[-1], 1)
        editor_save(path, text.replace(versions[-2] if len(versions) > 1 else "\0", versions[-1]))

    saves.extend([save] * 5)
    outcome = update(root)
    assert outcome.status is Status.CONFLICT and outcome.status.fails
    assert "saved again while being updated" in outcome.message
    assert versions[-1] in plan_text(root)  # the person's latest save is what is on disk
    assert "Borrow a copy" not in plan_text(root)


def test_force_backs_up_the_version_it_merged_onto(
        root: Path, saves: list[Callable[[Path], None]]) -> None:
    update(root)
    plan = (root / LOAN).with_name("plan.md")
    edited = plan.read_text(encoding="utf-8").replace("Branch: feature/12-lending\n",
                                                      "Branch: feature/12-lending\nEdited\n")
    plan.write_text(edited, encoding="utf-8")
    saves.append(answer_deployment)
    outcome = update(root, force=True)
    assert outcome.status is Status.FORCED
    backups = sorted(p.name for p in plan.parent.glob("plan.md.orig*"))
    assert backups == ["plan.md.orig"]  # no copy of the version that was saved over
    assert PERSON in (plan.parent / "plan.md.orig").read_text(encoding="utf-8")
    assert PERSON in plan.read_text(encoding="utf-8")


def test_the_write_helper_refuses_to_replace_a_file_saved_after_it_was_read(
        tmp_path: Path, saves: list[Callable[[Path], None]]) -> None:
    target = tmp_path / "plan.md"
    target.write_text("mine\n", encoding="utf-8")
    _data, version = fsutil.read_version(target)
    target.write_text("saved meanwhile\n", encoding="utf-8")
    with pytest.raises(fsutil.ChangedSinceRead):
        fsutil.write_if_changed(target, "ours\n", read=version)
    saves.append(lambda path: editor_save(path, "saved in the window\n"))
    with pytest.raises(fsutil.ChangedSinceRead):
        fsutil.write_if_changed(target, "ours\n")
    assert target.read_text(encoding="utf-8") == "saved in the window\n"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.md"]  # no temporary file left behind


def test_a_tasks_md_saved_during_materialization_keeps_the_tick(
        root: Path, saves: list[Callable[[Path], None]], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    update(root)
    folder = (root / LOAN).parent
    assert materialize_feature(root, folder).action == "created"
    plan = folder / "plan.md"
    plan.write_text(plan.read_text(encoding="utf-8").replace("-> T-101, T-102", "-> T-101, T-102, T-103"),
                    encoding="utf-8")

    def tick(path: Path) -> None:
        editor_save(path, path.read_text(encoding="utf-8").replace("- [ ] [T-101]", "- [x] [T-101]"))

    saves.append(tick)
    outcome = materialize_feature(root, folder)
    assert outcome.action == "updated" and not saves
    text = (folder / "tasks.md").read_text(encoding="utf-8")
    assert "- [x] [T-101]" in text and "[T-103]" in text  # the tick kept, the new task added
