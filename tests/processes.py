"""Long-running child processes of the tests (`broadcaster run`), never left behind: each is started in a
process group of its own and stopped, group and all, when the test process exits however it exits (a failed
assert, a timeout, Ctrl+C)."""

from __future__ import annotations

import atexit
import os
import signal
import subprocess
import sys

_started: list[subprocess.Popen] = []


def spawn(command: list[str], **options) -> subprocess.Popen:
    """``subprocess.Popen(command, **options)`` in a new process group, stopped at the latest when tests end."""
    if sys.platform == "win32":
        options.setdefault("creationflags", subprocess.CREATE_NEW_PROCESS_GROUP)
    else:
        options.setdefault("start_new_session", True)  # its own group: a kill reaches what it started too
    process = subprocess.Popen(command, **options)
    _started.append(process)
    return process


def stop_all() -> None:
    """Kill every spawned process still running, with the processes of its group (POSIX)."""
    while _started:
        process = _started.pop()
        if process.poll() is not None:
            continue
        if sys.platform == "win32":
            process.kill()  # TerminateProcess; Windows has no process-group kill
        else:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass  # it ended meanwhile
        process.wait(30)


# Ctrl+C reaches pytest, not these processes (their own group is not the terminal's), and pytest then exits
# the interpreter normally: atexit runs, as it does after any other ending of the test session.
atexit.register(stop_all)
