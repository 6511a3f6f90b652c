"""SM3xx: `cross-reference.json` against its schema and against the specs, in both directions.

This module: the matrix exists, and every screen, master, API, rule, feature and permission it
names exists in the specs (matrix → specs), with the helpers the family shares. The schema check
is `matrix_schema.py`; specs → matrix (upstream `validate-matrix`, and each feature's entry against
its spec) is `matrix_coverage.py`. Extra top-level keys (`version`, `lastUpdated`, `masters`,
`apis`, `$schema`, `projectName`) and an empty `features` object are accepted.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from specmesh_tasks.gates.catalog import rule
from specmesh_tasks.gates.context import RuleContext
from specmesh_tasks.gates.finding import Finding, finding
from specmesh_tasks.gates.index import RepoIndex, repo_index, specs_of
from specmesh_tasks.model.ids import IdKind, kind_of
from specmesh_tasks.model.spec import Location, MatrixDoc, Repo, SpecKind


def matrix_data(repo: Repo) -> tuple[MatrixDoc, dict[str, Any]] | None:
    """The matrix and its data when it was read as a JSON object."""
    doc = repo.matrix
    if doc is None or not isinstance(doc.data, dict):
        return None
    return doc, doc.data


def entries(data: dict[str, Any], key: str) -> dict[str, Any]:
    """The map under a top-level key (`screens`, `features`, `permissions`), {} when it is not one."""
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def ids_of(entry: Any, key: str) -> list[str]:
    """The strings of a list under `key` of one screen or feature entry (`masters`, `apis`, ...)."""
    value = entry.get(key) if isinstance(entry, dict) else None
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


class KeyLines:
    """Line numbers of keys in the matrix text (the JSON parser keeps none). Ask only for the
    findings' locations: each lookup scans the text."""

    def __init__(self, doc: MatrixDoc, ctx: RuleContext) -> None:
        self.path = doc.path
        self.text = ctx.read_text(doc.path) or ""
        self._starts: list[int] | None = None

    @property
    def starts(self) -> list[int]:
        if self._starts is None:
            text, found, at = self.text, [0], self.text.find("\n")
            while at >= 0:
                found.append(at + 1)
                at = text.find("\n", at + 1)
            self._starts = found
        return self._starts

    def at(self, *keys: str | int) -> Location:
        """The line of the last of these object keys found one after the other (`"key":`, so an
        ID in a list of values is passed over), or of the last one found; list indexes skipped."""
        import bisect
        import re

        offset, found = 0, 0
        for key in keys:
            if isinstance(key, int):
                continue
            hit = re.compile(re.escape(f'"{key}"') + r"\s*:").search(self.text, offset)
            if hit is None:
                break
            offset = found = hit.start()
        return Location(self.path, bisect.bisect_right(self.starts, found) if self.text else 0)


def domain_kinds(repo: Repo) -> set[IdKind]:
    """The kinds of IDs the tree has a home for (masters, APIs, rules: a domain spec; screens: a
    screen spec): references of other kinds cannot be checked."""
    kinds: set[IdKind] = set()
    if specs_of(repo, SpecKind.DOMAIN):
        kinds |= {IdKind.MASTER, IdKind.API, IdKind.RULE}
    if specs_of(repo, SpecKind.SCREEN):
        kinds.add(IdKind.SCREEN)
    return kinds


@rule(
    code="SM310", name="missing-matrix", severity="warning",
    summary="a domain or screen spec exists but there is no `cross-reference.json`",
    rationale="The matrix is the one place that says which screen and feature uses which master and "
              "API; impact analysis of a domain change starts there.",
    bad_example=".specify/specs/overview/domain/spec.md exists, "
                ".specify/specs/overview/matrix/cross-reference.json does not",
    good_example='.specify/specs/overview/matrix/cross-reference.json: {"screens": {}, "features": {}}',
    fix="Create `overview/matrix/cross-reference.json` (screens, features, permissions).",
)
def check_matrix_exists(repo: Repo, ctx: RuleContext) -> Iterator[Finding]:
    overview = specs_of(repo, SpecKind.DOMAIN, SpecKind.SCREEN)
    if repo.matrix is None and overview:
        yield finding("SM310", Location(overview[0].path, 0),
                      "no cross-reference.json found; create overview/matrix/cross-reference.json")


@rule(
    code="SM312", name="matrix-undefined-screen", severity="error",
    summary="the matrix has a screen that the screen spec's Screen Index does not define",
    rationale="Spec-First: a screen is added to the screen spec before anything else refers to it.",
    bad_example='"screens": {"SCR-009": {"name": "Fines"}}     (no SCR-009 row in the Screen Index)',
    good_example='"screens": {"SCR-002": {"name": "Loans"}}    (| SCR-002 | Loans | J-1 | Planned |)',
    fix="Add the screen to the Screen Index first, or remove it from the matrix.",
)
def check_matrix_screens_defined(repo: Repo, ctx: RuleContext) -> Iterator[Finding]:
    found = matrix_data(repo)
    if found is None or IdKind.SCREEN not in domain_kinds(repo):
        return
    doc, data = found
    index, lines = repo_index(repo, ctx), KeyLines(doc, ctx)
    for screen_id in sorted(entries(data, "screens")):
        if kind_of(screen_id) is IdKind.SCREEN and not index.resolve(screen_id):
            yield finding("SM312", lines.at("screens", screen_id),
                          f"matrix screen {screen_id} is not defined in the screen spec")


@rule(
    code="SM313", name="matrix-undefined-reference", severity="error",
    summary="a matrix screen or feature lists a master, API, rule or screen that the specs do not define",
    rationale="The matrix must describe the specs, not a wish list; an unknown ID there hides a "
              "missing domain or screen entry.",
    bad_example='"features": {"S-LOAN-001": {"title": "Lending", "masters": ["M-FOO"]}}',
    good_example='"features": {"S-LOAN-001": {"title": "Lending", "masters": ["M-BOOK"]}}',
    fix="Define the item in the domain/screen spec, or correct the matrix.",
)
def check_matrix_references(repo: Repo, ctx: RuleContext) -> Iterator[Finding]:
    found = matrix_data(repo)
    if found is None:
        return
    doc, data = found
    kinds, index, lines = domain_kinds(repo), repo_index(repo, ctx), KeyLines(doc, ctx)
    for section in ("screens", "features"):
        for owner, entry in sorted(entries(data, section).items()):
            for key in ("masters", "apis", "screens", "rules"):
                for item in ids_of(entry, key):
                    if kind_of(item) in kinds and not index.resolve(item):
                        yield finding("SM313", lines.at(section, owner, key),
                                      f"matrix {section[:-1]} {owner} references undefined {item}")


@rule(
    code="SM314", name="matrix-permission-undefined-api", severity="error",
    summary="the matrix's `permissions` names an API the domain spec does not define",
    rationale="Permissions for an API that does not exist are dead configuration or a typo.",
    bad_example='"permissions": {"API-LOAN-DELET": ["librarian"]}',
    good_example='"permissions": {"API-LOAN-DELETE": ["librarian"]}',
    fix="Correct the API ID or define the API in the domain spec.",
)
def check_matrix_permissions(repo: Repo, ctx: RuleContext) -> Iterator[Finding]:
    found = matrix_data(repo)
    if found is None or IdKind.API not in domain_kinds(repo):
        return
    doc, data = found
    index, lines = repo_index(repo, ctx), KeyLines(doc, ctx)
    for api in sorted(entries(data, "permissions")):
        if not index.resolve(api):
            yield finding("SM314", lines.at("permissions", api),
                          f"matrix permissions reference undefined API {api}")


def _known_features(repo: Repo, index: RepoIndex) -> set[str]:
    known = set(index.specs_by_id)
    for domain in specs_of(repo, SpecKind.DOMAIN):
        known.update(row.feature_id for row in domain.feature_index)
    return known


@rule(
    code="SM315", name="matrix-feature-without-spec", severity="warning",
    summary="the matrix names a feature that has neither a spec nor a Feature Index row",
    rationale="A feature known only to the matrix is either renamed or forgotten.",
    bad_example='"features": {"S-LOAN-009": {"title": "Old idea"}}',
    good_example='"features": {"S-LOAN-001": {"title": "Lending"}}   (spec and index row exist)',
    fix="Add the feature to the Feature Index (Backlog is fine), or remove it from the matrix.",
)
def check_matrix_features_known(repo: Repo, ctx: RuleContext) -> Iterator[Finding]:
    found = matrix_data(repo)
    if found is None:
        return
    doc, data = found
    known = _known_features(repo, repo_index(repo, ctx))
    named: dict[str, tuple[str, ...]] = {}
    for feature_id in sorted(entries(data, "features")):
        named.setdefault(feature_id, ("features", feature_id))
    for section in ("screens", "features"):
        for owner, entry in sorted(entries(data, section).items()):
            for key in ("features", "dependencies"):
                for item in ids_of(entry, key):
                    named.setdefault(item, (section, owner, key))
    unknown = [(f, keys) for f, keys in sorted(named.items())
               if f not in known and kind_of(f) in (IdKind.FEATURE, IdKind.FIX)]
    lines = KeyLines(doc, ctx) if unknown else None
    for feature_id, keys in unknown:
        assert lines is not None
        yield finding("SM315", lines.at(*keys), f"matrix references feature {feature_id}, which has no "
                                                "spec and no Feature Index row")


