"""With the spec root inside a git repository (`specmesh --root DIR`, a monorepo), every report
format names files from the repository root, where GitHub and editors look for them."""

from __future__ import annotations

import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from specmesh_tasks.report.model import root_in_repository

SPEC = ".specify/specs/features/sloan001-book-lending/spec.md"


@pytest.fixture
def monorepo(tmp_path: Path, example_copy: Path) -> Path:
    """A git repository whose specs live in `services/library`, with one failing finding."""
    top = tmp_path / "mono"
    shutil.copytree(example_copy, top / "services" / "library")
    subprocess.run(["git", "init", "-q", str(top)], check=True)
    spec = top / "services" / "library" / SPEC
    spec.write_text(spec.read_text(encoding="utf-8") + "\n[NEEDS CLARIFICATION: who may borrow?]\n", encoding="utf-8")
    return top


def gates(run_specmesh, top: Path, fmt: str) -> str:  # type: ignore[no-untyped-def]
    done = run_specmesh("--root", "services/library", "gates", "--format", fmt, cwd=top)
    assert done.returncode == 1, done.stderr
    return str(done.stdout)


def test_every_format_names_files_from_the_repository_root(run_specmesh, monorepo: Path) -> None:  # type: ignore[no-untyped-def]
    wanted = f"services/library/{SPEC}"
    text = gates(run_specmesh, monorepo, "text")
    assert f"\n{wanted}:" in "\n" + text and "\n.specify/" not in "\n" + text

    github = gates(run_specmesh, monorepo, "github")
    assert f"::error file={wanted},line=" in github

    junit = ET.fromstring(gates(run_specmesh, monorepo, "junit"))
    classnames = {case.get("classname") for case in junit.iter("testcase")}
    assert wanted in classnames and not any(str(c).startswith(".specify/") for c in classnames)

    sarif = json.loads(gates(run_specmesh, monorepo, "sarif"))
    run = sarif["runs"][0]
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    assert wanted in uris and not any(u.startswith(".specify/") for u in uris)
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == monorepo.resolve().as_uri() + "/"
    assert run["tool"]["driver"]["informationUri"].endswith("/docs/rules.md")

    report = json.loads(gates(run_specmesh, monorepo, "json"))  # the contract's root-relative `file`
    assert report["root_in_repository"] == "services/library"
    files = {f["file"] for f in report["findings"]}
    assert SPEC in files
    assert all((monorepo / report["root_in_repository"] / f).exists() for f in files if f)


def test_outside_a_repository_paths_stay_relative_to_the_root(run_specmesh, example_copy: Path) -> None:  # type: ignore[no-untyped-def]
    if root_in_repository(str(example_copy)) is not None:
        pytest.skip("the temporary directory is inside a git repository here")
    spec = example_copy / SPEC
    spec.write_text(spec.read_text(encoding="utf-8") + "\n[NEEDS CLARIFICATION: who may borrow?]\n", encoding="utf-8")
    github = run_specmesh("gates", "--format", "github", cwd=example_copy).stdout
    assert f"::error file={SPEC},line=" in github
    report = json.loads(run_specmesh("gates", "--format", "json", cwd=example_copy).stdout)
    assert report["root_in_repository"] is None


def test_the_repository_is_found_from_a_git_directory_or_a_worktree_file(tmp_path: Path) -> None:
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / "a" / "b").mkdir(parents=True)
    assert root_in_repository(str(tmp_path / "repo" / "a" / "b")) == "a/b"
    assert root_in_repository(str(tmp_path / "repo")) == ""
    (tmp_path / "worktree" / ".hidden").mkdir(parents=True)
    (tmp_path / "worktree" / ".git").write_text("gitdir: /elsewhere\n")  # a worktree or submodule
    assert root_in_repository(str(tmp_path / "worktree" / ".hidden")) == ".hidden"
