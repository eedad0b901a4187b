"""Commands for the people of a station and their roles."""

from __future__ import annotations

import os

import click

from broadcaster.cli import cli
from broadcaster.cli.content import hidden_answer, now_of, person_passphrase
from broadcaster.cli.output import table
from broadcaster.content.users import MIN_PASSPHRASE, ROLES
from broadcaster.messages import t
from broadcaster.station import Station


def new_passphrase(name: str, variable: str) -> str:
    """A new passphrase for ``name``: the environment ``variable`` for scripts, else asked for twice."""
    if variable in os.environ:
        return os.environ[variable]
    asked = t("New passphrase for {name} (at least {n} characters)", name=name, n=MIN_PASSPHRASE)
    answer = hidden_answer(asked, name)
    if hidden_answer(t("Repeat for confirmation"), name) != answer:
        raise click.UsageError(t("the two passphrases typed for {name} differ", name=name))
    return answer


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
        allowed_by = person_passphrase(station, admin)
        station.users.authenticate(*allowed_by, {"supervisor"}, t("add people"))
    passphrase = new_passphrase(name, "BROADCASTER_PASSPHRASE" if first else "BROADCASTER_NEW_PASSPHRASE")
    station.users.add(name, role, passphrase, now_of(station), allowed_by)
    click.echo(t("{name} added as {role}", name=name, role=t(role)))
    if first:
        click.echo(t("{name} is the admin; the station's root of trust is {fingerprint}", name=name,
                     fingerprint=station.users.admin_fingerprint()))


@user.command("list")
@click.option("--wide", is_flag=True, help="Each row on one line, however wide.")
@click.pass_obj
def list_command(station: Station, wide: bool) -> None:
    """List the people of the station, their roles and keys; a record that does not verify says why."""
    table(t("People"), [t("name"), t("role"), t("key")],
          [[p.name, t(p.role), p.fingerprint if not p.reason else t("unverified: {reason}", reason=p.reason)]
           for p in station.users.people()], wide)


@user.command("reset")
@click.argument("name")
@click.option("--admin", metavar="NAME", required=True, help="A supervisor who allows it.")
@click.pass_obj
def reset_command(station: Station, name: str, admin: str) -> None:
    """Give a person who forgot their passphrase a new one (and a new key; the old one stays for what it signed)."""
    allowed_by = person_passphrase(station, admin)
    passphrase = new_passphrase(name, "BROADCASTER_NEW_PASSPHRASE")
    station.users.reset(name, passphrase, now_of(station), allowed_by)
    click.echo(t("{name} has a new passphrase", name=name))
