"""Progress on stderr: a status line rewritten in place on a terminal (tested through a real
pseudo-terminal), plain lines in a pipe, and stdout left to machine formats."""

from __future__ import annotations

import json
import os
import pty
import re
import subprocess
from pathlib import Path

from tests.conftest import specmesh_command

RESERVE = ".specify/specs/features/sreserve001-book-reservation/spec.md"
STATUS = re.compile(r"\[\d+/\d+\]( \w+)? · \d+ ran")


def block_a_feature(root: Path) -> None:
    """Approve the spec that still has [NEEDS CLARIFICATION]: its plan is blocked."""
    spec = root / RESERVE
    spec.write_text(spec.read_text(encoding="utf-8").replace("Status: Draft", "Status: Approved"), encoding="utf-8")


def run_on_terminal(args: list[str], cwd: Path) -> tuple[int, str, str]:
    """`specmesh ARGS` with stderr on a pseudo-terminal; (exit code, raw terminal bytes, stdout)."""
    leader, follower = pty.openpty()
    env = {k: v for k, v in os.environ.items() if k != "SPECMESH_ROOT"}
    proc = subprocess.Popen([*specmesh_command(), *args], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=follower)
    os.close(follower)
    raw = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the other end is closed: the process is done
            break
        if not chunk:
            break
        raw += chunk
    os.close(leader)
    out = proc.stdout.read().decode() if proc.stdout else ""
    return proc.wait(timeout=120), raw.decode(), out


def screen(raw: str) -> list[str]:
    """The lines a terminal shows for `raw`: `\\r` returns to column 0, `ESC[K` erases to the end
    of the line, `\\n` starts the next line (a tiny terminal, enough for what we write)."""
    lines, line, col = [], "", 0
    for token in re.findall(r"\x1b\[K|\r|\n|[^\r\n\x1b]+", raw):
        if token == "\r":
            col = 0
        elif token == "\n":
            lines.append(line)
            line, col = "", 0
        elif token == "\x1b[K":
            line = line[:col]
        else:
            line = line[:col] + token + line[col + len(token):]
            col += len(token)
    return [*lines, line] if line else lines


def test_on_a_terminal_one_status_line_is_rewritten_and_notes_sit_above_it(example_copy: Path) -> None:
    block_a_feature(example_copy)
    (example_copy / ".specify/specs/features/sloan001-book-lending/plan.md").unlink()  # a note: created
    code, raw, out = run_on_terminal(["plan"], example_copy)
    assert code == 1 and out == ""
    drawn = re.findall(r"\x1b\[K(\[\d+/\d+\][^\r\n\x1b]*)", raw)
    assert drawn and all(STATUS.match(d) for d in drawn)
    assert any(re.fullmatch(r"\[\d+/\d+\] plan · \d+ ran, 1 blocked", d) for d in drawn), drawn
    shown = screen(raw)
    assert not any(STATUS.search(line) for line in shown), shown  # every note on a line of its own
    assert any(line.endswith("sloan001-book-lending/plan.md: created") for line in shown), shown
    assert any("blocked by the CLARIFY GATE" in line for line in shown)
    assert re.fullmatch(r"\d+ tasks: \d+ ran \(1 blocked\), \d+ up to date, 1 failed \(\d+\.\d\d s\)", shown[-1])


def test_in_a_pipe_plain_lines_without_control_characters(run_specmesh, example_copy: Path) -> None:  # type: ignore[no-untyped-def]
    assert run_specmesh("plan", cwd=example_copy).returncode == 0
    block_a_feature(example_copy)
    result = run_specmesh("plan", cwd=example_copy)
    assert result.returncode == 1
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", result.stderr)
    assert ".  plan:S-RESERVE-001\n" in result.stderr and "\n-- plan:S-LOAN-001\n" in "\n" + result.stderr
    assert "<stdout>:" not in result.stderr and "#####" not in result.stderr  # no empty output block
    assert "blocked by the CLARIFY GATE" in result.stderr


def test_machine_formats_own_stdout_even_on_a_terminal(example_copy: Path) -> None:
    code, raw, out = run_on_terminal(["gates", "--format", "json"], example_copy)
    assert code == 0
    assert isinstance(json.loads(out), dict)  # stdout holds the report and nothing else
    assert STATUS.search(raw)  # while the progress went to the terminal


def test_quiet_shows_no_progress_but_the_failures(example_copy: Path) -> None:
    block_a_feature(example_copy)
    for flag in ("-q", "--quiet"):
        code, raw, _out = run_on_terminal([flag, "plan"], example_copy)
        assert code == 1 and "\x1b" not in raw
        assert "blocked by the CLARIFY GATE" in raw
        assert not re.search(r"tasks: \d+ ran|^(\.|-)[ -] plan", raw, re.MULTILINE)
