"""Commands of the province hub (serve, enrol, revoke, users, report) and of a station that reports to one
(join, sync)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from broadcaster.cli import cli
from broadcaster.cli.output import DATE, console, table
from broadcaster.messages import t
from broadcaster.station import Station

DB_HELP = "PostgreSQL URL, postgresql://user:password@host/db (also BROADCASTER_HUB_DB; default: the private " \
          "server in the hub's data folder)."


def db_option(command):
    """The --db and --data options every hub command takes."""
    command = click.option("--data", type=click.Path(file_okay=False, path_type=Path), default="hub-data",
                           envvar="BROADCASTER_HUB_DATA", show_default=True,
                           help="The hub's data folder: its key, and its private database when there is no --db.")(command)
    return click.option("--db", envvar="BROADCASTER_HUB_DB", metavar="URL", help=DB_HELP)(command)


@cli.group()
def hub() -> None:
    """The province hub: stations, their logs and health, reports (and a station's joining of it)."""


@hub.command("serve")
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8470, show_default=True, help="Port to listen on.")
def serve_command(db: str | None, data: Path, host: str, port: int) -> None:
    """Serve the hub's API to stations (applies schema migrations first)."""
    from broadcaster.hub import utc_now
    from broadcaster.hub.server import open_hub, serve
    from broadcaster.trust.keys import fingerprint, public_raw

    opened = open_hub(db, data, utc_now())
    console.print(t("hub key {fingerprint}; schema {revision}", fingerprint=fingerprint(public_raw(opened.key)),
                    revision=opened.revision))
    serve(opened, host, port, ready=lambda url: console.print(t("hub listening on {url}", url=url)))


@hub.command("demo")
@db_option
@click.option("--port", type=click.IntRange(0, 65535), default=8470, show_default=True, help="Port to listen on.")
@click.option("--days", type=click.IntRange(1, 366), default=7, show_default=True,
              help="Days of simulated airings in each station's log.")
def demo_command(db: str | None, data: Path, port: int, days: int) -> None:
    """A hub with two simulated stations that join it and sync; their report; then serve until Ctrl+C."""
    import threading

    from broadcaster.hub import utc_now
    from broadcaster.hub.demo import start_demo
    from broadcaster.hub.reports import cells, columns, hub_report
    from broadcaster.hub.server import interrupted_by_sigterm, open_hub

    opened = open_hub(db, data, utc_now())
    demo = start_demo(opened, data / "stations", port, days, lambda text: console.print(text, markup=False))
    today = utc_now().date()
    with opened.engine.connect() as conn:
        rows = hub_report(conn, today - dt.timedelta(days=days + 1), today)
    table(t("Airings from {start} to {end}", start=(today - dt.timedelta(days=days + 1)).isoformat(),
            end=today.isoformat()), columns(), [cells(r) for r in rows])
    console.print(t("hub listening on {url}; the stations are in {folder}; Ctrl+C stops", url=demo.url,
                    folder=data / "stations"))
    try:
        with interrupted_by_sigterm():
            threading.Event().wait()
    except KeyboardInterrupt:
        demo.stop()


def _engine(db: str | None, data: Path):
    from broadcaster.hub.server import open_database

    return open_database(db, data)


@hub.command("enrol")
@click.argument("station_id")
@db_option
@click.option("--days", type=click.IntRange(1, 90), default=7, show_default=True, help="Days the code stays valid.")
def enrol_command(station_id: str, db: str | None, data: Path, days: int) -> None:
    """Make a one-time code with which STATION_ID joins the hub (printed last)."""
    from broadcaster.hub import stations, utc_now

    from broadcaster.hub.server import hub_fingerprint

    engine = _engine(db, data)
    key = hub_fingerprint(engine)
    with engine.begin() as conn:
        code = stations.enrol(conn, station_id, utc_now(), days)
    click.echo(t("hub key {fingerprint}", fingerprint=key))
    click.echo(t("on the station: broadcaster hub join URL CODE; {station} may join within {days} days with the "
                 "code {code}", station=station_id, days=days, code=code))


@hub.command("revoke")
@click.argument("station_id")
@db_option
def revoke_command(station_id: str, db: str | None, data: Path) -> None:
    """Refuse everything signed with STATION_ID's key from now on (a stolen or lost station)."""
    from broadcaster.hub import stations, utc_now

    with _engine(db, data).begin() as conn:
        stations.revoke(conn, station_id, utc_now())
    click.echo(t("{station} is revoked; it may join again only with a new code", station=station_id))


@hub.command("stations")
@db_option
def stations_command(db: str | None, data: Path) -> None:
    """List the stations of the hub, their keys and when they were last seen."""
    from broadcaster.hub import stations
    from broadcaster.trust.keys import fingerprint

    with _engine(db, data).connect() as conn:
        rows = stations.station_list(conn)
    table(t("Stations"), [t("station"), t("key"), t("last seen"), t("log"), t("state")],
          [[r.id, fingerprint(bytes(r.public_key)) if r.public_key else "-",
            r.last_seen.isoformat(timespec="seconds") if r.last_seen else "-", str(r.log_seq),
            t("revoked") if r.revoked_at else t("joined") if r.public_key else t("enrolled")] for r in rows])


@hub.group("user")
def hub_user() -> None:
    """People of the hub: province, district and commune staff."""


@hub_user.command("add")
@click.argument("name")
@db_option
@click.option("--level", required=True, help="province, district or commune.")
@click.option("--area", required=True, metavar="CODE", help="Administrative code of the province, district or commune.")
@click.option("--role", "roles", multiple=True, required=True, help="viewer, officer, approver or admin (repeatable).")
@click.option("--station", "station_ids", multiple=True, metavar="ID",
              help="The roles hold for this station only (repeatable; default: every station of the area).")
@click.option("--full-name", default="", help="The person's full name.")
def user_add_command(name: str, db: str | None, data: Path, level: str, area: str, roles: tuple[str, ...],
                     station_ids: tuple[str, ...], full_name: str) -> None:
    """Add a person of the province, a district or a commune, with roles."""
    from broadcaster.hub import utc_now
    from broadcaster.hub.users import add_user

    with _engine(db, data).begin() as conn:
        add_user(conn, name, level, area, list(roles), list(station_ids), utc_now(), full_name)
    click.echo(t("{name} added", name=name))


@hub.command("report")
@db_option
@click.option("--from", "start", type=DATE, required=True, help="First day.")
@click.option("--to", "end", type=DATE, required=True, help="Last day.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv"]), default="table", show_default=True,
              help="A table here, or CSV on standard output.")
def report_command(db: str | None, data: Path, start: dt.date, end: dt.date, fmt: str) -> None:
    """Per station and announcement: planned against aired, urgent airings, minutes (from the rollups)."""
    from broadcaster.hub.reports import cells, columns, hub_report, report_csv

    with _engine(db, data).connect() as conn:
        rows = hub_report(conn, start, end)
    if fmt == "csv":
        click.echo(report_csv(rows), nl=False)
    else:
        table(t("Airings from {start} to {end}", start=start.isoformat(), end=end.isoformat()), columns(),
              [cells(r) for r in rows])


@hub.command("join")
@click.argument("url", metavar="HUB_URL")
@click.argument("code")
@click.option("--fingerprint", "expect", metavar="SHA256:...", help="The hub key's fingerprint, as the province "
                                                                    "told it: the join stops if the hub's differs.")
@click.pass_obj
def join_command(station: Station, url: str, code: str, expect: str | None) -> None:
    """Join the hub at HUB_URL with the one-time CODE it gave: pin its key, register this station's."""
    from broadcaster.chain.sync import join_hub

    joined = join_hub(station, url, code, expect)
    click.echo(t("joined the hub at {url}; its key {fingerprint} is pinned in station.yaml; this station's key is "
                 "{station}", url=joined.url, fingerprint=joined.hub_fingerprint, station=joined.station_fingerprint))


@cli.command("sync")
@click.pass_obj
def sync_command(station: Station) -> None:
    """One round with the hub by hand: take the bulletins it has for the station, push the log records it
    lacks, then a heartbeat."""
    from broadcaster.chain.pull import said
    from broadcaster.chain.sync import sync_round

    done = sync_round(station, dt.datetime.now(station.config.tz))
    for outcome in done.bulletins:
        click.echo(said(outcome))
    click.echo(t("sent {sent} log records ({new} new to the hub), the hub holds the log up to record {cursor}; "
                 "heartbeat sent", sent=done.sent, new=done.new, cursor=done.cursor))
