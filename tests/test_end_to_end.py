"""The walking skeleton end to end: text -> approval -> speech -> loudness -> plan -> PortAudio -> log."""

from __future__ import annotations

import datetime as dt
import re
import tempfile
import time
from zoneinfo import ZoneInfo

import numpy as np
import pytest
import soundfile
from click.testing import CliRunner

from broadcaster.audiofile import read_wav
from broadcaster.cli import cli
from broadcaster.station import Station
from tests.conftest import captured, similarity, trim_silence
from tests.helpers import approved_station, write_schedule

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def _start_soon(seconds: float = 2.0) -> dt.datetime:
    start = dt.datetime.now(TZ) + dt.timedelta(seconds=seconds)
    if start.date() != (start + dt.timedelta(seconds=30)).date():
        pytest.skip("too close to midnight for a same-day schedule")
    return start


def test_run_airs_an_approved_announcement_through_portaudio(station_dir, clean_captures):
    station = approved_station(station_dir, ("gioi-thieu",))
    asset = station.renders.asset(station.library.get("gioi-thieu").announcement.variants[0])
    start = _start_soon()
    write_schedule(station_dir, start.strftime("%H:%M:%S"), ["gioi-thieu"])

    result = CliRunner().invoke(cli, ["run", "--exit-when-idle"], obj=Station(station_dir), catch_exceptions=False)

    assert result.exit_code == 0, result.output
    assert "aired: gioi-thieu on loa-xa" in result.output
    played, rate = soundfile.read(captured("loa_xa"), dtype="float32")
    rendered, asset_rate = read_wav(asset.path)
    assert rate == asset_rate == 44100
    played, rendered = trim_silence(played), trim_silence(rendered)
    assert similarity(played, rendered) > 0.99
    assert abs(len(played) - len(rendered)) / rate < 0.05

    records = Station(station_dir).airing_log.records(start.date())
    assert [(r["announcement"], r["status"], r["output"]) for r in records] == [("gioi-thieu", "aired", "loa-xa")]
    record = records[0]
    assert record["fingerprint"] == station.library.get("gioi-thieu").fingerprint
    actual = dt.datetime.fromisoformat(record["actual_start"])
    assert abs((actual - start).total_seconds()) < 1.0
    assert record["duration_s"] >= 0


def test_unapproved_announcement_is_neither_planned_nor_aired(station_dir, clean_captures):
    station = approved_station(station_dir, ("gioi-thieu",))
    station.content.add_file(station_dir / "scripts_text" / "khau-hieu-5k.md", dt.datetime.now(TZ))  # a draft
    start = _start_soon()
    write_schedule(station_dir, start.strftime("%H:%M:%S"), ["khau-hieu-5k", "gioi-thieu"])

    plan = station.planner.plan(start.date(), dt.datetime.now(TZ))
    assert [a.announcement for a in plan.airings] == ["gioi-thieu"]
    assert any("khau-hieu-5k" in w and "not approved" in w for w in plan.warnings)

    result = CliRunner().invoke(cli, ["run", "--exit-when-idle"], obj=Station(station_dir), catch_exceptions=False)
    assert result.exit_code == 0
    assert "khau-hieu-5k" in result.output  # the warning is shown
    aired = [r["announcement"] for r in Station(station_dir).airing_log.records(start.date())]
    assert aired == ["gioi-thieu"]


def test_an_edited_text_is_no_longer_approved(station_dir):
    station = approved_station(station_dir, ("gioi-thieu",), render=False)
    path = station_dir / "scripts_text" / "gioi-thieu.md"
    path.write_text(path.read_text(encoding="utf-8").replace("Ea Tu", "Ea Kao"), encoding="utf-8")
    station.content.add_file(path, dt.datetime.now(TZ))
    write_schedule(station_dir, "05:30", ["gioi-thieu"])
    entry = station.library.get("gioi-thieu")
    assert not entry.approved and entry.status == "changed since approval"
    assert station.planner.plan(dt.date(2026, 11, 25), dt.datetime.now(TZ)).airings == ()


def test_missing_device_fails_the_item_and_is_logged(station_dir):
    approved_station(station_dir, ("gioi-thieu",))
    start = _start_soon(1.0)
    write_schedule(station_dir, start.strftime("%H:%M:%S"), ["gioi-thieu"], device="khong_co_loa")
    result = CliRunner().invoke(cli, ["run", "--exit-when-idle"], obj=Station(station_dir), catch_exceptions=False)
    assert result.exit_code == 0
    records = Station(station_dir).airing_log.records(start.date())
    assert [r["status"] for r in records] == ["failed"]
    assert "khong_co_loa" in records[0]["reason"]


def test_demo_airs_through_the_default_device_and_leaves_the_station_alone(station_dir, clean_captures, tmp_path,
                                                                          monkeypatch):
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temporary))
    before = sorted(p.relative_to(station_dir) for p in station_dir.rglob("*"))
    started = time.monotonic()
    result = CliRunner().invoke(cli, ["demo"], obj=Station(station_dir), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert time.monotonic() - started < 60
    assert "Playing to sound device 'default'" in result.output
    assert result.output.count("aired:") >= 1
    assert sorted(p.relative_to(station_dir) for p in station_dir.rglob("*")) == before
    assert result.output.splitlines()[-1] == "The demo station is removed (--keep keeps it)"
    assert list(temporary.iterdir()) == []  # no broadcaster-demo-* folder left behind
    played, _ = soundfile.read(captured("default_capture"), dtype="float32")
    assert np.abs(played).max() > 0.1


def test_run_on_a_vietnamese_station_speaks_vietnamese_in_every_thread(station_dir, clean_captures, monkeypatch):
    """What the playout and countdown threads print is in the station's language, not English."""
    monkeypatch.delenv("BROADCASTER_LANG", raising=False)
    approved_station(station_dir, ("gioi-thieu",))
    config = station_dir / "station.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "language: vi\n", encoding="utf-8")
    start = _start_soon()
    write_schedule(station_dir, start.strftime("%H:%M:%S"), ["gioi-thieu"])

    result = CliRunner().invoke(cli, ["run", "--exit-when-idle"], obj=Station(station_dir), catch_exceptions=False)

    assert result.exit_code == 0, result.output
    # the second it started is the engine's to log (a busy machine starts it a second late); the words are ours
    assert re.search(r"^\d\d:\d\d:\d\d ĐANG PHÁT loa-xa: gioi-thieu", result.output, re.M), result.output
    assert "đã phát: gioi-thieu trên loa-xa" in result.output
    assert "ON AIR" not in result.output and "aired:" not in result.output and "next:" not in result.output
