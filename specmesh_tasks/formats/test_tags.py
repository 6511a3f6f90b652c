"""How tests cite spec IDs: the `spec` marker and `@spec/@uc/@fr` tag comments, in any language.

Grammar:

- marker: `@pytest.mark.spec("UC-LOAN-001", "FR-LOAN-003")` on a test function or class, or
  `pytestmark = pytest.mark.spec(...)` (also a list/tuple of marks) in a module or class body;
- tag: `@spec S-LOAN-001`, `@uc UC-LOAN-002`, `@fr FR-LOAN-004` anywhere on a line (`#`, `//`,
  `/* */`, a JSDoc ` * ` line, a docstring). Several IDs may follow one tag, separated by commas or
  spaces; the first word that is not an ID ends the list. A qualified area-less ID is one token:
  `@uc S-LEAD-001/UC-001`;
- a test, for the line scan of languages other than Python: JS/TS `describe/it/test/…(` blocks,
  Go `func TestX(`, Python `def test…` / `class Test…`; a comment line starts with `#`, `//`,
  `/*`, `*`, `--`, `;` or `<!--`.
"""

from __future__ import annotations

import ast
import re

# The keyword must not be part of a longer word or of `pytest.mark.spec` / an e-mail address.
_TAG = re.compile(r"(?<![\w.@])@(spec|uc|fr)\b[ \t]*:?[ \t]*")
# One cited ID: `UC-LOAN-001`, `FR-001`, `API-AUTH-*`, `M-USER`, `S-LEAD-001/UC-001`.
_ID_PART = r"[A-Z][A-Z0-9]*(?:-(?:[A-Z0-9_]+|\*))+"
_ID_TOKEN = re.compile(rf"{_ID_PART}(?:/{_ID_PART})?(?![\w/-])")
_SEPARATOR = re.compile(r"[ \t]*[,;]?[ \t]*")
MARKER_LINE = re.compile(r"(?<![\w.])(?:pytest\.)?mark\.spec\s*\(([^)]*)\)")
_MARKER_ARG = re.compile(r"""["']([^"']+)["']""")

# Test starts for the line scan. Group "name" is the test's name or title.
JS_TEST = re.compile(
    r"^\s*(?:describe|it|test|context|suite|specify)(?:\.\w+)*"
    r"(?:\s*\(\s*(?:(?P<q>['\"`])(?P<name>.*?)(?P=q))?|\s+(?P<rq>['\"])(?P<rname>.*?)(?P=rq))"
)
GO_TEST = re.compile(r"^func\s+(?P<name>Test\w*)\s*\(")
PY_TEST = re.compile(r"^(?P<indent>\s*)(?:async\s+def\s+|def\s+|class\s+)(?P<name>[Tt]est\w*)")
COMMENT_LINE = re.compile(r"^\s*(?:#|//|/\*|\*|--|;|<!--)")


def scan_tag_ids(line: str) -> list[str]:
    """The IDs of every `@spec/@uc/@fr` tag on one line, in order."""
    found: list[str] = []
    for match in _TAG.finditer(line):
        pos = match.end()
        while True:
            token = _ID_TOKEN.match(line, pos)
            if token is None:
                break
            found.append(token.group(0))
            sep = _SEPARATOR.match(line, token.end())
            pos = sep.end() if sep else token.end()
    return found


def is_test_function(name: str) -> bool:
    return name.startswith("test")


def is_test_class(name: str) -> bool:
    return name.startswith("Test")


def spec_mark_ids(node: ast.expr) -> list[str] | None:
    """IDs of a `pytest.mark.spec(...)` / `mark.spec(...)` call, or None if it is not one."""
    if not isinstance(node, ast.Call):
        return None
    func = node.func
    if not (isinstance(func, ast.Attribute) and func.attr == "spec"):
        return None
    owner = func.value
    is_mark = (isinstance(owner, ast.Attribute) and owner.attr == "mark") or (
        isinstance(owner, ast.Name) and owner.id == "mark"
    )
    if not is_mark:
        return None
    return [a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]


def pytestmark_values(node: ast.stmt) -> list[ast.expr]:
    """The mark expressions of a `pytestmark = ...` assignment (single mark, list or tuple)."""
    if isinstance(node, ast.Assign):
        targets, value = node.targets, node.value
    elif isinstance(node, (ast.AnnAssign, ast.AugAssign)) and node.value is not None:
        targets, value = [node.target], node.value
    else:
        return []
    if not any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in targets):
        return []
    if isinstance(value, (ast.List, ast.Tuple)):
        return list(value.elts)
    return [value]


def test_name(match: re.Match[str]) -> str | None:
    """The name or title of a test found by `JS_TEST`, `GO_TEST` or `PY_TEST`."""
    groups = match.groupdict()
    return groups.get("name") or groups.get("rname")


def marker_ids_in_line(line: str) -> list[str] | None:
    """The IDs of a `pytest.mark.spec(...)` written on `line` (None when there is none): how a
    file that does not parse as Python is read."""
    match = MARKER_LINE.search(line)
    if match is None:
        return None
    return [arg.group(1) for arg in _MARKER_ARG.finditer(match.group(1))]
