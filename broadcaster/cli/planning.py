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
    station.sync(SystemClock(station.config.tz).now())
    todo = [(e.id, v) for e in station.library.entries() if e.approved
            for v in e.announcement.variants if station.asset(v) is None]
    if dry_run or not todo:
        for ident, v in todo:
            console.print(t("would render {id} ({lang})", id=ident, lang=v.language))
        console.print(t("{n} to render", n=len(todo)))
        return
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task(t("Rendering"), total=len(todo))
        for ident, v in todo:
            asset, _ = station.render(v)
            progress.console.print(t("{id} ({lang}): {seconds:.1f} s, {lufs:.1f} LUFS, true peak {tp:.1f} dBTP",
                                     id=ident, lang=v.language, seconds=asset.duration_s, lufs=asset.lufs,
                                     tp=asset.true_peak_dbtp))
            progress.advance(task)
    console.print(t("{n} rendered", n=len(todo)))


@cli.command("plan")
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]), help="The day to plan (default today).")
@click.pass_obj
def plan_command(station: Station, day: dt.datetime | None) -> None:
    """Show the plan of a day: what airs where and when, and what was left out."""
    now = SystemClock(station.config.tz).now()
    when = day.date() if day else now.date()
    plan = station.plan(when, now)
    table(t("Plan of {day}", day=when.isoformat()), [t("start"), t("end"), t("output"), t("session"), t("id"),
                                                      t("language"), t("title")],
          [[hms(a.start), hms(a.end), a.output, a.session, a.announcement, a.language, a.title]
           for a in plan.airings])
    for warning in plan.warnings:
        console.print(t("warning: {text}", text=warning), markup=False)
