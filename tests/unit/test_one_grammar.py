"""Each file format's grammar lives in exactly one module: nothing else in the package spells it.

The check reads the package's source: every string in code (docstrings and the documentation
fields of a gate rule are prose, not grammar) is looked at for a format's tell-tale text.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import specmesh_tasks

PACKAGE = Path(specmesh_tasks.__file__).parent
# Keyword arguments that hold documentation (a rule's examples and explanation), not grammar.
_PROSE_KEYWORDS = frozenset({"summary", "rationale", "bad_example", "good_example", "fix"})
PLAN_MARKER_TELLS = ("specmesh:plan", "specmesh:begin", "specmesh:end", "sha=")


def _docstrings(tree: ast.AST) -> set[int]:
    out: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                out.add(id(body[0].value))
    return out


def _prose_values(tree: ast.AST) -> set[int]:
    out: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg in _PROSE_KEYWORDS:
            out.update(id(n) for n in ast.walk(node.value))
    return out


def code_strings(path: Path) -> Iterator[tuple[int, str]]:
    """(line, text) of every string constant in code, f-string pieces included."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _docstrings(tree) | _prose_values(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            yield node.lineno, node.value


def spellings(tells: tuple[str, ...], home: Path) -> list[str]:
    """`file:line` of every string outside `home` that contains one of `tells`."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == home:
            continue
        for line, text in code_strings(path):
            if any(t in text for t in tells):
                found.append(f"{path.relative_to(PACKAGE)}:{line}: {text!r}")
    return found


def test_the_plan_marker_format_is_defined_once() -> None:
    home = PACKAGE / "formats" / "plan_markers.py"
    assert home.is_file()
    assert spellings(PLAN_MARKER_TELLS, home) == []


def test_the_check_finds_a_second_definition(tmp_path: Path) -> None:
    """The check itself works: a regex or a literal test of the marker outside its home is found."""
    sample = tmp_path / "sample.py"
    sample.write_text('"""<!-- specmesh:plan v1 --> in a docstring is prose."""\nimport re\n'
                      'RULE = dict(good_example="<!-- specmesh:plan v1 inputs=0 -->")\n'
                      'MARKER = re.compile(r"<!--\\s*specmesh:plan\\s+v\\d+")\n'
                      'def managed(text):\n    return "<!-- specmesh:plan v" in text\n', encoding="utf-8")
    assert [line for line, text in code_strings(sample) if "specmesh:plan" in text] == [4, 6]
