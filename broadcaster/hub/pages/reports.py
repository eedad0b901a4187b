"""The reports page: per commune planned against aired and minutes, minutes per topic and language, bulletins
received and aired and how late, over a range of days and a district; as CSV for Excel, and printable."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, Response, render_template, request
from sqlalchemy import select

from broadcaster.hub.overview import station_states
from broadcaster.hub.pages import person, requires, served_hub, visible
from broadcaster.hub.summaries import summary, summary_csv
from broadcaster.hub.users import ROLES
from broadcaster.hub.schema import stations
from broadcaster.messages import marked
from broadcaster.web.pages import day_arg, now

bp = Blueprint("hubreports", __name__, url_prefix="/reports")
NAV = (("hubreports.page", marked("Reports"), ROLES),)
DEFAULT_DAYS = 7


@bp.route("/")
@requires(*ROLES)
def page():
    """The report of the days and district asked for (the last week of every district by default)."""
    report, district = _report()
    with served_hub().engine.connect() as db:
        offline = [s for s in station_states(db, [c.station for c in report.communes], now()) if not s.online]
    return render_template("hub-reports.html", report=report, district=district, districts=_districts(),
                           offline=offline, now_at=now(), query=request.query_string.decode("ascii", "replace"))


@bp.route("/report.csv")
@requires(*ROLES)
def csv_file():
    """The same report as CSV, with a byte-order mark so that Excel reads its Vietnamese as UTF-8."""
    report, _ = _report()
    name = f"bao-cao-{report.start.isoformat()}-{report.end.isoformat()}.csv"
    return Response(summary_csv(report).encode("utf-8-sig"), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _report():
    today = now().date()
    end = day_arg("to") or today
    start = day_arg("from") or end - dt.timedelta(days=DEFAULT_DAYS - 1)
    district = request.args.get("district", "")
    with served_hub().engine.connect() as db:
        return summary(db, start, end, visible(), district), district


def _districts() -> list[str]:
    """The districts of the stations the person may see, for the filter."""
    with served_hub().engine.connect() as db:
        return [d for d in db.execute(select(stations.c.district).distinct().where(
            stations.c.id.in_(visible()), person().scope(), stations.c.district.isnot(None))
            .order_by(stations.c.district)).scalars()]
