"""doit's dependency store: written only on change, under the lock, healed when damaged; the file
checker sees every edit and records what a task read."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from doit.dependency import JSONCodec

from specmesh_tasks import doitdb
from specmesh_tasks.doitdb import MD5Checker, QuietJsonDB, read_inputs, same_value


def reopen(path: Path) -> QuietJsonDB:
    return QuietJsonDB(str(path), JSONCodec())


def test_unchanged_values_leave_the_file_alone(tmp_path: Path) -> None:
    path = tmp_path / "doit.json"
    db = reopen(path)
    db.set("plan:S-A-001", "deps:", ("a.md", "b.md"))
    db.dump()
    os.utime(path, ns=(1, 1))
    again = reopen(path)
    again.set("plan:S-A-001", "deps:", ("a.md", "b.md"))  # read back as a list: the same value
    again.dump()
    assert path.stat().st_mtime_ns == 1
    again.set("plan:S-A-001", "deps:", ("a.md",))
    again.dump()
    assert path.stat().st_mtime_ns != 1
    assert reopen(path).get("plan:S-A-001", "deps:") == ["a.md"]


def test_removals_are_written(tmp_path: Path) -> None:
    path = tmp_path / "doit.json"
    db = reopen(path)
    db.set("t", "x", "1")
    db.dump()
    again = reopen(path)
    again.remove("t")
    again.dump()
    assert not reopen(path).in_("t")


def test_same_value_reads_tuples_as_lists() -> None:
    assert same_value(["a", ["b"]], ("a", ("b",)))
    assert not same_value(["a"], ["b"])


# --------------------------------------------------------------------------- the file checker

def _checker_state(path: Path) -> Any:
    return MD5Checker().get_state(str(path), None)


def _modified(path: Path, state: Any) -> bool:
    return bool(MD5Checker().check_modified(str(path), os.stat(path), state))


def _settled_file(tmp_path: Path, text: str = "Status: Draft\n") -> Path:
    spec = tmp_path / "spec.md"
    spec.write_text(text, encoding="utf-8")
    return spec


def _copy_with_times(src: Path, dst: Path) -> None:
    """What `rsync -t` does: a temporary file beside the target, the source's times, a rename."""
    tmp = dst.with_name(f".{dst.name}.rsync")
    shutil.copyfile(src, tmp)
    st = os.stat(src)
    os.utime(tmp, ns=(st.st_atime_ns, st.st_mtime_ns))
    os.replace(tmp, dst)


@pytest.mark.parametrize("tool", ["touch -r", "cp -p", "rsync -t"])
def test_an_edit_that_keeps_size_and_mtime_is_seen(tmp_path: Path, settled_clock: None, tool: str) -> None:
    spec = _settled_file(tmp_path)
    reference = tmp_path / "reference"
    reference.write_text("Status: Final\n", encoding="utf-8")  # same size, other content
    os.utime(reference, ns=(1_000_000_000, 1_000_000_000))
    os.utime(spec, ns=(1_000_000_000, 1_000_000_000))
    state = _checker_state(spec)
    assert state[5] == 1 and not _modified(spec, state)  # settled and unchanged
    time.sleep(0.01)  # ctime ticks with a coarse clock: the edit must land in a later tick
    if tool == "touch -r":
        spec.write_text("Status: Final\n", encoding="utf-8")
        subprocess.run(["touch", "-r", str(reference), str(spec)], check=True)
    elif tool == "cp -p":
        subprocess.run(["cp", "-p", str(reference), str(spec)], check=True)
    else:
        _copy_with_times(reference, spec)
    after = os.stat(spec)
    assert (after.st_size, after.st_mtime_ns) == (state[0], state[1])  # what doit alone compares
    assert _modified(spec, state)


def test_a_racy_stamp_is_not_trusted_and_is_refreshed_once_the_content_is_known(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = _settled_file(tmp_path)
    state = _checker_state(spec)  # just written: the stamp may hide a second write in this tick
    assert state[5] == 0
    hashed: list[str] = []
    real = doitdb._file_md5
    monkeypatch.setattr(doitdb, "_file_md5", lambda path: hashed.append(path) or real(path))
    assert not _modified(spec, state) and hashed == [str(spec)]  # the md5 decides
    from specmesh_tasks import freshness

    monkeypatch.setattr(freshness, "now_ns", lambda: time.time_ns() + 3_600_000_000_000)
    db = reopen(tmp_path / "doit.json")
    db.set("plan:S-A-001", str(spec), state)
    assert not _modified(spec, state)  # settled now: remembered for the store
    db.dump()
    stored = reopen(tmp_path / "doit.json").get("plan:S-A-001", str(spec))
    assert stored[5] == 1 and stored[:5] == state[:5]
    hashed.clear()
    assert not _modified(spec, stored) and hashed == []  # no md5 any more


def test_doit_own_states_are_still_understood(tmp_path: Path) -> None:
    from doit.dependency import MD5Checker as DoitChecker

    spec = _settled_file(tmp_path)
    old = list(DoitChecker().get_state(str(spec), None))
    assert not _modified(spec, old)
    spec.write_text("Status: Final\n", encoding="utf-8")
    assert _modified(spec, old)
    for damaged in (None, [], "x", [1, 2], {"md5": 1}):
        assert _modified(spec, damaged)


NOT_REGULAR = """
import os, sys
from specmesh_tasks.doitdb import MD5Checker
path = sys.argv[1]
checker = MD5Checker()
state = checker.get_state(path, None)
print(state[4] == "", checker.check_modified(path, os.stat(path), state))
"""


@pytest.mark.parametrize("kind", ["fifo", "directory"])
def test_a_file_dep_that_is_not_a_regular_file_is_never_read(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "spec.md"
    os.mkfifo(path) if kind == "fifo" else path.mkdir()
    # A subprocess with a timeout: reading a FIFO would block for ever.
    done = subprocess.run([sys.executable, "-c", NOT_REGULAR, str(path)], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True"]  # nothing hashed; always counts as changed


# --------------------------------------------------------------------------- what a task read

def test_a_file_changed_after_its_task_read_it_is_recorded_as_changed(tmp_path: Path) -> None:
    spec = _settled_file(tmp_path)
    read = read_inputs([spec])
    spec.write_text("Status: Final, and longer\n", encoding="utf-8")  # a checkout mid-run
    db = reopen(tmp_path / "doit.json")
    db.set("plan:S-A-001", "_values_:", {**read, "other": 1})
    db.set("plan:S-A-001", str(spec), _checker_state(spec))
    assert db.get("plan:S-A-001", "_values_:") == {"other": 1}  # the stamps are not stored
    assert db.get("plan:S-A-001", str(spec)) == doitdb.CHANGED_WHILE_RUNNING
    assert _modified(spec, db.get("plan:S-A-001", str(spec)))


def test_a_file_unchanged_since_its_task_read_it_is_recorded_as_it_is(tmp_path: Path) -> None:
    spec = _settled_file(tmp_path)
    db = reopen(tmp_path / "doit.json")
    db.set("plan:S-A-001", "_values_:", read_inputs([spec]))
    db.set("plan:S-A-001", str(spec), _checker_state(spec))
    assert db.get("plan:S-A-001", str(spec)) == _checker_state(spec)


# --------------------------------------------------------------------------- damage and the lock

@pytest.mark.parametrize("damage", ["truncated", "garbled", "a list", "rows of the wrong shape", "a directory"])
def test_a_damaged_file_is_set_aside_with_a_note_and_the_run_starts_afresh(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], damage: str) -> None:
    path = tmp_path / ".specify" / ".cache" / "doit.json"
    path.parent.mkdir(parents=True)
    good = reopen(path)
    good.set("plan:S-A-001", "deps:", ["a.md"])
    good.dump()
    text = path.read_text(encoding="utf-8")
    if damage == "a directory":
        path.unlink()
        path.mkdir()
    else:
        path.write_text({"truncated": text[: len(text) // 2], "garbled": "\x00\x01{{",
                         "a list": "[1, 2]", "rows of the wrong shape": '{"plan:S-A-001": [1]}'}[damage])
    db = reopen(path)
    assert not db.in_("plan:S-A-001")
    note = capsys.readouterr().err
    assert note.count("\n") == 1 and ".specify/.cache/doit.json was damaged" in note
    assert (path.parent / "doit.json.damaged").exists()
    db.set("plan:S-A-001", "deps:", ["b.md"])
    db.dump()
    assert reopen(path).get("plan:S-A-001", "deps:") == ["b.md"]


def test_the_store_recreates_a_deleted_cache_folder(tmp_path: Path) -> None:
    cache = tmp_path / ".specify" / ".cache"
    cache.mkdir(parents=True)
    db = reopen(cache / "doit.json")
    db.set("t", "x", "1")
    shutil.rmtree(cache)  # deleted while the run goes on
    db.dump()
    assert reopen(cache / "doit.json").get("t", "x") == "1"
    assert (cache / ".gitignore").is_file()


def test_the_store_holds_the_lock_from_first_use_until_written(tmp_path: Path) -> None:
    from specmesh_tasks.state import LockBusyError, run_lock

    cache = tmp_path / ".specify" / ".cache"
    db = reopen(cache / "doit.json")
    hold = [sys.executable, "-c", "import sys; from specmesh_tasks.state import run_lock\n"
            f"with run_lock({str(tmp_path)!r}, wait=0): pass"]
    assert subprocess.run(hold, timeout=60).returncode == 0  # created, not opened: not held
    db.get("t", "x")
    busy = subprocess.run(hold, capture_output=True, text=True, timeout=60)
    assert busy.returncode != 0 and "LockBusyError" in busy.stderr
    with run_lock(tmp_path, wait=0):  # the same process may nest holds
        pass
    db.dump()
    assert subprocess.run(hold, timeout=60).returncode == 0
    assert LockBusyError.exit_code == 1
