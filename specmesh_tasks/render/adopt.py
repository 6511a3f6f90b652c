"""`specmesh plan --adopt`: turn a plan.md we did not write into a managed one, keeping every word.

The managed plan is rendered as if new; then each hand-written line of the old plan is carried to
the matching place:

- a heading's section goes to the section with the same number, else the same title;
- a prompt line with an answer (`- Deployment strategy: canary`) answers the same prompt line;
  where that line is now generated, the answer stays right under it (unless each of its words is
  already in the generated line);
- a line identical to the template's own text is already there and is not repeated;
- other text follows the line it followed before (so nested bullets stay under their prompt);
- a hand-written Work Breakdown replaces the seeded one;
- whatever has no place (a section the template lacks, a header value that differs from the
  generated one) goes to a final "Unplaced text" section. Nothing is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from specmesh_tasks.formats.plan_markers import LINE_RE
from specmesh_tasks.formats.spec_header import is_unfilled
from specmesh_tasks.formats.task_lines import LIST_ITEM, TASK_ID, task_group
from specmesh_tasks.parse.markdown import closes_fence, fence_open
from specmesh_tasks.parse.plan import PlanScan, SlotKind, scan_plan
from specmesh_tasks.render.seal import Rendered

_HEADING = re.compile(r"^(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
_NUMBERED = re.compile(r"^(\d+(?:\.\d+)*)\.?[ \t]+(.*)$")
_HEADER_FIELD = re.compile(r"^([A-Z][A-Za-z ()/]*?):\s")
_WORD = re.compile(r"[\w-]+")
UNPLACED_HEADING = "## Unplaced text (kept by `specmesh plan --adopt`)"
UNPLACED_NOTE = ("Text from the original plan.md that had no matching place in the managed plan. "
                 "Move it where it belongs, then delete this section.")


@dataclass(frozen=True, slots=True)
class AdoptResult:
    text: str
    unplaced: int  # hand-written lines that went to the final section


@dataclass
class _Chunk:
    heading: int  # line index of the heading; -1 for the preamble
    number: str
    title: str
    body: list[int] = field(default_factory=list)


@dataclass
class _Plan:
    """The rendered plan being filled in."""

    lines: list[str]
    scan: PlanScan
    prompts: dict[int, str]  # line index -> prompt (stripped) for prompt and generated lines
    consumed: set[int] = field(default_factory=set)
    replace: dict[int, str] = field(default_factory=dict)
    after: dict[int, list[str]] = field(default_factory=dict)
    drop: set[int] = field(default_factory=set)


def adopt(existing: str, rendered: Rendered) -> AdoptResult:
    """Carry every hand-written line of `existing` into the managed plan `rendered`."""
    crlf = "\r\n" in existing
    old = existing.replace("\r\n", "\n").split("\n")
    plan = _plan(rendered)
    fenced = _fenced(old)
    new_chunks = _chunks(plan.lines, _fenced(plan.lines))
    unplaced: list[str] = []
    for chunk in _chunks(old, fenced):
        target = _match(chunk, new_chunks)
        if target is None:
            lines = ([chunk.heading] if chunk.heading >= 0 else []) + chunk.body
            unplaced.extend(["", *(old[i] for i in lines)])  # a blank line between chunks
            continue
        if chunk.heading < 0:
            unplaced.extend(_merge_preamble(plan, target, chunk, old, fenced))
        else:
            _merge_body(plan, target, chunk, old, fenced)
    text = _assemble(plan, _trim_blank(unplaced))
    if crlf:
        text = text.replace("\n", "\r\n")
    return AdoptResult(text, sum(1 for x in unplaced if x.strip()))


def _plan(rendered: Rendered) -> _Plan:
    lines = rendered.text.split("\n")
    scan = scan_plan(rendered.text)
    prompts: dict[int, str] = {}
    for slot in scan.slots:
        if slot.kind is SlotKind.LINE and slot.name in rendered.prompts:
            prompts[slot.start] = rendered.prompts[slot.name].strip()
    prompts.update(rendered.seeded)  # a seeded answer's line answers its prompt like a bare one
    for i, line in enumerate(lines):
        s = line.strip()
        if i not in prompts and s.startswith(("- ", "* ")) and s.endswith((":", ".")):
            prompts[i] = s
    return _Plan(lines, scan, prompts)


def _fenced(lines: list[str]) -> set[int]:
    """Indexes of lines inside fenced code blocks, fences included (never headings, never template
    text), by the spec reader's fence grammar."""
    fence, out = "", set()
    for i, line in enumerate(lines):
        if fence:
            out.add(i)
            fence = "" if closes_fence(line, fence) else fence
        elif (run := fence_open(line)) is not None:
            fence = run
            out.add(i)
    return out


def _chunks(lines: list[str], fenced: set[int]) -> list[_Chunk]:
    """The preamble, then one chunk per `##`/`###` heading."""
    chunks = [_Chunk(-1, "", "")]
    for i, line in enumerate(lines):
        m = _HEADING.match(line) if i not in fenced else None
        if m and len(m.group(1)) in (2, 3):
            number, title = _split_title(m.group(2))
            chunks.append(_Chunk(i, number, title))
        else:
            chunks[-1].body.append(i)
    return chunks


def _split_title(text: str) -> tuple[str, str]:
    m = _NUMBERED.match(text)
    number, title = (m.group(1), m.group(2)) if m else ("", text)
    return number, title.strip().rstrip(":").strip().casefold()


def _match(chunk: _Chunk, targets: list[_Chunk]) -> _Chunk | None:
    if chunk.heading < 0:
        return targets[0]
    if chunk.number:
        for t in targets:
            if t.heading >= 0 and t.number == chunk.number:
                return t
    for t in targets:
        if t.heading >= 0 and chunk.title and t.title == chunk.title:
            return t
    return None


def _merge_preamble(plan: _Plan, target: _Chunk, chunk: _Chunk, old: list[str],
                    fenced: set[int]) -> list[str]:
    """The H1 is the person's; header values that differ from ours go to the unplaced text."""
    h1_new = next((i for i in target.body if plan.lines[i].startswith("# ")), -1)
    generated_keys = {m.group(1) for i in target.body
                      if _in_block(plan, i) and (m := _HEADER_FIELD.match(plan.lines[i]))}
    body, unplaced = [], []
    guidance = _template_guidance(old, chunk.body)
    for i in chunk.body:
        line = old[i]
        if i in guidance:
            continue  # the template's guidance for its authors, not the person's words
        if h1_new >= 0 and line.startswith("# ") and i not in fenced and h1_new not in plan.consumed:
            plan.replace[h1_new] = line.rstrip()
            plan.consumed.add(h1_new)
            continue
        m = _HEADER_FIELD.match(line)
        if m and is_unfilled(line[m.end():].strip()):
            continue  # `Created: {date}`, `Owner: [ENGINEER / TEAM]`: a placeholder is not a value
        if m and not _exact(plan, target, line.strip(), -1):
            if m.group(1) in generated_keys:
                unplaced.append(line)
                continue
            same_key = next((k for k in target.body if k not in plan.consumed and not _in_block(plan, k)
                             and plan.lines[k].startswith(m.group(1) + ":")), None)
            if same_key is not None:  # the person's own `Note:` line replaces the template's
                plan.replace[same_key] = line.rstrip()
                plan.consumed.add(same_key)
                continue
        body.append(i)
    start = plan.scan.format_index if plan.scan.managed else max(h1_new, 0)
    _merge_lines(plan, target, body, old, fenced, start)
    return unplaced


def _template_guidance(old: list[str], body: list[int]) -> set[int]:
    """Lines of the template's guidance comment (`<!--` then `Template: …` … `-->`) in a preamble."""
    for k, i in enumerate(body):
        if old[i].strip() != "<!--":
            continue
        inner = [j for j in body[k + 1:] if old[j].strip()]
        if not inner or not old[inner[0]].strip().startswith("Template:"):
            continue
        end = next((j for j in body[k + 1:] if "-->" in old[j]), None)
        if end is not None:
            return {j for j in body if i <= j <= end}
    return set()


def _merge_body(plan: _Plan, target: _Chunk, chunk: _Chunk, old: list[str], fenced: set[int]) -> None:
    plan.consumed.add(target.heading)
    if "work breakdown" in target.title and any(_group_line(old[i]) or TASK_ID.search(old[i]) for i in chunk.body):
        # The Work Breakdown is seeded once and is the person's: theirs replaces our seed.
        plan.drop.update(i for i in target.body if _group_line(plan.lines[i]))
    _merge_lines(plan, target, chunk.body, old, fenced, target.heading)


def _group_line(line: str) -> bool:
    """A Work Breakdown line naming a task group (`- Task group 2: … -> T-201, T-202`)."""
    item = LIST_ITEM.match(line)
    return item is not None and task_group(item.group("body")) is not None


def _merge_lines(plan: _Plan, target: _Chunk, body: list[int], old: list[str], fenced: set[int],
                 anchor: int) -> None:
    group: list[str] = []
    blank_before = pending_blank = False
    for i in body:
        text = old[i].rstrip()
        s = text.strip()
        if not s:
            if group:
                group.append("")
            else:
                pending_blank = True
            continue
        if i not in fenced and s == "---":  # a thematic break is layout, not words
            k = _exact(plan, target, s, anchor)
            if k is not None:
                _attach(plan, anchor, group, blank_before)
                group, blank_before, pending_blank = [], False, False
                plan.consumed.add(k)
                anchor = k
            continue
        if i in fenced or not _is_template(plan, target, s, anchor):
            if not group:
                blank_before = pending_blank
            group.append(text)
            continue
        _attach(plan, anchor, group, blank_before)
        group, blank_before, pending_blank = [], False, False
        anchor = _place(plan, target, text, anchor)
    _attach(plan, anchor, group, blank_before)


def _is_template(plan: _Plan, target: _Chunk, s: str, anchor: int) -> bool:
    """True when the line has a place in the rendered section (same text, or a prompt it answers)."""
    if _exact(plan, target, s, anchor) is not None:
        return True
    return not LINE_RE.match(s) and _prompt_of(plan, target, s) is not None


def _place(plan: _Plan, target: _Chunk, text: str, anchor: int) -> int:
    """Put one matched line in place; returns the new anchor."""
    s = text.strip()
    k = _exact(plan, target, s, anchor)
    if k is not None:
        plan.consumed.add(k)
        return k
    k = _prompt_of(plan, target, s)
    assert k is not None
    plan.consumed.add(k)
    if _is_generated_line(plan, k):
        # A generated value now fills this prompt: keep the person's answer right under it, unless
        # every word of it is already in the generated line (then nothing would be lost).
        if not _words(s) <= _words(plan.lines[k]):
            _attach(plan, k, [text], False)
    else:
        indent = plan.lines[k][: len(plan.lines[k]) - len(plan.lines[k].lstrip())]
        plan.replace[k] = indent + s
    return k


def _exact(plan: _Plan, target: _Chunk, s: str, anchor: int) -> int | None:
    """A not yet consumed rendered line with the same text (the first one after the anchor wins)."""
    if not s:
        return None
    candidates = [i for i in target.body if i not in plan.consumed and plan.lines[i].strip() == s]
    after = [i for i in candidates if i > anchor]
    best = after or candidates
    return best[0] if best else None


def _prompt_of(plan: _Plan, target: _Chunk, s: str) -> int | None:
    """The rendered prompt line that `s` answers (`- Rollback strategy: ...` answers
    `- Rollback strategy:`; `- Error handling strategy: ...` answers `- Error handling strategy.`)."""
    best: int | None = None
    for i in target.body:
        prompt = plan.prompts.get(i)
        if prompt is None or i in plan.consumed or not _answers(s, prompt):
            continue
        if best is None or len(prompt) > len(plan.prompts[best]):
            best = i
    return best


def _answers(s: str, prompt: str) -> bool:
    if s.startswith(prompt) and len(s) > len(prompt):
        return True
    stem = prompt[:-1] if prompt.endswith((":", ".")) else prompt
    return s.startswith(stem) and s[len(stem):len(stem) + 1] in (":", " ") and len(s) > len(stem) + 1


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.casefold()))


def _in_block(plan: _Plan, index: int) -> bool:
    return any(s.kind is SlotKind.BLOCK and s.start <= index <= s.end for s in plan.scan.slots)


def _is_generated_line(plan: _Plan, index: int) -> bool:
    return any(s.kind is SlotKind.LINE and s.start == index for s in plan.scan.slots)


def _attach(plan: _Plan, anchor: int, group: list[str], blank_before: bool) -> None:
    group = _trim_blank(group)
    if not group:
        return
    for slot in plan.scan.slots:  # never inside a generated block: after its end marker
        if slot.kind is SlotKind.BLOCK and slot.start <= anchor <= slot.end:
            anchor, blank_before = slot.end, True
    plan.after.setdefault(anchor, []).extend(([""] if blank_before else []) + group)


def _trim_blank(lines: list[str]) -> list[str]:
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    out: list[str] = []
    for line in lines[start:end]:
        if line.strip() or (out and out[-1].strip()):
            out.append(line)
    return out


def _list_like(lines: list[str]) -> bool:
    """True when attached lines continue a list (nested or further bullets), not a paragraph."""
    return all(not x.strip() or x.startswith((" ", "\t", "- ", "* ", "+ ")) for x in lines)


def _assemble(plan: _Plan, unplaced: list[str]) -> str:
    out: list[str] = []
    for i, line in enumerate(plan.lines):
        if i in plan.drop and i not in plan.consumed:
            continue
        out.append(plan.replace.get(i, line))
        extra = plan.after.get(i)
        if extra:
            out.extend(extra)
            nxt = plan.lines[i + 1] if i + 1 < len(plan.lines) else ""
            if nxt.strip() and not _list_like(extra):  # end the paragraph before the next element
                out.append("")
    if unplaced:
        while out and not out[-1].strip():
            out.pop()
        out += ["", "---", "", UNPLACED_HEADING, "", UNPLACED_NOTE, "", *unplaced, ""]
    return "\n".join(out)
