"""What the affected-tests code reads from one Python file, in one pass over its syntax tree.

- the top-level definitions (functions and classes), each with the digest of its own source and
  the names it references (`helper`, `m058.f2`), for the definition-level graph (`symbols`);
- the module-level code likewise, the names it binds, and the imports (bindings, star imports,
  imports that run at import time, literal dynamic imports and `pytest_plugins`);
- the function bodies a recorded run can attribute to tests (`Body`): every function defined at
  module level or in a class body (methods, at any depth of classes), by qualified name, with the
  lines after its signature's colon to its last statement and their digest; and the digest of
  the *skeleton*, the file with those bodies left out (module-level code, class bodies,
  decorators, signatures, default arguments). A function inside a function is part of the outer
  body; a body that starts on its signature's line (`def f(): return 1`) stays in the skeleton.

References are read from the source text with a regex (every identifier and dotted chain,
strings and comments included): a superset of what the code can name, at C speed. The summary is
cached with the file's digest (`facts`), as JSON through `summary_to_json` / `summary_from_json`.
"""

from __future__ import annotations

import ast
import hashlib
import io
import re
import tokenize
from typing import Any, NamedTuple

_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


class Definition(NamedTuple):
    """A top-level function or class: its source digest, the names it uses, and whether it runs
    at import time (a decorator or a class body: part of the module's module-level code)."""

    digest: str
    references: tuple[str, ...]
    registered: bool


class Binding(NamedTuple):
    """A name an import binds: `from pkg import m058` -> Binding("pkg", 0, "m058", ()); `import
    a.b` -> Binding("a", 0, None, ("a.b",)) (the modules imported under the alias)."""

    module: str
    level: int
    name: str | None
    modules: tuple[str, ...] = ()


class ModuleRef(NamedTuple):
    """A module named by an import statement (`from ..x import *` -> ModuleRef("x", 2))."""

    module: str
    level: int


class WrittenImport(NamedTuple):
    """An import as written: `from ..a.b import c` is WrittenImport("a.b", ("c",), 2)."""

    module: str
    names: tuple[str, ...]
    level: int


class Body(NamedTuple):
    """The body of a function a test can execute: its lines and their digest."""

    first: int
    last: int
    digest: str


class Summary(NamedTuple):
    """Everything the affected-tests code needs from one parsed Python file."""

    definitions: dict[str, Definition]
    module_digest: str
    module_references: tuple[str, ...]
    assigned: frozenset[str]  # names bound at module level by anything but a def/class
    bindings: dict[str, Binding]
    star: tuple[ModuleRef, ...]
    top: tuple[ModuleRef, ...]  # imports that run at import time
    wholesale: tuple[ModuleRef, ...]  # literal dynamic imports and pytest_plugins: count whole
    written: tuple[WrittenImport, ...]
    bodies: dict[str, Body]
    skeleton: str  # digest of the file without `bodies`


def digest_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def summarize(tree: ast.Module, text: str) -> Summary:
    """The summary of one parsed module (see the module docstring)."""
    lines = text.splitlines()
    scan = _Scan()
    for stmt in tree.body:
        top = not isinstance(stmt, _DEFS)
        scan.statements([stmt] if top else stmt.body, top=top)  # type: ignore[attr-defined]
    # Import statements bind names (see `bindings`); their text must not read as uses of them.
    masked = _masked(lines, scan.spans)
    definitions: dict[str, Definition] = {}
    chunks: list[str] = []
    code: list[str] = []
    assigned: set[str] = set()
    for stmt in tree.body:
        if isinstance(stmt, _DEFS):
            start = min([stmt.lineno, *(d.lineno for d in stmt.decorator_list)])
            source = "\n".join(lines[start - 1:stmt.end_lineno])
            names = _NAMES.findall("\n".join(masked[start - 1:stmt.end_lineno]))
            registered = bool(stmt.decorator_list) or isinstance(stmt, ast.ClassDef)
            definitions[stmt.name] = Definition(digest_text(source), tuple(sorted(set(names))), registered)
        else:
            chunks.append("\n".join(lines[stmt.lineno - 1:stmt.end_lineno]))
            code.append("\n".join(masked[stmt.lineno - 1:stmt.end_lineno]))
            assigned |= _bound_names(stmt)
    scan.dynamic(text)
    bodies = function_bodies(tree, lines)
    return Summary(
        definitions, digest_text("\n".join(chunks)), tuple(sorted(set(_NAMES.findall("\n".join(code))))),
        frozenset(assigned), scan.bindings, tuple(scan.star), tuple(scan.top), tuple(scan.wholesale),
        tuple(scan.written), bodies, skeleton_digest(lines, bodies),
    )


def function_bodies(tree: ast.Module, lines: list[str]) -> dict[str, Body]:
    """The bodies of the functions defined at module level or in class bodies, by qualified name."""
    found: dict[str, Body] = {}
    stack: list[tuple[str, list[ast.stmt]]] = [("", tree.body)]
    while stack:
        prefix, statements = stack.pop()
        for node in _flatten(statements):
            if isinstance(node, ast.ClassDef):
                stack.append((f"{prefix}{node.name}.", node.body))
            elif isinstance(node, _FUNCTIONS):
                colon = _signature_end(lines, node)
                first, last = colon + 1, node.end_lineno or node.body[-1].lineno
                if colon and first <= node.body[0].lineno:  # the body starts on a line of its own
                    found[prefix + node.name] = Body(first, last, digest_text("\n".join(lines[first - 1:last])))
    return found


def _signature_end(lines: list[str], node: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """The line of the colon that ends a def's signature (0 if it cannot be found): the body is
    what follows it, comments above the first statement included."""
    source = "\n".join(lines[node.lineno - 1:node.body[0].lineno]) + "\n"
    depth = 0
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type != tokenize.OP:
                continue
            if token.string in "([{":
                depth += 1
            elif token.string in ")]}":
                depth -= 1
            elif token.string == ":" and depth == 0:
                return node.lineno + token.start[0] - 1
    except (tokenize.TokenError, SyntaxError):
        pass
    return 0


def _flatten(statements: list[ast.stmt]) -> list[ast.stmt]:
    """Statements of a module or class body, with those inside `if`/`try`/`with` blocks (a
    function defined under `if sys.version_info ...` is still a module-level function)."""
    out: list[ast.stmt] = []
    pending = list(reversed(statements))
    while pending:
        node = pending.pop()
        out.append(node)
        if not isinstance(node, _DEFS):
            for field in _BODIES:
                inner = getattr(node, field, None)
                if isinstance(inner, list):
                    for child in reversed(inner):
                        if isinstance(child, ast.stmt):
                            pending.append(child)
                        elif isinstance(child, (ast.ExceptHandler, ast.match_case)):
                            pending.extend(reversed(child.body))
    return out


def skeleton_digest(lines: list[str], bodies: dict[str, Body]) -> str:
    """The digest of the file with every body replaced by one marker line (a body growing by a
    line moves the lines below it, which must not read as a change of the skeleton)."""
    kept: list[str] = []
    number = 1
    for body in sorted(bodies.values()):
        kept.extend(lines[number - 1:body.first - 1])
        kept.append("\0body")
        number = body.last + 1
    kept.extend(lines[number - 1:])
    return digest_text("\n".join(kept))


def _masked(lines: list[str], spans: list[tuple[int, int, int, int]]) -> list[str]:
    """`lines` with each span (line, column, end line, end column; 1-based lines) blanked."""
    out = list(lines)
    for line, col, end_line, end_col in spans:
        for number in range(line, end_line + 1):
            text = out[number - 1]
            first = col if number == line else 0
            last = min(end_col, len(text)) if number == end_line else len(text)
            out[number - 1] = text[:first] + " " * (last - first) + text[last:]
    return out


# Every identifier or dotted chain not preceded by a word character or a dot (`m058.f2`, `h`).
_NAMES = re.compile(r"(?<![\w.])[^\W\d]\w*(?:\.[^\W\d]\w*)*")
_DYNAMIC = re.compile(r"""(?:import_module|__import__)\(\s*["']([\w.]+)["']""")
_BODIES = ("body", "orelse", "finalbody", "handlers", "cases")
_BLOCKS = (ast.stmt, ast.excepthandler, ast.match_case)


class _Scan:
    """Imports found by walking statements only (expressions cannot hold an import)."""

    def __init__(self) -> None:
        self.bindings: dict[str, Binding] = {}
        self.star: list[ModuleRef] = []
        self.top: list[ModuleRef] = []
        self.wholesale: list[ModuleRef] = []
        self.written: list[WrittenImport] = []
        self.spans: list[tuple[int, int, int, int]] = []

    def statements(self, body: list[ast.stmt], *, top: bool) -> None:
        """Walk statements (and the bodies inside them); `top`: they run at import time."""
        stack: list[tuple[ast.AST, bool]] = [(n, top) for n in reversed(body)]
        while stack:
            node, at_top = stack.pop()
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                self._import(node, at_top)
                self.spans.append((node.lineno, node.col_offset, node.end_lineno or node.lineno,
                                   node.end_col_offset if node.end_col_offset is not None else 1 << 30))
                continue
            if isinstance(node, ast.Assign) and at_top:
                self._plugins(node)
            inner_top = at_top and not isinstance(node, _DEFS)  # a nested def's body runs later
            for field in _BODIES:
                inner = getattr(node, field, None)
                if isinstance(inner, list):
                    stack.extend((n, inner_top) for n in reversed(inner) if isinstance(n, _BLOCKS))

    def _import(self, node: ast.Import | ast.ImportFrom, top: bool) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                self.written.append(WrittenImport(alias.name, (), 0))
                if alias.asname:
                    self.bindings[alias.asname] = Binding(alias.name, 0, None, (alias.name,))
                else:  # `import a.b.c` binds `a`; remember every module imported under it
                    root = alias.name.split(".")[0]
                    old = self.bindings.get(root)
                    if old is None:
                        self.bindings[root] = Binding(root, 0, None, (alias.name,))
                    elif old.name is None and alias.name not in old.modules:
                        self.bindings[root] = old._replace(modules=(*old.modules, alias.name))
                if top:
                    self.top.append(ModuleRef(alias.name, 0))
            return
        module, level = node.module or "", node.level
        self.written.append(WrittenImport(module, tuple(a.name for a in node.names if a.name != "*"), level))
        for alias in node.names:
            if alias.name == "*":
                self.star.append(ModuleRef(module, level))
            else:
                self.bindings[alias.asname or alias.name] = Binding(module, level, alias.name)
        if top:
            self.top.append(ModuleRef(module, level))

    def _plugins(self, node: ast.Assign) -> None:
        """`pytest_plugins = ["a.b", ...]`."""
        if any(isinstance(t, ast.Name) and t.id == "pytest_plugins" for t in node.targets):
            value = node.value
            items = value.elts if isinstance(value, (ast.List, ast.Tuple)) else [value]
            for item in items:
                if isinstance(item, ast.Constant) and isinstance(item.value, str):
                    self.wholesale.append(ModuleRef(item.value, 0))
                    self.written.append(WrittenImport(item.value, (), 0))

    def dynamic(self, text: str) -> None:
        """`importlib.import_module("a.b")`, `__import__("a.b")` with a literal name."""
        for name in _DYNAMIC.findall(text):
            if not name.startswith("."):
                self.wholesale.append(ModuleRef(name, 0))
                self.written.append(WrittenImport(name, (), 0))


def _bound_names(stmt: ast.stmt) -> set[str]:
    """Names a module-level statement binds (assignments, loops, `with ... as`, nested defs)."""
    found: set[str] = set()
    for node in ast.walk(stmt):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            found.add(node.id)
        elif isinstance(node, _DEFS):
            found.add(node.name)
    return found


def references(text: str) -> set[str]:
    """Every identifier and dotted chain in a piece of source (`m058.f2`, `helper`)."""
    return set(_NAMES.findall(text))


# --- JSON --------------------------------------------------------------------------------------


def summary_to_json(summary: Summary) -> dict[str, Any]:
    """The summary as JSON-able data, with named fields."""
    return {
        "definitions": {k: [d.digest, list(d.references), d.registered] for k, d in summary.definitions.items()},
        "module_digest": summary.module_digest,
        "module_references": list(summary.module_references),
        "assigned": sorted(summary.assigned),
        "bindings": {k: [b.module, b.level, b.name, list(b.modules)] for k, b in summary.bindings.items()},
        "star": [list(r) for r in summary.star],
        "top": [list(r) for r in summary.top],
        "wholesale": [list(r) for r in summary.wholesale],
        "written": [[w.module, list(w.names), w.level] for w in summary.written],
        "bodies": {k: list(b) for k, b in summary.bodies.items()},
        "skeleton": summary.skeleton,
    }


def summary_from_json(data: Any) -> Summary | None:
    """A summary read back from JSON; None when the data is damaged (the file is read again)."""
    try:
        return Summary(
            {str(k): Definition(str(d), tuple(map(str, r)), bool(g)) for k, (d, r, g) in data["definitions"].items()},
            str(data["module_digest"]),
            tuple(map(str, data["module_references"])),
            frozenset(map(str, data["assigned"])),
            {str(k): Binding(str(m), int(lv), None if n is None else str(n), tuple(map(str, ms)))
             for k, (m, lv, n, ms) in data["bindings"].items()},
            tuple(ModuleRef(str(m), int(lv)) for m, lv in data["star"]),
            tuple(ModuleRef(str(m), int(lv)) for m, lv in data["top"]),
            tuple(ModuleRef(str(m), int(lv)) for m, lv in data["wholesale"]),
            tuple(WrittenImport(str(m), tuple(map(str, n)), int(lv)) for m, n, lv in data["written"]),
            {str(k): Body(int(f), int(la), str(d)) for k, (f, la, d) in data["bodies"].items()},
            str(data["skeleton"]),
        )
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
