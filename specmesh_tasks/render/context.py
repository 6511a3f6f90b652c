"""The render context of one plan: every value plan.md shows, derived from the specs.

`build_context(spec, repo, text)` is pure: it reads the model (and, for a fix's Fix Direction and
the deferred items' lines, the spec's own text when given). Values are plain strings and tuples of
small frozen dataclasses, so the context digests to the plan's `inputs=` hash. The values come
from: `header.py` (Plan ID, branch, issues, screens), `spec_values.py` (the spec's own sections),
`overview.py` (other specs: masters, APIs, features), `checks.py` (the Constitution Check) and
`breakdown.py` (the seeded Work Breakdown).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from specmesh_tasks.model.spec import Repo, SpecDoc, SpecKind
from specmesh_tasks.render import answers
from specmesh_tasks.render.answers import Criterion, Flow
from specmesh_tasks.render.breakdown import TaskGroup, feature_breakdown, fix_breakdown
from specmesh_tasks.render.checks import Checks, check_branch, check_issue
from specmesh_tasks.render.header import branch_name, issue_numbers, plan_id_for, related_screens, seeded_owner
from specmesh_tasks.render.overview import FeatureRef, ItemRef, OtherSpecs, domain_line, other_specs
from specmesh_tasks.render.related import CONTEXT_VERSION
from specmesh_tasks.render.spec_values import (
    DeferredItem,
    PlannedTest,
    UseCaseRef,
    deferred_items,
    external_systems,
    fix_direction,
    fix_section_name,
    planned_tests,
)


@dataclass(frozen=True, slots=True)
class Shown:
    """The joined values the bundled template prints (joined in Python: much cheaper than Jinja
    filters over a thousand plans). Custom templates may use these or the lists themselves."""

    use_cases: str
    features: str
    external: str
    entities: str
    apis: str
    masters: str
    existing_apis: str
    new_apis: str
    unit: str
    integration: str
    e2e: str
    out_of_scope: str
    new_masters: str
    mapping: str
    internal: str
    together: str
    open_questions: str
    code_areas: str


@dataclass(frozen=True, slots=True)
class PlanContext:
    kind: str  # "feature" or "fix"
    spec_id: str
    spec_path: str
    title: str
    plan_id: str
    domain_spec: str
    screen_spec: str
    related_screens: tuple[str, ...]
    branch: str
    issues: tuple[str, ...]
    owner: str
    use_cases: tuple[UseCaseRef, ...]
    domain_line: str
    masters: tuple[ItemRef, ...]
    apis: tuple[ItemRef, ...]
    features: tuple[FeatureRef, ...]
    external: tuple[str, ...]
    unit_tests: tuple[PlannedTest, ...]
    integration_tests: tuple[PlannedTest, ...]
    e2e_tests: tuple[PlannedTest, ...]
    deferred: tuple[DeferredItem, ...]
    checks: Checks
    breakdown: tuple[TaskGroup, ...]
    fix_section: str = ""
    fix_direction: tuple[str, ...] = ()
    # The answers the specs give to the plan's prompts (issue 15); see render/answers.py.
    flows: tuple[Flow, ...] = ()
    out_of_scope: tuple[str, ...] = ()
    new_masters: tuple[str, ...] = ()
    new_apis: tuple[str, ...] = ()
    internal: tuple[str, ...] = ()
    together: tuple[str, ...] = ()
    success_criteria: tuple[Criterion, ...] = ()
    critical_edge_cases: tuple[str, ...] = ()
    failure_modes: tuple[str, ...] = ()  # the Edge Cases table as Markdown lines
    open_questions: tuple[str, ...] | None = None  # None: the spec has no Open Questions section
    approvals: str = ""
    code_areas: tuple[str, ...] = ()
    reproduce: tuple[str, ...] = ()
    expected: str = ""
    root_cause: tuple[str, ...] = ()
    # Seeded: written when plan.md is created, the person's from then on (not in the inputs hash).
    summary: str = ""
    run_tests: str = ""

    def shown(self) -> Shown:
        """The joined values of the generated lines (see `Shown`)."""
        apis = self.apis
        return Shown(
            use_cases="; ".join(u.label for u in self.use_cases),
            features="; ".join(f.label for f in self.features),
            external=", ".join(self.external),
            entities=", ".join(m.label for m in self.masters),
            apis=", ".join(a.label for a in apis),
            masters="; ".join(m.detail for m in self.masters if m.found),
            existing_apis=(", ".join(a.id for a in apis if a.found) or "none") if apis else "",
            new_apis=("; ".join(self.new_apis) or "none") if apis or self.new_apis else "",
            unit="; ".join(t.label for t in self.unit_tests),
            integration="; ".join(t.label for t in self.integration_tests),
            e2e="; ".join(t.label for t in self.e2e_tests),
            out_of_scope="; ".join(self.out_of_scope),
            new_masters="; ".join(self.new_masters),
            mapping="; ".join(f"{a.id}: {', '.join(a.masters)}" for a in apis if a.masters),
            internal="; ".join(self.internal),
            together="; ".join(self.together),
            open_questions=_open(self.open_questions),
            code_areas=", ".join(f"`{path}`" for path in self.code_areas),
        )

    def as_data(self) -> dict[str, object]:
        """Plain data (for the inputs hash), labels included: they are what the plan prints. Seeded
        values are left out: a plan does not change when they do."""
        data: dict[str, object] = {f: _plain(getattr(self, f)) for f in self.__dataclass_fields__
                                   if f not in _SEEDED}
        data["labels"] = {
            "use_cases": [u.label for u in self.use_cases],
            "masters": [m.detail for m in self.masters],
            "apis": [a.detail for a in self.apis],
            "features": [f.label for f in self.features],
            "checks": [c.label for c in (self.checks.issue, self.checks.specs, self.checks.domain,
                                         self.checks.branch)],
        }
        data["version"] = CONTEXT_VERSION
        return data


_SEEDED = frozenset({"owner", "summary", "run_tests"})
RUN_TESTS = "`specmesh test` (the tests this change affects; `specmesh test --all` runs every test)"


def _open(questions: tuple[str, ...] | None) -> str:
    """Open questions joined; an Open Questions section with none open says so."""
    if questions is None:
        return ""
    return "; ".join(questions) or answers.NONE_OPEN


def _plain(value: object) -> object:
    """JSON-ready data of a context value (dataclasses as lists of their fields, in order)."""
    if isinstance(value, (str, int, bool)) or value is None:
        return value
    if isinstance(value, tuple):
        return [_plain(x) for x in value]
    fields = getattr(value, "__dataclass_fields__", None)
    if fields is None:
        raise TypeError(f"unexpected value in a plan context: {type(value).__name__}")
    return [_plain(getattr(value, f)) for f in fields]


def build_context(spec: SpecDoc, repo: Repo, text: str | None = None) -> PlanContext:
    """Everything the plan of `spec` (a feature or fix spec) shows."""
    fix = spec.kind is SpecKind.FIX
    spec_id = spec.spec_id or ""
    shared = other_specs(spec, repo)
    issues = issue_numbers(spec)
    branch = branch_name(spec, issues, fix)
    lines = text.replace("\r\n", "\n").split("\n") if text is not None else None
    tests = planned_tests(spec)
    base = PlanContext(
        kind="fix" if fix else "feature",
        spec_id=spec_id,
        spec_path=spec.path,
        title=spec.title,
        plan_id=plan_id_for(spec_id),
        domain_spec=shared.domain_spec,
        screen_spec=shared.screen_spec,
        related_screens=related_screens(spec),
        branch=branch,
        issues=issues,
        owner=seeded_owner(spec),
        use_cases=tuple(UseCaseRef(u.id, u.title) for u in spec.use_cases),
        domain_line=domain_line(spec, shared.domain_id),
        masters=shared.masters,
        apis=shared.apis,
        features=shared.features,
        external=external_systems(spec),
        unit_tests=tests["unit"],
        integration_tests=tests["integration"],
        e2e_tests=tests["e2e"],
        deferred=deferred_items(spec, lines),
        checks=Checks(
            issue=check_issue(issues, spec),
            specs=shared.specs,
            domain=shared.domain,
            branch=check_branch(branch, issues, fix),
        ),
        breakdown=fix_breakdown() if fix else feature_breakdown(spec),
        fix_section=fix_section_name(spec) if fix else "",
        fix_direction=fix_direction(spec, lines) if fix else (),
        run_tests=RUN_TESTS,
    )
    return _with_answers(base, spec, shared, lines or [], fix)


def _with_answers(base: PlanContext, spec: SpecDoc, shared: OtherSpecs, lines: list[str], fix: bool) -> PlanContext:
    """The context with the answers the specs give to the plan's prompts (render/answers.py)."""
    missing = {i.id: i.label for i in (*shared.masters, *shared.apis) if not i.found}
    missing.update({r: f"{r} (not in {shared.domain_id or 'the domain spec'})" for r in shared.missing_rules})
    defined = {i.id for i in (*shared.masters, *shared.apis) if i.found}
    changes = answers.domain_changes(answers.pending_additions(spec), missing, defined)
    updates = answers.spec_updates(spec) if fix else ()
    return replace(
        base,
        flows=answers.flows(spec),
        out_of_scope=() if fix else (*answers.out_of_scope(spec, lines),
                                     *(f.label for f in shared.features
                                       if f.relation.casefold() in ("soft", "parallel"))),
        new_masters=changes.masters,
        new_apis=changes.apis,
        internal=tuple(f.dependency for f in shared.features if f.relation or f.description),
        together=tuple(f.name for f in shared.features if f.relation.casefold() == "hard"),
        success_criteria=answers.success_criteria(spec),
        critical_edge_cases=answers.critical_edge_cases(spec, lines),
        failure_modes=answers.failure_modes(spec),
        open_questions=answers.open_questions(spec, lines),
        approvals=answers.approvals(changes, shared.domain_id, updates),
        code_areas=answers.code_areas(spec, lines) if fix else (),
        reproduce=answers.reproduction(spec, lines) if fix else (),
        expected=answers.expected_behavior(spec, lines) if fix else "",
        root_cause=answers.root_cause(spec, lines) if fix else (),
        summary=answers.summary(spec, lines, fix),
    )
