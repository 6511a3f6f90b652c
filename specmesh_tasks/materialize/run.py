"""Materialize one feature's tasks.md: read plan and spec, render or merge, tick, then write or diff.

`materialize_feature` is the whole job of one `tasks:<ID>` sub-task, as a plain function the
tests call directly. It never raises for bad input: problems become notes with file:line.
"""

from __future__ import annotations

import codecs
import difflib
from dataclasses import dataclass, field
from pathlib import Path

from specmesh_tasks.formats.task_lines import FORMAT_VERSION
from specmesh_tasks.fsutil import (
    MISSING,
    ChangedSinceRead,
    FileVersion,
    NotRegularFileError,
    read_version,
    rel_posix,
    write_with_backup,
)
from specmesh_tasks.materialize.adopt import adopt_tasks
from specmesh_tasks.materialize.facts import FeatureFacts, feature_facts
from specmesh_tasks.materialize.merge import merge_tasks
from specmesh_tasks.materialize.options import Options
from specmesh_tasks.materialize.render import created_date, skeleton
from specmesh_tasks.parse.breakdown import Breakdown, parse_breakdown
from specmesh_tasks.parse.tasks_md import TasksDoc, parse_tasks_md

_ATTEMPTS = 3  # merges onto a tasks.md that keeps being saved meanwhile, before giving up


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one tasks.md, with its explanation."""

    tasks_rel: str
    action: str  # created | updated | unchanged | would-change | skipped
    notes: tuple[str, ...] = ()
    diff: str = ""

    @property
    def changed(self) -> bool:
        return self.action in ("created", "updated", "would-change")


@dataclass(slots=True)
class _Text:
    """A file's text as LF lines plus how to write it back the same way (BOM, CRLF), and the
    version read (a save made after it is never written over)."""

    text: str
    bom: bool = False
    crlf: bool = False
    data: bytes = b""
    version: FileVersion = MISSING

    def encode(self, lf_text: str) -> str:
        out = lf_text.replace("\n", "\r\n") if self.crlf else lf_text
        return ("\ufeff" + out) if self.bom else out


@dataclass(slots=True)
class _Run:
    root: Path
    feature_dir: Path
    options: Options
    notes: list[str] = field(default_factory=list)

    def rel(self, name: str) -> str:
        return rel_posix(self.feature_dir / name, self.root)


def materialize_feature(root: Path, feature_dir: Path, options: Options | None = None) -> Outcome:
    """Bring `<feature_dir>/tasks.md` in line with plan §11 (see the package docs for the rules).

    When a person saves tasks.md while it is being merged, the merge is done again onto their
    version (a few times at most; then nothing is written and a note says why).
    """
    for _attempt in range(_ATTEMPTS):
        run = _Run(Path(root), Path(feature_dir), options or Options())
        try:
            return _materialize(run)
        except ChangedSinceRead:
            continue
    rel = rel_posix(Path(feature_dir) / "tasks.md", Path(root))
    return Outcome(rel, "skipped", (f"{rel}: saved again while being updated, {_ATTEMPTS} times in a row; "
                                    "not overwritten (run `specmesh tasks` again)",))


def _materialize(run: _Run) -> Outcome:
    tasks_path = run.feature_dir / "tasks.md"
    plan = _read(run, "plan.md")
    if plan is None:
        why = tuple(run.notes) or (f"{run.rel('plan.md')}: no plan yet; nothing to do",)  # unreadable, or none
        return Outcome(run.rel("tasks.md"), "skipped", why)
    spec = _read(run, "spec.md")
    breakdown = parse_breakdown(plan.text, run.rel("plan.md"))
    run.notes.extend(f"{p.location}: {p.message}" for p in breakdown.problems)
    facts = feature_facts(spec.text if spec else None, run.rel("spec.md"), plan.text, run.feature_dir.name)
    existing = _read(run, "tasks.md") if tasks_path.exists() else None
    if tasks_path.exists() and existing is None:
        return Outcome(run.rel("tasks.md"), "skipped", tuple(run.notes))
    base = _starting_text(run, existing, breakdown, facts)
    if base is None:
        return Outcome(run.rel("tasks.md"), "skipped", tuple(run.notes))
    text = _merge(run, base, breakdown, facts)
    if run.options.done_from_git:
        text = _tick(run, text, facts)
    return _finish(run, tasks_path, existing, text)


def _read(run: _Run, name: str) -> _Text | None:
    """A feature file read exactly (an unchanged file is never rewritten); None, noted, if unreadable."""
    path = run.feature_dir / name
    try:
        data, version = read_version(path)
    except NotRegularFileError as exc:
        run.notes.append(f"{run.rel(name)} is {exc.kind}, not a regular file; skipped")
        return None
    except OSError as exc:
        data, version = None, MISSING
        if path.exists():
            run.notes.append(f"{run.rel(name)}: cannot read ({exc.strerror}); left alone")
    if data is None:
        return None
    bom = data.startswith(codecs.BOM_UTF8)
    try:
        text = data[3:].decode("utf-8") if bom else data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        run.notes.append(f"{run.rel(name)}:{line}: not valid UTF-8; left alone")
        return None
    crlf = "\r\n" in text
    return _Text(text.replace("\r\n", "\n").replace("\r", "\n"), bom, crlf, data, version)


def _starting_text(run: _Run, existing: _Text | None, breakdown: Breakdown,
                   facts: FeatureFacts) -> str | None:
    """The text the merge starts from: the managed file, its adopted form, or a new skeleton."""
    if existing is None:
        if not breakdown.groups:
            run.notes.append(f"{run.rel('tasks.md')}: not created: the Work Breakdown gives no tasks")
            return None
        return skeleton(facts, created_date())
    doc = parse_tasks_md(existing.text, run.rel("tasks.md"))
    if doc.managed:
        return existing.text
    if doc.marker_version:
        run.notes.append(f"{run.rel('tasks.md')}:{doc.h1_line + 1}: written by a newer specmesh (format "
                         f"v{doc.marker_version}, this one writes v{FORMAT_VERSION}); left alone")
        return None
    if not run.options.adopt:
        run.notes.append(f"{run.rel('tasks.md')}: not managed by specmesh (no format marker); left alone. "
                         "Run `specmesh tasks --adopt` to convert it, keeping every word")
        return None
    return adopt_tasks(existing.text, facts, created_date(), run.rel("tasks.md"))


def _merge(run: _Run, base: str, breakdown: Breakdown, facts: FeatureFacts) -> str:
    result = merge_tasks(base, breakdown, facts, run.rel("tasks.md"))
    if result.added:
        run.notes.append(f"{run.rel('tasks.md')}: added {', '.join(result.added)}")
    if result.filled:
        filled = ", ".join(result.filled)
        run.notes.append(f"{run.rel('tasks.md')}: filled in the plan's description of {filled}")
    _note_drift(run, parse_tasks_md(result.text, run.rel("tasks.md")), breakdown)
    return result.text


def _note_drift(run: _Run, doc: TasksDoc, breakdown: Breakdown) -> None:
    """Tell about orphans and edited descriptions (kept as they are; the gates report them too)."""
    planned = {t.id: t for t in breakdown.tasks()}
    for task in doc.tasks:
        task_id = task.item.id
        if task_id is None:
            continue
        where = f"{doc.path}:{task.line}"
        if breakdown.groups and task_id not in planned:
            run.notes.append(f"{where}: {task_id} is not in the Work Breakdown (an orphan); kept")
        elif task_id in planned and planned[task_id].description and not task.item.unfilled \
                and task.item.description != planned[task_id].description:
            run.notes.append(f"{where}: {task_id} description differs from the Work Breakdown's; kept")


def _tick(run: _Run, text: str, facts: FeatureFacts) -> str:
    from specmesh_tasks.materialize.gitdone import branch_log, tick_tasks

    if not facts.branch:
        return text
    log = branch_log(run.root, run.options.ref)
    if facts.branch != log.branch:
        return text

    ticked, notes, absent = tick_tasks(text, log, run.rel("tasks.md"))
    run.notes.extend(notes)
    if absent:
        run.notes.append(f"{run.rel('tasks.md')}: commits on {log.branch} name {', '.join(absent)}, "
                         "which this file does not have")
    return ticked if ticked.endswith("\n") else ticked + "\n"


def _finish(run: _Run, path: Path, existing: _Text | None, text: str) -> Outcome:
    form = existing or _Text("")
    new = form.encode(text)
    old = form.encode(existing.text) if existing else None
    rel = run.rel("tasks.md")
    if old == new:
        return Outcome(rel, "unchanged", tuple(run.notes))
    if run.options.check:
        return Outcome(rel, "would-change", tuple(run.notes), unified_diff(existing.text if existing else "",
                                                                            text, rel))
    adopted = existing is not None and run.options.adopt and not parse_tasks_md(existing.text, rel).managed
    backup = write_with_backup(path, new, read=existing.version if existing else MISSING,
                               backup=existing.data if existing is not None and adopted else None)
    if backup is not None:
        run.notes.append(f"{rel}: adopted; the original is kept as {rel_posix(backup, run.root)}")
    return Outcome(rel, "updated" if existing else "created", tuple(run.notes))


def unified_diff(old: str, new: str, rel: str) -> str:
    """A unified diff of the file as it is against what `specmesh tasks` would write."""
    lines = difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True),
                                 fromfile=f"a/{rel}", tofile=f"b/{rel}")
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)

