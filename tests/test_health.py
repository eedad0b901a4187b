"""`broadcaster health` and the library check behind it: each check's status and message, the JSON shape,
and the exit codes (0 healthy, 1 warnings, 2 failing)."""

from __future__ import annotations

import datetime as dt
import json
import re
import socket
import struct
import threading
import time

import pytest
from click.testing import CliRunner

from broadcaster import __version__
from broadcaster.cli import cli
from broadcaster.errors import DeviceError
from broadcaster.health import FAILING, OK, WARNING, clock_health, station_health
from broadcaster.playout.mailbox import Mailbox
from broadcaster.station import Station
from tests.helpers import NOW, approved_station, write_schedule
from tests.logdata import at, build_log, edit_record, event

NTP_EPOCH = 2208988800


@pytest.fixture
def station(station_dir) -> Station:
    """The sample station with 'gioi-thieu' approved and rendered, on the ALSA device loa_xa at 06:00."""
    approved_station(station_dir, ("gioi-thieu",))
    write_schedule(station_dir, "06:00", ["gioi-thieu"])
    return Station(station_dir)


@pytest.fixture
def running(station):
    """`run` holds the station (its lock), as a running one does."""
    mailbox = Mailbox(station.data_dir)
    mailbox.hold()
    yield
    mailbox.release()


def _logged(station: Station, *events) -> None:
    build_log(station.data_dir / "log", list(events), station=station.config.id, key=station.station_key)


def _by_name(health) -> dict[str, tuple[str, str]]:
    return {c.name: (c.status, c.message) for c in health.checks}


def test_a_station_whose_run_airs_and_whose_log_is_intact_is_healthy(station, running):
    _logged(station, event(at(20), "gioi-thieu"), event(at(24), "gioi-thieu"))
    probed = []
    health = station_health(station, NOW, lambda name, channels: probed.append(name))
    assert probed == []  # run holds the devices: they are not opened under it
    assert _by_name(health) == {
        "device": (OK, "loa-xa: loa_xa: in use by run"),
        "next": (OK, "next airing: gioi-thieu on loa-xa at 2026-11-25 06:00"),
        "disk": _by_name(health)["disk"], "clock": (OK, "clock: offset unknown (no time server given)"),
        "run": (OK, "broadcaster run is running"),
        "last": (OK, "last airing: gioi-thieu on loa-xa at 2026-11-24 05:30: aired"),
        "log": (OK, "log: intact"), "version": (OK, f"broadcaster {__version__}")}
    disk = next(c for c in health.checks if c.name == "disk")
    assert disk.status == OK and disk.data["days_left"] > 1000
    # The log is about five days old: it grows by its size over those days.
    days = (NOW - at(20, 5, 31)).total_seconds() / 86400
    assert disk.data["log_bytes_per_day"] == round(disk.data["log_bytes"] / days)
    assert (health.status, health.exit_code) == (OK, 0)


def test_devices_are_opened_when_run_does_not_hold_them_and_a_missing_one_fails(station):
    write_schedule(station.root, "06:00", ["gioi-thieu"], device="loa_da_thao")
    schedule = (station.root / "schedules" / "test.yaml").read_text(encoding="utf-8")
    (station.root / "schedules" / "test.yaml").write_text(
        schedule.replace("    device: loa_da_thao\n", "    device: loa_da_thao\n    backup: xe_loa_1\n"),
        encoding="utf-8")
    probed = []
    health = station_health(station, NOW, lambda name, channels: probed.append((name, channels)))
    devices = [(c.status, c.message) for c in health.checks if c.name == "device"]
    assert devices[0][0] == WARNING  # the backup works: a warning, not a failure
    assert devices[0][1].startswith(
        "loa-xa: loa_da_thao: sound device 'loa_da_thao' not found; devices that can play: ")
    assert devices[1] == (OK, "loa-xa: xe_loa_1: opens")
    assert probed == [("xe_loa_1", 1)]
    assert _by_name(health)["run"] == (WARNING, "broadcaster run is not running")
    assert (health.status, health.exit_code) == (WARNING, 1)


def test_a_device_that_will_not_open_without_a_backup_is_failing(station):
    def refuse(name, channels):
        raise DeviceError(f"sound device '{name}' cannot be opened: busy")
    health = station_health(station, NOW, refuse)
    assert _by_name(health)["device"] == (FAILING, "loa-xa: loa_xa: sound device 'loa_xa' cannot be opened: busy")
    assert health.exit_code == 2


def test_an_item_whose_audio_is_missing_is_a_warning_and_an_altered_log_fails(station, running):
    _logged(station, event(at(24), "gioi-thieu", status="failed", reason="hỏng loa"))
    plan = station.planner.plan(NOW.date(), NOW)
    for airing in plan.airings:
        (station.root / airing.asset_path).unlink()
    segment = station.data_dir / "log" / "airing-log.sqlite3"
    edit_record(segment, 1, reason="loa tốt")
    checks = _by_name(station_health(station, NOW))
    schedule = station.root / "schedules" / "test.yaml"
    assert checks["next"] == (WARNING, "next airing: nothing planned today or tomorrow; 1 left out today: 06:00 Thử "
                                       "nghiệm: 'gioi-thieu' left out: 'vie' not rendered yet: run 'broadcaster "
                                       f"render' ({schedule}:9)")
    assert checks["last"] == (WARNING, "last airing: gioi-thieu on loa-xa at 2026-11-24 05:30: failed")
    assert checks["log"][0] == FAILING and checks["log"][1].startswith(f"log: ALTERED: {segment}: ")


def test_a_schedule_that_cannot_be_read_is_one_failing_check(station, running):
    (station.root / "schedules" / "test.yaml").write_text("outputs: [\n", encoding="utf-8")
    health = station_health(station, NOW)
    broken = [c for c in health.checks if c.status == FAILING]
    assert [c.name for c in broken] == ["schedule"] and broken[0].message.startswith(
        f"{station.root / 'schedules' / 'test.yaml'}:")
    assert "device" not in _by_name(health) and health.exit_code == 2


class FakeTimeServer:
    """An SNTP server on 127.0.0.1 whose clock is ``ahead_s`` ahead of this computer's (or that never answers)."""

    def __init__(self, ahead_s: float | None):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.address = f"127.0.0.1:{self.sock.getsockname()[1]}"
        self.ahead_s = ahead_s
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                _, client = self.sock.recvfrom(512)
            except OSError:
                return
            if self.ahead_s is None:
                continue
            now = time.time() + self.ahead_s + NTP_EPOCH
            stamp = struct.pack("!II", int(now), int((now % 1) * 2 ** 32))
            self.sock.sendto(bytes([0x1C, 1, 0, 0]) + bytes(28) + stamp + stamp, client)


@pytest.mark.parametrize("ahead_s, status", [(0.0, OK), (5.0, WARNING), (-120.0, FAILING)])
def test_the_clock_offset_from_a_time_server(ahead_s, status):
    server = FakeTimeServer(ahead_s)
    check = clock_health(server.address)
    assert check.status == status
    assert abs(check.data["offset_s"] - ahead_s) < 0.05
    assert check.message == f"clock: {check.data['offset_s']:+.3f} s from {server.address}"


def test_a_time_server_that_does_not_answer_leaves_the_offset_unknown_after_the_timeout():
    server = FakeTimeServer(None)
    began = time.monotonic()
    check = clock_health(server.address, timeout=0.3)
    assert time.monotonic() - began < 2.0  # the timeout, not a hang
    assert (check.status, check.message) == (OK, f"clock: offset unknown ({server.address} did not answer: timed out)")
    assert check.data == {"offset_s": None, "server": server.address}


def _cli(station: Station, *args: str):
    return CliRunner().invoke(cli, ["health", *args], obj=station)


def _in_an_hour(station: Station) -> dt.datetime:
    at = dt.datetime.now(station.config.tz).replace(second=0, microsecond=0) + dt.timedelta(hours=1)
    write_schedule(station.root, at.strftime("%H:%M"), ["gioi-thieu"])
    return at


def test_health_prints_every_check_and_exits_0_when_healthy(station, running):
    at = _in_an_hour(station)
    result = _cli(station)
    lines = result.output.splitlines()
    assert result.exit_code == 0, result.output
    assert lines[0] == "ok       loa-xa: loa_xa: in use by run"
    assert lines[1] == f"ok       next airing: gioi-thieu on loa-xa at {at:%Y-%m-%d %H:%M}"
    assert re.fullmatch(r"ok       disk: \d+ MB free; days of log left: unknown \(the log is less than a day old\)",
                        lines[2])
    assert lines[3:] == ["ok       clock: offset unknown (no time server given)", "ok       broadcaster run is running",
                         "ok       last airing: none in the past week", "ok       log: intact",
                         f"ok       broadcaster {__version__}", "dai-truyen-thanh-xa-ea-tu: healthy"]


def test_health_exits_1_on_warnings_and_opens_the_devices_when_run_is_not_running(station, clean_captures):
    _in_an_hour(station)
    result = _cli(station)
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert lines[0] == "ok       loa-xa: loa_xa: opens"  # the ALSA test device, opened and closed without a sound
    assert "WARNING  broadcaster run is not running" in lines
    assert lines[-1] == "dai-truyen-thanh-xa-ea-tu: warnings"


def test_health_exits_2_when_a_device_is_missing(station, running):
    write_schedule(station.root, "06:00", ["gioi-thieu"], device="loa_da_thao")
    result = _cli(station)
    assert result.exit_code == 2, result.output
    assert result.output.splitlines()[0].startswith(
        "FAILING  loa-xa: loa_da_thao: sound device 'loa_da_thao' not found; devices that can play: ")
    assert result.output.splitlines()[-1] == "dai-truyen-thanh-xa-ea-tu: FAILING"


def test_health_as_json_for_monitoring(station, running):
    at = _in_an_hour(station)
    result = _cli(station, "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert set(data) == {"station", "at", "status", "version", "checks"}
    assert (data["station"], data["status"], data["version"]) == ("dai-truyen-thanh-xa-ea-tu", "ok", __version__)
    assert [c["name"] for c in data["checks"]] == ["device", "next", "disk", "clock", "run", "last", "log", "version"]
    assert all(set(c) == {"name", "status", "message", "data"} for c in data["checks"])
    checks = {c["name"]: c for c in data["checks"]}
    assert checks["next"]["data"] == {"announcement": "gioi-thieu", "output": "loa-xa",
                                      "start": at.isoformat(timespec="seconds"), "left_out": []}
    assert checks["device"]["data"] == {"output": "loa-xa", "device": "loa_xa", "backup": False, "index":
                                        checks["device"]["data"]["index"], "opened": False, "problem": ""}
    assert isinstance(checks["disk"]["data"]["free_bytes"], int) and checks["disk"]["data"]["days_left"] is None

