"""Run the broadcaster command line and kill it with SIGKILL at its Nth change to the files of a folder.

    python tests/faults/crash.py FOLDER N[@EVENT:PATTERN] broadcaster-arguments...

A change is the moment just before a file under FOLDER is created or opened for writing, renamed
(counted under its new name), or removed (Python's audit events 'open', 'os.rename', 'os.remove',
'os.mkdir', 'os.rmdir'), and the moment just before SQLite runs a statement that changes a database under
FOLDER (event 'sqlite', its SQL; SQLite itself makes each commit atomic): every point at which a power
cut or a kill can leave the files in a state of their own (taking a lock, or making a folder that is there already, is not counted). Killing at each N
in turn visits every such state. With N = 0 nothing is killed, and the number of changes the command
made is written to standard error as its last line, 'changes: N'. With '@EVENT:PATTERN' (e.g.
'1@os.remove:*/onair/*.json') only changes of that event to paths matching the pattern count (for
'sqlite', the path, a space and the SQL: '2@sqlite:*.sqlite3 INSERT INTO records*').
CRASH_TRACE=1 in the environment lists every change counted on standard error.
"""

from __future__ import annotations

import fnmatch
import os
import signal
import sqlite3
import sys

ANONYMOUS = getattr(os, "O_TMPFILE", 0)
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
PATH_EVENTS = {"os.rename": 1, "os.remove": 0, "os.mkdir": 0, "os.rmdir": 0, "sqlite": 0}  # the path changed
CHANGES = ("INSERT", "UPDATE", "DELETE", "CREATE", "COMMIT", "PRAGMA USER_VERSION")  # SQL that changes a database


def main() -> None:
    folder = os.path.abspath(sys.argv[1]) + os.sep
    kill_at, _, only = sys.argv[2].partition("@")
    kill_at = int(kill_at)
    only_event, _, pattern = only.partition(":")
    args = sys.argv[3:]
    seen = 0
    trace = bool(os.environ.get("CRASH_TRACE"))

    def changed_path(event: str, values: tuple) -> str | None:
        if event == "open":
            path, mode, flags = values
            if ANONYMOUS and (flags or 0) & ANONYMOUS == ANONYMOUS:
                return None  # a file without a name (filelock probes for them): nothing to be seen
            writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or bool((flags or 0) & WRITE_FLAGS)
            return path if writing and isinstance(path, (str, bytes, os.PathLike)) else None
        if event in PATH_EVENTS:
            return values[PATH_EVENTS[event]]
        return None

    def hook(event: str, values: tuple) -> None:
        nonlocal seen
        path = changed_path(event, values)
        if path is None:
            return
        path = os.fsdecode(os.fspath(path))
        path = os.path.abspath(path)
        if path.endswith(".lock") or (event == "os.mkdir" and os.path.isdir(path)):
            return  # taking a lock, or making a folder that is there, changes nothing
        named = f"{path} {values[1]}" if event == "sqlite" else path  # a statement is matched with its SQL
        if not path.startswith(folder) or (only_event and (event != only_event or not fnmatch.fnmatch(named, pattern))):
            return
        seen += 1
        if trace:
            sys.stderr.write(f"change {seen}: {event} {path} {values[1:3] if event in ('open', 'sqlite') else ''}\n")
        if seen == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)

    sys.addaudithook(hook)
    connect = sqlite3.connect

    def traced(database, *a, **k):
        db = connect(database, *a, **k)
        path = os.path.abspath(os.fspath(database))
        db.set_trace_callback(lambda sql: hook("sqlite", (path, sql)) if sql.lstrip().upper().startswith(CHANGES)
                              else None)
        return db

    sqlite3.connect = traced
    from broadcaster.cli import main as broadcaster

    sys.argv = ["broadcaster", *args]
    try:
        broadcaster()
    finally:
        sys.stderr.write(f"\nchanges: {seen}\n")
        sys.stderr.flush()


if __name__ == "__main__":
    main()
