"""SM243 template prose: the templates' prompts left in an Approved or Implemented spec, each at
its line; markers, IDs, links, code and comments are not prompts; a Draft may keep them."""

from __future__ import annotations

from pathlib import Path

import pytest
from gates_trees import BASE, LOAN, Gate, edit, make_gate, with_files

FIX = ".specify/specs/fixes/floan001-due-date/spec.md"
# A fix spec made by the upstream scaffold, approved with half its prompts still in (English and
# Japanese, as real projects write them).
FIX_SPEC = """\
# Fix Spec: 返却期限が1日ずれる

Spec Type: Fix
Spec ID: F-LOAN-001
Created: 2025-03-02
Status: Approved
Author: Lending team
Related Issue: #41

---

## 1. Bug Summary

### 1.1 What is happening?

返却期限が1日早く表示される。 See [the report](https://example.invalid/41) and `[Step 1]` in the log.

### 1.2 Expected behavior

[期待される動作]

### 1.3 Steps to reproduce

1. [Step 1]
2. Open the loan list (UC-LOAN-001)

### 1.5 Severity

[Critical / High / Medium / Low]

## 2. Impact Analysis

| Case | Trigger | Expected Behavior |
|---|---|---|
| Late return | [Condition 1] | 延滞として扱う |

<!-- Severity: [Critical / High / Medium / Low] -->

```text
[ORIGINAL_INPUT_CONTENT]
```

- [ ] [Criterion 1]
- [x] [T-101] [P1] Regression test for FR-LOAN-001 [DEFERRED: 祝日の扱いは PM承認待ち]

## 4. Fix Direction

Use {Title} of the due date, per S-LOAN-001.
"""


@pytest.fixture
def gate(tmp_path: Path) -> Gate:
    return make_gate(tmp_path)


def _prose(found: list) -> list[tuple[int, str]]:  # type: ignore[type-arg]
    return [(f.line, f.message.split(": ", 1)[1]) for f in found if f.code == "SM243"]


def test_each_prompt_left_in_an_approved_spec_is_an_error_at_its_line(gate: Gate) -> None:
    found = gate(with_files({FIX: FIX_SPEC}))
    lines = FIX_SPEC.split("\n")
    expected = [("[期待される動作]", "[期待される動作]"), ("1. [Step 1]", "[Step 1]"),
                ("[Critical / High / Medium / Low]", "[Critical / High / Medium / Low]"),
                ("| Late return | [Condition 1] | 延滞として扱う |", "[Condition 1]"),
                ("- [ ] [Criterion 1]", "[Criterion 1]"), ("Use {Title} of the due date, per S-LOAN-001.", "{Title}")]
    assert _prose(found) == [(lines.index(line) + 1, f'"{prompt}"') for line, prompt in expected]
    assert {f.severity.value for f in found if f.code == "SM243"} == {"error"}


def test_a_use_case_block_left_as_the_template_wrote_it(gate: Gate) -> None:
    block = ("### UC-LOAN-002: Return a book\n\n**Priority:** [P1 | P2 | P3]\n**Actor:** Member\n"
             "**Pre-conditions:** [Condition 1]\n**Main Flow:**\n1. [Step 1]\n\n## 5. Functional")
    found = gate(edit(LOAN, "## 5. Functional", block))
    assert [m for _, m in _prose(found)] == ['"[P1 | P2 | P3]"', '"[Condition 1]"', '"[Step 1]"']


@pytest.mark.parametrize("status", ["Draft", "In Review", "Clarified"])
def test_a_spec_before_approval_keeps_its_prompts_silently(gate: Gate, status: str) -> None:
    found = gate(with_files({FIX: FIX_SPEC.replace("Status: Approved", f"Status: {status}")}))
    assert _prose(found) == []


def test_header_placeholders_are_left_to_sm221_and_the_base_tree_is_clean(gate: Gate) -> None:
    found = gate(edit(LOAN, "Created: 2025-01-08", "Created: {date}", edit(LOAN, "Author: Lending team",
                                                                          "Author: [OWNER]")))
    assert _prose(found) == [] and "SM221" in {f.code for f in found}
    assert _prose(gate(BASE)) == []


def test_a_prompt_followed_by_a_colon_is_left_prose_but_a_link_definition_is_not(gate: Gate) -> None:
    # The template's alternate flows read `- [Condition 1]: [期待される動作]`; a person who wrote
    # only the behaviour left the condition's prompt. A link reference definition is not prose.
    block = ("### UC-LOAN-002: Return a book\n\n**Alternate Flows:**\n- [Condition 1]: 延滞として扱う\n"
             "- [Condition 2]: [期待される動作]\n\n[Figure 1]: ./figure-1.png\n\n"
             "## 5. Functional")
    found = gate(edit(LOAN, "## 5. Functional", block))
    assert [m for _, m in _prose(found)] == ['"[Condition 1]"', '"[Condition 2]"', '"[期待される動作]"']
