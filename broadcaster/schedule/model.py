"""What a schedule says: outputs, and sessions of items at times of day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Output:
    """Where a session is heard: a sound device by name, or a WAV file."""

    name: str
    device: str | None = None
    file: str | None = None
    source: str = ""


@dataclass(frozen=True)
class Item:
    """One announcement in a session: its variants (all, or ``languages`` in that order), ``repeat`` times
    with ``gap_s`` between."""

    announcement: str
    repeat: int = 1
    gap_s: float = 0.0
    languages: tuple[str, ...] | None = None
    source: str = ""
    line: int | None = None


@dataclass(frozen=True)
class Session:
    """Items aired one after the other from ``start`` on the chosen weekdays (0 = Monday)."""

    name: str
    start: dt.time
    output: str
    items: tuple[Item, ...]
    days: frozenset[int] = frozenset(range(7))
    source: str = ""
    line: int | None = None


@dataclass(frozen=True)
class Schedule:
    """All schedule files of a station, merged."""

    outputs: dict[str, Output] = field(default_factory=dict)
    sessions: tuple[Session, ...] = ()
