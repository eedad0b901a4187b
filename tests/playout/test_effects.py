"""What playout writes to disk is done off the audio path, in order; its priority is raised where allowed,
and never an error where not."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from broadcaster.outputs import boost
from broadcaster.playout.effects import Effects


def test_effects_are_done_in_order_and_a_newer_note_replaces_one_still_waiting_last():
    effects, done, gate = Effects(), [], threading.Event()
    effects.start()
    effects.post(gate.wait)  # holds the thread while the rest is posted
    effects.post(lambda: done.append("aired mot"))
    effects.post(lambda: done.append("note 1"), key="onair")
    effects.post(lambda: done.append("note 2"), key="onair")  # replaces note 1, still waiting last
    effects.post(lambda: done.append("clear"))
    effects.post(lambda: done.append("note 3"), key="onair")  # the clear is between: both stay
    gate.set()
    effects.close()
    assert done == ["aired mot", "note 2", "clear", "note 3"]


def test_before_start_and_after_close_effects_are_done_at_once():
    effects, done = Effects(), []
    effects.post(lambda: done.append(1))
    assert done == [1]
    effects.start()
    effects.close()
    effects.post(lambda: done.append(2))
    assert done == [1, 2]


def test_a_failing_effect_does_not_stop_the_rest_and_close_raises_it():
    effects, done = Effects(), []
    effects.start()
    effects.post(lambda: 1 / 0)
    effects.post(lambda: done.append("after"))
    with pytest.raises(ZeroDivisionError):
        effects.close()
    assert done == ["after"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Linux calls are refused here")
def test_priority_not_allowed_is_no_error(monkeypatch):
    def refuse(*args):
        raise PermissionError(1, "Operation not permitted")
    monkeypatch.setattr(os, "sched_setscheduler", refuse)
    monkeypatch.setattr(os, "setpriority", refuse)
    assert boost.raise_this_thread() == ""
    assert boost.raise_process() == ""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the Linux calls are checked here")
def test_a_thread_without_the_real_time_right_gets_a_higher_share(monkeypatch):
    calls = []

    def refuse(*args):
        raise PermissionError(1, "Operation not permitted")
    monkeypatch.setattr(os, "sched_setscheduler", refuse)
    monkeypatch.setattr(os, "setpriority", lambda *args: calls.append(args))
    assert boost.raise_this_thread() == "nice -10"
    assert calls == [(os.PRIO_PROCESS, threading.get_native_id(), -10)]  # this thread's own nice value


def test_an_outcome_on_its_way_to_a_slow_log_is_not_aired_again_by_a_new_plan(tmp_path):
    import datetime as dt
    import time
    from zoneinfo import ZoneInfo

    import numpy as np
    import soundfile

    from broadcaster.outputs.sinks import WavFileSink
    from broadcaster.playout.clock import SystemClock
    from broadcaster.playout.engine import OutputSinks, PlayoutEngine
    from broadcaster.playout.events import AIRED
    from broadcaster.schedule.plan import Plan, PlannedAiring

    audio = tmp_path / "mot.wav"
    soundfile.write(audio, np.full(1600, 0.1, dtype=np.float32), 8000)
    clock = SystemClock(ZoneInfo("Asia/Ho_Chi_Minh"))
    start = clock.now() + dt.timedelta(seconds=1.2)
    airing = PlannedAiring(key=f"{start.date().isoformat()}/mot", output="loa-xa", session="s", start=start,
                           end=start + dt.timedelta(seconds=0.2), announcement="mot", title="mot", topic="t",
                           fingerprint="f", asset_path=str(audio))
    plan = Plan(day=start.date(), airings=(airing,), warnings=())
    engine = PlayoutEngine({"loa-xa": OutputSinks((WavFileSink(tmp_path / "out.wav"),))}, clock, 8000,
                           tmp_path / "onair")
    disk, logged = threading.Event(), []

    def slow_log(event):
        if getattr(event, "status", "") == AIRED:
            disk.wait(10)  # a disk busy syncing other files
            logged.append(event.airing.key)
    engine.subscribe(slow_log)
    engine.load(plan)
    engine.start()
    try:
        deadline = time.monotonic() + 10
        while engine.pending() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not engine.pending() and not logged  # aired, its record not yet written
        engine.load(plan, done=set())  # a new plan, made from a log that does not have it yet
        assert engine.pending() == []
    finally:
        disk.set()
        engine.stop()
    assert logged == [airing.key]
