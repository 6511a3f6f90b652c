"""`doit plan`: one sub-task `plan:<Spec ID>` per feature and fix spec, in spec path order
(contract §3, §4). Declaring them parses no Markdown: only spec header lines, cached by stamp.

- `plan:<ID>` for a spec whose status is planned: file_dep its spec.md, its overview digest
  `.specify/.cache/deps/<ID>.json`, the template and the config; target its plan.md.
- `plan:<ID>` for a spec whose status is not planned: prints a one-line note (exit 0).
- `_plan_index` (hidden): file_dep the overview specs, and the header lines of every spec through
  `config_changed`; writes each feature's digest file only when its content changes, so an edit
  of master M-X re-renders only the plans that show M-X (`render.plan_index`).
- `_plan_begin` (hidden) starts the run log (`runlog.py`); it and `_plan_index` run before the
  sub-tasks, which then run in spec path order, the same in every run.
- `plan` is the always-run summary: it depends on every sub-task and fails (exit 1) once, listing
  each blocked feature, conflict and `--check` difference the sub-tasks left in the run log (a
  failed sub-task would make it an UnmetDependency, exit 2, so they succeed). A sub-task that
  needs attention runs again next run until it clears; run alone, it fails itself.

Options `--check`, `--force`, `--adopt` work on `plan` (the creator receives them) and on one
sub-task (`plan:<ID> --check`: `group.FeatureTask` runs it even when up to date).
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from doit import task_params
from doit.exceptions import TaskFailed

from specmesh_tasks.errors import UserError
from specmesh_tasks.tasks.common import (
    as_doit_error,
    features,
    is_planned,
    once,
    project_root,
    project_settings,
    spec_entries,
)
from specmesh_tasks.tasks.group import FeatureTask, feature_task, skipped_task, summary_task

if TYPE_CHECKING:
    from specmesh_tasks.parse.cache import ParseCache

PLAN_BEGIN_TASK = "_plan_begin"
PLAN_INDEX_TASK = "_plan_index"
# Run before the sub-tasks, in this order: the index first, so that no sub-task waits for it. doit
# resumes the tasks waiting for one task in the order of a set, which changes from run to run.
FIRST_TASKS = (PLAN_BEGIN_TASK, PLAN_INDEX_TASK)
PARAMS: list[dict[str, Any]] = [
    {"name": "check", "long": "check", "type": bool, "default": False,
     "help": "write nothing; exit 1 with a unified diff when a plan would change"},
    {"name": "force", "long": "force", "type": bool, "default": False,
     "help": "regenerate generated text edited by hand, after saving plan.md.orig"},
    {"name": "adopt", "long": "adopt", "type": bool, "default": False,
     "help": "convert a plan.md without specmesh markers, keeping every word (original in plan.md.orig)"},
]
_SAFE_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-")


def safe_name(name: str) -> str:
    """A file name for a sub-task name (`S-X-001@dir` -> `S-X-001_dir-<hash>`)."""
    if _SAFE_CHARS.issuperset(name):
        return name
    safe = "".join(ch if ch in _SAFE_CHARS else "_" for ch in name)
    return safe + "-" + hashlib.sha256(name.encode()).hexdigest()[:8]


@task_params(PARAMS)  # type: ignore[untyped-decorator]
def task_plan(check: bool = False, force: bool = False, adopt: bool = False) -> Iterator[dict[str, Any] | FeatureTask]:
    """Render or update plan.md of every approved feature and fix spec (keeps every human edit)."""
    # Kept short: doit tokenizes every task creator's source on every run (to order them).
    return _declare({"group_check": check, "group_force": force, "group_adopt": adopt})


def _declare(group: dict[str, bool]) -> Iterator[dict[str, Any] | FeatureTask]:
    from specmesh_tasks.config import config_path
    from specmesh_tasks.render.templates import template_files
    from specmesh_tasks.state import cache_dir

    root = project_root()
    try:
        templates = template_files(root, project_settings())  # and the ones it includes
    except UserError as exc:
        raise as_doit_error(exc) from None
    entries, names = features()
    cache, config = str(cache_dir(root)), config_path(root)
    shared = [str(t) for t in templates] + ([str(config)] if config.is_file() else [])
    digests = {e.rel: f"{cache}/deps/{safe_name(names[e.rel])}.json" for e in entries if is_planned(e)}
    yield summary_task("plan", task_plan.__doc__, (summary_action, [str(root), [names[r] for r in digests]]),
                       [*FIRST_TASKS, *(f"plan:{names[e.rel]}" for e in entries)])
    yield {"basename": PLAN_BEGIN_TASK, "actions": [(begin_action, [str(root)])], "uptodate": [False]}
    yield _index_task(str(root), list(digests.items()))
    for entry in entries:
        name = names[entry.rel]
        if entry.rel not in digests:
            allowed = ", ".join(project_settings().plan.allowed_statuses)
            note = (f"plan:{name} skipped: {entry.rel} has status {entry.status or 'no status'!r}; "
                    f"plans are made for {allowed} specs")
            yield skipped_task("plan", name, entry, note, PARAMS)
            continue
        inputs = [entry.file, digests[entry.rel], *shared]
        yield feature_task("plan", name, [(plan_action, [str(root), entry.rel, name, inputs], group)], inputs,
                           [f"{entry.folder}/plan.md"], f"plan.md of {entry.spec_id or entry.rel}", PARAMS,
                           run=any(group.values()))


def _index_task(root: str, jobs: list[tuple[str, str]]) -> dict[str, Any]:
    import json

    from doit.tools import config_changed

    from specmesh_tasks.discover import OVERVIEW_KINDS

    entries = spec_entries()
    # What other plans show of a feature (its ID, title, status) lives in its header lines.
    headers = hashlib.sha256(json.dumps(
        [[e.rel, e.kind_value, e.spec_id, e.title, e.status] for e in entries], ensure_ascii=False,
    ).encode()).hexdigest()
    return {
        "basename": PLAN_INDEX_TASK,
        "actions": [(index_action, [root, jobs])],
        "file_dep": [e.file for e in entries if e.kind_value in OVERVIEW_KINDS],
        "targets": [digest for _, digest in jobs],
        "uptodate": [config_changed(headers)],
        "doc": "write each plan's digest of the overview items it shows",
    }


# ------------------------------------------------------------------------------ actions


def begin_action(root: str) -> None:
    """Start the run log: the `plan` summary reports for this run's sub-tasks."""
    from specmesh_tasks import runlog

    runlog.begin(Path(root))


def plan_action(root: str, spec_rel: str, name: str, inputs: list[str], group_check: bool = False,
                group_force: bool = False, group_adopt: bool = False, check: bool = False,
                force: bool = False, adopt: bool = False) -> TaskFailed | dict[str, Any]:
    """Update one plan.md; leave a block, conflict or difference to the summary (or fail on it
    when no summary follows). doit records the inputs as this action read them."""
    from specmesh_tasks import runlog
    from specmesh_tasks.doitdb import read_inputs, run_again
    from specmesh_tasks.render.update import Options

    seen = read_inputs(inputs)  # before anything is read: a later edit makes the next run render again
    options = Options(check=group_check or check, force=group_force or force, adopt=group_adopt or adopt)
    outcome = run_plan(Path(root), spec_rel, options)
    for note in outcome.notes:
        print(f"note: {note}", file=sys.stderr)
    if outcome.status.value != "unchanged" and not outcome.status.fails:
        print(outcome.message, file=sys.stderr)
    if options.check and outcome.details and outcome.status.value == "would-change":
        _print_diff(outcome.details)
    if not outcome.status.fails:
        return seen
    report = outcome.message if outcome.status.value == "would-change" else outcome.report()
    if not runlog.summary_follows(Path(root)):
        return TaskFailed(report)
    runlog.note(Path(root), name, report)
    # Run (and reported) again by every run until it clears; meanwhile the progress display
    # counts the outcome (doit keeps a returned dict as the task's values).
    return {**run_again(), "outcome": outcome.status.value}


def _print_diff(diff: str) -> None:
    """`--check` diffs go to the real stdout (doit captures an action's stdout)."""
    out = sys.__stdout__ or sys.stdout
    out.write(diff if diff.endswith("\n") else diff + "\n")
    out.flush()


def run_plan(root: Path, spec_rel: str, options: Any) -> Any:
    """Bring `spec_rel`'s plan up to date (`render.feature`), the tree's outline read once per run."""
    from specmesh_tasks.load import load_outline
    from specmesh_tasks.render.feature import plan_feature
    from specmesh_tasks.render.templates import template_path

    store = _run_parse_cache(root)
    outline = once(f"outline:{root}", lambda: load_outline(root, spec_entries(), store))
    return plan_feature(root, spec_rel, outline, store, template_path(root, project_settings()), options)


def index_action(root: str, jobs: list[tuple[str, str]]) -> None:
    """Write each planned feature's overview digest, touching only files whose content changes."""
    from specmesh_tasks.render.plan_index import write_digests
    from specmesh_tasks.state import cache_dir

    write_digests(Path(root), spec_entries(), cache_dir(Path(root)), jobs, _run_parse_cache(Path(root)))


def _run_parse_cache(root: Path) -> ParseCache:
    """The parse cache of this run, one for the index and every plan: a spec is parsed once."""
    from specmesh_tasks.load import parse_cache_for

    return once(f"parse-cache:{root}", lambda: parse_cache_for(root, lazy=True))


def summary_action(root: str, planned: list[str]) -> TaskFailed | None:
    """Fail once, after every feature was planned, listing what blocked which plan."""
    from specmesh_tasks import runlog

    reports = runlog.finish(Path(root), planned)
    if not reports:
        return None
    return TaskFailed("\n".join(reports) + f"\nplan: {len(reports)} plan(s) need attention (see above)")
