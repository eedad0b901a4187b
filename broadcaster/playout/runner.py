"""Running a station: plan the day, air it, plan the next day at midnight."""

from __future__ import annotations

import threading

from broadcaster.playout.clock import Clock
from broadcaster.playout.engine import Listener, PlayoutEngine
from broadcaster.schedule.plan import Plan
from broadcaster.station import Station

POLL_S = 0.2


def build_engine(station: Station, clock: Clock, listeners: list[Listener]) -> PlayoutEngine:
    """An engine with a sink per configured output, logging to the station's airing log."""
    schedule = station.schedule()
    sinks = {name: station.sink(output) for name, output in schedule.outputs.items()}
    engine = PlayoutEngine(sinks, clock)
    engine.subscribe(station.airing_log.append)
    for listener in listeners:
        engine.subscribe(listener)
    return engine


def run_station(station: Station, clock: Clock, listeners: list[Listener], on_plan=lambda plan: None,
                stop: threading.Event | None = None, exit_when_idle: bool = False) -> None:
    """Air today's plan, and each following day's, until ``stop`` is set (or, if asked, until idle)."""
    stop = stop or threading.Event()
    engine = build_engine(station, clock, listeners)
    day = clock.now().date()
    plan: Plan = station.plan(day, clock.now())
    on_plan(plan)
    engine.load(plan, station.airing_log.logged_keys(day))
    engine.start()
    try:
        while not stop.wait(POLL_S):
            today = clock.now().date()
            if today != day:
                day = today
                plan = station.plan(day, clock.now())
                on_plan(plan)
                engine.load(plan, station.airing_log.logged_keys(day))
            if exit_when_idle and not engine.pending():
                break
    finally:
        engine.stop()
