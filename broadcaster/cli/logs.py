"""The airing log commands: show it (filtered), verify its chain, export and import bundles."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from broadcaster.airing_log import AIRING, KINDS, STATUSES, CHAIN_FIELDS, describe
from broadcaster.cli import cli
from broadcaster.cli.output import DATE, console, hms, language_shown, table
from broadcaster.messages import counted, day_text, marked, t
from broadcaster.playout.clock import SystemClock
from broadcaster.reports import records_csv, records_json
from broadcaster.station import Station



# What can set an airing off, as the log stores it.
_TRIGGERS = (marked("schedule"), marked("urgent"), marked("replay"))


def _how(r: dict) -> str:
    """What set an airing off (schedule, urgent, replay), and whether it aired before approval."""
    trigger = r.get("trigger") or "schedule"
    how = t(trigger) if trigger in _TRIGGERS else trigger
    return t("{trigger}, NOT APPROVED", trigger=how) if r.get("before_approval") else how


def print_records(title: str, records: list[dict], wide: bool = False) -> None:
    """Airing records as a table; without ``wide``, the columns that fit 80 characters (the day only over
    several days, the station only of several, no end time nor fingerprint)."""
    days = wide or len({r["planned_start"][:10] for r in records}) > 1
    several = wide or len({r.get("station") for r in records}) > 1
    columns = [(t("day"), days, lambda r: day_text(r["planned_start"])), (t("planned"), True, lambda r: hms(r["planned_start"])),
               (t("started"), True, lambda r: hms(r["actual_start"])), (t("ended"), wide, lambda r: hms(r["actual_end"])),
               (t("station"), several, lambda r: r.get("station", "")), (t("output"), True, lambda r: r["output"]),
               (t("id"), True, lambda r: r["announcement"]), (t("lang"), True, lambda r: language_shown(r["language"]) if r.get("language") else "-"),
               (t("by"), True, _how), (t("status"), True, lambda r: t(r["status"])),
               (t("reason"), True, lambda r: r["reason"] or "-"), (t("fingerprint"), wide, lambda r: r["fingerprint"][:12])]
    shown = [(name, cell) for name, show, cell in columns if show]
    table(title, [name for name, _ in shown], [[cell(r) for _, cell in shown] for r in records])


def _at(r: dict) -> str:
    """The day and time (to the second) of a record."""
    at = str(r.get("at", ""))
    return f"{day_text(at)} {at[11:19]}".strip()


def _print_other(title: str, records: list[dict]) -> None:
    def details(r: dict) -> str:
        return ", ".join(f"{k}={v}" for k, v in r.items() if k not in CHAIN_FIELDS and v not in ("", None))

    table(title, [t("seq"), t("time"), t("station"), t("kind"), t("what")],
          [[str(r.get("seq")), _at(r), r.get("station", ""), t(r.get("kind", "")),
            describe(r) if r.get("kind") == AIRING else details(r)] for r in records])


def _records(n: int) -> str:
    return counted(n, "{n} record", "{n} records")


def _range(station: Station, day, start, end) -> tuple[dt.date, dt.date]:
    if day and (start or end):
        raise click.UsageError(t("give either --date or --from/--to, not both"))
    today = SystemClock(station.config.tz).now().date()
    if day:
        return day, day
    return (start or end or today), (end or today)


def _write(text: str, path: Path | None, bom: bool = False) -> None:
    if path is None:
        click.echo(text, nl=False)
        return
    # Excel reads a CSV as UTF-8 only when it starts with a byte-order mark.
    path.write_text(text, encoding="utf-8-sig" if bom else "utf-8", newline="")
    console.print(t("written to {path}", path=path))


@cli.group("log", invoke_without_command=True)
@click.option("--date", "day", type=DATE, help="One day (default today).")
@click.option("--from", "start", type=DATE, help="First day (default: --to, or today).")
@click.option("--to", "end", type=DATE, help="Last day (default today).")
@click.option("--output", help="Only this output.")
@click.option("--topic", help="Only this topic.")
@click.option("--status", type=click.Choice(STATUSES), help="Only this status.")
@click.option("--id", "announcement", metavar="ID", help="Only this announcement.")
@click.option("--source", metavar="STATION", help="Only this station's records (of those imported).")
@click.option("--kind", type=click.Choice([*KINDS, "all"]), default=AIRING, show_default=True,
              help="Which records: airings, run starts and stops, device trouble, the audit trail, or all.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--file", "path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the CSV or JSON to this file (a CSV file opens in Excel).")
@click.option("--wide", is_flag=True, help="Every column (end time, fingerprint), however wide the terminal.")
@click.pass_context
def log_group(ctx: click.Context, day, start, end, output, topic, status, announcement, source, kind, fmt,
              path, wide) -> None:
    """The airing log: what was aired, when, where, and what failed; verify, export, import."""
    if ctx.invoked_subcommand is not None:
        return
    station: Station = ctx.obj
    first, last = _range(station, day, start, end)
    records = station.airing_log.query(first, last, kind=None if kind == "all" else kind, output=output, topic=topic,
                                       status=status, announcement=announcement, station=source)
    if fmt == "csv":
        _write(records_csv(records), path, bom=True)
    elif fmt == "json":
        _write(records_json(records), path)
    else:
        title = t("Airing log of {day}", day=day_text(first)) if first == last else \
            t("Airing log from {start} to {end}", start=day_text(first), end=day_text(last))
        if kind == AIRING:
            print_records(title, records, wide)
        else:
            _print_other(title, records)


@log_group.command("verify")
@click.option("--against", "witness", metavar="BUNDLE|SEQ:HASH",
              help="Also prove that the log still extends what a witness saw: a bundle exported from this station "
                   "earlier, or a head written down earlier (as this command prints it).")
@click.pass_obj
def verify_command(station: Station, witness: str | None) -> None:
    """Check the hash chain and signatures of the log and of every imported log; name the first altered record."""
    log = station.airing_log
    checks = log.verify()
    if not checks:
        console.print(t("the log is empty"))
    for c in checks:
        if c.intact:
            console.print(t("{station}: intact, {records}, the last is record {seq} with hash {hash}",
                            station=c.station, records=_records(c.records), seq=c.last_seq,
                            hash=c.last_hash[:16]), markup=False)
            if c.unsigned:
                console.print(t("{station}: the first {records} were written before the station had a key: the "
                                "chain alone vouches for them", station=c.station, records=_records(c.unsigned)),
                              markup=False)
        else:
            console.print(t("{station}: ALTERED: {path}: {problem}", station=c.station, path=c.path,
                            problem=c.problem), markup=False)
    head = log.head()
    if head:
        console.print(t("head: {seq}:{hash} (write it down, or keep an export: 'log verify --against' proves the "
                        "log still extends it)", seq=head[0], hash=head[1][:16]), markup=False)
    problem = log.verify_against(witness) if witness else None
    if witness:
        console.print(t("against {witness}: {verdict}", witness=witness,
                        verdict=t("ALTERED: {problem}", problem=problem) if problem else
                        t("the log still holds every record the witness saw")), markup=False)
    if problem or any(not c.intact for c in checks):
        raise click.exceptions.Exit(1)


@log_group.command("export")
@click.option("--from", "start", type=DATE, required=True, help="First day.")
@click.option("--to", "end", type=DATE, required=True, help="Last day.")
@click.argument("path", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def export_command(station: Station, start: dt.date, end: dt.date, path: Path) -> None:
    """Write the records of a date range, with their hash chain, to a bundle FILE for a supervisor."""
    counts = station.airing_log.export(start, end, path)
    for name, n in counts.items():
        console.print(t("{station}: {records}", station=name, records=_records(n)))
    console.print(t("written to {path}", path=path))


@log_group.command("import")
@click.argument("paths", metavar="FILE...", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.pass_obj
def import_command(station: Station, paths: tuple[Path, ...]) -> None:
    """Merge bundles from other stations into this log; an altered bundle is refused whole."""
    result = station.airing_log.import_bundles(list(paths))
    for name in sorted(result.new):
        console.print(t("{station}: {new}, {dup} already here", station=name,
                        new=counted(result.new[name], "{n} new record", "{n} new records"), dup=result.duplicates[name]))
    for name, key in sorted(result.pinned.items()):
        console.print(t("{station}: first bundle of this station; its key {key} is pinned from now on: compare it "
                        "with what 'broadcaster identity' shows at the station", station=name, key=key), markup=False)
    for name, seq in sorted(result.replaced.items()):
        console.print(t("{station}: the copies held from record {seq} on were not signed by the station; the bundle's "
                        "signed ones took their place", station=name, seq=seq), markup=False)


@log_group.command("pin")
@click.argument("other")
@click.argument("key_fingerprint", metavar="FINGERPRINT")
@click.pass_obj
def pin_command(station: Station, other: str, key_fingerprint: str) -> None:
    """Expect the bundles of station OTHER to be signed by the key FINGERPRINT (as the station shows it)."""
    station.airing_log.pin(other, key_fingerprint)
    console.print(t("{station}: bundles must be signed by {key}", station=other, key=key_fingerprint), markup=False)


@log_group.command("archive")
@click.option("--before", metavar="YYYY-MM", help="Archive the months before this one (default: all months past "
              "the retention period in station.yaml, log: retention_months, 24 by default).")
@click.pass_obj
def archive_command(station: Station, before: str | None) -> None:
    """Move whole months past the retention period into data/log/archive/YYYY-MM.zip (still verifiable)."""
    months = station.airing_log.archive(station.config.log_retention_months, before)
    console.print(t("archived: {months}", months=", ".join(months)) if months else t("nothing to archive"))
