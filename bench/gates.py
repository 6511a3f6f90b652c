"""Benchmark `specmesh gates` on a generated tree (issue 4): cold, no-op, one file changed.

    .venv/bin/python bench/gates.py [--n 1000] [--repeat 5] [--work DIR] [--keep]

Generates N feature specs of about 200 lines (use cases, FR/SC/rule tables, dependency tables
citing the domain and screen specs, a dependency on the previous feature, Japanese prose), a
domain spec with every feature in its Feature Index, a screen spec and a matrix. Then, in one
run, times (median of --repeat):

- `python -c "import doit"`;
- the doit floor: a dodo with N tasks, each one file_dep, one target and a Python copy action,
  `--backend json`, no-op run;
- `specmesh gates` cold (every cache deleted), no-op (nothing changed) and after one feature spec
  changed (a different edit each time): once by an edit within a line (the quick re-run: only that
  file's one-file rules run again, see `gates/run.py`) and once by a line added at its top (every
  ID in the file moves, so the cross-file rules run again over the whole tree).

Goals: no-op <= 1.2x the floor; one file changed <= 1.5x the floor; cold <= 4x `import doit`.
`specmesh gates` is the bundled command (`python -m specmesh_tasks.cli gates`) when the bundled
dodo loads; otherwise a dodo holding only `task_gates` (the report says which).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MASTERS = [f"M-ITEM{k}" for k in range(10)]
APIS = [f"API-ITEM{k}-LIST" for k in range(20)]
SCREENS = [f"SCR-{k:03d}" for k in range(1, 11)]


def area(i: int) -> str:
    """A unique AREA of letters only: 0 -> AA, 1 -> AB, ..."""
    letters = ""
    n = i
    while True:
        letters = chr(65 + n % 26) + letters
        n //= 26
        if n == 0:
            break
    return "A" + letters.rjust(2, "A")


def feature_dir(i: int) -> str:
    return f".specify/specs/features/s{area(i).lower()}001-feature-{i}"


def feature_spec(i: int) -> str:
    """A feature spec of about 200 lines that passes the gates."""
    a = area(i)
    ucs = [f"UC-{a}-{k:03d}" for k in (1, 2, 3)]
    frs = [f"FR-{a}-{k:03d}" for k in range(1, 13)]
    out = [
        f"# Feature Spec: 機能 {i}", "", "Spec Type: Feature", f"Spec ID: S-{a}-001", "Created: 2025-11-02",
        "Status: Draft", "Author: 山田 花子", f"Related Issue(s): #{i + 1}", "Related Domain: S-DOMAIN-001",
        "", "---", "", "## 1. Purpose and Scope", "", "### 1.1 Feature Description", "",
        f"**What this feature does:** 会員が本を借りる（{MASTERS[i % 10]}。）ための機能 {i} です。",
        "**What problem it solves:** 紙の台帳では返却期限を管理できない。", "", "### 1.2 Scope", "",
        f"- In-scope: 貸出と延長 (「借りる」 in {ucs[0]})", "- Out-of-scope: 予約", "",
        "## 2. Domain Dependencies", "", "### 2.1 Master Data Dependencies", "",
        "| Master ID | Name | Usage in this Feature |", "|---|---|---|",
        *(f"| {m} | マスタ | 参照 |" for m in (MASTERS[i % 10], MASTERS[(i + 3) % 10])), "",
        "### 2.2 API Dependencies", "", "| API ID | Name | Usage |", "|---|---|---|",
        *(f"| {api} | 一覧 | 取得 |" for api in (APIS[i % 20], APIS[(i + 7) % 20])), "",
        "### 2.3 Business Rules Dependencies", "", "| Rule ID | Description | How it applies |",
        "|---|---|---|", f"| BR-{i % 5 + 1:03d} | 上限 | 貸出時 |", "",
        "### 2.4 Feature Dependencies", "", "| Feature ID | Type | Description |", "|---|---|---|",
        *([f"| S-{area(i - 1)}-001 | Hard | 前提 |"] if i else []), "",
        "## 3. Actors", "", "| Actor | Role in this Feature |", "|---|---|", "| 会員 | 借りる |", "",
        "## 4. User Stories / Use Cases", "",
    ]
    for k, uc in enumerate(ucs):
        out += [f"### {uc}: 操作 {k + 1}", "", "**Priority:** P1", "", "**Actor:** 会員", "",
                "**Main Flow:**", "1. 会員が画面を開く", "2. 会員が本を選ぶ", "3. システムが記録する", "",
                "**Acceptance Criteria:**", "- [ ] 記録が残る", "- [ ] 画面に表示される", ""]
    out += ["## 5. Functional Requirements (FR)", "", "| FR ID | Description | Related UC | Priority |",
            "|---|---|---|---|"]
    out += [f"| {fr} | 要件 {n} を満たす | {ucs[n % 3]} | P1 |" for n, fr in enumerate(frs)]
    out += ["", "## 6. Edge Cases and Error Handling", "", "| Case | Trigger | Expected Behavior |",
            "|---|---|---|", *(f"| 例外 {k} | 入力 {k} | エラー {k} |" for k in range(8)), "",
            "## 7. Success Criteria (SC)", "", "| SC ID | Description | Measurement |", "|---|---|---|",
            *(f"| SC-{a}-{k:03d} | 成功 {k} | 計測 |" for k in range(1, 5)), "",
            "## 8. Screen Dependencies", "", "### 8.1 Related Screens", "",
            "| Screen ID | Name | Usage in this Feature |", "|---|---|---|",
            f"| {SCREENS[i % 10]} | 画面 | 主 |", "",
            "## 9. Feature-Specific Rules", "", "| Rule ID | Description |", "|---|---|",
            *(f"| FR-RULE-{k:03d} | 規則 {k} |" for k in range(1, 4)), "",
            "## 10. Testing Strategy", "", "| UC/FR | Test Type | Test Description |", "|---|---|---|",
            *(f"| {fr} | Unit | 確認 |" for fr in frs[:8]), "",
            "## 11. Open Questions", "", "- [x] 延長は何回まで？ (2回)", "",
            "## 12. Clarifications", "", "| Date | Question | Answer | Impact |", "|---|---|---|---|",
            "| 2025-11-03 | 延長回数 | 2回 | FR |", "",
            "## 13. Traceability", "", "- Domain: S-DOMAIN-001", "",
            "## 15. Changelog", "", "| Date | Change Type | Description | Issue |", "|---|---|---|---|",
            f"| 2025-11-02 | Created | 初版 | #{i + 1} |", ""]
    while len(out) < 200:
        out.append(f"補足 {len(out)}: 貸出の運用は図書館の規則に従う。")
    return "\n".join(out) + "\n"


def domain_spec(n: int) -> str:
    out = ["# Domain Spec: Library", "", "Spec Type: Domain", "Spec ID: S-DOMAIN-001", "Created: 2025-11-01",
           "Status: Approved", "Author: 図書館チーム", "", "---", "",
           "## 3. Master Data Definitions (M-*)", ""]
    for m in MASTERS:
        out += [f"### {m}: マスタ", "", "**Purpose:** 記録する。", ""]
    out += ["## 4. API Contracts (API-*)", ""]
    for api in APIS:
        out += [f"### {api}: 一覧", "", "**Purpose:** 取得する。", ""]
    out += ["## 5. Business Rules", "", "### 5.1 Domain Rules", "", "| Rule ID | Description | Applies To |",
            "|---|---|---|", *(f"| BR-{k:03d} | 規則 {k} | M-ITEM0 |" for k in range(1, 6)), "",
            "## 8. Feature Index", "", "| Feature ID | Title | Path | Status |", "|---|---|---|---|"]
    out += [f"| S-{area(i)}-001 | 機能 {i} | {feature_dir(i)}/spec.md | Draft |" for i in range(n)]
    return "\n".join(out) + "\n"


def screen_spec() -> str:
    out = ["# Screen Spec: Library", "", "Spec Type: Screen", "Spec ID: S-SCREEN-001", "Created: 2025-11-01",
           "Status: Approved", "Author: 図書館チーム", "", "---", "", "## 2. Screen Index", "",
           "| Screen ID | Name | Journey | Status |", "|---|---|---|---|"]
    out += [f"| {s} | 画面 {s} | J-1 | Planned |" for s in SCREENS]
    return "\n".join(out) + "\n"


def matrix(n: int) -> str:
    import json

    screens = {s: {"name": s, "masters": [MASTERS[k]], "apis": [APIS[k], APIS[k + 10]]}
               for k, s in enumerate(SCREENS)}
    features = {f"S-{area(i)}-001": {"title": f"機能 {i}", "screens": [SCREENS[i % 10]],
                                     "masters": sorted({MASTERS[i % 10], MASTERS[(i + 3) % 10]}),
                                     "apis": sorted({APIS[i % 20], APIS[(i + 7) % 20]})} for i in range(n)}
    permissions = {api: ["*"] for api in APIS}
    return json.dumps({"screens": screens, "features": features, "permissions": permissions},
                      ensure_ascii=False, indent=1) + "\n"


def generate(root: Path, n: int) -> None:
    files = {
        ".specify/specs/overview/domain/spec.md": domain_spec(n),
        ".specify/specs/overview/screen/spec.md": screen_spec(),
        ".specify/specs/overview/matrix/cross-reference.json": matrix(n),
    }
    files.update({f"{feature_dir(i)}/spec.md": feature_spec(i) for i in range(n)})
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


FLOOR_DODO = '''
import shutil
from pathlib import Path

DOIT_CONFIG = {"backend": "json", "dep_file": "floor.doit.json", "verbosity": 0}
N = %d


def copy(src, dst):
    shutil.copyfile(src, dst)


def task_copy():
    Path("out").mkdir(exist_ok=True)
    for i in range(N):
        src, dst = f"in/{i}.txt", f"out/{i}.txt"
        yield {"name": str(i), "file_dep": [src], "targets": [dst], "actions": [(copy, [src, dst])]}
'''

GATES_DODO = '''
from specmesh_tasks.reporter import SpecmeshReporter
from specmesh_tasks.tasks.gates import task_gates

DOIT_CONFIG = {"backend": "json", "dep_file": %r, "reporter": SpecmeshReporter}
'''


def timed(cmd: list[str], cwd: Path, env: dict[str, str], ok: tuple[int, ...] = (0,)) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          check=False)
    elapsed = time.perf_counter() - start
    if done.returncode not in ok:
        raise SystemExit(f"{' '.join(cmd)} exited {done.returncode}:\n{done.stderr[-2000:]}")
    return elapsed


def median_of(repeat: int, run: Callable[[], float], before: Callable[[int], None] | None = None) -> float:
    times = []
    for k in range(repeat):
        if before is not None:
            before(k)
        times.append(run())
    return statistics.median(times)


def gates_command(work: Path, root: Path, env: dict[str, str], only: bool) -> tuple[list[str], str]:
    """The bundled `specmesh gates` when the bundled dodo loads, else a gates-only dodo."""
    probe = subprocess.run([sys.executable, "-c", "import specmesh_tasks.dodo"], cwd=work, env=env,
                           capture_output=True, text=True, check=False)
    if probe.returncode == 0 and not only:
        return [sys.executable, "-m", "specmesh_tasks.cli", "gates"], "specmesh gates (bundled dodo)"
    dodo = work / "gates_dodo.py"
    dodo.write_text(GATES_DODO % str(work / "gates.doit.json"), encoding="utf-8")
    return [sys.executable, "-m", "doit", "-f", str(dodo), "gates"], "doit gates (dodo with task_gates only)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--gates-only", action="store_true",
                        help="time a dodo holding only task_gates, even when the bundled dodo loads")
    args = parser.parse_args(argv)
    work = Path(args.work or tempfile.mkdtemp(prefix="bench-gates-"))
    work.mkdir(parents=True, exist_ok=True)
    root = work / "tree"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(SPECMESH_ROOT=str(root), PYTHONPATH=os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")]))
    try:
        return run_bench(work, root, env, args.n, args.repeat, args.gates_only)
    finally:
        if not args.keep and args.work is None:
            shutil.rmtree(work, ignore_errors=True)


def run_bench(work: Path, root: Path, env: dict[str, str], n: int, repeat: int, only: bool) -> int:
    generate(root, n)
    floor_dir = work / "floor"
    (floor_dir / "in").mkdir(parents=True)
    for i in range(n):
        (floor_dir / "in" / f"{i}.txt").write_text(str(i), encoding="utf-8")
    (floor_dir / "dodo.py").write_text(FLOOR_DODO % n, encoding="utf-8")
    time.sleep(2.1)  # let every generated file fall out of the racy window (freshness.RACY_NS, 2 s)
    doit_cmd = [sys.executable, "-m", "doit"]

    import_doit = median_of(repeat, lambda: timed([sys.executable, "-c", "import doit"], work, env))
    timed([*doit_cmd, "--backend", "json"], floor_dir, env)  # first run builds the targets
    floor = median_of(repeat, lambda: timed([*doit_cmd, "--backend", "json"], floor_dir, env))

    cmd, label = gates_command(work, root, env, only)
    cache = root / ".specify" / ".cache"

    def clear(_k: int) -> None:
        shutil.rmtree(cache, ignore_errors=True)
        for stray in work.glob("*.doit.json*"):
            stray.unlink()

    def gates() -> float:
        return timed(cmd, work, env, ok=(0, 1))

    cold = median_of(repeat, gates, clear)
    gates()  # warm every cache after the last cold run
    time.sleep(2.1)
    noop = median_of(repeat, gates)
    target = root / feature_dir(n // 2) / "spec.md"
    original = target.read_text(encoding="utf-8")

    def change(k: int) -> None:
        target.write_text(original.replace("初版", f"初版 (edit {k})"), encoding="utf-8")

    one = median_of(repeat, gates, change)

    def move(k: int) -> None:  # k + 1 lines added at the top: every ID in the file moves (again), so
        # the cross-file rules run over the whole tree
        added = "".join(f"補足 (move {k}.{j})\n\n" for j in range(k + 1))
        target.write_text(original.replace("## 1. Purpose", added + "## 1. Purpose", 1), encoding="utf-8")

    moved = median_of(repeat, gates, move)
    share = in_process_share(root, target, original, repeat)
    target.write_text(original, encoding="utf-8")

    print(f"gates bench: {n} features x ~200 lines, median of {repeat}, python {sys.version.split()[0]}")
    print(f"command: {label}")
    rows = [
        ("python -c 'import doit'", import_doit, ""),
        ("doit floor (no-op, N file_dep tasks)", floor, ""),
        ("gates cold (no cache)", cold, f"{cold / import_doit:.2f}x import doit (goal <= 4x)"),
        ("gates no-op", noop, f"{noop / floor:.2f}x floor (goal <= 1.2x)"),
        ("gates one file changed", one, f"{one / floor:.2f}x floor (goal <= 1.5x)"),
        ("gates one file changed, lines moved", moved, f"{moved / floor:.2f}x floor (every rule re-run)"),
    ]
    for name, seconds, note in rows:
        print(f"  {name:<40} {seconds * 1000:8.0f} ms  {note}")
    print("in process, one file changed (where the time goes):")
    for name, seconds in share:
        print(f"  {name:<40} {seconds * 1000:8.0f} ms")
    return 0


def in_process_share(root: Path, target: Path, original: str, repeat: int) -> list[tuple[str, float]]:
    """After one edit: the whole gates run, the reader's `load_repo` alone, and the rules alone."""
    sys.path.insert(0, str(REPO))
    from specmesh_tasks.config import load_settings
    from specmesh_tasks.gates.context import RuleContext
    from specmesh_tasks.gates.evaluate import evaluate
    from specmesh_tasks.gates.run import run_gates
    from specmesh_tasks.gctune import collector_paused
    from specmesh_tasks.load import load_repo

    settings = load_settings(root)
    whole, reader, rules = [], [], []
    for k in range(repeat):
        target.write_text(original.replace("初版", f"初版 (in-process {k})"), encoding="utf-8")
        start = time.perf_counter()
        run_gates(root, settings)
        whole.append(time.perf_counter() - start)
        target.write_text(original.replace("初版", f"初版 (reader {k})"), encoding="utf-8")
        start = time.perf_counter()
        repo = load_repo(root, settings)
        reader.append(time.perf_counter() - start)
        start = time.perf_counter()
        with collector_paused():  # as run_gates runs them
            evaluate(repo, RuleContext(root, settings))
        rules.append(time.perf_counter() - start)
    return [("run_gates (whole action, same-line edit)", statistics.median(whole)),
            ("  load_repo (the reader, parse cache)", statistics.median(reader)),
            ("  every rule, no per-spec cache", statistics.median(rules))]


if __name__ == "__main__":
    raise SystemExit(main())
