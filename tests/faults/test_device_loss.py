"""A sound device that stops accepting writes in the middle of an airing (an ALSA device whose pipe is
closed after a set amount of audio), or a device name that is not there: the trouble is logged, the
output fails over to its backup or the airing fails, and the rest of the day airs."""

from __future__ import annotations

import datetime as dt

import pytest

from broadcaster.station import Station
from tests.faults.conftest import (ALSA, SHORT_TONES, Devices, airing_records, broadcaster, heard_seconds,
                                   open_everything, soon)

pytestmark = [ALSA, pytest.mark.timing]

PITCHES = {ident: frequency for ident, (frequency, _) in SHORT_TONES.items()}


def run_day(station: Station, devices: Devices, schedule: str) -> tuple[list[dict], list[dict], str]:
    """`run --exit-when-idle` over ``schedule`` (written after the outputs); the airing records, the device
    records, and what the console said."""
    (station.root / "schedules" / "ngay.yaml").write_text(schedule, encoding="utf-8")
    result = broadcaster(station.root, "run", "--exit-when-idle", env=devices.env(), timeout=120)
    console = result.stdout + result.stderr
    assert result.returncode == 0 and "Traceback" not in console, console
    log = Station(station.root).airing_log
    devices_trouble = [x.record for x in log.own_records() if x.record.get("kind") == "device"]
    assert open_everything(station.root) == []
    return airing_records(log), devices_trouble, console


def session(name: str, start: dt.datetime, output: str, items: list[str]) -> str:
    return (f"  - name: {name}\n    start: '{start.strftime('%H:%M:%S')}'\n    output: {output}\n"
            f"    items: [{', '.join(items)}]\n")


PREROLL_AND_SOME = 1.8  # a stream opens a second ahead of its first item: this dies 0.8 s into the item


@pytest.mark.parametrize("after_s", [PREROLL_AND_SOME, 0.5], ids=["mid-airing", "just before the item"])
def test_a_device_that_dies_fails_over_to_its_backup(tones_station, devices, after_s):
    devices.dies("loa_chinh", after_s=after_s).capture("loa_du_phong")
    start = soon(4)
    airings, trouble, _ = run_day(tones_station, devices, (
        "outputs:\n  loa-xa:\n    device: loa_chinh\n    backup: loa_du_phong\nsessions:\n"
        + session("Sáng", start, "loa-xa", ["mot", "hai"]) + session("Trưa", start + dt.timedelta(seconds=6),
                                                                      "loa-xa", ["ba"])))
    assert devices.deaths("loa_chinh") == 1
    assert [(r["announcement"], r["status"], r["sink"]) for r in airings] == [
        ("mot", "aired", "sound device 'loa_du_phong'"), ("hai", "aired", "sound device 'loa_du_phong'"),
        ("ba", "aired", "sound device 'loa_du_phong'")]
    assert [(d["device"], d["failover_to"]) for d in trouble] == [("sound device 'loa_chinh'",
                                                                  "sound device 'loa_du_phong'")]
    assert trouble[0]["reason"].startswith("sound device 'loa_chinh' failed: ")
    # The item cut off on the failing device was played again, whole, from its beginning on the backup.
    heard = heard_seconds(devices.played("loa_du_phong"), PITCHES)
    assert set(heard) == {"mot", "hai", "ba"} and all(abs(s - 1.5) < 0.15 for s in heard.values()), heard
    on_the_failing_device = heard_seconds(devices.played("loa_chinh"), PITCHES).get("mot", 0)
    assert (0.3 < on_the_failing_device < 1.2) if after_s == PREROLL_AND_SOME else on_the_failing_device == 0


def test_a_device_that_dies_without_a_backup_fails_the_airing_and_the_day_goes_on(tones_station, devices):
    devices.dies("loa_chinh", after_s=PREROLL_AND_SOME).capture("xe_loa")
    start = soon(4)
    airings, trouble, console = run_day(tones_station, devices, (
        "outputs:\n  loa-xa:\n    device: loa_chinh\n  xe-loa:\n    device: xe_loa\nsessions:\n"
        + session("Sáng", start, "loa-xa", ["mot", "hai"]) + session("Xe", start, "xe-loa", ["ba"])
        + session("Trưa", start + dt.timedelta(seconds=6), "loa-xa", ["bon"])))
    outcome = {(r["announcement"], r["output"]): r for r in airings}
    assert {key: r["status"] for key, r in outcome.items()} == {
        ("mot", "loa-xa"): "failed", ("hai", "loa-xa"): "aired", ("ba", "xe-loa"): "aired",
        ("bon", "loa-xa"): "aired"}
    failed = outcome[("mot", "loa-xa")]
    assert failed["reason"].startswith("sound device 'loa_chinh' failed: ") and failed["actual_start"]
    assert "failed: mot on loa-xa (sound device 'loa_chinh')" in console
    # The supervisor sees the device fail (no backup to name), and work again when 'hai' aired whole on it.
    assert [(d["output"], d["device"], d["state"], d["failover_to"]) for d in trouble] == [
        ("loa-xa", "sound device 'loa_chinh'", "failed", ""), ("loa-xa", "sound device 'loa_chinh'", "back", "")]
    assert trouble[0]["reason"] == failed["reason"]
    assert "loa-xa: device trouble on sound device 'loa_chinh': sound device 'loa_chinh' failed: " in console
    assert "loa-xa: sound device 'loa_chinh' works again" in console
    heard = heard_seconds(devices.played("loa_chinh"), PITCHES)
    assert 0.3 < heard["mot"] < 1.2 and abs(heard["hai"] - 1.5) < 0.15 and abs(heard["bon"] - 1.5) < 0.15


def test_a_device_that_stays_dead_fails_its_airings_and_the_other_output_airs(tones_station, devices):
    devices.dies("loa_chinh", after_s=0.3, times=100).capture("xe_loa")
    start = soon(4)
    airings, trouble, _ = run_day(tones_station, devices, (
        "outputs:\n  loa-xa:\n    device: loa_chinh\n  xe-loa:\n    device: xe_loa\nsessions:\n"
        + session("Sáng", start, "loa-xa", ["mot", "hai"]) + session("Xe", start, "xe-loa", ["ba", "bon"])))
    assert sorted((r["announcement"], r["status"]) for r in airings) == [
        ("ba", "aired"), ("bon", "aired"), ("hai", "failed"), ("mot", "failed")]
    assert devices.deaths("loa_chinh") == 2
    assert set(heard_seconds(devices.played("xe_loa"), PITCHES)) == {"ba", "bon"}
    # One record for the outage, not one for each airing it failed.
    assert [(d["output"], d["device"], d["state"], d["failover_to"]) for d in trouble] == [
        ("loa-xa", "sound device 'loa_chinh'", "failed", "")]
    assert trouble[0]["reason"].startswith("sound device 'loa_chinh' failed: ")


def test_a_device_name_that_is_not_there_is_logged_and_the_rest_airs(tones_station, devices):
    devices.capture("xe_loa")
    start = soon(4)
    airings, trouble, console = run_day(tones_station, devices, (
        "outputs:\n  loa-xa:\n    device: loa_da_thao\n  xe-loa:\n    device: xe_loa\nsessions:\n"
        + session("Sáng", start, "loa-xa", ["mot"]) + session("Xe", start, "xe-loa", ["ba"])))
    assert sorted((r["announcement"], r["status"]) for r in airings) == [("ba", "aired"), ("mot", "failed")]
    mot = next(r for r in airings if r["announcement"] == "mot")
    assert mot["reason"].startswith("sound device 'loa_da_thao' not found; devices that can play: ")
    assert "loa-xa: sound device 'loa_da_thao' not found" in console  # said when run starts
    # Logged once, when run starts: not again for the airing that then fails on it.
    assert [(d["output"], d["device"], d["state"], d["failover_to"]) for d in trouble] == [
        ("loa-xa", "sound device 'loa_da_thao'", "missing", "")]
    assert set(heard_seconds(devices.played("xe_loa"), PITCHES)) == {"ba"}


def test_a_shared_card_that_dies_fails_every_village_over_to_the_same_channels_of_the_backup(tones_station, devices):
    # The card plays two channels, so its pipe fills twice as fast: it dies 0.5 s into the items.
    devices.dies("cum_chinh", after_s=2 * 1.75).capture("cum_du_phong")
    start = soon(4)
    airings, trouble, _ = run_day(tones_station, devices, (
        "outputs:\n  thon-1: {device: cum_chinh, channel: 1, backup: cum_du_phong}\n"
        "  thon-2: {device: cum_chinh, channel: 2, backup: cum_du_phong}\nsessions:\n"
        + session("Sáng", start, "thon-1", ["mot"]) + session("Sáng", start, "thon-2", ["hai"])))
    assert devices.deaths("cum_chinh") == 1
    assert sorted((r["announcement"], r["status"], r["sink"]) for r in airings) == [
        ("hai", "aired", "sound device 'cum_du_phong' channel 2"),
        ("mot", "aired", "sound device 'cum_du_phong' channel 1")]
    assert sorted((d["output"], d["failover_to"]) for d in trouble) == [
        ("thon-1", "sound device 'cum_du_phong' channel 1"), ("thon-2", "sound device 'cum_du_phong' channel 2")]
    assert all(d["reason"].startswith("sound device 'cum_chinh' failed: ") for d in trouble), trouble
    # Each village's item was played again whole on its own channel of the backup, and only there.
    backup = devices.played("cum_du_phong").reshape(-1, 2)
    for column, ident in ((0, "mot"), (1, "hai")):
        heard = heard_seconds(backup[:, column].copy(), PITCHES)
        assert set(heard) == {ident} and abs(heard[ident] - 1.5) < 0.15, (ident, heard)
    cut = devices.played("cum_chinh").reshape(-1, 2)
    assert 0.2 < heard_seconds(cut[:, 0].copy(), PITCHES).get("mot", 0) < 1.2
