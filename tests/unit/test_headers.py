"""The header scan (`headers.py`): each spec's kind, Spec ID, status and title, read by the one
header grammar and kept by file stamp in `.specify/.cache/headers.json`."""

from __future__ import annotations

import os
from typing import Any

import pytest
from spec_texts import FEATURE

from specmesh_tasks import discover, headers
from specmesh_tasks.headers import scan_specs
from specmesh_tasks.model.spec import SpecKind

LISTED = {
    ".specify/specs/features/a/spec.md": FEATURE,
    ".specify/specs/features/a/plan.md": "# Plan\n",
    ".specify/specs/features/b/spec.md": "# Feature Spec: B\n\nSpec Type: Fix\nSpec ID: F-B-001\n",
    ".specify/specs/overview/domain/spec.md": "# Domain Spec: X\n\nSpec Type: Domain\n",
}


def test_scan_specs_reads_kind_id_status_and_caches(spec_tree) -> None:  # type: ignore[no-untyped-def]
    root = spec_tree({
        ".specify/specs/features/sloan001-book-lending/spec.md": FEATURE,
        ".specify/specs/overview/domain/spec.md": "# Domain Spec: X\n\nSpec Type: Domain\nSpec ID: S-DOMAIN-001\n",
        ".specify/specs/features/sloan001-book-lending/test-scenarios.md": "# T\n\nSpec ID: TS-LOAN-001\n",
        ".specify/specs/features/x/plan.md": "# not a spec\n",
    })
    entries = {e.rel: e for e in scan_specs(root)}
    feature = entries[".specify/specs/features/sloan001-book-lending/spec.md"]
    assert (feature.kind, feature.spec_id, feature.status) == (SpecKind.FEATURE, "S-LOAN-001", "Approved")
    assert entries[".specify/specs/overview/domain/spec.md"].kind is SpecKind.DOMAIN
    assert entries[".specify/specs/features/sloan001-book-lending/test-scenarios.md"].kind is SpecKind.TEST_SCENARIO
    assert not any(rel.endswith("plan.md") for rel in entries)
    assert (root / ".specify" / ".cache" / "headers.json").is_file()
    # A changed file is re-read (stat changed); the cached answer must not be served.
    path = feature.path
    path.write_text(FEATURE.replace("Status: Approved", "Status: Draft"), encoding="utf-8")
    os.utime(path, ns=(1, 1))
    again = {e.rel: e for e in scan_specs(root)}
    assert again[feature.rel].status == "Draft"


def test_just_written_directories_and_specs_are_read_again(
        spec_tree: Any, count_scandir: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    root = spec_tree(LISTED)  # written just now: within the racy window
    scan_specs(root)
    discover.clear_cache()
    reads = count_scandir()
    opened: list[str] = []
    real_read = headers._read_head
    monkeypatch.setattr(headers, "_read_head", lambda path: opened.append(path) or real_read(path))
    scan_specs(root)
    assert reads and len(opened) == 3  # not trusted yet: the same mtime tick could hide a change


@pytest.mark.parametrize("tool", ["touch -r", "cp -p"])
def test_an_edit_that_keeps_size_and_mtime_is_seen_by_the_header_scan(
        spec_tree: Any, settled_clock: None, tool: str) -> None:
    import subprocess
    import time

    root = spec_tree(LISTED)
    spec = root / ".specify/specs/features/a/spec.md"
    assert {e.rel: e.status for e in scan_specs(root)}[".specify/specs/features/a/spec.md"] == "Approved"
    edited = root / "edited.md"
    edited.write_text(FEATURE.replace("Status: Approved", "Status: Rejected"), encoding="utf-8")
    time.sleep(0.01)  # ctime ticks with a coarse clock: the edit must land in a later tick
    if tool == "touch -r":
        reference = root / "reference"
        reference.write_text("", encoding="utf-8")
        os.utime(reference, ns=(spec.stat().st_atime_ns, spec.stat().st_mtime_ns))
        spec.write_bytes(edited.read_bytes())
        subprocess.run(["touch", "-r", str(reference), str(spec)], check=True)
    else:
        os.utime(edited, ns=(spec.stat().st_atime_ns, spec.stat().st_mtime_ns))
        subprocess.run(["cp", "-p", str(edited), str(spec)], check=True)
    discover.clear_cache()
    assert {e.rel: e.status for e in scan_specs(root)}[".specify/specs/features/a/spec.md"] == "Rejected"


def test_entries_hold_plain_strings_and_give_the_model_kind_on_demand(spec_tree: Any) -> None:
    root = spec_tree(LISTED)
    entry = next(e for e in scan_specs(root) if e.rel.endswith("features/b/spec.md"))
    assert entry.kind_value == "fix" and entry.kind is SpecKind.FIX
    assert entry.path == root / ".specify/specs/features/b/spec.md"
    assert entry.folder == str(entry.path.parent) and entry.name == "spec.md"
