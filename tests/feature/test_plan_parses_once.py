"""A `specmesh plan` run parses each spec once: the hidden index task (which runs first) and the
`plan:<ID>` sub-tasks share the run's parse cache (a full render of 1000 plans parsed every
feature spec twice before)."""

from __future__ import annotations

import collections
import os
import subprocess
import sys
from pathlib import Path

COUNTING_RUN = """
import atexit, collections, sys
import specmesh_tasks.load as load
from specmesh_tasks.cli import main

parsed = collections.Counter()
real = load.parse_spec

def counting(text, rel):
    parsed[rel] += 1
    return real(text, rel)

load.parse_spec = counting
atexit.register(lambda: print(*(f"PARSED {n} {rel}" for rel, n in sorted(parsed.items())), sep="\\n"))
sys.exit(main(sys.argv[1:]))
"""


def test_a_full_plan_run_parses_each_spec_once(example_copy: Path) -> None:
    done = subprocess.run([sys.executable, "-c", COUNTING_RUN, "plan"], cwd=example_copy, capture_output=True,
                          text=True, env={**os.environ, "SPECMESH_ROOT": str(example_copy)}, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    counts = collections.Counter({line.split()[2]: int(line.split()[1])
                                  for line in done.stdout.splitlines() if line.startswith("PARSED ")})
    features = [rel for rel in counts if rel.startswith(".specify/specs/features/")]
    assert features, done.stdout  # the plans did read their specs
    assert {rel: n for rel, n in counts.items() if n > 1} == {}
