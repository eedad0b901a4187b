"""Commands that air: run (the daily playout), urgent, and demo."""

from __future__ import annotations

import datetime as dt
import signal
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

import click

from broadcaster.cli import cli
from broadcaster.cli.content import now_of, person_passphrase
from broadcaster.cli.countdown import Countdown
from broadcaster.cli.logs import print_records
from broadcaster.cli.output import console, console_copied_to, hms, working
from broadcaster.content.users import UnknownPerson
from broadcaster.errors import BroadcasterError, InputError, StorageError
from broadcaster.messages import day_text, t
from broadcaster.playout.clock import SystemClock
from broadcaster.playout.events import BACK, PROBE_S, STARTED, DeviceEvent
from broadcaster.playout.mailbox import STARTED as REPLY_STARTED, Mailbox
from broadcaster.playout.priority import DEFAULT_POLICY, EMERGENCY, NORMAL, PRIORITY, parse_policy
from broadcaster.schedule.parser import parse_duration, parse_time
from broadcaster.schedule.plan import Plan
from broadcaster.station import Station

if TYPE_CHECKING:
    from broadcaster.chain.loop import SyncLoop
    from broadcaster.chain.pull import BulletinLoop


def print_event(event: object) -> None:
    """One line per airing outcome or device problem."""
    if isinstance(event, DeviceEvent) and event.state == BACK:
        console.print(t("{output}: {device} works again", output=event.output, device=event.device), markup=False)
        return
    if isinstance(event, DeviceEvent):
        backup = t(", using {backup}", backup=event.failover_to) if event.failover_to else ""
        console.print(t("{output}: device trouble on {device}: {reason}{backup}", output=event.output,
                        device=event.device, reason=event.reason, backup=backup), markup=False)
        return
    a = event.airing
    if event.status == STARTED:
        lang = f" ({a.language})" if a.language else ""
        console.print(t("{time} ON AIR {output}: {id}{lang} {title}", time=hms(event.actual_start),
                        output=a.output, id=a.announcement, lang=lang, title=a.title), markup=False)
        return
    line = t("{time} {status}: {id} on {output} ({sink})", time=hms(event.actual_end or a.start),
             status=t(event.status), id=a.announcement, output=a.output, sink=event.sink)
    console.print(line + (f" — {event.reason}" if event.reason else ""), markup=False)


def _print_plan(plan: Plan, why: str) -> None:
    console.print(t("{day}: {n} airings planned ({why})", day=day_text(plan.day), n=len(plan.airings), why=t(why)))
    for warning in plan.warnings:
        console.print(t("warning: {text}", text=warning), markup=False)


@contextmanager
def stopped_by_signals(stop: threading.Event) -> Iterator[None]:
    """Set ``stop`` on SIGTERM (a service stop, a shutdown) and, on Windows, SIGBREAK, as Ctrl+C stops a run.
    Handlers can only be set in the main thread; elsewhere nothing is changed."""
    names = [name for name in ("SIGTERM", "SIGBREAK") if hasattr(signal, name)]
    if threading.current_thread() is not threading.main_thread():
        names = []
    previous = {name: signal.signal(getattr(signal, name), lambda *_: stop.set()) for name in names}
    try:
        yield
    finally:
        for name, handler in previous.items():
            signal.signal(getattr(signal, name), handler)


def hub_loops(station: Station, clock: SystemClock,
              say: Callable[[str], None]) -> tuple[SyncLoop, BulletinLoop] | tuple[()]:
    """The threads that keep the station in touch with its hub (not started yet), when station.yaml names
    one: sync rounds (log and heartbeat), and the long poll for bulletins."""
    if station.config.hub is None:
        return ()
    from broadcaster.chain.loop import SyncLoop
    from broadcaster.chain.pull import BulletinLoop
    from broadcaster.chain.sync import sync_round

    return (SyncLoop(station, clock.now, say, do_round=lambda s, now: sync_round(s, now, pull_bulletins=False)),
            BulletinLoop(station, clock.now, say))


URGENT_WAIT_S = 30.0  # a 'next' or 'wait:' policy may hold it back behind the item on air


@cli.command("run")
@click.option("--operator", default="", metavar="NAME", help="The operator on duty (written into the log).")
@click.option("--exit-when-idle", is_flag=True, help="Stop after the last airing of today instead of running on.")
@click.option("--log-file", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Also write what run says to FILE, rotated at 1 MB (5 kept); for a service without journald.")
@click.option("--probe-every", type=click.FloatRange(1, 50), default=PROBE_S, show_default=True, metavar="SECONDS",
              help="How often an idle output's device is checked, without a sound (a lost one is failed over).")
@click.pass_obj
def run_command(station: Station, operator: str, exit_when_idle: bool, log_file: Path | None,
                probe_every: float) -> None:
    """Air the schedule day after day on every output, logging every airing (Ctrl+C or SIGTERM stops)."""
    from broadcaster.playout.runner import Runner  # APScheduler and the sound devices, only for the commands that air

    try:
        operator = station.users.find(operator).name if operator else operator  # as the station spells them
    except (UnknownPerson, StorageError):
        pass  # the operator on duty need not be a person of the station (nor the users file readable): as typed
    clock = SystemClock(station.config.tz)
    def say(text: str) -> None:
        console.print(text, markup=False)

    countdown = Countdown(console, clock.now)

    def on_plan(plan: Plan, why: str) -> None:
        _print_plan(plan, why)
        countdown.plan(plan, lambda day: station.planner.plan(day, clock.now()))
        countdown.tick()  # at once, under the plan it follows

    hub = hub_loops(station, clock, say)
    runner = Runner(station, clock, [print_event, *([hub[0].nudge] if hub else [])], operator=operator,
                    say=say, on_plan=on_plan, probe_s=probe_every)
    runner.mailbox.hold()  # a second `run` refuses before it says it is on air
    stop, done = threading.Event(), threading.Event()
    try:
        with console_copied_to(log_file):
            console.print(t("{name}: on air, time zone {tz}", name=station.config.name, tz=station.config.timezone))
            # Redrawn in place on a terminal only: a log file or a journal gets a plain line per next airing.
            countdown.start(live=console.is_terminal and log_file is None)
            ticker = threading.Thread(target=countdown.run, args=(done,), name="countdown", daemon=True)
            ticker.start()
            for loop in hub:
                loop.start()
            try:
                with stopped_by_signals(stop):
                    runner.run(stop, exit_when_idle=exit_when_idle)
            finally:
                done.set()
                ticker.join()
    except KeyboardInterrupt:
        stop.set()
    finally:
        runner.mailbox.release()
        for loop in reversed(hub):
            loop.stop()
    if stop.is_set():
        console.print(t("stopped"))


@cli.command("urgent")
@click.argument("ident", metavar="ID")
@click.option("--output", "outputs", multiple=True, metavar="NAME", help="Output(s) to air on (default: all).")
@click.option("--level", type=click.Choice([NORMAL, PRIORITY, EMERGENCY]), default=PRIORITY, show_default=True,
              help="normal: after what plays; priority: ahead of the programme; emergency: at once.")
@click.option("--policy", help="now (fade out what plays), next (after it), wait:SECONDS (default by level).")
@click.option("--every", metavar="DURATION", help="Repeat every DURATION (e.g. 30m) ...")
@click.option("--until", metavar="HH:MM", help="... until this time today.")
@click.option("--by", default="", metavar="NAME", help="Operator or supervisor who orders it (asked for a passphrase).")
@click.option("--reason", default="", help="Why (required to air an unapproved announcement in an emergency).")
@click.option("--wait", "wait_s", type=click.FloatRange(0, 3600), default=URGENT_WAIT_S, show_default=True,
              metavar="SECONDS", help="How long to wait for `run` to say the announcement went on air.")
@click.pass_obj
def urgent_command(station: Station, ident: str, outputs: tuple[str, ...], level: str, policy: str | None,
                   every: str | None, until: str | None, by: str, reason: str, wait_s: float) -> None:
    """Put an announcement on air now, while `run` is running, with the station's chime before it."""
    now = now_of(station)
    mailbox = Mailbox(station.data_dir)
    if not mailbox.running():
        raise BroadcasterError(t("broadcaster run is not running on this station: start it first"))
    if bool(every) != bool(until):
        raise click.UsageError(t("--every and --until go together"))
    every_s = parse_duration(every, None, None, "--every") if every else None
    until_at = dt.datetime.combine(now.date(), parse_time(until, None, None, "--until"), tzinfo=now.tzinfo) \
        if until else None
    if until_at is not None and until_at <= now:
        raise InputError(t("--until {until} has already passed today", until=until))
    chosen = parse_policy(policy) if policy else DEFAULT_POLICY[level]
    by, passphrase = person_passphrase(station, by) if by else (by, "")  # asked before the spinner starts
    with working(t("rendering the audio…")):
        request = station.playout.urgent_request(ident, list(outputs), level, chosen, every_s, until_at, by, passphrase,
                                         reason, now)
    sent = mailbox.send(request, now)
    flag = t(" — AIRED BEFORE APPROVAL") if request["before_approval"] else ""
    console.print(t("sent: {id} ({level}, {policy}) on {outputs}{flag}", id=ident, level=t(level),
                    policy=str(chosen), outputs=", ".join(request["outputs"]), flag=flag), markup=False)
    reply = mailbox.wait_reply(sent, wait_s)
    if reply is None:
        raise BroadcasterError(t("'{id}' has not gone on air within {s:g} s; see `broadcaster log` and the screen of "
                                 "`broadcaster run`", id=ident, s=wait_s))
    if reply.get("status") != REPLY_STARTED:
        raise BroadcasterError(t("'{id}' did not air: {reason}", id=ident, reason=reply.get("reason", "")))
    console.print(t("on air: {id}", id=ident), markup=False)


@cli.command("play")
@click.argument("ident", metavar="ID")
@click.option("--lang", "language", metavar="CODE", help="The language variant to hear (default: the first).")
@click.option("--device", metavar="NAME", help="The sound device (default: the computer's default one).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE.wav",
              help="Write the audio into this WAV file instead of playing it.")
@click.pass_obj
def play_command(station: Station, ident: str, language: str | None, device: str | None, out: Path | None) -> None:
    """Hear an announcement as it would air (rendered first if need be), before approving or airing it."""
    if out is not None and out.suffix.lower() != ".wav":
        raise click.BadParameter(t("'{path}' must end in .wav", path=out), param_hint="--out")
    if out is not None and device:
        raise click.UsageError(t("--out and --device do not go together"))
    from broadcaster.outputs.sinks import SoundDeviceSink, WavFileSink  # PortAudio and numpy: only to play
    from broadcaster.playout.preview import preview

    sink = WavFileSink(out) if out is not None else SoundDeviceSink(device)
    heard = preview(station, ident, language, sink, now_of(station))
    console.print(t("played {id} ({lang}, {s:.1f} s) to {sink}", id=heard.ident, lang=heard.language,
                    s=heard.duration_s, sink=heard.sink), markup=False)


@cli.command("demo")
@click.option("--keep", is_flag=True, help="Keep the demo station's temporary folder (its log, its renders).")
@click.pass_obj
def demo_command(station: Station, keep: bool) -> None:
    """Air a short programme of the sample station, starting in a few seconds, and show the log."""
    played_to_file = False

    def ready(plan: Plan, sink, why: str | None) -> None:
        nonlocal played_to_file
        played_to_file = bool(why)
        if why:
            console.print(t("No sound device ({why}): playing to {sink}", why=why, sink=sink.describe()),
                          markup=False)
        else:
            console.print(t("Playing to {sink}", sink=sink.describe()))
        for a in plan.airings:
            console.print(f"  {hms(a.start)}–{hms(a.end)}  {a.announcement}  {a.title}", markup=False)

    import shutil
    import tempfile

    from broadcaster.demo import run_demo  # the playout engine, only when it runs

    folder = Path(tempfile.mkdtemp(prefix="broadcaster-demo-"))
    try:
        result = run_demo(station, SystemClock(station.config.tz), [print_event], workdir=folder, on_ready=ready)
        print_records(t("Airing log of the demo"), result.records)
    finally:
        # what was played to a WAV file is kept, to be listened to
        kept = keep or played_to_file
        if not kept:
            shutil.rmtree(folder, ignore_errors=True)
    if kept:
        console.print(t("The demo station is in {folder}", folder=result.station.root))
    else:
        console.print(t("The demo station is removed (--keep keeps it)"))

