"""Commands for the people of a station and their roles."""

from __future__ import annotations

import click

from broadcaster.cli import cli
from broadcaster.cli.content import now_of, passphrase_of
from broadcaster.cli.output import table
from broadcaster.content.users import MIN_PASSPHRASE, ROLES
from broadcaster.messages import t
from broadcaster.station import Station


@cli.group()
def user() -> None:
    """People of the station: operators, officers, supervisors."""


@user.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), required=True, help="What the person may do.")
@click.option("--admin", metavar="NAME", help="A supervisor who allows it (needed once anyone exists).")
@click.pass_obj
def add_command(station: Station, name: str, role: str, admin: str | None) -> None:
    """Add a person with a role and a passphrase (asked for twice, never stored in clear)."""
    station.users.check_new(name, admin)  # before anyone types a passphrase
    first = not station.users.names()
    allowed_by = None
    if admin and not first:
        allowed_by = (admin, passphrase_of(admin))
        station.users.authenticate(*allowed_by, {"supervisor"}, t("add people"))
    passphrase = click.prompt(t("New passphrase for {name} (at least {n} characters)", name=name, n=MIN_PASSPHRASE),
                              hide_input=True, confirmation_prompt=t("Repeat for confirmation"), default="",
                              show_default=False)
    station.users.add(name, role, passphrase, now_of(station), allowed_by)
    click.echo(t("{name} added as {role}", name=name, role=t(role)))
    if first:
        click.echo(t("{name} is the admin; the station's root of trust is {fingerprint}", name=name,
                     fingerprint=station.users.admin_fingerprint()))


@user.command("list")
@click.pass_obj
def list_command(station: Station) -> None:
    """List the people of the station, their roles and keys; a record that does not verify says why."""
    table(t("People"), [t("name"), t("role"), t("key")],
          [[p.name, t(p.role), p.fingerprint if not p.reason else t("unverified: {reason}", reason=p.reason)]
           for p in station.users.people()])


@user.command("reset")
@click.argument("name")
@click.option("--admin", metavar="NAME", required=True, help="A supervisor who allows it.")
@click.pass_obj
def reset_command(station: Station, name: str, admin: str) -> None:
    """Give a person who forgot their passphrase a new one (and a new key; the old one stays for what it signed)."""
    allowed_by = (admin, passphrase_of(admin))
    passphrase = click.prompt(t("New passphrase for {name} (at least {n} characters)", name=name, n=MIN_PASSPHRASE),
                              hide_input=True, confirmation_prompt=t("Repeat for confirmation"), default="",
                              show_default=False)
    station.users.reset(name, passphrase, now_of(station), allowed_by)
    click.echo(t("{name} has a new passphrase", name=name))
