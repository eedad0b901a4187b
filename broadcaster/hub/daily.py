"""The daily report: each morning, the day before of every station (per commune and announcement, and the
communes' summary with their bulletins), as HTML and CSV in the hub's data folder (reports/DAY.html, .csv),
written atomically; made by `hub serve` at REPORT_HOUR and on demand by `hub report --daily DAY`."""

from __future__ import annotations

import datetime as dt
import io
import logging
from pathlib import Path
from typing import Callable

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from broadcaster.atomic import replacing
from broadcaster.hub.overview import station_states
from broadcaster.hub.reports import cells, columns, hub_report
from broadcaster.hub.schema import stations
from broadcaster.hub.summaries import TIMEZONE, commune_cells, commune_columns, moment, summary, summary_csv
from broadcaster.messages import speaking, t
from broadcaster.spreadsheet import SpreadsheetWriter

REPORT_HOUR = 6  # 06:00 in the province: the evening's airings of the day before have been synced by then
FOLDER = "reports"
LANGUAGE = "vi"
TEMPLATES = Path(__file__).parent / "pages" / "templates"
log = logging.getLogger(__name__)


def report_paths(data: Path, day: dt.date) -> tuple[Path, Path]:
    """Where the report of ``day`` is kept: its HTML and its CSV."""
    folder = Path(data) / FOLDER
    return folder / f"{day.isoformat()}.html", folder / f"{day.isoformat()}.csv"


def daily_report(db: Connection, day: dt.date, now: dt.datetime) -> tuple[str, str]:
    """The report of ``day`` for every station of the hub, made at ``now`` (the stations offline then): (HTML,
    CSV)."""
    names = {r.id: r.name or r.id for r in db.execute(select(stations.c.id, stations.c.name))}
    with speaking(LANGUAGE):
        report = summary(db, day, day, sorted(names))
        offline = [s for s in station_states(db, sorted(names), now) if not s.online]
        rows = [r for r in hub_report(db, day, day) if r.station in names]
        environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True))
        environment.globals.update(t=t, commune_columns=commune_columns, commune_cells=commune_cells, moment=moment)
        titles = [t("Commune"), *columns()]
        table = [[names[r.station], *cells(r)] for r in rows]
        html = environment.get_template("hub-daily.html").render(report=report, day=day, titles=titles, rows=table,
                                                                 lang=LANGUAGE, district="", offline=offline,
                                                                 now_at=now)
        csv_text = summary_csv(report) + "\r\n" + _csv([titles, *[[names[r.station], *cells(r, point=".")]
                                                                     for r in rows]])  # for software: a point
    return html, csv_text


def _csv(rows: list[list[str]]) -> str:
    out = io.StringIO()
    SpreadsheetWriter(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def write_daily(engine: Engine, data: Path, day: dt.date, now: dt.datetime) -> tuple[Path, Path]:
    """Make the report of ``day`` at ``now`` and write it (atomically) into ``data``/reports; the two paths."""
    with engine.connect() as db:
        html, csv_text = daily_report(db, day, now)
    html_path, csv_path = report_paths(data, day)
    html_path.parent.mkdir(parents=True, exist_ok=True)
    with replacing(html_path, what=t("the daily report")) as out:
        out.write(html.encode("utf-8"))
    with replacing(csv_path, what=t("the daily report")) as out:
        out.write(csv_text.encode("utf-8-sig"))  # a BOM: Excel reads the Vietnamese as UTF-8
    return html_path, csv_path


def yesterday(now: dt.datetime) -> dt.date:
    """The province's day before ``now``."""
    return now.astimezone(TIMEZONE).date() - dt.timedelta(days=1)


class DailyReports:
    """Makes the day before's report each morning at REPORT_HOUR (and at once, if it is missing, when started
    after that hour: a hub restarted or down at 06:00 still has it)."""

    def __init__(self, engine: Engine, data: Path,
                 clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(TIMEZONE)):
        from apscheduler.schedulers.background import BackgroundScheduler

        self.engine, self.data, self.clock = engine, Path(data), clock
        self._scheduler = BackgroundScheduler(timezone=TIMEZONE)

    def start(self) -> DailyReports:
        """Start the scheduler's thread."""
        from apscheduler.triggers.cron import CronTrigger

        self._scheduler.add_job(self.make, CronTrigger(hour=REPORT_HOUR, timezone=TIMEZONE), misfire_grace_time=3600)
        now = self.clock().astimezone(TIMEZONE)
        if now.hour >= REPORT_HOUR and not report_paths(self.data, yesterday(now))[0].exists():
            self._scheduler.add_job(self.make)
        self._scheduler.start()
        return self

    def make(self) -> None:
        """Make the day before's report; a failure is logged, and the next morning tries again."""
        now = self.clock()
        day = yesterday(now)
        try:
            write_daily(self.engine, self.data, day, now)
        except Exception as exc:  # a database down at 06:00 must not stop the hub's thread
            log.error("the daily report of %s was not made: %s", day, exc)

    def stop(self) -> None:
        """Stop the scheduler."""
        self._scheduler.shutdown(wait=False)
