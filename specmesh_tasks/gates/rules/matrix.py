"""SM3xx: `cross-reference.json` against its schema and against the specs, in both directions.

Matrix → specs: every screen, master, API, rule, feature and permission the matrix names exists in
the specs. Specs → matrix: every screen, feature, master and API of the specs appears in the matrix
(upstream `validate-matrix`). Extra top-level keys (`version`, `lastUpdated`, `masters`, `apis`,
`$schema`, `projectName`) and an empty `features` object are accepted; `masters`/`apis` top-level
maps count as mentions.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from specmesh_tasks.gates.catalog import rule
from specmesh_tasks.gates.context import RuleContext
from specmesh_tasks.gates.finding import Finding, finding
from specmesh_tasks.gates.index import RepoIndex, repo_index, specs_of, usable_spec_id
from specmesh_tasks.model.ids import IdKind, kind_of, strip_instance_suffix
from specmesh_tasks.model.spec import Location, MatrixDoc, Repo, SpecKind


def _matrix(repo: Repo) -> tuple[MatrixDoc, dict[str, Any]] | None:
    """The matrix and its data when it was read as a JSON object."""
    doc = repo.matrix
    if doc is None or not isinstance(doc.data, dict):
        return None
    return doc, doc.data


def _entries(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def _ids(entry: Any, key: str) -> list[str]:
    value = entry.get(key) if isinstance(entry, dict) else None
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


class _Lines:
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
        import bisect

        offset, found = 0, 0
        for key in keys:
            if isinstance(key, int):
                continue
            hit = self.text.find(f'"{key}"', offset)
            if hit < 0:
                break
            offset = found = hit
        return Location(self.path, bisect.bisect_right(self.starts, found) if self.text else 0)


def _domain_kinds(repo: Repo) -> set[IdKind]:
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
    code="SM311", name="matrix-schema-violation", severity="error",
    summary="`cross-reference.json` does not follow its schema (shipped as cross-reference.schema.json)",
    rationale="Tools and people read the matrix by its shape: `screens` and `features` maps keyed by "
              "ID, lists of IDs, `permissions` by API.",
    bad_example='{"screens": {"SCR-001": {"masters": "M-BOOK"}}}',
    good_example='{"screens": {"SCR-001": {"name": "Book list", "masters": ["M-BOOK"]}}, "features": {}}',
    fix="Correct the reported key; the schema is `specmesh_tasks/schemas/cross-reference.schema.json` "
        "(checked with the jsonschema package).",
)
def check_matrix_schema(repo: Repo, ctx: RuleContext) -> Iterator[Finding]:
    doc = repo.matrix
    if doc is None or doc.data is None:
        return  # missing: SM310; unreadable JSON: the reader's SM301
    data = doc.data
    errors = ctx.kept("matrix-schema", doc.digest, lambda: schema_errors(data), _errors_ok)
    lines = _Lines(doc, ctx) if errors else None
    for keys, message in errors:
        assert lines is not None
        where = "/".join(str(k) for k in keys) or "(top level)"
        yield finding("SM311", lines.at(*keys), f"{where}: {message}")


SchemaError = tuple[list[str | int], str]  # where (keys from the document root), what


def schema_errors(data: object) -> list[SchemaError]:
    """Every violation of the shipped matrix schema, checked by jsonschema (imported here only:
    its import costs more than a whole no-op run, and the result is kept by the matrix's digest)."""
    import jsonschema

    from specmesh_tasks.schemas import MATRIX_SCHEMA, load_schema

    validator = jsonschema.Draft202012Validator(load_schema(MATRIX_SCHEMA))
    found = [(_where(e), _message(e)) for e in validator.iter_errors(data)]
    return sorted(found, key=lambda error: ([str(k) for k in error[0]], error[1]))


def _where(error: Any) -> list[str | int]:
    """The keys leading to the wrong value; for a key that breaks `propertyNames`, that key."""
    keys = list(error.absolute_path)
    return [*keys, error.instance] if "propertyNames" in error.absolute_schema_path else keys


def _message(error: Any) -> str:
    """jsonschema's finding in JSON words (`"SCR-1"`, `integer`), not Python's (`'SCR-1'`, `int`)."""
    value, wanted = error.instance, error.validator_value
    if error.validator == "type":
        types = [wanted] if isinstance(wanted, str) else list(wanted)
        return f"expected {' or '.join(types)}, found {_json_type(value)}"
    if error.validator == "required":
        missing = next((key for key in wanted if isinstance(value, dict) and key not in value), wanted[0])
        return f'"{missing}" is required'
    if error.validator == "pattern":
        what = "key " if "propertyNames" in error.absolute_schema_path else ""
        return f"{what}{json.dumps(value, ensure_ascii=False)} does not match {wanted}"
    return str(error.message)


def _json_type(value: object) -> str:
    names = {bool: "boolean", int: "integer", float: "number", str: "string", list: "array",
             dict: "object", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def _errors_ok(value: Any) -> bool:
    """A kept `schema_errors` list read back from the cache."""
    return type(value) is list and all(
        type(e) is list and len(e) == 2 and type(e[0]) is list and type(e[1]) is str
        and all(type(k) in (str, int) for k in e[0]) for e in value)


@rule(
    code="SM312", name="matrix-undefined-screen", severity="error",
    summary="the matrix has a screen that the screen spec's Screen Index does not define",
    rationale="Spec-First: a screen is added to the screen spec before anything else refers to it.",
    bad_example='"screens": {"SCR-009": {"name": "Fines"}}     (no SCR-009 row in the Screen Index)',
    good_example='"screens": {"SCR-002": {"name": "Loans"}}    (| SCR-002 | Loans | J-1 | Planned |)',
    fix="Add the screen to the Screen Index first, or remove it from the matrix.",
)
def check_matrix_screens_defined(repo: Repo, ctx: RuleContext) -> Iterator[Finding]:
    found = _matrix(repo)
    if found is None or IdKind.SCREEN not in _domain_kinds(repo):
        return
    doc, data = found
    index, lines = repo_index(repo, ctx), _Lines(doc, ctx)
    for screen_id in sorted(_entries(data, "screens")):
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
    found = _matrix(repo)
    if found is None:
        return
    doc, data = found
    kinds, index, lines = _domain_kinds(repo), repo_index(repo, ctx), _Lines(doc, ctx)
    for section in ("screens", "features"):
        for owner, entry in sorted(_entries(data, section).items()):
            for key in ("masters", "apis", "screens", "rules"):
                for item in _ids(entry, key):
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
    found = _matrix(repo)
    if found is None or IdKind.API not in _domain_kinds(repo):
        return
    doc, data = found
    index, lines = repo_index(repo, ctx), _Lines(doc, ctx)
    for api in sorted(_entries(data, "permissions")):
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
    found = _matrix(repo)
    if found is None:
        return
    doc, data = found
    known = _known_features(repo, repo_index(repo, ctx))
    named: dict[str, tuple[str, ...]] = {}
    for feature_id in sorted(_entries(data, "features")):
        named.setdefault(feature_id, ("features", feature_id))
    for section in ("screens", "features"):
        for owner, entry in sorted(_entries(data, section).items()):
            for key in ("features", "dependencies"):
                for item in _ids(entry, key):
                    named.setdefault(item, (section, owner, key))
    unknown = [(f, keys) for f, keys in sorted(named.items())
               if f not in known and kind_of(f) in (IdKind.FEATURE, IdKind.FIX)]
    lines = _Lines(doc, ctx) if unknown else None
    for feature_id, keys in unknown:
        assert lines is not None
        yield finding("SM315", lines.at(*keys), f"matrix references feature {feature_id}, which has no "
                                                "spec and no Feature Index row")


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
    found = _matrix(repo)
    if found is None:
        return
    _doc, data = found
    screens = _entries(data, "screens")
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
    found = _matrix(repo)
    if found is None:
        return
    _doc, data = found
    features = _entries(data, "features")
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
        for entry in _entries(data, section).values():
            for key in ("masters", "apis"):
                mentioned.update(_ids(entry, key))
    for key in ("masters", "apis"):  # top-level maps some projects keep (format reference §10)
        mentioned.update(_entries(data, key))
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
    found = _matrix(repo)
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
    found = _matrix(repo)
    if found is None or not isinstance(found[1].get("permissions"), dict):
        return
    permissions = _entries(found[1], "permissions")
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
    found = _matrix(repo)
    if found is None or "permissions" in found[1]:
        return
    if repo_index(repo, ctx).of_kind(IdKind.API):
        yield finding("SM320", Location(found[0].path, 1), "matrix has no permissions map")
