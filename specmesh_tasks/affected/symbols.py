"""Definition-level dependencies: which top-level functions and classes a test can reach.

Each Python file is summarized once (`summary`, cached with its digest): every top-level function
or class with the digest of its own source and the names it references (`helper`, `m058.f2`), the
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

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from specmesh_tasks.affected.summary import Binding, Summary, digest_text

if TYPE_CHECKING:
    from specmesh_tasks.affected.facts import FactsCache
    from specmesh_tasks.affected.imports import Resolver

Node = tuple[str, str]  # (path, name): name is a definition, "<module>", "*" (all) or "" (whole file)
MODULE = "<module>"
ALL = "*"
WHOLE = ""
MAX_BINDING_DEPTH = 8

# --- the graph ---------------------------------------------------------------------------------

EDGES_SCHEMA = 2


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
        return {"files": dict(sorted(self.files.items())), "probes": dict(sorted(self.probes.items())),
                "edges": dict(sorted(self.edges.items()))}

    @classmethod
    def load(cls, entry: Any) -> _Trace | None:
        """A trace read back from the edges cache; None when the entry is damaged."""
        trace = cls()
        try:
            trace.files = {str(k): str(v) for k, v in entry["files"].items()}
            trace.probes = {str(k): bool(v) for k, v in entry["probes"].items()}
            trace.edges = {str(k): [[str(p), str(n)] for p, n in v] for k, v in entry["edges"].items()}
        except (KeyError, TypeError, ValueError, AttributeError):
            return None
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
        self._summaries: dict[str, Summary | None] = {}
        # Edges kept between runs, per file, with what their resolution relied on (see `dump`).
        saved = saved if isinstance(saved, dict) else {}
        ok = saved.get("schema") == EDGES_SCHEMA and saved.get("file_level") == file_level
        files = saved.get("files") if ok else None
        self._saved: dict[str, Any] = files if isinstance(files, dict) else {}
        self._loaded: dict[str, _Trace | None] = {}
        self._records: dict[str, _Trace] = {}
        self._trace: _Trace | None = None
        resolver.observer = self._observe

    def _observe(self, kind: str, rel: str, answer: bool) -> None:
        if self._trace is not None:
            self._trace.probes[f"{kind}:{rel}"] = answer

    # summaries -----------------------------------------------------------------------------

    def summary(self, path: str) -> Summary | None:
        if self._trace is not None:
            found = self.facts.facts(path)
            self._trace.files[path] = found.digest if found is not None else ""
        if path not in self._summaries:
            found = self.facts.facts(path)
            self._summaries[path] = found.summary if found is not None and not self.file_level else None
        return self._summaries[path]

    def own_digest(self, node: Node) -> str:
        path, name = node
        found = self.facts.facts(path)
        if found is None or name == ALL:
            return ""
        if found.summary is None or name == WHOLE or self.file_level:
            return found.digest
        if name == MODULE:
            return found.summary.module_digest
        definition = found.summary.definitions.get(name)
        return definition.digest if definition else ""

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
        if path not in self._loaded:
            trace = _Trace.load(self._saved[path]) if path in self._saved else None
            self._loaded[path] = trace if trace is not None and self._still_valid(trace) else None
            if self._loaded[path] is not None:
                self._records[path] = trace  # type: ignore[assignment]
        trace = self._loaded[path]
        if trace is None or name not in trace.edges:
            return None
        return tuple((p, n) for p, n in trace.edges[name])

    def _still_valid(self, trace: _Trace) -> bool:
        for path, digest in trace.files.items():
            found = self.facts.facts(path)
            if (found.digest if found is not None else "") != digest:
                return False
        return all(self.resolver.probe(key[0], key[2:]) == answer for key, answer in trace.probes.items())

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
            return {(path, MODULE), *((path, d) for d in summary.definitions)}
        if name == MODULE:
            return self._module_edges(path, summary)
        definition = summary.definitions.get(name)
        if definition is None:
            return {(path, MODULE)}
        return {(path, MODULE), *self._resolve_all(path, definition.references)}

    def _whole_file_edges(self, path: str) -> set[Node]:
        """A file that does not parse (or is not Python): everything it may import, whole."""
        found = self.facts.facts(path)
        out: set[Node] = set()
        for ref in found.imports if found else ():
            out |= {(f, ALL) for f in self.resolver.resolve(ref, path) if f != path}
        return out

    def _module_edges(self, path: str, summary: Summary) -> set[Node]:
        out = set(self._resolve_all(path, summary.module_references))
        out |= {(path, d) for d, definition in summary.definitions.items() if definition.registered}
        for module, level in summary.top:
            out |= {(f, MODULE) for f in self._chain_files(module, level, path)}
        for module, level in summary.wholesale:
            out |= self._module_node(module, level, path, ALL)
        chains = {*summary.module_references, *(c for d in summary.definitions.values() for c in d.references)}
        for alias, binding in summary.bindings.items():
            out |= self._unused_modules(path, alias, binding, chains)
        out.discard((path, MODULE))
        return out

    def _unused_modules(self, path: str, alias: str, binding: Binding, chains: set[str]) -> set[Node]:
        """A module imported but never used by name was imported for its side effects: whole.
        (An unused `from m import name` is a re-export: found by name when someone uses it.)"""
        module, level, name = binding.module, binding.level, binding.name
        if name is None:
            out: set[Node] = set()
            for full in binding.modules or (module,):
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
        if head in summary.definitions:
            out.add((path, head))
        if head in summary.assigned:
            out.add((path, MODULE))
        if head in summary.bindings:
            out |= self._follow(path, summary.bindings[head], parts[1:], depth + 1)
        if not out:
            for module, level in summary.star:
                file, _ = self.resolver.locate(module, level, path)
                if file and depth < MAX_BINDING_DEPTH:
                    out |= self._resolve(file, parts, depth + 1, local=False)
        if not out and not local:
            out.add((path, ALL))  # an attribute we cannot see being set (or `__dict__`): all of it
        return out

    def _follow(self, path: str, binding: Binding, rest: list[str], depth: int) -> set[Node]:
        """Where an import binding plus attributes leads."""
        module, level, name = binding.module, binding.level, binding.name
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
                value = digest_text("\n".join(parts))
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
