"""nox sessions: the project's own checks, plus CI stages users can copy."""

from __future__ import annotations

import nox

nox.options.sessions = ["tests", "lint", "typecheck"]
nox.options.default_venv_backend = "venv"
PYTHONS = ["3.10", "3.11", "3.12", "3.13"]


@nox.session
def tests(session: nox.Session) -> None:
    """The whole test suite (the README's test command)."""
    session.install("-e", ".[test]")
    session.run("pytest", *session.posargs)


@nox.session(python=PYTHONS)
def tests_all_pythons(session: nox.Session) -> None:
    """The suite on every supported Python that is installed (skips missing interpreters)."""
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


# ----------------------------------------------------------------------------- CI stages
# Sessions a user can copy into their own noxfile. They run on this repository's example project;
# in your repository drop `--root`. Reports land in reports/.
EXAMPLE = "examples/library"


@nox.session
def gates(session: nox.Session) -> None:
    """Gate the specs; SARIF for code scanning and JUnit for the test reporter. Fails on errors."""
    session.install("-e", ".")
    session.run("specmesh", "--root", EXAMPLE, "gates", "--format", "junit", "--output",
                "reports/gates.junit.xml", success_codes=[0, 1])
    session.run("specmesh", "--root", EXAMPLE, "gates", "--format", "sarif", "--output", "reports/gates.sarif")


@nox.session
def drift(session: nox.Session) -> None:
    """Fail when a plan.md or tasks.md is not what the specs produce now (like `black --check`)."""
    session.install("-e", ".")
    session.run("specmesh", "--root", EXAMPLE, "plan", "--check")
    session.run("specmesh", "--root", EXAMPLE, "tasks", "--check")


@nox.session
def affected(session: nox.Session) -> None:
    """Run the tests affected since BASE (default origin/main, else HEAD), with a JUnit report."""
    import os
    import subprocess

    session.install("-e", ".")
    base = os.environ.get("BASE")
    if not base:
        known = subprocess.run(["git", "rev-parse", "--verify", "--quiet", "origin/main"],
                               capture_output=True, check=False).returncode == 0
        base = "origin/main" if known else "HEAD"
    session.run("specmesh", "--root", EXAMPLE, "test", "--since", base, "--junit", "reports/affected.junit.xml")


def _base(session: nox.Session) -> str:
    """BASE from the environment, else origin/main when git knows it, else HEAD~1."""
    import os
    import subprocess

    known = subprocess.run(["git", "rev-parse", "--verify", "--quiet", "origin/main"],
                           capture_output=True, check=False).returncode == 0
    return os.environ.get("BASE") or ("origin/main" if known else "HEAD~1")


@nox.session
def trace(session: nox.Session) -> None:
    """The traceability matrix after a test run: reports/trace.md (for a job summary) and the HTML
    page reports/trace.html. Fails when a requirement's test fails."""
    session.install("-e", ".")
    session.run("specmesh", "--root", EXAMPLE, "test", success_codes=[0, 1])  # records every result
    session.run("specmesh", "--root", EXAMPLE, "trace", "--format", "html", "--output", "reports/trace.html")
    session.run("specmesh", "--root", EXAMPLE, "trace", "--format", "markdown", "--output", "reports/trace.md",
                "--fail-on", "failing")


@nox.session
def impact(session: nox.Session) -> None:
    """What the spec changes since BASE (default origin/main, else HEAD~1) touch: reports/impact.md,
    a pull request comment with the severity first."""
    session.install("-e", ".")
    session.run("specmesh", "--root", EXAMPLE, "impact", "--since", _base(session), "--format", "markdown",
                "--output", "reports/impact.md")
