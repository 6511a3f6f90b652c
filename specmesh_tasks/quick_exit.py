"""End a command's process once its work is done, without the interpreter's teardown.

A normal exit frees every module and object the run loaded, one by one: 10-100 ms for our
commands and for a pytest session, paid after the last line is printed while the user waits.
`exit_now` keeps what a normal exit promises to the outside: the `atexit` handlers run (coverage
data, logging, anything a test or plugin registered), the standard streams are flushed, and the
exit code is the one given. When another thread is still running, the normal exit (which waits
for it) is used instead.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
import threading
from typing import NoReturn


def exit_now(code: int) -> NoReturn:
    if threading.active_count() > 1:
        sys.exit(code)
    atexit._run_exitfuncs()  # what the normal exit would run first
    for stream in (sys.stdout, sys.stderr):
        # A closed pipe or stream: nothing more can be shown anyway.
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)
