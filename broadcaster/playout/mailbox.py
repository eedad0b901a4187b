"""How other commands reach a running `broadcaster run`: a heartbeat file it keeps fresh, and a
folder of request files it takes in (plain files: the same on Windows and Linux, no sockets, no signals)."""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
import uuid
from pathlib import Path

HEARTBEAT_S = 1.0
STALE_S = 5.0


def write_json(path: Path, data: dict) -> None:
    """Write JSON atomically (temporary file, fsync, rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, ensure_ascii=False)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


class Mailbox:
    """The heartbeat and the requests folder of one station."""

    def __init__(self, data_dir: Path):
        self.heartbeat = data_dir / "run.json"
        self.folder = data_dir / "requests"

    def beat(self, now: dt.datetime, operator: str) -> None:
        """Say that `run` is alive (called every second by `run`)."""
        write_json(self.heartbeat, {"pid": os.getpid(), "at": now.isoformat(), "operator": operator})

    def running(self, now: dt.datetime) -> bool:
        """Whether a `run` beat within the last few seconds."""
        try:
            beat = json.loads(self.heartbeat.read_text(encoding="utf-8"))
            return abs((now - dt.datetime.fromisoformat(beat["at"])).total_seconds()) < STALE_S
        except (OSError, ValueError, KeyError, TypeError):
            return False

    def stop_beating(self) -> None:
        """Say that `run` has stopped."""
        self.heartbeat.unlink(missing_ok=True)

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
