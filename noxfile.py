"""nox sessions: the project's own checks, plus CI stages users can copy."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import nox

nox.options.sessions = ["tests", "lint", "typecheck"]
nox.options.default_venv_backend = "venv"
PYTHONS = ["3.10", "3.11", "3.12", "3.13"]  # every supported Python, oldest first


def find_pyenv_interpreters(versions: list[str]) -> None:
    """Make `python3.X` of every installed pyenv version findable by nox.

    pyenv's shims answer only for the versions selected with `pyenv global` or `pyenv local`,
    so nox would call the others missing. Links named `python3.X` to the real interpreters, in a
    directory put first on PATH, make each findable by its name without changing `python3`.
    """
    installed = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv") / "versions"
    links = Path(__file__).resolve().parent / ".nox" / "interpreters"
    for version in versions:
        found = sorted(installed.glob(f"{version}.*/bin/python{version}"), key=_release)
        if not found:
            continue
        links.mkdir(parents=True, exist_ok=True)
        link = links / f"python{version}"
        if not link.is_symlink() or link.readlink() != found[-1]:
            link.unlink(missing_ok=True)
            link.symlink_to(found[-1])
    if links.is_dir():
        os.environ["PATH"] = f"{links}{os.pathsep}{os.environ.get('PATH', '')}"


def _release(interpreter: Path) -> list[int]:
    """`.../versions/3.10.13/bin/python3.10` -> [3, 10, 13] (so 3.10.13 sorts after 3.10.9)."""
    return [int(part) if part.isdigit() else -1 for part in interpreter.parts[-3].split(".")]


find_pyenv_interpreters(PYTHONS)
# A missing interpreter is skipped on a workstation and fails the run in CI (nox's own default,
# said here so that nobody turns it off by accident).
nox.options.error_on_missing_interpreters = "CI" in os.environ


@nox.session
def tests(session: nox.Session) -> None:
    """The whole test suite (the README's test command)."""
    session.install("-e", ".[test]")
    session.run("pytest", "-n", "auto", *session.posargs)


@nox.session(python=PYTHONS)
def tests_all_pythons(session: nox.Session) -> None:
    """The suite on every supported Python (a missing one: skipped here, a failure in CI)."""
    session.install("-e", ".[test]")
    session.run("pytest", "-q", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff over the package, tests, benchmarks and the top-level files."""
    session.install("ruff")
    session.run("ruff", "check", "specmesh_tasks", "tests", "bench", "dodo.py", "noxfile.py")


@nox.session
def typecheck(session: nox.Session) -> None:
    """mypy (strict) over the package and the benchmarks (which import its internals)."""
    session.install("-e", ".", "mypy", "types-PyYAML")
    session.run("mypy", "specmesh_tasks")
    session.run("mypy", "bench")


@nox.session
def mutation(session: nox.Session) -> None:
    """The mutation harness of the affected-tests selection on real libraries (bench/mutation.py).

    Slow (tens of minutes) and not part of the default sessions; pytest-testmon (the yardstick)
    and the libraries' own test dependencies are installed here only."""
    session.install("-e", ".", "pytest-testmon", "freezegun")
    session.run("python", "bench/mutation.py", *session.posargs)


# ----------------------------------------------------------------------------- CI stages
# Sessions a user can copy into their own noxfile. They run on this repository's example project;
# in your repository drop `--root`. Reports land in reports/.
#
# They reuse their virtualenv from one run to the next (a rebuild costs far more than the check
# itself), and skip pip when pyproject.toml did not change since the last install: the editable
# install already sees every code change. `nox --reuse-venv=never -s gates` rebuilds from scratch.
EXAMPLE = "examples/library"


def install_project(session: nox.Session) -> None:
    """`pip install -e .`, unless this virtualenv already holds the install of this pyproject.toml."""
    import hashlib

    wanted = hashlib.sha256(Path("pyproject.toml").read_bytes()).hexdigest()
    record = Path(session.virtualenv.location) / "specmesh-installed-pyproject.sha256"
    if record.is_file() and record.read_text(encoding="utf-8") == wanted:
        return
    session.install("-e", ".")
    record.write_text(wanted, encoding="utf-8")


@nox.session(reuse_venv=True)
def gates(session: nox.Session) -> None:
    """Gate the specs; SARIF for code scanning and JUnit for the test reporter. Fails on errors."""
    install_project(session)
    session.run("specmesh", "--root", EXAMPLE, "gates", "--format", "junit", "--output",
                "reports/gates.junit.xml", success_codes=[0, 1])
    session.run("specmesh", "--root", EXAMPLE, "gates", "--format", "sarif", "--output", "reports/gates.sarif")


@nox.session(reuse_venv=True)
def drift(session: nox.Session) -> None:
    """Fail when a plan.md or tasks.md is not what the specs produce now (like `black --check`)."""
    install_project(session)
    session.run("specmesh", "--root", EXAMPLE, "plan", "--check")
    session.run("specmesh", "--root", EXAMPLE, "tasks", "--check")


def default_branch() -> str:
    """The remote's default branch (`origin/HEAD`, set by `git clone`), else `origin/main` or
    `origin/master` when one exists, else HEAD (the working tree's own changes)."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], capture_output=True, text=True, check=False)
        return done.stdout.strip() if done.returncode == 0 else ""

    head = git("symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD")
    if head:
        return head
    for branch in ("origin/main", "origin/master"):
        if git("rev-parse", "--verify", "--quiet", branch):
            return branch
    return "HEAD"


@nox.session(reuse_venv=True)
def affected(session: nox.Session) -> None:
    """Run the tests affected since BASE (default: the remote's default branch), with a JUnit report."""
    install_project(session)
    base = os.environ.get("BASE") or default_branch()
    session.run("specmesh", "--root", EXAMPLE, "test", "--since", base, "--junit", "reports/affected.junit.xml")


def _base(session: nox.Session) -> str:
    """BASE from the environment, else the remote's default branch, else HEAD~1 (the last commit)."""
    branch = default_branch()
    return os.environ.get("BASE") or (branch if branch != "HEAD" else "HEAD~1")


@nox.session(reuse_venv=True)
def trace(session: nox.Session) -> None:
    """The traceability matrix after a test run: reports/trace.md (for a job summary) and the HTML
    page reports/trace.html. Fails when a requirement's test fails."""
    install_project(session)
    session.run("specmesh", "--root", EXAMPLE, "test", success_codes=[0, 1])  # records every result
    session.run("specmesh", "--root", EXAMPLE, "trace", "--format", "html", "--output", "reports/trace.html")
    session.run("specmesh", "--root", EXAMPLE, "trace", "--format", "markdown", "--output", "reports/trace.md",
                "--fail-on", "failing")


@nox.session(reuse_venv=True)
def impact(session: nox.Session) -> None:
    """What the spec changes since BASE (default: the remote's default branch, else HEAD~1) touch:
    reports/impact.md, a pull request comment with the severity first."""
    install_project(session)
    session.run("specmesh", "--root", EXAMPLE, "impact", "--since", _base(session), "--format", "markdown",
                "--output", "reports/impact.md")
