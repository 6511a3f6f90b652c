"""`specmesh plan` end to end: nothing a person typed is lost (issue 13).

A save landing while plan.md is written: the "person" is a hook installed in the subprocess through
a `sitecustomize` module; it saves the file as an editor does (temporary file + rename) once,
exactly between our read of the file and our rename over it. Deterministic: no sleeps, no timing.
`--force` regenerates generated text only.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TREE = REPO / "tests" / "resources" / "plan_tree"
LOAN = Path(".specify/specs/features/sloan001-lending")
HOOK = '''
import os
from pathlib import Path

from specmesh_tasks import fsutil

done = []


def save_once(path):
    if done or path.name != {name!r}:
        return
    done.append(path)
    text = path.read_text(encoding="utf-8").replace({old!r}, {new!r}, 1)
    tmp = path.with_name("." + path.name + ".swp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


fsutil._before_replace = save_once
'''
Run = Callable[..., subprocess.CompletedProcess[str]]


def with_hook(tmp_path: Path, name: str, old: str, new: str) -> dict[str, str]:
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(HOOK.format(name=name, old=old, new=new), encoding="utf-8")
    return {"PYTHONPATH": f"{hooks}:{REPO}", "SOURCE_DATE_EPOCH": "1767225600"}


def test_a_plan_saved_while_specmesh_plan_writes_it_keeps_the_save(run_specmesh: Run, tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(TREE, root)
    plain = {"PYTHONPATH": str(REPO), "SOURCE_DATE_EPOCH": "1767225600"}
    run_specmesh("plan:S-LOAN-001", cwd=root, env=plain)
    spec = root / LOAN / "spec.md"
    spec.write_text(spec.read_text(encoding="utf-8").replace(": Borrow a book", ": Borrow a copy"),
                    encoding="utf-8")
    mine = "- Rollback strategy: switch the desk back to paper cards\n"
    env = with_hook(tmp_path, "plan.md", "- Rollback strategy:\n", mine)
    result = run_specmesh("plan:S-LOAN-001", cwd=root, env=env)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    text = (root / LOAN / "plan.md").read_text(encoding="utf-8")
    assert mine in text and "(Borrow a copy" in text
    assert not list((root / LOAN).glob(".plan.md.*"))  # no temporary file left behind


NOTES = """
## 12. Team notes

Our markers look like this:

```markdown
<!-- specmesh:begin header sha=0123456789ab -->
<!-- specmesh:end header -->
```

- A note of mine that ends in a marker-like comment <!-- specmesh:note sha=aaaaaaaaaaaa -->
"""


def test_force_regenerates_generated_text_only(run_specmesh: Run, tmp_path: Path) -> None:
    root = tmp_path / "repo"
    shutil.copytree(TREE, root)
    env = {"PYTHONPATH": str(REPO), "SOURCE_DATE_EPOCH": "1767225600"}
    assert run_specmesh("plan:S-LOAN-001", cwd=root, env=env).returncode == 0
    plan = root / LOAN / "plan.md"
    text = plan.read_text(encoding="utf-8").replace("<!-- specmesh:end header -->\n", "") + NOTES
    plan.write_text(text, encoding="utf-8")
    spec = root / LOAN / "spec.md"
    spec.write_text(spec.read_text(encoding="utf-8").replace("Related Issue(s): #12", "Related Issue(s): #14"),
                    encoding="utf-8")
    broken = run_specmesh("plan:S-LOAN-001", cwd=root, env=env)
    assert broken.returncode == 1 and "'header' has no end marker" in broken.stderr
    assert "note" not in broken.stderr.split("has no end marker")[-1]  # the notes are no conflict
    forced = run_specmesh("plan:S-LOAN-001", "--force", cwd=root, env=env)
    assert forced.returncode == 0, forced.stderr
    text = plan.read_text(encoding="utf-8")
    assert text.endswith(NOTES)  # the fenced example and the marker-like line stay in plan.md
    assert "Issue(s): #14" in text and "<!-- specmesh:end header -->" in text  # header generated again
    spec.write_text(spec.read_text(encoding="utf-8").replace("Related Issue(s): #14", "Related Issue(s): #15"),
                    encoding="utf-8")
    assert run_specmesh("plan:S-LOAN-001", cwd=root, env=env).returncode == 0
    assert "Issue(s): #15" in plan.read_text(encoding="utf-8")  # and updated from then on
