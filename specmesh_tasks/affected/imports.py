"""A static import graph of the project's own Python files, read with `ast`.

What counts as an import of file F (anywhere in F: module level, inside functions, under
`if TYPE_CHECKING`, in `try` blocks):

- `import a.b.c` / `import a.b as x` -> a/__init__.py, a/b/__init__.py, a/b/c.py (or its package);
- `from a.b import c` -> the package chain of a.b, plus a/b/c.py when `c` is a submodule;
- `from .x import y`, `from . import z`, `from ..p import q` -> resolved from F's own directory;
- `importlib.import_module("a.b")`, `__import__("a.b")` with a literal string;
- `pytest_plugins = ["a.b", ...]` (conftest files and test modules).

Absolute names are resolved against the configured source roots, then against F's "base
directory" (the first ancestor without `__init__.py`, which pytest puts on `sys.path` for test
files). A name found nowhere is third-party or stdlib and is ignored. Imports computed at run time
(`import_module(name)` with a variable) cannot be seen: that is a documented limit, `--all` is the
escape hatch. A file that does not parse falls back to a line scan for `import`/`from` lines and
carries the syntax error so the run can report it.

Why our own pass rather than grimp: grimp builds the graph of importable packages only (test files
outside a package still need this pass), and with every file cached by content digest, this pass
costs a dictionary lookup per unchanged file; bench/README.md has the figures.
"""

from __future__ import annotations

import ast
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

_LINE_IMPORT = re.compile(r"^\s*import\s+([\w.]+(?:\s+as\s+\w+)?(?:\s*,\s*[\w.]+(?:\s+as\s+\w+)?)*)")
_LINE_FROM = re.compile(r"^\s*from\s+(\.*)([\w.]*)\s+import\s+\(?\s*([\w\s,*]*)")
_NAME_LIST = re.compile(r"^[\w\s,]*$")


@dataclass(frozen=True, slots=True)
class ImportRef:
    """One imported name as written: `from ..a.b import c` is ImportRef("a.b", ("c",), 2)."""

    module: str
    names: tuple[str, ...] = ()
    level: int = 0


@dataclass(frozen=True, slots=True)
class ScanResult:
    """The imports of one file, and the syntax error that forced a line scan (if any)."""

    imports: tuple[ImportRef, ...]
    error: str | None = None  # "12: invalid syntax"


def parse_python(text: str) -> tuple[ast.Module | None, str | None]:
    """The syntax tree, or None and the error as "LINE: message"."""
    try:
        return ast.parse(text), None
    except SyntaxError as exc:
        return None, f"{exc.lineno or 0}: {exc.msg}"
    except ValueError as exc:  # null bytes
        return None, f"0: {exc}"


def scan_imports(text: str, tree: ast.Module | None = None) -> ScanResult:
    """Every import of a Python source text (never raises); `tree` if already parsed."""
    if tree is None:
        tree, error = parse_python(text)
        if tree is None:
            return ScanResult(_scan_lines(text.replace("\x00", "")), error)
    found: list[ImportRef] = []
    for node in ast.walk(tree):
        found.extend(_refs_of(node))
    return ScanResult(tuple(dict.fromkeys(found)))


def _refs_of(node: ast.AST) -> Iterable[ImportRef]:
    if isinstance(node, ast.Import):
        return [ImportRef(alias.name) for alias in node.names]
    if isinstance(node, ast.ImportFrom):
        return [ImportRef(node.module or "", tuple(a.name for a in node.names if a.name != "*"), node.level)]
    if isinstance(node, ast.Call):
        return _dynamic_import(node)
    if isinstance(node, ast.Assign) and any(
        isinstance(t, ast.Name) and t.id == "pytest_plugins" for t in node.targets
    ):
        return [ImportRef(name) for name in _constant_strings(node.value)]
    return []


def _dynamic_import(node: ast.Call) -> list[ImportRef]:
    """`importlib.import_module("a.b")` / `import_module("a.b")` / `__import__("a.b")`."""
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
    if name not in {"import_module", "__import__"} or not node.args:
        return []
    first = node.args[0]
    if isinstance(first, ast.Constant) and isinstance(first.value, str) and not first.value.startswith("."):
        return [ImportRef(first.value)]
    return []


def _constant_strings(node: ast.expr) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, (ast.List, ast.Tuple)):
        return [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    return []


def _scan_lines(text: str) -> tuple[ImportRef, ...]:
    """Imports of a file that does not parse, one line at a time (a parenthesized name list may
    go on over the following lines)."""
    found: list[ImportRef] = []
    lines = text.splitlines()
    for index, line in enumerate(lines):
        match = _LINE_IMPORT.match(line)
        if match:
            for part in match.group(1).split(","):
                found.append(ImportRef(part.split(" as ")[0].strip()))
            continue
        match = _LINE_FROM.match(line)
        if match:
            listed = match.group(3)
            if "(" in line and ")" not in line:
                listed += "," + ",".join(_continued(lines, index + 1))
            names = tuple(dict.fromkeys(
                n.split(" as ")[0].strip() for n in listed.split(",") if n.strip() not in {"", "*"}
            ))
            found.append(ImportRef(match.group(2), names, len(match.group(1))))
    return tuple(dict.fromkeys(found))


def _continued(lines: list[str], start: int) -> list[str]:
    """Names on the lines after `from x import (`, up to `)` or a line that is not a name list."""
    names: list[str] = []
    for line in lines[start:start + 200]:
        body = line.split("#", 1)[0]
        words = body.replace(")", "").strip()
        if words and not _NAME_LIST.match(words):
            break
        names.append(words)
        if ")" in body:
            break
    return names


class Resolver:
    """Maps ImportRefs of a file to the project files they load (root-relative POSIX paths).

    `exists` answers "is this a file" / "is this a directory" for a root-relative path; the
    default asks the file system and remembers the answer for the life of the resolver.
    """

    def __init__(self, root: str, sources: Iterable[str] = (".",),
                 is_file: Callable[[str], bool] | None = None,
                 is_dir: Callable[[str], bool] | None = None) -> None:
        self.root = root
        self.sources = [_clean(s) for s in sources]
        self._file_cache: dict[str, bool] = {}
        self._dir_cache: dict[str, bool] = {}
        self._file_probe = is_file or self._fs_is_file
        self._dir_probe = is_dir or self._fs_is_dir
        # Called with ("f" or "d", path, answer) on every probe: lets a cache of resolutions
        # know which file-system facts it relied on.
        self.observer: Callable[[str, str, bool], None] | None = None

    def _is_file(self, rel: str) -> bool:
        answer = self._file_probe(rel)
        if self.observer is not None:
            self.observer("f", rel, answer)
        return answer

    def _is_dir(self, rel: str) -> bool:
        answer = self._dir_probe(rel)
        if self.observer is not None:
            self.observer("d", rel, answer)
        return answer

    def probe(self, kind: str, rel: str) -> bool:
        """The file system's answer now (`kind` "f": is a file, "d": is a directory)."""
        return self._file_probe(rel) if kind == "f" else self._dir_probe(rel)

    def _fs_is_file(self, rel: str) -> bool:
        hit = self._file_cache.get(rel)
        if hit is None:
            hit = self._file_cache[rel] = os.path.isfile(os.path.join(self.root, rel))
        return hit

    def _fs_is_dir(self, rel: str) -> bool:
        hit = self._dir_cache.get(rel)
        if hit is None:
            hit = self._dir_cache[rel] = os.path.isdir(os.path.join(self.root, rel) if rel else self.root)
        return hit

    def base_dir(self, rel: str) -> str:
        """The first ancestor directory of `rel` without `__init__.py` (pytest's `prepend` rule)."""
        directory = _parent(rel)
        while directory and self._is_file(_join(directory, "__init__.py")):
            directory = _parent(directory)
        return directory

    def resolve(self, ref: ImportRef, importer: str) -> list[str]:
        """The project files loaded by `ref` when executed in `importer`."""
        if ref.level:
            base = _parent(importer)
            for _ in range(ref.level - 1):
                base = _parent(base)
            found = self._package_chain(base, ref.module.split(".") if ref.module else [])
            if found is None:
                return []
            init = _join(base, "__init__.py")
            loaded = [init] if self._is_file(init) else []
            return loaded + found + self._submodules(base, ref)
        parts = ref.module.split(".")
        for base in self._search_roots(importer):
            if self._is_file(_join(base, parts[0] + ".py")) or self._is_dir(_join(base, parts[0])):
                found = self._package_chain(base, parts)
                if found is not None:
                    return found + self._submodules(base, ref)
        return []

    def locate(self, module: str, level: int, importer: str) -> tuple[str | None, str | None]:
        """(file, package dir) of exactly the module `module` imported from `importer`:
        `a/b.py` -> (a/b.py, None); a package -> (a/b/__init__.py, a/b); a namespace package ->
        (None, a/b); not in the project -> (None, None)."""
        parts = module.split(".") if module else []
        if level:
            base = _parent(importer)
            for _ in range(level - 1):
                base = _parent(base)
            return self.locate_in(base, parts)
        for base in self._search_roots(importer):
            if self._is_file(_join(base, parts[0] + ".py")) or self._is_dir(_join(base, parts[0])):
                return self.locate_in(base, parts)
        return None, None

    def locate_in(self, directory: str, parts: list[str]) -> tuple[str | None, str | None]:
        """(file, package dir) of `directory/parts...` (see `locate`)."""
        for index, part in enumerate(parts):
            package_dir = _join(directory, part)
            if self._is_dir(package_dir):
                directory = package_dir
                continue
            module_file = _join(directory, part + ".py")
            if self._is_file(module_file) and index == len(parts) - 1:
                return module_file, None
            return None, None
        init = _join(directory, "__init__.py")
        return (init if self._is_file(init) else None), directory

    def _search_roots(self, importer: str) -> list[str]:
        roots = list(self.sources)
        own = self.base_dir(importer)
        if own not in roots:
            roots.append(own)
        return roots

    def _package_chain(self, base: str, parts: list[str]) -> list[str] | None:
        """Files executed to import `base/parts...`: each package's `__init__`, then the module.

        Returns None when the first part does not exist under `base` at all.
        """
        loaded: list[str] = []
        directory = base
        for index, part in enumerate(parts):
            module_file = _join(directory, part + ".py")
            package_dir = _join(directory, part)
            if self._is_dir(package_dir):
                init = _join(package_dir, "__init__.py")
                if self._is_file(init):
                    loaded.append(init)
                directory = package_dir
            elif self._is_file(module_file):
                loaded.append(module_file)
                return loaded  # the rest are attributes of the module
            else:
                return loaded if index else None
        return loaded

    def _submodules(self, base: str, ref: ImportRef) -> list[str]:
        """`from pkg import mod` loads pkg/mod.py when mod is a submodule, not an attribute."""
        if not ref.names:
            return []
        directory = _join(base, *ref.module.split(".")) if ref.module else base
        found = []
        for name in ref.names:
            module_file = _join(directory, name + ".py")
            init = _join(directory, name, "__init__.py")
            if self._is_file(module_file):
                found.append(module_file)
            elif self._is_file(init):
                found.append(init)
        return found


def _clean(rel: str) -> str:
    rel = rel.replace("\\", "/").strip("/")
    return "" if rel in {"", "."} else rel.removeprefix("./")


def _join(*parts: str) -> str:
    return "/".join(p for p in parts if p)


def _parent(rel: str) -> str:
    return rel.rsplit("/", 1)[0] if "/" in rel else ""
