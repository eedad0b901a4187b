"""What the engine reports about each airing; the airing log and the console listen."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from broadcaster.schedule.plan import PlannedAiring

AIRED, FAILED, MISSED = "aired", "failed", "missed"


@dataclass(frozen=True)
class AiringEvent:
    """The outcome of one planned airing."""

    status: str
    airing: PlannedAiring
    sink: str
    actual_start: dt.datetime | None = None
    actual_end: dt.datetime | None = None
    reason: str = ""
