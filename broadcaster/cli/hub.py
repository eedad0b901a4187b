"""Commands of the province hub (serve, enrol, revoke, users, report) and of a station that reports to one
(join, sync)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from broadcaster.cli import cli
from broadcaster.cli.output import DATE, console, table
from broadcaster.messages import day_text, moment_text, t
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
@click.option("--proxies", type=click.IntRange(0, 5), default=0, show_default=True,
              help="Reverse proxies in front of the hub (Caddy, nginx) whose X-Forwarded-For and -Proto it believes.")
def serve_command(db: str | None, data: Path, host: str, port: int, proxies: int) -> None:
    """Serve the hub's API to stations and its pages to people (applies schema migrations first; makes the
    daily report each morning)."""
    from broadcaster.hub import utc_now
    from broadcaster.hub.server import open_hub, serve
    from broadcaster.trust.keys import fingerprint, public_raw

    opened = open_hub(db, data, utc_now())
    console.print(t("hub key {fingerprint}; schema {revision}", fingerprint=fingerprint(public_raw(opened.key)),
                    revision=opened.revision))
    serve(opened, host, port, ready=lambda url: console.print(t("hub listening on {url}", url=url)), proxies=proxies)
    console.print(t("stopped"))  # serving ends only on Ctrl+C or SIGTERM


@hub.command("demo")
@db_option
@click.option("--port", type=click.IntRange(0, 65535), default=8470, show_default=True, help="Port to listen on.")
@click.option("--days", type=click.IntRange(1, 366), default=7, show_default=True,
              help="Days of simulated airings in each station's log.")
def demo_command(db: str | None, data: Path, port: int, days: int) -> None:
    """A hub with two simulated stations that join it and sync; their report; then serve until Ctrl+C."""
    import threading

    from broadcaster.hub import PROVINCE_TZ, utc_now
    from broadcaster.hub.demo import DEMO_PASSPHRASE, DEMO_PEOPLE, start_demo
    from broadcaster.hub.reports import cells, columns, hub_report
    from broadcaster.hub.server import interrupted_by_sigterm, open_hub

    opened = open_hub(db, data, utc_now())
    demo = start_demo(opened, data / "stations", port, days, lambda text: console.print(text, markup=False))
    # the simulated logs hold the ``days`` days before the stations' today
    end = utc_now().astimezone(PROVINCE_TZ).date() - dt.timedelta(days=1)
    start = end - dt.timedelta(days=days - 1)
    with opened.engine.connect() as conn:
        rows = hub_report(conn, start, end)
    table(t("Airings from {start} to {end}", start=day_text(start), end=day_text(end)), columns(),
          [cells(r) for r in rows])
    console.print(t("hub listening on {url}; the stations are in {folder}; Ctrl+C stops", url=demo.url,
                    folder=data / "stations"))
    console.print(t("the hub's pages: {url}/ (log in as {officer}, an officer, or {approver}, an approver, with the "
                    "passphrase {passphrase})", url=demo.url, officer=DEMO_PEOPLE[0][0], approver=DEMO_PEOPLE[1][0],
                    passphrase=DEMO_PASSPHRASE), markup=False)
    try:
        with interrupted_by_sigterm():
            threading.Event().wait()
    except KeyboardInterrupt:
        demo.stop()
    console.print(t("stopped"))


def _engine(db: str | None, data: Path):
    from broadcaster.hub.server import open_database

    return open_database(db, data)


def area_options(command):
    """The options that say where a station is: its name, commune, district."""
    command = click.option("--district", metavar="CODE", help="Its district's code (3 digits, such as 643).")(command)
    command = click.option("--area", metavar="CODE", help="Its commune's code (5 digits, such as 24611).")(command)
    return click.option("--name", help="The commune's name, as people say it (Xã Ea Tu).")(command)


@hub.command("enrol")
@click.argument("station_id")
@db_option
@click.option("--days", type=click.IntRange(1, 90), default=7, show_default=True, help="Days the code stays valid.")
@area_options
@click.option("--drill", is_flag=True, help="The station is in drill mode: it takes Test and Exercise bulletins.")
def enrol_command(station_id: str, db: str | None, data: Path, days: int, name: str | None, area: str | None,
                  district: str | None, drill: bool) -> None:
    """Make a one-time code with which STATION_ID joins the hub (printed last)."""
    from broadcaster.hub import stations, utc_now

    from broadcaster.hub.server import hub_fingerprint

    engine = _engine(db, data)
    key = hub_fingerprint(engine)
    with engine.begin() as conn:
        code = stations.enrol_station(conn, station_id, utc_now(), days, name, area, district, drill or None)
    click.echo(t("hub key {fingerprint}", fingerprint=key))
    click.echo(t("on the station: broadcaster hub join URL CODE; {station} may join within {days} days with the "
                 "code {code}", station=station_id, days=days, code=code))


@hub.group("station")
def hub_station() -> None:
    """What the hub knows of a station: its name, area and drill mode."""


@hub_station.command("set")
@click.argument("station_id")
@db_option
@area_options
@click.option("--drill/--no-drill", default=None, help="Whether it takes Test and Exercise bulletins.")
def station_set_command(station_id: str, db: str | None, data: Path, name: str | None, area: str | None,
                        district: str | None, drill: bool | None) -> None:
    """Change a station's name, commune and district codes, or drill mode."""
    from broadcaster.hub import stations

    with _engine(db, data).begin() as conn:
        stations.set_station(conn, station_id, name, area, district, drill)
        row = next(r for r in stations.station_list(conn) if r.id == station_id)
    click.echo(t("{station}: {name}, commune {area}, district {district}, drill mode {drill}", station=row.id,
                 name=row.name or "-", area=row.area or "-", district=row.district or "-",
                 drill=t("on") if row.drill else t("off")))


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
    from broadcaster.hub import PROVINCE_TZ, stations
    from broadcaster.trust.keys import fingerprint

    with _engine(db, data).connect() as conn:
        rows = stations.station_list(conn)
    table(t("Stations"), [t("station"), t("name"), t("commune"), t("key"), t("last seen"), t("log"), t("state")],
          [[r.id, r.name or "-", (r.area or "-") + (" " + t("(drill)") if r.drill else ""),
            fingerprint(bytes(r.public_key)) if r.public_key else "-",
            moment_text(r.last_seen.astimezone(PROVINCE_TZ)) if r.last_seen else "-", str(r.log_seq),
            t("revoked") if r.revoked_at else t("joined") if r.public_key else t("enrolled")] for r in rows])


@hub.group("user")
def hub_user() -> None:
    """People of the hub: province, district and commune staff."""


def new_passphrase(name: str, path: Path | None) -> str:
    """A new passphrase for ``name``: the first line of ``path`` (for scripts), else asked for twice, hidden."""
    if path is not None:
        from broadcaster.plainfile import read_regular
        from broadcaster.yamlfile import decode_text

        data = read_regular(path, 4096, lambda n: t("a passphrase file holds one line, not {n} bytes", n=n))
        return (decode_text(data, path).splitlines() or [""])[0]
    from broadcaster.content.users import MIN_PASSPHRASE

    return click.prompt(t("New passphrase for {name} (at least {n} characters)", name=name, n=MIN_PASSPHRASE),
                        hide_input=True, confirmation_prompt=t("Repeat for confirmation"), default="",
                        show_default=False)


PASSPHRASE_FILE = click.option("--passphrase-file", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
                               help="Read the new passphrase from the first line of FILE (for scripts) instead of "
                                    "asking for it.")


@hub_user.command("add")
@click.argument("name")
@db_option
@click.option("--level", required=True, help="province, district or commune.")
@click.option("--area", required=True, metavar="CODE", help="Administrative code of the province, district or commune.")
@click.option("--role", "roles", multiple=True, required=True, help="viewer, officer, approver or admin (repeatable).")
@click.option("--station", "station_ids", multiple=True, metavar="ID",
              help="The roles hold for this station only (repeatable; default: every station of the area).")
@click.option("--full-name", default="", help="The person's full name.")
@PASSPHRASE_FILE
def user_add_command(name: str, db: str | None, data: Path, level: str, area: str, roles: tuple[str, ...],
                     station_ids: tuple[str, ...], full_name: str, passphrase_file: Path | None) -> None:
    """Add a person of the province, a district or a commune, with roles."""
    from broadcaster.hub import utc_now
    from broadcaster.hub.users import add_user, set_passphrase

    engine = _engine(db, data)
    with engine.connect() as conn:  # checked first (and rolled back), so that nobody types a passphrase for nothing
        add_user(conn, name, level, area, list(roles), list(station_ids), utc_now(), full_name)
    passphrase = new_passphrase(name, passphrase_file)
    with engine.begin() as conn:
        add_user(conn, name, level, area, list(roles), list(station_ids), utc_now(), full_name)
        key = set_passphrase(conn, name, passphrase)
    click.echo(t("{name} added; their key is {fingerprint}", name=name, fingerprint=key))


@hub_user.command("passphrase")
@click.argument("name")
@db_option
@PASSPHRASE_FILE
def user_passphrase_command(name: str, db: str | None, data: Path, passphrase_file: Path | None) -> None:
    """Set a person's passphrase, or give them a new one (and a new key: the old one stays for what it signed)."""
    from broadcaster.hub.users import check_user, set_passphrase

    engine = _engine(db, data)
    with engine.connect() as conn:
        check_user(conn, name)
    passphrase = new_passphrase(name, passphrase_file)
    with engine.begin() as conn:
        key = set_passphrase(conn, name, passphrase)
    click.echo(t("{name} has a new passphrase; their key is {fingerprint}", name=name, fingerprint=key))


@hub.command("report")
@db_option
@click.option("--from", "start", type=DATE, help="First day.")
@click.option("--to", "end", type=DATE, help="Last day.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv"]), default="table", show_default=True,
              help="A table here, or CSV on standard output.")
@click.option("--daily", type=DATE, metavar="DAY", help="Write the daily report of DAY (HTML and CSV) into the hub's "
                                                        "data folder, as 'hub serve' does each morning.")
def report_command(db: str | None, data: Path, start: dt.date | None, end: dt.date | None, fmt: str,
                   daily: dt.date | None) -> None:
    """Per station and announcement: planned against aired, urgent airings, minutes (from the rollups)."""
    from broadcaster.hub.reports import cells, columns, hub_report, report_csv

    if daily is not None:
        from broadcaster.hub.daily import write_daily

        from broadcaster.hub import utc_now

        for path in write_daily(_engine(db, data), data, daily, utc_now()):
            click.echo(t("written: {path}", path=path))
        return
    if start is None or end is None:
        raise click.UsageError(t("give --from and --to, or --daily DAY"))
    with _engine(db, data).connect() as conn:
        rows = hub_report(conn, start, end)
    if fmt == "csv":
        click.echo(report_csv(rows), nl=False)
    else:
        table(t("Airings from {start} to {end}", start=day_text(start), end=day_text(end)), columns(),
              [cells(r) for r in rows])


@hub.command("join")
@click.argument("url", metavar="HUB_URL")
@click.argument("code")
@click.option("--fingerprint", "expect", metavar="SHA256:...", help="The hub key's fingerprint, as the province "
                                                                    "told it: the join stops if the hub's differs.")
@click.option("--new-key", is_flag=True, help="Join with a new station key (after the hub revoked the old one); "
                                               "the log hands over to it. Stop broadcaster run first.")
@click.pass_obj
def join_command(station: Station, url: str, code: str, expect: str | None, new_key: bool) -> None:
    """Join the hub at HUB_URL with the one-time CODE it gave: pin its key, register this station's."""
    from broadcaster.chain.sync import join_hub

    joined = join_hub(station, url, code, expect, new_key=new_key)
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


from broadcaster.cli import bulletins, cap  # noqa: E402,F401 - register "hub bulletin" and "hub cap" on the group above
