"""`specmesh trace` and `specmesh impact`: read the tree, build the report, write it, reduce it to an
exit code. They are commands of `specmesh` (its command line sends them here before doit loads:
they declare no task), and the doit tasks of the same names (`tasks/reports.py`, for a user's own
dodo; doit refuses a command and a task of one name) call `run_trace` / `run_impact` too. The
options are the tasks' parameters (`trace/options.py`), so both take the same command line.

    specmesh trace [--format text|json|markdown|html] [--output FILE] [--feature ID]...
                   [--results JUNIT...] [--fail-on untested|failing|suspect|not-run]
    specmesh impact [ID ...] [--since REF] [--format text|json|markdown] [--output FILE]
                    [--fail-on critical|high]

Exit codes: 0 the report was written (whatever it says); 1 `--fail-on` found what it was asked to
fail on; 3 a bad command line (an unknown option, format or ID, a REF git does not have), one line
and no traceback. A machine format without `--output` owns stdout; notes go to stderr.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any, NoReturn

from specmesh_tasks.errors import UserError
from specmesh_tasks.trace.options import (
    IMPACT_FAIL_ON,
    IMPACT_FORMATS,
    IMPACT_PARAMS,
    TRACE_FAIL_ON,
    TRACE_FORMATS,
    TRACE_PARAMS,
)


def main(argv: Sequence[str]) -> int:
    """`specmesh trace …` / `specmesh impact …` (argv starts with the command's name); the exit code."""
    from specmesh_tasks.discover import find_root
    from specmesh_tasks.state import run_lock

    name, args = argv[0], list(argv[1:])
    params = TRACE_PARAMS if name == "trace" else IMPACT_PARAMS
    _check_option_names(name, args, params)
    parsed = vars(_parser(name, params).parse_args(args))
    ids = parsed.pop("ids", [])
    check_options(name, parsed)
    root = find_root()
    with run_lock(root):
        return run_trace(root, parsed) if name == "trace" else run_impact(root, parsed, ids)


class _Parser(argparse.ArgumentParser):
    """argparse, with a bad command line as one line and exit 3 (as for every specmesh command)."""

    def error(self, message: str) -> NoReturn:
        raise UserError(f"error: {self.prog}: {message}")


def _parser(name: str, params: Sequence[dict[str, Any]]) -> argparse.ArgumentParser:
    """The command's parser, built from the doit task's parameters (one definition of the options)."""
    parser = _Parser(prog=f"specmesh {name}", description=_PURPOSE[name])
    if name == "impact":
        parser.add_argument("ids", nargs="*", metavar="ID",
                            help="IDs to analyse: a master, API, rule, screen, use case, FR or feature")
    for p in params:
        flag, dest = f"--{p['long']}", p["name"]
        if p["type"] is list:  # repeated (`--results a.xml --results b.xml`) or several at once
            parser.add_argument(flag, dest=dest, action="extend", nargs="+", default=[], help=p["help"])
        else:
            parser.add_argument(flag, dest=dest, default=p["default"], help=p["help"])
    return parser


_PURPOSE = {
    "trace": "The traceability matrix: each requirement with its plan, tasks, tests and one state "
             "(failing, suspect, not-run, covered, untested).",
    "impact": "What a change touches: the features, plans, tasks, tests and matrix entries of IDs, or of "
              "every spec definition changed since REF, with a severity (CRITICAL, HIGH, MEDIUM, LOW).",
}


def _check_option_names(name: str, args: Sequence[str], params: Sequence[dict[str, Any]]) -> None:
    """An unknown option is one line naming it, with a near miss (argparse would list usage)."""
    from specmesh_tasks.suggest import did_you_mean

    known = [f"--{p['long']}" for p in params] + ["--help", "-h"]
    for arg in args:
        if arg == "--":
            return
        word = arg.split("=", 1)[0]
        if word.startswith("-") and not any(k.startswith(word) for k in known):
            hint = did_you_mean(word, known, "") or f"; see `specmesh {name} --help`"
            raise UserError(f"error: unknown option {word} for {name}{hint}")


def check_options(name: str, opts: dict[str, Any]) -> None:
    """Reject bad option values before anything is read (UserError, exit 3)."""
    formats, fail_on = (TRACE_FORMATS, TRACE_FAIL_ON) if name == "trace" else (IMPACT_FORMATS, IMPACT_FAIL_ON)
    fmt = str(opts.get("format") or "text")
    if fmt not in formats:
        raise UserError(f"error: {name} --format {fmt}: choose one of {', '.join(formats)}")
    for value in _words(opts.get("fail_on")):
        if value not in fail_on:
            raise UserError(f"error: {name} --fail-on {value}: choose one of {', '.join(fail_on)}")


def _words(value: Any) -> list[str]:
    return [w.strip().lower() for w in str(value or "").split(",") if w.strip()]


def run_trace(root: Path, opts: dict[str, Any], out: IO[str] | None = None, err: IO[str] | None = None) -> int:
    """Build and write the traceability matrix; the exit code (1 when `--fail-on` matches)."""
    from specmesh_tasks.config import load_settings
    from specmesh_tasks.trace.compute import trace_report_data
    err = err or sys.stderr
    fmt, output = str(opts.get("format") or "text"), str(opts.get("output") or "")
    data = trace_report_data(root, load_settings(root), _version(), results=list(opts.get("results") or []),
                             features=list(opts.get("feature") or []))
    _write(_render_trace(data, fmt, output), output, "trace", out, err)
    summary = data["summary"]
    hits = {state: summary[state] for state in _words(opts.get("fail_on")) if summary.get(state)}
    if hits:
        listed = ", ".join(f"{n} {state}" for state, n in hits.items())
        print(f"trace: {listed} (--fail-on {opts.get('fail_on')})", file=err)
        return 1
    return 0


def _render_trace(data: dict[str, Any], fmt: str, output: str) -> str:
    """The report in `fmt`: JSON and HTML straight from the data, text and Markdown from objects."""
    if fmt == "json":
        from specmesh_tasks.trace.json_report import dumps

        return dumps(data)
    if fmt == "html":
        from specmesh_tasks.trace.html import format_trace

        return format_trace(data, _link_base(Path(data["root"]), output))
    from specmesh_tasks.trace.json_report import report_from_data

    text: str = _formatter(fmt).format_trace(report_from_data(data))
    return text


def _formatter(fmt: str) -> Any:
    import importlib

    return importlib.import_module({"text": "specmesh_tasks.trace.text", "json": "specmesh_tasks.trace.json_report",
                                    "markdown": "specmesh_tasks.trace.markdown"}[fmt])


def _link_base(root: Path, output: str) -> str:
    """The way from the page's folder to the root, for relative links (`../`, `` when the same)."""
    folder = Path(output).expanduser().resolve().parent if output else Path.cwd()
    way = os.path.relpath(root, folder).replace(os.sep, "/")
    return "" if way == "." else way + "/"


def run_impact(root: Path, opts: dict[str, Any], ids: Sequence[str],
               out: IO[str] | None = None, err: IO[str] | None = None) -> int:
    """Build and write the impact report; the exit code (1 when `--fail-on` matches)."""
    from specmesh_tasks.config import load_settings
    from specmesh_tasks.trace.model import SEVERITY_ORDER, ImpactReport

    err = err or sys.stderr
    since = str(opts.get("since") or "") or None
    if not ids and since is None:
        raise UserError("error: impact: name at least one ID, or give --since REF")
    settings = load_settings(root)
    if since is None:
        from specmesh_tasks.trace.compute import impact_index
        from specmesh_tasks.trace.impact import asked

        index = impact_index(root, settings, _version())
        report = ImpactReport(root.as_posix(), _version(), None, asked(index, ids))
    else:
        from specmesh_tasks.trace.impact import since_report
        from specmesh_tasks.trace.sources import read_sources

        report = since_report(root, settings, read_sources(root, settings), ids, since, _version())
    output = str(opts.get("output") or "")
    _write(_formatter(str(opts.get("format") or "text")).format_impact(report), output, "impact", out, err)
    worst = report.worst()
    limits = [SEVERITY_ORDER.index(s) for s in SEVERITY_ORDER if s.value.lower() in _words(opts.get("fail_on"))]
    if worst is not None and limits and SEVERITY_ORDER.index(worst) <= max(limits):
        print(f"impact: {worst.value} (--fail-on {opts.get('fail_on')})", file=err)
        return 1
    return 0


def _write(text: str, output: str, name: str, out: IO[str] | None, err: IO[str]) -> None:
    if output:
        from specmesh_tasks.fsutil import write_if_changed

        target = Path(output).expanduser().resolve()
        write_if_changed(target, text)
        print(f"{name}: report written to {output}", file=err)
        return
    stream = out or sys.stdout
    stream.write(text)
    stream.flush()


def _version() -> str:
    import specmesh_tasks

    return str(specmesh_tasks.__version__)
