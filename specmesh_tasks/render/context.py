"""The render context of one plan: every value plan.md shows, derived from the specs.

`build_context(spec, repo, text)` is pure: it reads the model (and, for a fix's Fix Direction and
the deferred items' lines, the spec's own text when given). Values are plain strings and tuples of
small frozen dataclasses, so the context digests to the plan's `inputs=` hash. The values come
from: `header.py` (Plan ID, branch, issues, screens), `spec_values.py` (the spec's own sections),
`overview.py` (other specs: masters, APIs, features), `checks.py` (the Constitution Check) and
`breakdown.py` (the seeded Work Breakdown).
"""

from __future__ import annotations

from dataclasses import dataclass

from specmesh_tasks.model.spec import Repo, SpecDoc, SpecKind
from specmesh_tasks.render.breakdown import TaskGroup, feature_breakdown, fix_breakdown
from specmesh_tasks.render.checks import Checks, check_branch, check_issue
from specmesh_tasks.render.header import branch_name, issue_numbers, plan_id_for, related_screens, seeded_owner
from specmesh_tasks.render.overview import FeatureRef, ItemRef, domain_line, other_specs
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

    def shown(self) -> Shown:
        """The joined values of the generated lines (see `Shown`)."""
        apis = self.apis
        return Shown(
            use_cases="; ".join(u.label for u in self.use_cases),
            features="; ".join(f.label for f in self.features),
            external=", ".join(self.external),
            entities=", ".join(m.label for m in self.masters),
            apis=", ".join(a.label for a in apis),
            masters="; ".join(m.detail for m in self.masters),
            existing_apis=(", ".join(a.id for a in apis if a.found) or "none") if apis else "",
            new_apis=(", ".join(a.label for a in apis if not a.found) or "none") if apis else "",
            unit="; ".join(t.label for t in self.unit_tests),
            integration="; ".join(t.label for t in self.integration_tests),
            e2e="; ".join(t.label for t in self.e2e_tests),
        )

    def as_data(self) -> dict[str, object]:
        """Plain data (for the inputs hash), labels included: they are what the plan prints."""
        data: dict[str, object] = {f: _plain(getattr(self, f)) for f in self.__dataclass_fields__}
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
    return PlanContext(
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
    )
