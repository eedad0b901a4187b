"""How other commands reach a running `broadcaster run`: a lock file it holds while it runs (the
operating system lets go of it when the process dies, even in a power cut or a kill), and a folder
of request files it takes in. Plain files: the same on Windows and Linux, no sockets, no signals."""

from __future__ import annotations

import datetime as dt
import json
import time
import uuid
from pathlib import Path
from typing import Callable

from filelock import FileLock, Timeout

from broadcaster.atomic import replacing
from broadcaster.errors import BroadcasterError
from broadcaster.messages import t

MAX_REQUEST_BYTES = 64 * 1024  # a request is a few hundred bytes; anything bigger is not one
ENVELOPE = ("id", "sent", "file")  # what the mailbox adds to a request: the request itself is the rest
STARTED, FAILED, REFUSED = "started", "failed", "refused"


def write_json(path: Path, data: dict) -> None:
    """Write JSON whole or not at all."""
    with replacing(path, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False)


HOLD_WAIT_S = 1.0


class Mailbox:
    """The run lock and the requests folder of one station."""

    def __init__(self, data_dir: Path):
        self.folder = data_dir / "requests"
        self.replies = data_dir / "replies"
        self._lock_path = data_dir / "run.lock"
        self._held: FileLock | None = None

    def hold(self) -> None:
        """Take the run lock for as long as this process runs (once); an error if another `run` has it."""
        if self._held is not None:
            return
        self._lock_path.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self._lock_path))
        try:
            # Another program holds it for an instant to see whether `run` runs (running(): the dashboard does,
            # every few seconds); a `run` holds it for good.
            lock.acquire(timeout=HOLD_WAIT_S)
        except Timeout:
            # a state of the station, not bad input: exit 1
            raise BroadcasterError(t("broadcaster run is already running on this station")) from None
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

    def take(self, refused: Callable[[str, str], None]) -> list[dict]:
        """The requests waiting, oldest first, each removed as it is taken; a file that is not a request is
        removed too and passed to ``refused`` with the reason, so that `run` logs it and airs on."""
        taken = []
        for path in sorted(self.folder.glob("*.json")):
            try:
                if not path.is_file() or path.stat().st_size > MAX_REQUEST_BYTES:
                    raise ValueError(t("not a request file (not a regular file, or over {n} bytes)",
                                       n=MAX_REQUEST_BYTES))
                request = json.loads(path.read_text(encoding="utf-8"))
                if not isinstance(request, dict):
                    raise ValueError(t("a request must be a JSON object"))
                taken.append({**request, "file": path.name})
            except (OSError, ValueError) as exc:
                refused(path.name, str(exc))
            path.unlink(missing_ok=True)
        return taken

    def reply(self, ident: object, status: str, reason: str = "") -> None:
        """Tell the sender of request ``ident`` whether its airing started, failed or was refused."""
        if isinstance(ident, str) and ident.replace("-", "").isalnum():  # never a path out of the folder
            write_json(self.replies / f"{ident}.json", {"status": status, "reason": reason})

    def wait_reply(self, ident: str, timeout_s: float, poll_s: float = 0.2) -> dict | None:
        """The reply of `run` to request ``ident``, or None if none came within ``timeout_s``."""
        path = self.replies / f"{ident}.json"
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                reply = json.loads(path.read_text(encoding="utf-8"))
                path.unlink(missing_ok=True)
                return reply if isinstance(reply, dict) else None
            except (OSError, ValueError):
                pass
            if time.monotonic() >= deadline:
                return None
            time.sleep(poll_s)
