"""Commands for the content library: add, list, show, approve, retire, reject."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import click

from broadcaster.cli import cli
from broadcaster.cli.output import DATE, console, describe_asset, language_shown, table, topic_shown, working
from broadcaster.content.announcement import CLIP, TEXT, Announcement, language_name
from broadcaster.content.library import APPROVED, REJECTED, RETIRED
from broadcaster.messages import day_text, moment_text, t
from broadcaster.playout.clock import SystemClock
from broadcaster.station import Station

STATUSES = ["draft", "approved", "changed", "retired", "rejected"]
NARROW_LIST = (0, 1, 2, 5)  # content list's columns without --wide: id, status, languages, title


def now_of(station: Station) -> dt.datetime:
    """The station's current time."""
    return SystemClock(station.config.tz).now()


def hidden_answer(prompt: str, name: str) -> str:
    """An answer typed without echo at a terminal; from a pipe, its next line as it is (Python's getpass would
    warn, in English, that it cannot hide what nobody sees typed)."""
    stdin = click.get_text_stream("stdin")
    if stdin.isatty():
        # An empty answer ends the prompt instead of asking forever.
        return click.prompt(prompt, hide_input=True, default="", show_default=False)
    click.echo(f"{prompt}: ")
    line = stdin.readline()
    if not line:
        raise click.UsageError(t("no passphrase given for {name}: nothing on standard input (type it at a terminal, "
                                 "or set BROADCASTER_PASSPHRASE)", name=name))
    return line.rstrip("\r\n")


def passphrase_of(name: str, variable: str = "BROADCASTER_PASSPHRASE") -> str:
    """The passphrase of ``name``: the environment ``variable`` for scripts, else asked for without echo."""
    if variable in os.environ:
        return os.environ[variable]
    answer = hidden_answer(t("Passphrase of {name}", name=name), name)
    if not answer:
        raise click.UsageError(t("no passphrase given for {name}", name=name))
    return answer


def person_passphrase(station: Station, name: str) -> tuple[str, str]:
    """A person of the station (their name as the station spells it) and their passphrase, asked for only
    once the name is known to be theirs."""
    person = station.users.find(name).name
    return person, passphrase_of(person)


@cli.group()
def content() -> None:
    """Announcements: add texts and clips, list them, approve them."""


@content.command("add")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--by", default="", metavar="NAME",
              help="Who adds, with their passphrase: they sign the version (without it, an officer must claim it).")
@click.option("--id", "ident", metavar="ID",
              help="The announcement's id (default: its header's, else made from the file name); "
                   "for a clip, the announcement it belongs to.")
@click.option("--lang", metavar="CODE", help="For a clip: its language, ISO 639-3 (vie, rad, jra, cmo, ...).")
@click.option("--topic", metavar="TOPIC", help="Its topic (over its header's; default: general).")
@click.option("--title", metavar="TEXT", help="Its title (over its header's; default: its first line).")
@click.pass_obj
def add_command(station: Station, files: tuple[Path, ...], by: str, ident: str | None, lang: str | None,
                topic: str | None, title: str | None) -> None:
    """Add texts (.md, .txt, Word .docx, OpenDocument .odt) or recorded clips (WAV, MP3, M4A, AMR, OGG, FLAC)."""
    if ident and len(files) > 1:
        raise click.UsageError(t("--id names one announcement: give one clip at a time"))
    if title and len(files) > 1:
        raise click.UsageError(t("--title names one announcement: give one file at a time"))
    # every file is checked before any is added
    read = [station.content.read_file(path, ident, lang, topic, title) for path in files]
    signer = station.users.unlock(*person_passphrase(station, by), {"operator", "officer", "supervisor"},
                                  t("add content")) if by else None
    now = now_of(station)
    for ann in read:
        entry, outcome = station.content.add(ann, now, signer=signer)
        console.print(t("{id}: {outcome} ({status})", id=entry.id, outcome=t(outcome), status=t(entry.status)),
                      markup=False)
        _warn_unknown_words(station, ann)


def _warn_unknown_words(station: Station, ann: Announcement) -> None:
    """Name the tokens of a text that could only be spelled out, and how a dictionary entry fixes them."""
    dictionary = station.config.speech.dictionary
    where = (t("the station's dictionary {path}", path=dictionary) if dictionary else
             t("a dictionary file such as tu-dien.yaml, named under 'speech:' in station.yaml as "
               "'dictionary: tu-dien.yaml'"))
    for variant in ann.variants:
        if variant.kind != TEXT:
            continue
        for reading in station.normaliser.unknown(variant.text):
            console.print(t("warning: {id}: '{written}' (line {line} of the text) can only be spelled out "
                            "('{spoken}'); if it is read otherwise, add a line '{written}: how it is read' to {where}",
                            id=ann.id, line=reading.line, written=reading.written, spoken=reading.spoken,
                            where=where), markup=False)


@content.command("list")
@click.option("--status", type=click.Choice(STATUSES), help="Only this status.")
@click.option("--topic", help="Only this topic.")
@click.option("--lang", help="Only announcements with a variant in this language.")
@click.option("--valid-on", type=DATE, help="Only those valid on this day.")
@click.option("--wide", is_flag=True, help="Every column (topic, decided by) on one line, however wide.")
@click.pass_obj
def list_command(station: Station, status: str | None, topic: str | None, lang: str | None,
                 valid_on: dt.date | None, wide: bool) -> None:
    """List the announcements in the library, with their status and why they cannot air."""
    now = now_of(station)
    problems = station.content.sync(now)
    today = valid_on or now.date()
    rows, notes_of = [], {}
    for e in station.library.entries():
        a = e.announcement
        if (status and not e.status.startswith(status)) or (topic and a.topic != topic) \
                or (lang and lang not in a.languages()) or (valid_on and not a.valid_on(today)):
            continue
        notes = [problems[a.id]] if a.id in problems else []
        if not a.valid_on(today):
            notes.append(t("not valid on {day}", day=day_text(today)))
        if e.status == "changed since approval":
            notes.append(t("edited after {name} approved it: approve again", name=e.decision.by))
        if e.from_hub:
            notes.append(t("from the province hub: written by {writer}, decided by {name}", writer=a.author,
                           name=e.decision.by))
        if notes:
            notes_of[a.id] = notes
        decided = (t("{name} (province)", name=e.decision.by) if e.from_hub else e.decision.by) if e.decision else "-"
        rows.append([a.id, t(e.status), ", ".join(map(language_shown, a.languages())),
                     topic_shown(a.topic, station.config), decided, a.title])
    columns = [t("id"), t("status"), t("languages"), t("topic"), t("decided by"), t("title")]
    keep = range(len(columns)) if wide else NARROW_LIST  # 80 columns: the topic and who decided only with --wide
    table(t("Announcements"), [columns[i] for i in keep], [[row[i] for i in keep] for row in rows], wide)
    for ident, notes in notes_of.items():
        for note in notes:
            console.print(f"{ident}: {note}", markup=False)
    ids = {e.id for e in station.library.entries()}
    for name, problem in problems.items():
        if name not in ids:  # a file in scripts_text/ that could not be taken in
            console.print(t("not in the library: {problem}", problem=problem), markup=False)


@content.command("show")
@click.argument("ident", metavar="ID")
@click.pass_obj
def show_command(station: Station, ident: str) -> None:
    """Show an announcement: metadata, the text to be spoken, its clips, its history."""
    e = station.content.entry(ident, now_of(station))
    a = e.announcement
    console.print(f"[bold]{a.id}[/bold] — {a.title}")
    for label, value in ((t("topic"), topic_shown(a.topic, station.config)), (t("author"), a.author or "-"),
                         (t("valid"), f"{day_text(a.valid_from) if a.valid_from else '…'} → "
                                      f"{day_text(a.valid_until) if a.valid_until else '…'}"), (t("status"), t(e.status)),
                         (t("fingerprint"), e.fingerprint[:16]), (t("notes"), a.notes or "-")):
        console.print(f"  {label}: {value}", markup=False)
    for v in a.variants:
        if v.kind == CLIP:
            console.print(t("Clip in {lang}: {seconds:.1f} s, from {source} (sha256 {sha})", lang=language_name(
                v.language), seconds=v.duration_s, source=v.source, sha=v.clip_sha256[:16]), markup=False)
        else:
            console.print(t("Text in {lang}, to be spoken (from {source}):", lang=language_name(v.language),
                            source=v.source), markup=False)
            console.print(v.text, markup=False)
            console.print(t("Spoken as (numbers, dates and abbreviations in words):"))
            console.print(station.renders.spoken(v).text, markup=False)
    from broadcaster.services.content import EDITED_BY_FILE  # loaded by the station's content service anyway

    console.print(t("History:"))
    for h in station.library.history(ident):
        by = t(h["by"]) if h["by"] == EDITED_BY_FILE else h["by"] or "-"
        line = f"  {moment_text(h['at'])}  {t(h['action'])}  {by}  {h['fingerprint'][:16]}"
        console.print(line + (f"  {h['reason']}" if h.get("reason") else ""), markup=False)


def _decide(station: Station, ident: str, action: str, by: str, reason: str = "") -> None:
    station.content.entry(ident, now_of(station))  # an unknown id is reported before anyone types a passphrase
    by, passphrase = person_passphrase(station, by)  # asked before the spinner starts
    with working(t("rendering the audio…") if action == APPROVED else ""):
        entry = station.content.decide(ident, action, by, passphrase, now_of(station), reason)
    console.print(t("{id}: {status} by {name}", id=ident, status=t(entry.status), name=entry.decision.by),
                  markup=False)
    if action == APPROVED:
        for variant in entry.announcement.variants:
            for profile in station.profiles:
                lang = language_name(variant.language)
                console.print(t("  {lang}: {asset}", lang=t("{lang}, profile {profile}", lang=lang, profile=profile)
                                if profile else lang, asset=describe_asset(station.renders.asset(variant, profile))),
                              markup=False)


@content.command("claim")
@click.argument("ident", metavar="ID")
@click.option("--by", "by", required=True, metavar="NAME", help="The officer who makes the current version theirs.")
@click.pass_obj
def claim_command(station: Station, ident: str, by: str) -> None:
    """Sign the current version as yours (an officer, with their passphrase), e.g. after editing its file."""
    station.content.entry(ident, now_of(station))  # an unknown id is reported before anyone types a passphrase
    entry = station.content.claim(ident, *person_passphrase(station, by), now_of(station))
    console.print(t("{id}: the current version is now made by {name}", id=entry.id,
                    name=station.library.maker(entry.id)), markup=False)


@content.command("approve")
@click.argument("ident", metavar="ID")
@click.option("--by", "by", required=True, metavar="NAME", help="The supervisor who approves (not the author).")
@click.pass_obj
def approve_command(station: Station, ident: str, by: str) -> None:
    """Approve exactly the current version (a supervisor, with their passphrase), then render it."""
    _decide(station, ident, APPROVED, by)


@content.command("retire")
@click.argument("ident", metavar="ID")
@click.option("--by", "by", required=True, metavar="NAME", help="The supervisor who retires it.")
@click.pass_obj
def retire_command(station: Station, ident: str, by: str) -> None:
    """Take an announcement off the air for good (a supervisor)."""
    _decide(station, ident, RETIRED, by)


@content.command("reject")
@click.argument("ident", metavar="ID")
@click.option("--by", "by", required=True, metavar="NAME", help="The supervisor who rejects it.")
@click.option("--reason", required=True, help="Why it is rejected.")
@click.pass_obj
def reject_command(station: Station, ident: str, by: str, reason: str) -> None:
    """Reject the current version, e.g. after an emergency broadcast before approval (a supervisor)."""
    _decide(station, ident, REJECTED, by, reason)
