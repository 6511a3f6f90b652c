"""A small JSON Schema interpreter for the schemas we ship (no jsonschema/pydantic at run time).

Supported keywords, which is all `cross-reference.schema.json` uses: `type` (one or a list),
`required`, `properties`, `additionalProperties` (bool or schema), `propertyNames` (with
`pattern`), `items`, `pattern`, and local `$ref` (`#/$defs/name`). Unknown keywords are ignored.
A test checks it agrees with the jsonschema package on valid and invalid documents.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,), "array": (list,), "string": (str,), "boolean": (bool,),
    "integer": (int,), "number": (int, float), "null": (type(None),),
}


@dataclass(frozen=True, slots=True)
class SchemaError:
    """One violation: where (keys from the document root) and what."""

    path: tuple[str | int, ...]
    message: str

    def where(self) -> str:
        return "/".join(str(p) for p in self.path) or "(top level)"


def validate(doc: Any, schema: dict[str, Any]) -> list[SchemaError]:
    """Every violation of `schema` by `doc`, in document order."""
    return list(_check(doc, schema, schema, ()))


def _resolve(node: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        ref = str(node["$ref"])
        target: Any = root
        for part in ref.removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def _type_ok(doc: Any, wanted: str) -> bool:
    if isinstance(doc, bool) and wanted in ("integer", "number"):
        return False
    return isinstance(doc, _TYPES.get(wanted, (object,)))


def _check(doc: Any, node: dict[str, Any], root: dict[str, Any], path: tuple[str | int, ...],
           ) -> Iterator[SchemaError]:
    node = _resolve(node, root)
    wanted = node.get("type")
    if wanted is not None:
        types = [wanted] if isinstance(wanted, str) else list(wanted)
        if not any(_type_ok(doc, t) for t in types):
            yield SchemaError(path, f"expected {' or '.join(types)}, found {_json_type(doc)}")
            return
    if isinstance(doc, str) and "pattern" in node and not re.search(node["pattern"], doc):
        yield SchemaError(path, f'"{doc}" does not match {node["pattern"]}')
    if isinstance(doc, list) and "items" in node:
        for i, item in enumerate(doc):
            yield from _check(item, node["items"], root, (*path, i))
    if isinstance(doc, dict):
        yield from _check_object(doc, node, root, path)


def _check_object(doc: dict[str, Any], node: dict[str, Any], root: dict[str, Any],
                  path: tuple[str | int, ...]) -> Iterator[SchemaError]:
    for key in node.get("required", ()):
        if key not in doc:
            yield SchemaError(path, f'"{key}" is required')
    names = node.get("propertyNames")
    properties: dict[str, Any] = node.get("properties", {})
    extra = node.get("additionalProperties", True)
    for key, value in doc.items():
        if names is not None and "pattern" in names and not re.search(names["pattern"], key):
            yield SchemaError((*path, key), f'key "{key}" does not match {names["pattern"]}')
        if key in properties:
            yield from _check(value, properties[key], root, (*path, key))
        elif extra is False:
            yield SchemaError((*path, key), f'unexpected key "{key}"')
        elif isinstance(extra, dict):
            yield from _check(value, extra, root, (*path, key))


def _json_type(doc: Any) -> str:
    for name in _TYPES:
        if _type_ok(doc, name):
            return name
    return type(doc).__name__
