"""`broadcaster service`: the systemd unit printed by --dry-run, install/status/uninstall through a fake
systemctl into a unit folder of the test's own, the Windows task, sd_notify, and the rotated console copy."""

from __future__ import annotations

import socket
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from broadcaster.cli import cli
from broadcaster.cli import output
from broadcaster.cli.output import console, console_copied_to
from broadcaster.sdnotify import READY, notify
from broadcaster.service import run_command_line, service_for
from broadcaster.station import Station

NAME = "broadcaster-dai-truyen-thanh-xa-ea-tu"


def _cli(station_dir: Path, *args: str):
    return CliRunner().invoke(cli, ["service", *args], obj=Station(station_dir))


def _program(station_dir: Path) -> str:
    return " ".join(run_command_line(Station(station_dir), windows=False))


def test_dry_run_prints_the_unit_and_the_commands_and_changes_nothing(station_dir, tmp_path):
    result = _cli(station_dir, "install", "--dry-run", "--user", "radio", "--unit-dir", str(tmp_path / "units"))
    assert result.exit_code == 0, result.output
    assert result.output == f"""# {tmp_path / 'units' / (NAME + '.service')}
[Unit]
Description=broadcaster: Đài truyền thanh xã Ea Tu
After=sound.target
Wants=sound.target
StartLimitIntervalSec=0

[Service]
Type=notify
NotifyAccess=main
User=radio
WorkingDirectory={station_dir}
Environment=PYTHONUNBUFFERED=1
ExecStart={_program(station_dir)}
Restart=on-failure
RestartSec=5
WatchdogSec=60
TimeoutStopSec=30
# run raises its own priority within these limits (nice, and real time for its sound threads)
LimitNICE=-10
LimitRTPRIO=10

[Install]
WantedBy=multi-user.target

$ systemctl daemon-reload
$ systemctl enable {NAME}
$ systemctl start {NAME}
"""
    assert _program(station_dir).endswith(f" --station {station_dir} run")
    assert Path(_program(station_dir).split()[0]).is_absolute()
    assert not (tmp_path / "units").exists()


def test_a_per_user_unit_starts_after_the_sound_server_and_names_no_user(station_dir, tmp_path):
    result = _cli(station_dir, "install", "--dry-run", "--per-user", "--unit-dir", str(tmp_path))
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert "After=sound.target pipewire.service pipewire-pulse.service pulseaudio.service" in lines
    assert not any(line.startswith("User=") for line in lines) and "WantedBy=default.target" in lines
    # systemd grants them as far as the user's own limits go (limits.d, e.g. the audio group's rtprio).
    assert "LimitNICE=-10" in lines and "LimitRTPRIO=10" in lines
    assert "$ systemctl --user enable " + NAME in lines


def test_paths_with_spaces_and_percent_signs_are_quoted_in_the_unit(tmp_path):
    from broadcaster.service import systemd_unit
    station = Station(tmp_path)
    (tmp_path / "station.yaml").write_text("name: Đài xã\n", encoding="utf-8")
    unit = systemd_unit(station, "radio", ["/opt/b/bin/broadcaster", "--station", "/srv/Đài 100%", "run"])
    assert 'ExecStart=/opt/b/bin/broadcaster --station "/srv/Đài 100%%" run' in unit.splitlines()
    (tmp_path / "station.yaml").write_text("name: Đài 100% xã\n", encoding="utf-8")
    assert "Description=broadcaster: Đài 100%% xã" in systemd_unit(Station(tmp_path), "radio", ["b"]).splitlines()


FAKE = """#!/bin/sh
echo "$*" >> {calls}
case "$1" in
  is-enabled) echo enabled ;;
  is-active) echo {active} ;;
  start) [ -n "{refuse}" ] && {{ echo "Failed to start: {refuse}" >&2; exit 1; }} ;;
esac
exit 0
"""


def _fake(tmp_path: Path, active: str = "active", refuse: str = "") -> tuple[str, Path]:
    calls = tmp_path / "calls.txt"
    program = tmp_path / "systemctl"
    program.write_text(FAKE.format(calls=calls, active=active, refuse=refuse))
    program.chmod(0o755)
    return str(program), calls


@pytest.mark.skipif(sys.platform == "win32", reason="a shell script stands in for systemctl")
def test_install_status_and_uninstall_through_systemctl(station_dir, tmp_path):
    tool, calls = _fake(tmp_path)
    units = tmp_path / "units"
    result = _cli(station_dir, "install", "--user", "radio", "--unit-dir", str(units), "--tool", tool)
    assert (result.exit_code, result.output) == (0, f"installed and started: {NAME}\n")
    unit = units / f"{NAME}.service"
    assert f"ExecStart={_program(station_dir)}" in unit.read_text(encoding="utf-8").splitlines()
    assert unit.stat().st_mode & 0o777 == 0o644
    assert calls.read_text().splitlines() == ["daemon-reload", f"enable {NAME}", f"start {NAME}"]

    result = _cli(station_dir, "status", "--unit-dir", str(units), "--tool", tool)
    assert (result.exit_code, result.output) == (0, f"{NAME}: running, starts at boot (active)\n")

    calls.unlink()
    result = _cli(station_dir, "uninstall", "--unit-dir", str(units), "--tool", tool)
    assert (result.exit_code, result.output) == (0, f"removed: {NAME}\n")
    assert not unit.exists()
    assert calls.read_text().splitlines() == [f"disable --now {NAME}", "daemon-reload"]

    result = _cli(station_dir, "status", "--unit-dir", str(units), "--tool", tool)
    assert (result.exit_code, result.output) == (1, f"{NAME}: not installed\n")
    result = _cli(station_dir, "uninstall", "--unit-dir", str(units), "--tool", tool)
    assert (result.exit_code, result.output) == (
        1, f"Error: {units / (NAME + '.service')}: the service is not installed\n")


@pytest.mark.skipif(sys.platform == "win32", reason="a shell script stands in for systemctl")
def test_a_service_that_stopped_and_a_refused_start_exit_1(station_dir, tmp_path):
    tool, _ = _fake(tmp_path, active="failed", refuse="Access denied")
    units = tmp_path / "units"
    result = _cli(station_dir, "install", "--user", "radio", "--unit-dir", str(units), "--tool", tool)
    assert (result.exit_code, result.output) == (
        1, f"Error: '{tool} start {NAME}' failed: Failed to start: Access denied\n")
    result = _cli(station_dir, "status", "--unit-dir", str(units), "--tool", tool)
    assert (result.exit_code, result.output) == (1, f"{NAME}: not running, starts at boot (failed)\n")


@pytest.mark.parametrize("user, message", [("root", "the service must not run as root: choose a user with --user"),
                                           ("hai người", "'hai người' cannot be a user name")])
def test_a_user_that_cannot_run_the_service_is_refused(station_dir, tmp_path, user, message):
    result = _cli(station_dir, "install", "--user", user, "--unit-dir", str(tmp_path / "units"), "--tool", "false")
    assert (result.exit_code, result.output) == (2, f"Error: {message}\n")
    assert not (tmp_path / "units").exists()


def test_the_windows_task_starts_at_boot_restarts_and_keeps_a_rotated_log(station_dir):
    station = Station(station_dir)
    service = service_for(station, windows=True)
    assert (service.name, service.path, service.tool) == (NAME, None, "schtasks")
    task = ET.fromstring(service.text.split("\n", 1)[1])
    ns = {"t": "http://schemas.microsoft.com/windows/2004/02/mit/task"}
    assert task.find("t:Triggers/t:BootTrigger/t:Repetition/t:Interval", ns).text == "PT1M"
    assert task.find("t:Principals/t:Principal/t:UserId", ns).text == "SYSTEM"
    assert task.find("t:Settings/t:MultipleInstancesPolicy", ns).text == "IgnoreNew"
    assert task.find("t:Settings/t:ExecutionTimeLimit", ns).text == "PT0S"
    assert task.find("t:Settings/t:RestartOnFailure/t:Interval", ns).text == "PT1M"
    command = run_command_line(station, windows=True)
    assert task.find("t:Actions/t:Exec/t:Command", ns).text == command[0]
    arguments = task.find("t:Actions/t:Exec/t:Arguments", ns).text
    assert arguments.endswith(f"run --log-file {station.data_dir / 'run.log'}")
    assert service.install_commands("task.xml") == [["schtasks", "/Create", "/TN", NAME, "/XML", "task.xml", "/F"],
                                                    ["schtasks", "/Run", "/TN", NAME]]
    shared = ET.fromstring(service_for(station, "may-chung", windows=True).text.split("\n", 1)[1])
    assert shared.find("t:Triggers/t:LogonTrigger/t:UserId", ns).text == "may-chung"
    assert shared.find("t:Principals/t:Principal/t:LogonType", ns).text == "InteractiveToken"


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="systemd's socket is a Unix one")
def test_sd_notify_reaches_the_service_manager_and_is_a_no_op_without_one(tmp_path, monkeypatch):
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    assert notify(READY) is False
    path = tmp_path / "notify"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as manager:
        manager.bind(str(path))
        monkeypatch.setenv("NOTIFY_SOCKET", str(path))
        assert notify(READY) is True
        assert manager.recv(64) == b"READY=1"
    monkeypatch.setenv("NOTIFY_SOCKET", str(tmp_path / "gone"))
    assert notify(READY) is False  # a manager gone away does not stop the station


def test_the_console_copy_is_rotated(tmp_path, monkeypatch):
    monkeypatch.setattr(output, "LOG_BYTES", 2000)
    log = tmp_path / "logs" / "run.log"
    with console_copied_to(log):
        for n in range(400):
            console.print(f"dòng {n}", markup=False)
    files = sorted(p.name for p in log.parent.iterdir())
    assert files == ["run.log", "run.log.1", "run.log.2", "run.log.3", "run.log.4", "run.log.5"]
    assert all(p.stat().st_size <= 2000 for p in log.parent.iterdir())
    assert log.read_text(encoding="utf-8").splitlines()[-1].endswith(" dòng 399")
