"""Read a test file: the spec IDs its tests cite, and which test each applies to.

The grammar of markers and tag comments is `formats.test_tags`. Python files are read with `ast`,
other languages with a line scan. Which test a tag belongs to: a tag inside a test function/class
(or `describe`/`it`/`test` block, Go `func TestX`) applies to the innermost one; a tag in a
comment block directly above a test (no blank line between) applies to it; any other tag applies
to the whole file (`test=None`). The whole-file fallback for a stray tag below the first test is
deliberate: selecting too many tests is safe, selecting too few is not.

Pure and total: never raises on bad input (a Python syntax error falls back to the line scan).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass

from specmesh_tasks.formats import test_tags as grammar
from specmesh_tasks.model.spec import Location, TestTag


@dataclass(frozen=True, slots=True)
class _Scope:
    """A test's span: `start` is its first line (decorators included), `end` its last."""

    name: str
    start: int
    end: int


def parse_test_tags(text: str, rel_path: str) -> tuple[TestTag, ...]:
    """Every spec ID a test file cites, with the test it applies to (None = whole file)."""
    return read_test_file(text, rel_path)[0]


def read_test_file(text: str, rel_path: str, tree: ast.Module | None = None,
                   ) -> tuple[tuple[TestTag, ...], tuple[str, ...] | None]:
    """The tags of a test file and the names of the tests it defines (None when unknown: not
    Python, or it does not parse). Pass `tree` when the caller has already parsed the file."""
    lines = text.splitlines()
    if rel_path.endswith((".py", ".pyi")):
        if tree is None:
            try:
                tree = ast.parse(text)
            except (SyntaxError, ValueError):
                tree = None
        if tree is not None:
            scopes = _python_scopes(tree)
            tags = [*_python_markers(tree, rel_path), *_comment_tags(lines, scopes, rel_path)]
            return _ordered(tags), tuple(scope.name for scope in scopes)
    scopes = _scanned_scopes(lines)
    tags = [*_comment_tags(lines, scopes, rel_path), *_scanned_markers(lines, scopes, rel_path)]
    return _ordered(tags), None


def _ordered(tags: Iterable[TestTag]) -> tuple[TestTag, ...]:
    unique = dict.fromkeys(tags)  # a marker and a comment may repeat an ID on one line
    return tuple(sorted(unique, key=lambda t: (t.location.line, t.source, t.test or "", t.id)))


# --- Python, with ast -------------------------------------------------------------------------


def _start_line(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> int:
    return min([node.lineno, *(d.lineno for d in node.decorator_list)])


def _python_scopes(tree: ast.Module) -> list[_Scope]:
    """Test functions and classes (module level, in Test classes, nested Test classes)."""
    scopes: list[_Scope] = []

    def visit(body: list[ast.stmt], prefix: str) -> None:
        for node in body:
            if isinstance(node, ast.ClassDef) and grammar.is_test_class(node.name):
                name = prefix + node.name
                scopes.append(_Scope(name, _start_line(node), node.end_lineno or node.lineno))
                visit(node.body, name + "::")
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and grammar.is_test_function(node.name):
                end = node.end_lineno or node.lineno
                scopes.append(_Scope(prefix + node.name, _start_line(node), end))

    visit(tree.body, "")
    return scopes


def _python_markers(tree: ast.Module, rel: str) -> list[TestTag]:
    tags: list[TestTag] = []

    def add(expr: ast.expr, test: str | None) -> None:
        for spec_id in grammar.spec_mark_ids(expr) or []:
            tags.append(TestTag(spec_id, Location(rel, expr.lineno), test, "marker"))

    def visit(body: list[ast.stmt], owner: str | None) -> None:
        prefix = owner + "::" if owner else ""
        for node in body:
            for value in grammar.pytestmark_values(node):
                add(value, owner)
            if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                name = prefix + node.name
                for decorator in node.decorator_list:
                    add(decorator, name)
                if isinstance(node, ast.ClassDef):
                    visit(node.body, name)

    visit(tree.body, None)
    return tags


# --- any language, by lines -------------------------------------------------------------------


def _comment_tags(lines: list[str], scopes: list[_Scope], rel: str) -> list[TestTag]:
    tags: list[TestTag] = []
    for index, line in enumerate(lines):
        if "@" not in line:
            continue
        ids = grammar.scan_tag_ids(line)
        if not ids:
            continue
        number = index + 1
        test = _owner_of(number, lines, scopes)
        tags.extend(TestTag(spec_id, Location(rel, number), test, "comment") for spec_id in ids)
    return tags


def _owner_of(line: int, lines: list[str], scopes: list[_Scope], above: bool = True) -> str | None:
    """The test directly below `line`'s comment block, else the innermost test containing it."""
    following = line + 1
    while following <= len(lines) and grammar.COMMENT_LINE.match(lines[following - 1]):
        following += 1
    below = [s for s in scopes if s.start == following] if above else []
    if below:
        return max(below, key=lambda s: s.end).name
    inside = [s for s in scopes if s.start <= line <= s.end]
    if inside:
        return max(inside, key=lambda s: (s.start, -s.end)).name
    return None


def _scanned_markers(lines: list[str], scopes: list[_Scope], rel: str) -> list[TestTag]:
    """`@pytest.mark.spec(...)` decorators found by the line scan (a Python file that won't parse)."""
    tags: list[TestTag] = []
    for index, line in enumerate(lines):
        ids = grammar.marker_ids_in_line(line)
        if ids is None:
            continue
        number = index + 1
        # A decorator line is already part of its test's span; `pytestmark =` is not a comment.
        test = _owner_of(number, lines, scopes, above=False)
        tags.extend(TestTag(spec_id, Location(rel, number), test, "marker") for spec_id in ids)
    return tags


def _scanned_scopes(lines: list[str]) -> list[_Scope]:
    """Test blocks found by a line scan: JS/TS `describe/it/test`, Go `func TestX`, Python defs."""
    scopes: list[_Scope] = []
    open_scopes: list[_Scope] = []
    for index in range(len(lines)):
        found = _scan_start(lines, index)
        if found is None:
            continue
        name, start, end = found
        open_scopes = [s for s in open_scopes if s.end >= index + 1]
        scope = _Scope("::".join([*(s.name for s in open_scopes), name]), start, end)
        scopes.append(scope)
        open_scopes.append(scope)
    return scopes


def _scan_start(lines: list[str], index: int) -> tuple[str, int, int] | None:
    """(name, first line, last line) of a test starting on line `index` (0-based), or None."""
    line, number = lines[index], index + 1
    py = grammar.PY_TEST.match(line)
    if py is not None:
        end = _indented_end(lines, index, len(py.group("indent")))
        return py.group("name"), _decorated_start(lines, index), end
    match = grammar.GO_TEST.match(line) or grammar.JS_TEST.match(line)
    if match is None:
        return None
    return grammar.test_name(match) or f"line {number}", number, _bracketed_end(lines, index)


def _decorated_start(lines: list[str], index: int) -> int:
    """First line of the decorators stacked directly above line `index` (0-based)."""
    start = index
    while start > 0 and lines[start - 1].lstrip().startswith("@"):
        start -= 1
    return start + 1


def _indented_end(lines: list[str], index: int, indent: int) -> int:
    """Last line of an indented block whose header is line `index` (0-based)."""
    end = index
    for follow in range(index + 1, len(lines)):
        text = lines[follow]
        if not text.strip():
            continue
        if len(text) - len(text.lstrip()) <= indent:
            break
        end = follow
    return end + 1


_STRING_OR_COMMENT = re.compile(r"""//.*$|"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|`(?:\\.|[^`\\])*`""")


def _bracketed_end(lines: list[str], index: int) -> int:
    """Last line of a `describe(..., () => { ... })` / `func TestX(t) { ... }` block.

    Counts brackets outside one-line strings and `//` comments; good enough to tell which block a
    tag comment is in. An unbalanced file ends the block at the end of the file.
    """
    depth, opened = 0, False
    for follow in range(index, len(lines)):
        code = _STRING_OR_COMMENT.sub("", lines[follow])
        for char in code:
            if char in "({[":
                depth, opened = depth + 1, True
            elif char in ")}]":
                depth -= 1
        if opened and depth <= 0:
            return follow + 1
    return len(lines)
