"""Benchmark the spec reader: time to read N feature specs' bytes vs time to parse them.

    python bench/parse.py [--n 1000] [--repeat 3] [--keep DIR]

Generates N feature specs of about 200 lines (template-shaped, with Japanese prose, tables, use
cases, markers and a kept template comment) in a temporary directory, then in one run times
reading every file's bytes (warm page cache) and decoding + `parse_spec` of those bytes (as
`load_repo` does: `decode_bytes`, then the parse, with the cyclic GC paused as `load_repo` runs
it). Every field of the model is built eagerly, so this is the whole reading cost. Prints both,
per file and in total, and the ratio (goal: parse <= 10x read), plus `load_repo` on the same
tree: without the parse cache, with it (unpickled, as in a new process) and with the entries this
process already holds; and, as a reference, `regex_skeleton` (a few whole-text regex passes, no
model: a floor for any CPython reader). Each figure is the best of `--repeat` rounds (the machine is noisy: the
load average is printed with them).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from specmesh_tasks.load import load_repo
from specmesh_tasks.parse import cache as parse_cache
from specmesh_tasks.parse.source import decode_bytes
from specmesh_tasks.parse.spec import parse_spec

AREAS = ("LOAN", "BOOK", "MEMBER", "AUTH", "SEARCH", "REPORT", "ORDER", "NOTIFY")


def feature_spec(i: int) -> str:
    """A feature spec of about 200 lines, filled like a real one."""
    area = AREAS[i % len(AREAS)] + ("" if i < len(AREAS) else chr(65 + (i // len(AREAS)) % 26))
    num = f"{i % 1000:03d}"
    ucs = [f"UC-{area}-{k:03d}" for k in (1, 2, 3)]
    out = [
        f"# Feature Spec: 機能 {i} (Feature {i})", "",
        "<!--", "  Spec ID format: S-{AREA}-001", "  Spec Status:", "    - DRAFT: initial", "-->", "",
        "Spec Type: Feature", f"Spec ID: S-{area}-{num}", "Created: 2025-11-02", "Status: Approved",
        "Author: 山田 花子", f"Related Issue(s): #{i}", "Related Vision: S-VISION-001",
        "Related Domain: S-DOMAIN-001", "Related Screen: S-SCREEN-001", "", "---", "",
        "## 1. Purpose and Scope", "", "### 1.1 Feature Description", "",
        f"**What this feature does:** 会員が本を借りる（M-LOAN。）ための機能 {i} です。",
        "**What problem it solves:** 紙の台帳では返却期限を管理できない。", "",
        "### 1.2 Scope", "", f"- In-scope: 貸出と延長 (「借りる」 in {ucs[0]})", "- Out-of-scope: 予約",
        "", "---", "", "## 2. Domain Dependencies", "", "### 2.1 Master Data Dependencies", "",
        "| Master ID | Name | Usage in this Feature |", "|---|---|---|",
        "| M-BOOK | 書籍 | 貸出対象 |", "| M-MEMBER | 会員 | 借りる人 |", "| M-LOAN | 貸出 | 記録 |", "",
        "### 2.2 API Dependencies", "", "| API ID | Name | Usage |", "|---|---|---|",
        "| API-LOAN-CREATE | 貸出登録 | 登録 |", "| API-AUTH-* | 認証 | ログイン |", "",
        "### 2.3 Business Rules Dependencies", "", "| Rule ID | Description | How it applies |",
        "|---|---|---|", "| BR-001 | 1人5冊まで | 事前チェック |", "| VR-002 | 会員番号は8桁 | 入力 |", "",
        "### 2.4 Feature Dependencies", "", "| Feature ID | Type | Description |", "|---|---|---|",
        "| S-MEMBER-001 | Hard | 会員登録が先 |", "", "---", "",
        "## 3. Actors", "", "| Actor | Role in this Feature |", "|---|---|", "| 司書 | 登録する |",
        "| 会員 | 借りる |", "", "---", "", "## 4. User Stories / Use Cases", "",
    ]
    for k, uc in enumerate(ucs, 1):
        out += [
            f"### {uc}: ユースケース {k}", "", f"**Priority:** P{k}", "**Actor:** 司書 (Librarian)",
            "**Pre-conditions:** ログイン済み", "**Main Flow:**", f"1. 司書が SCR-00{k} を開く",
            "2. 本のバーコードを読む", "3. システムが M-LOAN を作る", "", "**Alternate Flows:**",
            "- 上限超過: BR-001 によりエラー", "", "**Post-conditions:** 記録ができる", "",
            "**Acceptance Criteria:**", "- [ ] 貸出が記録される", "- [ ] 期限が表示される",
            "- [x] 会員名が表示される" + (" [DEFERRED: PM承認待ち]" if k == 2 else ""), "",
        ]
    out += ["---", "", "## 5. Functional Requirements (FR)", "",
            "| FR ID | Description | Related UC | Priority |", "|---|---|---|---|"]
    out += [f"| FR-{area}-{k:03d} | 要件 {k} を満たす | {ucs[k % 3]} | P{1 + k % 3} |" for k in range(1, 7)]
    out += [
        "", "---", "", "## 6. Edge Cases and Error Handling", "", "| Case | Trigger | Expected Behavior |",
        "|---|---|---|", "| 上限超過 | 6冊目 | エラー |", "| 二重貸出 | 同じ本 | 拒否 |", "", "---", "",
        "## 7. Success Criteria (SC)", "", "| SC ID | Description | Measurement |", "|---|---|---|",
        f"| SC-{area}-001 | 30秒以内 | ログ |", "", "---", "", "## 8. Screen Dependencies", "",
        "### 8.1 Related Screens", "", "| Screen ID | Name | Usage in this Feature |", "|---|---|---|",
        "| SCR-001 | 貸出画面 | メイン |", "| SCR-002 | マイページ | 延長 |", "",
        "### 8.2 Feature-Specific UI States", "", "- Loading: スピナー", "- Empty: なし", "- Error: 表示", "",
        "---", "", "## 9. Feature-Specific Rules", "", "| Rule ID | Description |", "|---|---|",
        "| FR-RULE-001 | 延滞中は借りられない |", "", "---", "", "## 10. Testing Strategy", "",
        "### 10.1 Test Coverage", "", "| UC/FR | Test Type | Test Description |", "|---|---|---|",
        f"| {ucs[0]} | E2E | 貸出 |", f"| FR-{area}-002 | Unit | 期限計算 |",
        "",
        "### 10.2 Critical Edge Cases", "", "- [ ] 二重に貸し出さない", "", "---", "",
        "## 11. Open Questions", "",
        "- [ ] 土日の期限は？" + (" [NEEDS CLARIFICATION]" if i % 7 == 0 else ""),
        "", "---", "", "## 12. Clarifications", "", "| Date | Question | Answer | Impact |",
        "|---|---|---|---|", "| 2025-11-05 | 上限は？ | 5冊 | BR-001 |", "", "---", "",
        "## 13. Traceability", "", "- Vision: S-VISION-001", "- Domain: S-DOMAIN-001 (M-BOOK, M-LOAN)",
        f"- Plan: `.specify/specs/features/f{i}/plan.md`", "", "---", "", "## 14. Original Input", "",
        "```text", "本を借りられるようにしたい。", "## not a heading", "```", "", "---", "",
        "## 15. Changelog", "", "| Date | Change Type | Description | Issue |", "|---|---|---|---|",
        f"| 2025-11-02 | Created | 初版 | #{i} |", "", "---", "", "## 16. Implementation Notes", "",
        "- [HUMAN_CHECKPOINT] approved", "<!-- specmesh: ignore SM204 -->", "- `[TODO]` is code",
    ]
    return "\n".join(out) + "\n"


_SKELETON_HEADING = re.compile(r"^(#{1,6}) (.*)$", re.M)
_SKELETON_ROW = re.compile(r"^\|(.*)\|[ \t]*$", re.M)
_SKELETON_ID = re.compile(r"\b(?:S|UC|FR|SC|M|API|BR|VR|CR|SCR|T|F)-[A-Z0-9]+(?:-[A-Z0-9]+)*\b")


def regex_skeleton(data: bytes) -> object:
    """A reference, not a reader: the least a spec reader must do, done by a few whole-text regex
    passes in C, with none of the model (no fences, comments, sections, line numbers, records).

    Decode, split into lines, find the headings, split the table rows into cells, find every
    ID-shaped token with its offset, and one digest per 8 lines (about what the per-section and
    per-requirement digests cost). What this costs per file is a floor for any CPython reader
    that builds the issue's model: the reader's own figure can only be higher.
    """
    text = data.decode("utf-8")
    lines = text.split("\n")
    headings = [(m.start(), m.group(2)) for m in _SKELETON_HEADING.finditer(text)]
    rows = [m.group(1).split("|") for m in _SKELETON_ROW.finditer(text)]
    ids = [(m.start(), m.group()) for m in _SKELETON_ID.finditer(text)]
    digests = [hashlib.blake2b(line.encode(), digest_size=8).digest() for line in lines[::8]]
    return headings, rows, ids, digests


def best_of(rounds: int, run: Callable[[], object]) -> float:
    """The fastest of `rounds` runs, in seconds."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1000, help="number of feature specs (default 1000)")
    parser.add_argument("--repeat", type=int, default=3, help="rounds per figure; the best is kept")
    parser.add_argument("--keep", type=Path, help="generate into this directory and keep it")
    args = parser.parse_args(argv)
    root = args.keep or Path(tempfile.mkdtemp(prefix="specmesh-bench-"))
    try:
        return run_bench(root, args.n, args.repeat)
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


def run_bench(root: Path, n: int, repeat: int) -> int:
    paths = []
    for i in range(n):
        path = root / ".specify" / "specs" / "features" / f"f{i:05d}" / "spec.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(feature_spec(i), encoding="utf-8")
        paths.append(path)
    rels = [p.relative_to(root).as_posix() for p in paths]
    datas = [p.read_bytes() for p in paths]  # also warms the page cache
    lines = sum(d.count(b"\n") for d in datas) / n
    read = best_of(repeat, lambda: [p.read_bytes() for p in paths])

    def parse_all() -> None:
        [parse_spec(decode_bytes(d, r)[0], r) for d, r in zip(datas, rels)]  # noqa: B905

    parse = best_of(repeat, parse_all)
    skeleton = best_of(repeat, lambda: [regex_skeleton(d) for d in datas])
    cache = root / ".specify" / ".cache"

    def cold_load() -> None:
        shutil.rmtree(cache, ignore_errors=True)
        load_repo(root)

    cold = best_of(repeat, cold_load)

    def unpickled_load() -> None:
        parse_cache._IN_MEMORY.clear()  # as a fresh process: read and unpickle the cache file
        load_repo(root)

    warm = best_of(repeat, unpickled_load)
    held = best_of(repeat, lambda: load_repo(root))
    per = 1e6 / n
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"specs: {n} feature specs, {lines:.0f} lines each on average (load average {load})")
    print(f"read bytes:         {read * 1e3:8.1f} ms  ({read * per:6.1f} us/file)")
    print(f"decode + parse_spec:{parse * 1e3:8.1f} ms  ({parse * per:6.1f} us/file, GC paused)")
    print(f"ratio parse/read:   {parse / read:8.1f} x   (goal <= 10x)")
    print(f"regex skeleton:     {skeleton * 1e3:8.1f} ms  ({skeleton * per:6.1f} us/file, "
          f"{skeleton / read:.1f}x read; reference, see regex_skeleton)")
    print(f"load_repo, no cache:{cold * 1e3:8.1f} ms  ({cold * per:6.1f} us/file)")
    print(f"load_repo, cached:  {warm * 1e3:8.1f} ms  ({warm * per:6.1f} us/file, cache file unpickled)")
    print(f"load_repo, held:    {held * 1e3:8.1f} ms  ({held * per:6.1f} us/file, same process, stat only)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
