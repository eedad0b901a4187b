"""Commands for the content library: add, list, show, approve."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from broadcaster.cli import cli
from broadcaster.cli.output import console, describe_asset, table
from broadcaster.messages import t
from broadcaster.playout.clock import SystemClock
from broadcaster.station import Station


def _now(station: Station) -> dt.datetime:
    return SystemClock(station.config.tz).now()


@cli.group()
def content() -> None:
    """Announcements: add texts, list them, approve them."""


@content.command("add")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.pass_obj
def add_command(station: Station, files: tuple[Path, ...]) -> None:
    """Add announcement text files (or update them) in the library."""
    from broadcaster.content.textfile import read_announcement

    announcements = [read_announcement(path) for path in files]  # all are checked before any is added
    now = _now(station)
    for ann in announcements:
        outcome = station.library.add(ann, now)
        entry = station.library.get(ann.id)
        console.print(t("{id}: {outcome} ({status})", id=ann.id, outcome=t(outcome), status=t(entry.status)))


@content.command("list")
@click.option("--status", type=click.Choice(["draft", "approved", "changed"]), help="Only this status.")
@click.pass_obj
def list_command(station: Station, status: str | None) -> None:
    """List the announcements in the library."""
    today = _now(station).date()
    rows = []
    for e in station.library.entries():
        if status and not e.status.startswith(status):
            continue
        a = e.announcement
        validity = "" if a.valid_on(today) else t("not valid today")
        rows.append([a.id, a.title, a.topic, a.language, t(e.status), validity,
                     e.approval.by if e.approval else "-"])
    table(t("Announcements"), [t("id"), t("title"), t("topic"), t("language"), t("status"), t("validity"),
                               t("approved by")], rows)


@content.command("show")
@click.argument("ident", metavar="ID")
@click.pass_obj
def show_command(station: Station, ident: str) -> None:
    """Show an announcement: metadata, the text to be spoken, approvals."""
    e = station.library.get(ident)
    a = e.announcement
    console.print(f"[bold]{a.id}[/bold] — {a.title}")
    for label, value in ((t("topic"), a.topic), (t("language"), a.language), (t("author"), a.author or "-"),
                         (t("valid"), f"{a.valid_from or '…'} → {a.valid_until or '…'}"), (t("status"), t(e.status)),
                         (t("fingerprint"), a.fingerprint()[:16]), (t("source"), a.source)):
        console.print(f"  {label}: {value}")
    console.print(t("Text:"))
    console.print(a.text, markup=False)
    console.print(t("Spoken as (numbers, dates and abbreviations in words):"))
    console.print(station.spoken(a).text, markup=False)
    console.print(t("History:"))
    for h in station.library.history(ident):
        console.print(f"  {h['at']}  {t(h['action'])}  {h['by'] or '-'}  {h['fingerprint'][:16]}")


@content.command("approve")
@click.argument("ident", metavar="ID")
@click.option("--by", "by", required=True, metavar="NAME", help="Who approves (not the author).")
@click.pass_obj
def approve_command(station: Station, ident: str, by: str) -> None:
    """Approve exactly the current version of an announcement, then render it."""
    entry = station.library.approve(ident, by, _now(station))
    asset, _ = station.render(entry)
    console.print(t("{id}: approved by {name}; rendered {asset}", id=ident, name=by, asset=describe_asset(asset)),
                  markup=False)
