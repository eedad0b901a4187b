"""The service commands: start `run` at boot and again when it stops (systemd, or Task Scheduler)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from broadcaster.cli import cli
from broadcaster.cli.output import console
from broadcaster.messages import t
from broadcaster.service import install, service_for, status, uninstall
from broadcaster.station import Station

_unit_dir = click.option("--unit-dir", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
                         help="Where the systemd unit goes (default /etc/systemd/system, or your own for --per-user).")
_tool = click.option("--tool", hidden=True, help="The systemctl or schtasks program to call (tests).")
_per_user = click.option("--per-user", is_flag=True,
                         help="Linux: a unit of your own (systemctl --user), started after PipeWire or PulseAudio.")


@cli.group("service")
def service_group() -> None:
    """Start `broadcaster run` at boot and again after a failure: a systemd unit (Linux) or a Task
    Scheduler entry (Windows)."""


@service_group.command("install")
@click.option("--user", metavar="NAME", help="Who runs it (default: you on Linux, SYSTEM on Windows).")
@click.option("--dry-run", is_flag=True, help="Print the unit (or the task) and the commands; change nothing.")
@_unit_dir
@_per_user
@_tool
@click.pass_obj
def install_command(station: Station, user: str | None, dry_run: bool, unit_dir: Path | None, per_user: bool,
                    tool: str | None) -> None:
    """Install the service of this station (its folder is --station) and start it."""
    service = service_for(station, user, sys.platform == "win32", unit_dir, tool, per_user, installing=True)
    if dry_run:
        console.print(t("# {file}", file=service.path or t("Task Scheduler entry {name}", name=service.name)),
                      markup=False)
        console.print(service.text, markup=False)
        for args in service.install_commands():
            console.print("$ " + " ".join(args), markup=False)
        return
    install(service)
    console.print(t("installed and started: {name}", name=service.name), markup=False)


@service_group.command("uninstall")
@_unit_dir
@_per_user
@_tool
@click.pass_obj
def uninstall_command(station: Station, unit_dir: Path | None, per_user: bool, tool: str | None) -> None:
    """Stop the service of this station and remove it."""
    service = service_for(station, None, sys.platform == "win32", unit_dir, tool, per_user)
    uninstall(service)
    console.print(t("removed: {name}", name=service.name), markup=False)


@service_group.command("status")
@_unit_dir
@_per_user
@_tool
@click.pass_obj
def status_command(station: Station, unit_dir: Path | None, per_user: bool, tool: str | None) -> None:
    """Whether the service is installed, starts at boot, and runs (exit code 1 when it does not run)."""
    service = service_for(station, None, sys.platform == "win32", unit_dir, tool, per_user)
    state = status(service)
    if not state["installed"]:
        console.print(t("{name}: not installed", name=service.name), markup=False)
        raise click.exceptions.Exit(1)
    console.print(t("{name}: {running}, {enabled} ({state})", name=service.name,
                    running=t("running") if state["running"] else t("not running"),
                    enabled=t("starts at boot") if state["enabled"] else t("does not start at boot"),
                    state=state["state"]), markup=False)
    if not state["running"]:
        raise click.exceptions.Exit(1)
