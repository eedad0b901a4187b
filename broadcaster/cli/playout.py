"""Commands that air: run (the daily playout) and demo."""

from __future__ import annotations

import click

from broadcaster.cli import cli
from broadcaster.cli.logs import print_records
from broadcaster.cli.output import console, hms
from broadcaster.demo import run_demo
from broadcaster.messages import t
from broadcaster.playout.clock import SystemClock
from broadcaster.playout.events import AiringEvent
from broadcaster.playout.runner import run_station
from broadcaster.schedule.plan import Plan
from broadcaster.station import Station


def _print_event(event: AiringEvent) -> None:
    a = event.airing
    line = t("{time} {status}: {id} on {output} ({sink})", time=hms(event.actual_end or a.start),
             status=t(event.status), id=a.announcement, output=a.output, sink=event.sink)
    console.print(line + (f" — {event.reason}" if event.reason else ""), markup=False)


def _print_plan(plan: Plan) -> None:
    console.print(t("{day}: {n} airings planned", day=plan.day.isoformat(), n=len(plan.airings)))
    for warning in plan.warnings:
        console.print(t("warning: {text}", text=warning), markup=False)


@cli.command("run")
@click.option("--exit-when-idle", is_flag=True, help="Stop after the last airing of today instead of running on.")
@click.pass_obj
def run_command(station: Station, exit_when_idle: bool) -> None:
    """Air the schedule day after day, logging every airing (Ctrl+C stops)."""
    clock = SystemClock(station.config.tz)
    console.print(t("{name}: on air, time zone {tz}", name=station.config.name, tz=station.config.timezone))
    try:
        run_station(station, clock, [_print_event], on_plan=_print_plan, exit_when_idle=exit_when_idle)
    except KeyboardInterrupt:
        console.print(t("stopped"))


@cli.command("demo")
@click.pass_obj
def demo_command(station: Station) -> None:
    """Air a short programme of the sample station, starting in a few seconds, and show the log."""

    def ready(plan: Plan, sink, why: str | None) -> None:
        if why:
            console.print(t("No sound device ({why}): playing to {sink}", why=why, sink=sink.describe()),
                          markup=False)
        else:
            console.print(t("Playing to {sink}", sink=sink.describe()))
        for a in plan.airings:
            console.print(f"  {hms(a.start)}–{hms(a.end)}  {a.announcement}  {a.title}", markup=False)

    result = run_demo(station, SystemClock(station.config.tz), [_print_event], on_ready=ready)
    print_records(t("Airing log of the demo"), result.records)
    console.print(t("The demo station is in {folder}", folder=result.station.root))
