"""What a plan shows of other specs: the masters and APIs it uses as the domain spec describes
them, the features it cites (ID, title, status), and the checks that depend on them.

`overview_view()` is exactly that, as data: the per-feature digest that decides when an edit of
an overview spec re-renders a plan (render/plan_index.py).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from specmesh_tasks.model.ids import IdKind, strip_instance_suffix
from specmesh_tasks.model.spec import DomainItem, Repo, SpecDoc, SpecKind
from specmesh_tasks.render.checks import Check, check_domain, check_specs
from specmesh_tasks.render.related import CONTEXT_VERSION, dep_ids, domain_of, nearest, spec_index

PURPOSE_LIMIT = 160


@dataclass(frozen=True, slots=True)
class ItemRef:
    """A master or API the spec depends on, as the domain spec describes it."""

    id: str
    title: str  # "" when the domain spec does not define it
    purpose: str
    found: bool
    domain: str  # the domain spec's ID, for the "missing" flag
    masters: tuple[str, ...] = ()  # of an API: the masters its block in the domain spec names

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
    description: str = ""  # what the feature dependency table says of it

    @property
    def name(self) -> str:
        return f"{self.id} {self.title}" if self.found and self.title else self.id

    @property
    def label(self) -> str:
        facts = ", ".join(x for x in (self.relation, self.status if self.found else "not found") if x)
        return f"{self.name} ({facts})" if facts else self.name

    @property
    def dependency(self) -> str:
        """`S-ROOM-001 Room Directory (Hard): Bookings need the room list` (§4)."""
        head = f"{self.name} ({self.relation})" if self.relation else self.name
        return f"{head}: {self.description}" if self.description else head


def overview_view(spec: SpecDoc, repo: Repo) -> dict[str, object]:
    """What the plan of `spec` shows of other specs: the masters and APIs it uses as the domain
    spec describes them, the features it cites (ID, title, status), whether related specs exist.

    This is the per-feature digest behind `plan:<ID>`'s dependency on the overview specs: it
    changes exactly when one of these values changes, not when an unrelated section does.
    """
    shared = other_specs(spec, repo)
    return {
        "masters": [m.detail for m in shared.masters],
        "apis": [a.label for a in shared.apis],
        "mapping": [[a.id, *a.masters] for a in shared.apis],
        "rules": list(shared.missing_rules),
        "features": [f.label for f in shared.features],
        "specs": shared.specs.label,
        "domain": shared.domain.label,
        "related": [shared.domain_spec, shared.screen_spec],
        "version": CONTEXT_VERSION,
    }


@dataclass(frozen=True, slots=True)
class OtherSpecs:
    """The parts of a plan that come from other specs."""

    domain_id: str
    domain_spec: str  # what `Related Domain Spec:` shows
    screen_spec: str
    masters: tuple[ItemRef, ...]
    apis: tuple[ItemRef, ...]
    features: tuple[FeatureRef, ...]
    specs: Check
    domain: Check
    missing_rules: tuple[str, ...] = ()  # rules the spec uses that the domain spec does not define


def other_specs(spec: SpecDoc, repo: Repo) -> OtherSpecs:
    domain = domain_of(spec, repo)
    domain_id = (domain.spec_id or "") if domain else ""
    masters = _items(dep_ids(spec, IdKind.MASTER), domain.masters if domain else (), domain_id)
    apis = _with_masters(_items(dep_ids(spec, IdKind.API), domain.apis if domain else (), domain_id), domain)
    features = _features(spec, repo)
    rules = {r.id for r in domain.rules} if domain else set()
    missing_rules = tuple(r for r in dep_ids(spec, IdKind.RULE) if domain and r not in rules)
    screen = nearest(spec, spec_index(repo).of_kind(SpecKind.SCREEN), spec.header("Related Screen") or "")
    domain_spec = spec.header("Related Domain") or domain_id or "(none)"
    screen_spec = spec.header("Related Screen") or (screen.spec_id if screen else "") or "(none)"
    return OtherSpecs(domain_id, domain_spec, screen_spec, masters, apis, features,
                   check_specs(spec, repo, tuple(f.id for f in features)),
                   check_domain(spec, repo, bool(masters or apis), spec.kind is SpecKind.FIX), missing_rules)


def _items(ids: tuple[str, ...], defined: tuple[DomainItem, ...], domain_id: str) -> tuple[ItemRef, ...]:
    out: list[ItemRef] = []
    for ref in ids:
        found = _resolve(ref, defined)
        if not found:
            out.append(ItemRef(ref, "", "", False, domain_id))
        out += [ItemRef(d.id, d.title, _short(d.purpose), True, domain_id) for d in found]
    return tuple(dict.fromkeys(out))


def item_fields(domain: SpecDoc) -> dict[str, list[str]]:
    """What a plan shows of each master, API and rule of a domain spec (`ItemRef`'s title, purpose
    and an API's masters; that a rule exists)."""
    fields = {d.id: [d.title, _short(d.purpose)] for d in domain.masters}
    masters = api_masters(domain)
    fields.update({d.id: [d.title, _short(d.purpose), *masters.get(d.id, ())] for d in domain.apis})
    fields.update({r.id: ["rule"] for r in domain.rules})
    return fields


def api_masters(domain: SpecDoc, api_ids: set[str] | None = None) -> dict[str, tuple[str, ...]]:
    """Per API of a domain spec (of `api_ids` only, when given), the masters its block names, in
    order of mention."""
    out: dict[str, tuple[str, ...]] = {}
    for api in domain.apis:
        if api_ids is None or api.id in api_ids:
            named = [r.id for r in domain.references if r.kind is IdKind.MASTER
                     and api.location.line <= r.location.line <= api.end_line]
            out[api.id] = tuple(dict.fromkeys(named))
    return out


def _with_masters(apis: tuple[ItemRef, ...], domain: SpecDoc | None) -> tuple[ItemRef, ...]:
    if domain is None:
        return apis
    masters = api_masters(domain, {a.id for a in apis if a.found})
    return tuple(replace(a, masters=masters.get(a.id, ())) if a.found else a for a in apis)


def shown_item_refs(spec: SpecDoc) -> list[str]:
    """The master, API and rule references of `spec` that its plan resolves against the domain spec."""
    return list(dep_ids(spec, IdKind.MASTER) + dep_ids(spec, IdKind.API) + dep_ids(spec, IdKind.RULE))


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
    rows = [d for d in spec.dependencies if d.kind in (IdKind.FEATURE, IdKind.FIX)]
    relations = {d.id: d.usage.strip() for d in rows}
    descriptions = _descriptions(spec, {d.location.line: d.id for d in rows})
    ids = dep_ids(spec, IdKind.FEATURE) + dep_ids(spec, IdKind.FIX)
    out = []
    for fid in dict.fromkeys(ids):
        if fid == spec.spec_id:
            continue
        relation = relations.get(fid, "")
        relation = relation if relation.casefold() in ("hard", "soft", "parallel") else ""
        other = spec_index(repo).by_id.get(fid)
        said = descriptions.get(fid, "")
        if other is None:
            out.append(FeatureRef(fid, "", "", relation, False, said))
        else:
            out.append(FeatureRef(fid, other.title, other.status or "no status", relation, True, said))
    return tuple(out)


def _descriptions(spec: SpecDoc, at: dict[int, str]) -> dict[str, str]:
    """The Description cell of each feature dependency row (the table's third column)."""
    out: dict[str, str] = {}
    for table in spec.tables:
        for row in table.rows:
            if row.line in at and len(row.cells) >= 3 and row.cells[2].strip():
                out.setdefault(at[row.line], row.cells[2].strip())
    return out


def domain_line(spec: SpecDoc, domain_id: str) -> str:
    ids = dep_ids(spec, IdKind.MASTER) + dep_ids(spec, IdKind.API) + dep_ids(spec, IdKind.RULE)
    named = spec.header("Related Domain") or domain_id
    if not ids:
        return ""
    return f"{named or '(no domain spec)'} ({', '.join(ids)})"
