"""What the engine reports about each airing; the airing log, the journal and the console listen."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, fields

from broadcaster.messages import marked
from broadcaster.schedule.plan import PlannedAiring

STARTED, AIRED, PARTIAL, INTERRUPTED, FAILED, MISSED, SKIPPED = (
    marked("started"), marked("aired"), marked("partial"), marked("interrupted"), marked("failed"), marked("missed"),
    marked("skipped"))
# Outcomes after which a planned airing is not tried again (a partial one is replayed within its grace).
FINAL = frozenset({AIRED, INTERRUPTED, FAILED, MISSED, SKIPPED})
PROBE_S = 20.0  # run checks an idle output's device this often (a lost one is failed over within a minute)


@dataclass(frozen=True)
class AiringEvent:
    """The outcome of one planned airing (or, with STARTED, that it went on air)."""

    status: str
    airing: PlannedAiring
    sink: str
    actual_start: dt.datetime | None = None
    actual_end: dt.datetime | None = None
    reason: str = ""


# The states of a device in DeviceEvent: missing at start-up, failed (opening or playing), working again.
MISSING, DOWN, BACK = "missing", "failed", "back"


@dataclass(frozen=True)
class DeviceEvent:
    """A device that could not be opened or failed, and the backup used instead (if any); or, with
    state BACK, a device that failed and has since aired an item whole."""

    output: str
    device: str
    reason: str
    failover_to: str = ""
    state: str = DOWN


def airing_to_record(airing: PlannedAiring) -> dict:
    """A JSON-ready dict of a planned airing."""
    record = asdict(airing)
    record["start"], record["end"] = airing.start.isoformat(), airing.end.isoformat()
    return record


def airing_from_record(record: dict) -> PlannedAiring:
    """The inverse of :func:`airing_to_record`."""
    values = {f.name: record[f.name] for f in fields(PlannedAiring) if f.name in record}
    values["start"] = dt.datetime.fromisoformat(values["start"])
    values["end"] = dt.datetime.fromisoformat(values["end"])
    return PlannedAiring(**values)
