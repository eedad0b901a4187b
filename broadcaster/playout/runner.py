"""Running a station: recover, plan the day, air it, take in urgent requests and edited schedules,
keep a heartbeat and a watchdog, plan the next day at midnight."""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from dataclasses import asdict, dataclass, replace
from typing import Callable

from broadcaster.airing_log import KeepingLog
from broadcaster import key_change
from broadcaster.atomic import remove_leftovers
from broadcaster.errors import BroadcasterError, StorageError
from broadcaster.messages import counted, marked, t
from broadcaster.playout.clock import Clock, StepWatch
from broadcaster.playout.engine import Listener, OutputSinks, PlayoutEngine
from broadcaster.playout.events import FINAL, MISSING, PROBE_S, STARTED, AiringEvent, DeviceEvent
from broadcaster.playout.mailbox import FAILED as REPLY_FAILED, REFUSED as REPLY_REFUSED, STARTED as REPLY_STARTED
from broadcaster.playout.mailbox import Mailbox
from broadcaster.playout.priority import parse_policy
from broadcaster.playout.reserve import LogReserve
from broadcaster.outputs.boost import raise_process
from broadcaster.outputs.mixer import DeviceMixer, mixers_for
from broadcaster.outputs.sinks import check_device
from broadcaster.schedule.model import Schedule
from broadcaster.schedule.plan import Plan, PlannedAiring
from broadcaster.sdnotify import READY, STOPPING, WATCHDOG, notify
from broadcaster.station import Station

POLL_S = 0.2
WATCH_FILES_S = 2.0
WATCHDOG_LATE_S = 1.0
ALIVE_S = 5.0  # how often a service manager's watchdog is told that run is alive
# Why a plan is made (run prints it with the plan): at start, at midnight, or after the files changed.
AT_START, NEW_DAY, FILES_CHANGED = marked("at start"), marked("a new day"), marked("schedules, texts or the library changed")
MAX_REPEAT_S = 24 * 3600
DEAD_AIR_ALARM_S = 60.0


def log_listener(station: Station) -> Listener:
    """Writes airing outcomes and device trouble into the station's airing log."""

    def listen(event: object) -> None:
        if isinstance(event, AiringEvent):
            station.airing_log.append(event)
        elif isinstance(event, DeviceEvent):
            station.airing_log.record("device", **asdict(event))
    return listen


def output_sinks(station: Station, schedule: Schedule, mixers: dict[str | None, DeviceMixer],
                 only: set[str] | None = None) -> dict[str, OutputSinks]:
    """Each output's sinks (primary, then backups) and gain (of the outputs named ``only``, if given). A
    device shared by channel has one mixer, kept in ``mixers`` from one edit of the schedule to the next
    while it is as wide."""
    for device, mixer in mixers_for([(device, o.channels) for o in schedule.outputs.values() if not o.file
                                     for device in (o.device, *o.backups)]).items():
        if device not in mixers or mixers[device].width != mixer.width:
            mixers[device] = mixer
    return {name: OutputSinks(station.playout.sinks(o, mixers), o.gain_db) for name, o in schedule.outputs.items()
            if only is None or name in only}


def build_engine(station: Station, clock: Clock, outputs: dict[str, OutputSinks],
                 probe_s: float = PROBE_S) -> PlayoutEngine:
    """An engine for these outputs, checking idle devices every ``probe_s`` seconds."""
    return PlayoutEngine(outputs, clock, station.config.profile.sample_rate, station.data_dir / "onair",
                         station.config.grace_s, gate=lambda airing: station.planner.gate(airing, clock.now()),
                         probe_s=probe_s, verify=station.cache.tampered)


@dataclass(frozen=True)
class DeviceCheck:
    """Whether one of an output's devices is there: its index, or the problem."""

    output: str
    device: str
    position: int  # 0 for the output's own device, then its backups in order
    index: int | None
    problem: str

    @property
    def backup(self) -> bool:
        """Whether the device is a backup."""
        return self.position > 0


def device_checks(schedule: Schedule) -> list[DeviceCheck]:
    """Every device of every output, primary then backups, looked for (with the channels it must have). A
    device shared by channel must be written the same way by every output: one stream is opened per name."""
    checks = []
    shared: dict[int, str] = {}  # a device shared by channel: its index, the name it was first written as
    for name, output in schedule.outputs.items():
        if output.file:
            continue
        for i, device in enumerate((output.device, *output.backups)):
            try:
                index, problem = check_device(device, max(output.channels, default=1)), ""
            except BroadcasterError as exc:
                index, problem = None, exc.message
            if index is not None and output.channels and shared.setdefault(index, device or "default") != (
                    device or "default"):
                problem = t("the device '{first}' is written '{this}' here: write one device's name the same way "
                            "in every output that uses its channels", first=shared[index], this=device or "default")
            checks.append(DeviceCheck(name, device or "default", i, index, problem))
    return checks


def day_records(station: Station, day: dt.date) -> list[dict]:
    """The log's records of the airings of ``day``'s plan: those planned on it, and those of a session that
    ran on past midnight (logged on the next day). Keys begin with the day of their plan."""
    prefix = f"{day.isoformat()}/"
    return [r for r in station.airing_log.query(day, day + dt.timedelta(days=1), sources=False)
            if str(r.get("key", "")).startswith(prefix)]


def already_logged(station: Station, airing: PlannedAiring, started: dt.datetime) -> bool:
    """Whether the log has the outcome of ``airing`` as it went on air at ``started``."""
    stamp = started.isoformat(timespec="milliseconds")
    return any(r["key"] == airing.key and r.get("actual_start") == stamp
               for r in station.airing_log.records(airing.start.date()))


def _checked_request(request: dict, now: dt.datetime) -> tuple[list[str], float | None, dt.datetime]:
    """An urgent request's outputs, repeat interval and end, or ValueError saying what is wrong with it."""
    outputs = request.get("outputs")
    if not isinstance(outputs, list) or not outputs or not all(isinstance(o, str) for o in outputs):
        raise ValueError(t("'outputs' must be a list of output names"))
    for key in ("announcement", "level", "policy"):
        if not isinstance(request.get(key), str):
            raise ValueError(t("'{key}' must be a text", key=key))
    every = request.get("every_s")
    if every is not None and (isinstance(every, bool) or not isinstance(every, (int, float))
                              or not 0 < every <= MAX_REPEAT_S):
        raise ValueError(t("'every_s' must be a number of seconds from 1 to {top}", top=MAX_REPEAT_S))
    until = dt.datetime.fromisoformat(request["until"]) if request.get("until") else now
    if until.tzinfo is None:
        raise ValueError(t("'until' must carry its time zone"))
    # a repeat never runs past tomorrow, whatever the file says
    return outputs, every, min(until, now + dt.timedelta(days=1))


def _signature(station: Station) -> tuple:
    """What, when it changes, makes `run` plan again: schedules, texts, clips, the library."""
    files = [*station.schedules_dir.glob("*.y*ml"), *station.scripts_dir.glob("*"),
             *(station.root / "audio").glob("*"), station.data_dir / "library.json"]
    return tuple(sorted((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files if p.is_file()))


class Runner:
    """`broadcaster run`: one process for every output of a station."""

    def __init__(self, station: Station, clock: Clock, listeners: list[Listener], operator: str = "",
                 say: Callable[[str], None] = lambda text: None,
                 on_plan: Callable[[Plan, str], None] = lambda p, why: None, probe_s: float = PROBE_S):
        self.station = station
        self.probe_s = probe_s
        self.clock = clock
        self.listeners = listeners
        self.operator = operator
        self.say = say
        self.on_plan = on_plan
        self.mailbox = Mailbox(station.data_dir)
        self.log = KeepingLog(station.airing_log, say)
        self.reserve = LogReserve(station.data_dir)
        self.alarmed: set[str] = set()
        self.silent: dict[str, Schedule] = {}  # outputs with no working device: their dead-air alarm lasts
        self.replied: set[str] = set()  # urgent requests whose sender was told how their airing went
        self.mixers: dict[str | None, DeviceMixer] = {}
        self.refused: dict[str, str] = {}  # the files refused at the last plan, and why
        self.unplanned = ""  # why nothing could be planned (a damaged file): run airs on and tries again

    def run(self, stop: threading.Event | None = None, exit_when_idle: bool = False) -> None:
        """Air until ``stop`` is set (or, if asked, until nothing is left to air today)."""
        stop = stop or threading.Event()
        self.mailbox.hold()
        try:
            try:
                key_change.finish(self.station)  # a key change cut off: finished before anything is signed
            except BroadcasterError as exc:
                self.say(str(exc))
            self._run(stop, exit_when_idle)
        finally:
            self.mailbox.release()

    def _run(self, stop: threading.Event, exit_when_idle: bool) -> None:
        station, clock = self.station, self.clock
        priority = raise_process()  # before the engine's threads start: they inherit it
        schedule = station.planner.schedule()  # without one, there is no output to air on: refused at start
        outputs = output_sinks(station, schedule, self.mixers)
        engine = build_engine(station, clock, outputs, self.probe_s)
        self._check_devices(schedule, engine, outputs)
        engine.subscribe(self._log_event)
        engine.subscribe(self._reply_urgent, started=True)
        engine.subscribe(lambda event: self._say_next(engine, event), started=True)
        for listener in self.listeners:
            engine.subscribe(listener, started=True)
        # Only a run writes the on-air journal, and this one holds the run lock: a temporary file there is
        # a leftover of a run that was killed.
        remove_leftovers(engine.journal, lambda name: name.endswith(".json"))
        held = self.reserve.take()  # what the last run aired but could not log, the disk being full
        if held:
            self.log.keep(held)
            if not self.log.kept:
                self.reserve.clear()
        self.reserve.keep()
        station.airing_log.operator = self.operator
        self.log.record("run-start", operator=self.operator, pid=os.getpid(), priority=priority)
        engine.recover(lambda airing, started: already_logged(station, airing, started))
        day = clock.now().date()
        try:
            self._load(engine, day, schedule, AT_START)
        except BroadcasterError as exc:  # a damaged library: air what still verifies (urgent orders, or nothing)
            self._no_plan(str(exc))
        signature = _signature(station)
        engine.start()
        notify(READY)
        last_watch = last_alive = 0.0
        last_alarm = time.monotonic()
        watch = StepWatch(clock)
        try:
            while not stop.wait(POLL_S):
                if time.monotonic() - last_alive >= ALIVE_S:
                    last_alive = time.monotonic()
                    notify(WATCHDOG)
                stepped = watch.stepped()
                if stepped:
                    self._clock_stepped(engine, stepped)
                now = clock.now()
                for request in self.mailbox.take(self._refused_request):
                    self._urgent(engine, request)
                self._watchdog(engine)
                if self.silent and time.monotonic() - last_alarm >= DEAD_AIR_ALARM_S:
                    last_alarm = time.monotonic()
                    self._still_silent()
                if now.date() != day or time.monotonic() - last_watch >= WATCH_FILES_S:
                    last_watch = time.monotonic()
                    self.log.flush()
                    new_signature = _signature(station)
                    if now.date() != day or new_signature != signature or self.unplanned:
                        why = NEW_DAY if now.date() != day else FILES_CHANGED
                        day, signature = now.date(), new_signature
                        schedule = self._reload(engine, day, schedule, why)
                if exit_when_idle and not engine.pending():
                    if self.unplanned:  # idle because nothing could be planned: not a day done
                        raise BroadcasterError(self.unplanned)
                    break
        finally:
            notify(STOPPING)
            engine.stop()
            self.log.record("run-stop", operator=self.operator, pid=os.getpid())
            if self.log.kept and self.reserve.hold(self.log.kept):
                raise StorageError(t("the disk is full: {records} kept in {reserve}, the next run logs them; free some "
                                     "space on the disk", records=counted(len(self.log.kept), "{n} record",
                                                                          "{n} records"),
                                     reserve=self.reserve.path.name), path=station.airing_log.folder)
            if self.log.kept:
                raise StorageError(t("{records} could not be written to the airing log; free some space on the disk",
                                     records=counted(len(self.log.kept), "{n} record", "{n} records")),
                                   path=station.airing_log.folder)
            faults = sum(channel.faults for channel in engine.channels.values())
            if faults:
                raise BroadcasterError(t("{n} airing(s) failed on an unexpected error of an output; the log has each "
                                         "one", n=faults))

    def _clock_stepped(self, engine: PlayoutEngine, seconds: float) -> None:
        """The clock was set forward or back: what fell due goes on air now (or is missed past its grace),
        what is ahead keeps its time of day, and the log says why times jump."""
        engine.wake()
        self.say(t("the computer's clock was stepped by {s:+.1f} s; airings follow the new time", s=seconds))
        self.log.record("audit", action="clock stepped", by_s=round(seconds, 3))

    def _log_event(self, event: object) -> None:
        if isinstance(event, AiringEvent):
            self.log.append(event)
        elif isinstance(event, DeviceEvent):
            self.log.record("device", **asdict(event))

    def _check_devices(self, schedule: Schedule, engine: PlayoutEngine, outputs: dict[str, OutputSinks]) -> None:
        """Say and log each output's missing devices; the output's channel reports them no more. An output
        left with no device and no backup file is dead air: an alarm, said again until it has one."""
        checks = device_checks(schedule)
        for check in checks:
            if check.problem:
                self.say(t("{output}: {reason}", output=check.output, reason=check.problem))
                event = DeviceEvent(check.output, outputs[check.output].sinks[check.position].describe(),
                                    check.problem, state=MISSING)
                self._log_event(event)
                engine.channels[check.output].known_down(event.device)
        for name in {c.output for c in checks}:
            if schedule.outputs[name].backup_file is None and all(c.problem for c in checks if c.output == name):
                self.silent[name] = schedule
                self._dead_air_alarm(name)
                self.log.record("alarm", output=name, reason="no working sound device")

    def _dead_air_alarm(self, output: str) -> None:
        self.say(t("ALARM: output {output} has no working sound device, nothing will be heard: plug one in and see "
                   "`broadcaster devices`, or give the output a 'file:' or a backup ('backup: {{file: PATH.wav}}')",
                   output=output))

    def _still_silent(self) -> None:
        """Say the dead-air alarm again for each output still without a device; log when one comes back."""
        for name, schedule in list(self.silent.items()):
            if all(c.problem for c in device_checks(replace(schedule, outputs={name: schedule.outputs[name]}))):
                self._dead_air_alarm(name)
            else:
                del self.silent[name]
                self.say(t("{output}: a sound device works again", output=name))
                self.log.record("alarm", output=name, reason="sound device back")

    def _load(self, engine: PlayoutEngine, day: dt.date, schedule: Schedule, why: str) -> None:
        plan = self.station.planner.plan(day, self.clock.now(), schedule)
        self.on_plan(plan, why)
        self._refused_files(dict(plan.refused))
        logged = day_records(self.station, day)
        kept = self.log.kept_airings()  # logged as soon as the disk lets them be
        done = {r["key"] for r in logged if r.get("status") in FINAL} | {e.airing.key for e in kept
                                                                         if e.status in FINAL}
        engine.load(plan, done, {r["key"] for r in logged} | {e.airing.key for e in kept})

    def _reload(self, engine: PlayoutEngine, day: dt.date, schedule: Schedule, why: str) -> Schedule:
        """Plan again from the files as they are now; a broken edit is refused and the old plan airs on."""
        try:
            new = self.station.planner.schedule()
            changed = {name: o for name, o in new.outputs.items() if schedule.outputs.get(name) != o}
            if changed:
                outputs = output_sinks(self.station, new, self.mixers, set(changed))
                engine.set_outputs(outputs)
                self._check_devices(replace(new, outputs=changed), engine, outputs)
            self._load(engine, day, new, why)
        except BroadcasterError as exc:
            if self.unplanned:
                self._no_plan(str(exc))
                return schedule
            self.say(t("the edited schedule is refused, the previous one stays on air: {error}", error=str(exc)))
            self.log.record("audit", action="schedule refused", reason=str(exc))
            return schedule
        if self.unplanned:
            self.unplanned = ""
            self.say(t("the files can be used again: the plan is on air"))
            self.log.record("audit", action="planned again")
        elif new != schedule:
            self.log.record("audit", action="schedule reloaded")
        return new

    def _refused_files(self, refused: dict[str, str]) -> None:
        """Texts and clips that cannot be used (unreadable, damaged, a bad header): said and logged as refused
        with the reason, once until it changes; `run` airs on."""
        for what, reason in refused.items():
            if self.refused.get(what) != reason:
                self.say(t("refused: {error}", error=f"{what}: {reason}"))
                self.log.record("audit", action="file refused", file=what, reason=reason)
        self.refused = refused

    def _no_plan(self, reason: str) -> None:
        """Nothing can be planned from the files: said, logged and alarmed once per reason; run airs on (urgent
        orders that still verify) and plans again as soon as the files can be used."""
        if reason != self.unplanned:
            self.say(t("nothing can be planned, run airs on and tries again: {error}", error=reason))
            self.log.record("alarm", reason=reason, action="nothing planned")
        self.unplanned = reason

    def _refused_request(self, name: str, reason: str) -> None:
        """A request file `run` cannot use: said, logged with the file and the reason; `run` airs on."""
        self.say(t("urgent request refused: {error}", error=f"{name}: {reason}"))
        self.log.record("audit", action="urgent refused", file=name, reason=reason)

    def _urgent(self, engine: PlayoutEngine, received: dict) -> None:
        now = self.clock.now()
        try:
            request = self.station.playout.verified_order(received, now)  # a file dropped in the folder airs nothing
            outputs, every, until = _checked_request(request, now)
            times = None
            for output in outputs:
                profile = request.get("profiles", {}).get(output, "")  # the chime sounds like the output's items
                chime = self._chime(profile)
                first = self.station.playout.urgent_airings(request, output, now, 0)
                times = times or self._repeats(request, now, every, until, first, chime)
                for n, at in enumerate(times):
                    airings = first if n == 0 else self.station.playout.urgent_airings(request, output, at, n)
                    engine.urgent(airings, parse_policy(request["policy"]), chime.asset_path if chime else None)
            self.say(t("urgent '{id}' ({level}) on {outputs}, {n} time(s)", id=request["announcement"],
                       level=t(request["level"]), outputs=", ".join(outputs), n=len(times or [])))
        except (BroadcasterError, KeyError, ValueError, TypeError, AttributeError) as exc:
            reason = exc.message if isinstance(exc, BroadcasterError) else t("a malformed request ({error})", error=exc)
            self._refused_request(str(received.get("file", "")), reason)
            self.mailbox.reply(received.get("id"), REPLY_REFUSED, reason)

    def _chime(self, profile: str):
        """The urgent chime with ``profile``; None when there is none, or when it may not air (said and
        logged: the announcement airs without it)."""
        if not self.station.config.chime:
            return None
        try:
            return self.station.renders.chime(self.station.config.chime, profile)
        except BroadcasterError as exc:
            self.say(exc.message)
            self.log.record("audit", action="signal refused", file=self.station.config.chime, reason=exc.message)
            return None

    def _repeats(self, request: dict, now: dt.datetime, every: float | None, until: dt.datetime,
                 first: list[PlannedAiring], chime) -> list[dt.datetime]:
        """When an urgent request airs: now, then every ``every`` seconds until ``until``, never closer than
        the item and its chime, nor more often than the station's airings per hour."""
        if not every:
            return [now]
        length = sum((a.end - a.start).total_seconds() for a in first) + (chime.duration_s if chime else 0.0)
        floor = max(length, 3600 / self.station.config.urgent_per_hour)
        if every < floor:
            self.say(t("urgent '{id}': repeats every {s:.0f} s, not {asked:.0f} s (the item with its chime, and "
                       "at most {n} an hour)", id=request["announcement"], s=floor, asked=every,
                       n=self.station.config.urgent_per_hour))
            self.log.record("audit", action="urgent repeat raised", announcement=request["announcement"],
                            asked_s=every, every_s=round(floor, 3))
            every = floor
        times = [now]
        while times[-1] + dt.timedelta(seconds=every) <= until:
            times.append(times[-1] + dt.timedelta(seconds=every))
        return times

    def _reply_urgent(self, event: object) -> None:
        """Tell `urgent` whether its request's first airing went on air, or why not."""
        if not isinstance(event, AiringEvent) or event.airing.trigger != "urgent":
            return
        parts = event.airing.key.split("/")
        if len(parts) < 4 or not parts[3].startswith("0.") or parts[1] in self.replied:
            return
        if event.status == STARTED:
            self.replied.add(parts[1])
            self.mailbox.reply(parts[1], REPLY_STARTED)
        elif event.status in FINAL:
            self.replied.add(parts[1])
            self.mailbox.reply(parts[1], REPLY_FAILED, event.reason or t(event.status))

    def _say_next(self, engine: PlayoutEngine, event: object) -> None:
        """When an item goes on air, say what follows it on that output."""
        if not (isinstance(event, AiringEvent) and event.status == STARTED):
            return
        following = [a for a in engine.pending() if a.output == event.airing.output and a.key != event.airing.key]
        if following:
            a = following[0]
            wait = (a.start - self.clock.now()).total_seconds()
            # An item already due waits for this one to end: a time in the past would read as a fault.
            self.say(t("  next on {output}: {id} right after this one", output=a.output, id=a.announcement)
                     if wait <= 0 else
                     t("  next on {output}: {id} at {time}, in {wait}", output=a.output, id=a.announcement,
                       time=a.start.strftime("%H:%M:%S"), wait=countdown(wait)))

    def _watchdog(self, engine: PlayoutEngine) -> None:
        for airing in engine.overdue(WATCHDOG_LATE_S):
            if airing.key in self.alarmed:
                continue
            self.alarmed.add(airing.key)
            late = (self.clock.now() - airing.start).total_seconds()
            self.say(t("ALARM: '{id}' on {output} was due at {time} and has not started ({late:.1f} s late)",
                       id=airing.announcement, output=airing.output, time=airing.start.strftime("%H:%M:%S"), late=late))
            self.log.record("alarm", output=airing.output, key=airing.key, announcement=airing.announcement,
                            late_s=round(late, 3))



def countdown(seconds: float) -> str:
    """'45 s', '12 min 05 s' or '2 h 03 min': how long until an item."""
    seconds = int(seconds + 0.5)
    if seconds < 60:
        return t("{s} s", s=seconds)
    if seconds < 3600:
        return t("{m} min {s:02d} s", m=seconds // 60, s=seconds % 60)
    return t("{h} h {m:02d} min", h=seconds // 3600, m=seconds % 3600 // 60)
