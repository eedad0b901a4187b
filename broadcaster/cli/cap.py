"""``broadcaster hub cap``: a CAP 1.2 alert file taken in at the hub, as the source system's POST is."""

from __future__ import annotations

from pathlib import Path

import click

from broadcaster.cli.content import passphrase_of
from broadcaster.cli.hub import _engine, db_option, hub
from broadcaster.messages import counted, t


@hub.command("cap")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@db_option
@click.option("--by", required=True, metavar="NAME",
              help="The officer who posts it (with their passphrase): they sign its bulletin; to honour a Cancel "
                   "they must be an approver.")
def cap_command(file: Path, db: str | None, data: Path, by: str) -> None:
    """Take in the CAP 1.2 alert in FILE: a bulletin waiting for approval, an update, or a cancellation."""
    from broadcaster.hub import utc_now
    from broadcaster.hub.cap_intake import read_alert_file, take_alert
    from broadcaster.hub.server import signing_key
    from broadcaster.hub.users import unlock

    draft = read_alert_file(file)  # a bad alert is reported before the database is opened or a passphrase asked
    engine = _engine(db, data)
    key = signing_key(engine, data)
    poster = unlock(engine, by, passphrase_of(by), utc_now())
    taken = take_alert(engine, key, draft, poster, utc_now())
    uids = ", ".join(taken.uids)
    if taken.action == "cancel":
        click.echo(t("the alert's bulletins were already cancelled: {uids}; nothing done", uids=uids)
                   if taken.duplicate else
                   t("cancelled {uids}; {stations} told to drop what has not aired", uids=uids,
                     stations=counted(taken.stations, "{n} station", "{n} stations")))
    elif taken.duplicate:
        click.echo(t("this alert was taken before: bulletin {uid}; nothing done", uid=uids))
    else:
        if taken.replaces:
            click.echo(t("bulletin {uid} replaces {old}", uid=uids, old=taken.replaces))
        click.echo(t("bulletin {uid} ({level}) for {stations}, written by {name}; it waits for another person's "
                     "approval (broadcaster hub bulletin approve {uid} --by NAME)", uid=uids,
                     level=t("{level}, drill", level=t(draft.level)) if draft.drill else t(draft.level),
                     stations=counted(taken.stations, "{n} station", "{n} stations"), name=poster.name))
