"""What the station is doing, as plain data, for `broadcaster status` and the dashboard's on-air page: what
each output plays now (read from the journal `run` keeps), what comes next, and today's outcomes."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from broadcaster.airing_log import AIRING
from broadcaster.playout.events import airing_from_record
from broadcaster.playout.mailbox import Mailbox
from broadcaster.schedule.plan import PlannedAiring
from broadcaster.station import Station

JOURNAL = "onair"   # the folder of the data directory where `run` notes what each output plays
NEXT_HOURS = 3


@dataclass(frozen=True)
class Playing:
    """An item on air on one output: since when, for how long, on which device."""

    airing: PlannedAiring
    started: dt.datetime
    sink: str

    @property
    def length_s(self) -> float:
        """How long the item lasts."""
        return (self.airing.end - self.airing.start).total_seconds()

    def elapsed_s(self, now: dt.datetime) -> float:
        """How long it has played at ``now``."""
        return min(self.length_s, max(0.0, (now - self.started).total_seconds()))

    def remaining_s(self, now: dt.datetime) -> float:
        """How long it still plays after ``now``."""
        return self.length_s - self.elapsed_s(now)


def playing(station: Station) -> list[Playing]:
    """What each output plays now, by output, while `run` runs (a note left by a stopped `run` is not on air);
    a note being written or damaged is left out."""
    folder = station.data_dir / JOURNAL
    if not folder.is_dir() or not Mailbox(station.data_dir).running():
        return []
    found = []
    for path in sorted(folder.glob("*.json")):
        try:
            note = json.loads(path.read_text(encoding="utf-8"))
            found.append(Playing(airing_from_record(note["airing"]), dt.datetime.fromisoformat(note["actual_start"]),
                                 str(note.get("sink", ""))))
        except (OSError, ValueError, KeyError, TypeError):
            continue  # the next look finds it whole, or gone
    return sorted(found, key=lambda p: p.airing.output)


def coming(station: Station, now: dt.datetime, hours: float = NEXT_HOURS) -> list[PlannedAiring]:
    """The airings planned from ``now`` for the next ``hours`` (into tomorrow's plan when it is late)."""
    until = now + dt.timedelta(hours=hours)
    schedule = station.schedule()
    found = []
    day = now.date()
    while day <= until.date():
        found += [a for a in station.plan(day, now, schedule).airings if a.end > now and a.start < until]
        day += dt.timedelta(days=1)
    return found


def today(station: Station, now: dt.datetime) -> list[dict]:
    """Today's airings as the log has them (aired, missed, failed..., each with its reason), in time order."""
    return station.airing_log.query(now.date(), now.date(), kind=AIRING, sources=False)
