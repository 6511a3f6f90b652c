"""The collector tuning of a run (each in a fresh interpreter: it changes process-wide state)."""

from __future__ import annotations

import json
import subprocess
import sys

TUNED = """
import gc, json
from specmesh_tasks.gctune import collector_paused, tune_for_run
seen = {}
keep = [object() for _ in range(10)]
tune_for_run()
seen["run"] = [gc.get_threshold()[0], gc.get_freeze_count() > 0, gc.isenabled()]
with collector_paused():
    seen["paused"] = [gc.isenabled(), gc.get_freeze_count()]
    built = [[] for _ in range(1000)]
seen["after"] = [gc.isenabled(), gc.get_freeze_count() >= 1000]
print(json.dumps(seen))
"""


def test_a_run_freezes_what_exists_and_collects_young_objects_less_often() -> None:
    out = subprocess.run([sys.executable, "-c", TUNED], capture_output=True, text=True, check=True).stdout
    seen = json.loads(out)
    assert seen["run"] == [10_000, True, True]
    assert seen["paused"] == [False, 0]  # off, and what an earlier run froze can be collected again
    assert seen["after"] == [True, True]  # on again, with what the block built frozen
