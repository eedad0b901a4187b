"""The report command: what every station aired in a period, for supervisors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from broadcaster.cli import cli
from broadcaster.cli.output import DATE, console, language_shown, note, table, topic_shown
from broadcaster.messages import day_text, t
from broadcaster.report_xlsx import write_xlsx
from broadcaster.airing_log import STATUSES
from broadcaster.reports import Report, log_report, named, rule, sections, write_csv, write_html
from broadcaster.station import Station

# Columns left out unless --wide, so that the tables fit 80 columns: the reasons of the per-day table (its last
# column, listed again under "Not aired in full"), the title (the id names the text) and the operator; the
# station too when the report is of one station, and the day when it is of one day.
_NARROW_DROPS = ("title", "operator")


@cli.command("report")
@click.option("--from", "start", type=DATE, required=True, help="First day.")
@click.option("--to", "end", type=DATE, required=True, help="Last day.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "html", "xlsx"]), default="table",
              show_default=True, help="A table here, an Excel workbook (one sheet per table), a CSV for programs, "
                                      "or an HTML page to read offline or print on A4.")
@click.option("--file", "path", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write the file (default report-FROM-TO.xlsx, .csv or .html here).")
@click.option("--wide", is_flag=True, help="Every column, however wide the terminal.")
@click.option("--output", help="Only this output.")
@click.option("--topic", help="Only this topic.")
@click.option("--lang", "language", help="Only this language.")
@click.option("--status", type=click.Choice(STATUSES), help="Only this status.")
@click.pass_obj
def report_command(station: Station, start: dt.date, end: dt.date, fmt: str, path: Path | None, wide: bool,
                   **wanted: str | None) -> None:
    """Planned against aired, minutes per topic and language, urgent and unapproved airings, device trouble
    (a warning, and exit code 1, when the log was altered)."""
    report, warnings = log_report(station.airing_log, start, end, **wanted)
    report = _named(report, station)
    for warning in warnings:
        console.print(warning, markup=False, style="bold red")
    _print_or_write(station, report, fmt, path, warnings, wide)
    if warnings:
        raise click.exceptions.Exit(1)


def _named(report: Report, station: Station) -> Report:
    """The report with its topics and languages by the names a person reads (in translated output)."""
    return named(report, lambda code: topic_shown(code, station.config), language_shown)


def _print_or_write(station: Station, report: Report, fmt: str, path: Path | None, warnings: tuple[str, ...],
                    wide: bool) -> None:
    first, last = report.start, report.end
    if fmt == "table":
        console.print(t("Airing report from {start} to {end}", start=day_text(first), end=day_text(last)))
        drops = () if wide else {t(name) for name in _NARROW_DROPS + (("station",) if len(report.stations) < 2 else ())
                                 + (("day",) if first == last else ())}
        for i, section in enumerate(sections(report, every_status=False)):
            if not section.rows:
                console.print(t("{title}: none", title=section.title))
                continue
            keep = [j for j, c in enumerate(section.columns) if c not in drops
                    and (wide or i or j < len(section.columns) - 1)]
            table(section.title, [section.columns[j] for j in keep], [[row[j] for j in keep] for row in section.rows])
            if i == 0:
                note(rule())
        return
    path = path or Path(f"report-{first.isoformat()}-{last.isoformat()}.{fmt}")
    if fmt == "csv":
        write_csv(report, path, warnings)
    elif fmt == "xlsx":
        write_xlsx(report, path, warnings)
    else:
        write_html(report, path, t("Airing report of {name}", name=station.config.name), warnings)
    console.print(t("written to {path}", path=path))
