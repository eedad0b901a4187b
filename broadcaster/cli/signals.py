"""The signal commands: a supervisor accepts the station's signal files (chimes, jingles) as they are."""

from __future__ import annotations

import click

from broadcaster.cli import cli
from broadcaster.cli.content import person_passphrase
from broadcaster.cli.output import console
from broadcaster.messages import t
from broadcaster.station import Station


@cli.group("signal")
def signal() -> None:
    """Station signals: each file is sealed when first used; a replaced one airs only once accepted."""


@signal.command("accept")
@click.option("--by", "by", required=True, metavar="NAME", help="The supervisor who accepts the signal files.")
@click.pass_obj
def accept_command(station: Station, by: str) -> None:
    """Seal the signal files named by station.yaml and the schedule as they are now (after a chime changed)."""
    for relative in station.renders.accept_signals(*person_passphrase(station, by)):
        console.print(t("{path}: accepted", path=relative), markup=False)
