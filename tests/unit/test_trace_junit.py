"""JUnit XML results for `specmesh trace --results` (`trace/junit.py`)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from specmesh_tasks.affected.results import LastResult
from specmesh_tasks.errors import UserError
from specmesh_tasks.trace.junit import expand, read_junit

TEST_FILES = ["tests/test_loans.py", "tests/sub/test_fees.py", "web/cart.test.ts"]
SHARD_1 = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" timestamp="2026-03-01T10:00:00.123456+01:00">
<testcase classname="tests.test_loans" name="test_borrow" time="0.01"/>
<testcase classname="tests.test_loans.TestDesk" name="test_return[late]" time="0.01"><failure message="x"/></testcase>
<testcase classname="tests.sub.test_fees" name="test_fee" time="0.01"><skipped message="later"/></testcase>
</testsuite></testsuites>
"""
SHARD_2 = """<testsuite name="vitest" timestamp="2026-03-01T09:30:00Z">
<testcase classname="web/cart.test.ts" name="adds an item"/>
<testcase classname="tests.test_loans" name="test_borrow"><error message="boom"/></testcase>
<testcase file="other/test_x.py" classname="other.test_x.TestX" name="test_y"/>
</testsuite>
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_cases_become_node_ids_with_outcome_and_utc_time_and_overlaps_keep_the_worst(tmp_path: Path) -> None:
    files = [write(tmp_path, "junit-1.xml", SHARD_1), write(tmp_path, "junit-2.xml", SHARD_2)]
    assert read_junit(files, TEST_FILES) == {
        "tests/test_loans.py::test_borrow": LastResult("error", "2026-03-01T09:30:00Z"),
        "tests/test_loans.py::TestDesk::test_return[late]": LastResult("failed", "2026-03-01T09:00:00Z"),
        "tests/sub/test_fees.py::test_fee": LastResult("skipped", "2026-03-01T09:00:00Z"),
        "web/cart.test.ts::adds an item": LastResult("passed", "2026-03-01T09:30:00Z"),
        "other/test_x.py::TestX::test_y": LastResult("passed", "2026-03-01T09:30:00Z"),
    }


def test_globs_expand_and_missing_or_broken_files_are_one_line(tmp_path: Path) -> None:
    write(tmp_path, "junit-1.xml", SHARD_1)
    write(tmp_path, "junit-2.xml", SHARD_2)
    assert [p.name for p in expand([str(tmp_path / "junit-*.xml")])] == ["junit-1.xml", "junit-2.xml"]
    with pytest.raises(UserError, match=r"^error: --results .*nothing-\*\.xml: no file matches$"):
        expand([str(tmp_path / "nothing-*.xml")])
    with pytest.raises(UserError, match=r"^error: --results .*: not a readable JUnit XML file"):
        read_junit([write(tmp_path, "broken.xml", "<testsuite>")], TEST_FILES)
    with pytest.raises(UserError, match=r"not a JUnit XML file \(its root is <html>\)"):
        read_junit([write(tmp_path, "page.xml", "<html/>")], TEST_FILES)


def test_a_time_without_a_zone_is_this_machines_local_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    try:
        path = write(tmp_path, "j.xml", '<testsuite timestamp="2026-03-01T09:00:00"><testcase classname="tests.'
                                        'test_loans" name="t"/></testsuite>')
        assert read_junit([path], TEST_FILES)["tests/test_loans.py::t"].at == "2026-03-01T00:00:00Z"
    finally:
        monkeypatch.undo()
        time.tzset()
    assert os.environ.get("TZ") != "Asia/Tokyo"
