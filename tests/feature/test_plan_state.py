"""What a run records is what it read, and runs are the same from one to the next (contract §3):
a spec changed while its plan renders (or a checkout of spec and plan) is rendered again by the
next run; sub-tasks run in spec path order whatever Python's hash seed or the order a folder is
listed in; a blocked plan is reported by every run until it clears."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

LOAN = ".specify/specs/features/sloan001-book-lending"

# The `plan:S-LOAN-001` action reads spec v1 and writes its plan; then, before doit records what
# the task read, the spec changes (a `git checkout` under a watcher): the hook is that window.
CHECKOUT_DURING_THE_ACTION = f"""
import sys
from pathlib import Path
from doit.cmd_base import ModuleTaskLoader
from doit.doit_cmd import DoitMain
import specmesh_tasks.dodo as dodo
from specmesh_tasks.render import feature

real = feature.plan_feature

def plan_then_checkout(root, spec_rel, *args, **kwargs):
    outcome = real(root, spec_rel, *args, **kwargs)
    if spec_rel == "{LOAN}/spec.md":
        spec = Path(root) / spec_rel
        spec.write_text(spec.read_text().replace("Borrow a book", "Borrow a volume"))
    return outcome

feature.plan_feature = plan_then_checkout
sys.exit(DoitMain(ModuleTaskLoader(dodo)).run(["plan"]))
"""


def _run_python(code: str, root: Path, **env: str) -> subprocess.CompletedProcess[str]:
    full = {**{k: v for k, v in os.environ.items() if k != "PYTHONHASHSEED"}, "SPECMESH_ROOT": str(root), **env}
    return subprocess.run([sys.executable, "-c", code], cwd=root, env=full, capture_output=True, text=True,
                          timeout=300, check=False)


def test_a_spec_changed_while_its_plan_renders_is_rendered_again_next_run(example_copy: Path, run_specmesh) -> None:  # type: ignore[no-untyped-def]
    plan = example_copy / LOAN / "plan.md"
    racing = _run_python(CHECKOUT_DURING_THE_ACTION, example_copy)
    assert racing.returncode == 0, racing.stderr
    assert "UC-LOAN-001 (Borrow a book)" in plan.read_text(encoding="utf-8")  # rendered from what it read
    healed = run_specmesh("plan", cwd=example_copy)
    assert healed.returncode == 0, healed.stderr
    assert "UC-LOAN-001 (Borrow a volume)" in plan.read_text(encoding="utf-8")
    assert run_specmesh("plan", "--check", cwd=example_copy).returncode == 0


# `git checkout` to a branch where the spec and its plan differ, landing after the `plan:S-LOAN-001`
# action read the spec and before it writes the plan (the hook: just before the plan is updated).
CHECKOUT_BEFORE_THE_WRITE = f"""
import os, sys
from pathlib import Path
from doit.cmd_base import ModuleTaskLoader
from doit.doit_cmd import DoitMain
import specmesh_tasks.dodo as dodo
from specmesh_tasks.render import feature

real = feature.update_plan
branch = Path(os.environ["OTHER_BRANCH"])

def checkout_then_update(spec, *args, **kwargs):
    if spec.path == "{LOAN}/spec.md":
        for name in ("spec.md", "plan.md"):
            (Path(args[2].root) / "{LOAN}" / name).write_bytes((branch / name).read_bytes())
    return real(spec, *args, **kwargs)

feature.update_plan = checkout_then_update
sys.exit(DoitMain(ModuleTaskLoader(dodo)).run(["plan"]))
"""


def test_a_checkout_while_a_plan_renders_leaves_a_stale_plan_the_next_plan_run_heals(
        example_copy: Path, tmp_path: Path, run_specmesh) -> None:  # type: ignore[no-untyped-def]
    import shutil

    other = tmp_path / "other-branch"  # the other branch: the use case renamed, its plan rendered from that
    shutil.copytree(example_copy, other)
    spec = other / LOAN / "spec.md"
    spec.write_text(spec.read_text(encoding="utf-8").replace("Borrow a book", "Borrow a volume"), encoding="utf-8")
    assert run_specmesh("plan", cwd=other).returncode == 0
    assert "UC-LOAN-001 (Borrow a volume)" in (other / LOAN / "plan.md").read_text(encoding="utf-8")

    racing = _run_python(CHECKOUT_BEFORE_THE_WRITE, example_copy, OTHER_BRANCH=str(other / LOAN))
    assert racing.returncode == 0, racing.stderr
    plan = example_copy / LOAN / "plan.md"
    assert "UC-LOAN-001 (Borrow a book)" in plan.read_text(encoding="utf-8")  # from the spec the action read
    stale = run_specmesh("gates", cwd=example_copy)
    assert f"{LOAN}/plan.md" in stale.stdout and "SM402" in stale.stdout, stale.stdout
    assert (example_copy / ".specify/.cache/doit.json").is_file()  # healed with the cache kept
    healed = run_specmesh("plan", cwd=example_copy)
    assert healed.returncode == 0, healed.stderr
    assert "UC-LOAN-001 (Borrow a volume)" in plan.read_text(encoding="utf-8")
    assert "SM402" not in run_specmesh("gates", cwd=example_copy).stdout
    assert run_specmesh("plan", "--check", cwd=example_copy).returncode == 0


# The same for `tasks:S-LOAN-001`: its plan.md changes (a new task in the Work Breakdown) after
# the action read it and wrote tasks.md, before doit records what the task read.
PLAN_EDITED_DURING_TASKS = f"""
import sys
from pathlib import Path
from doit.cmd_base import ModuleTaskLoader
from doit.doit_cmd import DoitMain
import specmesh_tasks.dodo as dodo
from specmesh_tasks.materialize import run

real = run.materialize_feature

def materialize_then_edit(root, feature_dir, *args, **kwargs):
    outcome = real(root, feature_dir, *args, **kwargs)
    if str(feature_dir).endswith("{LOAN}"):
        plan = Path(root) / feature_dir / "plan.md"
        plan.write_text(plan.read_text().replace("-> T-301, T-302", "-> T-301, T-302, T-303"))
    return outcome

run.materialize_feature = materialize_then_edit
sys.exit(DoitMain(ModuleTaskLoader(dodo)).run(["tasks"]))
"""


def test_a_plan_changed_while_its_tasks_materialize_is_materialized_again_next_run(
        example_copy: Path, run_specmesh) -> None:  # type: ignore[no-untyped-def]
    tasks = example_copy / LOAN / "tasks.md"
    spec = example_copy / LOAN / "spec.md"  # so the tasks sub-task runs (its spec changed)
    spec.write_text(spec.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    racing = _run_python(PLAN_EDITED_DURING_TASKS, example_copy)
    assert racing.returncode == 0, racing.stderr
    assert "[T-303]" not in tasks.read_text(encoding="utf-8")  # made from the plan it read
    healed = run_specmesh("tasks", cwd=example_copy)
    assert healed.returncode == 0, healed.stderr
    assert "[T-303]" in tasks.read_text(encoding="utf-8")
    assert run_specmesh("tasks", "--check", cwd=example_copy).returncode == 0


RUN_ORDER = """
import sys
from doit.cmd_base import ModuleTaskLoader
from doit.doit_cmd import DoitMain
import specmesh_tasks.dodo as dodo
sys.exit(DoitMain(ModuleTaskLoader(dodo)).run(["--verbosity", "0", "tasks"]))
"""


def test_sub_tasks_run_in_spec_path_order_whatever_the_hash_seed(example_copy: Path, tmp_path: Path) -> None:
    import shutil

    orders = []
    for seed in ("1", "2", "3"):
        root = tmp_path / f"seed{seed}"
        shutil.copytree(example_copy, root)
        done = _run_python(RUN_ORDER, root, PYTHONHASHSEED=seed)
        assert done.returncode == 0, done.stderr
        orders.append(re.findall(r"^\.  ((?:plan|tasks):\S+)", done.stdout + done.stderr, re.M))
    assert orders[0] == orders[1] == orders[2]
    plans = [name for name in orders[0] if name.startswith("plan:")]
    assert plans == ["plan:S-CATALOG-001", "plan:S-FEES-001", "plan:S-LOAN-001", "plan:F-LOAN-001"]


# The same run with every directory listing in reverse (os.scandir and os.listdir, which os.walk,
# glob and pathlib use): the order a file system lists a folder in differs between machines (ext4
# lists by name hash, tmpfs newest first), and no log, plan or order may follow it.
REVERSED_LISTINGS = """
import functools, os, sys
real_scandir, real_listdir = os.scandir, os.listdir

class _Listed:
    def __init__(self, entries): self.entries = iter(entries)
    def __iter__(self): return self
    def __next__(self): return next(self.entries)
    def __enter__(self): return self
    def __exit__(self, *exc): return False
    def close(self): pass

def scandir(path="."):
    with real_scandir(path) as entries:
        return _Listed(reversed(list(entries)))

def reversed_listdir(real, path="."):
    return list(reversed(real(path)))

# A partial, like the builtin it replaces, does not bind as a method: Python 3.10's pathlib keeps
# os.listdir as a class attribute of its accessor and calls it through an instance.
listdir = functools.partial(reversed_listdir, real_listdir)

os.scandir, os.listdir = scandir, listdir
from specmesh_tasks.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_logs_and_files_do_not_follow_the_order_a_folder_is_listed_in(example_copy: Path, tmp_path: Path) -> None:
    import shutil

    runs = []
    for name, listing in (("listed", ""), ("reversed", "reversed")):
        root = tmp_path / name / "library"
        shutil.copytree(example_copy, root)
        code = REVERSED_LISTINGS if listing else REVERSED_LISTINGS.replace("os.scandir, os.listdir = ", "_ = ")
        args = ("--verbosity", "2", "gates", "plan", "tasks", "trace")
        done = subprocess.run([sys.executable, "-c", code, *args], cwd=root, capture_output=True, text=True,
                              env={**os.environ, "SPECMESH_ROOT": str(root), "SOURCE_DATE_EPOCH": "1767225600"},
                              timeout=300, check=False)
        files = {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.md"))}
        runs.append((done.returncode, done.stdout.replace(str(root), "ROOT"), done.stderr.replace(str(root), "ROOT"),
                     files))
    assert "Traceback" not in runs[0][2] + runs[1][2]
    assert re.findall(r"^\.  (plan:\S+)", runs[0][2], re.M)  # the log names the sub-tasks it ran
    assert runs[0] == runs[1]


def _block(root: Path) -> None:
    spec = root / LOAN / "spec.md"
    spec.write_text(spec.read_text(encoding="utf-8").replace(
        "| FR-LOAN-002 | ", "| FR-LOAN-002 | [NEEDS CLARIFICATION: which calendar?] ", 1), encoding="utf-8")


def test_a_blocked_plan_is_reported_by_every_run_until_it_clears(example_copy: Path, run_specmesh) -> None:  # type: ignore[no-untyped-def]
    _block(example_copy)
    for _ in range(2):  # nothing changed in between: still reported (doit records it as not done)
        blocked = run_specmesh("plan", cwd=example_copy)
        assert blocked.returncode == 1 and "which calendar?" in blocked.stderr, blocked.stderr
        assert blocked.stderr.count("plan: 1 plan(s) need attention") == 1
    alone = run_specmesh("plan:S-LOAN-001", cwd=example_copy)  # no summary in this run: it fails itself
    assert alone.returncode == 1 and "which calendar?" in alone.stderr
    both = run_specmesh(cwd=example_copy)  # gates plan tasks test: the plan summary reports, tasks does not repeat
    assert both.stderr.count("which calendar?") >= 1 and both.stderr.count("plan(s) need attention") == 1
    spec = example_copy / LOAN / "spec.md"
    spec.write_text(spec.read_text(encoding="utf-8").replace("[NEEDS CLARIFICATION: which calendar?] ", ""),
                    encoding="utf-8")
    assert run_specmesh("plan", cwd=example_copy).returncode == 0
    assert run_specmesh("plan", cwd=example_copy).returncode == 0
