"""The airing log: one record per airing outcome, in one TinyDB file per month."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from broadcaster.playout.events import AiringEvent
from broadcaster.storage import Store

RECORD_VERSION = 1


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat(timespec="milliseconds") if value else None


class AiringLog:
    """Appends airing records; a month's records live in ``YYYY-MM.json`` so appends stay cheap."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def _store(self, day: dt.date) -> Store:
        return Store(self.folder / f"{day:%Y-%m}.json")

    def append(self, event: AiringEvent) -> None:
        """Record one airing outcome (a listener of the playout engine)."""
        a = event.airing
        duration = (event.actual_end - event.actual_start).total_seconds() \
            if event.actual_start and event.actual_end else 0.0
        record = {
            "v": RECORD_VERSION, "key": a.key, "status": event.status, "reason": event.reason,
            "output": a.output, "sink": event.sink, "session": a.session,
            "announcement": a.announcement, "title": a.title, "topic": a.topic, "fingerprint": a.fingerprint,
            "language": a.language, "voice": a.voice, "approved_by": a.approved_by, "priority": a.priority,
            "trigger": a.trigger,
            "planned_start": _iso(a.start), "planned_end": _iso(a.end),
            "actual_start": _iso(event.actual_start), "actual_end": _iso(event.actual_end),
            "duration_s": round(duration, 3),
        }
        with self._store(a.start.date()).transaction() as db:
            db.table("airings").insert(record)

    def records(self, day: dt.date) -> list[dict]:
        """The records of airings planned on ``day``, in planned order."""
        path = self.folder / f"{day:%Y-%m}.json"
        if not path.exists():
            return []
        with self._store(day).transaction() as db:
            rows = db.table("airings").all()
        prefix = day.isoformat()
        return sorted((dict(r) for r in rows if r["planned_start"].startswith(prefix)),
                      key=lambda r: (r["planned_start"], r["output"]))

    def logged_keys(self, day: dt.date) -> set[str]:
        """Keys of the planned airings of ``day`` that already have an outcome."""
        return {r["key"] for r in self.records(day)}
