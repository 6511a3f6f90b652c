"""SM311: `cross-reference.json` against the shipped schema, checked by jsonschema.

The validator is imported only when the matrix changed: its errors are kept between runs by the
matrix's digest (`RuleContext.kept`). Each error is said in JSON words at the line of its key.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from specmesh_tasks.gates.catalog import rule
from specmesh_tasks.gates.context import RuleContext
from specmesh_tasks.gates.finding import Finding, finding
from specmesh_tasks.gates.rules.matrix import KeyLines
from specmesh_tasks.model.spec import Repo


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
    lines = KeyLines(doc, ctx) if errors else None
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
