"""The gates cache: the one freshness check decides "unchanged", and a damaged file heals."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from gates_cases import CASES, LOAN_DIR
from gates_trees import BOOK, LOAN, Files, with_files, write

from specmesh_tasks.gates.cache import CACHE_NAME
from specmesh_tasks.gates.run import run_gates

# A tree with findings in several files and of both scopes (one-file and cross-file), a plan
# and a config file, so every part of the cache has rows.
FILES: Files = with_files({f"{LOAN_DIR}/plan.md": "# Plan\n\nFeature Spec: S-LOAN-001\n",
                           ".specify/specmesh.yaml": "gates:\n  strict: false\n"},
                          CASES["SM204-master"].bad)

# Every tree here is written before the runs that read it (see the fixture).
pytestmark = pytest.mark.usefixtures("trust_stamps_at_once")


def cache_file(root: Path) -> Path:
    return root / ".specify" / ".cache" / CACHE_NAME


def old_tree(tmp_path: Path) -> Path:
    """FILES written with mtimes an hour old (what a checkout made long ago looks like)."""
    root = write(tmp_path / "repo", FILES)
    for dirpath, _dirs, names in os.walk(root):
        for name in names:
            os.utime(os.path.join(dirpath, name), (time.time() - 3600, time.time() - 3600))
    return root


def report(root: Path, **options: Any) -> list[tuple[str, str, int, str, str, bool]]:
    return [(f.code, f.file, f.line, f.message, f.severity.value, f.suppressed)
            for f in run_gates(root, **options).findings]


# ---------------------------------------------------------------------- the freshness check

def test_an_edit_hidden_behind_the_old_size_and_mtime_is_seen(tmp_path: Path) -> None:
    # What `cp -p`, `rsync -t` or `touch -r` do: same size, mtime set back. The ctime moves.
    root = old_tree(tmp_path)
    run_gates(root)
    path = root / BOOK
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    edited = text.replace("List books by title", "List books by TITLE")
    assert len(edited) == len(text)
    path.write_text(edited, encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size and path.stat().st_mtime_ns == before.st_mtime_ns
    result = run_gates(root)
    assert not result.from_cache


def test_a_file_replaced_by_another_with_the_same_stamp_is_seen(tmp_path: Path) -> None:
    # An editor's atomic save, as `rsync -t` does it: a new inode under the old name, the file's
    # and its folder's mtimes copied over.
    root = old_tree(tmp_path)
    run_gates(root)
    path = root / LOAN
    before, folder = path.stat(), path.parent.stat()
    spare = tmp_path / "spare.md"
    spare.write_bytes(path.read_bytes().replace(b"Lending team", b"LENDING TEAM"))
    os.utime(spare, ns=(before.st_atime_ns, before.st_mtime_ns))
    os.replace(spare, path)
    os.utime(path.parent, ns=(folder.st_atime_ns, folder.st_mtime_ns))
    assert path.stat().st_ino != before.st_ino and path.stat().st_size == before.st_size
    assert not run_gates(root).from_cache


# ---------------------------------------------------------------------- a damaged cache heals

def _set(*keys: str | int, value: Any) -> Callable[[dict[str, Any]], None]:
    """Damage: the value at `keys` (a key of "*" means the first entry of that mapping)."""
    def damage(data: dict[str, Any]) -> None:
        node: Any = data
        for key in keys[:-1]:
            node = node[next(iter(node))] if key == "*" else node[key]
        last = next(iter(node)) if keys[-1] == "*" else keys[-1]
        node[last] = value
    return damage


DAMAGE: dict[str, Callable[[dict[str, Any]], None]] = {
    "run is a list": _set("run", value=[]),
    "manifest is a list": _set("run", "manifest", value=[1, 2]),
    "a manifest row is a string": _set("run", "manifest", "*", value="x"),
    "a manifest row has three numbers": _set("run", "manifest", "*", value=[1, 2, 3]),
    "watched is a string": _set("run", "watched", value="tests"),
    "items is a dict": _set("run", "items", value={}),
    "an item is short": _set("run", "items", 0, value=["a.md"]),
    "a finding's line is a string": _set("run", "findings", 0, 4, value="12"),
    "a finding's severity is unknown": _set("run", "findings", 0, 2, value="fatal"),
    "a finding's suppressed flag is a number": _set("run", "findings", 0, 7, value=0),
    "the tool version is a number": _set("run", "tool_version", value=1),
    "specs is a list": _set("specs", value=[]),
    "spec files is a list": _set("specs", "files", value=[]),
    "a spec entry is a string": _set("specs", "files", "*", value="x"),
    "a spec entry's findings are a dict": _set("specs", "files", "*", 1, value={}),
    "a spec entry's finding is short": _set("specs", "files", "*", 1, value=[["SM101"]]),
    "a spec entry's view is a number": _set("specs", "files", "*", value=["d", [], 5]),
    "dirs is a list": _set("dirs", value=[]),
    "a listing is a number": _set("dirs", "*", value=5),
    "a listing's names are a string": _set("dirs", "*", 2, value="spec.md"),
    "rules is a list": _set("rules", value=[]),
    "the rule table is a list": _set("rules", "table", value=[]),
    "a rule row is short": _set("rules", "table", "SM101", value=["x"]),
    "a rule row names another module": _set("rules", "table", "SM101",
                                            value=["needs-clarification", "error", "spec", "os"]),
    "a one-file rule row names an unknown code": _set("rules", "table", "SM199",
                                                      value=["x", "error", "spec",
                                                             "specmesh_tasks.gates.rules.clarify"]),
    "active is a list": _set("rules", "active", value=[]),
}


@pytest.mark.parametrize("name", sorted(DAMAGE))
def test_a_damaged_cache_gives_the_same_report_and_heals(name: str, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)  # this tree's parse cache is its own
    root = write(tmp_path / "repo", FILES)
    clean = report(root, use_cache=False)
    run_gates(root)
    # An edit the quick re-run takes, so it too reads the damaged parts.
    loan = root / LOAN
    loan.write_text(loan.read_text(encoding="utf-8").replace("## 1.", "## 1. (edited)", 1), encoding="utf-8")
    data = json.loads(cache_file(root).read_text(encoding="utf-8"))
    DAMAGE[name](data)
    cache_file(root).write_text(json.dumps(data), encoding="utf-8")
    assert report(root) == report(root, use_cache=False)
    assert run_gates(root).from_cache  # rebuilt by the run above
    loan.write_text(loan.read_text(encoding="utf-8").replace("## 1. (edited)", "## 1.", 1), encoding="utf-8")
    assert report(root) == clean


@pytest.mark.parametrize("text", ["", "{not json", "[]", '{"version": "2"}', "\x00\x01", "null"])
def test_an_unreadable_cache_file_is_rebuilt(text: str, tmp_path: Path) -> None:
    root = write(tmp_path / "repo", FILES)
    clean = report(root, use_cache=False)
    run_gates(root)
    cache_file(root).write_text(text, encoding="utf-8")
    assert report(root) == clean
    assert run_gates(root).from_cache


def test_a_damaged_cache_is_no_traceback_on_the_command_line(tmp_path: Path,
                                                             run_specmesh: Callable[..., Any]) -> None:
    root = write(tmp_path / "repo", FILES)
    first = run_specmesh("--root", str(root), "gates", cwd=tmp_path)
    data = json.loads(cache_file(root).read_text(encoding="utf-8"))
    data["run"]["findings"][0][4] = "twelve"
    data["specs"]["files"] = {k: "?" for k in data["specs"]["files"]}
    cache_file(root).write_text(json.dumps(data), encoding="utf-8")
    again = run_specmesh("--root", str(root), "gates", cwd=tmp_path)
    assert "Traceback" not in again.stderr
    assert (again.returncode, again.stdout) == (first.returncode, first.stdout)
