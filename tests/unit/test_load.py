"""load_repo over whole trees: layouts, duplicates, bad files, the parse cache, tags."""

from __future__ import annotations

import os
import pickle
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from specmesh_tasks.load import load_repo
from specmesh_tasks.model.ids import IdKind
from specmesh_tasks.model.spec import SpecKind
from specmesh_tasks.parse import cache as parse_cache
from specmesh_tasks.parse.source import MAX_BYTES

RESOURCES = Path(__file__).resolve().parents[1] / "resources" / "specs"
Tree = Callable[[dict[str, "str | bytes"]], Path]


@pytest.fixture(autouse=True)
def _as_main_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Under `pytest -n auto` this test runs in a worker, which never writes the cache."""
    monkeypatch.delenv("PYTEST_XDIST_WORKER", raising=False)


def _res(name: str) -> bytes:
    return (RESOURCES / name).read_bytes()


FEATURE_B = """
    # Feature Spec: Members

    Spec Type: Feature
    Spec ID: S-MEMBER-001
    Status: Draft

    ---

    ## 4. User Stories / Use Cases

    ### UC-MEMBER-001: Register

    ### UC-LOAN-001: Copied by mistake

    ### UC-001: Local

    ## 5. Functional Requirements (FR)

    | FR ID | Description | Related UC |
    |---|---|---|
    | FR-MEMBER-001 | Store the member | UC-MEMBER-001 |
    | FR-001 | Local requirement | UC-001 |
"""


def _standard(tree: Tree) -> Path:
    return tree(
        {
            ".specify/specs/overview/vision/spec.md": _res("vision.md"),
            ".specify/specs/overview/domain/spec.md": _res("domain.md"),
            ".specify/specs/overview/screen/spec.md": _res("screen.md"),
            ".specify/specs/overview/matrix/cross-reference.json": _res("matrix.json"),
            ".specify/specs/features/sloan001-book-lending/spec.md": _res("feature-loan-crlf.md"),
            ".specify/specs/features/sloan001-book-lending/test-scenarios.md": _res("test-scenarios.md"),
            ".specify/specs/features/smember001-members/spec.md": FEATURE_B,
            ".specify/specs/features/slead001/spec.md": _res("older-feature.md"),
            ".specify/specs/fixes/floan001-due-date/spec.md": _res("fix.md"),
        }
    )


def test_standard_layout_every_kind(spec_tree: Tree) -> None:
    repo = load_repo(_standard(spec_tree))
    kinds = {doc.path: doc.kind for doc in repo.specs}
    assert kinds == {
        ".specify/specs/features/slead001/spec.md": SpecKind.FEATURE,
        ".specify/specs/features/sloan001-book-lending/spec.md": SpecKind.FEATURE,
        ".specify/specs/features/sloan001-book-lending/test-scenarios.md": SpecKind.TEST_SCENARIO,
        ".specify/specs/features/smember001-members/spec.md": SpecKind.FEATURE,
        ".specify/specs/fixes/floan001-due-date/spec.md": SpecKind.FIX,
        ".specify/specs/overview/domain/spec.md": SpecKind.DOMAIN,
        ".specify/specs/overview/screen/spec.md": SpecKind.SCREEN,
        ".specify/specs/overview/vision/spec.md": SpecKind.VISION,
    }
    assert [doc.path for doc in repo.specs] == sorted(kinds)
    assert (
        repo.matrix is not None and repo.matrix.path == ".specify/specs/overview/matrix/cross-reference.json"
    )
    assert repo.problems == ()
    assert repo.spec_by_id("S-LOAN-001") is not None
    assert repo.root == Path(repo.root).as_posix() and Path(repo.root).is_absolute()


def test_definitions_index_keeps_duplicates_and_homes_only(spec_tree: Tree) -> None:
    repo = load_repo(_standard(spec_tree))
    defs = repo.definitions
    assert [d.location.file.split("/")[-2] for d in defs["UC-LOAN-001"]] == [
        "sloan001-book-lending",
        "smember001-members",
    ]
    assert [d.kind for d in defs["M-USER-001"]] == [IdKind.MASTER]
    assert "M-USER" not in defs  # referenced by features, defined only with its suffix
    assert [d.location.file for d in defs["SCR-002"]] == [".specify/specs/overview/screen/spec.md"]
    assert len(defs["UC-001"]) == 2  # area-less: one per feature (local scope)
    assert "S-RESV-001" not in defs  # only referenced
    assert list(defs) == sorted(defs)


def test_nested_project_and_flat_older_layout(spec_tree: Tree) -> None:
    root = spec_tree(
        {
            ".specify/specs/library/overview/domain/spec.md": _res("domain.md"),
            ".specify/specs/library/features/sloan001/spec.md": _res("feature-loan.md"),
            ".specify/specs/legacy/vision/spec.md": _res("vision.md"),
            ".specify/specs/legacy/screen/spec.md": _res("screen.md"),
            ".specify/specs/legacy/matrix/cross-reference.json": _res("matrix.json"),
            ".specify/specs/legacy/slead001/spec.md": _res("older-feature.md"),
        }
    )
    repo = load_repo(root)
    assert {d.kind for d in repo.specs} == {
        SpecKind.DOMAIN,
        SpecKind.FEATURE,
        SpecKind.VISION,
        SpecKind.SCREEN,
    }
    assert len(repo.specs_of_kind(SpecKind.FEATURE)) == 2
    assert repo.matrix is not None and repo.matrix.path.endswith("legacy/matrix/cross-reference.json")
    assert "M-BOOK" in repo.definitions and "SCR-001" in repo.definitions


def test_legacy_matrix_location(spec_tree: Tree) -> None:
    root = spec_tree(
        {
            ".specify/matrix/cross-reference.json": _res("matrix-bad.json"),
            ".specify/specs/overview/domain/spec.md": _res("domain.md"),
        }
    )
    repo = load_repo(root)
    assert repo.matrix is not None and repo.matrix.path == ".specify/matrix/cross-reference.json"
    assert [p.code for p in repo.matrix.problems] == ["SM301"]


def test_bad_files_never_stop_the_others(spec_tree: Tree, tmp_path: Path) -> None:
    outside = tmp_path / "outside.md"
    outside.write_text("# Feature Spec: Outside\nSpec ID: S-OUT-001\n", encoding="utf-8")
    root = spec_tree(
        {
            ".specify/specs/features/a/spec.md": _res("latin1-feature.md"),
            ".specify/specs/features/b/spec.md": _res("unterminated-fence.md"),
            ".specify/specs/features/c/spec.md": b"",
            ".specify/specs/features/e/spec.md": _res("feature-loan-bom.md"),
        }
    )
    huge = root / ".specify/specs/features/d/spec.md"
    huge.parent.mkdir(parents=True)
    with open(huge, "wb") as handle:
        handle.write(b"# Feature Spec: Huge\n")
        handle.truncate(MAX_BYTES + 10)
    link = root / ".specify/specs/features/f/spec.md"
    link.parent.mkdir(parents=True)
    link.symlink_to(outside)
    repo = load_repo(root)
    assert [d.path.split("/")[-2] for d in repo.specs] == ["a", "b", "c", "e"]
    assert sorted((p.code, p.location.file.split("/")[-2]) for p in repo.problems) == [
        ("SM207", "d"),
        ("SM208", "f"),
    ]
    latin, fence, empty, bom = repo.specs
    assert [(p.code, p.location.line) for p in latin.problems] == [("SM206", 11)]
    assert [p.code for p in fence.problems] == ["SM210"]
    assert empty.kind is SpecKind.FEATURE and empty.problems == ()  # kind from the path
    assert bom.spec_id == "S-LOAN-001" and bom.problems == ()
    assert "S-OUT-001" not in repo.definitions


def test_reader_bug_in_one_file_is_a_problem(spec_tree: Tree, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _standard(spec_tree)
    from specmesh_tasks import load as load_module

    real = load_module.parse_spec

    def flaky(text: str, rel: str):  # type: ignore[no-untyped-def]
        if "smember001" in rel:
            raise RuntimeError("bug")
        return real(text, rel)

    monkeypatch.setattr(load_module, "parse_spec", flaky)
    repo = load_repo(root, cache=False)
    assert len(repo.specs) == 7
    assert [(p.code, p.location.file) for p in repo.problems] == [
        ("SM212", ".specify/specs/features/smember001-members/spec.md"),
    ]


# ---------------------------------------------------------------- cache


class _Counter:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        from specmesh_tasks import load as load_module

        self.paths: list[str] = []
        real = load_module.parse_spec

        def counting(text: str, rel: str):  # type: ignore[no-untyped-def]
            self.paths.append(rel)
            return real(text, rel)

        monkeypatch.setattr(load_module, "parse_spec", counting)


def _cache_base(root: Path) -> Path:
    return root / ".specify" / ".cache" / "parse" / "specs.pickle"


def _shards(root: Path) -> list[Path]:
    return [parse_cache.shard_path(_cache_base(root), k) for k in range(parse_cache.SHARDS)]


def _cached_entries(root: Path) -> dict[str, object]:
    entries: dict[str, object] = {}
    for shard in _shards(root):
        if shard.is_file():
            entries.update(pickle.loads(shard.read_bytes())["entries"])
    return entries


def _plant(root: Path, content: bytes) -> None:
    _cache_base(root).parent.mkdir(parents=True, exist_ok=True)
    for shard in _shards(root):
        shard.write_bytes(content)


def test_cache_skips_unchanged_files_and_reparses_changed_ones(
    spec_tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _standard(spec_tree)
    first = load_repo(root)
    assert any(shard.is_file() for shard in _shards(root))
    counter = _Counter(monkeypatch)
    assert load_repo(root) == first and counter.paths == []
    spec = root / ".specify/specs/features/smember001-members/spec.md"
    spec.write_text(spec.read_text(encoding="utf-8").replace("Register", "Sign up"), encoding="utf-8")
    changed = load_repo(root)
    assert counter.paths == [".specify/specs/features/smember001-members/spec.md"]
    assert changed.spec_by_id("S-MEMBER-001").use_cases[0].title == "Sign up"  # type: ignore[union-attr]
    counter.paths.clear()
    os.utime(spec, ns=(1, 1))  # touched, same text: the digest decides, no parse
    assert load_repo(root) == changed and counter.paths == []


def test_cache_drops_deleted_files(spec_tree: Tree) -> None:
    root = _standard(spec_tree)
    load_repo(root)
    (root / ".specify/specs/features/slead001/spec.md").unlink()
    repo = load_repo(root)
    assert "S-LEAD-001" not in repo.definitions
    entries = _cached_entries(root)
    assert ".specify/specs/features/slead001/spec.md" not in entries
    assert len([rel for rel in entries if rel.endswith(".md")]) == 7


def test_cache_file_reads_back_the_model_classes_themselves(
    spec_tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _standard(spec_tree)
    first = load_repo(root)
    monkeypatch.setattr(parse_cache, "_IN_MEMORY", {})  # as a new process: unpickle the file
    counter = _Counter(monkeypatch)
    again = load_repo(root)
    assert counter.paths == [] and again == first
    for doc in again.specs:
        items = [doc, *doc.sections, *doc.references, *doc.definitions, *doc.tables,
                 *(row for table in doc.tables for row in table.rows), *(r.location for r in doc.references)]
        assert {type(item).__module__ for item in items} == {"specmesh_tasks.model.spec"}
        assert not [item for item in items if type(item).__name__.startswith("_Fast")]


@pytest.mark.parametrize("content", [b"", b"garbage", b"\x80\x04K\x01."])
def test_corrupt_cache_is_ignored(spec_tree: Tree, content: bytes) -> None:
    root = _standard(spec_tree)
    fresh = load_repo(root, cache=False)
    _plant(root, content)
    assert load_repo(root) == fresh
    assert load_repo(root) == fresh  # and the rewritten cache is good


def test_cache_from_another_schema_is_ignored(spec_tree: Tree, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _standard(spec_tree)
    load_repo(root)
    counter = _Counter(monkeypatch)
    monkeypatch.setattr(parse_cache, "PARSE_CACHE_SCHEMA", parse_cache.PARSE_CACHE_SCHEMA + 1)
    load_repo(root)
    assert len(counter.paths) == 8


class _Planted:
    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (os.system, ("touch planted",))


def test_planted_cache_cannot_run_code(spec_tree: Tree, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _standard(spec_tree)
    monkeypatch.chdir(root)
    _plant(root, pickle.dumps({"key": parse_cache.cache_key(), "entries": _Planted()}))
    repo = load_repo(root)
    assert not (root / "planted").exists() and len(repo.specs) == 8


def test_cache_false_writes_nothing(spec_tree: Tree) -> None:
    root = _standard(spec_tree)
    load_repo(root, cache=False)
    assert not (root / ".specify" / ".cache" / "parse").exists()


# ---------------------------------------------------------------- test tags


def test_test_tags_are_read_from_the_configured_test_files(spec_tree: Tree) -> None:
    root = spec_tree(
        {
            ".specify/specs/features/a/spec.md": FEATURE_B,
            "tests/test_members.py": """
            import pytest

            @pytest.mark.spec("UC-MEMBER-001")
            def test_register():
                pass
        """,
            "tests/helpers.py": "# @uc UC-MEMBER-001 (not a test file)\n",
            "tests/test_bad.py": b"# @fr FR-MEMBER-001\n\xff\n",
        }
    )
    repo = load_repo(root)
    got = sorted((t.id, t.location.file, t.test) for t in repo.test_tags)
    assert got == [
        ("FR-MEMBER-001", "tests/test_bad.py", None),
        ("UC-MEMBER-001", "tests/test_members.py", "test_register"),
    ]
    assert [(p.code, p.location.file, p.location.line) for p in repo.problems] == [
        ("SM206", "tests/test_bad.py", 2)
    ]


def test_test_tags_can_be_skipped(spec_tree: Tree) -> None:
    root = spec_tree(
        {
            ".specify/specs/features/a/spec.md": FEATURE_B,
            "tests/test_members.py": "# @uc UC-MEMBER-001\ndef test_x():\n    pass\n",
        }
    )
    assert load_repo(root).test_tags != ()
    assert load_repo(root, test_tags=False).test_tags == ()


def test_xdist_workers_only_read_the_cache(spec_tree: Tree, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _standard(spec_tree)
    monkeypatch.setenv("PYTEST_XDIST_WORKER", "gw0")
    load_repo(root)
    assert not any(shard.exists() for shard in _shards(root))


def test_a_long_lived_process_reuses_the_cache_it_holds(
    spec_tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _standard(spec_tree)
    first = load_repo(root)

    class Refuse:
        def __init__(self, *_args: object) -> None:
            raise AssertionError("unpickled although the cache file did not change")

    monkeypatch.setattr(parse_cache, "_ModelUnpickler", Refuse)
    counter = _Counter(monkeypatch)
    assert load_repo(root) == first and counter.paths == []
    for shard in _shards(root):
        if shard.exists():
            shard.write_bytes(b"rewritten by another process")
    assert load_repo(root) == first and len(counter.paths) == 8  # re-read (and rejected): reparsed


def test_one_edit_reparses_one_file_and_rewrites_only_its_shard(
    spec_tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _standard(spec_tree)
    load_repo(root)
    before = {p: p.stat().st_mtime_ns for p in _shards(root) if p.exists()}
    assert len(before) > 1  # the tree is spread over several shards
    rel = ".specify/specs/features/smember001-members/spec.md"
    spec = root / rel
    spec.write_text(spec.read_text(encoding="utf-8").replace("Register", "Sign up"), encoding="utf-8")
    counter = _Counter(monkeypatch)
    dumped: list[int] = []
    real_dumps = parse_cache._dumps

    def counting(payload: dict[str, dict[str, object]]) -> bytes:
        dumped.append(len(payload["entries"]))
        return real_dumps(payload)

    monkeypatch.setattr(parse_cache, "_dumps", counting)
    load_repo(root)
    own = parse_cache.shard_path(_cache_base(root), parse_cache.shard_of(rel))
    after = {p: p.stat().st_mtime_ns for p in _shards(root) if p.exists()}
    assert counter.paths == [rel]
    assert [p for p in after if after[p] != before.get(p)] == [own]
    assert len(dumped) == 1 and dumped[0] < 8  # only that shard's entries were pickled again


def test_one_corrupt_shard_costs_only_its_own_entries(
    spec_tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _standard(spec_tree)
    first = load_repo(root)
    monkeypatch.setattr(parse_cache, "_IN_MEMORY", {})
    rel = ".specify/specs/features/smember001-members/spec.md"
    own = parse_cache.shard_path(_cache_base(root), parse_cache.shard_of(rel))
    lost = sorted(r for r in _cached_entries(root) if parse_cache.shard_of(r) == parse_cache.shard_of(rel))
    own.write_bytes(b"\x80\x04garbage")
    counter = _Counter(monkeypatch)
    assert load_repo(root) == first
    assert sorted(counter.paths) == lost and len(lost) < 8
    counter.paths.clear()
    monkeypatch.setattr(parse_cache, "_IN_MEMORY", {})
    assert load_repo(root) == first and counter.paths == []  # the shard was rewritten, good again


def test_the_matrix_is_cached_and_reread_when_it_changes(
    spec_tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    from specmesh_tasks import load as load_module

    root = _standard(spec_tree)
    first = load_repo(root)
    parsed: list[str] = []
    real = load_module.parse_matrix

    def counting(text: str, rel: str):  # type: ignore[no-untyped-def]
        parsed.append(rel)
        return real(text, rel)

    monkeypatch.setattr(load_module, "parse_matrix", counting)
    monkeypatch.setattr(parse_cache, "_IN_MEMORY", {})
    assert load_repo(root).matrix == first.matrix and parsed == []
    path = root / ".specify/specs/overview/matrix/cross-reference.json"
    path.write_text('{"screens": {}}\n', encoding="utf-8")
    changed = load_repo(root).matrix
    assert parsed == [".specify/specs/overview/matrix/cross-reference.json"]
    assert changed is not None and changed.data == {"screens": {}}


def test_definitions_can_be_left_out(spec_tree: Tree) -> None:
    root = _standard(spec_tree)
    full = load_repo(root)
    bare = load_repo(root, definitions=False)
    assert full.definitions and bare.definitions == {} and bare.specs == full.specs


def test_an_edit_hidden_behind_an_old_mtime_and_the_same_size_is_seen(
    spec_tree: Tree, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `touch -r`, `cp -p` and `rsync -t` restore an mtime; the stamp's ctime and inode still differ.
    from specmesh_tasks import freshness

    monkeypatch.setattr(freshness, "now_ns", lambda: time.time_ns() + 60 * 10**9)  # every stamp settled
    root = _standard(spec_tree)
    load_repo(root)
    rel = ".specify/specs/features/smember001-members/spec.md"
    spec = root / rel
    before = spec.stat()
    spec.write_bytes(spec.read_bytes().replace(b"Register", b"Sign-up!"))
    os.utime(spec, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (spec.stat().st_size, spec.stat().st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    counter = _Counter(monkeypatch)
    repo = load_repo(root)
    assert counter.paths == [rel]
    assert repo.spec_by_id("S-MEMBER-001").use_cases[0].title == "Sign-up!"  # type: ignore[union-attr]


def test_a_file_read_while_it_may_still_change_is_read_again(spec_tree: Tree, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _standard(spec_tree)  # just written: inside the racy window, its stamp is not trusted
    load_repo(root)
    reads: list[str] = []
    from specmesh_tasks import load as load_module

    real = load_module.read_source

    def counting(path: Path, rel: str, **kwargs: object):  # type: ignore[no-untyped-def]
        reads.append(rel)
        return real(path, rel, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(load_module, "read_source", counting)
    counter = _Counter(monkeypatch)
    load_repo(root)
    assert len([r for r in reads if r.endswith(".md")]) == 8 and counter.paths == []  # the digest spares the parse


@pytest.mark.parametrize("rows", [
    {"x.md": ("not", "a", "row", "at all")},
    {"x.md": ((1, 2, 3), "key", None)},
    ["not", "a", "dict"],
])
def test_a_wrong_shaped_shard_is_ignored_and_rewritten(spec_tree: Tree, rows: object) -> None:
    root = _standard(spec_tree)
    fresh = load_repo(root, cache=False)
    _plant(root, pickle.dumps({"key": parse_cache.cache_key(), "entries": rows}))
    assert load_repo(root) == fresh
    for shard in _shards(root):  # every shard rewritten (or removed when it holds no entry)
        assert not shard.exists() or _cached_entries_of(shard)


def _cached_entries_of(shard: Path) -> dict[str, object]:
    entries = pickle.loads(shard.read_bytes())["entries"]
    assert isinstance(entries, dict) and all(type(row) is tuple and len(row) == 3 for row in entries.values())
    return entries
