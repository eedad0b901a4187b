"""The station's health as plain data, for `broadcaster health`, the dashboard and the hub's heartbeat:
its devices, disk, clock, next and last airing, log chain and version, each ok, warning or failing."""

from __future__ import annotations

import datetime as dt
import shutil
import socket
import struct
import time
from dataclasses import asdict, dataclass
from typing import Callable

from broadcaster import __version__
from broadcaster.airing_log import AIRING
from broadcaster.errors import BroadcasterError
from broadcaster.messages import counted, moment_text, t
from broadcaster.playout.mailbox import Mailbox
from broadcaster.schedule.model import Schedule
from broadcaster.station import Station

OK, WARNING, FAILING = "ok", "warning", "failing"
EXIT_CODES = {OK: 0, WARNING: 1, FAILING: 2}
DISK_FAILING_DAYS = 7       # fewer days of log left than this: failing
DISK_WARNING_DAYS = 60      # ... than this: a warning
DISK_FAILING_BYTES = 100 * 2 ** 20  # however slowly the log grows, less free space than this is failing
CLOCK_WARNING_S = 2.0       # a clock this far off: a warning (starts are judged to the second)
CLOCK_FAILING_S = 60.0      # ... this far: failing (airings a minute off)
NTP_TIMEOUT_S = 1.0
NTP_EPOCH = 2208988800      # seconds from 1900 (NTP's epoch) to 1970
LAST_DAYS = 7               # how far back the last airing is looked for

Probe = Callable[[str, int], object]  # a device name and its channels: raises DeviceError if it will not open


@dataclass(frozen=True)
class Check:
    """One thing checked: its status, a line for a person, and its figures for a machine."""

    name: str
    status: str
    message: str
    data: dict


@dataclass(frozen=True)
class Health:
    """Every check of a station at one moment."""

    station: str
    at: dt.datetime
    checks: tuple[Check, ...]

    @property
    def status(self) -> str:
        """The worst status of any check."""
        return max((c.status for c in self.checks), key=EXIT_CODES.__getitem__, default=OK)

    @property
    def exit_code(self) -> int:
        """0 healthy, 1 warnings, 2 failing."""
        return EXIT_CODES[self.status]

    def to_dict(self) -> dict:
        """Plain data (JSON-ready)."""
        return {"station": self.station, "at": self.at.isoformat(timespec="seconds"), "status": self.status,
                "version": __version__, "checks": [asdict(c) for c in self.checks]}


def station_health(station: Station, now: dt.datetime, probe: Probe | None = None, ntp_server: str = "",
                   ntp_timeout: float = NTP_TIMEOUT_S, clock: Check | None = None) -> Health:
    """Check the station at ``now``: its devices (opened with ``probe`` unless `run` holds them), disk,
    clock (against ``ntp_server``, if one is given, or as ``clock`` found it), next and last airing, log and
    version."""
    try:
        schedule = station.planner.schedule()
        planned = [*device_health(station, schedule, probe),
                   *_guarded(lambda: next_airing_health(station, now, schedule))]
    except BroadcasterError as exc:  # a schedule that cannot be read is itself the failing check
        planned = [Check("schedule", FAILING, str(exc), {"problem": str(exc)})]
    checks = [*planned, disk_health(station, now), clock or clock_health(ntp_server, ntp_timeout),
              running_health(station),
              last_airing_health(station, now), log_health(station),
              Check("version", OK, t("broadcaster {version}", version=__version__), {"version": __version__})]
    return Health(station.config.id, now, tuple(checks))


def _guarded(check: Callable[[], Check]) -> list[Check]:
    """The next airing: a text or clip that cannot be read fails the check, not the command."""
    try:
        return [check()]
    except BroadcasterError as exc:
        return [Check("next", FAILING, str(exc), {"problem": str(exc)})]


def running_health(station: Station) -> Check:
    """Whether `broadcaster run` is airing the station now."""
    if Mailbox(station.data_dir).running():
        return Check("run", OK, t("broadcaster run is running"), {"running": True})
    return Check("run", WARNING, t("broadcaster run is not running"), {"running": False})


def device_health(station: Station, schedule: Schedule, probe: Probe | None) -> list[Check]:
    """Each output's devices, primary then backups: listed, and opening (without a sound) while `run` does
    not hold them. A missing backup, or a missing device with a backup that works, is a warning."""
    from broadcaster.playout.runner import device_checks  # the playout engine and APScheduler, only here

    checks = device_checks(schedule)
    held = Mailbox(station.data_dir).running()
    problems: dict[tuple[str, int], str] = {}
    for c in checks:
        problem = c.problem
        if not problem and probe is not None and not held:
            try:
                probe(None if c.device == "default" else c.device, max(schedule.outputs[c.output].channels, default=1))
            except BroadcasterError as exc:
                problem = exc.message
        problems[(c.output, c.position)] = problem
    found = []
    for c in checks:
        problem = problems[(c.output, c.position)]
        works = any(not p for (output, _), p in problems.items() if output == c.output)
        data = {"output": c.output, "device": c.device, "backup": c.backup, "index": c.index,
                "opened": bool(probe) and not held and not problem, "problem": problem}
        if problem:
            status = WARNING if c.backup or works else FAILING
            found.append(Check("device", status, t("{output}: {device}: {problem}", output=c.output, device=c.device,
                                                   problem=problem), data))
        else:
            how = t("in use by run") if held else t("opens") if probe else t("found")
            found.append(Check("device", OK, t("{output}: {device}: {how}", output=c.output, device=c.device, how=how),
                               data))
    return found


def log_growth(station: Station, now: dt.datetime) -> tuple[int, float | None]:
    """The log's size on disk, and how many bytes it grows a day (None before it is a day old)."""
    log = station.airing_log
    files = [p for p in log.folder.rglob("*") if p.is_file()] if log.folder.is_dir() else []
    size = sum(p.stat().st_size for p in files)
    first = next((x.record.get("at") for x in log.own_records() if isinstance(x.record, dict)), None)
    if not first:
        return size, None
    days = (now - dt.datetime.fromisoformat(first)).total_seconds() / 86400
    return size, (size / days if days >= 1 else None)


def disk_health(station: Station, now: dt.datetime) -> Check:
    """Free space where the station keeps its data, and the days of log it still holds at today's pace."""
    folder = station.data_dir if station.data_dir.is_dir() else station.root
    free = shutil.disk_usage(folder).free
    size, per_day = log_growth(station, now)
    days = int(free / per_day) if per_day else None
    data = {"free_bytes": free, "log_bytes": size, "log_bytes_per_day": round(per_day) if per_day else None,
            "days_left": days}
    free_mb = free / 2 ** 20
    if days is None:
        line = t("disk: {mb:.0f} MB free; days of log left: unknown (the log is less than a day old)", mb=free_mb)
    else:
        line = t("disk: {mb:.0f} MB free, {days} of log left", mb=free_mb,
                 days=counted(days, "{n} day", "{n} days"))
    if free < DISK_FAILING_BYTES or (days is not None and days < DISK_FAILING_DAYS):
        return Check("disk", FAILING, line, data)
    return Check("disk", WARNING if days is not None and days < DISK_WARNING_DAYS else OK, line, data)


def ntp_offset(server: str, timeout: float = NTP_TIMEOUT_S, port: int = 123) -> float:
    """How far this computer's clock is behind ``server`` (seconds; negative: ahead), by one SNTP query;
    OSError when the server does not answer within ``timeout``."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(timeout)
        sent = time.time()
        sock.sendto(b"\x1b" + bytes(47), (server, port))  # version 3, client mode
        reply, _ = sock.recvfrom(512)
        got = time.time()
    if len(reply) < 48:
        raise OSError(t("a short answer from {server}", server=server))
    receive = struct.unpack("!II", reply[32:40])
    transmit = struct.unpack("!II", reply[40:48])
    t2 = receive[0] - NTP_EPOCH + receive[1] / 2 ** 32
    t3 = transmit[0] - NTP_EPOCH + transmit[1] / 2 ** 32
    return ((t2 - sent) + (t3 - got)) / 2


def clock_health(server: str, timeout: float = NTP_TIMEOUT_S) -> Check:
    """The clock's offset from a time server, when one is named and answers; else unknown (never a wait
    longer than ``timeout``)."""
    if not server:
        return Check("clock", OK, t("clock: offset unknown (no time server given)"), {"offset_s": None,
                                                                                      "server": None})
    try:
        host, _, port = server.partition(":")
        offset = ntp_offset(host, timeout, int(port or 123))
    except (OSError, ValueError) as exc:
        return Check("clock", OK, t("clock: offset unknown ({server} did not answer: {reason})", server=server,
                                    reason=getattr(exc, "strerror", None) or exc), {"offset_s": None, "server": server})
    return offset_health(offset, server)


def offset_health(offset: float, server: str) -> Check:
    """The clock's offset from ``server`` (a time server, or the hub): a warning from 2 s, failing from 60 s."""
    status = FAILING if abs(offset) >= CLOCK_FAILING_S else WARNING if abs(offset) >= CLOCK_WARNING_S else OK
    return Check("clock", status, t("clock: {offset:+.3f} s from {server}", offset=offset, server=server),
                 {"offset_s": round(offset, 3), "server": server})


def next_airing_health(station: Station, now: dt.datetime, schedule: Schedule) -> Check:
    """The next airing planned (today or tomorrow), and the items of today's schedule left out of the plan
    (their audio not rendered, not approved, expired): a warning, with the first reason."""
    left_out: tuple[str, ...] = ()
    upcoming = None
    for day in (now.date(), now.date() + dt.timedelta(days=1)):
        plan = station.planner.plan(day, now, schedule)
        if day == now.date():
            left_out = plan.warnings
        upcoming = next((a for a in plan.airings if a.start >= now), None)
        if upcoming:
            break
    data = {"announcement": upcoming and upcoming.announcement, "output": upcoming and upcoming.output,
            "start": upcoming and upcoming.start.isoformat(timespec="seconds"), "left_out": list(left_out)}
    line = t("next airing: {id} on {output} at {time}", id=upcoming.announcement, output=upcoming.output,
             time=moment_text(upcoming.start)) if upcoming else \
        t("next airing: nothing planned today or tomorrow")
    if left_out:
        line += t("; {n} left out today: {first}", n=len(left_out), first=left_out[0])
    return Check("next", WARNING if left_out or not upcoming else OK, line, data)


def last_airing_health(station: Station, now: dt.datetime) -> Check:
    """The last airing logged in the past week, and how it went."""
    records = station.airing_log.query(now.date() - dt.timedelta(days=LAST_DAYS), now.date(), kind=AIRING,
                                       sources=False)
    if not records:
        return Check("last", OK, t("last airing: none in the past week"), {"announcement": None, "status": None})
    last = max(records, key=lambda r: r.get("actual_start") or r.get("planned_start") or "")
    when = last.get("actual_start") or last.get("planned_start")
    data = {"announcement": last["announcement"], "output": last["output"], "status": last["status"], "at": when}
    line = t("last airing: {id} on {output} at {time}: {status}", id=last["announcement"], output=last["output"],
             time=moment_text(when), status=t(last["status"]))
    return Check("last", OK if last["status"] == "aired" else WARNING, line, data)


def log_health(station: Station) -> Check:
    """The log's hash chains: intact, or the first problem."""
    broken = [c for c in station.airing_log.verify() if not c.intact]
    if broken:
        return Check("log", FAILING, t("log: ALTERED: {path}: {problem}", path=broken[0].path,
                                       problem=broken[0].problem), {"intact": False, "problem": broken[0].problem})
    return Check("log", OK, t("log: intact"), {"intact": True, "problem": None})
