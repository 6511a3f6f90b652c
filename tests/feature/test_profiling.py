"""`python -m cProfile -o FILE` over the `specmesh` command writes its profile on every Python.

(cProfile writes its results after the program returns, so the command must end with a normal
interpreter exit; on Python 3.12+ cProfile uses `sys.monitoring`, which no exit shortcut that
asks `sys.getprofile()` could see.)
"""

from __future__ import annotations

import os
import pstats
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def profiled(tmp_path: Path, root: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], Path]:
    out = tmp_path / "out.prof"
    env = {k: v for k, v in os.environ.items() if k != "SPECMESH_ROOT"}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")])
    done = subprocess.run([sys.executable, "-m", "cProfile", "-o", str(out), "-m", "specmesh_tasks.cli",
                           "--root", str(root), *args],
                          cwd=tmp_path, env=env, capture_output=True, text=True, check=False, timeout=300)
    return done, out


def test_a_profiled_gates_run_writes_a_profile(tmp_path: Path, example_copy: Path) -> None:
    done, out = profiled(tmp_path, example_copy, "gates")
    assert done.returncode == 0, done.stderr
    stats = pstats.Stats(str(out))
    assert any("specmesh_tasks" in filename for filename, _, _ in stats.stats)  # type: ignore[attr-defined]


def test_a_profiled_failing_run_still_writes_its_profile(tmp_path: Path, example_copy: Path) -> None:
    done, out = profiled(tmp_path, example_copy, "no-such-task")  # (cProfile itself exits 0 on SystemExit)
    assert "unknown task" in done.stderr and "Traceback" not in done.stderr
    assert pstats.Stats(str(out)).total_calls > 0  # type: ignore[attr-defined]
