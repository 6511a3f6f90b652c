"""parse_matrix: raw JSON kept, extra keys accepted, bad JSON a problem at its line."""

from __future__ import annotations

from pathlib import Path

from specmesh_tasks.fsutil import normalized_digest
from specmesh_tasks.model.ids import IdKind
from specmesh_tasks.parse.matrix import parse_matrix

RESOURCES = Path(__file__).resolve().parents[1] / "resources" / "specs"


def test_matrix_with_extra_keys_and_empty_features() -> None:
    text = (RESOURCES / "matrix.json").read_text(encoding="utf-8")
    doc = parse_matrix(text, "m.json")
    assert doc.problems == ()
    assert isinstance(doc.data, dict)
    assert doc.data["features"] == {} and doc.data["version"] == "1.2" and "permissions" not in doc.data
    assert doc.digest == normalized_digest(text)


def test_matrix_ids_are_references_with_lines() -> None:
    doc = parse_matrix((RESOURCES / "matrix.json").read_text(encoding="utf-8"), "m.json")
    got = [(r.id, r.kind, r.location.line) for r in doc.references]
    assert ("SCR-001", IdKind.SCREEN, 7) in got
    assert ("API-AUTH-LOGIN", IdKind.API, 7) in got
    assert ("S-LOAN-001", IdKind.FEATURE, 8) in got
    assert ("M-BOOK", IdKind.MASTER, 11) in got
    assert all(r.location.file == "m.json" for r in doc.references)


def test_bad_json_is_a_problem_at_the_decoder_line() -> None:
    doc = parse_matrix((RESOURCES / "matrix-bad.json").read_text(encoding="utf-8"), "m.json")
    assert doc.data is None
    assert [(p.code, p.location.line) for p in doc.problems] == [("SM301", 3)]
    assert "invalid JSON" in doc.problems[0].message
    assert [r.id for r in doc.references] == ["SCR-001"]


def test_bom_crlf_and_empty_input() -> None:
    doc = parse_matrix('\ufeff{"screens": {},\r\n "features": {}}\r\n', "m.json")
    assert doc.problems == () and doc.data == {"screens": {}, "features": {}}
    empty = parse_matrix("", "m.json")
    assert empty.data is None and [p.location.line for p in empty.problems] == [1]


def test_absurd_nesting_is_a_problem_not_a_crash() -> None:
    doc = parse_matrix("[" * 100_000 + "]" * 100_000, "m.json")
    assert doc.data is None and [p.code for p in doc.problems] == ["SM301"]
