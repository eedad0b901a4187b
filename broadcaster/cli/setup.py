"""Commands that set a station up."""

from __future__ import annotations

from pathlib import Path

import click

from broadcaster.cli import cli
from broadcaster.cli.output import console
from broadcaster.messages import t
from broadcaster.station import init_station


@cli.command("init")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", default="Đài truyền thanh xã", show_default=True, help="The station's name.")
def init_command(folder: Path, name: str) -> None:
    """Create a new, empty station in FOLDER."""
    station = init_station(folder, name)
    console.print(t("Created station '{name}' in {folder}. Put texts in scripts_text/, schedules in schedules/.",
                    name=station.config.name, folder=folder))
