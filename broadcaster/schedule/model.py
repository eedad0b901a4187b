"""What a schedule says: outputs, sessions of items at times of day, loops, exceptions, quiet hours."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ANNOUNCEMENT, TOPIC, SILENCE, CHIME, RELAY = "announcement", "topic", "silence", "chime", "relay"


@dataclass(frozen=True)
class Output:
    """Where a session is heard: a sound device by name (with backups), or a WAV file; its gain; and the
    processing profile of station.yaml its audio is rendered with ('' for the station's own). ``channels``
    (counted from 1) wire the output to some channels of a multichannel device, the same ones on its
    backups; none means the whole device. ``backup_file`` is a WAV file tried after every backup device, so
    that a station with no working device still keeps what it would have aired."""

    name: str
    device: str | None = None
    file: str | None = None
    gain_db: float = 0.0
    backups: tuple[str, ...] = ()
    backup_file: str | None = None
    source: str = ""
    profile: str = ""
    channels: tuple[int, ...] = ()


@dataclass(frozen=True)
class Item:
    """One step of a session: an announcement (its variants, all or ``languages`` in that order), every
    approved announcement of a topic, a silence, a chime, or a relay of a live stream for ``relay_s``
    seconds (``fallback`` is an announcement id, or '' for silence, when the stream is down);
    ``repeat`` times with ``gap_s`` between."""

    announcement: str = ""
    repeat: int = 1
    gap_s: float = 0.0
    languages: tuple[str, ...] | None = None
    source: str = ""
    line: int | None = None
    kind: str = ANNOUNCEMENT
    topic: str = ""
    silence_s: float = 0.0
    chime: str = ""
    relay: str = ""
    relay_s: float = 0.0
    fallback: str = ""


@dataclass(frozen=True)
class Session:
    """Items aired one after the other from ``start``, on chosen weekdays within a date range, or on
    one date; a loop session cycles its items until ``loop_until``."""

    name: str
    start: dt.time
    output: str
    items: tuple[Item, ...]
    days: frozenset[int] = frozenset(range(7))
    source: str = ""
    line: int | None = None
    date: dt.date | None = None
    date_from: dt.date | None = None
    date_until: dt.date | None = None
    loop_until: dt.time | None = None
    loop_gap_s: float = 0.0
    max_length_s: float | None = None
    on_interrupt: str = "replay"

    def runs_on(self, day: dt.date) -> bool:
        """Whether the session is on the air on ``day``."""
        if self.date is not None:
            return day == self.date
        return day.weekday() in self.days and (self.date_from is None or self.date_from <= day) and (
            self.date_until is None or day <= self.date_until)

    @property
    def where(self) -> str:
        """'file:line' of the session."""
        return f"{self.source}:{self.line}"


@dataclass(frozen=True)
class Exception_:
    """Days with no scheduled broadcast (a holiday); emergencies still air."""

    first: dt.date
    last: dt.date
    reason: str = ""


@dataclass(frozen=True)
class QuietHours:
    """Hours in which nothing but an emergency airs (e.g. from 21:00 until 05:30)."""

    start: dt.time
    end: dt.time

    def contains(self, moment: dt.time) -> bool:
        """Whether ``moment`` falls in the quiet hours (which may run across midnight)."""
        if self.start <= self.end:
            return self.start <= moment < self.end
        return moment >= self.start or moment < self.end


@dataclass(frozen=True)
class Schedule:
    """All schedule files of a station, merged."""

    outputs: dict[str, Output] = field(default_factory=dict)
    sessions: tuple[Session, ...] = ()
    exceptions: tuple[Exception_, ...] = ()
    quiet_hours: QuietHours | None = None
    max_session_s: float | None = None
