"""The options of `specmesh trace` and `specmesh impact`, in doit's parameter format.

One definition serves both ways of running the reports: the doit tasks `trace` and `impact` for
a user's own dodo (`tasks/reports.py`, and `specmesh help trace` shows this help), and the
`specmesh trace` / `specmesh impact` commands, whose argument parser is built from it
(`trace/command.py`). Kept free of imports: the task creators import it on every doit run.
"""

from __future__ import annotations

from typing import Any

REPORT_COMMANDS = ("trace", "impact")  # commands of `specmesh`, and doit tasks of the same names
TRACE_FORMATS = ("text", "json", "markdown", "html")
IMPACT_FORMATS = ("text", "json", "markdown")
TRACE_FAIL_ON = ("untested", "failing", "suspect", "not-run")
IMPACT_FAIL_ON = ("critical", "high")

_OUTPUT: dict[str, Any] = {"name": "output", "long": "output", "type": str, "default": "",
                           "help": "write the report to FILE instead of stdout"}

TRACE_PARAMS: list[dict[str, Any]] = [
    {"name": "format", "long": "format", "type": str, "default": "text",
     "help": "report format: text, json, markdown or html"},
    _OUTPUT,
    {"name": "feature", "long": "feature", "type": list, "default": [],
     "help": "only this feature or fix (its Spec ID; repeat for more)"},
    {"name": "results", "long": "results", "type": list, "default": [],
     "help": "take test results from this JUnit XML file instead of the recorded runs "
             "(repeat, or give a quoted glob such as 'reports/junit-*.xml'; the union is used)"},
    {"name": "fail_on", "long": "fail-on", "type": str, "default": "",
     "help": "exit 1 when a requirement is in this state: untested, failing, suspect or not-run "
             "(comma-separated for several)"},
]

IMPACT_PARAMS: list[dict[str, Any]] = [
    {"name": "format", "long": "format", "type": str, "default": "text",
     "help": "report format: text, json or markdown"},
    _OUTPUT,
    {"name": "since", "long": "since", "type": str, "default": "",
     "help": "the impact of every spec definition that differs between REF and the working tree"},
    {"name": "fail_on", "long": "fail-on", "type": str, "default": "",
     "help": "exit 1 when an impact is this severe or worse: critical or high"},
]
