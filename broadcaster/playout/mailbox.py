"""How other commands reach a running `broadcaster run`: a lock file it holds while it runs (the
operating system lets go of it when the process dies, even in a power cut or a kill), and a folder
of request files it takes in. Plain files: the same on Windows and Linux, no sockets, no signals."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path

from filelock import FileLock, Timeout

from broadcaster.atomic import replacing
from broadcaster.errors import InputError
from broadcaster.messages import t



def write_json(path: Path, data: dict) -> None:
    """Write JSON whole or not at all."""
    with replacing(path, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False)


class Mailbox:
    """The run lock and the requests folder of one station."""

    def __init__(self, data_dir: Path):
        self.folder = data_dir / "requests"
        self._lock_path = data_dir / "run.lock"
        self._held: FileLock | None = None

    def hold(self) -> None:
        """Take the run lock for as long as this process runs; InputError if another `run` has it."""
        self._lock_path.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self._lock_path))
        try:
            lock.acquire(timeout=0)
        except Timeout:
            raise InputError(t("broadcaster run is already running on this station")) from None
        self._held = lock

    def release(self) -> None:
        """Let go of the run lock."""
        if self._held is not None:
            self._held.release()
            self._held = None

    def running(self) -> bool:
        """Whether a `run` holds the lock now."""
        if not self._lock_path.exists():
            return False
        lock = FileLock(str(self._lock_path))
        try:
            lock.acquire(timeout=0)
        except Timeout:
            return True
        lock.release()
        return False

    def send(self, request: dict, now: dt.datetime) -> str:
        """Leave a request for `run`; returns its id."""
        ident = f"{now:%Y%m%dT%H%M%S%f}-{uuid.uuid4().hex[:8]}"
        write_json(self.folder / f"{ident}.json", {**request, "id": ident, "sent": now.isoformat()})
        return ident

    def take(self) -> list[dict]:
        """The requests waiting, oldest first, each removed as it is taken."""
        taken = []
        for path in sorted(self.folder.glob("*.json")):
            try:
                taken.append(json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError):
                pass  # half-written by a power cut: the sender was never told it was sent
            path.unlink(missing_ok=True)
        return taken
