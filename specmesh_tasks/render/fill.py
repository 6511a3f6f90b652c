"""Generated answers that are new to a plan: where the merge puts them (contract §4, issue 15).

A plan made by an earlier version, or before the specs answered a prompt, has no marker for the
answer. It gains it only where its place is unmistakable and untouched:

- a generated line goes into its prompt line when that line is still the template's bare prompt;
- a generated block goes where the fresh render has it, when the line above it (in the fresh
  render) is in the plan as the template wrote it — a bare prompt for a block that answers one —
  and the next line below is the fresh render's next line too (only blank lines between).

A prompt the person answered keeps their answer and gets nothing inserted (a note says that a
generated answer is available). Nothing here is ever written over text.
"""

from __future__ import annotations

from dataclasses import dataclass

from specmesh_tasks.formats.plan_markers import LINE_RE
from specmesh_tasks.parse.plan import PlanScan, Slot, SlotKind, bare
from specmesh_tasks.render.seal import Rendered


@dataclass(frozen=True, slots=True)
class Fill:
    """Replace old line `index` with `lines` (a bare prompt gaining its value), or, with
    `insert`, put `lines` before old line `index` (a block gaining its place)."""

    index: int
    lines: tuple[str, ...]
    insert: bool = False


def new_lines(old: PlanScan, new: PlanScan, rendered: Rendered, covered: set[int],
              notes: list[str]) -> list[Fill]:
    """Values that are new this time, into their bare prompt lines."""
    fills = []
    for fresh in new.slots:
        if fresh.kind is not SlotKind.LINE or old.slot(fresh.name) is not None:
            continue
        prompt = rendered.prompts.get(fresh.name, "")
        if not prompt.strip():
            continue
        index = find_prompt(old, prompt, covered, exact=True)
        if index >= 0:
            fills.append(Fill(index, (bare(new.lines[fresh.start]),)))
            covered.add(index)
            continue
        _note_answered(old, prompt, covered, fresh.name, notes)
    return fills


def new_blocks(old: PlanScan, new: PlanScan, rendered: Rendered, covered: set[int],
               notes: list[str]) -> tuple[list[Fill], set[str]]:
    """Blocks that are new this time, where their place is untouched; and the names placed or
    explained in a note."""
    fills, placed = [], set()
    for fresh in new.slots:
        if fresh.kind is not SlotKind.BLOCK or old.slot(fresh.name) is not None:
            continue
        above, below = _neighbour(new, fresh.start, -1), _neighbour(new, fresh.end, +1)
        anchor = _find_in_old(old, new, rendered, above, covered) if above >= 0 else -1
        after = _neighbour(old, anchor, +1) if anchor >= 0 else -1
        if anchor < 0 or after < 0 or below < 0 or not _same_line(old, after, new, below, rendered):
            answers_prompt = above >= 0 and _slot_at(new, above) is None  # under template text
            if answers_prompt and _note_answered(old, bare(new.lines[above]), covered, fresh.name, notes):
                placed.add(fresh.name)
            continue
        chunk = [bare(x) for x in new.lines[above + 1:below]]
        blanks_kept = after - anchor - 1  # blank lines the plan already has there
        while blanks_kept and chunk and not chunk[0]:
            chunk.pop(0)
            blanks_kept -= 1
        fills.append(Fill(after, tuple(chunk), insert=True))
        placed.add(fresh.name)
    return fills, placed


def find_prompt(old: PlanScan, prompt: str, covered: set[int], *, exact: bool) -> int:
    """The index of the plan's line that is `prompt` (exact) or answers it, outside marked text."""
    want = prompt.rstrip()
    for i, line in enumerate(old.lines):
        if i in covered:
            continue
        text = bare(line)
        if exact and text == want:
            return i
        if not exact and text.startswith(want + " "):
            return i
    return -1


def _note_answered(old: PlanScan, prompt: str, covered: set[int], name: str, notes: list[str]) -> bool:
    """Note (`LINE: ...`; the caller adds the file) that the person's answer to `prompt` is kept
    instead of answer `name` (True if so)."""
    answered = find_prompt(old, prompt, covered, exact=False) if prompt.strip() else -1
    if answered >= 0:
        notes.append(f"{answered + 1}: kept the hand-written answer to {prompt.strip()!r}; "
                     f"generated answer '{name}' not inserted")
    return answered >= 0


def _neighbour(scan: PlanScan, index: int, step: int) -> int:
    """The index of the first non-blank line before (step -1) or after (+1) `index`, or -1."""
    i = index + step
    while 0 <= i < len(scan.lines):
        if scan.lines[i].strip():
            return i
        i += step
    return -1


def _slot_at(scan: PlanScan, index: int) -> Slot | None:
    return next((s for s in scan.slots if index in (s.start, s.end)), None)


def _find_in_old(old: PlanScan, new: PlanScan, rendered: Rendered, index: int, covered: set[int]) -> int:
    """Where the fresh render's line `index` is in the old plan: the same generated line or block
    end, else the same template text (a prompt only while it is bare)."""
    slot = _slot_at(new, index)
    if slot is not None:
        mine = old.slot(slot.name)
        if mine is not None and mine.kind is slot.kind:
            return mine.end
        if slot.kind is SlotKind.LINE and slot.name in rendered.prompts:
            return find_prompt(old, rendered.prompts[slot.name], covered, exact=True)
        return -1
    return find_prompt(old, bare(new.lines[index]), covered, exact=True)


def _same_line(old: PlanScan, at: int, new: PlanScan, index: int, rendered: Rendered) -> bool:
    """Whether old line `at` is the fresh render's line `index`: the same marked line or block, the
    same prompt (answered or not), or the same text."""
    slot = _slot_at(new, index)
    if slot is not None:
        mine = _slot_at(old, at)
        if mine is not None:
            return mine.name == slot.name
        prompt = rendered.prompts.get(slot.name, "") if slot.kind is SlotKind.LINE else ""
        text = bare(old.lines[at])
        return bool(prompt.strip()) and (text == prompt.rstrip() or text.startswith(prompt.rstrip() + " "))
    wanted, text = bare(new.lines[index]), bare(old.lines[at])
    return text == wanted or (LINE_RE.match(text) is None and text.startswith(wanted.rstrip(":") + ":"))
