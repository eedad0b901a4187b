"""The province hub: stations enrolled with pinned keys, their airing logs and heartbeats, over PostgreSQL."""

import datetime as dt
from zoneinfo import ZoneInfo

# The province's time, in which the hub shows its times and days (it keeps them in UTC).
PROVINCE_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def utc_now() -> dt.datetime:
    """The time now, in UTC (the hub's clock)."""
    return dt.datetime.now(dt.timezone.utc)
