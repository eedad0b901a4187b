"""The health command: what works and what does not, for a person or (as JSON) for monitoring."""

from __future__ import annotations

import json

import click

from broadcaster.cli import cli
from broadcaster.cli.content import now_of
from broadcaster.cli.output import console
from broadcaster.health import FAILING, OK, WARNING, station_health
from broadcaster.messages import marked, t
from broadcaster.station import Station

MARKS = {OK: marked("ok"), WARNING: marked("WARNING"), FAILING: marked("FAILING")}
VERDICTS = {OK: marked("healthy"), WARNING: marked("warnings"), FAILING: marked("FAILING")}


@cli.command("health")
@click.option("--json", "as_json", is_flag=True, help="Print the checks as JSON (for monitoring).")
@click.option("--ntp", default="", metavar="HOST[:PORT]", envvar="BROADCASTER_NTP",
              help="A time server to measure the clock against (also BROADCASTER_NTP; none: the offset is unknown).")
@click.pass_obj
def health_command(station: Station, as_json: bool, ntp: str) -> None:
    """Check devices, disk, clock, the next and last airing, the log and the version.
    Exit code 0: healthy, 1: warnings, 2: failing."""
    from broadcaster.outputs.sinks import probe_device  # PortAudio and numpy: only when health is asked

    health = station_health(station, now_of(station), probe_device, ntp)
    if as_json:
        click.echo(json.dumps(health.to_dict(), ensure_ascii=False, indent=2))
    else:
        for check in health.checks:
            console.print(f"{t(MARKS[check.status]):8} {check.message}", markup=False)
        console.print(t("{station}: {verdict}", station=health.station, verdict=t(VERDICTS[health.status])),
                      markup=False)
    raise click.exceptions.Exit(health.exit_code)
