"""One trigger / no-trigger case per gate rule (and per upstream check), over the BASE tree.

Each case names the rule code it is about, a tree that must produce at least one finding of that
code (`bad`), and a tree that must produce none (`good`, the clean BASE unless a near miss says
more). `test_gates_rules.py` runs them all; `test_gates_catalog.py` checks every rule has one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from gates_trees import BASE, BOOK, DOMAIN, LOAN, MATRIX, SCREEN, TESTS, VISION, Files, edit, with_files

FEATURES = ".specify/specs/features"
LOAN_DIR = f"{FEATURES}/sloan001-book-lending"


@dataclass(frozen=True)
class Case:
    code: str
    bad: Files
    good: Files = field(default_factory=lambda: dict(BASE))


def _loan_fr(text: str) -> Files:
    return edit(LOAN, "| FR-LOAN-001 | Create a loan for an available book |",
                f"| FR-LOAN-001 | Create a loan for an available book {text} |")


NEW_FEATURE = f"{FEATURES}/sfine001-fines/spec.md"


def _new_feature(spec_id: str, extra: str = "") -> str:
    return f"""
        # Feature Spec: Fines

        Spec Type: Feature
        Spec ID: {spec_id}
        Created: 2025-02-01
        Status: Draft
        Author: Lending team
        {extra}
        ## 4. User Stories / Use Cases
        """


_NO_FR = edit(LOAN, """## 5. Functional Requirements (FR)

| FR ID | Description | Related UC | Priority |
|---|---|---|---|
| FR-LOAN-001 | Create a loan for an available book | UC-LOAN-001 | P1 |
""", "")
_NO_FR = edit(TESTS, '"UC-LOAN-001", "FR-LOAN-001"', '"UC-LOAN-001"', _NO_FR)
_BOOK_NO_UC = edit(BOOK, """### UC-BOOK-001: Browse the catalogue

**Priority:** P1
""", "")
_DEPENDS = "| S-BOOK-001 | Hard | books to lend |"


def _fines_row(status: str) -> Files:
    """BASE with a Feature Index row for S-FINE-001 (no spec) in this status."""
    return edit(DOMAIN, "| S-LOAN-001 | Book lending |",
                f"| S-FINE-001 | 延滞料金 | `{FEATURES}/sfine001-fines/` | {status} | - |\n"
                "| S-LOAN-001 | Book lending |")


_TASKS_OK = """
    # Tasks: Book lending
    <!-- specmesh:tasks v1 -->

    Feature Spec: S-LOAN-001

    - [ ] [T-101] [P1] [UC-LOAN-001] [S-LOAN-001] Borrow endpoint
    """
_PLAN_OK = """
    # Implementation Plan: Book lending
    <!-- specmesh:plan v1 inputs=000000000000 -->

    Plan ID: PLAN-LOAN-001
    Feature Spec: S-LOAN-001
    """
_PERMISSIONS = ',\n  "permissions": {"API-BOOK-LIST": ["*"], "API-LOAN-CREATE": ["member"]}'
_TS = f"{LOAN_DIR}/test-scenarios.md"
_TS_TEXT = """
    # Test Scenario Spec: Book lending

    Spec Type: Test Scenario
    Spec ID: TS-LOAN-001
    Feature: S-LOAN-001
    Created: 2025-02-01
    Status: Draft

    ## 3. Positive Test Cases

    ### TC-001: Borrow a book

    ### {second}: Return a book
    """

CASES: dict[str, Case] = {
    # ---- SM1xx clarify and status
    "SM101": Case("SM101", _loan_fr("[NEEDS CLARIFICATION: 14 or 21 days?]")),
    "SM102": Case("SM102", edit(DOMAIN, "- [x] Are fines", "- [ ] Are fines"),
                  edit(VISION, "## 8. Open Questions", "## 4. Scope\n\n- [ ] Lending at the desk\n\n"
                                                       "## 8. Open Questions")),
    "SM103": Case("SM103", edit(LOAN, "(none)", "[DEFERRED: PM approval pending]")),
    "SM110": Case("SM110", edit(LOAN, "Status: Approved", "Status: Done")),
    "SM111": Case("SM111", edit(BOOK, "Status: Implemented", "Status: Superseded"),
                  edit(BOOK, "Status: Implemented", "Status: Superseded\nSuperseded by: S-LOAN-001")),
    "SM112": Case("SM112", edit(BOOK, "Status: Implemented", "Status: Deprecated"),
                  edit(BOOK, "## 8. Screen",
                       "## 15. Changelog\n\nDeprecated: replaced by kiosks.\n\n## 8. Screen",
                       edit(BOOK, "Status: Implemented", "Status: Deprecated"))),
    "SM113": Case("SM113", edit(BOOK, "Status: Implemented", "Status: Superseded\nSuperseded by: S-LOAN-099"),
                  edit(BOOK, "Status: Implemented", "Status: Superseded\nSuperseded by: S-LOAN-001")),
    # ---- SM2xx structure and IDs
    "SM201": Case("SM201", edit(LOAN, "Spec Type: Feature\n", "")),
    "SM202": Case("SM202", edit(LOAN, "Spec ID: S-LOAN-001\n", "")),
    "SM203": Case("SM203", edit(LOAN, "Status: Approved\n", "")),
    "SM204-master": Case("SM204", edit(LOAN, "| M-LOAN | Loan | create |", "| M-LOAN | Loan | create |\n"
                                                                           "| M-FOO | Foo | read |")),
    "SM204-api": Case("SM204", edit(LOAN, "| API-LOAN-CREATE | Borrow | borrow |",
                                    "| API-LOAN-CREATE | Borrow | borrow |\n"
                                    "| API-LOAN-CANCEL | Cancel | undo |")),
    "SM204-rule": Case("SM204", edit(LOAN, "| BR-001 | Loan limit | on borrow |",
                                     "| BR-001 | Loan limit | on borrow |\n| BR-009 | Fines | late |")),
    "SM204-screen": Case("SM204", edit(LOAN, "| SCR-002 | Loan form | main |",
                                       "| SCR-002 | Loan form | main |\n| SCR-009 | Fines | side |")),
    "SM204-feature": Case("SM204", edit(LOAN, "| S-BOOK-001 | Hard | books to lend |",
                                        "| S-BOOK-001 | Hard | books to lend |\n"
                                        "| S-MEMBER-001 | Soft | members |")),
    "SM204-use-case": Case("SM204", edit(LOAN, "| UC-LOAN-001 | Unit | borrow |",
                                         "| UC-LOAN-001 | Unit | borrow |\n| UC-LOAN-009 | E2E | return |")),
    "SM204-wildcard": Case("SM204", edit(LOAN, "(none)", "See API-FINE-* for fines."),
                           edit(LOAN, "(none)", "See API-LOAN-* for loans.")),
    "SM205": Case("SM205", edit(LOAN, "Spec Type: Feature", "Spec Type: Epic")),
    "SM206": Case("SM206", with_files({NEW_FEATURE: _new_feature("S-FINE-001").encode() + b"\xff\n"})),
    "SM207": Case("SM207", with_files({NEW_FEATURE: b"# Feature Spec: Huge\n" + b"x" * (10 * 2**20 + 10)})),
    "SM210": Case("SM210", edit(LOAN, "(none)", "```json\n{\"open\": true}\n")),
    "SM211": Case("SM211", edit(LOAN, "(none)", "<!-- a note that never ends\n")),
    "SM213": Case("SM213", edit(LOAN, "| FR ID | Description | Related UC | Priority |\n|---|---|---|---|",
                                "| FR ID | Description | Related UC | Priority |\n|---|---|"),
                  edit(LOAN, "| SC ID | Description | Measurement |\n|---|---|---|",
                       "SC ID | Description | Measurement\n--- | --- | ---")),
    "SM214": Case("SM214", with_files({NEW_FEATURE: _new_feature("S-FINE-001").encode() + b"\x00\n"})),
    "SM220": Case("SM220", with_files({NEW_FEATURE: _new_feature("S-fine-1")}),
                  with_files({NEW_FEATURE: _new_feature("S-FINE-001")})),
    "SM221": Case("SM221", edit(LOAN, "Author: Lending team", "Author: [OWNER]")),
    "SM222": Case("SM222", with_files({NEW_FEATURE: _new_feature("S-BOOK-001")}),
                  with_files({NEW_FEATURE: _new_feature("S-FINE-001")})),
    "SM223": Case("SM223", edit(LOAN, "### UC-LOAN-001: Borrow a book",
                                "### UC-LOAN-001: Borrow a book\n\n### UC-LOAN-001: Return a book")),
    "SM224": Case("SM224", with_files({_TS: _TS_TEXT.format(second="TC-001")}),
                  with_files({_TS: _TS_TEXT.format(second="TC-002")})),
    "SM225": Case("SM225", with_files({DOMAIN: None})),
    "SM226": Case("SM226", edit(DOMAIN, "### M-LOAN: Loan", "### M-FINE: Fine\n\n### M-LOAN: Loan")),
    "SM227": Case("SM227", edit(SCREEN, "| Screen ID | Name | Journey | Status |\n|---|---|---|---|\n"
                                        "| SCR-001 | Book list | J-1 | Implemented |\n"
                                        "| SCR-002 | Loan form | J-1 | Planned |\n",
                                "- SCR-001 Book list\n- SCR-002 Loan form\n")),
    "SM228": Case("SM228", edit(DOMAIN, "| Feature ID | Title | Path | Status | Related M-*/API-* |\n"
                                        "|---|---|---|---|---|\n",
                                "| ID | Name |\n|---|---|\n")),
    "SM229": Case("SM229", edit(DOMAIN, "| S-LOAN-001 | Book lending |", "| S-LOAN-002 | Book lending |")),
    "SM230": Case("SM230", edit(DOMAIN, "`.specify/specs/features/sloan001-book-lending/`",
                                ".specify/specs/features/old-name/spec.md"),
                  edit(DOMAIN, "| S-LOAN-001 |",
                       "| S-MEMBER-001 | Members | .specify/specs/features/smember/ | Backlog | - |\n"
                       "| S-LOAN-001 |")),
    "SM231": Case("SM231", edit(DOMAIN, "`.specify/specs/features/sloan001-book-lending/`",
                                "../../../../../other-repo/spec.md")),
    "SM232": Case("SM232", edit(DOMAIN, "`.specify/specs/features/sloan001-book-lending/`",
                                ".specify/specs/features/sbook001-catalog/spec.md")),
    "SM232-placeholder": Case("SM232", edit(LOAN, "Spec ID: S-LOAN-001", "Spec ID: S-{AREA}-001")),
    "SM233": Case("SM233", edit(DOMAIN, "| Implemented | M-BOOK", "| Done | M-BOOK")),
    "SM234": Case("SM234", edit(BOOK, "## 4. User Stories / Use Cases\n", "", _BOOK_NO_UC)),
    "SM235": Case("SM235", _BOOK_NO_UC),
    "SM236": Case("SM236", _NO_FR),
    "SM238": Case("SM238", edit(BOOK, "## 4. User", "### 2.4 Feature Dependencies\n\n"
                                                    "| Feature ID | Type | Description |\n|---|---|---|\n"
                                                    "| S-LOAN-001 | Hard | lending |\n\n## 4. User"),
                  edit(BOOK, "## 4. User", "### 2.4 Feature Dependencies\n\n"
                                           "| Feature ID | Type | Description |\n|---|---|---|\n"
                                           "| S-LOAN-001 | Parallel | lending |\n\n## 4. User")),
    "SM239": Case("SM239", edit(LOAN, "(none)", "[PENDING OVERVIEW CHANGE: add M-FINE]")),
    "SM240": Case("SM240", edit(LOAN, "Author: Lending team\n", "")),
    "SM241": Case("SM241", edit(LOAN, _DEPENDS, _DEPENDS + "\n| S-FINE-001 | Soft | fines |", _fines_row("Backlog")),
                  _fines_row("Backlog")),
    "SM242": Case("SM242", _fines_row("Draft"), _fines_row("Backlog")),
    "SM243": Case("SM243", edit(LOAN, "(none)", "1. [Step 1]"),
                  edit(LOAN, "Status: Approved", "Status: Draft", edit(LOAN, "(none)", "1. [Step 1]"))),
    # ---- SM3xx matrix
    "SM301": Case("SM301", with_files({MATRIX: '{"screens": {"SCR-001": {"name": "x",}}}'})),
    "SM310": Case("SM310", with_files({MATRIX: None})),
    "SM311": Case("SM311", edit(MATRIX, '"SCR-001": {"name": "Book list", ', '"SCR-001": {')),
    "SM312": Case("SM312", edit(MATRIX, '"screens": {', '"screens": {\n    "SCR-009": {"name": "Fines"},')),
    "SM313": Case("SM313", edit(MATRIX, '"masters": ["M-BOOK", "M-LOAN"]',
                                '"masters": ["M-BOOK", "M-LOAN", "M-FOO"]')),
    "SM314": Case("SM314", edit(MATRIX, '"permissions": {',
                                '"permissions": {"API-LOAN-DELET": ["librarian"], ')),
    "SM315": Case("SM315", edit(MATRIX, '"features": {',
                                '"features": {\n    "S-IDEA-001": {"title": "Old idea"},')),
    "SM316": Case("SM316", edit(MATRIX, '"SCR-002": {"name": "Loan form"', '"SCR-003": {"name": "Loan form"',
                                edit(SCREEN, "| SCR-002 | Loan form | J-1 | Planned |",
                                     "| SCR-002 | Loan form | J-1 | Planned |\n"
                                     "| SCR-003 | Loan form | J-1 | Planned |"))),
    "SM317": Case("SM317", edit(MATRIX, '"S-BOOK-001": {"title"', '"S-BOOK-002": {"title"')),
    "SM318": Case("SM318", edit(MATRIX, '"apis": ["API-BOOK-LIST"], "rules"', '"apis": [], "rules"',
                                edit(MATRIX, '"apis": ["API-BOOK-LIST"], "features"',
                                     '"apis": [], "features"'))),
    "SM319": Case("SM319", edit(MATRIX, ', "API-LOAN-CREATE": ["member"]', "")),
    "SM320": Case("SM320", edit(MATRIX, _PERMISSIONS, "")),
    "SM321": Case("SM321", edit(MATRIX, '"masters": ["M-BOOK", "M-LOAN"]', '"masters": ["M-BOOK"]')),
    "SM322": Case("SM322", edit(MATRIX, '"screens": ["SCR-001"], "masters": ["M-BOOK"]',
                                '"screens": ["SCR-001"], "masters": ["M-BOOK", "M-LOAN"]')),
    # ---- SM4xx plan and tasks (the seeded ones)
    "SM401": Case("SM401", with_files({f"{LOAN_DIR}/plan.md": "# Plan\n\nFeature Spec: S-LOAN-001\n"}),
                  with_files({f"{LOAN_DIR}/plan.md": _PLAN_OK})),
    "SM419": Case("SM419", with_files({f"{LOAN_DIR}/plan.md": _PLAN_OK.replace("S-LOAN-001", "S-BOOK-001")}),
                  with_files({f"{LOAN_DIR}/plan.md": _PLAN_OK})),
    "SM420": Case("SM420", with_files({f"{LOAN_DIR}/tasks.md": "# Tasks\n\n- [ ] [T-1] [S-LOAN-001] Set\n"}),
                  with_files({f"{LOAN_DIR}/tasks.md": _TASKS_OK})),
    "SM449": Case("SM449", with_files({f"{LOAN_DIR}/tasks.md": _TASKS_OK.replace(
        "[UC-LOAN-001] [S-LOAN-001] ", "").replace("Feature Spec: S-LOAN-001", "")}),
                  with_files({f"{LOAN_DIR}/tasks.md": _TASKS_OK})),
    # ---- SM5xx traceability (the seeded ones)
    "SM501": Case("SM501", edit(TESTS, '"UC-BOOK-001", "FR-BOOK-001"', '"S-BOOK-001"')),
    "SM502": Case("SM502", edit(TESTS, '"UC-LOAN-001", "FR-LOAN-001"',
                                '"UC-LOAN-001", "FR-LOAN-001", "UC-LOAN-009"')),
    "SM503": Case("SM503", with_files({"tests/test_local.py": "# @uc UC-001\ndef test_local():\n    pass\n"}),
                  with_files({"tests/test_local.py": "# @uc S-LOAN-001/FR-RULE-001\ndef test_x(): ...\n"})),
}

# Rules whose trigger needs more than files (a symlink, git history, a reader bug): tested one by
# one in test_gates_rules.py.
SPECIAL = {"SM208", "SM209", "SM212", "SM237"}

# The 32 checks of upstream spec-lint (format reference §5.1) and validate-matrix's (§5.2), each
# with the case(s) that prove our counterpart.
UPSTREAM: dict[str, tuple[str, ...]] = {
    "lint-1 missing Spec Type": ("SM201",),
    "lint-2 missing Spec ID": ("SM202",),
    "lint-3 status not allowed": ("SM110",),
    "lint-4 duplicate Spec ID": ("SM222",),
    "lint-5 duplicate UC": ("SM223",),
    "lint-6 duplicate FR/BR/VR/PLAN/COMP": ("SM223",),
    "lint-7 repeated T/TC within one spec": ("SM224",),
    "lint-8 features without a domain spec": ("SM225",),
    "lint-9 unknown master/API in a feature": ("SM204-master", "SM204-api"),
    "lint-10 domain master/API unused": ("SM226",),
    "lint-11 unknown screen in a feature": ("SM204-screen",),
    "lint-12 screen unused": ("SM226",),
    "lint-13 no Screen Index header": ("SM227",),
    "lint-14 no Feature Index header": ("SM228",),
    "lint-15 feature not in the Feature Index": ("SM229",),
    "lint-16 Feature Index path missing": ("SM230",),
    "lint-17 Feature Index status not allowed": ("SM233",),
    "lint-18 no User Stories section": ("SM234",),
    "lint-19 non-draft feature without UC": ("SM235",),
    "lint-20 approved feature without FR section": ("SM236",),
    "lint-21 Superseded without successor": ("SM111",),
    "lint-22 Deprecated without reason": ("SM112",),
    "lint-23 plan.md cites none of the spec's IDs": ("SM419",),
    "lint-24 tasks.md cites neither spec nor UC IDs": ("SM449",),
    "lint-25 feature older than the domain (git dates)": ("SM237",),
    "lint-26 feature dependency cycle": ("SM238",),
    "lint-27 matrix screen undefined": ("SM312",),
    "lint-28 matrix master/API/screen undefined": ("SM313",),
    "lint-29 matrix permission for an undefined API": ("SM314",),
    "lint-30 matrix feature without spec": ("SM315",),
    "lint-31 spec items absent from the matrix": ("SM316", "SM318"),
    "lint-32 no matrix": ("SM310",),
    "matrix: Screen Index screen not a screens key": ("SM316",),
    "matrix: Feature Index feature not a features key": ("SM317",),
    "matrix: master/API in no screen or feature": ("SM318",),
    "matrix: API without permissions entry": ("SM319", "SM320"),
}

# The tasks family's cases live with their rules' owner (plain tuples: no import cycle).
from gates_cases_tasks import TASKS_CASES  # noqa: E402

CASES.update({name: Case(code, bad, good) for name, (code, bad, good) in TASKS_CASES.items()})

# The plan family's cases, likewise (plan_rules.py's owner).
from gates_cases_plan import PLAN_CASES  # noqa: E402

CASES.update({name: Case(code, bad, good) for name, (code, bad, good) in PLAN_CASES.items()})
