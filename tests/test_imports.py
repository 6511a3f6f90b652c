"""The no-op path stays lean: declaring tasks imports no jinja2, pydantic, git, yaml, watchfiles or jsonschema."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HEAVY = ("jinja2", "pydantic", "git", "yaml", "watchfiles", "markdown_it", "jsonschema")
REPO = Path(__file__).resolve().parents[1]


def modules_after(code: str, env_root: Path) -> set[str]:
    env = {**os.environ, "SPECMESH_ROOT": str(env_root)}
    out = subprocess.run([sys.executable, "-c", code + "\nimport sys, json; print(json.dumps(sorted(sys.modules)))"],
                         capture_output=True, text=True, env=env, cwd=env_root, check=True).stdout
    return set(json.loads(out.strip().splitlines()[-1]))


def heavy_in(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in HEAVY)


def test_importing_the_package_is_light(tmp_path: Path) -> None:
    assert heavy_in(modules_after("import specmesh_tasks", tmp_path)) == []


def test_declaring_every_task_is_light(example_copy: Path) -> None:
    # Warm the caches once (a first run may validate config and parse), then declare again.
    code = (
        "from doit.cmd_base import ModuleTaskLoader\n"
        "from doit.loader import load_tasks\n"
        "import specmesh_tasks.dodo as d\n"
        "tasks = load_tasks({k: getattr(d, k) for k in dir(d)}, command_names=(), allow_delayed=True)\n"
        "assert any(t.name.startswith('plan:') for t in tasks), [t.name for t in tasks]\n"
    )
    subprocess.run([sys.executable, "-c", code], env={**os.environ, "SPECMESH_ROOT": str(example_copy)},
                   check=True, cwd=example_copy)
    assert heavy_in(modules_after(code, example_copy)) == []


def test_importing_the_dodo_leaves_the_users_collector_alone(example_copy: Path) -> None:
    # `from specmesh_tasks.dodo import *` in a user's dodo.py must not retune their process's
    # cyclic collector; only the `specmesh` command does that (gctune.tune_for_run).
    code = (
        "import gc, json\n"
        "before = [list(gc.get_threshold()), gc.get_freeze_count()]\n"
        "import specmesh_tasks.dodo\n"
        "print(json.dumps([before, [list(gc.get_threshold()), gc.get_freeze_count()]]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], env={**os.environ, "SPECMESH_ROOT": str(example_copy)},
                         capture_output=True, text=True, check=True, cwd=example_copy).stdout
    before, after = json.loads(out.strip().splitlines()[-1])
    assert after == before
