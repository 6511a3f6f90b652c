"""Bring one feature's plan.md up to date: prerequisites, render, merge or adopt, write.

`update_plan()` is what the `plan:<ID>` action calls; tests call it directly. It returns a
`PlanOutcome` that says what happened and why (never raises for a problem in the user's files).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from specmesh_tasks.errors import TemplateReferenceError
from specmesh_tasks.fsutil import (
    MISSING,
    ChangedSinceRead,
    FileVersion,
    NotRegularFileError,
    read_version,
    write_with_backup,
)
from specmesh_tasks.model.spec import MarkerKind, Repo, SpecDoc

PLAN_NAME = "plan.md"
_ATTEMPTS = 3  # merges onto a plan.md that keeps being saved meanwhile, before giving up


class Status(str, Enum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    ADOPTED = "adopted"
    FORCED = "forced"  # conflicts overwritten after a backup
    WOULD_CHANGE = "would-change"  # --check found a difference
    UNMANAGED = "unmanaged"  # a plan we did not write: left alone
    BLOCKED = "blocked"  # CLARIFY GATE failed, or the spec cannot be read
    CONFLICT = "conflict"  # generated text edited by hand

    @property
    def fails(self) -> bool:
        """Statuses that make the run exit 1."""
        return self in (Status.WOULD_CHANGE, Status.BLOCKED, Status.CONFLICT)


_VERBS = {"created": "created", "adopted": "adopted", "forced": "regenerated"}


@dataclass(frozen=True, slots=True)
class PlanOutcome:
    status: Status
    plan: str  # root-relative path of plan.md
    message: str  # one line
    details: str = ""  # reasons with file:line, conflict diffs, the --check diff
    notes: tuple[str, ...] = ()
    backup: str | None = None

    def report(self) -> str:
        return f"{self.message}\n{self.details}".rstrip() if self.details else self.message


@dataclass(frozen=True, slots=True)
class Options:
    check: bool = False
    force: bool = False
    adopt: bool = False


@dataclass(frozen=True, slots=True)
class Inputs:
    """Everything a render needs besides the model."""

    root: Path
    template: Path
    cache_dir: Path | None = None
    extra_notes: tuple[str, ...] = field(default_factory=tuple)


def clarify_blockers(spec: SpecDoc) -> list[str]:
    """The CLARIFY GATE: every `[NEEDS CLARIFICATION]` left in the spec, as `file:line: text`."""
    return [f"{m.location}: {m.text}" for m in spec.markers if m.kind is MarkerKind.NEEDS_CLARIFICATION]


def update_plan(spec: SpecDoc, repo: Repo, spec_text: str | None, inputs: Inputs,
                options: Options = Options()) -> PlanOutcome:
    """Render the plan of `spec` and write it unless something stops it (see `Status`)."""
    from specmesh_tasks.render.blocks import PlanTemplateError

    plan_path = inputs.root / Path(spec.path).parent / PLAN_NAME
    rel = (Path(spec.path).parent / PLAN_NAME).as_posix()
    blockers = clarify_blockers(spec)
    if blockers:
        return PlanOutcome(Status.BLOCKED, rel, f"{rel}: blocked by the CLARIFY GATE "
                           f"({len(blockers)} [NEEDS CLARIFICATION] left in {spec.path})",
                           "\n".join(f"  {b}" for b in blockers))
    for _attempt in range(_ATTEMPTS):
        existing, problem = _read_plan(plan_path, rel)
        if problem:
            return PlanOutcome(Status.BLOCKED, rel, problem)
        try:
            return _update(spec, repo, spec_text, inputs, options, plan_path, rel, existing)
        except PlanTemplateError as exc:
            return PlanOutcome(Status.BLOCKED, rel, f"{rel}: the plan template does not render: {exc}")
        except TemplateReferenceError as exc:
            return PlanOutcome(Status.BLOCKED, rel, f"{rel}: {str(exc).removeprefix('error: ')}")
        except ChangedSinceRead:
            continue  # a person saved plan.md while it was being merged: merge onto their version
    return PlanOutcome(Status.CONFLICT, rel, f"{rel}: saved again while being updated, {_ATTEMPTS} times "
                       "in a row; not overwritten (run `specmesh plan` again)")


@dataclass(frozen=True, slots=True)
class _Existing:
    """plan.md as read: its text, and the version the merge starts from."""

    text: str
    data: bytes
    version: FileVersion


def _read_plan(path: Path, rel: str) -> tuple[_Existing | None, str]:
    try:
        data, version = read_version(path)
    except NotRegularFileError as exc:
        return None, f"{rel} is {exc.kind}, not a regular file; skipped"
    except OSError as exc:
        return None, f"{rel}: cannot read: {exc.strerror or exc}"
    if data is None:
        return None, ""
    try:
        return _Existing(data.decode("utf-8"), data, version), ""
    except UnicodeDecodeError as exc:
        return None, f"{rel}: not valid UTF-8 (byte {exc.start}); not touched"


def _update(spec: SpecDoc, repo: Repo, spec_text: str | None, inputs: Inputs, options: Options,
            plan_path: Path, rel: str, existing: _Existing | None) -> PlanOutcome:
    from specmesh_tasks.parse.plan import is_managed
    from specmesh_tasks.render.adopt import adopt
    from specmesh_tasks.render.blocks import creation_date, render_plan
    from specmesh_tasks.render.context import build_context
    from specmesh_tasks.render.merge import merge, read_created
    from specmesh_tasks.render.templates import template_source, with_references

    created = (read_created(existing.text) if existing else None) or creation_date()
    ctx = build_context(spec, repo, spec_text)
    files = with_references(inputs.template, inputs.root)
    rendered = render_plan(ctx, files[0].read_text(encoding="utf-8"), created=created,
                           template_name=inputs.template.name, cache_dir=inputs.cache_dir,
                           template_dir=inputs.template.parent, root=inputs.root, source=template_source(files))
    if existing is None:
        return _finish(Status.CREATED, rel, plan_path, None, rendered.text, options)
    if not is_managed(existing.text):
        if not options.adopt:
            return PlanOutcome(Status.UNMANAGED, rel, f"{rel}: not managed by specmesh (no format marker); "
                               "left as is — `specmesh plan --adopt` converts it")
        result = adopt(existing.text, rendered)
        note = (f"{result.unplaced} line(s) without a matching place are in its last section",) \
            if result.unplaced else ()
        return _finish(Status.ADOPTED, rel, plan_path, existing, result.text, options, backup=True,
                       notes=note)
    merged = merge(existing.text, rendered, force=options.force, path=rel)
    if merged.conflicts and not options.force:
        details = "\n".join(c.report(rel) for c in merged.conflicts)
        return PlanOutcome(Status.CONFLICT, rel, f"{rel}: {len(merged.conflicts)} generated part(s) edited "
                           "by hand; not overwritten (rerun with --force to keep a copy and regenerate)",
                           details, merged.notes)
    status = Status.FORCED if merged.conflicts else Status.UPDATED
    return _finish(status, rel, plan_path, existing, merged.text, options,
                   backup=bool(merged.conflicts), notes=merged.notes)


def _finish(status: Status, rel: str, plan_path: Path, existing: _Existing | None, text: str,
            options: Options, *, backup: bool = False, notes: tuple[str, ...] = ()) -> PlanOutcome:
    """Write `text` over the version of plan.md it was made from (ChangedSinceRead if it moved)."""
    from specmesh_tasks.render.merge import unified_diff

    if existing is not None and existing.text == text:
        return PlanOutcome(Status.UNCHANGED, rel, f"{rel}: up to date", notes=notes)
    if options.check:
        diff = unified_diff(existing.text if existing else "", text, rel)
        return PlanOutcome(Status.WOULD_CHANGE, rel, f"{rel}: would change", diff, notes)
    saved = write_with_backup(plan_path, text, read=existing.version if existing else MISSING,
                              backup=existing.data if backup and existing is not None else None)
    verb = _VERBS.get(status.value, "updated")
    kept = f" (the previous version is kept as {saved.name})" if saved else ""
    return PlanOutcome(status, rel, f"{rel}: {verb}{kept}", notes=notes, backup=saved.name if saved else None)
