"""The speak-text command: the exact words the speech engine will say, for proofreading."""

from __future__ import annotations

import click

from broadcaster.cli import cli
from broadcaster.cli.output import console
from broadcaster.station import Station


@cli.command("speak-text")
@click.argument("source", metavar="FILE_OR_ID")
@click.pass_obj
def speak_text_command(station: Station, source: str) -> None:
    """Print what will be spoken for a text file or an announcement: numbers, dates, abbreviations in words."""
    console.print(station.spoken(station.read_source(source)).text, markup=False)
