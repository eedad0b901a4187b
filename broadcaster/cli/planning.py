"""Commands that render audio and show the plan."""

from __future__ import annotations

import datetime as dt

from pathlib import Path

import click

from broadcaster.cli import cli
from broadcaster.cli.output import DATE, console, describe_asset, hms, language_shown, progress_console, table
from broadcaster.errors import InputError
from broadcaster.messages import day_text, t
from broadcaster.playout.clock import SystemClock
from broadcaster.schedule.parser import load_schedules
from broadcaster.schedule.plan import Plan
from broadcaster.station import Station


@cli.command("render")
@click.option("--dry-run", is_flag=True, help="Only say what would be rendered (and, with --clean, removed).")
@click.option("--clean", is_flag=True, help="Also remove rendered audio that no approved announcement uses.")
@click.pass_obj
def render_command(station: Station, dry_run: bool, clean: bool) -> None:
    """Render every approved announcement to broadcast-ready audio (cached)."""
    station.content.sync(SystemClock(station.config.tz).now())
    todo = [(e.id, v, profile) for e in station.library.entries() if e.approved
            for v in e.announcement.variants for profile in station.profiles if station.renders.needs_render(v, profile)]
    if dry_run or not todo:
        for ident, v, profile in todo:
            had = station.renders.asset(v, profile)
            console.print(t("would render {id} ({what})", id=ident, what=_what(v.language, profile))
                          + (t(" (now: {engine}, a fallback)", engine=had.engine) if had else ""), markup=False)
        console.print(t("{n} to render", n=len(todo)))
    else:
        from rich.progress import Progress  # slow to import: loaded for the bar of `render` only

        made = 0
        # The bar is drawn on stderr, in a terminal only; the lines below it go to stdout as before.
        with Progress(console=progress_console, transient=True, disable=not progress_console.is_terminal) as progress:
            task = progress.add_task(t("Rendering"), total=len(todo))
            for ident, v, profile in todo:
                asset, now = station.renders.render(v, profile)
                made += now  # a fallback's audio is kept when the configured engine fails again
                console.print(t("{id} ({what}): {asset}", id=ident, what=_what(v.language, profile),
                                         asset=describe_asset(asset)), markup=False)
                progress.advance(task)
        console.print(t("{n} rendered", n=made))
    if clean:
        removed, left = station.renders.clean_renders(dry_run)
        console.print(t("{n} files of unused audio would be removed", n=len(removed)) if dry_run else
                      t("{n} files of unused audio removed", n=len(removed)))
        for path in left:
            console.print(t("warning: {path} is in use and was left; it is removed next time", path=path),
                          markup=False)


def _what(language: str, profile: str) -> str:
    """'vie', or 'vie, profile xe-loa' for a named profile's render."""
    lang = language_shown(language)
    return t("{lang}, profile {profile}", lang=lang, profile=profile) if profile else lang


def print_plan(plan: Plan, wide: bool = False) -> None:
    """A day's plan as a table (without ``wide``, no end or session: it fits 80 columns), then its problems
    and warnings."""
    columns = [(t("start"), True, lambda a: hms(a.start)), (t("end"), wide, lambda a: hms(a.end)),
               (t("output"), True, lambda a: a.output), (t("session"), wide, lambda a: a.session),
               (t("id"), True, lambda a: a.announcement), (t("language"), True, lambda a: language_shown(a.language)),
               (t("title"), True, lambda a: a.title)]
    shown = [(name, cell) for name, show, cell in columns if show]
    table(t("Plan of {day}", day=day_text(plan.day)), [name for name, _ in shown],
          [[cell(a) for _, cell in shown] for a in plan.airings], wide)
    for problem in plan.problems:
        console.print(t("problem: {text}", text=problem), markup=False)
    for warning in plan.warnings:
        console.print(t("warning: {text}", text=warning), markup=False)


@cli.command("plan")
@click.option("--date", "day", type=DATE, help="The day to plan (default today).")
@click.option("--week", is_flag=True, help="Seven days from that day.")
@click.option("--wide", is_flag=True, help="Every column (end, session) on one line, however wide.")
@click.pass_obj
def plan_command(station: Station, day: dt.date | None, week: bool, wide: bool) -> None:
    """Show the plan of a day (or a week): what airs where and when, and what was left out and why."""
    now = SystemClock(station.config.tz).now()
    first = day or now.date()
    schedule = station.planner.schedule()
    plans = [station.planner.plan(first + dt.timedelta(days=offset), now, schedule) for offset in range(7 if week else 1)]
    for plan in plans:
        print_plan(plan, wide)
    _refuse_silence(plans)


def _refuse_silence(plans: list[Plan]) -> None:
    """Say loudly, and exit 1, when something planned will not air (a state of the station, not bad input)."""
    left_out = sum(len(p.warnings) + len(p.problems) for p in plans)
    if left_out:
        console.print(t("NOT ON AIR: {n} planned item(s) will not air, for the reasons above. Approve what is left "
                        "out ('broadcaster content approve ID --by NAME'), render it ('broadcaster render'), or take "
                        "it out of the schedule.", n=left_out), markup=False, style="bold red")
        raise click.exceptions.Exit(1)


@cli.group()
def schedule() -> None:
    """Schedule files: check them before they go on air."""


@schedule.command("check")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--date", "day", type=DATE, help="First day to check (default today).")
@click.pass_obj
def check_command(station: Station, files: tuple[Path, ...], day: dt.date | None) -> None:
    """Check schedule files (default: the station's) and print the plan; exit 2 on any problem."""
    now = SystemClock(station.config.tz).now()
    checked = load_schedules(list(files)) if files else station.planner.schedule()
    first = day or now.date()
    plans = [station.planner.plan(first + dt.timedelta(days=offset), now, checked) for offset in range(7)]
    print_plan(plans[0])
    later = sorted({p for plan in plans[1:] for p in plan.problems} - set(plans[0].problems))
    for problem in later:
        console.print(t("problem later this week: {text}", text=problem), markup=False)
    if plans[0].problems or later:
        raise click.exceptions.Exit(2)
    _refuse_silence(plans[:1])
    console.print(t("the schedule is fine"))


@cli.command("export-loop")
@click.argument("output")
@click.option("--session", "name", help="The loop session, when the output has several.")
@click.option("--date", "day", type=DATE, help="The day whose content to use (default today).")
@click.option("--out", "target", type=click.Path(dir_okay=False, path_type=Path), help="The MP3 file to write.")
@click.pass_obj
def export_loop_command(station: Station, output: str, name: str | None, day: dt.date | None,
                        target: Path | None) -> None:
    """Write a vehicle's loop as one MP3 (items and gaps), for a USB stick in a portable loudspeaker."""
    now = SystemClock(station.config.tz).now()
    when = day or now.date()
    if target is not None and target.suffix.lower() != ".mp3":
        raise InputError(t("the loop is written as MP3: give --out a file name ending in .mp3"), path=target)
    from broadcaster.outputs.loopfile import export_loop, loop_session  # pydub and numpy: only for this command

    schedule = station.planner.schedule()
    session = loop_session(schedule, output, name)
    if not session.runs_on(when):
        raise InputError(t("loop session '{name}' of output '{output}' does not run on {day}: give --date a day "
                           "it runs", name=session.name, output=output, day=day_text(when)),
                         path=session.source, line=session.line)
    target = target or station.data_dir / "export" / f"{output}-{when.isoformat()}.mp3"
    material = station.planner.material(now, schedule, schedule.outputs[session.output].profile)
    count, seconds, warnings = export_loop(session, material, when, station.config.tz,
                                           station.config.profile.sample_rate, target)
    for warning in warnings:
        console.print(t("warning: {text}", text=warning), markup=False)
    console.print(t("{file}: {n} items, {length} (the player repeats it)", file=target, n=count,
                    length=f"{int(seconds // 60)}:{int(seconds % 60):02d}"), markup=False)
