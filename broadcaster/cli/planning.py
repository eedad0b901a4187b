"""Commands that render audio and show the plan."""

from __future__ import annotations

import datetime as dt

import click
from rich.progress import Progress

from broadcaster.cli import cli
from broadcaster.cli.output import console, hms, table
from broadcaster.messages import t
from broadcaster.playout.clock import SystemClock
from broadcaster.station import Station


@cli.command("render")
@click.option("--dry-run", is_flag=True, help="Only say what would be rendered.")
@click.pass_obj
def render_command(station: Station, dry_run: bool) -> None:
    """Render every approved announcement to broadcast-ready audio (cached)."""
    todo = [e for e in station.library.entries() if e.approved and station.asset(e) is None]
    if dry_run or not todo:
        for e in todo:
            console.print(t("would render {id}", id=e.id))
        console.print(t("{n} to render", n=len(todo)))
        return
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task(t("Rendering"), total=len(todo))
        for e in todo:
            asset, _ = station.render(e)
            progress.console.print(t("{id}: {seconds:.1f} s, {lufs:.1f} LUFS, true peak {tp:.1f} dBTP",
                                     id=e.id, seconds=asset.duration_s, lufs=asset.lufs, tp=asset.true_peak_dbtp))
            progress.advance(task)
    console.print(t("{n} rendered", n=len(todo)))


@cli.command("plan")
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]), help="The day to plan (default today).")
@click.pass_obj
def plan_command(station: Station, day: dt.datetime | None) -> None:
    """Show the plan of a day: what airs where and when, and what was left out."""
    when = day.date() if day else SystemClock(station.config.tz).now().date()
    plan = station.plan(when)
    table(t("Plan of {day}", day=when.isoformat()), [t("start"), t("end"), t("output"), t("session"), t("id"),
                                                      t("title")],
          [[hms(a.start), hms(a.end), a.output, a.session, a.announcement, a.title] for a in plan.airings])
    for warning in plan.warnings:
        console.print(t("warning: {text}", text=warning), markup=False)
