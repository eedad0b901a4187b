"""Room kept on the station's disk for the airing log's last records. `run` keeps a file of zeros; when the
disk is full at the end of a run, the records it could not log are written over those zeros (no new space
is needed, so nothing else can take it first), and the next `run` logs them before it plans. So an item
that aired is logged as aired, never later as missed."""

from __future__ import annotations

import datetime as dt
import json
import os
import struct
from pathlib import Path

from broadcaster.playout.events import AiringEvent, airing_from_record, airing_to_record

RESERVE_FILE = "log-reserve"
RESERVE_BYTES = 1024 * 1024  # some thousand records: more than a run keeps while a disk is full
MAGIC = b"BRJ1"
HEADER = struct.Struct("<4sQ")  # magic, length of the JSON that follows
AIRING = "airing"


def _to_json(kind: str, value: object) -> dict:
    if kind != AIRING:
        return {"kind": kind, "fields": value}
    event: AiringEvent = value  # type: ignore[assignment]
    return {"kind": AIRING, "status": event.status, "airing": airing_to_record(event.airing), "sink": event.sink,
            "actual_start": event.actual_start.isoformat() if event.actual_start else None,
            "actual_end": event.actual_end.isoformat() if event.actual_end else None, "reason": event.reason}


def _from_json(item: dict) -> tuple[str, object]:
    if item["kind"] != AIRING:
        return item["kind"], dict(item["fields"])
    when = [dt.datetime.fromisoformat(item[k]) if item[k] else None for k in ("actual_start", "actual_end")]
    return AIRING, AiringEvent(item["status"], airing_from_record(item["airing"]), item["sink"], *when,
                               item["reason"])


class LogReserve:
    """The reserve file of one station, and the records it may hold for the next run."""

    def __init__(self, data_dir: Path):
        self.path = data_dir / RESERVE_FILE

    def keep(self) -> None:
        """Make the reserve if it is missing (a full disk leaves it missing: records then wait in memory)."""
        try:
            if not self.path.is_file() or self.path.stat().st_size != RESERVE_BYTES:
                with open(self.path, "wb") as f:
                    f.write(bytes(RESERVE_BYTES))
                    f.flush()
                    os.fsync(f.fileno())
        except OSError:
            self.path.unlink(missing_ok=True)

    def hold(self, kept: list[tuple[str, object]]) -> bool:
        """Write ``kept`` over the reserve's zeros; whether they fit and were written."""
        data = json.dumps([_to_json(kind, value) for kind, value in kept], ensure_ascii=False,
                          default=str).encode("utf-8")
        if not self.path.is_file() or HEADER.size + len(data) > self.path.stat().st_size:
            return False
        try:
            with open(self.path, "r+b") as f:
                f.write(HEADER.pack(MAGIC, len(data)) + data)
                f.flush()
                os.fsync(f.fileno())
        except OSError:
            return False
        return True

    def take(self) -> list[tuple[str, object]]:
        """The records a run left in the reserve (none if it holds none, or they cannot be read)."""
        try:
            with open(self.path, "rb") as f:
                magic, length = HEADER.unpack(f.read(HEADER.size))
                if magic != MAGIC or length > RESERVE_BYTES:
                    return []
                return [_from_json(item) for item in json.loads(f.read(length).decode("utf-8"))]
        except (OSError, struct.error, ValueError, KeyError, TypeError):
            return []

    def clear(self) -> None:
        """Mark the reserve empty again (in place: no new space needed)."""
        try:
            with open(self.path, "r+b") as f:
                f.write(bytes(HEADER.size))
                f.flush()
                os.fsync(f.fileno())
        except OSError:
            pass
