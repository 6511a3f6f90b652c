"""SM3xx, specs → matrix: every screen, feature, master and API of the specs appears in the matrix
(upstream `validate-matrix`), and each feature's entry lists the masters and APIs its spec
depends on, and nothing else. `masters`/`apis` top-level maps count as mentions.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from specmesh_tasks.gates.catalog import rule
from specmesh_tasks.gates.context import RuleContext
from specmesh_tasks.gates.finding import Finding, finding
from specmesh_tasks.gates.index import RepoIndex, repo_index, specs_of, usable_spec_id
from specmesh_tasks.gates.rules.matrix import KeyLines, entries, ids_of, matrix_data
from specmesh_tasks.model.ids import IdKind, kind_of, strip_instance_suffix
from specmesh_tasks.model.spec import DependencyRow, Location, Repo, SpecDoc, SpecKind


@rule(
    code="SM316", name="matrix-missing-screen", severity="warning",
    summary="a screen of the Screen Index is not a key of the matrix's `screens`",
    rationale="The matrix is the map of the product; a screen missing there is missing from impact "
              "analysis.",
    bad_example="| SCR-003 | Fines | J-2 | Planned |     (no \"SCR-003\" under \"screens\")",
    good_example='"screens": {"SCR-003": {"name": "Fines", "masters": ["M-FINE"]}}',
    fix="Add the screen to `screens` in cross-reference.json.",
)
def check_matrix_has_screens(repo: Repo, ctx: RuleContext) -> Iterator[Finding]:
    found = matrix_data(repo)
    if found is None:
        return
    _doc, data = found
    screens = entries(data, "screens")
    for spec in specs_of(repo, SpecKind.SCREEN):
        for row in spec.screen_index:
            if kind_of(row.screen_id) is IdKind.SCREEN and row.screen_id not in screens:
                yield finding("SM316", row.location,
                              f"screen {row.screen_id} is not in cross-reference.json", usable_spec_id(spec))


@rule(
    code="SM317", name="matrix-missing-feature", severity="warning",
    summary="a feature (spec or Feature Index row) is not a key of the matrix's `features`",
    rationale="Every feature should say which screens, masters and APIs it uses.",
    bad_example="| S-LOAN-002 | Returns | ... | Draft |     (no \"S-LOAN-002\" under \"features\")",
    good_example='"features": {"S-LOAN-002": {"title": "Returns", "masters": ["M-LOAN"]}}',
    fix="Add the feature to `features` in cross-reference.json.",
)
def check_matrix_has_features(repo: Repo, ctx: RuleContext) -> Iterator[Finding]:
    found = matrix_data(repo)
    if found is None:
        return
    _doc, data = found
    features = entries(data, "features")
    wanted: dict[str, Location] = {}
    for spec in specs_of(repo, SpecKind.FEATURE):
        sid = usable_spec_id(spec)
        if sid:
            wanted.setdefault(sid, Location(spec.path, spec.header_line("Spec ID")))
    for domain in specs_of(repo, SpecKind.DOMAIN):
        for row in domain.feature_index:
            if kind_of(row.feature_id) is IdKind.FEATURE:
                wanted.setdefault(row.feature_id, row.location)
    for feature_id, where in sorted(wanted.items()):
        if feature_id not in features:
            yield finding("SM317", where, f"feature {feature_id} is not in cross-reference.json", feature_id)


def _matrix_mentions(data: dict[str, Any]) -> set[str]:
    mentioned: set[str] = set()
    for section in ("screens", "features"):
        for entry in entries(data, section).values():
            for key in ("masters", "apis"):
                mentioned.update(ids_of(entry, key))
    for key in ("masters", "apis"):  # top-level maps some projects keep (format reference §10)
        mentioned.update(entries(data, key))
    return mentioned


@rule(
    code="SM318", name="matrix-unmapped-item", severity="warning",
    summary="a master or API of the domain spec appears in no screen or feature of the matrix",
    rationale="An item nobody maps is invisible to impact analysis of a domain change.",
    bad_example="### M-FINE: Fine      (no screen or feature lists \"M-FINE\")",
    good_example='"features": {"S-LOAN-002": {"title": "Returns", "masters": ["M-FINE"]}}',
    fix="List the item under the screens/features that use it.",
)
def check_matrix_maps_items(repo: Repo, ctx: RuleContext) -> Iterator[Finding]:
    found = matrix_data(repo)
    if found is None:
        return
    _doc, data = found
    mentioned = _matrix_mentions(data)
    mentioned |= {i.rsplit("-", 1)[0] for i in mentioned if i[-1:].isdigit()}
    index = repo_index(repo, ctx)
    wildcards = _wildcards(mentioned)
    for item_id, defs in index.of_kind(IdKind.MASTER, IdKind.API):
        if not _is_mentioned(item_id, mentioned, wildcards):
            yield finding("SM318", defs[0].location, f"{item_id} is not referenced in cross-reference.json")


def _is_mentioned(item_id: str, mentioned: set[str], wildcards: tuple[str, ...]) -> bool:
    """Mentioned as is, without its instance suffix (`M-USER-001` as `M-USER`), or by a wildcard."""
    if item_id in mentioned or strip_instance_suffix(item_id) in mentioned:
        return True
    return item_id.startswith(wildcards) if wildcards else False


def _wildcards(mentioned: set[str]) -> tuple[str, ...]:
    return tuple(sorted(m[:-1] for m in mentioned if m.endswith("*")))


@rule(
    code="SM319", name="matrix-api-without-permission", severity="warning",
    summary="an API of the domain spec has no entry in the matrix's `permissions`",
    rationale="Who may call an API is part of its contract; a missing entry is an unanswered "
              "security question. (Only checked when the matrix has a `permissions` map.)",
    bad_example='"permissions": {"API-BOOK-LIST": ["*"]}      (API-LOAN-CREATE has no entry)',
    good_example='"permissions": {"API-BOOK-LIST": ["*"], "API-LOAN-CREATE": ["member"]}',
    fix="Add the API with its roles (`\"*\"` for everyone).",
)
def check_matrix_permissions_complete(repo: Repo, ctx: RuleContext) -> Iterator[Finding]:
    found = matrix_data(repo)
    if found is None or not isinstance(found[1].get("permissions"), dict):
        return
    permissions = entries(found[1], "permissions")
    keys = set(permissions)
    for item_id, defs in repo_index(repo, ctx).of_kind(IdKind.API):
        if not _is_mentioned(item_id, keys, ()):
            yield finding("SM319", defs[0].location, f"{item_id} has no entry in the matrix permissions")


@rule(
    code="SM320", name="matrix-without-permissions", severity="info",
    summary="the matrix has no `permissions` map although the domain spec defines APIs",
    rationale="Without it nobody has written down who may call which API.",
    bad_example='{"screens": {...}, "features": {...}}',
    good_example='{"screens": {...}, "features": {...}, "permissions": {"API-BOOK-LIST": ["*"]}}',
    fix="Add a `permissions` map (API ID -> roles).",
)
def check_matrix_has_permissions(repo: Repo, ctx: RuleContext) -> Iterator[Finding]:
    found = matrix_data(repo)
    if found is None or "permissions" in found[1]:
        return
    if repo_index(repo, ctx).of_kind(IdKind.API):
        yield finding("SM320", Location(found[0].path, 1), "matrix has no permissions map")


# ---------------------------------------------------------------------- each feature's entry

_DRIFT_KINDS = {"masters": IdKind.MASTER, "apis": IdKind.API}


class Drift(NamedTuple):
    """A master or API on which a feature's matrix entry and its spec disagree."""

    feature: str
    key: str  # `masters` or `apis`
    item: str
    missing: bool  # True: the spec depends on it, the entry lacks it; False: the entry lists it alone
    row: DependencyRow | None  # the spec's dependency row, when missing


def _drift(repo: Repo, ctx: RuleContext) -> list[Drift]:
    """Every disagreement between a feature's matrix entry and its spec (shared per run).

    An item stands for the IDs it resolves to (`M-USER` for `M-USER-001`, `API-AUTH-*` for every
    match), so aliases and wildcards agree with what they name; an item that resolves to nothing
    is another rule's finding (SM204, SM313), not drift. Only specs that list their domain
    dependencies in the §2 tables are compared (an older spec that names them in prose says
    nothing about what it does not use), and only the kinds an entry maps: an entry without a
    `masters` (or `apis`) key leaves them to the project's top-level maps."""
    def find() -> list[Drift]:
        found = matrix_data(repo)
        if found is None:
            return []
        index, features = repo_index(repo, ctx), entries(found[1], "features")
        out: list[Drift] = []
        for spec in specs_of(repo, SpecKind.FEATURE, SpecKind.FIX):
            sid = usable_spec_id(spec)
            if sid and sid in features and any(d.kind in _DRIFT_KINDS.values() for d in spec.dependencies):
                out += _entry_drift(sid, spec, features[sid], index)
        return out

    return ctx.shared("matrix_coverage.drift", find)


def _entry_drift(sid: str, spec: SpecDoc, entry: Any, index: RepoIndex) -> list[Drift]:
    found: list[Drift] = []
    for key, kind in _DRIFT_KINDS.items():
        if not isinstance(entry, dict) or key not in entry:
            continue  # the project maps these elsewhere (top-level `masters` / `apis` maps)
        # What each item names; an undefined one (SM204, SM313) is left out.
        wanted = {d.id: (d, names) for d in spec.dependencies
                  if d.kind is kind and (names := set(index.resolve(d.id, spec.path)))}
        listed = {item: names for item in ids_of(entry, key) if (names := set(index.resolve(item)))}
        listed_ids = set().union(*listed.values())
        wanted_ids = set().union(*(names for _row, names in wanted.values()))
        found += [Drift(sid, key, i, True, row) for i, (row, names) in wanted.items() if not names & listed_ids]
        found += [Drift(sid, key, i, False, None) for i, names in listed.items() if not names & wanted_ids]
    return found


@rule(
    code="SM321", name="matrix-feature-missing-item", severity="warning",
    summary="a feature's matrix entry lacks a master or API its spec depends on",
    rationale="The matrix answers \"which features use M-LOAN?\" for impact analysis; an entry that "
              "misses a dependency hides the feature from that answer.",
    bad_example='spec §2.1: | M-LOAN | Loan | create |\n'
                '"S-LOAN-001": {"title": "Lending", "masters": ["M-BOOK"]}',
    good_example='spec §2.1: | M-LOAN | Loan | create |\n'
                 '"S-LOAN-001": {"title": "Lending", "masters": ["M-BOOK", "M-LOAN"]}',
    fix="Add the item to the feature's `masters` or `apis` in cross-reference.json.",
)
def check_matrix_feature_lacks(repo: Repo, ctx: RuleContext) -> Iterator[Finding]:
    found = matrix_data(repo)
    drift = [d for d in _drift(repo, ctx) if d.missing]
    if found is None or not drift:
        return
    lines = KeyLines(found[0], ctx)
    for d in drift:
        where = f" ({d.row.location})" if d.row is not None else ""
        yield finding("SM321", lines.at("features", d.feature), f"matrix feature {d.feature} lacks {d.item} in "
                                                                f"{d.key}, which its spec depends on{where}", d.feature)


@rule(
    code="SM322", name="matrix-feature-extra-item", severity="warning",
    summary="a feature's matrix entry lists a master or API its spec does not depend on",
    rationale="An item the spec does not use makes impact analysis report the feature for changes "
              "that cannot touch it; either the matrix or the spec's dependency tables are out of date.",
    bad_example='spec §2.1: | M-BOOK | Book | read |\n'
                '"S-LOAN-001": {"title": "Lending", "masters": ["M-BOOK", "M-FINE"]}',
    good_example='spec §2.1: | M-BOOK | Book | read |\n'
                 '"S-LOAN-001": {"title": "Lending", "masters": ["M-BOOK"]}',
    fix="Remove the item from the entry, or add it to the spec's dependency table if the feature uses it.",
)
def check_matrix_feature_extra(repo: Repo, ctx: RuleContext) -> Iterator[Finding]:
    found = matrix_data(repo)
    drift = [d for d in _drift(repo, ctx) if not d.missing]
    if found is None or not drift:
        return
    lines = KeyLines(found[0], ctx)
    for d in drift:
        yield finding("SM322", lines.at("features", d.feature, d.key), f"matrix feature {d.feature} lists "
                      f"{d.item} in {d.key}, which its spec does not depend on", d.feature)
