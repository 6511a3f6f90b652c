"""Read `cross-reference.json` (the matrix): the raw JSON, its IDs with lines, and problems.

Validation against the schema and the specs is the gates' work; here bad JSON becomes a Problem
at the line the decoder names, and every ID string in the file (keys and values alike) becomes a
Reference, since a matrix never defines anything. Unknown keys (`version`, `lastUpdated`, `apis`,
`masters`, `$schema`, ...) are kept as they are.
"""

from __future__ import annotations

import json

from specmesh_tasks.fsutil import normalized_digest
from specmesh_tasks.model.spec import Location, MatrixDoc, Reference
from specmesh_tasks.parse import problems as codes
from specmesh_tasks.parse.problems import problem
from specmesh_tasks.parse.scan import scan_ids
from specmesh_tasks.parse.source import normalize_newlines


def parse_matrix(text: str, rel_path: str) -> MatrixDoc:
    """The matrix file's model; never raises."""
    text = normalize_newlines(text.removeprefix("\ufeff"))
    digest = normalized_digest(text)
    refs = matrix_references(text, rel_path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        found = problem(codes.MATRIX_INVALID_JSON, rel_path, exc.lineno,
                        f"invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})")
        return MatrixDoc(rel_path, None, (found,), digest, refs)
    except (ValueError, RecursionError) as exc:  # e.g. nesting too deep for the decoder
        found = problem(codes.MATRIX_INVALID_JSON, rel_path, 0, f"invalid JSON: {type(exc).__name__}")
        return MatrixDoc(rel_path, None, (found,), digest, refs)
    return MatrixDoc(rel_path, data, (), digest, refs)


def matrix_references(text: str, rel_path: str) -> tuple[Reference, ...]:
    """Every ID written in the file, once per line, as a Reference with its line."""
    out: list[Reference] = []
    seen: set[tuple[int, str]] = set()
    line, pos = 1, 0
    for token in scan_ids(text):
        line += text.count("\n", pos, token.start)
        pos = token.start
        if (line, token.id) not in seen:
            seen.add((line, token.id))
            out.append(Reference(token.id, token.kind, Location(rel_path, line), "", token.wildcard))
    return tuple(out)
