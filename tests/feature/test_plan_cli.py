"""`specmesh plan` end to end: prerequisites, human edits kept, options, incremental runs (§3, §4).

Runs the real command in a subprocess on a copy of `tests/resources/plan_tree`: S-LOAN-001 and
S-MEMBER-001 (Implemented) are planned, S-RESERVE-001 is a Draft (skipped), S-FEES-001 has a
`[NEEDS CLARIFICATION]` (blocked), F-LOAN-001 is a fix.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from specmesh_tasks.parse.plan import scan_plan

REPO = Path(__file__).resolve().parents[2]
TREE = REPO / "tests" / "resources" / "plan_tree"
SPECS = Path(".specify/specs")
LOAN = SPECS / "features/sloan001-lending"
MEMBER = SPECS / "features/smember001-members"
FEES = SPECS / "features/sfees001-fees"
RESERVE = SPECS / "features/sreserve001-reservations"
FIX = SPECS / "fixes/floan001-due-date"
DOMAIN = SPECS / "overview/domain/spec.md"
ENV = {"PYTHONPATH": str(REPO), "SOURCE_DATE_EPOCH": "1767225600"}

Run = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(TREE, root)
    return root


@pytest.fixture
def plan(run_specmesh: Run, tree: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        result = run_specmesh(*(args or ("plan",)), cwd=tree, env=ENV)
        assert "Traceback" not in result.stderr, result.stderr
        return result

    return run


def unblock(tree: Path) -> None:
    spec = tree / FEES / "spec.md"
    spec.write_text(spec.read_text().replace(" [NEEDS CLARIFICATION: per book or per loan?]", " per loan"))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def stamps(tree: Path) -> dict[str, int]:
    return {str(p.relative_to(tree)): p.stat().st_mtime_ns for p in sorted(tree.rglob("plan.md"))}


def executed(result: subprocess.CompletedProcess[str]) -> set[str]:
    """Sub-tasks doit ran (not the ones it found up to date)."""
    return set(re.findall(r"^\.  (plan:\S+)", result.stderr, re.M))


def test_first_run_plans_everything_it_may_and_reports_the_blocked_feature(
    plan: Callable, tree: Path
) -> None:
    result = plan()
    assert result.returncode == 1
    assert f"{FEES}/spec.md:30: [NEEDS CLARIFICATION: per book or per loan?]" in result.stderr
    assert "plan:S-RESERVE-001 skipped" in result.stderr and "'Draft'" in result.stderr
    assert not (tree / FEES / "plan.md").exists() and not (tree / RESERVE / "plan.md").exists()
    for folder in (LOAN, MEMBER, FIX):
        lines = (tree / folder / "plan.md").read_text(encoding="utf-8").split("\n")
        assert lines[0].startswith("# Implementation Plan: ")
        assert re.fullmatch(r"<!-- specmesh:plan v1 inputs=[0-9a-f]{12} -->", lines[1])
    fix = (tree / FIX / "plan.md").read_text(encoding="utf-8")
    assert (
        "Plan ID: PLAN-FIX-LOAN-001\n" in fix and "Branch: fix/31-due-date-off-by-one-at-month-end\n" in fix
    )
    assert "Created: 2026-01-01\n" in fix  # SOURCE_DATE_EPOCH

    before = stamps(tree)
    again = plan()
    assert again.returncode == 1 and stamps(tree) == before  # nothing rewritten
    assert executed(again) == {"plan:S-FEES-001"}  # only the blocked one is re-checked

    unblock(tree)
    assert plan().returncode == 0 and (tree / FEES / "plan.md").exists()


def test_regeneration_keeps_every_human_word(plan: Callable, tree: Path) -> None:
    plan()
    mine = tree / LOAN / "plan.md"
    edit(
        mine,
        "- One-sentence summary of the change:\n",
        "- One-sentence summary of the change: desk loans.\n\nDecided on 2 May: no queue.   \n",
    )
    edit(mine, "- Task group 1: Setup -> T-001, T-002", "- Task group 1: Desk setup -> T-001, T-002, T-003")
    human = mine.read_text(encoding="utf-8")
    edit(tree / LOAN / "spec.md", "### UC-LOAN-002: See my loans", "### UC-LOAN-002: See my current loans")
    assert plan().returncode == 1  # still blocked by S-FEES-001, the rest is planned
    after = mine.read_text(encoding="utf-8")
    assert "UC-LOAN-002 (See my current loans)" in after
    assert "desk loans.\n\nDecided on 2 May: no queue.   \n" in after
    assert "- Task group 1: Desk setup -> T-001, T-002, T-003" in after
    assert "Created: 2026-01-01" in after
    changed = [i for i, x in enumerate(zip(human.split("\n"), after.split("\n"), strict=True)) if x[0] != x[1]]
    scan = scan_plan(after)
    assert changed and set(changed) <= scan.covered() | {scan.format_index}  # only marked text changed


def test_an_edited_generated_block_is_a_conflict_until_forced(plan: Callable, tree: Path) -> None:
    unblock(tree)
    assert plan().returncode == 0
    mine = tree / LOAN / "plan.md"
    edit(mine, "- Data entities touched: M-BOOK (Book)", "- Data entities touched: M-BOOK (a Book)")
    edited = mine.read_text(encoding="utf-8")
    edit(tree / DOMAIN, "### M-LOAN: Loan", "### M-LOAN: Lending record")
    result = plan()
    assert result.returncode == 1
    assert f"{LOAN}/plan.md:" in result.stderr and "'s2.entities' was edited by hand" in result.stderr
    assert "-- Data entities touched: M-BOOK (a Book), M-LOAN (Loan)" in result.stderr
    assert "+- Data entities touched: M-BOOK (Book), M-LOAN (Lending record)" in result.stderr
    assert mine.read_text(encoding="utf-8") == edited
    assert "M-LOAN (Lending record)" in (tree / FIX / "plan.md").read_text(encoding="utf-8")

    forced = plan("plan:S-LOAN-001", "--force")
    assert forced.returncode == 0, forced.stderr
    assert (tree / LOAN / "plan.md.orig").read_text(encoding="utf-8") == edited
    assert "M-BOOK (Book), M-LOAN (Lending record)" in mine.read_text(encoding="utf-8")
    edit(mine, "M-BOOK (Book)", "M-BOOK (the Book)")
    assert plan("plan", "--force").returncode == 0  # forced even though nothing else changed
    assert (tree / LOAN / "plan.md.orig.1").exists() and (tree / LOAN / "plan.md.orig").read_text() == edited


def test_check_writes_nothing_and_shows_a_diff(plan: Callable, tree: Path) -> None:
    unblock(tree)
    assert plan().returncode == 0
    assert plan("plan", "--check").returncode == 0
    edit(
        tree / LOAN / "spec.md",
        "| FR-LOAN-002 | Unit | due date arithmetic |",
        "| FR-LOAN-002 | Unit | month ends |",
    )
    before = {p: (tree / p).read_bytes() for p in stamps(tree)}
    result = plan("plan", "--check")
    assert result.returncode == 1
    assert "+  - Unit tests for: FR-LOAN-002 (month ends)" in result.stdout
    assert result.stdout.startswith(f"--- {LOAN}/plan.md (current)")
    assert {p: (tree / p).read_bytes() for p in stamps(tree)} == before
    one = plan("plan:S-LOAN-001", "--check")
    assert one.returncode == 1 and "FR-LOAN-002 (month ends)" in one.stdout
    assert plan().returncode == 0 and plan("plan", "--check").returncode == 0


def test_a_line_inserted_above_a_deferred_item_keeps_check_clean(plan: Callable, tree: Path) -> None:
    """Issue 13: the deferred items carried their spec line, so `--check` failed on most edits."""
    unblock(tree)
    assert plan().returncode == 0
    assert "[DEFERRED: waiting for the board's decision]" in (tree / LOAN / "plan.md").read_text(encoding="utf-8")
    edit(tree / LOAN / "spec.md", "- [ ] A sixth loan is refused [DEFERRED",
         "- [ ] A note above the deferred item\n\n- [ ] A sixth loan is refused [DEFERRED")
    result = plan("plan", "--check")
    assert result.returncode == 0, result.stdout


def test_options_act_even_when_the_task_is_up_to_date(plan: Callable, tree: Path) -> None:
    unblock(tree)
    plan()
    mine = tree / LOAN / "plan.md"
    edit(mine, "(Borrow a book {{ 7*7 }})", "(Borrow)")  # plan.md is a target, not an input
    assert plan().returncode == 0  # up to date: doit does not look
    assert plan("plan:S-LOAN-001", "--check").returncode == 1
    assert plan("plan", "--check").returncode == 1
    assert plan("plan:S-LOAN-001", "--force").returncode == 0
    assert "(Borrow a book {{ 7*7 }})" in mine.read_text(encoding="utf-8")


def test_an_unmanaged_plan_is_never_touched_until_adopted(plan: Callable, tree: Path) -> None:
    unblock(tree)
    mine = tree / LOAN / "plan.md"
    hand = (
        "# Implementation Plan: Lending\n\n## 1. Summary\n\n- One-sentence summary of the change: mine\n"
        "\n## 12. Extra\n\nKeep me.\n"
    )
    mine.write_text(hand, encoding="utf-8")
    result = plan()
    assert result.returncode == 0 and "not managed by specmesh" in result.stderr
    assert mine.read_text(encoding="utf-8") == hand
    assert plan("plan", "--check").returncode == 0
    assert plan("plan:S-LOAN-001", "--adopt").returncode == 0
    adopted = mine.read_text(encoding="utf-8")
    assert (tree / LOAN / "plan.md.orig").read_text(encoding="utf-8") == hand
    assert "<!-- specmesh:plan v1 inputs=" in adopted
    assert "- One-sentence summary of the change: mine\n" in adopted and "Keep me." in adopted
    assert plan().returncode == 0 and mine.read_text(encoding="utf-8") == adopted


def test_adopting_a_copy_of_the_template_keeps_no_placeholder_or_guidance(plan: Callable, tree: Path) -> None:
    """Issue 13: `Created: {date}` was kept as the creation date and the template's guidance
    comment was copied into the plan."""
    mine = tree / LOAN / "plan.md"
    mine.write_text(
        "# Implementation Plan: Lending\n\n<!--\n  Template: Implementation Plan\n\n"
        "  Purpose: Define technical approach and work breakdown for Feature implementation.\n-->\n\n"
        "Plan ID: PLAN-{AREA}-{NNN}\nFeature Spec: S-LOAN-001\nCreated: {date}\nOwner: [ENGINEER / TEAM]\n\n"
        "## 1. Summary\n\n- One-sentence summary of the change: mine\n", encoding="utf-8")
    assert plan("plan:S-LOAN-001", "--adopt").returncode == 0
    adopted = mine.read_text(encoding="utf-8")
    assert "Created: 2026-01-01" in adopted and "{date}" not in adopted  # SOURCE_DATE_EPOCH's date
    assert "Template: Implementation Plan" not in adopted and "Purpose: Define" not in adopted
    assert "[ENGINEER / TEAM]" not in adopted and "{AREA}" not in adopted
    assert "- One-sentence summary of the change: mine\n" in adopted
    assert plan("plan:S-LOAN-001", "--check").returncode == 0


def test_only_plans_that_show_a_changed_overview_item_are_rerun(plan: Callable, tree: Path) -> None:
    unblock(tree)
    assert plan().returncode == 0
    before = stamps(tree)
    edit(tree / DOMAIN, "| Lending | under 2 s | desk log |", "| Lending | under 1 s | desk log |")
    unrelated = plan()
    assert executed(unrelated) == set() and stamps(tree) == before

    edit(
        tree / DOMAIN,
        "**Purpose:** A title the library owns, with its copies.",
        "**Purpose:** A title we own.",
    )
    master = plan()
    assert executed(master) == {"plan:S-LOAN-001"}  # the only plan that shows M-BOOK
    after = stamps(tree)
    assert [p for p in after if after[p] != before[p]] == [f"{LOAN}/plan.md"]
    assert "M-BOOK (Book): A title we own;" in (tree / LOAN / "plan.md").read_text(encoding="utf-8")

    edit(tree / MEMBER / "spec.md", "Status: Implemented", "Status: Approved")
    cited = plan()
    assert executed(cited) == {"plan:S-LOAN-001", "plan:S-MEMBER-001"}
    assert "S-MEMBER-001 会員登録 (Hard, Approved)" in (tree / LOAN / "plan.md").read_text(encoding="utf-8")


def test_a_project_template_overrides_the_bundled_one(plan: Callable, tree: Path) -> None:
    unblock(tree)
    override = tree / ".specify" / "templates" / "plan.md.j2"
    override.parent.mkdir(parents=True)
    override.write_text(
        "# Plan for {{ title }}\n\n- Use cases:{{ gen('uc', use_cases | map(attribute='id')"
        " | join(', ')) }}\n",
        encoding="utf-8",
    )
    assert plan().returncode == 0
    text = (tree / LOAN / "plan.md").read_text(encoding="utf-8")
    assert text.startswith("# Plan for 本の貸出 (Lending)\n<!-- specmesh:plan v1 inputs=")
    assert "- Use cases: UC-LOAN-001, UC-LOAN-002 <!-- specmesh:uc sha=" in text
    override.write_text(override.read_text(encoding="utf-8").replace("{{ nothing }}", "") + "{{ oops }}\n")
    broken = plan()
    assert broken.returncode == 1 and "the plan template does not render" in broken.stderr


def test_a_project_template_may_pull_in_templates_of_its_own_folder(plan: Callable, tree: Path) -> None:
    """Issue 13: `{% include %}`, `{% import %}` or `{% extends %}` crashed every plan (KeyError)."""
    unblock(tree)
    folder = tree / ".specify" / "templates"
    (folder / "parts").mkdir(parents=True)
    (folder / "base.j2").write_text("# Plan for {{ title }}\n\n{% block body %}{% endblock %}\n", encoding="utf-8")
    (folder / "macros.j2").write_text("{% macro ids(items) %}{{ items | map(attribute='id') | join(', ') }}"
                                      "{% endmacro %}", encoding="utf-8")
    (folder / "parts" / "risks.md.j2").write_text("- Risks:{{ gen('risks', 'none known') }}\n", encoding="utf-8")
    (folder / "plan.md.j2").write_text(
        '{% extends "base.j2" %}{% import "macros.j2" as m %}{% block body %}'
        "- Use cases:{{ gen('uc', m.ids(use_cases)) }}\n\n"
        '{% include "parts/risks.md.j2" %}{% endblock %}', encoding="utf-8")
    assert plan().returncode == 0
    text = (tree / LOAN / "plan.md").read_text(encoding="utf-8")
    assert "- Use cases: UC-LOAN-001, UC-LOAN-002 <!-- specmesh:uc sha=" in text
    assert "- Risks: none known <!-- specmesh:risks sha=" in text
    (folder / "parts" / "risks.md.j2").write_text("- Risks:{{ gen('risks', 'closed desk') }}\n", encoding="utf-8")
    assert plan().returncode == 0  # an included template is an input of every plan
    assert "- Risks: closed desk <!-- specmesh:risks" in (tree / LOAN / "plan.md").read_text(encoding="utf-8")
    assert plan("plan", "--check").returncode == 0


@pytest.mark.parametrize("reference, problem", [
    ('{% include "../outside.j2" %}', "../outside.j2: not in the template's own folder inside the root"),
    ('{% import "/etc/passwd" as x %}', "/etc/passwd: not in the template's own folder inside the root"),
    ("{% include name_from_a_variable %}",
     "name_from_a_variable: only a quoted template name can be included, imported or extended"),
    ('{% extends "missing.j2" %}', "missing.j2: no such template in .specify/templates"),
])
def test_any_other_template_reference_is_one_line_exit_3(plan: Callable, tree: Path, reference: str,
                                                          problem: str) -> None:
    folder = tree / ".specify" / "templates"
    folder.mkdir(parents=True)
    (tree / ".specify" / "outside.j2").write_text("secret\n", encoding="utf-8")
    (folder / "plan.md.j2").write_text("# Plan for {{ title }}\n\n" + reference + "\n", encoding="utf-8")
    result = plan()
    assert result.returncode == 3, result.stderr
    lines = [x for x in result.stderr.splitlines() if x.strip()]
    assert lines == [f"error: .specify/templates/plan.md.j2:3: {problem}"]
    assert not (tree / LOAN / "plan.md").exists()


def test_bad_input_never_crashes_and_never_plans_an_unreadable_spec(plan: Callable, tree: Path) -> None:
    unblock(tree)
    bad = tree / SPECS / "features/sbad001-bytes/spec.md"
    bad.parent.mkdir(parents=True)
    bad.write_bytes(
        b"# Feature Spec: Bad\n\nSpec Type: Feature\nSpec ID: S-BAD-001\nStatus: Approved\n\n"
        b"## 4. User Stories\n\n### UC-BAD-001: caf\xe9\n"
    )
    twin = tree / SPECS / "features/sloan001-copy/spec.md"
    twin.parent.mkdir(parents=True)
    twin.write_text(
        (tree / LOAN / "spec.md").read_text(encoding="utf-8").replace("\n", "\r\n")
        + "\n| broken | table\n```\nunterminated fence\n",
        encoding="utf-8",
    )
    result = plan()
    assert result.returncode == 1
    assert "sbad001-bytes/spec.md cannot be read" in result.stderr and "not valid UTF-8" in result.stderr
    assert not (bad.parent / "plan.md").exists()
    assert (twin.parent / "plan.md").exists() and (tree / LOAN / "plan.md").exists()  # duplicate IDs: both
    listed = plan("list", "--all").stdout
    assert "plan:S-LOAN-001@sloan001-lending" in listed and "plan:S-LOAN-001@sloan001-copy" in listed


def test_doit_forget_and_clean_never_delete_plans(plan: Callable, tree: Path) -> None:
    unblock(tree)
    plan()
    before = stamps(tree)
    assert plan("clean", "plan").returncode == 0 and plan("forget", "plan").returncode == 0
    assert stamps(tree) == before
