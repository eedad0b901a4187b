"""Station signals (chimes, jingles) air only as sealed: a chime file replaced under the station folder is
left out of the plan and the urgent chime, with the reason, until a supervisor accepts it."""

from __future__ import annotations

import datetime as dt
import shutil
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from broadcaster.cli import cli
from broadcaster.playout.mailbox import Mailbox
from broadcaster.playout.priority import PRIORITY, Policy
from broadcaster.station import Station
from tests.helpers import NOW, PASSPHRASE, SUPERVISOR, approved_station
from tests.playout.conftest import TZ, Running, quick

CHIME = "audio/chuong-bao-hieu.wav"


@pytest.fixture
def station(station_dir) -> Station:
    station = approved_station(station_dir, ("gioi-thieu",))
    (station_dir / "schedules" / "test.yaml").write_text(
        'outputs:\n  loa-xa:\n    device: loa_xa\nsessions:\n  - name: Thử nghiệm\n    start: "23:00"\n'
        f"    output: loa-xa\n    items:\n      - chime: {CHIME}\n      - gioi-thieu\n", encoding="utf-8")
    (station_dir / "schedules" / "hang-ngay.yaml").unlink()
    return station


def _plan(root):
    return Station(root).planner.plan(NOW.date(), NOW)


def _replace_chime(root) -> None:
    """Other audio put in the chime's place: a rendered announcement, a valid WAV file."""
    station = Station(root)
    other = station.renders.asset(station.library.get("gioi-thieu").announcement.variants[0])
    shutil.copyfile(other.path, root / CHIME)


def test_a_chime_is_sealed_when_first_used_and_a_replaced_one_is_left_out_with_the_reason(station):
    assert [a.announcement for a in _plan(station.root).airings] == [f"chime:{CHIME}", "gioi-thieu"]
    assert (station.data_dir / "signals.json").exists()
    _replace_chime(station.root)
    plan = _plan(station.root)
    assert [a.announcement for a in plan.airings] == ["gioi-thieu"]
    assert any(f"'chime:{CHIME}' left out: the station signal {CHIME} may not air: the file was replaced since it "
               "was sealed: have a supervisor accept it ('broadcaster signal accept')" in w for w in plan.warnings), \
        plan.warnings


@pytest.mark.parametrize("damage", ['{"audio/chuong-bao-hieu.wav": {"sha256": "00", "by": "", "seal": "AA=="}}',
                                    "[]", "{", '{"audio/chuong-bao-hieu.wav": 3}'])
def test_damaged_or_forged_seals_air_no_signal(station, damage):
    _plan(station.root)
    (station.data_dir / "signals.json").write_text(damage, encoding="utf-8")
    plan = _plan(station.root)
    assert [a.announcement for a in plan.airings] == ["gioi-thieu"]
    assert any(f"the station signal {CHIME} may not air: " in w for w in plan.warnings), plan.warnings


def test_a_supervisor_accepts_a_new_chime_with_their_passphrase(station):
    _plan(station.root)
    _replace_chime(station.root)
    wrong = CliRunner().invoke(cli, ["signal", "accept", "--by", SUPERVISOR], obj=Station(station.root),
                               env={"BROADCASTER_PASSPHRASE": "sai"})
    assert (wrong.exit_code, wrong.output) == (2, f"Error: wrong passphrase for {SUPERVISOR}\n")
    assert [a.announcement for a in _plan(station.root).airings] == ["gioi-thieu"]
    result = CliRunner().invoke(cli, ["signal", "accept", "--by", SUPERVISOR], obj=Station(station.root),
                                env={"BROADCASTER_PASSPHRASE": PASSPHRASE})
    assert (result.exit_code, result.output) == (0, f"{CHIME}: accepted\n")
    assert [a.announcement for a in _plan(station.root).airings] == [f"chime:{CHIME}", "gioi-thieu"]


def test_an_urgent_announcement_airs_without_a_replaced_chime_which_is_said_and_logged(tmp_path):
    station = quick.__wrapped__(tmp_path)  # the playout tests' station of short texts
    (station.root / "audio").mkdir(exist_ok=True)
    shutil.copyfile(Path(__file__).resolve().parents[2] / CHIME, station.root / CHIME)  # the sample chime
    with (station.root / "station.yaml").open("a", encoding="utf-8") as f:
        f.write(f"chime: {CHIME}\n")
    station = Station(station.root)
    assert station.renders.chime(CHIME) is not None  # first use: sealed
    shutil.copyfile(station.renders.asset(station.library.get("mot").announcement.variants[0]).path,
                    station.root / CHIME)
    now = dt.datetime.now(TZ)
    request = station.playout.urgent_request("khan", ["loa-xa"], PRIORITY, Policy("next"), None, None, "", "", "", now)
    with Running(station) as r:
        wait = time.monotonic() + 20
        while not Mailbox(station.data_dir).running() and time.monotonic() < wait:
            time.sleep(0.1)
        Mailbox(station.data_dir).send(request, now)
        while not any("time(s)" in line for line in r.said) and time.monotonic() < wait + 20:
            time.sleep(0.1)
    reason = (f"the station signal {CHIME} may not air: the file was replaced since it was sealed: have a supervisor "
              "accept it ('broadcaster signal accept')")
    assert reason in r.said
    audits = [a for a in station.airing_log.query(NOW.date() - dt.timedelta(days=400), dt.date(2100, 1, 1),
                                                  kind="audit") if a.get("action") == "signal refused"]
    assert [(a["file"], a["reason"]) for a in audits] == [(CHIME, reason)]
    assert "urgent 'khan' (priority) on loa-xa, 1 time(s)" in r.said
