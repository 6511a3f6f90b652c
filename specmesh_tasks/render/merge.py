"""Merge a freshly rendered plan into the plan.md a person has been editing.

Only marked text is ours (see `formats/plan_markers.py`): the format marker, generated lines and generated
blocks. Everything else in the existing file is kept byte for byte, line endings included.
A generated line or block whose text no longer matches its hash was edited by a person: it is a
conflict (reported with a unified diff) and nothing is written, unless `force` is set.

A generated line whose value disappears becomes its bare prompt again; a value that appears is
put into the bare prompt line, and a new block into its untouched place (`fill.py`). A prompt a
person has answered by hand keeps the answer (a note says so). A block a person removed together
with its markers is not added back unless its place is as the template left it.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from specmesh_tasks.formats.plan_markers import (
    BEGIN_RE,
    FORMAT_VERSION,
    LINE_RE,
    MARKER_TAG,
    format_marker,
    marker_hash,
)
from specmesh_tasks.fsutil import normalize_text
from specmesh_tasks.parse.plan import MarkerProblem, PlanScan, ProblemKind, Slot, SlotKind, bare, scan_plan
from specmesh_tasks.render import fill
from specmesh_tasks.render.seal import Rendered

_KEY = re.compile(r"^([A-Z][A-Za-z ()/]*):")  # a header line's key


@dataclass(frozen=True, slots=True)
class Conflict:
    """Generated text a person edited (or a marker that no longer pairs up)."""

    name: str
    line: int  # 1-based
    message: str
    diff: str = ""

    def report(self, path: str) -> str:
        head = f"{path}:{self.line}: {self.message}"
        return f"{head}\n{self.diff}" if self.diff else head


@dataclass(frozen=True, slots=True)
class MergeResult:
    """The merged text, and why it is what it is."""

    text: str
    conflicts: tuple[Conflict, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def blocked(self) -> bool:
        return bool(self.conflicts)


@dataclass
class _Edit:
    """Replace lines [start, end] (inclusive) of the existing plan with `new` (no line endings)."""

    start: int
    end: int
    new: list[str] = field(default_factory=list)


class NotManagedError(ValueError):
    """merge() was given a plan without a format marker (it must never be modified)."""


def merge(existing: str, rendered: Rendered, *, force: bool = False, path: str = "plan.md") -> MergeResult:
    """Merge `rendered` into `existing`; on a conflict return `existing` unchanged unless `force`."""
    old = scan_plan(existing)
    if not old.managed:
        raise NotManagedError(f"{path} has no specmesh format marker")
    new = scan_plan(rendered.text)
    edits: list[_Edit] = []
    conflicts: list[Conflict] = []
    notes: list[str] = []
    if old.format_version != FORMAT_VERSION:
        conflicts.append(Conflict("plan", old.format_index + 1, f"plan format v{old.format_version} is not "
                                  f"supported (this version writes v{FORMAT_VERSION})"))
        return MergeResult(existing, tuple(conflicts))
    edits.append(_Edit(old.format_index, old.format_index, [format_marker(new.inputs)]))
    for problem in old.problems:
        conflicts.append(Conflict(problem.name, problem.index + 1, f"broken marker: {problem.message}"))
        if force:
            edits.append(_repair(problem, old, new))
    for slot in old.slots:
        _merge_slot(slot, new, rendered, path, force, edits, conflicts, notes)
    covered = old.covered()
    fill_notes: list[str] = []  # "LINE: ..." -> "path:LINE: ...", so a note names its file
    fills = fill.new_lines(old, new, rendered, covered, fill_notes)
    block_fills, placed = fill.new_blocks(old, new, rendered, covered, fill_notes)
    notes += [f"{path}:{note}" for note in fill_notes]
    edits += [_Edit(f.index, f.index, list(f.lines)) for f in fills]
    inserts = {f.index: list(f.lines) for f in block_fills}
    for slot in new.slots:
        if slot.kind is SlotKind.BLOCK and old.slot(slot.name) is None and slot.name not in placed:
            notes.append(f"{path}: generated block '{slot.name}' has no untouched place in the file (removed "
                         "by hand, or the text around its place changed); not added")
    if conflicts and not force:
        return MergeResult(existing, tuple(conflicts), tuple(notes))
    return MergeResult(_apply(old, edits, inserts), tuple(conflicts), tuple(notes))


def _repair(problem: MarkerProblem, old: PlanScan, new: PlanScan) -> _Edit:
    """What `--force` does with a broken marker: the person's text stays, generated text is made
    again. A repeated line marker leaves its line's text; a begin marker whose end marker was
    deleted becomes the fresh block again (over its old text when that is still intact)."""
    i = problem.index
    if problem.kind is ProblemKind.REPEATED_LINE:
        match = LINE_RE.match(bare(old.lines[i]))
        return _Edit(i, i, [match.group(1)] if match else [])
    fresh = new.slot(problem.name)
    if problem.kind is not ProblemKind.UNTERMINATED or fresh is None or fresh.kind is not SlotKind.BLOCK:
        return _Edit(i, i, [])  # only a marker: it goes, the text around it stays
    block = [x.rstrip("\r\n") for x in new.lines[fresh.start:fresh.end + 1]]
    sha = BEGIN_RE.match(bare(old.lines[i]))
    return _Edit(i, _intact_end(old, i, sha.group(2) if sha else ""), block)


def _intact_end(old: PlanScan, begin: int, sha: str) -> int:
    """The last line of an unterminated block's generated text when that text is still intact (it
    hashes to the begin marker's sha), else `begin` (the old text is then the person's)."""
    for end in range(begin, len(old.lines)):
        if end > begin and old.lines[end].startswith(MARKER_TAG):
            break
        content = "\n".join(x.rstrip("\r\n") for x in old.lines[begin + 1:end + 1])
        if marker_hash(content) == sha:
            return end
    return begin


def _merge_slot(slot: Slot, new: PlanScan, rendered: Rendered, path: str, force: bool,
                edits: list[_Edit], conflicts: list[Conflict], notes: list[str]) -> None:
    fresh = new.slot(slot.name)
    if fresh is not None and fresh.kind is not slot.kind:
        fresh = None
    if fresh is None and slot.edited and (slot.kind is SlotKind.BLOCK or slot.name not in rendered.prompts):
        # A name the template does not generate, on text that does not match its hash: a person's
        # line that merely ends in a marker-like comment (or text we no longer make). Theirs.
        notes.append(f"{path}:{slot.line}: '{slot.name}' is not generated by the template; left as is")
        return
    replacement = _replacement(slot, fresh, new, rendered)
    wanted = fresh.content if fresh is not None else None
    unchanged_by_person = (not slot.edited or (wanted is not None and _same(slot.content, wanted))
                           or _only_seeded_edited(slot, fresh, new))
    if not unchanged_by_person:
        kind = "block" if slot.kind is SlotKind.BLOCK else "line"
        what = "is no longer generated" if fresh is None else "differs from what the specs give now"
        conflicts.append(Conflict(
            slot.name, slot.line,
            f"generated {kind} '{slot.name}' was edited by hand and {what}; "
            "rerun with --force to keep a copy (plan.md.orig) and regenerate",
            _diff(slot.content, wanted or "", path, slot.name)))
        if not force:
            return
    edits.append(_Edit(slot.start, slot.end, replacement))


def _replacement(slot: Slot, fresh: Slot | None, new: PlanScan, rendered: Rendered) -> list[str]:
    """What the slot's lines become: the fresh slot, its bare prompt, or nothing."""
    if fresh is not None:
        lines = [x.rstrip("\r\n") for x in new.lines[fresh.start:fresh.end + 1]]
        return lines + _moved_out(slot, fresh, new) if slot.kind is SlotKind.BLOCK else lines
    if slot.kind is SlotKind.LINE and slot.name in rendered.prompts:
        return [rendered.prompts[slot.name]]
    return []


def _moved_out(slot: Slot, fresh: Slot, new: PlanScan) -> list[str]:
    """`Key: value` lines of an old block that the template now seeds right after the block (the
    header's `Owner:` line, generated before and the person's now): they stay, after the block."""
    seeded = _seeded_after(fresh, new)
    return [x for x in slot.content.split("\n") if (m := _KEY.match(x)) and m.group(1) in seeded]


def _seeded_after(fresh: Slot, new: PlanScan) -> dict[str, str]:
    """The seeded `Key: value` lines right after a fresh block whose key the block itself lacks."""
    inside = {m.group(1) for x in fresh.content.split("\n") if (m := _KEY.match(x))}
    out: dict[str, str] = {}
    for line in new.lines[fresh.end + 1:]:
        m = _KEY.match(line)
        if m is None:
            break
        if m.group(1) not in inside:
            out[m.group(1)] = line.rstrip("\r\n")
    return out


def _only_seeded_edited(slot: Slot, fresh: Slot | None, new: PlanScan) -> bool:
    """True when an old block's text matches its hash once its lines that are seeded now take the
    values they were generated with (a plan made before `Owner:` left the header block, whose
    Owner was then changed by hand: that was never a conflict)."""
    if fresh is None or slot.kind is not SlotKind.BLOCK:
        return False
    seeded = _seeded_after(fresh, new)
    if not seeded:
        return False
    lines = [seeded.get(m.group(1), x) if (m := _KEY.match(x)) else x for x in slot.content.split("\n")]
    return marker_hash("\n".join(lines)) == slot.sha


def _same(a: str, b: str) -> bool:
    return normalize_text(a) == normalize_text(b)


def _diff(edited: str, generated: str, path: str, name: str) -> str:
    lines = difflib.unified_diff(
        normalize_text(edited).split("\n") if edited else [],
        normalize_text(generated).split("\n") if generated else [],
        fromfile=f"{path} ({name}, as edited)", tofile=f"{path} ({name}, generated now)", lineterm="")
    return "\n".join(lines)


def _eol(scan: PlanScan) -> str:
    """The plan's own line ending (CRLF checkouts stay CRLF)."""
    for line in scan.lines:
        if line.endswith("\n"):
            return "\r\n" if line.endswith("\r\n") else "\n"
    return "\n"


def _apply(old: PlanScan, edits: list[_Edit], inserts: dict[int, list[str]] | None = None) -> str:
    eol = _eol(old)
    by_start = {e.start: e for e in sorted(edits, key=lambda e: e.start)}
    out: list[str] = []
    i, n = 0, len(old.lines)
    while i < n:
        out.extend(x + eol for x in (inserts or {}).get(i, ()))
        edit = by_start.get(i)
        if edit is None:
            out.append(old.lines[i])
            i += 1
            continue
        last_has_eol = old.lines[edit.end].endswith("\n")
        for k, text in enumerate(edit.new):
            final = k == len(edit.new) - 1
            out.append(text + (eol if (not final or last_has_eol) else ""))
        i = edit.end + 1
    return "".join(out)


def unified_diff(before: str, after: str, path: str) -> str:
    """A unified diff of a whole file (for `--check`), empty when equal."""
    return "".join(difflib.unified_diff(
        before.splitlines(keepends=True), after.splitlines(keepends=True),
        fromfile=f"{path} (current)", tofile=f"{path} (regenerated)"))


def read_created(text: str) -> str | None:
    """The `Created:` value of a plan's header (kept once written), or None; a template fill-in
    such as `{date}` is not a date."""
    from specmesh_tasks.formats.spec_header import is_unfilled, read_header_text

    value = read_header_text(text).get("Created")
    return value if value and not is_unfilled(value) else None
