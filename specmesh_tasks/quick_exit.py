"""End a command's process once its work is done, without the interpreter's teardown.

A normal exit frees every module and object the run loaded, one by one: 10-100 ms for our
commands and for a pytest session, paid after the last line is printed while the user waits.
`exit_now` keeps what a normal exit promises to the outside: the `atexit` handlers run (coverage
data, logging, anything a test or plugin registered), the standard streams are flushed, and the
exit code is the one given. The normal exit is kept when another thread is still running (it
waits for it) and under a profiler or tracer (`python -m cProfile`, `trace`: they write their
results after the program returns).
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
import threading
from typing import NoReturn


def exit_now(code: int) -> NoReturn:
    if threading.active_count() > 1 or sys.getprofile() is not None or sys.gettrace() is not None:
        sys.exit(code)
    atexit._run_exitfuncs()  # what the normal exit would run first
    for stream in (sys.stdout, sys.stderr):
        # A closed pipe or stream: nothing more can be shown anyway.
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)
