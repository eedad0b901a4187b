"""Playout through the real PortAudio into ALSA file devices, checked on the captured audio and on the log:
emergency interrupt and resume, priority insert, restart after a kill, device failover, live schedule edits."""

from __future__ import annotations

import functools
import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import soundfile
from click.testing import CliRunner
from scipy.signal import correlate

from broadcaster.audiofile import read_wav
from broadcaster.cli import cli
from broadcaster.playout.events import STARTED
from broadcaster.playout.mailbox import Mailbox
from broadcaster.playout.priority import EMERGENCY, PRIORITY, Policy
from broadcaster.playout.runner import countdown
from broadcaster.station import Station
from tests import helpers
from tests.conftest import captured
from tests.faults.conftest import startup_allowance
from tests.helpers import NOW, PASSPHRASE, SUPERVISOR, killed_while_replacing
from tests.playout.conftest import TZ, at, write_schedule
from tests.processes import spawn


wait_for = functools.partial(helpers.wait_for, timeout=60.0, step=0.1)


def airings(station: Station) -> list[dict]:
    records = station.airing_log.records(dt.datetime.now(TZ).date())
    return sorted(records, key=lambda r: r.get("actual_start") or r["planned_start"])


def outcome(station: Station) -> list[tuple]:
    return [(r["announcement"], r["status"], r["trigger"]) for r in airings(station)]


def best_match(capture: np.ndarray, clip: np.ndarray) -> float:
    """Normalised correlation of ``clip`` with the part of ``capture`` where it fits best."""
    corr = correlate(capture, clip, mode="valid", method="fft")
    energy = np.convolve(capture ** 2, np.ones(len(clip)), mode="valid")
    scores = corr / (np.sqrt(np.maximum(energy, 1e-12)) * np.linalg.norm(clip))
    return float(scores.max())


def asset_of(station: Station, ident: str) -> np.ndarray:
    variant = station.library.get(ident).announcement.variants[0]
    return read_wav(station.renders.asset(variant).path)[0]


def urgent(station: Station, ident: str, level: str, policy: Policy) -> None:
    now = dt.datetime.now(TZ)
    request = station.playout.urgent_request(ident, ["loa-xa"], level, policy, None, None, "", "", "", now)
    Mailbox(station.data_dir).send(request, now)


def started(r, ident: str) -> bool:
    return any(getattr(e, "status", "") == STARTED and e.airing.announcement == ident for e in r.events)


def test_emergency_cuts_in_and_the_item_is_replayed_whole(quick, running, clean_captures):
    write_schedule(quick.root, f"sessions:\n  - name: Sáng\n    start: '{at(2)}'\n    output: loa-xa\n"
                               "    items: [mot, hai]\n")
    with running(quick) as r:
        wait_for(lambda: started(r, "mot"))
        time.sleep(0.6)
        urgent(quick, "khan", EMERGENCY, Policy("now"))
        wait_for(lambda: ("hai", "aired", "schedule") in outcome(quick))
    assert outcome(quick) == [("mot", "interrupted", "schedule"), ("khan", "aired", "urgent"),
                              ("mot", "aired", "replay"), ("hai", "aired", "schedule")]
    khan = next(r for r in airings(quick) if r["announcement"] == "khan")
    assert khan["priority"] == EMERGENCY and "cut off for emergency 'khan'" in airings(quick)[0]["reason"]
    played, rate = soundfile.read(captured("loa_xa"), dtype="float32")
    for ident in ("khan", "mot", "hai"):
        assert best_match(played, asset_of(quick, ident)) > 0.99, ident


def test_a_priority_message_cut_by_an_emergency_is_heard_whole_after_it(quick, running, clean_captures):
    write_schedule(quick.root, f"sessions:\n  - name: Tối\n    start: '{at(3000)}'\n    output: loa-xa\n"
                               "    items: [mot]\n")
    with running(quick) as r:
        urgent(quick, "hai", PRIORITY, Policy("now"))
        wait_for(lambda: started(r, "hai"))
        time.sleep(0.6)
        urgent(quick, "khan", EMERGENCY, Policy("now"))
        wait_for(lambda: ("hai", "aired", "replay") in outcome(quick))
    assert outcome(quick) == [("hai", "interrupted", "urgent"), ("khan", "aired", "urgent"),
                              ("hai", "aired", "replay")]
    played, rate = soundfile.read(captured("loa_xa"), dtype="float32")
    assert best_match(played, asset_of(quick, "hai")) > 0.99


def test_priority_goes_next_without_cutting(quick, running, clean_captures):
    write_schedule(quick.root, f"sessions:\n  - name: Sáng\n    start: '{at(2)}'\n    output: loa-xa\n"
                               "    items: [mot, hai, ba]\n")
    with running(quick) as r:
        wait_for(lambda: started(r, "mot"))
        urgent(quick, "khan", PRIORITY, Policy("next"))
        wait_for(lambda: ("ba", "aired", "schedule") in outcome(quick))
    assert outcome(quick) == [("mot", "aired", "schedule"), ("khan", "aired", "urgent"),
                              ("hai", "aired", "schedule"), ("ba", "aired", "schedule")]
    # Waiting for the item on air is what a priority item does: no alarm for it.
    assert not [s for s in r.said if "ALARM" in s]


def test_villages_on_channels_of_one_card_air_their_own_items(quick, running, clean_captures):
    (quick.root / "schedules" / "lich.yaml").write_text(
        "outputs:\n  thon-1:\n    device: cum_loa\n    channel: 1\n  thon-2:\n    device: cum_loa\n"
        f"    channels: [2]\nsessions:\n  - name: Sáng\n    start: '{at(2)}'\n    output: thon-1\n    items: [mot]\n"
        f"  - name: Sáng\n    start: '{at(3)}'\n    output: thon-2\n    items: [hai]\n", encoding="utf-8")
    with running(quick):
        wait_for(lambda: ("hai", "aired", "schedule") in outcome(quick))
    assert {(r["announcement"], r["output"], r["sink"]) for r in airings(quick)} == {
        ("mot", "thon-1", "sound device 'cum_loa' channel 1"), ("hai", "thon-2", "sound device 'cum_loa' channel 2")}
    played, _ = soundfile.read(captured("cum_loa"), dtype="float32")
    assert played.shape[1] == 2
    assert best_match(played[:, 0], asset_of(quick, "mot")) > 0.99 and best_match(played[:, 1], asset_of(quick, "hai")) > 0.99
    # One stream for both: the second village starts a second after the first, as planned, to the sample.
    first = [np.flatnonzero(np.abs(played[:, c]) > 1e-3)[0] for c in (0, 1)]
    pads = [np.flatnonzero(np.abs(asset_of(quick, i)) > 1e-3)[0] for i in ("mot", "hai")]
    assert abs((first[1] - pads[1]) - (first[0] - pads[0]) - 44100) <= 44, first


def test_missing_device_fails_over_to_the_backup(quick, running, clean_captures):
    (quick.root / "schedules" / "lich.yaml").write_text(
        f"outputs:\n  loa-xa:\n    device: khong_co_loa\n    backup: xe_loa_1\nsessions:\n  - name: Sáng\n"
        f"    start: '{at(2)}'\n    output: loa-xa\n    items: [mot]\n", encoding="utf-8")
    with running(quick):
        wait_for(lambda: ("mot", "aired", "schedule") in outcome(quick))
    record = airings(quick)[0]
    assert record["sink"] == "sound device 'xe_loa_1'"
    devices = [r for r in quick.airing_log.query(NOW.date() - dt.timedelta(days=400), dt.date(2100, 1, 1),
                                                 kind="device")]
    assert any("khong_co_loa" in d["reason"] for d in devices)
    played, _ = soundfile.read(captured("xe_loa_1"), dtype="float32")
    assert best_match(played, asset_of(quick, "mot")) > 0.99


def test_schedule_edits_take_effect_and_a_broken_edit_is_refused(quick, running, clean_captures):
    first, second, third = at(3), at(9), at(16)
    session = "  - name: {name}\n    start: '{start}'\n    output: loa-xa\n    items: [{item}]\n"
    write_schedule(quick.root, "sessions:\n" + session.format(name="Một", start=first, item="mot"))
    with running(quick) as r:
        time.sleep(1.0)
        write_schedule(quick.root, "sessions:\n" + session.format(name="Một", start=first, item="mot")
                       + session.format(name="Hai", start=second, item="hai")
                       + session.format(name="Ba", start=third, item="ba"))
        wait_for(lambda: ("hai", "aired", "schedule") in outcome(quick))
        write_schedule(quick.root, "sessions:\n" + session.format(name="Ba", start="25:00", item="ba"))
        wait_for(lambda: any("refused" in s for s in r.said), timeout=10)
        wait_for(lambda: ("ba", "aired", "schedule") in outcome(quick))
    assert [x[0] for x in outcome(quick)] == ["mot", "hai", "ba"]
    refused = [s for s in r.said if "refused" in s][0]
    assert "lich.yaml:8: start '25:00' is not a time of day" in refused


def test_the_watchdog_raises_an_alarm_when_a_due_item_waits(quick, running, clean_captures):
    write_schedule(quick.root, f"sessions:\n  - name: Dài\n    start: '{at(2)}'\n    output: loa-xa\n"
                               f"    items: [khan, khan]\n  - name: Chen\n    start: '{at(3)}'\n    output: loa-xa\n"
                               "    items: [mot]\n")
    with running(quick) as r:
        wait_for(lambda: ("mot", "aired", "schedule") in outcome(quick))
    assert any("ALARM: 'mot' on loa-xa" in s for s in r.said)
    alarms = quick.airing_log.query(NOW.date() - dt.timedelta(days=400), dt.date(2100, 1, 1), kind="alarm")
    assert [a["announcement"] for a in alarms] == ["mot"]


def test_urgent_before_approval_needs_an_operator_and_is_flagged(quick, running, clean_captures):
    quick.users.add("Vận Hành", "operator", "mật khẩu vận hành", NOW, (SUPERVISOR, PASSPHRASE))
    path = quick.root / "scripts_text" / "lu-quet.md"
    path.write_text("---\nid: lu-quet\ntitle: Cảnh báo lũ quét\nauthor: Nguyễn Thị Lan\n---\n"
                    "Cảnh báo lũ quét tại thôn 3.\n", encoding="utf-8")
    quick.content.add_file(path, NOW)
    runner = CliRunner()
    with running(quick):
        wait_for(lambda: Mailbox(quick.data_dir).running(), timeout=10)
        refused = runner.invoke(cli, ["urgent", "lu-quet", "--level", "priority"], obj=Station(quick.root))
        assert refused.exit_code == 2 and "only an emergency may go on air before approval" in refused.output
        sent = runner.invoke(cli, ["urgent", "lu-quet", "--level", "emergency", "--by", "Vận Hành",
                                   "--reason", "mưa lớn, nước lên nhanh"], obj=Station(quick.root),
                             input="mật khẩu vận hành\n", catch_exceptions=False)
        assert sent.exit_code == 0, sent.output
        assert "AIRED BEFORE APPROVAL" in sent.output
        assert sent.output.splitlines()[-1] == "on air: lu-quet"  # `urgent` waited for `run` to say so
        wait_for(lambda: ("lu-quet", "aired", "urgent") in outcome(quick))
    record = airings(quick)[0]
    assert record["before_approval"] is True and record["approved_by"] == ""
    history = quick.library.history("lu-quet")
    assert history[-1]["action"] == "emergency before approval" and history[-1]["by"] == "Vận Hành"


def test_urgent_without_run_is_refused(quick):
    result = CliRunner().invoke(cli, ["urgent", "mot"], obj=quick)
    assert result.exit_code == 1  # a state at run time, not bad input
    assert result.output.splitlines()[-1] == "Error: broadcaster run is not running on this station: start it first"


@pytest.mark.timing
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX")
def test_killed_mid_air_is_logged_partial_and_replayed_on_restart(quick, clean_captures):
    # A grace and a session long enough for a restart on a busy computer (it may take several seconds).
    config = quick.root / "station.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("grace: 10s", "grace: 60s"), encoding="utf-8")
    write_schedule(quick.root, f"sessions:\n  - name: Sáng\n    start: '{at(3 + startup_allowance())}'\n"
                               "    output: loa-xa\n    items: [khan, hai, mot, ba]\n")
    command = [sys.executable, "-m", "broadcaster", "--station", str(quick.root), "run"]
    # --exit-when-idle: should khan never go on air, the output ends and the test fails rather than waits forever
    process = spawn([*command, "--exit-when-idle"], stdout=subprocess.PIPE, text=True, encoding="utf-8",
                    env=os.environ)
    assert any("ON AIR loa-xa: khan" in line for line in process.stdout)
    time.sleep(1.0)
    process.send_signal(signal.SIGKILL)
    process.wait(10)
    result = subprocess.run([*command, "--exit-when-idle"], capture_output=True, text=True, encoding="utf-8",
                            env=os.environ, timeout=120)
    assert result.returncode == 0, result.stderr
    records = airings(quick)  # by start: the partial first
    khan = [r for r in records if r["announcement"] == "khan"]
    assert [(r["status"], r["trigger"]) for r in khan] == [("partial", "schedule"), ("aired", "replay")]
    # The replay delays what follows it, and a late item is missed rather than started after its session's end
    # (one already due when run came back) or its grace: when a busy computer restarts slowly, an item may be
    # missed, but only because the output was busy past its own planned end; the rest air in their order.
    rest = [r for r in records if r["announcement"] != "khan"]
    aired = [r["announcement"] for r in rest if r["status"] == "aired"]
    assert aired == [ident for ident in ("hai", "mot", "ba") if ident in aired]
    assert sorted(r["announcement"] for r in rest) == ["ba", "hai", "mot"]
    busy_until = max(dt.datetime.fromisoformat(r["actual_end"]) for r in records[1:] if r["actual_end"])
    for r in rest:
        if r["status"] != "aired":
            assert r["status"] == "missed" and r["reason"].startswith("could not start by"), r
            assert busy_until > dt.datetime.fromisoformat(r["planned_end"]) - dt.timedelta(seconds=0.5), r
    partial = khan[0]
    assert 0.0 < partial["duration_s"] < 4.0
    assert "cut off: broadcaster stopped while it played" in partial["reason"]
    assert all(check.intact for check in quick.airing_log.verify())


@pytest.mark.timing
def test_wait_policy_lets_a_short_remainder_finish_and_drop_policy_drops(quick, running, clean_captures):
    write_schedule(quick.root, f"sessions:\n  - name: Sáng\n    start: '{at(2)}'\n    output: loa-xa\n"
                               "    on_interrupt: drop\n    items: [khan, mot]\n")
    with running(quick) as r:
        wait_for(lambda: started(r, "khan"))
        urgent(quick, "hai", PRIORITY, Policy("wait", 0.5))  # cuts in half a second later
        wait_for(lambda: ("mot", "aired", "schedule") in outcome(quick))
    assert outcome(quick) == [("khan", "interrupted", "schedule"), ("hai", "aired", "urgent"),
                              ("mot", "aired", "schedule")]  # dropped by the session's policy: no replay
    cut = airings(quick)[0]
    assert 0.3 < cut["duration_s"] < 2.0
    assert any(s.startswith("  next on loa-xa: mot") for s in r.said)


def test_run_says_why_it_plans_and_counts_down_to_a_next_item_never_in_the_past(quick, running, clean_captures):
    later = at(40)
    write_schedule(quick.root, f"sessions:\n  - name: Sáng\n    start: '{at(2)}'\n    output: loa-xa\n"
                               f"    items: [khan]\n  - name: Trưa\n    start: '{later}'\n    output: loa-xa\n"
                               "    items: [mot]\n")
    with running(quick) as r:
        wait_for(lambda: started(r, "khan"))
        wait_for(lambda: any(s.startswith("  next on loa-xa: mot") for s in r.said))
        said_at = dt.datetime.now(TZ)
    [line] = [s for s in r.said if s.startswith("  next on loa-xa: mot")]
    expected_start = dt.datetime.combine(said_at.date(), dt.time.fromisoformat(later), TZ)
    assert line.startswith(f"  next on loa-xa: mot at {expected_start:%H:%M:%S}, in ")
    seconds = int(line.rsplit(" in ", 1)[1].removesuffix(" s"))
    assert 0 < seconds <= (expected_start - said_at).total_seconds() + 2
    assert r.plans[0] == (said_at.date(), "at start")


@pytest.mark.parametrize("seconds, text", [(0.4, "0 s"), (59.4, "59 s"), (61, "1 min 01 s"), (3599, "59 min 59 s"),
                                           (7380, "2 h 03 min")])
def test_countdown(seconds, text):
    assert countdown(seconds) == text


def test_restart_logs_as_missed_what_passed_beyond_its_grace(quick, running, clean_captures):
    write_schedule(quick.root, f"sessions:\n  - name: Sớm\n    start: '{at(-40)}'\n    output: loa-xa\n"
                               f"    items: [mot]\n  - name: Vừa qua\n    start: '{at(-1)}'\n    output: loa-xa\n"
                               "    items: [hai, khan, ba]\n")
    with running(quick):
        wait_for(lambda: ("ba", "aired", "schedule") in outcome(quick))
    # Still within its grace and its session: aired late, from the start (never past the session's end).
    hai = next(r for r in airings(quick) if r["announcement"] == "hai")
    assert hai["status"] == "aired" and hai["actual_start"] > hai["planned_start"]
    missed = [r for r in airings(quick) if r["announcement"] == "mot"]
    assert [(r["status"], r["reason"]) for r in missed] == [("missed", "its time passed while broadcaster was "
                                                                       "not running")]


def test_an_edit_that_adds_an_output_or_moves_one_to_another_device_airs_there(quick, running, clean_captures):
    session = "  - name: {name}\n    start: '{start}'\n    output: {output}\n    items: [{item}]\n"
    first, second = at(3), at(8)
    write_schedule(quick.root, "sessions:\n" + session.format(name="Một", start=first, output="loa-xa", item="mot"))
    with running(quick):
        wait_for(lambda: ("mot", "aired", "schedule") in outcome(quick))
        (quick.root / "schedules" / "lich.yaml").write_text(
            "outputs:\n  loa-xa:\n    device: xe_loa_1\n  thon-1:\n    device: cum_loa\n    channel: 2\nsessions:\n"
            + session.format(name="Một", start=first, output="loa-xa", item="mot")
            + session.format(name="Hai", start=second, output="loa-xa", item="hai")
            + session.format(name="Ba", start=second, output="thon-1", item="ba"), encoding="utf-8")
        wait_for(lambda: {("hai", "aired", "schedule"), ("ba", "aired", "schedule")} <= set(outcome(quick)))
    assert len(airings(quick)) == 3
    assert {(r["announcement"], r["output"], r["status"], r["sink"]) for r in airings(quick)} == {
        ("mot", "loa-xa", "aired", "sound device 'loa_xa'"), ("hai", "loa-xa", "aired", "sound device 'xe_loa_1'"),
        ("ba", "thon-1", "aired", "sound device 'cum_loa' channel 2")}
    played, _ = soundfile.read(captured("cum_loa"), dtype="float32")
    assert best_match(played[:, 1], asset_of(quick, "ba")) > 0.99 and not played[:, 0].any()
    assert best_match(soundfile.read(captured("xe_loa_1"), dtype="float32")[0], asset_of(quick, "hai")) > 0.99


def test_run_removes_what_a_killed_run_left_of_its_on_air_journal(quick, running):
    """Killed between writing the journal's note and renaming it into place: the half-made note goes."""
    (quick.data_dir / "onair").mkdir(parents=True, exist_ok=True)
    [leftover] = killed_while_replacing(quick.data_dir / "onair" / "loa-xa.json")
    with running(quick):
        wait_for(lambda: quick.airing_log.query(NOW.date() - dt.timedelta(days=400), dt.date(2100, 1, 1),
                                                kind="run-start"))
    assert not leftover.exists()
    assert outcome(quick) == []  # nothing taken as having been on air


def test_request_files_run_cannot_use_are_logged_as_refused_and_run_airs_on(quick, running, clean_captures):
    folder = quick.data_dir / "requests"
    folder.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(TZ)
    good = quick.playout.urgent_request("khan", ["loa-xa"], PRIORITY, Policy("next"), None, None, "", "", "", now)
    bad = {"a-list.json": "[]", "junk.json": "\x00not json{", "b-outputs.json": '{"outputs": 5}',
           "c-negative.json": json.dumps({**good, "id": "c", "every_s": -5}),
           "d-huge.json": json.dumps({**good, "id": "d", "every_s": 1e300})}
    with running(quick) as r:
        wait_for(lambda: Mailbox(quick.data_dir).running(), timeout=10)
        for name, text in bad.items():
            (folder / name).write_text(text, encoding="utf-8")
        Mailbox(quick.data_dir).send(good, now)
        wait_for(lambda: ("khan", "aired", "urgent") in outcome(quick))
    refused = {a["file"]: a["reason"] for a in quick.airing_log.query(
        NOW.date() - dt.timedelta(days=400), dt.date(2100, 1, 1), kind="audit") if a.get("action") == "urgent refused"}
    assert refused == {"a-list.json": "a request must be a JSON object",
                       "junk.json": "Expecting value: line 1 column 1 (char 0)",
                       # an order is checked for its signature first: an edited one never reaches the rest
                       "b-outputs.json": "the urgent order does not verify: it is not signed",
                       "c-negative.json": "the urgent order does not verify: its signature does not match what it says",
                       "d-huge.json": "the urgent order does not verify: its signature does not match what it says"}
    assert not list(folder.glob("*.json"))


def test_urgent_repeats_are_never_closer_than_the_station_allows(quick, running, clean_captures):
    now = dt.datetime.now(TZ)
    request = quick.playout.urgent_request("khan", ["loa-xa"], PRIORITY, Policy("next"), 1.0,
                                   now + dt.timedelta(minutes=30), "", "", "", now)
    with running(quick) as r:
        wait_for(lambda: Mailbox(quick.data_dir).running(), timeout=10)
        Mailbox(quick.data_dir).send(request, now)
        wait_for(lambda: any("time(s)" in line for line in r.said))
    assert "urgent 'khan': repeats every 300 s, not 1 s (the item with its chime, and at most 12 an hour)" in r.said
    assert any(line.startswith("urgent 'khan' (priority) on loa-xa, ") and line.endswith(" time(s)")
               and int(line.split(", ")[-1].split()[0]) <= 7 for line in r.said)


def test_a_second_run_refuses_before_saying_on_air(quick, running):
    with running(quick):
        wait_for(lambda: Mailbox(quick.data_dir).running(), timeout=10)
        result = CliRunner().invoke(cli, ["run"], obj=Station(quick.root))
    assert (result.exit_code, result.output) == (1, "Error: broadcaster run is already running on this station\n")


def test_an_output_without_a_device_raises_a_dead_air_alarm_and_a_backup_file_keeps_the_airing(
        quick, running, clean_captures):
    (quick.root / "schedules" / "lich.yaml").write_text(
        f"outputs:\n  loa-xa:\n    device: khong_co_loa\n  xe-loa:\n    device: khong_co_loa_2\n"
        f"    backup: {{file: du-phong.wav}}\nsessions:\n  - name: Sáng\n    start: '{at(2)}'\n    output: xe-loa\n"
        f"    items: [mot]\n", encoding="utf-8")
    with running(quick) as r:
        wait_for(lambda: ("mot", "aired", "schedule") in outcome(quick))
    assert ("ALARM: output loa-xa has no working sound device, nothing will be heard: plug one in and see "
            "`broadcaster devices`, or give the output a 'file:' or a backup ('backup: {file: PATH.wav}')") in r.said
    assert not any("ALARM: output xe-loa" in s for s in r.said)
    alarms = quick.airing_log.query(NOW.date() - dt.timedelta(days=400), dt.date(2100, 1, 1), kind="alarm")
    assert [(a["output"], a["reason"]) for a in alarms] == [("loa-xa", "no working sound device")]
    assert [r["sink"] for r in airings(quick) if r["status"] == "aired"] == [f"WAV file {quick.root / 'du-phong.wav'}"]
    played, _ = soundfile.read(quick.root / "du-phong.wav", dtype="float32")
    assert best_match(played, asset_of(quick, "mot")) > 0.99


def test_an_unexpected_fault_of_an_output_is_a_failed_airing_and_the_run_says_so(quick, clean_captures, monkeypatch):
    from broadcaster.errors import BroadcasterError
    from broadcaster.playout.channel import Channel
    from broadcaster.playout.clock import SystemClock
    from broadcaster.playout.runner import Runner

    write_schedule(quick.root, f"sessions:\n  - name: Sáng\n    start: '{at(2)}'\n    output: loa-xa\n"
                               "    items: [mot, hai]\n")
    real = Channel._play_file

    def faulty(self, sound, item, started):
        if item.airing.announcement == "mot":
            raise RuntimeError("boom")
        return real(self, sound, item, started)

    monkeypatch.setattr(Channel, "_play_file", faulty)
    with pytest.raises(BroadcasterError) as raised:
        Runner(quick, SystemClock(TZ), []).run(exit_when_idle=True)
    assert raised.value.message == "1 airing(s) failed on an unexpected error of an output; the log has each one"
    assert [(r["announcement"], r["status"], r["reason"]) for r in airings(quick)] == [
        ("mot", "failed", "the output failed: RuntimeError: boom"), ("hai", "aired", "")]
    assert not list((quick.data_dir / "onair").glob("*.json"))  # nothing left to be logged partial on restart


def test_urgent_that_does_not_air_says_why_and_exits_1(quick, running):
    (quick.root / "schedules" / "lich.yaml").write_text(
        "outputs:\n  loa-xa:\n    device: khong_co_loa\nsessions: []\n", encoding="utf-8")
    with running(quick):
        wait_for(lambda: Mailbox(quick.data_dir).running(), timeout=10)
        result = CliRunner().invoke(cli, ["urgent", "mot", "--wait", "20"], obj=Station(quick.root))
    assert result.exit_code == 1, result.output
    assert result.output.splitlines()[-1].startswith("Error: 'mot' did not air: sound device 'khong_co_loa' not found")


def test_urgent_that_run_does_not_answer_in_time_exits_1(quick, tmp_path):
    mailbox = Mailbox(quick.data_dir)
    mailbox.hold()  # a `run` that holds the lock but takes no request
    try:
        result = CliRunner().invoke(cli, ["urgent", "mot", "--wait", "0.5"], obj=quick)
    finally:
        mailbox.release()
    assert result.exit_code == 1
    assert result.output.splitlines()[-1] == ("Error: 'mot' has not gone on air within 0.5 s; see `broadcaster log` "
                                              "and the screen of `broadcaster run`")
