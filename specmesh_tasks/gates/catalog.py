"""The rule catalogue: every gate rule, registered by a decorator in its family's module.

A rule is a small function plus the words the docs and reports need::

    @rule(code="SM204", name="undefined-reference", severity="error",
          summary="an ID is referenced but defined nowhere",
          rationale="...", bad_example="...", good_example="...", fix="...")
    def check_undefined_references(repo: Repo, ctx: RuleContext) -> Iterator[Finding]: ...

`@spec_rule` is the same for a rule that looks at one spec file only,
`def check(spec: SpecDoc, ctx: RuleContext)`; its results are cached by the file's digest.
`declare(...)` lists a code whose findings come from elsewhere (the reader's Problems).
Every code and name is listed first in `rule_names.py` (which config validation reads without
importing the gates); registering a rule that is not listed there is refused.

Codes are `SM` + three digits, grouped by family (SM1xx clarify and status, SM2xx structure and IDs,
SM3xx matrix, SM4xx plan and tasks, SM5xx traceability) and never reused. Every rule lives in its
family's module under `gates/rules/` (`FAMILY_MODULES`); the reader's own codes (SM206–SM219,
SM301–SM309, emitted by `parse/problems.py`) are described in `rules/reader.py`.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any, TypeVar

from specmesh_tasks.errors import UserError
from specmesh_tasks.gates.finding import Finding, Severity, family_of
from specmesh_tasks.rule_names import RULE_NAMES, code_of

if TYPE_CHECKING:
    from specmesh_tasks.gates.context import RuleContext
    from specmesh_tasks.model.spec import Repo, SpecDoc

SpecCheck = Callable[["SpecDoc", "RuleContext"], Iterable[Finding]]
RepoCheck = Callable[["Repo", "RuleContext"], Iterable[Finding]]
F = TypeVar("F", bound=Callable[..., Iterable[Finding]])

# The modules that register rules, imported on first use of the catalogue (never at task
# declaration): a no-op run must not pay for importing every rule.
FAMILY_MODULES = (
    "specmesh_tasks.gates.rules.clarify",
    "specmesh_tasks.gates.rules.structure",
    "specmesh_tasks.gates.rules.structure_ids",
    "specmesh_tasks.gates.rules.structure_features",
    "specmesh_tasks.gates.rules.structure_prose",
    "specmesh_tasks.gates.rules.matrix",
    "specmesh_tasks.gates.rules.matrix_schema",
    "specmesh_tasks.gates.rules.matrix_coverage",
    "specmesh_tasks.gates.rules.plan",
    "specmesh_tasks.gates.rules.tasks",
    "specmesh_tasks.gates.rules.traceability",
    "specmesh_tasks.gates.rules.reader",
)

_CODE = re.compile(r"^SM[1-5]\d\d$")
_NAME = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")


class Scope(str, Enum):
    """What a rule looks at: one spec (cacheable per file), the whole repo, or nothing (declared)."""

    SPEC = "spec"
    REPO = "repo"
    DECLARED = "declared"


class CatalogError(Exception):
    """Two rules share a code or name, or a code/name is malformed: a bug in a rule module."""


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    severity: Severity
    summary: str  # one line: what is wrong when the rule fires
    rationale: str  # why it matters
    bad_example: str  # Markdown/JSON that triggers the rule
    good_example: str  # the same, fixed
    fix: str
    scope: Scope
    check: Callable[..., Iterable[Finding]] | None
    module: str

    @property
    def family(self) -> str:
        return family_of(self.code)


_REGISTRY: dict[str, Rule] = {}
_loaded = False


def _register(rule_: Rule) -> None:
    if not _CODE.match(rule_.code):
        raise CatalogError(f"{rule_.module}: bad rule code {rule_.code!r} (want SM + 3 digits)")
    if not _NAME.match(rule_.name):
        raise CatalogError(f"{rule_.module}: rule name {rule_.name!r} is not kebab-case")
    old = _REGISTRY.get(rule_.code)
    if old is not None and old.module != rule_.module:
        raise CatalogError(f"{rule_.code} is registered by {old.module} and {rule_.module}")
    if RULE_NAMES.get(rule_.code) != rule_.name:
        raise CatalogError(f"{rule_.module}: {rule_.code} {rule_.name!r} is not listed in rule_names.py")
    _REGISTRY[rule_.code] = rule_


def _make(scope: Scope, check: Callable[..., Iterable[Finding]] | None, module: str,
          fields: dict[str, Any]) -> Rule:
    severity = Severity(fields.pop("severity"))
    return Rule(severity=severity, scope=scope, check=check, module=module,
                fix=fields.pop("fix", ""), **fields)


def rule(*, code: str, name: str, severity: str | Severity, summary: str, rationale: str,
         bad_example: str, good_example: str, fix: str = "") -> Callable[[F], F]:
    """Register a whole-repo rule `def check(repo: Repo, ctx: RuleContext) -> Iterator[Finding]`."""
    fields = dict(code=code, name=name, severity=severity, summary=summary, rationale=rationale,
                  bad_example=bad_example, good_example=good_example, fix=fix)

    def wrap(func: F) -> F:
        _register(_make(Scope.REPO, func, func.__module__, dict(fields)))
        return func

    return wrap


def spec_rule(*, code: str, name: str, severity: str | Severity, summary: str, rationale: str,
              bad_example: str, good_example: str, fix: str = "") -> Callable[[F], F]:
    """Register a one-file rule `def check(spec: SpecDoc, ctx: RuleContext) -> Iterator[Finding]`.

    It may read only the spec and the settings in `ctx` (never other files): its findings are
    cached by the spec's digest.
    """
    fields = dict(code=code, name=name, severity=severity, summary=summary, rationale=rationale,
                  bad_example=bad_example, good_example=good_example, fix=fix)

    def wrap(func: F) -> F:
        _register(_make(Scope.SPEC, func, func.__module__, dict(fields)))
        return func

    return wrap


def declare(*, code: str, name: str, severity: str | Severity, summary: str, rationale: str,
            bad_example: str, good_example: str, fix: str = "", module: str = "") -> None:
    """List a code whose findings are produced elsewhere (the reader's Problems)."""
    fields = dict(code=code, name=name, severity=severity, summary=summary, rationale=rationale,
                  bad_example=bad_example, good_example=good_example, fix=fix)
    _register(_make(Scope.DECLARED, None, module or "specmesh_tasks.parse.problems", fields))


def all_rules() -> tuple[Rule, ...]:
    """Every registered rule, sorted by code (imports the family modules on first call)."""
    global _loaded
    if not _loaded:
        for module in FAMILY_MODULES:
            importlib.import_module(module)
        _declare_reader_leftovers()
        _loaded = True
    return tuple(_REGISTRY[code] for code in sorted(_REGISTRY))


def by_code() -> dict[str, Rule]:
    return {r.code: r for r in all_rules()}


# A rule as a table row: [name, severity, scope, module]. The quick re-run after a small edit keeps
# the table of its last full run (valid while the code and settings are the same) and imports only
# the modules of the one-file rules, not every family module.
TableRow = list[str]


def table() -> dict[str, TableRow]:
    """Every rule as a table row."""
    return {r.code: [r.name, r.severity.value, r.scope.value, r.module] for r in all_rules()}


def from_table(rows: dict[str, TableRow]) -> dict[str, Rule]:
    """Rules by code from a `table()`: the one-file rules loaded from their modules (with their
    checks), every other rule as its name, severity and scope only (enough to report a finding).

    Raises ValueError (or TypeError) for a table that is not one `table()` could have written."""
    spec_modules = {row[3] for row in rows.values() if row[2] == Scope.SPEC.value}
    if not spec_modules <= set(FAMILY_MODULES):
        raise ValueError("the table names a module that registers no rules")
    for module in sorted(spec_modules):
        importlib.import_module(module)
    out: dict[str, Rule] = {}
    for code, (name, severity, scope, module) in rows.items():
        known = _REGISTRY.get(code)
        if known is None and scope == Scope.SPEC.value:
            raise ValueError(f"{code} is not a one-file rule of {module}")
        out[code] = known if known is not None else Rule(
            code=code, name=name, severity=Severity(severity), summary="", rationale="", bad_example="",
            good_example="", fix="", scope=Scope(scope), check=None, module=module)
    return out


def lookup(code_or_name: str) -> Rule | None:
    """The rule with this code or name, or None."""
    code = code_of(code_or_name)
    return by_code().get(code) if code else None


def select(token: str) -> list[Rule]:
    """Rules matched by a selector: a code, a code prefix (`SM1`, `SM20`) or a name.

    Raises UserError with a hint for a token that matches nothing.
    """
    key = token.strip()
    if re.fullmatch(r"(?i)SM\d{0,3}", key):
        found = [r for r in all_rules() if r.code.startswith(key.upper())]
        if found:
            return found
    else:
        one = lookup(key)
        if one is not None:
            return [one]
    raise UserError(f"error: unknown rule '{key}'{hint(key)}")


def hint(key: str) -> str:
    """`; did you mean 'SM204'?` for a near miss (never a far one), else ''."""
    from specmesh_tasks.suggest import did_you_mean

    return did_you_mean(key, [word for r in all_rules() for word in (r.code, r.name)])


def _declare_reader_leftovers() -> None:
    """Codes the reader emits that no family module described get a plain entry."""
    from specmesh_tasks.parse import problems

    for code, name in sorted(problems.NAMES.items()):
        if code not in _REGISTRY:
            declare(code=code, name=name, severity="error",
                    summary=f"the reader could not read part of the file ({name.replace('-', ' ')})",
                    rationale="What the reader cannot read, no other rule can check.",
                    bad_example="(a file the reader reports as " + name + ")",
                    good_example="(the same file, readable)",
                    fix="Repair the file at the reported line.")
