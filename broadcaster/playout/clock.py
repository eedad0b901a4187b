"""Time, passed in: the engine asks a Clock, never the system directly."""

from __future__ import annotations

import datetime as dt
from typing import Protocol
from zoneinfo import ZoneInfo


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
