"""The log and reports page: a period's report narrowed by output, topic, language and status, with its charts,
the log's check, and the files a supervisor sends on (CSV for Excel, an Excel workbook, the log's records):
the CLI's `report`, `log --format csv` and `log verify`."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from flask import Blueprint, Response, render_template, request

from broadcaster.airing_log import STATUSES
from broadcaster.errors import BroadcasterError, InputError
from broadcaster.messages import language, marked, t
from broadcaster.report_xlsx import write_xlsx
from broadcaster.reports import (FILTERS, log_report, named, outputs_chart, records_table_csv, report_csv, rule,
                                 sections, topic_chart)
from broadcaster.web import filters
from broadcaster.web.auth import EVERYONE, requires
from broadcaster.web.pages import DAY_PATTERN, day_arg, now, served, station

bp = Blueprint("reports", __name__, url_prefix="/reports")
NAV = (("reports.page", marked("Log and reports"), EVERYONE),)
DEFAULT_DAYS = 7  # the period shown when none is asked for: the last week, today included


@bp.route("/")
@requires(*EVERYONE)
def page():
    """The report of the period asked for (the last week by default), its charts and tables."""
    start, end, wanted = _asked()
    report, warnings = log_report(station().airing_log, start, end, served().planning.log_checks(), **wanted)
    report = named(report, filters.topic, filters.language)
    return render_template("reports.html", start=start, end=end, wanted=wanted, warnings=warnings, rule=rule(),
                           sections=sections(report, every_status=False), topics=topic_chart(report),
                           outputs=outputs_chart(report), choices=_choices(), query=request.query_string.decode(),
                           day_pattern=DAY_PATTERN)


@bp.route("/verify")
@requires(*EVERYONE)
def verify():
    """The log's check, as `log verify` says it (a fragment the page loads after it shows)."""
    return render_template("reports-verify.html", checks=served().planning.log_checks(),
                           head=station().airing_log.head())


@bp.route("/report.csv")
@requires(*EVERYONE)
def report_file():
    """The report as CSV with a byte-order mark, so that Excel reads the Vietnamese letters."""
    start, end, wanted = _asked()
    report, warnings = log_report(station().airing_log, start, end, served().planning.log_checks(), **wanted)
    return _download(report_csv(report, warnings).encode("utf-8-sig"), f"report-{start}-{end}.csv", "text/csv")


@bp.route("/report.xlsx")
@requires(*EVERYONE)
def workbook():
    """The report as an Excel workbook, numbers as numbers."""
    start, end, wanted = _asked()

    def make() -> bytes:
        report, warnings = log_report(station().airing_log, start, end, served().planning.log_checks(), **wanted)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "report.xlsx"
            write_xlsx(report, path, warnings)
            return path.read_bytes()

    data = served().planning.from_log(("report.xlsx", start, end, *wanted.values(), language()), make)
    return _download(data, f"report-{start}-{end}.xlsx",
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.route("/log.csv")
@requires(*EVERYONE)
def records_file():
    """The period's airing records as CSV for Excel (a byte-order mark, headings in the page's language)."""
    start, end, wanted = _asked()

    def make() -> bytes:
        records = station().airing_log.query(start, end, output=wanted["output"], topic=wanted["topic"],
                                             status=wanted["status"])
        if wanted["language"]:
            records = [r for r in records if r.get("language") == wanted["language"]]
        return records_table_csv(records).encode("utf-8-sig")

    # Kept while the log does not change: a week's records take tens of milliseconds to read and write out.
    data = served().planning.from_log(("log.csv", start, end, *wanted.values(), language()), make)
    return _download(data, f"log-{start}-{end}.csv", "text/csv")


def _asked() -> tuple[dt.date, dt.date, dict[str, str | None]]:
    """The period and filters of the request: days as the day fields send them (dd/mm/yyyy) or links (ISO)."""
    today = now().date()
    start = day_arg("from") or today - dt.timedelta(days=DEFAULT_DAYS - 1)
    end = day_arg("to") or today
    wanted = {name: request.args.get(name) or None for name in FILTERS}
    if wanted["status"] and wanted["status"] not in STATUSES:
        raise InputError(t("unknown status '{status}'", status=wanted["status"]))
    return start, end, wanted


def _choices() -> dict[str, list[str]]:
    """What the filters offer: the schedule's outputs, the station's topics, the statuses."""
    try:
        outputs = sorted(served().planning.schedule().outputs)
    except BroadcasterError:
        outputs = []  # a broken schedule file: its outputs cannot be offered, the report still can
    return {"output": outputs, "topic": list(station().config.topics), "status": list(STATUSES)}


def _download(data: bytes, name: str, mimetype: str) -> Response:
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{name}"'})
