"""The report command: what every station aired in a period, for supervisors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from broadcaster.cli import cli
from broadcaster.cli.output import DATE, console, table
from broadcaster.messages import t
from broadcaster.reports import Report, build_report, sections, write_csv, write_html
from broadcaster.station import Station


@cli.command("report")
@click.option("--from", "start", type=DATE, required=True, help="First day.")
@click.option("--to", "end", type=DATE, required=True, help="Last day.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "html"]), default="table", show_default=True,
              help="A table here, a CSV for Excel, or an HTML page to read offline or print on A4.")
@click.option("--file", "path", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the CSV or HTML (default report-FROM-TO.csv or .html here).")
@click.pass_obj
def report_command(station: Station, start: dt.date, end: dt.date, fmt: str, path: Path | None) -> None:
    """Planned against aired, minutes per topic and language, urgent and unapproved airings, device trouble
    (a warning, and exit code 1, when the log was altered)."""
    first, last = start, end
    report = build_report(station.airing_log.report_records(first, last), first, last)
    altered = [c for c in station.airing_log.verify() if not c.intact]
    for c in altered:
        console.print(t("WARNING: the log was ALTERED ({station}: {path}: {problem}); this report may not be what "
                        "was aired ('broadcaster log verify' checks it)", station=c.station, path=c.path,
                        problem=c.problem), markup=False)
    _print_or_write(station, report, fmt, path)
    if altered:
        raise click.exceptions.Exit(1)


def _print_or_write(station: Station, report: Report, fmt: str, path: Path | None) -> None:
    first, last = report.start, report.end
    if fmt == "table":
        console.print(t("Airing report from {start} to {end}", start=first.isoformat(), end=last.isoformat()))
        for section in sections(report, every_status=False):
            if section.rows:
                table(section.title, list(section.columns), [list(row) for row in section.rows])
            else:
                console.print(t("{title}: none", title=section.title))
        return
    path = path or Path(f"report-{first.isoformat()}-{last.isoformat()}.{fmt}")
    if fmt == "csv":
        write_csv(report, path)
    else:
        write_html(report, path, t("Airing report of {name}", name=station.config.name))
    console.print(t("written to {path}", path=path))
