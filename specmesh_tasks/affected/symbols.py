"""Definition-level dependencies: which top-level functions and classes a test can reach.

Each Python file is summarized once (cached with its digest): every top-level function or class
with the digest of its own source and the names it references (`helper`, `m058.f2`), the
module-level statements likewise, and the import bindings (`from pkg import m058` binds `m058`).
A node is one definition (`pkg/m058.py::f2`), a file's module-level code (`::<module>`), or a
whole file that does not parse (`pkg/broken.py`). Edges follow references through bindings, so
changing `f2` reruns only the tests that can reach `f2`: directly, or through another function
that calls it, in any module.

Rules that keep this safe (selecting too many tests is fine, too few is not):

- every definition depends on its module's module-level code, and that code depends on the
  module-level code of every module it imports (import-time execution);
- decorated functions and every class are part of their module's module-level code (decorators
  and class bodies run at import time and may register themselves somewhere);
- an import whose name is never used, a dynamic import, `pytest_plugins`, a module used as a
  value, an unknown attribute of a module and a file that does not parse all count whole;
- a name bound at module level by anything but a top-level `def`/`class` is module-level code.

What stays invisible is what no static reading can see: `getattr(module, name)` with a computed
name, monkeypatching another module's attribute, registration by import-time side effects in a
module nothing imports. `--all` is the escape hatch.
"""

from __future__ import annotations

import ast
import hashlib
import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from specmesh_tasks.affected.facts import FactsCache
    from specmesh_tasks.affected.imports import Resolver

Node = tuple[str, str]  # (path, name): name is a definition, "<module>", "*" (all) or "" (whole file)
MODULE = "<module>"
ALL = "*"
WHOLE = ""
MAX_BINDING_DEPTH = 8

_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


# --- summaries ---------------------------------------------------------------------------------


def summarize(tree: ast.Module, text: str) -> dict[str, Any]:
    """The JSON-able summary of one parsed module (see the module docstring).

    Keys: `d` definitions (name -> [digest, references, registered]), `m` module-level code
    ([digest, references]), `a` names bound at module level, `b` import bindings (alias ->
    [module, level, name or None, modules imported under the alias]), `s` star imports, `t`
    module-level imports, `w` dynamic imports, `i` every import as written ([module, names, level]).

    References are read from the source text with a regex (every identifier and dotted chain,
    strings and comments included): a superset of what the code can name, at C speed. The tree
    is walked only for statements (definitions, imports) and for module-level code.
    """
    lines = text.splitlines()
    scan = _Scan()
    for stmt in tree.body:
        top = not isinstance(stmt, _DEFS)
        scan.statements([stmt] if top else stmt.body, top=top)  # type: ignore[attr-defined]
    # Import statements bind names (see `b`); their text must not read as uses of those names.
    masked = _masked(lines, scan.spans)
    defs: dict[str, list[Any]] = {}
    chunks: list[str] = []
    code: list[str] = []
    assigned: set[str] = set()
    for stmt in tree.body:
        if isinstance(stmt, _DEFS):
            start = min([stmt.lineno, *(d.lineno for d in stmt.decorator_list)])
            source = "\n".join(lines[start - 1:stmt.end_lineno])
            names = _NAMES.findall("\n".join(masked[start - 1:stmt.end_lineno]))
            registered = bool(stmt.decorator_list) or isinstance(stmt, ast.ClassDef)
            defs[stmt.name] = [_digest(source), sorted(set(names)), int(registered)]
        else:
            chunks.append("\n".join(lines[stmt.lineno - 1:stmt.end_lineno]))
            code.append("\n".join(masked[stmt.lineno - 1:stmt.end_lineno]))
            assigned |= _bound_names(stmt)
    scan.dynamic(text)
    return {"d": defs, "m": [_digest("\n".join(chunks)), sorted(set(_NAMES.findall("\n".join(code))))],
            "a": sorted(assigned), "b": scan.bindings, "s": scan.star, "t": scan.top,
            "w": scan.wholesale, "i": scan.written}


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


class _Scan:
    """Imports found by walking statements only (expressions cannot hold an import)."""

    def __init__(self) -> None:
        self.bindings: dict[str, list[Any]] = {}
        self.star: list[list[Any]] = []
        self.top: list[list[Any]] = []
        self.wholesale: list[list[Any]] = []
        self.written: list[list[Any]] = []
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
                self.written.append([alias.name, [], 0])
                if alias.asname:
                    self.bindings[alias.asname] = [alias.name, 0, None, [alias.name]]
                else:  # `import a.b.c` binds `a`; remember every module imported under it
                    root = alias.name.split(".")[0]
                    entry = self.bindings.setdefault(root, [root, 0, None, []])
                    if len(entry) > 3 and alias.name not in entry[3]:
                        entry[3].append(alias.name)
                if top:
                    self.top.append([alias.name, 0])
            return
        module, level = node.module or "", node.level
        self.written.append([module, [a.name for a in node.names if a.name != "*"], level])
        for alias in node.names:
            if alias.name == "*":
                self.star.append([module, level])
            else:
                self.bindings[alias.asname or alias.name] = [module, level, alias.name]
        if top:
            self.top.append([module, level])

    def _plugins(self, node: ast.Assign) -> None:
        """`pytest_plugins = ["a.b", ...]`."""
        if any(isinstance(t, ast.Name) and t.id == "pytest_plugins" for t in node.targets):
            value = node.value
            items = value.elts if isinstance(value, (ast.List, ast.Tuple)) else [value]
            for item in items:
                if isinstance(item, ast.Constant) and isinstance(item.value, str):
                    self.wholesale.append([item.value, 0])
                    self.written.append([item.value, [], 0])

    def dynamic(self, text: str) -> None:
        """`importlib.import_module("a.b")`, `__import__("a.b")` with a literal name."""
        for name in _DYNAMIC.findall(text):
            if not name.startswith("."):
                self.wholesale.append([name, 0])
                self.written.append([name, [], 0])


_BODIES = ("body", "orelse", "finalbody", "handlers", "cases")
_BLOCKS = (ast.stmt, ast.excepthandler, ast.match_case)


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


# --- the graph ---------------------------------------------------------------------------------

EDGES_SCHEMA = 1


class _Trace:
    """What computing some edges read: file digests and file-system probes (and the edges)."""

    __slots__ = ("edges", "files", "probes")

    def __init__(self) -> None:
        self.files: dict[str, str] = {}
        self.probes: dict[str, bool] = {}
        self.edges: dict[str, list[list[str]]] = {}  # as stored: name -> [[path, name], ...]

    def merge(self, other: _Trace) -> None:
        self.files.update(other.files)
        self.probes.update(other.probes)

    def to_json(self) -> dict[str, Any]:
        return {"f": dict(sorted(self.files.items())), "p": dict(sorted(self.probes.items())),
                "e": dict(sorted(self.edges.items()))}

    @classmethod
    def load(cls, entry: dict[str, Any]) -> _Trace:
        trace = cls()
        trace.files = dict(entry["f"])
        trace.probes = dict(entry["p"])
        trace.edges = dict(entry["e"])
        return trace


class SymbolGraph:
    """Nodes, edges and digests over the files `facts` knows, resolved with `resolver`."""

    def __init__(self, facts: FactsCache, resolver: Resolver, *, file_level: bool = False,
                 saved: dict[str, Any] | None = None) -> None:
        self.facts = facts
        self.resolver = resolver
        self.file_level = file_level  # every file one node: the import graph of whole files
        self._edges: dict[Node, tuple[Node, ...]] = {}
        self._resolved: dict[tuple[str, str], tuple[frozenset[Node], _Trace]] = {}
        self._deep: dict[Node, str] = {}
        self._summaries: dict[str, dict[str, Any] | None] = {}
        # Edges kept between runs, per file, with what their resolution relied on (see `dump`).
        saved = saved or {}
        ok = saved.get("schema") == EDGES_SCHEMA and saved.get("file_level") == file_level
        self._saved: dict[str, Any] = saved.get("files", {}) if ok else {}
        self._valid: dict[str, bool] = {}
        self._records: dict[str, _Trace] = {}
        self._trace: _Trace | None = None
        resolver.observer = self._observe

    def _observe(self, kind: str, rel: str, answer: bool) -> None:
        if self._trace is not None:
            self._trace.probes[f"{kind}:{rel}"] = answer

    # summaries -----------------------------------------------------------------------------

    def summary(self, path: str) -> dict[str, Any] | None:
        if self._trace is not None:
            found = self.facts.facts(path)
            self._trace.files[path] = found.digest if found is not None else ""
        if path not in self._summaries:
            found = self.facts.facts(path)
            raw = found.summary if found is not None and not self.file_level else None
            # Lists in the cache file; a set for the lookups.
            self._summaries[path] = None if raw is None else {**raw, "a": frozenset(raw["a"])}
        return self._summaries[path]

    def own_digest(self, node: Node) -> str:
        path, name = node
        found = self.facts.facts(path)
        if found is None or name == ALL:
            return ""
        if found.summary is None or name == WHOLE or self.file_level:
            return found.digest
        if name == MODULE:
            return str(found.summary["m"][0])
        entry = found.summary["d"].get(name)
        return str(entry[0]) if entry else ""

    # edges ---------------------------------------------------------------------------------

    def edges(self, node: Node) -> tuple[Node, ...]:
        hit = self._edges.get(node)
        if hit is None:
            hit = self._saved_edges(node)
            if hit is None:
                self._trace = trace = _Trace()
                try:
                    hit = tuple(sorted(self._compute_edges(node)))
                finally:
                    self._trace = None
                self._records.setdefault(node[0], _Trace()).merge(trace)
                self._records[node[0]].edges[node[1]] = [list(n) for n in hit]
            self._edges[node] = hit
        return hit

    def _saved_edges(self, node: Node) -> tuple[Node, ...] | None:
        """Edges from the last run, when nothing their resolution read has changed."""
        path, name = node
        entry = self._saved.get(path)
        if entry is None or name not in entry["e"]:
            return None
        if path not in self._valid:
            self._valid[path] = self._still_valid(entry)
            if self._valid[path]:
                self._records[path] = _Trace.load(entry)
        if not self._valid[path]:
            return None
        return tuple((p, n) for p, n in entry["e"][name])

    def _still_valid(self, entry: dict[str, Any]) -> bool:
        for path, digest in entry["f"].items():
            found = self.facts.facts(path)
            if (found.digest if found is not None else "") != digest:
                return False
        return all(self.resolver.probe(key[0], key[2:]) == answer for key, answer in entry["p"].items())

    def dump(self) -> dict[str, Any]:
        """The edges computed or confirmed this run, for the next one."""
        files = {path: trace.to_json() for path, trace in sorted(self._records.items())}
        return {"schema": EDGES_SCHEMA, "file_level": self.file_level, "files": files}

    def _compute_edges(self, node: Node) -> set[Node]:
        path, name = node
        summary = self.summary(path)
        if summary is None:
            return {(path, WHOLE)} if name == ALL else self._whole_file_edges(path)
        if name == ALL:
            return {(path, MODULE), *((path, d) for d in summary["d"])}
        if name == MODULE:
            return self._module_edges(path, summary)
        entry = summary["d"].get(name)
        if entry is None:
            return {(path, MODULE)}
        return {(path, MODULE), *self._resolve_all(path, entry[1])}

    def _whole_file_edges(self, path: str) -> set[Node]:
        """A file that does not parse (or is not Python): everything it may import, whole."""
        found = self.facts.facts(path)
        out: set[Node] = set()
        for ref in found.imports if found else ():
            out |= {(f, ALL) for f in self.resolver.resolve(ref, path) if f != path}
        return out

    def _module_edges(self, path: str, summary: dict[str, Any]) -> set[Node]:
        out = set(self._resolve_all(path, summary["m"][1]))
        out |= {(path, d) for d, entry in summary["d"].items() if entry[2]}
        for module, level in summary["t"]:
            out |= {(f, MODULE) for f in self._chain_files(module, level, path)}
        for module, level in summary["w"]:
            out |= self._module_node(module, level, path, ALL)
        chains = {*summary["m"][1], *(c for entry in summary["d"].values() for c in entry[1])}
        for alias, binding in summary["b"].items():
            out |= self._unused_modules(path, alias, binding, chains)
        out.discard((path, MODULE))
        return out

    def _unused_modules(self, path: str, alias: str, binding: list[Any], chains: set[str]) -> set[Node]:
        """A module imported but never used by name was imported for its side effects: whole.
        (An unused `from m import name` is a re-export: found by name when someone uses it.)"""
        module, level, name = binding[:3]
        if name is None:
            out: set[Node] = set()
            for full in binding[3] if len(binding) > 3 else [module]:
                dotted = alias if full == module else full
                if not any(c == dotted or c.startswith(dotted + ".") for c in chains):
                    out |= self._module_node(full, level, path, ALL)
            return out
        if any(c == alias or c.startswith(alias + ".") for c in chains):
            return set()
        sub_file, _ = self.resolver.locate(f"{module}.{name}" if module else name, level, path)
        return {(sub_file, ALL)} if sub_file and sub_file != path else set()

    def _chain_files(self, module: str, level: int, importer: str) -> list[str]:
        from specmesh_tasks.affected.imports import ImportRef

        return [f for f in self.resolver.resolve(ImportRef(module, (), level), importer) if f != importer]

    def _module_node(self, module: str, level: int, importer: str, name: str) -> set[Node]:
        file, _ = self.resolver.locate(module, level, importer)
        return {(file, name)} if file and file != importer else set()

    # resolution ----------------------------------------------------------------------------

    def _resolve_all(self, path: str, chains: Iterable[str]) -> set[Node]:
        out: set[Node] = set()
        for chain in chains:
            out |= self.resolve(path, chain)
        return out

    def resolve(self, path: str, chain: str, depth: int = 0) -> frozenset[Node]:
        """The nodes a reference `chain` written in `path` can mean (none for locals and builtins)."""
        key = (path, chain)
        hit = self._resolved.get(key)
        if hit is None:
            outer, self._trace = self._trace, _Trace()
            try:
                nodes = frozenset(self._resolve(path, chain.split("."), depth, local=True))
            finally:
                inner, self._trace = self._trace, outer
            hit = self._resolved[key] = (nodes, inner)
        if self._trace is not None:
            self._trace.merge(hit[1])
        return hit[0]

    def _resolve(self, path: str, parts: list[str], depth: int, local: bool) -> set[Node]:
        summary = self.summary(path)
        if summary is None:
            return {(path, WHOLE)}
        head = parts[0]
        out: set[Node] = set()
        if head in summary["d"]:
            out.add((path, head))
        if head in summary["a"]:
            out.add((path, MODULE))
        if head in summary["b"]:
            out |= self._follow(path, summary["b"][head], parts[1:], depth + 1)
        if not out:
            for module, level in summary["s"]:
                file, _ = self.resolver.locate(module, level, path)
                if file and depth < MAX_BINDING_DEPTH:
                    out |= self._resolve(file, parts, depth + 1, local=False)
        if not out and not local:
            out.add((path, ALL))  # an attribute we cannot see being set (or `__dict__`): all of it
        return out

    def _follow(self, path: str, binding: list[Any], rest: list[str], depth: int) -> set[Node]:
        """Where an import binding (`[module, level, name or None]`) plus attributes leads."""
        module, level, name = binding[:3]
        if depth > MAX_BINDING_DEPTH:
            return self._module_node(module, level, path, ALL)
        if name is not None:
            sub_file, sub_dir = self.resolver.locate(f"{module}.{name}" if module else name, level, path)
            if sub_file or sub_dir:
                return self._walk(sub_file, sub_dir, rest, depth)
            file, _ = self.resolver.locate(module, level, path)
            return self._resolve(file, [name, *rest], depth, local=False) if file else set()
        file, directory = self.resolver.locate(module, level, path)
        return self._walk(file, directory, rest, depth)

    def _walk(self, file: str | None, directory: str | None, rest: list[str], depth: int) -> set[Node]:
        """Attributes of a module: submodules, then names inside it; the module itself is whole."""
        if not rest:
            return {(file, ALL)} if file else set()
        if directory is not None:
            sub_file, sub_dir = self.resolver.locate_in(directory, [rest[0]])
            if sub_file or sub_dir:
                return self._walk(sub_file, sub_dir, rest[1:], depth)
        return self._resolve(file, rest, depth, local=False) if file else set()

    # digests -------------------------------------------------------------------------------

    def reachable(self, starts: Iterable[Node]) -> set[Node]:
        seen: set[Node] = set()
        stack = list(starts)
        while stack:
            node = stack.pop()
            if node not in seen:
                seen.add(node)
                stack.extend(self.edges(node))
        return seen

    def deep_digest(self, start: Node) -> str:
        """A digest of the own digests of every node reachable from `start` (Tarjan's SCCs, so
        each strongly connected group is hashed once and shared by every test reaching it)."""
        if start not in self._deep:
            for component, successors in self._components(start):
                parts = sorted(f"{p}::{n}={self.own_digest((p, n))}" for p, n in component)
                parts += sorted(self._deep[s] for s in successors)
                value = _digest("\n".join(parts))
                for node in component:
                    self._deep[node] = value
        return self._deep[start]

    def _components(self, start: Node) -> Iterator[tuple[list[Node], set[Node]]]:
        """Strongly connected components not yet digested, successors first (iterative Tarjan)."""
        index: dict[Node, int] = {}
        low: dict[Node, int] = {}
        stack: list[Node] = []
        on_stack: set[Node] = set()
        work: list[tuple[Node, Iterator[Node]]] = [(start, iter(self.edges(start)))]
        index[start] = low[start] = 0
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child in self._deep:
                    continue
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(self.edges(child))))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component: list[Node] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                members = set(component)
                successors = {c for m in component for c in self.edges(m) if c not in members}
                yield component, successors
