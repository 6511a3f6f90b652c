"""Each file format's grammar lives in exactly one module: nothing else in the package spells it.

Two checks read the package's source: every string in code (docstrings and the documentation
fields of a gate rule are prose, not grammar) is looked at for a format's tell-tale text (the plan
markers); and every literal regex handed to `re` is tried on samples of a format, so a pattern that
reads them the way the grammar does (the spec header's `Key: value` lines and H1 title) is found
wherever it is spelled.
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Callable, Iterator
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


# ------------------------------------------------------------------ grammars found by behaviour

_RE_CALLS = {"compile", "match", "fullmatch", "search", "findall", "finditer", "sub", "split"}


def _patterns(package: Path = PACKAGE) -> Iterator[tuple[str, int, re.Pattern[str]]]:
    """(module, line, pattern) of every literal regex in the package: each one handed to `re`, and
    every other string in code that is a regex with a group (a pattern kept in a constant and
    compiled by name elsewhere is found too)."""
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _docstrings(tree) | _prose_values(tree)
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in _RE_CALLS and isinstance(node.func.value, ast.Name)
                    and node.func.value.id == "re" and node.args):
                source, grouped = _literal(node.args[0]), False
            elif (isinstance(node, ast.Constant) and isinstance(node.value, str) and "(" in node.value
                  and id(node) not in skip):
                source, grouped = node.value, True
            else:
                continue
            if source is None:
                continue
            try:
                pattern = re.compile(source)
            except (re.error, RecursionError):
                continue
            if not grouped or pattern.groups:
                yield path.relative_to(package).as_posix(), node.lineno, pattern


def _literal(node: ast.expr) -> str | None:
    """A string literal, or a concatenation of them."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _literal(node.left), _literal(node.right)
        return left + right if left is not None and right is not None else None
    return None


def _captures(pattern: re.Pattern[str], text: str, *wanted: str) -> bool:
    match = pattern.match(text)
    return match is not None and all(any((g or "").strip() == w for g in match.groups()) for w in wanted)


@functools.cache
def _package_patterns() -> list[tuple[str, int, re.Pattern[str]]]:
    return list(_patterns())


def _definitions(reads: Callable[[re.Pattern[str]], bool]) -> list[str]:
    return sorted({module for module, _line, pattern in _package_patterns() if reads(pattern)})


def test_the_search_finds_a_pattern_kept_in_a_constant(tmp_path: Path) -> None:
    """A header-like regex spelled as a constant and compiled by name elsewhere is still found."""
    (tmp_path / "sample.py").write_text('import re\nLINE = r"^(Status|Spec ID):\\s*(.*)$"\n'
                                        "MATCH = re.compile(LINE)\n", encoding="utf-8")
    found = [(module, line) for module, line, pattern in _patterns(tmp_path)
             if _captures(pattern, "Status: Approved", "Status", "Approved")]
    assert found == [("sample.py", 2)]


def test_the_spec_header_line_grammar_is_defined_once() -> None:
    def reads_header_lines(p: re.Pattern[str]) -> bool:
        return _captures(p, "Status: Approved", "Status", "Approved") and _captures(p, "Spec ID: S-A-001", "Spec ID")

    assert _definitions(reads_header_lines) == ["formats/spec_header.py"]


def test_the_h1_title_grammar_is_defined_once() -> None:
    def reads_titles(p: re.Pattern[str]) -> bool:
        return any(_captures(p, h1, "Book Lending") and not _captures(p, h1, "Feature Spec")
                   for h1 in ("Feature Spec: Book Lending", "# Feature Specification: Book Lending"))

    assert _definitions(reads_titles) == ["formats/spec_header.py"]


def test_the_search_finds_what_it_looks_for() -> None:
    found = [(m, p.pattern) for m, _line, p in _package_patterns() if m == "formats/spec_header.py"]
    assert len(found) >= 3


def test_the_spec_marker_grammar_is_defined_once() -> None:
    def reads_markers(p: re.Pattern[str]) -> bool:
        # the whole bracketed marker, with its word captured
        return all((m := p.search(f"x {t} y")) is not None and m.group(0) == t and word in m.groups()
                   for t, word in (("[NEEDS CLARIFICATION: 14 days?]", "NEEDS CLARIFICATION"),
                                   ("[DEFERRED: PM]", "DEFERRED")))

    def reads_suppressions(p: re.Pattern[str]) -> bool:
        return _captures(p, "specmesh: ignore SM204", "SM204")

    assert _definitions(reads_markers) == ["formats/spec_markers.py"]
    assert _definitions(reads_suppressions) == ["formats/spec_markers.py"]


def test_the_test_tag_grammar_is_defined_once() -> None:
    def reads_tags(p: re.Pattern[str]) -> bool:
        return all((m := p.search(f"# @{word} UC-A-001")) is not None and word in m.groups()
                   for word in ("spec", "uc", "fr"))

    def reads_markers(p: re.Pattern[str]) -> bool:
        found = p.search('@pytest.mark.spec("UC-A-001")')
        return found is not None and '"UC-A-001"' in found.groups()

    assert _definitions(reads_tags) == ["formats/test_tags.py"]
    assert _definitions(reads_markers) == ["formats/test_tags.py"]


def test_the_task_group_grammar_is_defined_once() -> None:
    """Plan.md's `- Task group 2: … -> T-201` and tasks.md's `## Task group 2: …` are one grammar."""
    def reads_groups(p: re.Pattern[str]) -> bool:  # (the patterns are tried without their flags)
        return any(_captures(p, f"{words} 2: Cancel a loan", "2", "Cancel a loan")
                   or _captures(p, f"**{words} 2:** Cancel a loan -> T-201", "2")
                   for words in ("Task group", "task group"))

    def spots_groups(p: re.Pattern[str]) -> bool:  # no captures: tells a group line from others
        return (p.search("- Task group 2: Cancel a loan -> T-201") is not None
                and not p.search("- Task list: Cancel a loan -> T-201")
                and not p.search("- T-201: Cancel a loan"))

    assert _definitions(reads_groups) == ["formats/task_lines.py"]
    assert _definitions(spots_groups) == []  # the home reads a list item's text (LIST_ITEM), then the group


def test_the_task_line_grammar_is_defined_once() -> None:
    """The upstream code-span task (`` - `[T-001] text` ``) is read, and rewritten, in one place."""
    def reads_code_span_tasks(p: re.Pattern[str]) -> bool:
        return any(_captures(p, line, "[T-001] [P1] Set up") for line in
                   ("- `[T-001] [P1] Set up`", "1. [x] `[T-001] [P1] Set up` (done)"))

    assert _definitions(reads_code_span_tasks) == []  # the grammar reads the span without a regex
    from specmesh_tasks.formats.task_lines import checkbox_form, parse_task_item

    assert checkbox_form("1. [x] `[T-001] [P1] Set up` (done)") == "1. [x] [T-001] [P1] Set up (done)"
    item = parse_task_item("`[T-001] [P1] Set up` (done)")
    assert item is not None and item.style == "code-span" and item.description == "Set up (done)"


def test_the_list_item_grammar_is_defined_once() -> None:
    """A Markdown list item (bullet or number, then an optional checkbox) is read by one grammar:
    task lines, the Work Breakdown, the reader's use case fields and the spec prose a plan quotes."""
    bullets = ("- ", "* ", "+ ", "1. ", "12) ")

    def reads_list_items(p: re.Pattern[str]) -> bool:
        return (all(any(p.match(b + x) for x in ("`[T-001] x`", "[ ] x")) for b in bullets)
                and not any(p.match(x) for x in ("`[T-001] x`", "[ ] x")))

    assert _definitions(reads_list_items) == ["formats/task_lines.py"]
    removed = r"^\s*(?:[-*+]|\d{1,3}[.)])\s+(?:\[[ xX]\]\s+)?"  # render/spec_values had this one
    assert reads_list_items(re.compile(removed))


def test_the_group_checks_find_a_second_definition() -> None:
    """The checks themselves work: the group grammars removed from breakdown, merge and render/adopt
    would each have been found."""
    removed = [r"^(?:\*\*|__)?task[ \t]+group\b[ \t]*(?P<num>\d+(?:\.\d+)*[a-z]?)?[ \t]*[:：.)]?[ \t]*(?P<rest>.*)$",
               r"^task\s+group\s+(?P<num>[0-9A-Za-z.]+?)\s*(?:[:：.)\-—–]\s*(?P<summary>.*))?$"]
    for source in removed:
        assert _captures(re.compile(source), "task group 2: Cancel a loan", "2", "Cancel a loan")  # no flags
    seed = re.compile(r"^\s*[-*] Task group\b")
    assert seed.search("- Task group 2: Cancel a loan -> T-201") and not seed.search("- T-201: Cancel a loan")
    code_span = re.compile(r"^(?P<lead>\s*(?:[-*+]|\d{1,3}[.)])\s+)(?P<box>\[[ xX]\]\s+)?"
                           r"(?P<ticks>`+)(?P<inner>.*?)(?P=ticks)(?P<trail>.*)$")
    assert _captures(code_span, "- `[T-001] [P1] Set up`", "[T-001] [P1] Set up")
