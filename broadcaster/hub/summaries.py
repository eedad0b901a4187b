"""The hub's reports up the chain, over the stations a person may see: per commune planned against aired and
minutes, minutes per topic and per language (one pass over the daily rollup), and per commune the bulletins
received, aired and how late; the days are the province's (Asia/Ho_Chi_Minh)."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, select, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Connection
from sqlalchemy.types import Text

from broadcaster.errors import InputError
from broadcaster.hub.schema import stations
from broadcaster.messages import length_text, t
from broadcaster.spreadsheet import SpreadsheetWriter

TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")  # the province's days and times, whatever the server's zone
MAX_DAYS = 366 * 2  # a longer range is surely a typing mistake, and would hold a connection for long

# One scan of the rollup for the three tables of the report: per station, per topic, per language.
AIRINGS = text("""
SELECT station, topic, language, GROUPING(station, topic, language) AS level,
       coalesce(sum(airings) FILTER (WHERE "trigger" = 'schedule'), 0) AS planned,
       coalesce(sum(airings) FILTER (WHERE "trigger" = 'schedule' AND status = 'aired'), 0) AS aired,
       coalesce(sum(airings) FILTER (WHERE "trigger" <> 'schedule' AND status = 'aired'), 0) AS extra,
       coalesce(sum(seconds), 0) AS seconds
FROM airing_daily WHERE day BETWEEN :start AND :end AND station = ANY(:stations)
GROUP BY GROUPING SETS ((station), (topic), (language))
""").bindparams(bindparam("stations", type_=ARRAY(Text)))

BULLETINS = text("""
SELECT d.station, count(*) AS sent, count(d.delivered_at) AS received, count(d.on_air_at) AS aired,
       count(d.failed_at) AS failed,
       avg(extract(epoch FROM d.on_air_at - greatest(d.accepted_at, b.valid_from))) AS late_avg_s,
       max(extract(epoch FROM d.on_air_at - greatest(d.accepted_at, b.valid_from))) AS late_max_s
FROM deliveries d JOIN bulletins b ON b.id = d.bulletin_id
WHERE d.kind = 'bulletin' AND d.accepted_at >= :since AND d.accepted_at < :until AND d.station = ANY(:stations)
GROUP BY d.station
""").bindparams(bindparam("stations", type_=ARRAY(Text)))


@dataclass(frozen=True)
class Commune:
    """What one commune's station did over the report's days."""

    station: str
    name: str
    district: str
    planned: int = 0
    aired: int = 0            # of the planned, aired in full
    extra: int = 0            # aired beyond the schedule (urgent, bulletins, replays)
    minutes: float = 0.0
    bulletins: int = 0        # bulletins sent to it
    received: int = 0         # ... that it verified and took
    bulletins_aired: int = 0  # ... that went on air
    failed: int = 0
    late_avg_s: float | None = None  # from the hub taking a bulletin (or its start) to its first airing
    late_max_s: float | None = None

    @property
    def share(self) -> float | None:
        """Aired of planned, 0..1 (None when nothing was planned)."""
        return self.aired / self.planned if self.planned else None


@dataclass(frozen=True)
class Summary:
    """A report of the stations a person may see over ``start``..``end``."""

    start: dt.date
    end: dt.date
    communes: list[Commune]
    topics: list[tuple[str, float]]     # (topic, minutes), most first
    languages: list[tuple[str, float]]  # (language, minutes), most first


def check_days(start: dt.date, end: dt.date) -> None:
    """Refuse days in the wrong order or a range too long."""
    if end < start:
        raise InputError(t("the dates are in the wrong order: {start} is after {end}",
                           start=start.isoformat(), end=end.isoformat()))
    if (end - start).days >= MAX_DAYS:
        raise InputError(t("a report covers at most {n} days", n=MAX_DAYS))


def summary(db: Connection, start: dt.date, end: dt.date, visible: list[str], district: str = "") -> Summary:
    """The report over ``start``..``end`` for the stations ``visible`` (of ``district`` when one is named)."""
    check_days(start, end)
    query = select(stations.c.id, stations.c.name, stations.c.district).where(stations.c.id.in_(visible))
    if district:
        query = query.where(stations.c.district == district)
    found = {r.id: r for r in db.execute(query.order_by(stations.c.district, stations.c.name, stations.c.id))}
    ids = list(found)
    per: dict[str, dict] = {i: {} for i in ids}
    topics, languages = [], []
    for r in db.execute(AIRINGS, {"start": start.isoformat(), "end": end.isoformat(), "stations": ids}).mappings():
        minutes = float(r["seconds"]) / 60
        if r["station"] is not None and r["level"] == 3:  # grouped by station (topic and language rolled up)
            per[r["station"]].update(planned=int(r["planned"]), aired=int(r["aired"]), extra=int(r["extra"]),
                                     minutes=minutes)
        elif r["level"] == 5:
            topics.append((r["topic"], minutes))
        elif r["level"] == 6:
            languages.append((r["language"], minutes))
    since = dt.datetime.combine(start, dt.time(), TIMEZONE)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), TIMEZONE)
    for r in db.execute(BULLETINS, {"since": since, "until": until, "stations": ids}).mappings():
        per[r["station"]].update(bulletins=int(r["sent"]), received=int(r["received"]),
                                 bulletins_aired=int(r["aired"]), failed=int(r["failed"]),
                                 late_avg_s=_seconds(r["late_avg_s"]), late_max_s=_seconds(r["late_max_s"]))
    communes = [Commune(i, found[i].name or i, found[i].district or "", **per[i]) for i in ids]
    return Summary(start, end, communes, sorted(topics, key=lambda p: -p[1]), sorted(languages, key=lambda p: -p[1]))


def _seconds(value: object) -> float | None:
    return None if value is None else float(value)


def commune_columns() -> list[str]:
    """The titles of the per-commune table."""
    return [t("Commune"), t("station"), t("District"), t("planned"), t("aired"), t("aired of planned"),
            t("beyond the schedule"), t("minutes"), t("bulletins sent"), t("bulletins received"),
            t("bulletins aired"), t("bulletins failed"), t("average lateness"), t("greatest lateness")]


def commune_cells(row: Commune) -> list[str]:
    """A commune's row as text, in the order of :func:`commune_columns`."""
    return [row.name, row.station, row.district, str(row.planned), str(row.aired),
            "" if row.share is None else f"{row.share:.0%}", str(row.extra), f"{row.minutes:.1f}", str(row.bulletins),
            str(row.received), str(row.bulletins_aired), str(row.failed), length_text(row.late_avg_s),
            length_text(row.late_max_s)]


def moment(at: dt.datetime) -> str:
    """'04/12/2026 09:30', in the province's time."""
    return at.astimezone(TIMEZONE).strftime("%d/%m/%Y %H:%M")


def summary_csv(report: Summary) -> str:
    """The report as CSV: the communes, then minutes per topic and per language, each table under its title."""
    out = io.StringIO()
    writer = SpreadsheetWriter(out, lineterminator="\r\n")
    writer.writerow([t("Report from {start} to {end}", start=report.start.strftime("%d/%m/%Y"),
                       end=report.end.strftime("%d/%m/%Y"))])
    writer.writerow(commune_columns())
    writer.writerows(commune_cells(c) for c in report.communes)
    for title, pairs in ((t("topic"), report.topics), (t("language"), report.languages)):
        writer.writerow([])
        writer.writerow([title, t("minutes")])
        writer.writerows([name or "—", f"{minutes:.1f}"] for name, minutes in pairs)
    return out.getvalue()
