"""What the progress display costs: `specmesh plan` at N features, with and without it.

    python bench/progress.py [--n 1000] [--rounds 5] [--keep DIR]

Generates the tree of `bench/plan.py` (N approved features), renders every plan once, then times,
in one run and interleaved round by round (so machine noise falls on both sides alike):

- no-op: `specmesh plan` with every plan up to date (N up-to-date checks, redraws throttled);
- all run: `specmesh plan --check` (every sub-task runs: the line is cleared and redrawn N times);

each with stderr on a pseudo-terminal (the status line), in a pipe (doit's console lines), and
with `-q` on the pseudo-terminal (no progress at all: the baseline). Prints the median of each
and its ratio to the baseline. The machine is noisy: compare figures of one run only.
"""

from __future__ import annotations

import argparse
import os
import pty
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from plan import generate, specmesh

Run = Callable[[list[str], Path], float]


def on_terminal(args: list[str], cwd: Path) -> float:
    """Wall time of `specmesh ARGS` with stderr on a pseudo-terminal read to its end."""
    leader, follower = pty.openpty()
    start = time.perf_counter()
    proc = subprocess.Popen([*specmesh(), *args], cwd=cwd, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=follower)
    os.close(follower)
    while True:
        try:
            if not os.read(leader, 65536):
                break
        except OSError:  # the child closed its end
            break
    code = proc.wait()
    elapsed = time.perf_counter() - start
    os.close(leader)
    if code not in (0, 1):
        raise SystemExit(f"specmesh {' '.join(args)} exited {code}")
    return elapsed


def in_a_pipe(args: list[str], cwd: Path) -> float:
    """Wall time of `specmesh ARGS` with stderr in a pipe (a CI log)."""
    start = time.perf_counter()
    done = subprocess.run([*specmesh(), *args], cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True,
                          check=False)
    if done.returncode not in (0, 1):
        raise SystemExit(f"specmesh {' '.join(args)} exited {done.returncode}:\n{done.stderr[-2000:]!r}")
    return time.perf_counter() - start


def measure(root: Path, args: list[str], rounds: int) -> dict[str, float]:
    """Median wall time of each flavour of `args`, interleaved round by round."""
    flavours: dict[str, tuple[Run, list[str]]] = {
        "terminal, status line": (on_terminal, args),
        "pipe, console lines": (in_a_pipe, args),
        "terminal, -q (baseline)": (on_terminal, ["-q", *args]),
    }
    times: dict[str, list[float]] = {name: [] for name in flavours}
    names = list(flavours)
    for turn in range(rounds):
        # each round starts with the next flavour: in a fixed order the baseline ran last in every
        # round and came out twice as slow as the others (an order effect, not a cost)
        for name in names[turn % len(names):] + names[:turn % len(names)]:
            run, argv = flavours[name]
            times[name].append(run(argv, root))
    return {name: statistics.median(values) for name, values in times.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=1000, help="features (default 1000)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds per case (default 5)")
    parser.add_argument("--keep", type=Path, help="generate the tree here and keep it")
    args = parser.parse_args(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="specmesh-progress-"))
    try:
        generate(work, args.n)
        in_a_pipe(["plan"], work)  # every plan rendered once: the no-op case has nothing to do
        print(f"specmesh plan at {args.n} features, median of {args.rounds} interleaved rounds")
        for case, plan_args in (("no-op", ["plan"]), ("all run (--check)", ["plan", "--check"])):
            figures = measure(work, plan_args, args.rounds)
            base = figures["terminal, -q (baseline)"]
            for name, seconds in figures.items():
                print(f"  {case:<18} {name:<24} {seconds:7.3f} s  {seconds / base:5.2f}x")
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
