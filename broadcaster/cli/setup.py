"""Commands that set a station up."""

from __future__ import annotations

from pathlib import Path

import click

from broadcaster.cli import cli
from broadcaster.cli.output import console
from broadcaster.messages import LANGUAGES, t
from broadcaster.station import init_station


@cli.command("init")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", default="Đài truyền thanh xã", show_default=True, help="The station's name.")
@click.option("--language", type=click.Choice(LANGUAGES), default="vi", show_default=True,
              help="Language of the station's messages, written into station.yaml.")
def init_command(folder: Path, name: str, language: str) -> None:
    """Create a new, empty station in FOLDER."""
    station = init_station(folder, name, language)
    console.print(t("Created station '{name}' in {folder}. Put texts in scripts_text/, schedules in schedules/.",
                    name=station.config.name, folder=folder))
