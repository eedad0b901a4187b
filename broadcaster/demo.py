"""The demo: a copy of the sample station airs a short programme starting a few seconds from now."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

from broadcaster.content.library import APPROVED
from broadcaster.errors import BroadcasterError, InputError
from broadcaster.messages import t
from broadcaster.outputs.sinks import Sink, SoundDeviceSink, WavFileSink, find_device
from broadcaster.playout.clock import Clock
from broadcaster.playout.engine import Listener, OutputSinks, PlayoutEngine
from broadcaster.playout.runner import log_listener
from broadcaster.schedule.plan import Plan, plan_session
from broadcaster.station import Station

LEAD_S = 3
BUDGET_S = 40
DEMO_APPROVER = "Giám sát viên (demo)"
DEMO_PASSPHRASE = "demo-only-passphrase"
DEMO_MAKER = "Cán bộ soạn tin (demo)"


@dataclass
class DemoResult:
    """Where the demo ran and what it aired."""

    station: Station
    plan: Plan
    sink: str
    records: list[dict]


def pick_sink(folder: Path) -> tuple[Sink, str | None]:
    """The default sound device, or a WAV file in ``folder`` with the reason there is no device."""
    try:
        find_device(None)
        return SoundDeviceSink(None), None
    except BroadcasterError as exc:
        return WavFileSink(folder / "demo.wav"), exc.message


def copy_station(source: Station, target: Path) -> Station:
    """A copy of a station's files without its data, so that nothing in ``source`` changes."""
    source.config  # refuse a folder that is not a station
    for name in ("scripts_text", "audio", "schedules"):
        if (source.root / name).is_dir():
            shutil.copytree(source.root / name, target / name)
    shutil.copy2(source.root / "station.yaml", target / "station.yaml")
    return Station(target)


def prepare(station: Station, clock: Clock) -> Plan:
    """Import and approve the sample texts, render them, and plan the first session from now."""
    now = clock.now()
    station.users.add(DEMO_APPROVER, "supervisor", DEMO_PASSPHRASE, now, None)
    station.users.add(DEMO_MAKER, "officer", DEMO_PASSPHRASE, now, (DEMO_APPROVER, DEMO_PASSPHRASE))
    maker = station.users.unlock(DEMO_MAKER, DEMO_PASSPHRASE, {"officer"}, t("add content"))
    for path in sorted(station.scripts_dir.glob("*.md")) + sorted(station.scripts_dir.glob("*.txt")):
        entry, _ = station.content.add_file(path, now, signer=maker)
        station.content.decide(entry.id, APPROVED, DEMO_APPROVER, DEMO_PASSPHRASE, now)
    schedule = station.planner.schedule()
    if not schedule.sessions:
        raise InputError(t("the sample schedule has no session to play"), path=station.schedules_dir)
    first = min(schedule.sessions, key=lambda s: s.start)
    start = clock.now() + dt.timedelta(seconds=LEAD_S)
    airings, warnings = plan_session(replace(first, name=f"{first.name} (demo)"), station.planner.material(now, schedule),
                                     start.date(), station.config.tz, start=start)
    fitting = [a for a in airings if (a.end - start).total_seconds() <= BUDGET_S] or airings[:1]
    if not fitting:
        raise InputError(t("nothing in the first session can be aired: {why}", why="; ".join(warnings)))
    return Plan(day=start.date(), airings=tuple(fitting), warnings=tuple(warnings))


def run_demo(source: Station, clock: Clock, listeners: list[Listener], workdir: Path | None = None,
             sink: Sink | None = None, on_ready=lambda plan, sink, why: None) -> DemoResult:
    """Run the demo in ``workdir`` (a new temporary folder by default); returns what was aired."""
    folder = Path(workdir or tempfile.mkdtemp(prefix="broadcaster-demo-"))
    station = copy_station(source, folder / "station")
    plan = prepare(station, clock)
    why = None
    if sink is None:
        sink, why = pick_sink(folder)
    on_ready(plan, sink, why)
    # One output of the sample schedule, whatever device it names, plays to the sink chosen here.
    outputs = {a.output: OutputSinks((sink,)) for a in plan.airings}
    engine = PlayoutEngine(outputs, clock, station.config.profile.sample_rate, station.data_dir / "onair")
    engine.subscribe(log_listener(station))
    for listener in listeners:
        engine.subscribe(listener, started=True)
    engine.load(plan)
    engine.start()
    try:
        while engine.pending():
            time.sleep(0.1)
    finally:
        engine.stop()
    return DemoResult(station=station, plan=plan, sink=sink.describe(), records=station.airing_log.records(plan.day))
