"""The speak-text command: the exact words the speech engine will say, for proofreading."""

from __future__ import annotations

import click

from broadcaster.cli import cli
from broadcaster.cli.output import console
from broadcaster.content.announcement import TEXT
from broadcaster.station import Station


@cli.command("speak-text")
@click.argument("source", metavar="FILE_OR_ID")
@click.pass_obj
def speak_text_command(station: Station, source: str) -> None:
    """Print what will be spoken for a text file or an announcement: numbers, dates, abbreviations in words."""
    for variant in station.read_source(source).variants:
        if variant.kind == TEXT:
            console.print(station.spoken(variant).text, markup=False)
