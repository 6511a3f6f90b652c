"""Every gate rule's code and name: the words specmesh.yaml, suppressions and selectors accept.

It sits low (stdlib only, imports nothing of the package) so that checking `gates.rules` in
specmesh.yaml names the rules without importing the gates engine: config is read below the gates,
and reaching up from config into `gates/` made an import cycle. The catalogue refuses to register
a rule whose code and name are not listed here, and a test checks the table lists exactly the
registered rules, so the table and the rules cannot drift apart. A new rule is added here first.
"""

from __future__ import annotations

# Code -> name, by code. SM206-SM214 and SM301 are the reader's own codes (parse/problems.py).
RULE_NAMES: dict[str, str] = {
    "SM101": "needs-clarification",
    "SM102": "open-question",
    "SM103": "deferred-item",
    "SM110": "status-not-allowed",
    "SM111": "superseded-without-successor",
    "SM112": "deprecated-without-reason",
    "SM113": "unknown-successor",
    "SM201": "missing-spec-type",
    "SM202": "missing-spec-id",
    "SM203": "missing-status",
    "SM204": "undefined-reference",
    "SM205": "unknown-spec-type",
    "SM206": "not-utf8",
    "SM207": "file-too-large",
    "SM208": "symlink-outside-root",
    "SM209": "unreadable-file",
    "SM210": "unterminated-code-fence",
    "SM211": "unterminated-html-comment",
    "SM212": "reader-error",
    "SM213": "table-delimiter-mismatch",
    "SM214": "nul-bytes",
    "SM220": "invalid-id-format",
    "SM221": "unfilled-placeholder",
    "SM222": "duplicate-spec-id",
    "SM223": "duplicate-definition",
    "SM224": "duplicate-test-case",
    "SM225": "missing-domain-spec",
    "SM226": "unused-overview-item",
    "SM227": "missing-screen-index",
    "SM228": "missing-feature-index",
    "SM229": "feature-not-indexed",
    "SM230": "feature-index-missing-path",
    "SM231": "feature-index-path-outside-root",
    "SM232": "feature-index-path-mismatch",
    "SM233": "feature-index-bad-status",
    "SM234": "missing-user-stories",
    "SM235": "no-use-cases",
    "SM236": "missing-functional-requirements",
    "SM237": "feature-older-than-domain",
    "SM238": "dependency-cycle",
    "SM239": "review-marker",
    "SM240": "missing-recommended-header",
    "SM241": "planned-feature-reference",
    "SM242": "indexed-feature-without-spec",
    "SM243": "template-prose",
    "SM301": "matrix-invalid-json",
    "SM310": "missing-matrix",
    "SM311": "matrix-schema-violation",
    "SM312": "matrix-undefined-screen",
    "SM313": "matrix-undefined-reference",
    "SM314": "matrix-permission-undefined-api",
    "SM315": "matrix-feature-without-spec",
    "SM316": "matrix-missing-screen",
    "SM317": "matrix-missing-feature",
    "SM318": "matrix-unmapped-item",
    "SM319": "matrix-api-without-permission",
    "SM320": "matrix-without-permissions",
    "SM321": "matrix-feature-missing-item",
    "SM322": "matrix-feature-extra-item",
    "SM401": "unmanaged-plan",
    "SM402": "stale-plan",
    "SM403": "plan-generated-text-edited",
    "SM404": "plan-marker-broken",
    "SM405": "plan-format-marker-misplaced",
    "SM419": "plan-missing-spec-reference",
    "SM420": "unmanaged-tasks",
    "SM421": "work-breakdown-missing",
    "SM422": "work-breakdown-placeholder",
    "SM423": "work-breakdown-unreadable",
    "SM424": "duplicate-task-id",
    "SM425": "task-missing-from-tasks",
    "SM426": "orphan-task",
    "SM427": "use-case-without-task",
    "SM428": "task-unknown-reference",
    "SM429": "phantom-completion",
    "SM430": "task-count-stale",
    "SM431": "task-description-unfilled",
    "SM432": "task-description-differs",
    "SM433": "task-line-unreadable",
    "SM449": "tasks-missing-spec-reference",
    "SM501": "untested-requirement",
    "SM502": "unknown-test-reference",
    "SM503": "ambiguous-test-reference",
}

_CODES_BY_NAME = {name: code for code, name in RULE_NAMES.items()}


def code_of(code_or_name: str) -> str | None:
    """The rule code a user's word names (a code in any case, or a name), or None."""
    key = code_or_name.strip()
    if key.upper() in RULE_NAMES:
        return key.upper()
    return _CODES_BY_NAME.get(key.lower())


def every_word() -> list[str]:
    """Each rule's code then its name, by code: what a "did you mean" hint chooses from."""
    return [word for code, name in RULE_NAMES.items() for word in (code, name)]
