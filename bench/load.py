"""A busy computer, made on purpose: CPU-bound processes and a writer that writes large files and syncs them
to disk in a loop, the load a commune PC's other work puts beside the station. Bounded in time and cleaned
up on exit: every process stops at its deadline, or when the process that started it has gone, and the
writer's file is removed.

Used by bench/timing_bench.py (--load) and by CI to run the timing-sensitive tests under load:
``python bench/load.py --seconds 300 -- python -m pytest -m timing`` runs the command beside the load and
exits with the command's exit code (the load stops when the command ends, or at the deadline).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CPU = 2               # CPU-bound processes (this machine has two cores)
FILE_MB = 200         # the writer writes a file this big, syncs it, and starts again
CHUNK_MB = 8


def _orphaned(parent: int) -> bool:
    """Whether the process that started this one has gone (its pid no longer our parent's)."""
    return os.getppid() != parent


def _spin(deadline: float, parent: int) -> None:
    """Keep a core busy until the deadline, or the parent goes."""
    n = 0
    while True:
        for _ in range(200_000):
            n = (n * 1103515245 + 12345) & 0x7FFFFFFF
        if time.monotonic() > deadline or _orphaned(parent):
            return


def _write(folder: str, deadline: float, parent: int) -> None:
    """Write FILE_MB to a file, fsync it, remove it; again, until the deadline, or the parent goes."""
    chunk = os.urandom(CHUNK_MB * 1024 * 1024)
    path = Path(folder) / "load.bin"
    try:
        while time.monotonic() < deadline and not _orphaned(parent):
            with open(path, "wb") as f:
                for _ in range(FILE_MB // CHUNK_MB):
                    f.write(chunk)
                    if time.monotonic() > deadline or _orphaned(parent):
                        break
                f.flush()
                os.fsync(f.fileno())
            path.unlink()
    finally:
        path.unlink(missing_ok=True)


class Load:
    """``cpu`` CPU-bound processes and one syncing writer, for at most ``seconds``; a context manager."""

    def __init__(self, seconds: float, cpu: int = CPU, folder: Path | None = None):
        self.seconds = seconds
        self.cpu = cpu
        self.folder = folder
        self._procs: list[multiprocessing.Process] = []
        self._tmp: tempfile.TemporaryDirectory | None = None

    def __enter__(self) -> "Load":
        ctx = multiprocessing.get_context("spawn")
        deadline = time.monotonic() + self.seconds  # monotonic is system-wide on Linux and Windows
        parent = os.getpid()
        self._tmp = tempfile.TemporaryDirectory(prefix="broadcaster-load-", dir=self.folder)
        self._procs = [ctx.Process(target=_spin, args=(deadline, parent), daemon=True) for _ in range(self.cpu)]
        self._procs.append(ctx.Process(target=_write, args=(self._tmp.name, deadline, parent), daemon=True))
        for p in self._procs:
            p.start()
        return self

    def __exit__(self, *exc) -> None:
        for p in self._procs:
            p.terminate()
        for p in self._procs:
            p.join(10)
        self._tmp.cleanup()

    def describe(self) -> str:
        """What the load is, for a report."""
        return f"{self.cpu} CPU-bound processes and a writer syncing {FILE_MB} MB files to disk in a loop"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=300, help="the load stops after this long (default 300)")
    parser.add_argument("--cpu", type=int, default=CPU, help=f"CPU-bound processes (default {CPU})")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- then the command to run beside the load")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stopped: the load is stopped and cleaned up too
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    with Load(args.seconds, args.cpu) as load:
        print(f"load: {load.describe()}, for at most {args.seconds:g} s", file=sys.stderr, flush=True)
        if not command:
            time.sleep(args.seconds)
            return 0
        try:
            return subprocess.run(command, timeout=args.seconds).returncode
        except subprocess.TimeoutExpired:
            print(f"load: the command ran past {args.seconds:g} s and was stopped", file=sys.stderr)
            return 1


if __name__ == "__main__":
    sys.exit(main())
