"""SM243: template prose left in an Approved or Implemented spec.

The spec templates (format reference §4: feature, fix, domain, screen, vision) ask for text with
prompts a person replaces. What is left of them in approved text is found by its shape, not by a
list of every prompt (real projects translate and extend the templates):

- alternatives to choose from: `[P1 | P2 | P3]`, `[Critical / High / Medium / Low]`;
- numbered examples: `[Step 1]`, `[Condition 1]`, `[Criterion 1]`;
- fill-ins in capitals: `[OWNER]`, `[TITLE]`, `[PROJECT_NAME]`, `[ORIGINAL_INPUT_CONTENT]`;
- prompts in Japanese: `[期待される動作]`, `[画面名]`;
- variables in braces: `{Title}`, `{date}`, `{画面名}`.

Not template prose: markers (`[NEEDS CLARIFICATION]`, `[DEFERRED: …]`, review markers), IDs and
tags in brackets (`[T-101]`, `[UC-LOAN-001]`, `[P1]`), checkboxes, links, footnotes, code (spans
and blocks), HTML comments, the header lines and the H1 (SM221 reports their placeholders), and
an ID spelled with a brace placeholder (`S-{AREA}-001`, also SM221's).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from specmesh_tasks.gates.catalog import spec_rule
from specmesh_tasks.gates.context import RuleContext
from specmesh_tasks.gates.finding import Finding, finding
from specmesh_tasks.gates.index import is_approved, usable_spec_id
from specmesh_tasks.model.ids import kind_of
from specmesh_tasks.model.spec import Location, SpecDoc

# A bracket that is not a link (`[x](url)`, `[x][ref]`), an image or a nested bracket.
_BRACKET = re.compile(r"(?<![!\]\\])\[([^\[\]\n]{1,80})\](?![(\[])")
# A link reference definition (`[label]: url` at the start of a line): its label is no prompt.
# `- [Condition 1]: the book is out` is a list item whose prompt is left, not a definition.
_LINK_DEFINITION = re.compile(r" {0,3}\[[^\[\]\n]{1,80}\]:(?!\s*\[)")
# A brace variable not glued to an ID (`S-{AREA}-001` is an unfilled ID, SM221) nor JSON-like.
_BRACE = re.compile(r"(?<![\w{-])\{([^{}\n:\"']{1,40})\}(?![\w}-])")
_CHOICES = re.compile(r"\S\s+[|/]\s+\S")
_NUMBERED = re.compile(r"^[A-Z][a-z]+(?: [A-Za-z]+)* \d{1,2}$")
_CAPITALS = re.compile(r"^[A-Z][A-Z0-9_]*(?: [A-Z0-9_]+)*$")
_JAPANESE = re.compile(r"^[\u3000-\u30ff\u3400-\u9fff\uff00-\uffef ]+$")
_NOT_A_PROMPT = re.compile(r"^(?:P\d|[ xX]|\^.*)$")  # a priority tag, a checkbox, a footnote


def prompts_in(line: str) -> list[str]:
    """The template prompts on one line of prose (code spans already blanked), in order."""
    if _LINK_DEFINITION.match(line):
        return []
    found = [m.group(0) for m in _BRACKET.finditer(line) if _is_prompt(m.group(1))]
    found.extend(m.group(0) for m in _BRACE.finditer(line) if m.group(1).strip())
    return found


def _is_prompt(inner: str) -> bool:
    text = inner.strip()
    if not text or _NOT_A_PROMPT.match(text) or kind_of(text.split()[0].rstrip(":,")) is not None:
        return False
    return bool(_CHOICES.search(text) or _NUMBERED.match(text) or _JAPANESE.match(text)
                or (_CAPITALS.match(text) and len(text) > 2))


@spec_rule(
    code="SM243", name="template-prose", severity="error",
    summary="a template prompt is left in an Approved or Implemented spec (`[Step 1]`, `[P1 | P2 | P3]`, "
            "`{Title}`)",
    rationale="Approved text is what gets planned, built and tested; a prompt nobody answered "
              "(`[Condition 1]`, `[Critical / High / Medium / Low]`, `[期待される動作]`) is a requirement "
              "nobody wrote. A Draft may keep them while it is being written.",
    bad_example="Status: Approved\n...\n### UC-LOAN-002: Return a book\n\n**Priority:** [P1 | P2 | P3]\n\n"
                "**Main Flow:**\n1. [Step 1]",
    good_example="Status: Approved\n...\n### UC-LOAN-002: Return a book\n\n**Priority:** P2\n\n"
                 "**Main Flow:**\n1. The member hands the book to the desk",
    fix="Write the text the prompt asks for (or delete the prompt), or set the status back to Draft.",
)
def check_template_prose(spec: SpecDoc, ctx: RuleContext) -> Iterator[Finding]:
    if not is_approved(spec):
        return
    text = ctx.read_text(spec.path)
    if not text:
        return
    from specmesh_tasks.parse.inline import code_span_ranges
    from specmesh_tasks.parse.mdlines import split_lines, visible_lines

    # The H1, the header lines and lines with an unfilled ID are SM221's (the template's example
    # Feature Index row, `| S-{AREA}-001 | [Title] | …/{dir}/spec.md |`, is one finding, not three).
    skipped = {spec.h1_line, *(h.line for h in spec.headers), *(p.location.line for p in spec.placeholders)}
    markers = {(m.location.line, m.text) for m in spec.markers}
    for number, line in enumerate(visible_lines(split_lines(text)).lines, start=1):
        if number in skipped or ("[" not in line and "{" not in line):
            continue
        for prompt in prompts_in(_without_code_spans(line, code_span_ranges(line))):
            if (number, prompt) not in markers:
                yield finding("SM243", Location(spec.path, number),
                              f'template prose left in an approved spec: "{prompt}"', usable_spec_id(spec))


def _without_code_spans(line: str, spans: list[tuple[int, int]]) -> str:
    for start, end in reversed(spans):
        line = line[:start] + " " * (end - start) + line[end:]
    return line
