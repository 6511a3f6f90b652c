"""`doit gates` / `specmesh gates`: every gate rule over the whole tree (PRODUCT §5).

    specmesh gates [--format text|json|junit|sarif|github] [--output FILE] [--strict]
                   [--select CODES] [--ignore CODES] [--baseline FILE] [--update-baseline FILE]

The task always runs (`uptodate: [False]`) and always reports; its own cache
(`.specify/.cache/gates.json`) makes a run where nothing changed a walk and some stats. Its
`file_dep` are the spec, matrix and config files only — never plan.md or tasks.md, which are other
tasks' targets (doit would regenerate every plan before checking). The report goes to stdout (or
`--output FILE`); notes go to stderr. Exit 1 (TaskFailed) when a checked file fails.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from doit import task_params
from doit.exceptions import TaskFailed

from specmesh_tasks.errors import UserError
from specmesh_tasks.tasks.common import as_doit_error, project_root, project_settings, spec_listing

FORMAT_NAMES = ("text", "json", "junit", "sarif", "github")

PARAMS: list[dict[str, Any]] = [
    {"name": "format", "long": "format", "type": str, "default": "text",
     "help": "report format: text, json, junit, sarif or github"},
    {"name": "output", "long": "output", "type": str, "default": "",
     "help": "write the report to FILE instead of stdout"},
    {"name": "strict", "long": "strict", "type": bool, "default": False,
     "help": "warnings fail too (as errors do)"},
    {"name": "select", "long": "select", "type": str, "default": "",
     "help": "run only these rules: codes, code prefixes (SM1) or names, comma-separated"},
    {"name": "ignore", "long": "ignore", "type": str, "default": "",
     "help": "do not run these rules: codes, code prefixes or names, comma-separated"},
    {"name": "baseline", "long": "baseline", "type": str, "default": "",
     "help": "report only findings not recorded in this baseline FILE"},
    {"name": "update_baseline", "long": "update-baseline", "type": str, "default": "",
     "help": "record today's findings in FILE (then report against it)"},
]


@task_params(PARAMS)  # type: ignore[untyped-decorator]  # doit ships no type hints
def task_gates(**options: Any) -> dict[str, Any]:
    """Check every gate rule over the spec tree (clarify, structure, matrix, plan/tasks, traceability)."""
    # Kept short: doit tokenizes every task creator's source on every run (to order them).
    return _declare(options)


def _declare(options: dict[str, Any]) -> dict[str, Any]:
    try:
        check_options(options)
    except UserError as exc:  # one line and exit 3 while loading, as for any bad option
        raise as_doit_error(exc) from None
    return {
        "actions": [(gates_action, [], {"opts": dict(options)})],
        "file_dep": gate_inputs(),
        "uptodate": [False],
        "verbosity": 2,
    }


def gate_inputs() -> list[str]:
    """The spec, matrix and config files (from this run's listing: no header is needed here)."""
    from specmesh_tasks.config import config_path
    from specmesh_tasks.discover import SPEC_FILE_NAMES, pick_matrix

    root = project_root()
    listing = spec_listing()
    files = listing.named(SPEC_FILE_NAMES)
    matrix = pick_matrix(root, listing)
    if matrix is not None:
        files.append(matrix)
    config = config_path(root)
    if config.is_file():
        files.append(str(config))
    return sorted(set(files))


def check_options(options: dict[str, Any]) -> None:
    """Reject bad option values (and unknown rules in the config) before anything runs."""
    fmt = str(options.get("format") or "text")
    if fmt not in FORMAT_NAMES:
        raise UserError(f"error: --format {fmt}: choose one of {', '.join(FORMAT_NAMES)}")
    select, ignore = str(options.get("select") or ""), str(options.get("ignore") or "")
    settings = project_settings()
    if select or ignore or settings.gates.rules:
        from specmesh_tasks.gates.selection import configured, validate_selectors

        validate_selectors([select], [ignore])
        configured(settings)
    if options.get("baseline") and not options.get("update_baseline"):
        from specmesh_tasks.gates.baseline import load_baseline

        load_baseline(_user_path(str(options["baseline"])))


def _user_path(value: str) -> Path:
    return Path(value).expanduser()


def gates_action(opts: dict[str, Any]) -> TaskFailed | None:
    """Run the gates, write the report, fail when a checked file fails. (A spec deleted while this
    runs is no error: see `doitdb.MD5Checker`.)"""
    from specmesh_tasks.fsutil import write_if_changed
    from specmesh_tasks.gates.run import run_gates
    from specmesh_tasks.report import render

    root, settings = project_root(), project_settings()
    result = run_gates(root, settings, select=_tokens(opts.get("select")), ignore=_tokens(opts.get("ignore")),
                       spec_listing=spec_listing())  # taken while declaring the task: not walked again
    report = _report(result, opts, settings.gates.strict)
    text = render(report, str(opts.get("format") or "text"))
    if opts.get("output"):
        target = _user_path(str(opts["output"]))
        write_if_changed(target, text)
        _note(f"gates: report written to {target}")
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    if report.baselined:
        _note(f"gates: {report.baselined} known finding(s) hidden by the baseline")
    if opts.get("format") not in (None, "", "text") or opts.get("output"):
        _note(f"gates: {report.summary.passed} passed, {report.summary.failed} failed")
    if not report.ok:
        return TaskFailed(f"gates: {report.summary.failed} of {report.summary.specs} checked files failed")
    return None


def _report(result: Any, opts: dict[str, Any], strict_config: bool) -> Any:
    from specmesh_tasks.fsutil import write_if_changed
    from specmesh_tasks.gates.baseline import apply_baseline, load_baseline, render_baseline
    from specmesh_tasks.report.model import build_report

    strict = bool(opts.get("strict")) or strict_config
    findings, covered = result.findings, 0
    if opts.get("update_baseline"):
        path = _user_path(str(opts["update_baseline"]))
        write_if_changed(path, render_baseline(findings))
        recorded = sum(1 for f in findings if not f.suppressed)
        _note(f"gates: baseline of {recorded} finding(s) written to {path}")
        findings, covered = apply_baseline(findings, load_baseline(path))
    elif opts.get("baseline"):
        findings, covered = apply_baseline(findings, load_baseline(_user_path(str(opts["baseline"]))))
    return build_report(result, strict=strict, findings=tuple(findings), baselined=covered)


def _tokens(value: Any) -> tuple[str, ...]:
    return tuple(t.strip() for t in str(value or "").split(",") if t.strip())


def _note(text: str) -> None:
    print(text, file=sys.stderr)
