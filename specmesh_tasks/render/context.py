"""The render context of one plan: every value plan.md shows, derived from the specs.

`build_context(spec, repo, text)` is pure: it reads the model (and, for a fix's Fix Direction and
the deferred items' lines, the spec's own text when given). Values are plain strings and tuples of
small frozen dataclasses, so the context digests to the plan's `inputs=` hash, and
`overview_view()` picks exactly what the plan shows of other specs (the per-feature digest that
decides when a domain edit re-renders a plan).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from specmesh_tasks.model.ids import IdKind, strip_instance_suffix
from specmesh_tasks.model.spec import DomainItem, MarkerKind, Repo, Section, SpecDoc, SpecKind

# Bump when the labels below change shape: it is part of every plan's inputs hash.
CONTEXT_VERSION = 1
PURPOSE_LIMIT = 160
_ISSUE = re.compile(r"(?:#|/issues/|/pull/)(\d+)\b")
_FEATURE_ID = re.compile(r"^S-([A-Z][A-Z0-9-]*)-(\d{3})$")
_FIX_ID = re.compile(r"^F-([A-Z][A-Z0-9-]*)-(\d{3})$")
_SPEC_REF = re.compile(r"\b[SF]-[A-Z][A-Z0-9-]*-\d{3}\b")
_ARROWS = re.compile(r"->|=>|→|⇒|⟶")
_LIST_LEAD = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+(?:\[[ xX]\]\s+)?")
_DEP_SECTION_WORDS = ("dependenc", "impact analysis", "related screen", "affected")
_E2E_WORDS = ("e2e", "end-to-end", "end to end")


@dataclass(frozen=True, slots=True)
class UseCaseRef:
    id: str
    title: str

    @property
    def label(self) -> str:
        return f"{self.id} ({self.title})" if self.title else self.id


@dataclass(frozen=True, slots=True)
class ItemRef:
    """A master or API the spec depends on, as the domain spec describes it."""

    id: str
    title: str  # "" when the domain spec does not define it
    purpose: str
    found: bool
    domain: str  # the domain spec's ID, for the "missing" flag

    @property
    def label(self) -> str:
        if not self.found:
            return f"{self.id} (not in {self.domain or 'the domain spec'})"
        return f"{self.id} ({self.title})" if self.title else self.id

    @property
    def detail(self) -> str:
        purpose = self.purpose.rstrip(".")  # details are joined with "; "
        return f"{self.label}: {purpose}" if self.found and purpose else self.label


@dataclass(frozen=True, slots=True)
class FeatureRef:
    """Another feature (or fix) the spec cites: the plan shows its ID, title and status."""

    id: str
    title: str
    status: str
    relation: str  # Hard / Soft / Parallel, "" when not given
    found: bool

    @property
    def label(self) -> str:
        facts = ", ".join(x for x in (self.relation, self.status if self.found else "not found") if x)
        name = f"{self.id} {self.title}" if self.found and self.title else self.id
        return f"{name} ({facts})" if facts else name


@dataclass(frozen=True, slots=True)
class PlannedTest:
    target: str
    test_type: str
    description: str

    @property
    def label(self) -> str:
        return f"{self.target} ({self.description})" if self.description else self.target


@dataclass(frozen=True, slots=True)
class DeferredItem:
    text: str
    where: str  # "spec.md:97, §4"


@dataclass(frozen=True, slots=True)
class Check:
    """One mechanically decidable Constitution Check item."""

    passed: bool
    reason: str

    @property
    def label(self) -> str:
        return f"**{'pass' if self.passed else 'FAIL'}**: {self.reason}"


@dataclass(frozen=True, slots=True)
class Checks:
    issue: Check
    specs: Check
    domain: Check
    branch: Check


@dataclass(frozen=True, slots=True)
class TaskGroup:
    summary: str
    task_ids: tuple[str, ...]


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


def overview_view(spec: SpecDoc, repo: Repo) -> dict[str, object]:
    """What the plan of `spec` shows of other specs: the masters and APIs it uses as the domain
    spec describes them, the features it cites (ID, title, status), whether related specs exist.

    This is the per-feature digest behind `plan:<ID>`'s dependency on the overview specs: it
    changes exactly when one of these values changes, not when an unrelated section does.
    """
    shared = _shared(spec, repo)
    return {
        "masters": [m.detail for m in shared.masters],
        "apis": [a.label for a in shared.apis],
        "features": [f.label for f in shared.features],
        "specs": shared.specs.label,
        "domain": shared.domain.label,
        "related": [shared.domain_spec, shared.screen_spec],
        "version": CONTEXT_VERSION,
    }


@dataclass(frozen=True, slots=True)
class _Shared:
    """The parts of a plan that come from other specs."""

    domain_id: str
    domain_spec: str  # what `Related Domain Spec:` shows
    screen_spec: str
    masters: tuple[ItemRef, ...]
    apis: tuple[ItemRef, ...]
    features: tuple[FeatureRef, ...]
    specs: Check
    domain: Check


def _shared(spec: SpecDoc, repo: Repo) -> _Shared:
    domain = _domain_of(spec, repo)
    domain_id = (domain.spec_id or "") if domain else ""
    masters = _items(_dep_ids(spec, IdKind.MASTER), domain.masters if domain else (), domain_id)
    apis = _items(_dep_ids(spec, IdKind.API), domain.apis if domain else (), domain_id)
    features = _features(spec, repo)
    screen = _nearest(spec, _index(repo).of_kind(SpecKind.SCREEN), spec.header("Related Screen") or "")
    domain_spec = spec.header("Related Domain") or domain_id or "(none)"
    screen_spec = spec.header("Related Screen") or (screen.spec_id if screen else "") or "(none)"
    return _Shared(domain_id, domain_spec, screen_spec, masters, apis, features,
                   _check_specs(spec, repo, features),
                   _check_domain(spec, repo, bool(masters or apis), spec.kind is SpecKind.FIX))


# ----------------------------------------------------------------------------- building


class _RepoIndex:
    """Specs by ID and by kind, built once per Repo (a run renders hundreds of plans from one)."""

    def __init__(self, repo: Repo) -> None:
        self.repo = repo
        self.by_id: dict[str, SpecDoc] = {}
        self._kinds: dict[SpecKind, list[SpecDoc]] = {}
        for spec in repo.specs:
            sid = spec.spec_id
            if sid and sid not in self.by_id:
                self.by_id[sid] = spec
            self._kinds.setdefault(spec.kind, []).append(spec)

    def of_kind(self, kind: SpecKind) -> tuple[SpecDoc, ...]:
        return tuple(self._kinds.get(kind, ()))


_last_index: list[_RepoIndex] = []


def _index(repo: Repo) -> _RepoIndex:
    if not _last_index or _last_index[0].repo is not repo:
        _last_index[:] = [_RepoIndex(repo)]
    return _last_index[0]


def build_context(spec: SpecDoc, repo: Repo, text: str | None = None) -> PlanContext:
    """Everything the plan of `spec` (a feature or fix spec) shows."""
    fix = spec.kind is SpecKind.FIX
    spec_id = spec.spec_id or ""
    shared = _shared(spec, repo)
    issues = _issues(spec)
    branch = _branch(spec, issues, fix)
    lines = text.replace("\r\n", "\n").split("\n") if text is not None else None
    tests = _tests(spec)
    return PlanContext(
        kind="fix" if fix else "feature",
        spec_id=spec_id,
        spec_path=spec.path,
        title=spec.title,
        plan_id=plan_id_for(spec_id),
        domain_spec=shared.domain_spec,
        screen_spec=shared.screen_spec,
        related_screens=_screens(spec),
        branch=branch,
        issues=issues,
        owner=spec.header("Author") or spec.header("Owner") or "(none in the spec)",
        use_cases=tuple(UseCaseRef(u.id, u.title) for u in spec.use_cases),
        domain_line=_domain_line(spec, shared.domain_id),
        masters=shared.masters,
        apis=shared.apis,
        features=shared.features,
        external=_external(spec),
        unit_tests=tests["unit"],
        integration_tests=tests["integration"],
        e2e_tests=tests["e2e"],
        deferred=_deferred(spec, lines),
        checks=Checks(
            issue=_check_issue(issues, spec),
            specs=shared.specs,
            domain=shared.domain,
            branch=_check_branch(branch, issues, fix),
        ),
        breakdown=_fix_breakdown() if fix else _feature_breakdown(spec),
        fix_section=_fix_section_name(spec) if fix else "",
        fix_direction=_fix_direction(spec, lines) if fix else (),
    )


def plan_id_for(spec_id: str) -> str:
    """`S-LOAN-001` -> `PLAN-LOAN-001`; `F-LOAN-001` -> `PLAN-FIX-LOAN-001`."""
    if m := _FEATURE_ID.match(spec_id):
        return f"PLAN-{m.group(1)}-{m.group(2)}"
    if m := _FIX_ID.match(spec_id):
        return f"PLAN-FIX-{m.group(1)}-{m.group(2)}"
    return "(none: the spec has no valid Spec ID)"


def slug_of(title: str, directory: str, spec_id: str) -> str:
    """Branch slug: the title's ASCII words, else the directory name without its ID prefix."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    if not slug:
        slug = re.sub(r"^[a-z]+\d+-", "", directory.lower())
        slug = re.sub(r"[^a-z0-9]+", "-", slug).strip("-")
    if not slug:
        slug = re.sub(r"[^a-z0-9]+", "-", spec_id.lower()).strip("-") or "plan"
    return slug[:50].rstrip("-")


def _branch(spec: SpecDoc, issues: tuple[str, ...], fix: bool) -> str:
    directory = PurePosixPath(spec.path).parent.name
    slug = slug_of(spec.title, directory, spec.spec_id or "")
    number = issues[0].lstrip("#") if issues else "{issue}"
    return f"{'fix' if fix else 'feature'}/{number}-{slug}"


def _issues(spec: SpecDoc) -> tuple[str, ...]:
    """Issue numbers of the header; a value still in the template's `[#123]` brackets is unfilled."""
    values = [spec.header(k) or "" for k in ("Related Issue(s)", "Related Issue", "Issue(s)", "Issue")]
    raw = " ".join(v for v in values if not (v.strip().startswith("[") and v.strip().endswith("]")))
    return tuple(dict.fromkeys(f"#{n}" for n in _ISSUE.findall(raw)))


def _domain_of(spec: SpecDoc, repo: Repo) -> SpecDoc | None:
    """The domain spec the feature names (nearest by path when several), else the nearest one."""
    return _nearest(spec, _index(repo).of_kind(SpecKind.DOMAIN), spec.header("Related Domain") or "")


def _nearest(spec: SpecDoc, candidates: tuple[SpecDoc, ...], named: str) -> SpecDoc | None:
    """The candidate named in `named` (else any), sharing the longest path prefix with `spec`."""
    wanted = [d for d in candidates if d.spec_id and d.spec_id in named] or list(candidates)
    if not wanted:
        return None
    return max(wanted, key=lambda d: (_shared_prefix(d.path, spec.path), [-ord(c) for c in d.path]))


def _shared_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(PurePosixPath(a).parts, PurePosixPath(b).parts, strict=False):
        if x != y:
            break
        n += 1
    return n


def dep_section_keys(spec: SpecDoc) -> set[str]:
    """Numbers/titles of the sections whose references count as dependencies."""
    keys: set[str] = set()
    for section in spec.sections:
        if any(w in section.title.casefold() for w in _DEP_SECTION_WORDS):
            keys.add(section.number or section.title)
    return keys


def _in_sections(section: str, keys: set[str]) -> bool:
    return any(section == k or (k[:1].isdigit() and section.startswith(k + ".")) for k in keys)


def _dep_ids(spec: SpecDoc, kind: IdKind) -> tuple[str, ...]:
    """IDs of `kind` in the dependency tables, then those mentioned in the dependency sections."""
    return _all_dep_ids(spec).get(kind, ())


_dep_memo: list[object] = [None, {}]


def _all_dep_ids(spec: SpecDoc) -> dict[IdKind, tuple[str, ...]]:
    """Dependency IDs of every kind (kept for the last spec asked: each is asked several times)."""
    if _dep_memo[0] is spec:
        return _dep_memo[1]  # type: ignore[return-value]
    keys = dep_section_keys(spec)
    found: dict[IdKind, list[str]] = {}
    for d in spec.dependencies:
        found.setdefault(d.kind, []).append(d.id)
    for r in spec.references:
        if _in_sections(r.section, keys):
            found.setdefault(r.kind, []).append(r.id)
    out = {kind: tuple(dict.fromkeys(ids)) for kind, ids in found.items()}
    _dep_memo[:] = [spec, out]
    return out


def _items(ids: tuple[str, ...], defined: tuple[DomainItem, ...], domain_id: str) -> tuple[ItemRef, ...]:
    out: list[ItemRef] = []
    for ref in ids:
        found = _resolve(ref, defined)
        if not found:
            out.append(ItemRef(ref, "", "", False, domain_id))
        out += [ItemRef(d.id, d.title, _short(d.purpose), True, domain_id) for d in found]
    return tuple(dict.fromkeys(out))


def item_fields(domain: SpecDoc) -> dict[str, list[str]]:
    """What a plan shows of each master and API of a domain spec (`ItemRef`'s title and purpose)."""
    return {d.id: [d.title, _short(d.purpose)] for d in (*domain.masters, *domain.apis)}


def shown_item_refs(spec: SpecDoc) -> list[str]:
    """The master and API references of `spec` that its plan resolves against the domain spec."""
    return list(_dep_ids(spec, IdKind.MASTER) + _dep_ids(spec, IdKind.API))


def resolves_to_any(refs: list[str], item_ids: set[str]) -> bool:
    """Whether one of `refs` could resolve (see `_resolve`) to one of `item_ids`: exactly, as a
    wildcard family, or through a numeric instance suffix."""
    for ref in refs:
        family = ref[:-1] if ref.endswith("-*") else None
        for item in item_ids:
            if item == ref or (family is not None and item.startswith(family)) or strip_instance_suffix(item) == ref:
                return True
    return False


def _resolve(ref: str, defined: tuple[DomainItem, ...]) -> list[DomainItem]:
    """Exact ID; a wildcard family (`API-AUTH-*`); or the unique item with a numeric suffix."""
    if ref.endswith("-*"):
        return [d for d in defined if d.id.startswith(ref[:-1])]
    exact = [d for d in defined if d.id == ref]
    if exact:
        return exact[:1]
    suffixed = [d for d in defined if strip_instance_suffix(d.id) == ref]
    return suffixed if len(suffixed) == 1 else []


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= PURPOSE_LIMIT else text[: PURPOSE_LIMIT - 1].rstrip() + "…"


def _features(spec: SpecDoc, repo: Repo) -> tuple[FeatureRef, ...]:
    relations = {d.id: d.usage.strip() for d in spec.dependencies if d.kind in (IdKind.FEATURE, IdKind.FIX)}
    ids = _dep_ids(spec, IdKind.FEATURE) + _dep_ids(spec, IdKind.FIX)
    out = []
    for fid in dict.fromkeys(ids):
        if fid == spec.spec_id:
            continue
        relation = relations.get(fid, "")
        relation = relation if relation.casefold() in ("hard", "soft", "parallel") else ""
        other = _index(repo).by_id.get(fid)
        if other is None:
            out.append(FeatureRef(fid, "", "", relation, False))
        else:
            out.append(FeatureRef(fid, other.title, other.status or "no status", relation, True))
    return tuple(out)


def _domain_line(spec: SpecDoc, domain_id: str) -> str:
    ids = _dep_ids(spec, IdKind.MASTER) + _dep_ids(spec, IdKind.API) + _dep_ids(spec, IdKind.RULE)
    named = spec.header("Related Domain") or domain_id
    if not ids:
        return ""
    return f"{named or '(no domain spec)'} ({', '.join(ids)})"


def _screens(spec: SpecDoc) -> tuple[str, ...]:
    """The feature's SCR IDs in order of first mention (dependency rows and references)."""
    found = [(d.location.line, d.id) for d in spec.dependencies if d.kind is IdKind.SCREEN]
    found += [(r.location.line, r.id) for r in spec.references if r.kind is IdKind.SCREEN]
    return tuple(dict.fromkeys(i for _, i in sorted(found)))


def _external(spec: SpecDoc) -> tuple[str, ...]:
    """First cells of tables in a section about external systems, if the spec has one."""
    keys = {s.number or s.title for s in spec.sections if "external" in s.title.casefold()}
    names = [t.rows[i].cells[0] for t in spec.tables if t.section in keys for i in range(len(t.rows))
             if t.rows[i].cells and t.rows[i].cells[0].strip()]
    return tuple(dict.fromkeys(n.strip().strip("`*") for n in names))


def _tests(spec: SpecDoc) -> dict[str, tuple[PlannedTest, ...]]:
    """The Test Coverage rows by level; a type that is neither Unit nor E2E counts as integration."""
    out: dict[str, list[PlannedTest]] = {"unit": [], "integration": [], "e2e": []}
    for row in spec.coverage:
        kind = row.test_type.casefold()
        level = "unit" if "unit" in kind else "e2e" if any(w in kind for w in _E2E_WORDS) else "integration"
        description = row.description
        if level == "integration" and kind and "integration" not in kind:
            description = f"{row.test_type}: {row.description}".rstrip(": ")
        out[level].append(PlannedTest(row.target, row.test_type, description))
    return {k: tuple(v) for k, v in out.items()}


def _deferred(spec: SpecDoc, lines: list[str] | None) -> tuple[DeferredItem, ...]:
    out = []
    for marker in spec.markers:
        if marker.kind is not MarkerKind.DEFERRED:
            continue
        text = marker.text
        if lines is not None and 0 < marker.location.line <= len(lines):
            text = _clean_line(lines[marker.location.line - 1]) or marker.text
        section = marker.section if not marker.section[:1].isdigit() else f"§{marker.section}"
        where = f"{PurePosixPath(marker.location.file).name}:{marker.location.line}"
        out.append(DeferredItem(text, f"{where}, {section}" if section else where))
    return tuple(out)


def _clean_line(line: str) -> str:
    """A spec line as one readable phrase: no list bullet or checkbox, table cells joined."""
    s = line.strip()
    if s.startswith("|"):
        cells = [c.strip() for c in s.strip("|").split("|")]
        return " | ".join(c for c in cells if c)
    return _LIST_LEAD.sub("", s).strip()


def _check_issue(issues: tuple[str, ...], spec: SpecDoc) -> Check:
    if issues:
        return Check(True, f"linked to {', '.join(issues)}")
    key = "Related Issue" if spec.kind is SpecKind.FIX else "Related Issue(s)"
    return Check(False, f"the spec names no issue number (`{key}:`)")


def _check_specs(spec: SpecDoc, repo: Repo, features: tuple[FeatureRef, ...]) -> Check:
    named = []
    for key in ("Related Vision", "Related Domain", "Related Screen"):
        named += _SPEC_REF.findall(spec.header(key) or "")
    named += [f.id for f in features]
    named = list(dict.fromkeys(named))
    if not named:
        return Check(True, "the spec names no related specs")
    known = _index(repo).by_id
    missing = [n for n in named if n not in known]
    if missing:
        return Check(False, f"not found: {', '.join(missing)}")
    return Check(True, f"all exist ({', '.join(named)}); whether they are up to date is for review")


def _check_domain(spec: SpecDoc, repo: Repo, shared: bool, fix: bool) -> Check:
    if not shared:
        return Check(True, "no shared masters or APIs are used")
    domains = {d.spec_id for d in _index(repo).of_kind(SpecKind.DOMAIN) if d.spec_id}
    named = _SPEC_REF.findall(spec.header("Related Domain") or "")
    hit = [n for n in named if n in domains]
    if hit:
        return Check(True, f"{hit[0]} (Related Domain)")
    if fix and domains:
        return Check(True, f"{sorted(domains)[0]} (the project's domain spec)")
    if named:
        return Check(False, f"Related Domain names {named[0]}, which is not a domain spec here")
    return Check(False, "masters/APIs are used but the spec has no `Related Domain:` line")


def _check_branch(branch: str, issues: tuple[str, ...], fix: bool) -> Check:
    if not issues:
        return Check(False, f"no issue number for the branch name ({branch})")
    note = " (fixes use `fix/<issue>-...`)" if fix else ""
    return Check(True, f"`{branch}`{note}")


def _feature_breakdown(spec: SpecDoc) -> tuple[TaskGroup, ...]:
    """Setup T-001/T-002; use case k gets T-k01 (test) and T-k02 (implementation); wrap-up T-050/T-051."""
    groups = [TaskGroup("Setup", ("T-001", "T-002"))]
    for k, uc in enumerate(spec.use_cases, start=1):
        summary = _ARROWS.sub("to", f"{uc.id} {uc.title}".strip())
        groups.append(TaskGroup(summary, (f"T-{k}01", f"T-{k}02")))
    groups.append(TaskGroup("Wrap-up", ("T-050", "T-051")))
    return tuple(groups)


def _fix_breakdown() -> tuple[TaskGroup, ...]:
    return (
        TaskGroup("Reproduce with a failing test", ("T-001",)),
        TaskGroup("Fix", ("T-010", "T-011")),
        TaskGroup("Verify and wrap up", ("T-050",)),
    )


def _fix_direction_section(spec: SpecDoc) -> Section | None:
    for section in spec.sections:
        if section.level == 2 and "fix direction" in section.title.casefold():
            return section
    return None


def _fix_section_name(spec: SpecDoc) -> str:
    section = _fix_direction_section(spec)
    if section is None:
        return ""
    return f"{section.number} {section.title}".strip()


def _fix_direction(spec: SpecDoc, lines: list[str] | None) -> tuple[str, ...]:
    """The Fix Direction section's lines (heading excluded), to be quoted in §3.1."""
    section = _fix_direction_section(spec)
    if section is None or lines is None:
        return ()
    body = [x.rstrip() for x in lines[section.start:section.end]]
    while body and (not body[-1].strip() or body[-1].strip() == "---"):
        body.pop()
    while body and not body[0].strip():
        body.pop(0)
    return tuple(body)
