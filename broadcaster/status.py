"""What the station is doing, as plain data, for `broadcaster status` and the dashboard's on-air page: what
each output plays now (read from the journal `run` keeps), what comes next, and today's outcomes."""

from __future__ import annotations

import datetime as dt
import json
import threading
from dataclasses import dataclass

from broadcaster.airing_log import AIRING
from broadcaster.playout.events import airing_from_record
from broadcaster.playout.mailbox import Mailbox
from broadcaster.schedule.model import Schedule
from broadcaster.schedule.plan import Plan, PlannedAiring
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


def coming(station: Station, now: dt.datetime, hours: float = NEXT_HOURS, plans: PlanningCache | None = None
           ) -> list[PlannedAiring]:
    """The airings planned from ``now`` for the next ``hours`` (into tomorrow's plan when it is late), the plans
    made by ``plans`` when given (kept while nothing they are made of changes)."""
    until = now + dt.timedelta(hours=hours)
    plan = plans.plan if plans else lambda day, at: station.planner.plan(day, at)
    found = []
    day = now.date()
    while day <= until.date():
        found += [a for a in plan(day, now).airings if a.end > now and a.start < until]
        day += dt.timedelta(days=1)
    return found


def inputs(station: Station) -> tuple:
    """What a plan is made of, as names, times and sizes of files: the configuration, schedules, texts, clips,
    library, people (who may approve) and renders (a render adds a file to its folder)."""
    files = [station.root / "station.yaml", *station.schedules_dir.glob("*.y*ml"), *station.scripts_dir.glob("*"),
             *(station.root / "audio").glob("*"), station.data_dir / "library.json", station.data_dir / "users.json",
             station.data_dir / "render"]
    found = []
    for path in files:
        try:
            info = path.stat()
        except OSError:
            continue  # not there (yet): its absence is what the plan was made of
        found.append((str(path), info.st_mtime_ns, info.st_size))
    return tuple(sorted(found))


WEEK_DAYS = 7
LOG_KEPT = 4  # things made of the log kept at once besides its check (a year's records as CSV is MBs)


class PlanningCache:
    """What pages read of a station's plans, schedule and library ids, kept while nothing it is made of
    changes (:func:`inputs`): a page that shows the next hours every few seconds need not parse the schedules
    and plan 1,000 announcements each time."""

    def __init__(self, station: Station):
        self.station = station
        self._kept: dict[object, tuple[tuple, object]] = {}
        self._lock = threading.Lock()

    def _get(self, key: object, make):
        with self._lock:
            kept = self._kept.get(key)
            if kept is not None and kept[0] == inputs(self.station):
                return kept[1]
            made = make()
            # noted after making it: planning takes edited texts into the library, which changes its file
            self._kept[key] = (inputs(self.station), made)
            return made

    def plan(self, day: dt.date, now: dt.datetime) -> Plan:
        """The plan of ``day`` (days more than a week old are let go: the week's calendar shows the past week)."""
        oldest = now.date() - dt.timedelta(days=WEEK_DAYS)
        with self._lock:
            self._kept = {k: v for k, v in self._kept.items() if not isinstance(k, dt.date) or k >= oldest}
        return self._get(day, lambda: self.station.planner.plan(day, now))

    def schedule(self) -> Schedule:
        """The station's schedule."""
        return self._get("schedule", self.station.planner.schedule)

    def library(self, now: dt.datetime) -> tuple[list, dict[str, str]]:
        """The library's entries once new and edited texts are taken in (as `content list` does), and what
        could not be taken in, by announcement id or file name."""
        def make():
            problems = self.station.content.sync(now)
            return self.station.library.entries(), problems

        return self._get("library", make)

    def announcement(self, ident: str, now: dt.datetime) -> tuple:
        """One announcement as its files are now (entry), its history, and who made its current version."""
        def make():
            entry = self.station.content.entry(ident, now)
            return entry, self.station.library.history(entry.id), self.station.library.maker(entry.id)

        return self._get(("announcement", ident), make)

    def log_checks(self) -> list:
        """`log verify`'s checks of the airing log, made again only when a file of the log changes (a year of
        a busy station's signed records takes seconds to verify; a page must answer at once)."""
        return self.from_log("log", self.station.airing_log.verify)

    def from_log(self, key: object, make):
        """What ``make`` derives from the airing log (its check, a week's records, a period's download), kept
        under ``key`` until a file of the log changes; besides the check, the last few (LOG_KEPT) are kept."""
        folder = self.station.airing_log.folder
        files = tuple(sorted((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in folder.glob("*") if p.is_file()))
        with self._lock:
            kept = self._kept.get(("log", key))
            if kept is not None and kept[0] == files:
                return kept[1]
        made = make()  # outside the lock: pages that need nothing of the log go on
        with self._lock:
            downloads = [k for k in self._kept if isinstance(k, tuple) and k[0] == "log" and k[1] != "log"]
            for old in downloads[:max(0, len(downloads) - LOG_KEPT + 1)]:
                del self._kept[old]
            self._kept[("log", key)] = (files, made)
        return made

    def ids(self) -> list[str]:
        """The ids of the library's announcements."""
        return self._get("ids", self.station.library.ids)


def today(station: Station, now: dt.datetime) -> list[dict]:
    """Today's airings as the log has them (aired, missed, failed..., each with its reason), in time order."""
    return station.airing_log.query(now.date(), now.date(), kind=AIRING, sources=False)
