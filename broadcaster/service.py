"""`run` as a service that starts at boot and again when it stops: a systemd unit on Linux, a Task Scheduler
entry on Windows. The unit and the task are plain text built here; installing writes them and calls the
system's own tool (systemctl, schtasks), which is passed in."""

from __future__ import annotations

import getpass
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from xml.sax.saxutils import escape

from broadcaster.atomic import replacing
from broadcaster.errors import BroadcasterError, InputError
from broadcaster.messages import t
from broadcaster.outputs.boost import NICE, RT_PRIORITY
from broadcaster.station import Station

SYSTEM_UNIT_DIR = Path("/etc/systemd/system")
WATCHDOG_S = 60        # systemd restarts a run that has not said it is alive for this long
RESTART_S = 5          # ... or that stopped on a failure, after this long
# `run` raises its own priority (outputs/boost.py): the process to nice -10, and to real time only the threads
# that feed the sound devices. A user that is not root may do so only within these limits, which the unit grants
# (systemd sets them before it drops to the user; a per-user unit gets them as far as the user's own limits go).
# Nice= or CPUSchedulingPolicy= instead would put every thread of `run` at that priority, the log writer and
# rendering too, and a busy real-time thread can freeze a two-core PC; a unit with them fails to start where
# they are not allowed, while `run` without the right airs on at normal priority.
PRIORITY_LIMITS = ("# run raises its own priority within these limits (nice, and real time for its sound threads)",
                   f"LimitNICE={NICE}", f"LimitRTPRIO={RT_PRIORITY}")
WINDOWS_SYSTEM = "SYSTEM"  # the account a Windows task runs as when none is chosen: no password, no logon
LOG_FILE = "run.log"   # where the Windows task's run writes what it says (rotated); Linux has journald
SOUND_USER_SERVICES = "pipewire.service pipewire-pulse.service pulseaudio.service"

Tool = Callable[[list[str]], subprocess.CompletedProcess]


def system_tool(args: list[str]) -> subprocess.CompletedProcess:
    """Run a system tool to its end, its output captured."""
    try:
        return subprocess.run(args, capture_output=True, text=True, errors="replace")
    except OSError as exc:
        raise BroadcasterError(t("'{program}' cannot be run: {reason}", program=args[0],
                                 reason=exc.strerror or exc)) from None


@dataclass(frozen=True)
class Service:
    """What `service install` puts in place: on Linux a unit file, on Windows a scheduled task."""

    name: str
    windows: bool
    text: str               # the unit, or the task's XML
    path: Path | None       # where the unit is written (None for a task: schtasks keeps it)
    tool: str               # systemctl or schtasks
    per_user: bool = False  # a systemd user unit (systemctl --user), after the user's sound server

    def tool_args(self, *args: str) -> list[str]:
        """A command line of the service's tool."""
        return [self.tool, *(["--user"] if self.per_user else []), *args]

    def install_commands(self, xml_path: str = "TASK.xml") -> list[list[str]]:
        """What installing runs, once the unit is written (or the task's XML, at ``xml_path``)."""
        if self.windows:
            return [self.tool_args("/Create", "/TN", self.name, "/XML", xml_path, "/F"),
                    self.tool_args("/Run", "/TN", self.name)]
        return [self.tool_args("daemon-reload"), self.tool_args("enable", self.name),
                self.tool_args("start", self.name)]


def service_name(station: Station) -> str:
    """The unit or task name of a station: broadcaster-<station id>."""
    return f"broadcaster-{station.config.id}"


def run_command_line(station: Station, windows: bool) -> list[str]:
    """The command that airs the station: this installation's `broadcaster` program, by absolute path."""
    folder = Path(sys.executable).absolute().parent
    program = folder / ("broadcaster.exe" if windows else "broadcaster")
    head = [str(program)] if program.exists() else [str(Path(sys.executable).absolute()), "-m", "broadcaster"]
    tail = ["--log-file", str(station.data_dir.absolute() / LOG_FILE)] if windows else []
    return [*head, "--station", str(station.root.absolute()), "run", *tail]


def _literal(text: str) -> str:
    """``text`` in a unit setting, its % signs not taken for systemd's specifiers."""
    return text.replace("%", "%%")


def _unit_word(word: str) -> str:
    """One word of an ExecStart line: quoted when it has spaces; systemd's specifiers (%) and variables ($)
    taken literally."""
    word = _literal(word).replace("$", "$$")
    if any(c in word for c in ' \t"\\\''):
        word = '"' + word.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return word


def systemd_unit(station: Station, user: str, command: list[str], per_user: bool = False) -> str:
    """The unit text: `run` started after the sound system, restarted on failure, watched by systemd's
    watchdog (run tells it it is alive), its output kept (and rotated) by journald."""
    after = "sound.target" + (f" {SOUND_USER_SERVICES}" if per_user else "")
    lines = ["[Unit]", f"Description=broadcaster: {_literal(station.config.name)}", f"After={after}",
             "Wants=sound.target", "StartLimitIntervalSec=0", "",
             "[Service]", "Type=notify", "NotifyAccess=main"]
    if not per_user:
        lines.append(f"User={user}")
    lines += [f"WorkingDirectory={_literal(str(station.root.absolute()))}",
              "Environment=PYTHONUNBUFFERED=1", f"ExecStart={' '.join(map(_unit_word, command))}",
              "Restart=on-failure", f"RestartSec={RESTART_S}", f"WatchdogSec={WATCHDOG_S}", "TimeoutStopSec=30",
              *PRIORITY_LIMITS,
              "", "[Install]", f"WantedBy={'default.target' if per_user else 'multi-user.target'}", ""]
    return "\n".join(lines)


def task_xml(station: Station, user: str, command: list[str]) -> str:
    """The Task Scheduler entry: `run` at boot as SYSTEM (or at the logon of the chosen account, in its
    session, with no password kept), started again within a minute if it stopped (a trigger repeated every
    minute that does nothing while run is running), no time limit, on battery too."""
    program, arguments = command[0], subprocess.list2cmdline(command[1:])
    repeat = "<Enabled>true</Enabled><Repetition><Interval>PT1M</Interval></Repetition>"
    if user == WINDOWS_SYSTEM:
        trigger = f"<BootTrigger>{repeat}</BootTrigger>"
        logon = "<LogonType>ServiceAccount</LogonType><RunLevel>HighestAvailable</RunLevel>"
    else:
        trigger = f"<LogonTrigger>{repeat}<UserId>{escape(user)}</UserId></LogonTrigger>"
        logon = "<LogonType>InteractiveToken</LogonType><RunLevel>LeastPrivilege</RunLevel>"
    return f"""<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo><Description>broadcaster: {escape(station.config.name)}</Description></RegistrationInfo>
  <Triggers>{trigger}</Triggers>
  <Principals><Principal id="Author"><UserId>{escape(user)}</UserId>{logon}</Principal></Principals>
  <Settings>
    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>
    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>
    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>
    <ExecutionTimeLimit>PT0S</ExecutionTimeLimit>
    <RestartOnFailure><Interval>PT1M</Interval><Count>999</Count></RestartOnFailure>
    <StartWhenAvailable>true</StartWhenAvailable>
    <Priority>4</Priority>
  </Settings>
  <Actions Context="Author">
    <Exec><Command>{escape(program)}</Command><Arguments>{escape(arguments)}</Arguments>
      <WorkingDirectory>{escape(str(station.root.absolute()))}</WorkingDirectory></Exec>
  </Actions>
</Task>
"""


def default_user(windows: bool) -> str:
    """Who runs the service when no one is named: SYSTEM on Windows; on Linux the person installing it
    (behind sudo, the one who called sudo), never root."""
    return WINDOWS_SYSTEM if windows else os.environ.get("SUDO_USER") or getpass.getuser()


def service_for(station: Station, user: str | None = None, windows: bool = sys.platform == "win32",
                unit_dir: Path | None = None, tool: str | None = None, per_user: bool = False,
                installing: bool = False) -> Service:
    """The service of ``station`` run by ``user``; when ``installing``, InputError for a user name that
    cannot be one, or root."""
    user = user or default_user(windows)
    if installing and (not user.strip() or any(c in user for c in "\n\r\t\"<>&") or (not windows and " " in user)):
        # repr: a line break shows as \n, and the message stays on one line
        raise InputError(t("'{user}' cannot be a user name", user=repr(user)[1:-1]))
    if installing and not windows and not per_user and user == "root":
        raise InputError(t("the service must not run as root: choose a user with --user"))
    name = service_name(station)
    command = run_command_line(station, windows)
    if windows:
        return Service(name, True, task_xml(station, user, command), None, tool or "schtasks")
    folder = unit_dir or (Path.home() / ".config/systemd/user" if per_user else SYSTEM_UNIT_DIR)
    return Service(name, False, systemd_unit(station, user, command, per_user), folder / f"{name}.service",
                   tool or "systemctl", per_user)


def _call(run: Tool, args: list[str]) -> subprocess.CompletedProcess:
    result = run(args)
    if result.returncode != 0:
        reason = (result.stderr or result.stdout or "").strip().splitlines()
        raise BroadcasterError(t("'{command}' failed: {reason}", command=" ".join(args),
                                 reason=reason[-1] if reason else t("exit code {code}", code=result.returncode)))
    return result


def install(service: Service, run: Tool = system_tool) -> None:
    """Put the service in place and start it."""
    if service.windows:
        with tempfile.TemporaryDirectory() as folder:
            xml = Path(folder) / f"{service.name}.xml"
            xml.write_text(service.text, encoding="utf-16")
            for args in service.install_commands(str(xml)):
                _call(run, args)
        return
    with replacing(service.path, "w", encoding="utf-8", what=t("the service unit")) as f:
        f.write(service.text)
    service.path.chmod(0o644)  # systemd and people read units; only root writes them
    for args in service.install_commands():
        _call(run, args)


def uninstall(service: Service, run: Tool = system_tool) -> None:
    """Stop the service and remove it; BroadcasterError when it is not installed."""
    if service.windows:
        _call(run, service.tool_args("/Query", "/TN", service.name))
        run(service.tool_args("/End", "/TN", service.name))  # not running is fine
        _call(run, service.tool_args("/Delete", "/TN", service.name, "/F"))
        return
    if not service.path.exists():
        raise BroadcasterError(t("the service is not installed"), path=service.path)
    _call(run, service.tool_args("disable", "--now", service.name))
    try:
        service.path.unlink()
    except OSError as exc:
        raise BroadcasterError(t("the service unit cannot be removed: {reason}", reason=exc.strerror or exc),
                               path=service.path) from None
    _call(run, service.tool_args("daemon-reload"))


def status(service: Service, run: Tool = system_tool) -> dict:
    """Whether the service is installed, enabled to start at boot, and running, as plain data."""
    if service.windows:
        result = run(service.tool_args("/Query", "/TN", service.name, "/FO", "LIST"))
        state = next((line.split(":", 1)[1].strip() for line in result.stdout.splitlines()
                      if line.strip().lower().startswith("status:")), "")
        return {"name": service.name, "installed": result.returncode == 0, "enabled": result.returncode == 0,
                "running": state.lower() == "running", "state": state or "-"}
    enabled = run(service.tool_args("is-enabled", service.name)).stdout.strip()
    active = run(service.tool_args("is-active", service.name)).stdout.strip()
    return {"name": service.name, "installed": service.path.exists(), "enabled": enabled == "enabled",
            "running": active == "active", "state": active or "-"}
