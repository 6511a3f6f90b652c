"""Seal a rendered template: turn its `gen()` values and unsealed blocks into marked plan text.

A template writes a generated line as `<prompt>{{ gen("name", value) }}` and a generated block
between `<!-- specmesh:begin name -->` and `<!-- specmesh:end name -->`; `seal` fills in the
hashes, giving the markers of `formats/plan_markers.py`. An empty value leaves the bare prompt.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from specmesh_tasks.formats.plan_markers import (
    END_RE,
    MARKER_TAG,
    NAME_RE,
    OPEN_BEGIN_RE,
    begin_marker,
    end_marker,
    line_marker,
    marker_hash,
)

# `gen(name, value)` in a template emits GEN_START name GEN_NAME_END value GEN_END; `seal`
# turns it into a marked line. Control characters never survive into spec values (see blocks.py),
# so spec text cannot forge these.
GEN_START, GEN_NAME_END, GEN_END = "\x00", "\x01", "\x02"
# `seed(name, value)` emits SEED_START name GEN_NAME_END value GEN_END: an answer written once, with
# no marker (the person's from then on).
SEED_START = "\x03"


@dataclass(frozen=True, slots=True)
class Rendered:
    """A freshly rendered plan with its hashes filled in.

    `prompts` maps every generated-line name the template knows to its prompt (the line's text
    before the value), whether or not the line got a value this time: a merge needs the prompt to
    put a value into a bare prompt line, or to turn a line that lost its value back into a prompt.
    """

    text: str
    prompts: dict[str, str] = field(default_factory=dict)
    seeded: dict[int, str] = field(default_factory=dict)  # line index of a seeded answer -> its prompt


class SealError(ValueError):
    """The rendered template misuses markers (a bug in a template, reported as one line)."""


def seal(text: str) -> Rendered:
    """Fill in the hashes of every generated line and block of a rendered template."""
    out: list[str] = []
    prompts: dict[str, str] = {}
    seeded: dict[int, str] = {}
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        m = OPEN_BEGIN_RE.match(line.rstrip()) if line.startswith(MARKER_TAG) else None
        if m:
            name = m.group(1)
            close = _find_unsealed_end(lines, i + 1, name)
            body = [_strip_gen(x, prompts).rstrip() for x in lines[i + 1:close]]
            out.append(begin_marker(name, marker_hash("\n".join(body))))
            out.extend(body)
            out.append(end_marker(name))
            i = close + 1
            continue
        if SEED_START in line:
            prompt, _name, value = _parse_gen(line.replace(SEED_START, GEN_START, 1))
            seeded[len(out)] = prompt.strip()
            line = f"{prompt} {value}" if value else prompt
        out.append(_seal_line(line, prompts) if GEN_START in line else line)
        i += 1
    # No trailing whitespace anywhere: a whitespace-trimming hook must not make the next render
    # differ from the file (which would rewrite it on every run).
    return Rendered("\n".join(x.rstrip() for x in out), prompts, seeded)


def _find_unsealed_end(lines: list[str], start: int, name: str) -> int:
    for j in range(start, len(lines)):
        if not lines[j].startswith(MARKER_TAG):
            continue
        if END_RE.match(lines[j].rstrip()):
            if lines[j].rstrip() == end_marker(name):
                return j
            break
        if OPEN_BEGIN_RE.match(lines[j].rstrip()):
            break
    raise SealError(f"template block '{name}' has no matching `{end_marker(name)}` line")


def _parse_gen(line: str) -> tuple[str, str, str]:
    """Split a line holding one gen() call into (prompt, name, value)."""
    head, _, rest = line.partition(GEN_START)
    name, sep, rest = rest.partition(GEN_NAME_END)
    value, sep2, tail = rest.partition(GEN_END)
    if not (sep and sep2) or GEN_START in tail:
        raise SealError(f"gen() used more than once on one line, or malformed: {head.strip()!r}")
    if tail.strip():
        raise SealError(f"gen('{name}', ...) must end its line; found {tail.strip()!r} after it")
    if not NAME_RE.fullmatch(name):
        raise SealError(f"gen() name {name!r} is not [a-z0-9][a-z0-9._-]*")
    return head.rstrip(), name, value.strip()


def _seal_line(line: str, prompts: dict[str, str]) -> str:
    prompt, name, value = _parse_gen(line)
    if name in prompts:
        raise SealError(f"gen('{name}', ...) is used twice in the template")
    prompts[name] = prompt
    if not value:
        return prompt
    text = f"{prompt} {value}" if prompt else value
    return f"{text} {line_marker(name, marker_hash(text))}"


def _strip_gen(line: str, prompts: dict[str, str]) -> str:
    """Inside a block a gen() call is just its value: the block's hash already covers it."""
    if GEN_START not in line:
        return line
    prompt, _name, value = _parse_gen(line)
    return f"{prompt} {value}".rstrip() if prompt else value
