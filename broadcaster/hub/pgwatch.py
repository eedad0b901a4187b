"""The watcher of a hub's private PostgreSQL: a small process started beside ``hub serve`` that waits for the
hub to end and then, if it ended without stopping the server (killed, crashed) and no other process uses it,
stops the server (pg_ctl stop -m fast), so that a killed hub's server does not run on until the next start.
A power cut ends the watcher too: then the next hub mends what is left (see database.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def start_watcher(pgdata: Path) -> None:
    """Start the watcher of this process's use of the server on ``pgdata``, detached: it outlives a kill."""
    if sys.platform == "win32":
        options = {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP | subprocess.DETACHED_PROCESS}
    else:
        options = {"start_new_session": True}  # out of the hub's process group, which a kill may take whole
    subprocess.Popen([sys.executable, "-m", "broadcaster.hub.pgwatch", str(os.getpid()), str(pgdata)],
                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **options)


def watch(pid: int, pgdata: Path) -> None:
    """Wait for process ``pid`` to end, then stop the server on ``pgdata`` if nothing else uses it."""
    import warnings

    import psutil

    try:
        psutil.Process(pid).wait()
    except psutil.NoSuchProcess:
        pass
    with warnings.catch_warnings():  # platformdirs warns when XDG_RUNTIME_DIR is unset
        warnings.simplefilter("ignore")
        from broadcaster.hub.database import stop_when_unused

        stop_when_unused(pgdata)


if __name__ == "__main__":
    watch(int(sys.argv[1]), Path(sys.argv[2]))
