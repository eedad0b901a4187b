"""Commands for the hub's bulletins: write one (signed by an officer), approve it (a second person), cancel it,
list them, and follow one station by station."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import click

from broadcaster.cli.content import passphrase_of
from broadcaster.cli.hub import _engine, db_option, hub
from broadcaster.cli.output import table
from broadcaster.messages import t

APPROVER_PASSPHRASE = "BROADCASTER_APPROVER_PASSPHRASE"  # the second person's, for scripts (--approve-by)
DURATION = re.compile(r"([1-9][0-9]{0,3})([mhd])")
UNITS = {"m": "minutes", "h": "hours", "d": "days"}


class ValidUntil(click.ParamType):
    """An end of validity: a date and time with its zone (2026-12-05T18:00+07:00), or a length from now (6h)."""

    name = "WHEN"

    def convert(self, value, param, ctx):
        """A datetime with its zone, or a timedelta."""
        if isinstance(value, (dt.datetime, dt.timedelta)):
            return value
        length = DURATION.fullmatch(value.strip())
        if length:
            return dt.timedelta(**{UNITS[length.group(2)]: int(length.group(1))})
        try:
            when = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            when = None
        if when is None or when.tzinfo is None:
            self.fail(t("'{value}' is neither a date and time with its zone (2026-12-05T18:00+07:00) nor a length "
                        "such as 90m, 6h or 2d", value=value), param, ctx)
        return when


def _signer(engine, name: str, passphrase: str):
    from broadcaster.hub import utc_now
    from broadcaster.hub.users import unlock

    return unlock(engine, name, passphrase, utc_now())


@hub.group("bulletin")
def bulletin() -> None:
    """Bulletins to the stations: written by an officer, approved by another person, followed to the air."""


@bulletin.command("add")
@db_option
@click.option("--title", required=True, help="Its title.")
@click.option("--text", "text_", metavar="TEXT", help="The text the stations read aloud.")
@click.option("--text-file", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="... or the text in a UTF-8 file.")
@click.option("--clip", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="... or a recorded clip (WAV, MP3, M4A, ...).")
@click.option("--level", type=click.Choice(["normal", "priority", "emergency"]), default="normal",
              show_default=True, help="normal: the commune places it; priority: next slot; emergency: at once.")
@click.option("--to", "targets", multiple=True, metavar="WHO",
              help="all (your stations), a station id, or a commune (5 digits) or district (3) code; repeatable.")
@click.option("--outputs", multiple=True, metavar="NAME", help="Outputs it airs on (repeatable; default: all).")
@click.option("--language", default="vie", show_default=True, help="Its language, ISO 639-3 (vie, rad, jra, ...).")
@click.option("--topic", default="general", show_default=True, help="Its topic.")
@click.option("--valid-until", type=ValidUntil(), help="Until when: 2026-12-05T18:00+07:00, or 6h, 2d from now "
                                                       "(default: 6 h for emergency, 1 day priority, 7 days normal).")
@click.option("--drill", is_flag=True, help="A Test or Exercise: only stations in drill mode take it.")
@click.option("--replaces", metavar="UID", help="The bulletin it updates.")
@click.option("--by", required=True, metavar="NAME", help="The officer who writes it (with their passphrase).")
@click.option("--approve-by", metavar="NAME",
              help="A second person who approves it at once (with their passphrase): an emergency in one command.")
def add_command(db: str | None, data: Path, title: str, text_: str | None, text_file: Path | None,
                clip: Path | None, level: str, targets: tuple[str, ...], outputs: tuple[str, ...], language: str,
                topic: str, valid_until, drill: bool, replaces: str | None, by: str, approve_by: str | None) -> None:
    """Write a bulletin signed by an officer; it waits for another person's approval (or gets it: --approve-by)."""
    from broadcaster.hub import utc_now
    from broadcaster.hub.bulletins import Draft, issue_approved, issue_bulletin, read_clip
    from broadcaster.hub.server import signing_key

    if sum(x is not None for x in (text_, text_file, clip)) != 1:
        raise click.UsageError(t("give one of --text, --text-file and --clip"))
    body, sound, fmt = text_, None, None
    if text_file is not None:
        from broadcaster.plainfile import read_regular
        from broadcaster.yamlfile import decode_text

        body = decode_text(read_regular(text_file, 200_000, lambda n: t("the text is {n} bytes, more than {limit}",
                                                                      n=n, limit=200_000)), text_file)
    if clip is not None:
        sound, fmt = read_clip(clip)
    engine = _engine(db, data)
    key = signing_key(engine, data) if approve_by else None  # before anyone types a passphrase
    officer = _signer(engine, by, passphrase_of(by))
    approver = _signer(engine, approve_by, passphrase_of(approve_by, APPROVER_PASSPHRASE)) if approve_by else None
    now = utc_now()
    until = now + valid_until if isinstance(valid_until, dt.timedelta) else valid_until
    draft = Draft(title=title, text=body, clip=sound, clip_format=fmt, level=level, to=targets or ("all",),
                  outputs=outputs, language=language, topic=topic, valid_until=until, drill=drill,
                  replaces=replaces)
    if approver is None:
        uid = issue_bulletin(engine, draft, officer, now)
        click.echo(t("bulletin {uid} written by {name}; it waits for another person's approval (broadcaster hub "
                     "bulletin approve {uid} --by NAME)", uid=uid, name=officer.name))
        return
    uid, sent = issue_approved(engine, key, draft, officer, approver, now)
    click.echo(t("bulletin {uid} written by {name} and approved by {approver}: sent to {n} stations", uid=uid,
                 name=officer.name, approver=approver.name, n=sent))


@bulletin.command("approve")
@click.argument("uid")
@db_option
@click.option("--by", required=True, metavar="NAME", help="The approver (with their passphrase), not its writer.")
def approve_command(uid: str, db: str | None, data: Path, by: str) -> None:
    """Approve a bulletin written by someone else: it goes to its stations at once."""
    from broadcaster.hub import utc_now
    from broadcaster.hub.bulletins import approve_bulletin
    from broadcaster.hub.server import signing_key

    engine = _engine(db, data)
    key = signing_key(engine, data)
    sent = approve_bulletin(engine, key, uid, _signer(engine, by, passphrase_of(by)), utc_now())
    click.echo(t("bulletin {uid} approved by {name}: sent to {n} stations", uid=uid, name=by, n=sent))


@bulletin.command("cancel")
@click.argument("uid")
@db_option
@click.option("--by", required=True, metavar="NAME", help="An approver (with their passphrase).")
def cancel_command(uid: str, db: str | None, data: Path, by: str) -> None:
    """Withdraw a bulletin: the stations drop it where it has not aired yet."""
    from broadcaster.hub import utc_now
    from broadcaster.hub.bulletins import cancel_bulletin
    from broadcaster.hub.server import signing_key

    engine = _engine(db, data)
    key = signing_key(engine, data)
    told = cancel_bulletin(engine, key, uid, _signer(engine, by, passphrase_of(by)), utc_now())
    click.echo(t("bulletin {uid} cancelled by {name}: {n} stations told to withdraw it", uid=uid, name=by, n=told)
               if told else t("bulletin {uid} cancelled by {name} before it was sent", uid=uid, name=by))


def _moment(value: dt.datetime | None) -> str:
    return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S") if value else "-"


@bulletin.command("list")
@db_option
@click.option("--last", type=click.IntRange(1, 10_000), default=50, show_default=True, help="How many, newest first.")
def list_command(db: str | None, data: Path, last: int) -> None:
    """The latest bulletins: level, title, where each stands, who wrote and approved it."""
    from broadcaster.hub import utc_now
    from broadcaster.hub.bulletins import bulletin_list

    with _engine(db, data).connect() as conn:
        rows = bulletin_list(conn, utc_now(), last)
    table(t("Bulletins"), [t("bulletin"), t("level"), t("title"), t("state"), t("written by"), t("approved by"),
                           t("stations")],
          [[r.uid, t(r.level) + (" " + t("(drill)") if r.drill else ""), r.title, t(r.state), r.created_by,
            r.approved_by or "-", str(r.stations)] for r in rows])


@bulletin.command("status")
@click.argument("uid")
@db_option
def status_command(uid: str, db: str | None, data: Path) -> None:
    """Where a bulletin stands at each station: accepted, delivered, on air or failed (and why), and how late."""
    from broadcaster.hub import utc_now
    from broadcaster.hub.bulletins import bulletin_status

    with _engine(db, data).connect() as conn:
        found = bulletin_status(conn, uid, utc_now())
    s = found.summary
    click.echo(t("bulletin {uid} ({level}): {title}; {state}", uid=s.uid, level=t(s.level), title=s.title,
                 state=t(s.state)))
    table(t("Stations (times in UTC)"), [t("station"), t("name"), t("kind"), t("state"), t("accepted"),
                                          t("delivered"), t("on air"), t("late"), t("reason")],
          [[r.station, r.name or "-", t(r.kind), t(r.state), _moment(r.accepted_at), _moment(r.delivered_at),
            _moment(r.on_air_at), f"{r.late.total_seconds():.1f} s" if r.late is not None else "-", r.reason or ""]
           for r in found.stations]
          + [[station, "-", "-", t("not sent"), "-", "-", "-", "-", ""] for station in found.waiting])
