"""Commands that render audio and show the plan."""

from __future__ import annotations

import datetime as dt

import click
from rich.progress import Progress

from broadcaster.cli import cli
from broadcaster.cli.output import console, describe_asset, hms, table
from broadcaster.messages import t
from broadcaster.playout.clock import SystemClock
from broadcaster.station import Station


@cli.command("render")
@click.option("--dry-run", is_flag=True, help="Only say what would be rendered (and, with --clean, removed).")
@click.option("--clean", is_flag=True, help="Also remove rendered audio that no approved announcement uses.")
@click.pass_obj
def render_command(station: Station, dry_run: bool, clean: bool) -> None:
    """Render every approved announcement to broadcast-ready audio (cached)."""
    todo = [e for e in station.library.entries() if e.approved and station.needs_render(e)]
    if dry_run or not todo:
        for e in todo:
            had = station.asset(e)
            console.print(t("would render {id}", id=e.id) + (t(" (now: {engine}, a fallback)", engine=had.engine)
                                                             if had else ""), markup=False)
        console.print(t("{n} to render", n=len(todo)))
    else:
        made = 0
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task(t("Rendering"), total=len(todo))
            for e in todo:
                asset, now = station.render(e)
                made += now  # a fallback's audio is kept when the configured engine fails again
                progress.console.print(t("{id}: {asset}", id=e.id, asset=describe_asset(asset)), markup=False)
                progress.advance(task)
        console.print(t("{n} rendered", n=made))
    if clean:
        removed, left = station.clean_renders(dry_run)
        console.print(t("{n} files of unused audio would be removed", n=len(removed)) if dry_run else
                      t("{n} files of unused audio removed", n=len(removed)))
        for path in left:
            console.print(t("warning: {path} is in use and was left; it is removed next time", path=path),
                          markup=False)


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
