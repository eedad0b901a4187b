"""Time, passed in: the engine asks a Clock, never the system directly."""

from __future__ import annotations

import datetime as dt
import time
from typing import Protocol
from zoneinfo import ZoneInfo

STEP_S = 0.5  # a change of the clock this large at once is a step, not a drift


class Clock(Protocol):
    """Tells the time in the station's time zone."""

    tz: ZoneInfo

    def now(self) -> dt.datetime:
        """The current time, aware, in the station's time zone."""


class SystemClock:
    """The computer's clock."""

    def __init__(self, tz: ZoneInfo):
        self.tz = tz

    def now(self) -> dt.datetime:
        """The current time in ``tz``."""
        return dt.datetime.now(self.tz)


class StepWatch:
    """Notices the clock being stepped (an NTP correction, someone setting it, a wake from sleep): its
    distance from the monotonic clock, which timed waits and the audio timeline follow, changes at once."""

    def __init__(self, clock: Clock, least_s: float = STEP_S):
        self.clock = clock
        self.least_s = least_s
        self._offset = self._read()

    def _read(self) -> float:
        return self.clock.now().timestamp() - time.monotonic()

    def stepped(self) -> float:
        """Seconds the clock was stepped since the last call (negative: set back); 0.0 when it just ran.
        The drift of a slewing clock between two calls is far below ``least_s``."""
        offset = self._read()
        moved, self._offset = offset - self._offset, offset
        return moved if abs(moved) >= self.least_s else 0.0
