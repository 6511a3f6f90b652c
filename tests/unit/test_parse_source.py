"""read_source: BOM, line endings, bad bytes, huge files, symlinks out of the root, OS errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from specmesh_tasks.parse.source import MAX_BYTES, decode_bytes, read_source

RESOURCES = Path(__file__).resolve().parents[1] / "resources" / "specs"


def _write(root: Path, rel: str, data: bytes) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_crlf_and_bom_copies_read_exactly_like_the_lf_original() -> None:
    plain, _ = read_source(RESOURCES / "feature-loan.md", "feature-loan.md")
    crlf, crlf_problems = read_source(RESOURCES / "feature-loan-crlf.md", "feature-loan-crlf.md")
    bom, bom_problems = read_source(RESOURCES / "feature-loan-bom.md", "feature-loan-bom.md")
    assert plain is not None and "\r" not in plain
    assert crlf == plain and bom == plain
    assert crlf_problems == [] and bom_problems == []


def test_lone_cr_line_endings_become_lf() -> None:
    text, problems = decode_bytes(b"# T\rSpec ID: S-A-001\r", "x.md")
    assert text == "# T\nSpec ID: S-A-001\n" and problems == []


def test_non_utf8_bytes_are_replaced_and_reported_at_their_line() -> None:
    text, problems = read_source(RESOURCES / "latin1-feature.md", "latin1-feature.md")
    assert text is not None and "caf\ufffd in Latin-1" in text
    assert [(p.code, p.location.line) for p in problems] == [("SM206", 11)]
    assert problems[0].message == "not valid UTF-8 at line 11"


def test_non_utf8_line_counts_crlf_lines_once() -> None:
    _, problems = decode_bytes(b"a\r\nb\r\n\xff\r\n", "x.md")
    assert problems[0].location.line == 3


def test_utf16_with_bom_is_decoded_and_reported() -> None:
    text, problems = decode_bytes("# 見出し\r\nSpec ID: S-A-001\r\n".encode("utf-16"), "x.md")
    assert text == "# 見出し\nSpec ID: S-A-001\n"
    assert [p.code for p in problems] == ["SM206"]


def test_japanese_text_is_normal_input(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.md", "# 本の貸出\n「借りる」M-LOAN。\n".encode())
    assert read_source(path, "a.md") == ("# 本の貸出\n「借りる」M-LOAN。\n", [])


def test_empty_file_reads_as_empty_text(tmp_path: Path) -> None:
    path = _write(tmp_path, "empty.md", b"")
    assert read_source(path, "empty.md") == ("", [])


def test_file_over_10_mb_is_skipped_without_reading_it(tmp_path: Path) -> None:
    path = tmp_path / "huge.md"
    with open(path, "wb") as handle:
        handle.truncate(MAX_BYTES + 1)  # sparse: the size is what counts
    text, problems = read_source(path, "huge.md")
    assert text is None
    assert [(p.code, p.location.line) for p in problems] == [("SM207", 0)]
    assert "10 MB" in problems[0].message


def test_file_of_exactly_10_mb_is_read(tmp_path: Path) -> None:
    path = _write(tmp_path, "big.md", b"a" * MAX_BYTES)
    text, problems = read_source(path, "big.md")
    assert text is not None and len(text) == MAX_BYTES and problems == []


def test_symlink_leading_outside_the_root_is_refused(tmp_path: Path) -> None:
    outside = _write(tmp_path, "outside/secret.md", b"# secret\n")
    root = tmp_path / "repo"
    link = root / ".specify" / "specs" / "features" / "x" / "spec.md"
    link.parent.mkdir(parents=True)
    link.symlink_to(outside)
    text, problems = read_source(link, ".specify/specs/features/x/spec.md")
    assert text is None
    assert [p.code for p in problems] == ["SM208"]
    assert problems[0].location.file == ".specify/specs/features/x/spec.md"


def test_symlink_inside_the_root_is_followed(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    target = _write(root, "docs/real.md", b"# real\n")
    link = root / "specs" / "spec.md"
    link.parent.mkdir(parents=True)
    link.symlink_to(target)
    assert read_source(link, "specs/spec.md") == ("# real\n", [])


def test_explicit_root_overrides_the_derived_one(tmp_path: Path) -> None:
    path = _write(tmp_path, "a/b.md", b"x\n")
    text, problems = read_source(path, "b.md", root=tmp_path / "elsewhere")
    assert text is None and problems[0].code == "SM208"


def test_missing_file_is_a_problem_not_an_exception(tmp_path: Path) -> None:
    text, problems = read_source(tmp_path / "nope.md", "nope.md")
    assert text is None and [p.code for p in problems] == ["SM209"]


def test_directory_named_like_a_spec_is_a_problem(tmp_path: Path) -> None:
    (tmp_path / "spec.md").mkdir()
    text, problems = read_source(tmp_path / "spec.md", "spec.md")
    assert text is None and [p.code for p in problems] == ["SM209"]


def test_permission_error_is_a_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path, "locked.md", b"x")

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("specmesh_tasks.parse.source.read_regular", refuse)
    text, problems = read_source(path, "locked.md")
    assert text is None and [p.code for p in problems] == ["SM209"]
    assert "Permission denied" in problems[0].message


def test_symlink_loop_is_a_problem(tmp_path: Path) -> None:
    a, b = tmp_path / "a.md", tmp_path / "b.md"
    a.symlink_to(b)
    b.symlink_to(a)
    text, problems = read_source(a, "a.md")
    assert text is None and [p.code for p in problems] == ["SM209"]
