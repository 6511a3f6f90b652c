"""The `gates` command's options and its report: what `doit gates` / `specmesh gates` run.

    specmesh gates [--format text|json|junit|sarif|github] [--output FILE] [--strict]
                   [--select CODES] [--ignore CODES] [--baseline FILE] [--update-baseline FILE]

`check_options` refuses a bad value before anything runs (UserError: one line, exit 3);
`write_report` runs the gates, applies the baseline and writes the report to stdout (or
`--output FILE`), notes to stderr.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from specmesh_tasks.errors import UserError

if TYPE_CHECKING:
    from specmesh_tasks.config import Settings
    from specmesh_tasks.discover import Listing
    from specmesh_tasks.report.model import GateReport

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


def check_options(options: dict[str, Any], settings: Settings) -> None:
    """Reject bad option values (and unknown rules in the config) before anything runs."""
    fmt = str(options.get("format") or "text")
    if fmt not in FORMAT_NAMES:
        raise UserError(f"error: --format {fmt}: choose one of {', '.join(FORMAT_NAMES)}")
    select, ignore = str(options.get("select") or ""), str(options.get("ignore") or "")
    if select or ignore or settings.gates.rules:
        from specmesh_tasks.gates.selection import configured, validate_selectors

        validate_selectors([select], [ignore])
        configured(settings)
    if options.get("baseline") and not options.get("update_baseline"):
        from specmesh_tasks.gates.baseline import load_baseline

        load_baseline(_user_path(str(options["baseline"])))


def write_report(root: Path, settings: Settings, opts: dict[str, Any], listing: Listing | None) -> GateReport:
    """Run the gates (over `listing`, when the caller took it already) and write the report."""
    from specmesh_tasks.fsutil import write_if_changed
    from specmesh_tasks.gates.run import run_gates
    from specmesh_tasks.report import render

    result = run_gates(root, settings, select=_tokens(opts.get("select")), ignore=_tokens(opts.get("ignore")),
                       spec_listing=listing)
    report = _with_baseline(result, opts, settings.gates.strict)
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
    return report


def _with_baseline(result: Any, opts: dict[str, Any], strict_config: bool) -> GateReport:
    from specmesh_tasks.fsutil import write_if_changed
    from specmesh_tasks.gates.baseline import apply_baseline, load_baseline, render_baseline
    from specmesh_tasks.report.model import build_report, root_in_repository

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
    return build_report(result, strict=strict, findings=tuple(findings), baselined=covered,
                        in_repository=root_in_repository(result.root))


def _user_path(value: str) -> Path:
    return Path(value).expanduser()


def _tokens(value: Any) -> tuple[str, ...]:
    return tuple(t.strip() for t in str(value or "").split(",") if t.strip())


def _note(text: str) -> None:
    print(text, file=sys.stderr)
