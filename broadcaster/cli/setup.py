"""Commands that set a station up."""

from __future__ import annotations

from pathlib import Path

import click

from broadcaster.cli import cli
from broadcaster.cli.content import now_of, passphrase_of
from broadcaster.cli.output import console
from broadcaster.messages import LANGUAGES, t
from broadcaster.station import Station, init_station


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
    console.print(t("Station key: {fingerprint}", fingerprint=station.identity()["station"]))
    console.print(t("Next: add the admin, the first supervisor, whose key is the station's root of trust: "
                    "broadcaster user add NAME --role supervisor"))


@cli.command("upgrade")
@click.option("--admin", required=True, metavar="NAME", help="The supervisor who becomes the admin (root of trust).")
@click.pass_obj
def upgrade_command(station: Station, admin: str) -> None:
    """Bring a station set up before keys to keys: the station key, the admin's key, decisions carried over."""
    carried, left, others = station.upgrade(admin, passphrase_of(admin), now_of(station))
    console.print(t("{name} is the admin; the station's root of trust is {fingerprint}", name=admin,
                    fingerprint=station.users.admin_fingerprint()), markup=False)
    console.print(t("Decisions carried over, signed by the admin: {ids}", ids=", ".join(carried) or "-"),
                  markup=False)
    for ident in left:
        console.print(t("{id}: needs a new approval (changed since, or made by the admin)", id=ident), markup=False)
    for name, role in others:
        console.print(t("{name} needs a key: broadcaster user add \"{name}\" --role {role} --admin \"{admin}\" "
                        "(with a new passphrase)", name=name, role=role, admin=admin), markup=False)


@cli.command("identity")
@click.pass_obj
def identity_command(station: Station) -> None:
    """Show the station's identity for a district to pin: its name, its key and its admin's key."""
    identity = station.identity()
    console.print(t("Station: {name}", name=identity["name"]))
    console.print(t("Station key: {fingerprint}", fingerprint=identity["station"]))
    console.print(t("Admin (root of trust): {fingerprint}", fingerprint=identity["admin"] or t(
        "none yet: broadcaster user add NAME --role supervisor")))
