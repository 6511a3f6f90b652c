"""The two places the package tunes Python's cyclic garbage collector, and what each one buys.

Kept because each gains at least 10 % on a path a user sees. Figures: whole `specmesh` processes
on the bench trees (bench/plan.py's generator, 1000 and 30 features), the run without the tuning
over the run with it, A/B interleaved in one session, median CPU time of 10-20 pairs.

- `tune_for_run()`, called by the `specmesh` command before doit loads the tasks: what is alive
  by then (modules, classes) is frozen out of every collection, and young objects are collected
  every 10,000 allocations instead of 700. A run declares thousands of tasks that live until the
  process ends, and the default collector walks them again and again while freeing nothing.
  Gain: 1.20x on a no-op `specmesh plan` and 1.15x on a no-op `specmesh tasks` at 1000
  features, 1.15x on a no-op `tasks` at 30; none on `gates` (0.99x) or a full gates run (0.97x).
  Cost: a reference cycle among the frozen objects is freed only at exit, and more young objects
  wait between collections. Importing `specmesh_tasks.dodo` into a user's own dodo.py does not
  call it: their process's collector stays as they set it.
- `collector_paused()`, around a whole gates run (`gates.run.run_gates`), which builds some 10^5
  small acyclic objects (the tree, the parse cache's copy of it), most alive until the process
  ends: the collector is off meanwhile, and they are frozen on the way out so that no later
  collection (nor the one at exit) walks them. What an earlier run froze is unfrozen first, so a
  long-lived watcher still collects what it left behind. Gain: 1.18x on a full gates run at 1000
  features (1.05x after a one-spec edit). Cost: cycles made during a gates run are freed by the
  first collection after it.

Measured and removed: pausing the collector while specs are loaded or unpickled (the former
`load.gc_paused`): 1.02x on a full gates run, 0.97x on a full plan run, 0.94x on a full trace,
0.99x on a one-spec gates run at 1000 features - no gain once the two above are in place.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

YOUNG_THRESHOLD = 10_000


def tune_for_run() -> None:
    """Freeze what exists now and collect young objects less often (see the module docstring)."""
    gc.freeze()
    young, *older = gc.get_threshold()
    if 0 < young < YOUNG_THRESHOLD:
        gc.set_threshold(YOUNG_THRESHOLD, *older)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """The collector off while the block runs; what it built frozen afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    gc.unfreeze()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
