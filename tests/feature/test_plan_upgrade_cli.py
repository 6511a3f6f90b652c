"""Plans made by the previous release upgrade without a conflict (issue 15), end to end.

tests/resources/plans_0_1/ holds plans as the previous release made them for the specs of
tests/resources/answers_tree. The next `specmesh plan` gives them the new generated answers where
the prompt is still the template's bare prompt; a prompt the person answered keeps its answer and
gets nothing inserted. That is neither an edit (no conflict) nor a stale plan afterwards.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TREE = REPO / "tests" / "resources" / "answers_tree"
OLD = REPO / "tests" / "resources" / "plans_0_1"
SPECS = Path(".specify/specs")
PLANS = {
    "sbooking001-book-a-room.plan.md": SPECS / "features/sbooking001-book-a-room/plan.md",
    "sdesk001-hot-desks.plan.md": SPECS / "features/sdesk001-hot-desks/plan.md",
    "fbooking001-double-booking-across-midnight.plan.md":
        SPECS / "fixes/fbooking001-double-booking-across-midnight/plan.md",
}
ENV = {"PYTHONPATH": str(REPO), "SOURCE_DATE_EPOCH": "1772409600"}
MINE = {  # answers a person wrote in the old plan
    "- Failure modes and how they are handled:\n":
        "- Failure modes and how they are handled: the booking store retries writes; see the runbook.\n",
    "- Rollback strategy:\n": "- Rollback strategy: switch the add-in off.\n",
}
Run = Callable[..., subprocess.CompletedProcess[str]]


def project(tmp_path: Path, name: str, old_plans: bool) -> Path:
    root = tmp_path / name
    shutil.copytree(TREE, root)
    if old_plans:
        for source, target in PLANS.items():
            shutil.copyfile(OLD / source, root / target)
        booking = root / PLANS["sbooking001-book-a-room.plan.md"]
        text = booking.read_text(encoding="utf-8")
        for prompt, answered in MINE.items():
            assert prompt in text
            text = text.replace(prompt, answered)
        booking.write_text(text, encoding="utf-8")
    return root


def without_seeds(text: str) -> str:
    """A plan without the seeded answers (written only when a plan is created)."""
    seeded = ("- One-sentence summary of the change:", "- How to run tests locally and in CI:")
    return "\n".join(x.split(":")[0] + ":" if x.startswith(seeded) else x for x in text.split("\n"))


def test_an_old_plan_gains_the_new_answers_and_keeps_the_persons(run_specmesh: Run, tmp_path: Path) -> None:
    old = project(tmp_path, "old", old_plans=True)
    fresh = project(tmp_path, "fresh", old_plans=False)
    assert run_specmesh("plan", cwd=fresh, env=ENV).returncode == 0
    before = {name: (old / target).read_text(encoding="utf-8") for name, target in PLANS.items()}
    upgraded = run_specmesh("plan", cwd=old, env=ENV)
    assert upgraded.returncode == 0, upgraded.stderr  # no conflict, nothing blocked
    assert "Traceback" not in upgraded.stderr
    assert not list(old.rglob("*.orig*"))  # not an edit: nothing backed up, no conflict
    kept = r"^note: \S+/plan\.md:\d+: kept the hand-written answer to '- Failure modes and how they are handled:'"
    assert re.search(kept, upgraded.stderr, re.MULTILINE), upgraded.stderr  # the note names its file and line
    for name, target in PLANS.items():
        text = (old / target).read_text(encoding="utf-8")
        assert text != before[name]
        expected = without_seeds((fresh / target).read_text(encoding="utf-8"))
        if name.startswith("sbooking"):
            for prompt, answered in MINE.items():
                assert answered in text  # the person's answer stays ...
                expected = expected.replace(prompt, answered)
            # ... and the generated answer to that prompt is not inserted
            end = "<!-- specmesh:end s7.failure-modes -->"
            block = expected[expected.index("\n\n<!-- specmesh:begin s7.failure-modes"):expected.index(end) + len(end)]
            expected = expected.replace(block, "")
        assert text == expected, name  # otherwise exactly what a new plan says
    again = run_specmesh("plan", "--check", cwd=old, env=ENV)
    assert again.returncode == 0, again.stdout  # byte-stable afterwards
    gates = run_specmesh("gates", cwd=old, env=ENV)
    assert not {"SM402", "SM403", "SM404"} & set(gates.stdout.split()), gates.stdout  # not stale, not edited


def executed(result: subprocess.CompletedProcess[str]) -> set[str]:
    import re

    return set(re.findall(r"^\.  (plan:\S+)", result.stderr, re.M))


def test_a_plan_re_renders_when_and_only_when_a_new_answer_from_the_domain_spec_changes(
        run_specmesh: Run, tmp_path: Path) -> None:
    root = project(tmp_path, "tree", old_plans=False)
    assert run_specmesh("plan", cwd=root, env=ENV).returncode == 0
    domain = root / SPECS / "overview/domain/spec.md"

    def edit(old: str, new: str) -> set[str]:
        text = domain.read_text(encoding="utf-8")
        assert old in text
        domain.write_text(text.replace(old, new), encoding="utf-8")
        result = run_specmesh("plan", cwd=root, env=ENV)
        assert result.returncode == 0, result.stderr
        return executed(result)

    booking = root / PLANS["sbooking001-book-a-room.plan.md"]
    # An API's masters (the request/response mapping): only the plan that shows that API.
    assert edit("the M-BOOKING is kept as cancelled.", "the M-BOOKING and its M-ROOM are kept.") \
        == {"plan:S-BOOKING-001"}
    assert "API-BOOKING-CANCEL: M-BOOKING, M-ROOM <!--" in booking.read_text(encoding="utf-8")
    # A new domain item the feature waited for: its approval is no longer needed.
    waitlist = "### M-WAITLIST: Waitlist\n\n**Purpose:** Who waits for a slot.\n\n## 4. API Contracts"
    assert edit("## 4. API Contracts", waitlist) == {"plan:S-BOOKING-001"}
    text = booking.read_text(encoding="utf-8")
    assert "M-WAITLIST, API-BOOKING-WAITLIST" not in text and "change for API-BOOKING-WAITLIST" in text
    # Prose that no plan shows: nothing re-rendered.
    assert edit("Meeting rooms of one office building", "The meeting rooms of one building") == set()
