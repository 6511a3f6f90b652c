"""Sanity checks of the example project under examples/library (the embedded default).

Plain file reading and regexes on purpose: these tests guard the example's content, so they must
not depend on the reader they are meant to exercise.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "library"
SPECS = EXAMPLE / ".specify" / "specs"
DOMAIN = SPECS / "overview" / "domain" / "spec.md"
SCREEN = SPECS / "overview" / "screen" / "spec.md"
VISION = SPECS / "overview" / "vision" / "spec.md"
MATRIX = SPECS / "overview" / "matrix" / "cross-reference.json"

FEATURE_SECTIONS = [
    "Purpose and Scope", "Domain Dependencies", "Actors", "User Stories / Use Cases",
    "Functional Requirements (FR)", "Edge Cases and Error Handling", "Success Criteria (SC)",
    "Screen Dependencies", "Feature-Specific Rules", "Testing Strategy", "Open Questions",
    "Clarifications", "Traceability", "Original Input", "Changelog", "Implementation Notes",
]  # fmt: skip
DOMAIN_SECTIONS = [
    "Domain Overview", "Actors and Roles", "Master Data Definitions (M-*)", "API Contracts (API-*)",
    "Business Rules", "Non-Functional Requirements", "Technology Decisions", "Feature Index",
    "Open Questions", "Clarifications", "Changelog", "Implementation Notes",
]  # fmt: skip

# Masters, APIs, rules and screens as whole tokens (not `WF-SCR-001-HDR`, not `M-*` in a header).
OVERVIEW_TOKEN = re.compile(
    r"(?<![A-Za-z0-9_-])"
    r"(M-[A-Z][A-Z0-9_]*(?:-[A-Z0-9_]+)*|API-[A-Z][A-Z0-9_-]*[A-Z0-9]|(?:BR|VR|CR)-\d{3}|SCR-\d{3})"
    r"(?![A-Za-z0-9_-])"
)
MARKER_CLARIFY = re.compile(r"\[NEEDS CLARIFICATION[^\]]*\]")
MARKER_DEFERRED = re.compile(r"\[DEFERRED:[^\]]+\]")


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def without_fences(text: str) -> str:
    """Drop fenced code blocks: IDs in example JSON or diagrams are not references."""
    return re.sub(r"^```.*?^```", "", text, flags=re.S | re.M)


def header(text: str) -> dict[str, str]:
    """`Key: value` lines between the H1 and the first `---`."""
    head = text.split("\n---\n", 1)[0]
    return {m.group(1): m.group(2) for m in re.finditer(r"^([A-Za-z ()]+): (.+)$", head, re.M)}


def sections(text: str) -> list[str]:
    return re.findall(r"^## \d+\. (.+)$", without_fences(text), re.M)


def table_rows(text: str, section_title: str) -> list[list[str]]:
    """Rows (cells) of every table in the `##`/`###` section with that title, separator excluded."""
    match = re.search(rf"^#+ [\d.]* ?{re.escape(section_title)}\n(.*?)(?=^#+ |\Z)", text, re.S | re.M)
    assert match, f"no section {section_title!r}"
    rows = [
        line.strip().strip("|").split("|") for line in match.group(1).splitlines() if line.startswith("|")
    ]
    return [[c.strip() for c in row] for row in rows[2:] if not set("".join(row)) <= set("-: ")]


def first_cells(text: str, section_title: str) -> list[str]:
    return [row[0] for row in table_rows(text, section_title)]


def feature_specs() -> dict[str, tuple[Path, str]]:
    found = {}
    for path in sorted((SPECS / "features").glob("*/spec.md")):
        text = read(path)
        found[header(text)["Spec ID"]] = (path, text)
    return found


def scaffold_dir(spec_id: str, title: str) -> str:
    """Directory name as upstream scaffold-spec builds it (format reference §2)."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return f"{re.sub(r'[^A-Za-z0-9]', '', spec_id).lower()}-{slug}"[:80]


def masters() -> list[str]:
    return re.findall(r"^### (M-[A-Z0-9_-]+): ", read(DOMAIN), re.M)


def apis() -> list[str]:
    return re.findall(r"^### (API-[A-Z0-9_-]+): ", read(DOMAIN), re.M)


def rules() -> list[str]:
    text = read(DOMAIN)
    return [
        c for t in ("Domain Rules", "Validation Rules", "Calculation Rules") for c in first_cells(text, t)
    ]


def screens() -> list[str]:
    return first_cells(read(SCREEN), "Screen Index")


def test_layout_and_overview_headers() -> None:
    for path, kind, spec_id in [(VISION, "Vision", "S-VISION-001"), (DOMAIN, "Domain", "S-DOMAIN-001"),
                                (SCREEN, "Screen", "S-SCREEN-001")]:  # fmt: skip
        text = read(path)
        assert text.startswith(f"# {kind} Spec: ")
        fields = header(text)
        assert (fields["Spec Type"], fields["Spec ID"], fields["Status"]) == (kind, spec_id, "Approved")
        assert fields["Created"].startswith("2026-")
    assert (EXAMPLE / "pyproject.toml").is_file() and (EXAMPLE / "README.md").is_file()
    assert sections(read(DOMAIN)) == DOMAIN_SECTIONS


def test_domain_defines_enough_masters_apis_and_rules() -> None:
    assert len(masters()) >= 3 and {"M-BOOK", "M-MEMBER", "M-LOAN"} <= set(masters())
    assert len(apis()) >= 4
    kinds = {r[:2] for r in rules()}
    assert kinds == {"BR", "VR", "CR"} and "CR-001" in rules()
    assert all(re.fullmatch(r"API-[A-Z][A-Z0-9_]*-[A-Z][A-Z0-9_]*", a) for a in apis())


def test_screen_index_has_details_for_every_screen() -> None:
    text = read(SCREEN)
    assert len(screens()) >= 4
    details = re.findall(r"^### (SCR-\d{3}): ", text, re.M)
    assert details == screens()


def test_features_have_the_required_states_and_layout() -> None:
    features = feature_specs()
    assert len(features) >= 4
    statuses = {spec_id: header(text)["Status"] for spec_id, (_, text) in features.items()}
    assert sum(s == "Approved" for s in statuses.values()) >= 2
    drafts_with_questions = [
        i for i, (_, t) in features.items() if statuses[i] == "Draft" and MARKER_CLARIFY.search(t)
    ]
    assert drafts_with_questions
    assert any(MARKER_DEFERRED.search(t) for _, t in features.values())
    for spec_id, (path, text) in features.items():
        title = text.splitlines()[0].removeprefix("# Feature Spec: ")
        assert path.parent.name == scaffold_dir(spec_id, title)
        assert sections(text) == FEATURE_SECTIONS, spec_id
        fields = header(text)
        assert fields["Author"] and fields["Related Issue(s)"].startswith("#")
        if statuses[spec_id] == "Approved":
            assert not MARKER_CLARIFY.search(text), spec_id
        area = spec_id.split("-")[1]
        use_cases = re.findall(rf"^### (UC-{area}-\d{{3}}): ", text, re.M)
        assert use_cases, spec_id
        frs = first_cells(text, "Functional Requirements (FR)")
        assert frs and all(re.fullmatch(rf"FR-{area}-\d{{3}}", fr) for fr in frs)
        assert {row[2] for row in table_rows(text, "Functional Requirements (FR)")} <= set(use_cases)


def test_fix_spec() -> None:
    fixes = sorted((SPECS / "fixes").glob("*/spec.md"))
    assert fixes
    text = read(fixes[0])
    fields = header(text)
    assert (fields["Spec Type"], fields["Status"]) == ("Fix", "Approved")
    assert fixes[0].parent.name == scaffold_dir(
        fields["Spec ID"], text.splitlines()[0].removeprefix("# Fix Spec: ")
    )
    assert sections(text)[:4] == ["Bug Summary", "Impact Analysis", "Root Cause Analysis", "Fix Direction"]


def test_feature_index_matches_the_features() -> None:
    rows = table_rows(read(DOMAIN), "Feature Index")
    features = feature_specs()
    assert {row[0] for row in rows} == set(features)
    for spec_id, title, path, status, _related in rows:
        assert (EXAMPLE / path).resolve() == features[spec_id][0].resolve()
        fields = header(features[spec_id][1])
        assert status == fields["Status"]
        assert features[spec_id][1].splitlines()[0] == f"# Feature Spec: {title}"


def test_every_overview_item_is_defined_and_used() -> None:
    defined = set(masters()) | set(apis()) | set(rules()) | set(screens())
    used: set[str] = set()
    spec_files = [p for p, _ in feature_specs().values()] + sorted((SPECS / "fixes").glob("*/spec.md"))
    for path in spec_files:
        tokens = set(OVERVIEW_TOKEN.findall(without_fences(read(path))))
        assert tokens <= defined, f"{path.relative_to(EXAMPLE)}: undefined {sorted(tokens - defined)}"
        if path.parent.parent.name == "features":
            used |= tokens
    assert defined <= used, f"defined but unused: {sorted(defined - used)}"


def test_matrix_agrees_with_the_specs() -> None:
    matrix = json.loads(read(MATRIX))
    assert set(matrix["screens"]) == set(screens())
    features = feature_specs()
    assert set(matrix["features"]) == set(features)
    assert set(matrix["permissions"]) == set(apis())
    for spec_id, entry in matrix["features"].items():
        text = features[spec_id][1]
        assert set(entry["masters"]) == set(first_cells(text, "Master Data Dependencies"))
        assert set(entry["apis"]) == set(first_cells(text, "API Dependencies"))
        assert set(entry["rules"]) == set(first_cells(text, "Business Rules Dependencies"))
        assert set(entry["screens"]) == set(first_cells(text, "Related Screens"))
        deps = re.findall(r"^\| (S-[A-Z]+-\d{3}) \|", text, re.M)
        assert set(entry["dependencies"]) == set(deps)
        # Prose mentions nothing the dependency tables leave out (plans list the tables' IDs).
        mentioned = set(OVERVIEW_TOKEN.findall(without_fences(text)))
        assert mentioned == {*entry["masters"], *entry["apis"], *entry["rules"], *entry["screens"]}, spec_id
        for screen in entry["screens"]:
            assert spec_id in matrix["screens"][screen]["features"]


def test_plans_and_tasks_agree() -> None:
    candidates = sorted((SPECS / "features").glob("*/spec.md")) + sorted((SPECS / "fixes").glob("*/spec.md"))
    approved = [p.parent for p in candidates if header(read(p))["Status"] == "Approved"]
    assert len(approved) >= 3
    for folder in approved:
        plan, tasks = read(folder / "plan.md"), read(folder / "tasks.md")
        spec_id = header(read(folder / "spec.md"))["Spec ID"]
        assert header(plan)["Feature Spec"] == spec_id == header(tasks)["Feature Spec"]
        breakdown = re.findall(r"^- Task group \d+: .+ -> (.+)$", plan, re.M)
        planned = [t.strip() for line in breakdown for t in line.split(",")]
        lines = re.findall(r"^- \[([ x])\] \[(T-\d{3,})\] \[P\d\] (.+)$", tasks, re.M)
        assert [t for _, t, _ in lines] == planned
        assert int(header(tasks)["Total Tasks"]) == len(planned)
        assert {box for box, _, _ in lines} == {"x", " "}, "some tasks done, some open"
        for box, task_id, rest in lines:
            assert f"[{spec_id}]" in rest, task_id
            named = re.findall(r"(?<![\w/.-])((?:[\w.-]+/)+[\w.-]+\.[a-z]+)\b", rest)
            if box == "x":
                assert all((EXAMPLE / path).is_file() for path in named), f"{task_id} names a missing file"


def test_approved_requirements_are_cited_by_tests() -> None:
    cited: set[str] = set()
    for path in (EXAMPLE / "tests").glob("test_*.py"):
        text = read(path)
        cited |= set(re.findall(r"@(?:uc|fr|spec) ([A-Z][A-Z0-9-]+)", text))
        for args in re.findall(r"pytest\.mark\.spec\(([^)]*)\)", text):
            cited |= set(re.findall(r'"([^"]+)"', args))
    for spec_id, (_, text) in feature_specs().items():
        if header(text)["Status"] != "Approved":
            continue
        required = set(re.findall(r"^### (UC-[A-Z]+-\d{3}):", text, re.M))
        required |= set(first_cells(text, "Functional Requirements (FR)"))
        assert required <= cited, f"{spec_id}: untested {sorted(required - cited)}"


def test_the_example_suite_passes(example_copy: Path) -> None:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-W", "error", "-p", "no:cacheprovider"],
        cwd=example_copy, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"\b\d{2,} passed\b", done.stdout)


@pytest.mark.parametrize("path", sorted(p.relative_to(EXAMPLE).as_posix() for p in SPECS.rglob("*.md")))
def test_spec_files_are_plain_lf_utf8(path: str) -> None:
    data = (EXAMPLE / path).read_bytes()
    assert b"\r\n" not in data and not data.startswith(b"\xef\xbb\xbf")
    data.decode("utf-8")


def test_the_example_plans_show_every_answer_the_specs_give(
        run_specmesh: Callable[..., subprocess.CompletedProcess[str]], example_copy: Path) -> None:
    # Issue 15: the committed plans are what the tool generates, so a first run on a fresh cache
    # has no generated answer it must hold back (no "kept the hand-written answer" note) and
    # writes nothing.
    before = {p: p.read_bytes() for p in example_copy.rglob("plan.md")}
    result = run_specmesh("plan", cwd=example_copy)
    assert result.returncode == 0, result.stderr
    held_back = [line for line in (result.stdout + result.stderr).splitlines()
                 if "kept the hand-written answer" in line or "has no untouched place" in line]
    assert held_back == []
    assert {p: p.read_bytes() for p in example_copy.rglob("plan.md")} == before
