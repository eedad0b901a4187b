"""Reports at the hub, from the daily rollup kept on ingest: per station and announcement, planned against
aired (counted as a station's own report counts them: see broadcaster.reports), urgent airings and minutes."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Connection

from broadcaster.airing_log import STATUSES
from broadcaster.errors import InputError
from broadcaster.messages import number_text, t
from broadcaster.spreadsheet import SpreadsheetWriter

_COUNTS = ",\n       ".join(f"coalesce(sum(airings) FILTER (WHERE \"trigger\" = 'schedule' AND status = '{s}'), 0) AS {s}"
                            for s in STATUSES)
REPORT = text(f"""
SELECT station, announcement,
       coalesce(sum(airings) FILTER (WHERE "trigger" = 'schedule'), 0) AS planned,
       {_COUNTS},
       coalesce(sum(airings) FILTER (WHERE "trigger" = 'urgent'), 0) AS urgent,
       coalesce(sum(airings) FILTER (WHERE "trigger" NOT IN ('schedule', 'urgent')), 0) AS replays,
       sum(seconds) AS seconds
FROM airing_daily WHERE day BETWEEN :start AND :end
GROUP BY station, announcement ORDER BY station, announcement
""")


@dataclass(frozen=True)
class StationAnnouncement:
    """What one station did with one announcement over the days of a report."""

    station: str
    announcement: str
    planned: int
    counts: dict[str, int]
    urgent: int
    replays: int
    minutes: float


def hub_report(db: Connection, start: dt.date, end: dt.date) -> list[StationAnnouncement]:
    """One row per station and announcement aired or planned from ``start`` to ``end``."""
    if end < start:
        raise InputError(t("the dates are in the wrong order: {start} is after {end}",
                           start=start.isoformat(), end=end.isoformat()))
    rows = db.execute(REPORT, {"start": start.isoformat(), "end": end.isoformat()}).mappings()
    return [StationAnnouncement(r["station"], r["announcement"], int(r["planned"]), {s: int(r[s]) for s in STATUSES},
                                int(r["urgent"]), int(r["replays"]), float(r["seconds"] or 0.0) / 60) for r in rows]


def columns() -> list[str]:
    """The report's column titles."""
    return [t("station"), t("announcement"), t("planned"), *[t(s) for s in STATUSES], t("urgent"), t("replays"),
            t("minutes")]


def cells(row: StationAnnouncement, point: str | None = None) -> list[str]:
    """A row as text cells, in the order of :func:`columns` (decimals with the language's mark, or ``point``)."""
    return [row.station, row.announcement, str(row.planned), *[str(row.counts[s]) for s in STATUSES],
            str(row.urgent), str(row.replays), number_text(row.minutes, point=point)]


def report_csv(rows: list[StationAnnouncement]) -> str:
    """The report as CSV."""
    out = io.StringIO()
    writer = SpreadsheetWriter(out, lineterminator="\n")
    writer.writerow(columns())
    writer.writerows(cells(r, point=".") for r in rows)  # for software, as the station's CSV
    return out.getvalue()
