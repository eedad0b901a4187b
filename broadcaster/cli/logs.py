"""The airing log command."""

from __future__ import annotations

import datetime as dt

import click

from broadcaster.cli import cli
from broadcaster.cli.output import hms, table
from broadcaster.messages import t
from broadcaster.playout.clock import SystemClock
from broadcaster.station import Station


def print_records(title: str, records: list[dict]) -> None:
    """The airing records as a table."""
    table(title, [t("planned"), t("started"), t("ended"), t("output"), t("id"), t("status"), t("reason"),
                  t("fingerprint")],
          [[hms(r["planned_start"]), hms(r["actual_start"]), hms(r["actual_end"]), r["output"], r["announcement"],
            t(r["status"]), r["reason"], r["fingerprint"][:12]] for r in records])


@cli.command("log")
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]), help="The day (default today).")
@click.pass_obj
def log_command(station: Station, day: dt.datetime | None) -> None:
    """Show the airing log of a day."""
    when = day.date() if day else SystemClock(station.config.tz).now().date()
    print_records(t("Airing log of {day}", day=when.isoformat()), station.airing_log.records(when))
