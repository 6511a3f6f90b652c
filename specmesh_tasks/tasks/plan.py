"""`doit plan`: one sub-task `plan:<Spec ID>` per feature and fix spec (contract §3, §4).

What is declared (no Markdown is parsed here: only spec header lines, cached by stat):

- `plan:<ID>` for a spec whose status is allowed: file_dep its spec.md, its overview digest
  `.specify/.cache/deps/<ID>.json`, the template and the config; target its plan.md.
- `plan:<ID>` for a spec whose status is not allowed: prints a one-line note (exit 0).
- `_plan_index` (hidden): file_dep the overview specs, and the header lines of every spec through
  `config_changed`; writes each feature's digest file, only when its content changes, so an edit
  of master M-X re-renders only the plans that show M-X.
- `plan` itself is the always-run summary: it depends on every sub-task and fails (exit 1) listing
  each blocked feature, conflict and `--check` difference. Sub-tasks record those and succeed,
  because with `continue` a failed sub-task turns whatever depends on it into UnmetDependency
  (exit 2). That is also why `plan` is a task with an action and not a doit group: a group would
  depend on the failing summary. The sub-tasks still carry `subtask_of="plan"` so `doit list`
  shows them only with `--all`. A recorded sub-task is declared not up to date until it clears.
  Run alone (`doit plan:<ID>`), a sub-task fails itself.
- `_plan_begin` (hidden) runs first under `plan` and tells the sub-tasks a summary will follow.

Options `--check`, `--force`, `--adopt` work on `plan` (the creator receives them and declares
every sub-task to run) and on one sub-task (`plan:<ID> --check`: the creator finds them on the
command line and declares that sub-task to run; no `uptodate` callable per sub-task, which would
double the cost of a run where nothing changed).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from doit import task_params
from doit.exceptions import TaskFailed
from doit.task import Task

from specmesh_tasks.discover import OVERVIEW_KINDS
from specmesh_tasks.errors import UserError
from specmesh_tasks.tasks.common import (
    SubTasks,
    as_doit_error,
    features,
    project_root,
    project_settings,
    spec_entries,
    subtask_options,
)

if TYPE_CHECKING:
    from specmesh_tasks.discover import SpecEntry

__all__ = ["PLAN_BEGIN_TASK", "task_plan"]

PLAN_BEGIN_TASK = "_plan_begin"
PLAN_INDEX_TASK = "_plan_index"
OPTION_NAMES = ("check", "force", "adopt")
PARAMS: list[dict[str, Any]] = [
    {"name": "check", "long": "check", "type": bool, "default": False,
     "help": "write nothing; exit 1 with a unified diff when a plan would change"},
    {"name": "force", "long": "force", "type": bool, "default": False,
     "help": "regenerate generated text edited by hand, after saving plan.md.orig"},
    {"name": "adopt", "long": "adopt", "type": bool, "default": False,
     "help": "convert a plan.md without specmesh markers, keeping every word (original in plan.md.orig)"},
]
_SAFE_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-")
# "summary": set by _plan_begin, a summary task will report blocked features;
# "reported": the `plan` summary has run in this process (so `tasks` need not repeat it).
_run = {"summary": False, "reported": False}


def safe_name(name: str) -> str:
    """A file name for a sub-task name (`S-X-001@dir` -> `S-X-001_dir-<hash>`)."""
    if _SAFE_CHARS.issuperset(name):
        return name
    safe = "".join(ch if ch in _SAFE_CHARS else "_" for ch in name)
    return safe + "-" + hashlib.sha256(name.encode()).hexdigest()[:8]


@task_params(PARAMS)  # type: ignore[untyped-decorator]
def task_plan(check: bool = False, force: bool = False, adopt: bool = False) -> Iterator[dict[str, Any] | Task]:
    """Render or update plan.md of every approved feature and fix spec (keeps every human edit)."""
    # Kept short: doit tokenizes every task creator's source on every run (to order them).
    return _declare(check, force, adopt)


def _declare(check: bool, force: bool, adopt: bool) -> Iterator[dict[str, Any] | Task]:
    from specmesh_tasks.config import config_path
    from specmesh_tasks.render.templates import template_path
    from specmesh_tasks.state import cache_dir

    root = project_root()
    settings = project_settings()
    try:
        template = template_path(root, settings)
    except UserError as exc:
        raise as_doit_error(exc) from None
    entries = spec_entries()
    planned_all, names = features()
    cache = str(cache_dir(root))
    records = _listdir(f"{cache}/plan/state")
    config = config_path(root)
    shared_deps = [str(template)] + ([str(config)] if config.is_file() else [])
    allowed = {s.casefold() for s in settings.plan.allowed_statuses}
    group = (check, force, adopt)
    # `plan:<ID> --check` (or --force, --adopt): that one sub-task must run even if up to date.
    asked = {name for name, values in subtask_options(sys.argv, "plan", PARAMS).items() if any(values.values())}
    planned = [e for e in planned_all if (e.status or "").strip().casefold() in allowed]
    planned_rels = {e.rel for e in planned}
    files = {e.rel: safe_name(names[e.rel]) for e in planned}

    yield {
        "basename": "plan",
        "doc": task_plan.__doc__,
        "actions": [(summary_action, [str(root), sorted(names[e.rel] for e in planned)])],
        "task_dep": [PLAN_BEGIN_TASK, *(f"plan:{names[e.rel]}" for e in planned_all)],
        "uptodate": [False],
    }
    yield {"basename": PLAN_BEGIN_TASK, "actions": [(_begin, [str(root)])], "uptodate": [False]}
    yield _index_task(str(root), entries, [(e.rel, f"{cache}/deps/{files[e.rel]}.json") for e in planned])
    root_str, forced_all = str(root), any(group)
    allowed_statuses = settings.plan.allowed_statuses
    make = SubTasks("plan", PARAMS)
    for entry in planned_all:
        name = names[entry.rel]
        if entry.rel in planned_rels:
            safe = files[entry.rel]
            forced = forced_all or name in asked or f"{safe}.json" in records
            yield _plan_task(make, root_str, entry, name, f"{cache}/deps/{safe}.json", shared_deps, group, forced)
        else:
            yield _skip_task(make, root_str, entry, name, allowed_statuses)


def _listdir(path: str | Path) -> set[str]:
    try:
        return set(os.listdir(path))
    except OSError:
        return set()


def _index_task(root: str, entries: list[SpecEntry], jobs: list[tuple[str, str]]) -> dict[str, Any]:
    from doit.tools import config_changed

    overview = [e.file for e in entries if e.kind_value in OVERVIEW_KINDS]
    # What other plans show of a feature (its ID, title, status) lives in its header lines.
    headers = hashlib.sha256(json.dumps(
        [[e.rel, e.kind_value, e.spec_id, e.title, e.status] for e in entries], ensure_ascii=False,
    ).encode()).hexdigest()
    return {
        "basename": PLAN_INDEX_TASK,
        "actions": [(index_action, [root, jobs])],
        "file_dep": overview,
        "targets": [deps for _, deps in jobs],
        "uptodate": [config_changed(headers)],
        "doc": "write each plan's digest of the overview items it shows",
    }


def _plan_task(make: SubTasks, root: str, entry: SpecEntry, name: str, deps: str, shared_deps: list[str],
               group: tuple[bool, bool, bool], forced: bool) -> Task:
    """`plan:<name>`, shown as a sub-task of `plan` (which is a task, not a group). Plain
    strings: declaring a thousand tasks with pathlib joins costs more than doit itself."""
    return make.make(
        name,
        [(plan_action, [root, entry.rel, name],
          {"group_check": group[0], "group_force": group[1], "group_adopt": group[2]})],
        [entry.file, deps, *shared_deps],
        [f"{entry.folder}/plan.md"],
        f"plan.md of {entry.spec_id or entry.rel}",
        run=forced,
    )


def _skip_task(make: SubTasks, root: str, entry: SpecEntry, name: str, allowed: tuple[str, ...]) -> Task:
    status = entry.status or "no status"
    note = (f"plan:{name} skipped: {entry.rel} has status {status!r}; plans are made for "
            f"{', '.join(allowed)} specs")
    return make.make(name, [(skip_action, [root, name, note])], [entry.file], (), f"(skipped: status {status})")


# ------------------------------------------------------------------------------ actions


def _begin(root: str) -> None:
    """Tell this run's sub-tasks that the `plan` summary will report for them. With `doit -n N`
    actions run in worker processes, so the word is also left in a file naming the run's process."""
    from specmesh_tasks.fsutil import write_if_changed

    _run["summary"] = True
    _run["reported"] = False  # a new run (or watch cycle): nothing reported yet
    write_if_changed(_run_token(Path(root)), str(_run_pid()))


def _run_pid() -> int:
    """The doit process of this run (the parent when an action runs in a `-n` worker)."""
    import multiprocessing

    parent = multiprocessing.parent_process()
    return parent.pid if parent is not None and parent.pid is not None else os.getpid()


def _run_token(root: Path) -> Path:
    from specmesh_tasks.state import cache_dir

    return cache_dir(root) / "plan" / "run"


def _summary_follows(root: Path) -> bool:
    if _run["summary"]:
        return True
    try:
        return _run_token(root).read_text(encoding="utf-8") == str(_run_pid())
    except OSError:
        return False


def _record_path(root: Path, name: str) -> Path:
    from specmesh_tasks.state import cache_dir

    return cache_dir(root) / "plan" / "state" / f"{safe_name(name)}.json"


def _record(root: Path, name: str, status: str, report: str) -> None:
    from specmesh_tasks.fsutil import write_if_changed

    payload = {"name": name, "status": status, "report": report}
    write_if_changed(_record_path(root, name), json.dumps(payload, ensure_ascii=False, indent=1) + "\n")


def _clear(root: Path, name: str) -> None:
    _record_path(root, name).unlink(missing_ok=True)


def skip_action(root: str, name: str, note: str) -> None:
    """A spec whose status gets no plan: one line, exit 0."""
    _clear(Path(root), name)
    print(note, file=sys.stderr)


def plan_action(root: str, spec_rel: str, name: str, group_check: bool = False, group_force: bool = False,
                group_adopt: bool = False, check: bool = False, force: bool = False,
                adopt: bool = False) -> TaskFailed | dict[str, str] | None:
    """Update one plan.md; record (and, when run alone, fail on) a block, conflict or difference."""
    from specmesh_tasks.render.update import Options

    options = Options(check=group_check or check, force=group_force or force, adopt=group_adopt or adopt)
    outcome = run_plan(Path(root), spec_rel, options)
    for note in outcome.notes:
        print(f"note: {note}", file=sys.stderr)
    if outcome.status.value != "unchanged" and not outcome.status.fails:
        print(outcome.message, file=sys.stderr)
    if options.check and outcome.details and outcome.status.value == "would-change":
        _print_diff(outcome.details)
    if not outcome.status.fails:
        _clear(Path(root), name)
        return None
    report = outcome.message if outcome.status.value == "would-change" else outcome.report()
    _record(Path(root), name, outcome.status.value, report)
    if _summary_follows(Path(root)):
        # The summary task fails the run once every other feature is planned; meanwhile the
        # progress display counts the outcome (doit keeps the dict as the task's values).
        return {"outcome": outcome.status.value}
    return TaskFailed(report)


def _print_diff(diff: str) -> None:
    """`--check` diffs go to the real stdout (doit captures an action's stdout)."""
    out = sys.__stdout__ or sys.stdout
    out.write(diff if diff.endswith("\n") else diff + "\n")
    out.flush()


def run_plan(root: Path, spec_rel: str, options: Any) -> Any:
    """Load the tree (once per run) and bring `spec_rel`'s plan up to date."""
    from specmesh_tasks.model.spec import MarkerKind, SpecKind
    from specmesh_tasks.parse import problems as codes
    from specmesh_tasks.render.templates import template_path
    from specmesh_tasks.render.update import Inputs, PlanOutcome, Status, update_plan
    from specmesh_tasks.state import cache_dir

    plan_rel = str(Path(spec_rel).parent / "plan.md")
    from specmesh_tasks.tasks.plan_repo import light_repo

    repo, spec, problems = light_repo(root, spec_entries(), spec_rel)
    unreadable_codes = {codes.NOT_UTF8, codes.TOO_LARGE, codes.OUTSIDE_ROOT, codes.UNREADABLE}
    unreadable = [p for p in problems if p.code in unreadable_codes]
    if spec is None or unreadable:
        # Replacement characters are not the spec's words: no plan from a text we could not read.
        reasons = "\n".join(f"  {p.location}: {p.message}" for p in unreadable or problems)
        return PlanOutcome(Status.BLOCKED, plan_rel, f"{plan_rel}: not planned: {spec_rel} cannot be read",
                           reasons)
    text = None
    if spec.kind is SpecKind.FIX or any(m.kind is MarkerKind.DEFERRED for m in spec.markers):
        text = _spec_text(root, spec_rel)  # quoted lines: read only the specs that need it
    settings = project_settings()
    inputs = Inputs(root, template_path(root, settings), cache_dir(root) / "jinja")
    return update_plan(spec, repo, text, inputs, options)


def _spec_text(root: Path, spec_rel: str) -> str | None:
    from specmesh_tasks.parse.source import read_source

    text, _problems = read_source(root / spec_rel, spec_rel, root=root)
    return text


def index_action(root: str, jobs: list[tuple[str, str]]) -> None:
    """Write each planned feature's overview digest, touching only files whose content changes."""
    from specmesh_tasks.render.plan_index import write_digests
    from specmesh_tasks.state import cache_dir

    write_digests(Path(root), spec_entries(), cache_dir(Path(root)), jobs)


def plan_summary_reported() -> bool:
    """True when the `plan` summary already ran in this process (a `doit` with no task name)."""
    return _run["reported"]


def summary_action(root: str, planned: list[str]) -> TaskFailed | None:
    """Fail once, after every feature was planned, listing what blocked which plan."""
    _run["summary"] = False
    _run["reported"] = True
    _run_token(Path(root)).unlink(missing_ok=True)
    state = Path(root) / ".specify" / ".cache" / "plan" / "state"
    wanted = {f"{safe_name(n)}.json": n for n in planned}
    reports: list[str] = []
    for file in sorted(_listdir(state)):
        path = state / file
        if file not in wanted:
            path.unlink(missing_ok=True)  # a feature that is gone or no longer planned
            continue
        try:
            reports.append(json.loads(path.read_text(encoding="utf-8"))["report"])
        except (OSError, ValueError, KeyError):
            path.unlink(missing_ok=True)
    if not reports:
        return None
    return TaskFailed("\n".join(reports) + f"\nplan: {len(reports)} plan(s) need attention (see above)")
