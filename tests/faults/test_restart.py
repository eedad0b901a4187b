"""`run` killed at exact points of an airing (found by crash.py from its file changes), then started again:
what the log then says about that airing."""

from __future__ import annotations

import datetime as dt
import signal

import pytest

from broadcaster.outputs.sinks import WavFileSink
from broadcaster.playout.engine import OutputSinks, PlayoutEngine
from broadcaster.schedule.plan import Plan, PlannedAiring
from tests.faults.conftest import (ALSA, TZ, airing_records, broadcaster, crash, open_everything, soon,
                                   startup_allowance, write_schedule)

KILL = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX")


def outcomes(station) -> list[tuple[str, str, str]]:
    return [(r["announcement"], r["status"], r["trigger"]) for r in airing_records(station.airing_log)]


@pytest.mark.timing
@KILL
@ALSA
def test_killed_after_logging_aired_before_clearing_the_journal(tones_station, devices):
    """The on-air journal still names an airing that the log already has as aired: it is not logged again."""
    devices.capture("cap_a")
    start = soon(4)
    write_schedule(tones_station.root, {"loa-xa": "cap_a"},
                   [("Sáng", start.time(), "loa-xa", ["mot", "hai", "ba", "bon"])])
    killed = crash(tones_station.root, "1@os.remove:*/data/onair/*.json", "run", env=devices.env())
    assert killed.returncode == -signal.SIGKILL, killed.stdout + killed.stderr
    assert outcomes(tones_station) == [("mot", "aired", "schedule")]
    assert (tones_station.data_dir / "onair" / "loa-xa.json").exists()
    again = broadcaster(tones_station.root, "run", "--exit-when-idle", env=devices.env())
    assert again.returncode == 0, again.stdout + again.stderr
    assert outcomes(tones_station)[0] == ("mot", "aired", "schedule")
    assert sorted(o[0] for o in outcomes(tones_station)[1:]) == ["ba", "bon", "hai"]
    assert open_everything(tones_station.root) == []


@pytest.mark.timing
@KILL
@ALSA
def test_killed_before_logging_aired_is_partial_then_replayed(tones_station, devices):
    """Killed as the airing's outcome is about to be written: the journal makes it partial, then it is replayed."""
    devices.capture("cap_a")
    # A cut-off item is replayed only if `run` is back within its grace and before its session's planned end
    # (after those it is missed, by design); a busy computer takes seconds to start `run` again (12 s seen at a
    # load of 14), more than the 6 s that four tones of 1.5 s last. So the grace and the session (its last item
    # aired again after a gap) leave room for a restart that slow.
    room = round(10 + 3 * startup_allowance())
    config = tones_station.root / "station.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("grace: 10s", f"grace: {room}s"), encoding="utf-8")
    start = soon(4)
    last = f"{{announcement: bon, repeat: 2, gap: {room}s}}"
    write_schedule(tones_station.root, {"loa-xa": "cap_a"}, [("Sáng", start.time(), "loa-xa", ["mot", "hai", "ba", last])])
    # The airing log's records, each inserted and committed in one transaction: the run-start record, then
    # the first outcome, killed as it is inserted.
    killed = crash(tones_station.root, "2@sqlite:*/data/log/airing-log.sqlite3 INSERT INTO records*", "run",
                   env=devices.env())
    assert killed.returncode == -signal.SIGKILL, killed.stdout + killed.stderr
    assert outcomes(tones_station) == []
    again = broadcaster(tones_station.root, "run", "--exit-when-idle", env=devices.env())
    assert again.returncode == 0, again.stdout + again.stderr
    assert outcomes(tones_station)[:2] == [("mot", "partial", "schedule"), ("mot", "aired", "replay")]
    assert sorted(o[0] for o in outcomes(tones_station)[2:]) == ["ba", "bon", "bon", "hai"]
    assert open_everything(tones_station.root) == []


class FixedClock:
    def __init__(self, now: dt.datetime):
        self.tz, self.at = TZ, now

    def now(self) -> dt.datetime:
        return self.at


def _airing(key: str, start: dt.datetime, seconds: float = 10) -> PlannedAiring:
    return PlannedAiring(key=key, output="loa-xa", session="Sáng", start=start,
                         end=start + dt.timedelta(seconds=seconds), announcement=key, title=key, topic="general",
                         fingerprint="f", asset_path="x.wav")


def test_a_late_airing_is_a_replay_only_when_it_went_on_air_before(tmp_path):
    """Restarted after a kill: an airing that never started is the planned airing, aired late (trigger
    'schedule'); one that went on air part-way is replayed (trigger 'replay'), or its replay is missed:
    either way each planned airing has exactly one record with trigger 'schedule'."""
    now = dt.datetime(2026, 11, 25, 6, 0, tzinfo=TZ)
    engine = PlayoutEngine({"loa-xa": OutputSinks((WavFileSink(tmp_path / "out.wav"),))}, FixedClock(now), 44100,
                           tmp_path / "onair", grace_s=60)
    events = []
    engine.subscribe(events.append)
    plan = Plan(now.date(), (
        _airing("cut-off", now - dt.timedelta(seconds=30), 600),      # went on air, within its grace
        _airing("never-started", now - dt.timedelta(seconds=20), 600),  # never started, within its grace
        _airing("cut-off-long-ago", now - dt.timedelta(seconds=300)),  # went on air, past its grace
        _airing("missed", now - dt.timedelta(seconds=290)),             # never started, past its grace
    ), ())
    engine.load(plan, done=set(), tried={"cut-off", "cut-off-long-ago"})
    assert {a.key: a.trigger for a in engine.pending()} == {"cut-off": "replay", "never-started": "schedule"}
    assert {e.airing.key: (e.status, e.airing.trigger) for e in events} == {
        "cut-off-long-ago": ("missed", "replay"), "missed": ("missed", "schedule")}
