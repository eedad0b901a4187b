"""The province hub: stations enrolled with pinned keys, their airing logs and heartbeats, over PostgreSQL."""

import datetime as dt


def utc_now() -> dt.datetime:
    """The time now, in UTC (the hub's clock)."""
    return dt.datetime.now(dt.timezone.utc)
