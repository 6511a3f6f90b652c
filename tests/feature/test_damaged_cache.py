"""Fault injection: any damage to `.specify/.cache/` heals (contract §3).

Every kind of cache file the tool writes (listed below from the code: `CACHE_FILES`) is damaged in
turn - garbled, valid JSON of the wrong shape, truncated, a directory in its place, a symlink loop
that cannot be read - and the next run must give the same result as a run on a fresh cache: the
same exit code, the same gates report, the same plan.md and tasks.md, the same trace report, no
traceback, and at most one line about each damaged file. The cache folder deleted while a run is
going is healed the same way.
"""

from __future__ import annotations

import fnmatch
import io
import json
import marshal
import os
import pickle
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from specmesh_tasks.freshness import RACY_NS
from tests.conftest import EXAMPLE, specmesh_command

CACHE = ".specify/.cache"
ARCHITECTURE = Path(__file__).resolve().parents[2] / "docs" / "architecture.md"
EPOCH = "1767225600"  # every run records its test results at this time (SOURCE_DATE_EPOCH)

# Every cache file, by the module that writes it (a run that writes a file not listed here fails
# `test_every_cache_file_is_listed`).
CACHE_FILES = {
    "doit.json": "doitdb (doit's dependency state)",
    "lock": "state (the run lock)",
    "runlog.jsonl": "runlog (the reports of the last run)",
    "listing.json": "discover (directory memo of .specify/specs)",
    "headers.json": "discover (header lines of every spec)",
    "config.json": "config (validated specmesh.yaml)",
    "gates.json": "gates/cache (findings and stamps of the last gates run)",
    "parse/specs-*.pickle": "parse/cache (parsed specs, by shard)",
    "deps/*.json": "render/plan_index (each plan's digest of the overview items it shows)",
    "plan/projections.json": "render/plan_index (what a digest needs of each feature)",
    "plan/index-state.json": "render/plan_index (what the last index run saw)",
    "plan/digests.json": "render/plan_index (hashes of the digests written)",
    "jinja/__jinja2_*.cache": "render/blocks (Jinja's compiled template)",
    "affected-state.json": "affected/record (per test file: fingerprints and outcomes)",
    "affected-files.json": "affected/facts (per file: digest, imports, spec tags)",
    "affected-inputs.json": "affected/inputs (test listing and data globs)",
    "affected-requirements.json": "affected/run (requirement text digests)",
    "affected-edges.json": "affected/run (resolved import edges)",
    "affected-results.json": "affected/results (each test's last outcome)",
    "trace/projections.json": "trace/projections (what trace needs of each spec)",
    "trace/*.json": "trace/snapshot (the last report's inputs)",
}
# Valid data of the wrong shape, as JSON (written in the damaged file's own format: `_wrong_shape`).
WRONG_SHAPES = ("[1, 2]", '{"version": 1, "data": [1], "rows": 3, "files": 4, "entries": 5}')
CONFIG = "gates:\n  strict: false\n"


def _kind(rel: str) -> str | None:
    return next((pattern for pattern in CACHE_FILES if fnmatch.fnmatch(rel, pattern)), None)


def _cache_files(root: Path) -> list[str]:
    base = root / CACHE
    return sorted(p.relative_to(base).as_posix() for p in base.rglob("*")
                  if p.is_file() and not p.name.endswith((".damaged", ".gitignore")))


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    # As a person runs it: not as a test worker (PYTEST_XDIST_WORKER keeps the parse cache read-only).
    env = {k: v for k, v in os.environ.items() if k not in ("SPECMESH_ROOT", "PYTEST_XDIST_WORKER")}
    env["SOURCE_DATE_EPOCH"] = EPOCH
    return subprocess.run([*specmesh_command(), *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=300, check=False)


def _pipeline(root: Path) -> dict[str, object]:
    """One run of everything (gates as JSON, plan, tasks, test), then trace: what it produced."""
    main = _run("gates", "--format", "json", "--output", "gates-report.json", "plan", "tasks", "test", cwd=root)
    trace = _run("trace", "--format", "json", cwd=root)
    outputs = {p.relative_to(root).as_posix(): p.read_bytes()
               for p in sorted((root / ".specify/specs").rglob("*.md")) if p.name in ("plan.md", "tasks.md")}
    report = json.loads((root / "gates-report.json").read_text(encoding="utf-8"))
    report.pop("root", None)
    traced = json.loads(trace.stdout) if trace.returncode == 0 else trace.stdout
    if isinstance(traced, dict):
        traced.pop("root", None)
    return {"codes": (main.returncode, trace.returncode), "gates": report, "files": outputs, "trace": traced,
            "stderr": main.stderr + trace.stderr}


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    """The example after a full run (config present, so its cache is written too), and what a
    run on a fresh cache produces from there."""
    root = tmp_path_factory.mktemp("damage") / "library"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".cache", "__pycache__", ".pytest_cache"))
    (root / ".specify/specmesh.yaml").write_text(CONFIG, encoding="utf-8")
    # Caches keep only stamps older than the racy window (`freshness.settled`): once it has passed
    # (any time later will do), a run on an empty cache writes every kind of cache file.
    time.sleep(RACY_NS / 1e9 + 0.2)
    first = _pipeline(root)
    assert first["codes"] == (0, 0), first["stderr"]
    time.sleep(RACY_NS / 1e9 + 0.2)  # the trace report is stored once the test results it reads settled
    assert _run("trace", "--format", "json", cwd=root).returncode == 0
    fresh = root.parent / "fresh"
    shutil.copytree(root, fresh)
    shutil.rmtree(fresh / CACHE)
    return root, _pipeline(fresh)


def _same(after: dict[str, object], expected: dict[str, object]) -> None:
    assert "Traceback" not in str(after["stderr"]), after["stderr"]
    for key in ("codes", "gates", "files", "trace"):
        assert after[key] == expected[key], key


def _wrong_shape(path: Path, data: bytes, shape: str) -> bytes:
    """`shape` in the file's own format: valid, readable, and not what the code wrote there."""
    value = json.loads(shape)
    if path.suffix == ".pickle":
        return pickle.dumps(value)
    if path.suffix == ".cache":  # Jinja's bytecode: its header and the template's checksum, then not code
        from jinja2.bccache import bc_magic

        body = io.BytesIO(data[len(bc_magic):])
        pickle.load(body)  # the checksum of the template source: kept, so Jinja goes on to load the code
        return data[: len(bc_magic) + body.tell()] + marshal.dumps(value)
    return shape.encode("utf-8")


def _damage(path: Path, how: str) -> None:
    data = b""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        data = path.read_bytes()
        path.unlink()
        if how == "truncated":
            path.write_bytes(data[: len(data) // 2])
            return
    if how == "garbled":
        path.write_bytes(b"\x00\xff{{ not what we wrote")
    elif how.startswith("shape"):
        path.write_bytes(_wrong_shape(path, data, WRONG_SHAPES[int(how[-1])]))
    elif how == "a directory":
        (path / "x").mkdir(parents=True)
    elif how == "unreadable":
        os.symlink(path.name, path)  # a symlink to itself: every read fails (ELOOP), even as root


def test_every_cache_file_is_listed(reference: tuple[Path, dict[str, object]]) -> None:
    root, _expected = reference
    found = {rel: _kind(rel) for rel in _cache_files(root)}
    assert all(found.values()), [rel for rel, kind in found.items() if kind is None]
    missing = set(CACHE_FILES) - set(found.values())
    assert not missing, missing  # every listed kind is written by the runs


def documented_cache_files() -> list[str]:
    """The file column of docs/architecture.md's cache table, each `<placeholder>` read as `*`."""
    text = ARCHITECTURE.read_text(encoding="utf-8")
    table = text[text.index("| File | Holds |"):].split("\n\n", 1)[0]
    return [re.sub(r"<[^>]*>", "*", name) for name in re.findall(r"^\| `([^`]+)`", table, flags=re.MULTILINE)]


def test_every_cache_file_is_in_the_architecture_doc(reference: tuple[Path, dict[str, object]]) -> None:
    root, _expected = reference
    documented = documented_cache_files()
    found = [*_cache_files(root), ".gitignore", "x.json.damaged"]
    assert [rel for rel in found if not any(fnmatch.fnmatch(rel, pattern) for pattern in documented)] == []
    assert [kind for kind in CACHE_FILES if kind not in documented] == []


@pytest.mark.parametrize("kind", sorted(CACHE_FILES))
@pytest.mark.parametrize("how", ["garbled", "shape0", "shape1"])
def test_one_damaged_cache_file_heals(reference: tuple[Path, dict[str, object]], tmp_path: Path,
                                      kind: str, how: str) -> None:
    base, expected = reference
    root = tmp_path / "library"
    shutil.copytree(base, root, symlinks=True)
    damaged = [rel for rel in _cache_files(root) if _kind(rel) == kind]
    for rel in damaged:
        _damage(root / CACHE / rel, how)
    after = _pipeline(root)
    _same(after, expected)
    notes = [line for line in str(after["stderr"]).splitlines() if "was damaged" in line]
    assert len(notes) <= len(damaged) * 2, notes  # one line per file (twice at most: two processes read it)


@pytest.mark.parametrize("how", ["truncated", "a directory", "unreadable"])
def test_every_cache_file_damaged_at_once_heals(reference: tuple[Path, dict[str, object]], tmp_path: Path,
                                                how: str) -> None:
    base, expected = reference
    root = tmp_path / "library"
    shutil.copytree(base, root, symlinks=True)
    for rel in _cache_files(root):
        _damage(root / CACHE / rel, how)
    _same(_pipeline(root), expected)
    _same(_pipeline(root), expected)  # and the run after that (nothing left to heal)


DELETE_DURING_THE_RUN = """
import shutil, sys
from pathlib import Path
from doit.cmd_base import ModuleTaskLoader
from doit.doit_cmd import DoitMain
import specmesh_tasks.dodo as dodo
from specmesh_tasks.render import feature

real = feature.plan_feature

def plan_then_delete_the_cache(root, spec_rel, *args, **kwargs):
    outcome = real(root, spec_rel, *args, **kwargs)
    shutil.rmtree(Path(root) / ".specify/.cache", ignore_errors=True)  # `rm -rf` in another terminal
    return outcome

feature.plan_feature = plan_then_delete_the_cache
sys.exit(DoitMain(ModuleTaskLoader(dodo)).run(sys.argv[1:]))
"""


def test_the_cache_folder_deleted_while_a_run_goes_on(reference: tuple[Path, dict[str, object]],
                                                      tmp_path: Path) -> None:
    base, expected = reference
    root = tmp_path / "library"
    shutil.copytree(base, root, symlinks=True)
    shutil.rmtree(root / CACHE)  # every plan renders again, so the deletion lands mid-run
    during = subprocess.run([sys.executable, "-c", DELETE_DURING_THE_RUN, "plan", "tasks"], cwd=root,
                            env={**os.environ, "SPECMESH_ROOT": str(root)}, capture_output=True, text=True,
                            timeout=300, check=False)
    assert "Traceback" not in during.stderr and "DependencyError" not in during.stderr, during.stderr
    assert during.returncode in (0, 1), during.stderr
    _same(_pipeline(root), expected)
