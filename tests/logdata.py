"""Airing logs built in tests with known contents."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from broadcaster.airing_log import AiringLog
from broadcaster.playout.events import AiringEvent
from broadcaster.schedule.plan import PlannedAiring
from broadcaster.trust.keys import new_key

TZ = ZoneInfo("Asia/Ho_Chi_Minh")

TITLES = {"khau-hieu-5k": ("Khẩu hiệu 5K cộng vắc-xin", "covid-prevention"),
          "tiem-vac-xin": ("Lịch tiêm vắc-xin cho trẻ em", "covid-prevention"),
          "gioi-thieu": ("Giới thiệu chương trình phát thanh", "station"),
          "tin-gia": ("Cảnh giác với tin giả trên mạng", "fake-news")}


class StepClock:
    """A clock that a test sets, in the station's time zone."""

    def __init__(self, at: dt.datetime):
        self.tz = TZ
        self.at = at

    def now(self) -> dt.datetime:
        """The time the test set."""
        return self.at


def event(start: dt.datetime, announcement: str = "khau-hieu-5k", status: str = "aired", seconds: float = 60.0,
          output: str = "loa-xa", reason: str = "", approved_by: str = "Trần Văn Bình", trigger: str = "schedule",
          priority: str = "normal", language: str = "vie", index: int = 0, **ordered: str) -> AiringEvent:
    """The outcome of one airing planned at ``start``; ``seconds`` of it heard when it went on air (``ordered``:
    who ordered an urgent one and why)."""
    title, topic = TITLES[announcement]
    end = start + dt.timedelta(seconds=seconds)
    airing = PlannedAiring(key=f"{start:%Y-%m-%d}/{output}/Buổi sáng/{start:%H:%M}/{index}", output=output,
                           session="Buổi sáng", start=start, end=end, announcement=announcement, title=title,
                           topic=topic, fingerprint="f" * 64, asset_path="", language=language,
                           approved_by=approved_by, voice="espeak:vi", priority=priority, trigger=trigger, **ordered)
    heard = status in ("aired", "partial", "interrupted")
    return AiringEvent(status, airing, output, start if heard else None, end if heard else None, reason)


def at(day: int, hour: int = 5, minute: int = 30, month: int = 11) -> dt.datetime:
    """A time in 2026 in the station's time zone."""
    return dt.datetime(2026, month, day, hour, minute, tzinfo=TZ)


def build_log(folder: Path, events: list[AiringEvent], station: str = "xa-ea-tu", operator: str = "Nguyễn Văn An",
              key: Ed25519PrivateKey | None = None) -> AiringLog:
    """A log with ``events`` appended, each written when its airing ended, signed with ``key`` (a new one)."""
    clock = StepClock(events[0].airing.start if events else at(1))
    log = AiringLog(folder, station=station, clock=clock, operator=operator, key=key or new_key())
    for e in events:
        clock.at = e.airing.end
        log.append(e)
    return log


def tamper(db_path: Path, sql: str, *args) -> None:
    """Change the log's database as someone with a SQLite tool would."""
    import sqlite3

    sqlite3.connect(db_path, isolation_level=None).execute(sql, args)


def edit_record(db_path: Path, seq: int, **changes: object) -> None:
    """Change fields of record ``seq`` in the log's database, leaving its hash and signature as they were."""
    import json
    import sqlite3

    db = sqlite3.connect(db_path, isolation_level=None)
    (body,) = db.execute("SELECT body FROM records WHERE seq = ?", (seq,)).fetchone()
    record = {**json.loads(body), **changes}
    db.execute("UPDATE records SET body = ? WHERE seq = ?", (json.dumps(record, ensure_ascii=False).encode(), seq))
