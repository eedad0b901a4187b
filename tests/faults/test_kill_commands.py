"""`content add`, `content approve`, `render` and `log import` killed with SIGKILL at every file change they
make (tests/faults/crash.py): each is all-or-nothing, and the same command run again finishes the job.

A command's changes are counted in a run that is not killed; then, for every N, a fresh copy of the
station is given the command killed just before its Nth change. After each kill, every database
opens, the log chain verifies, and what the station holds is what it held before the command or
what it holds after it, nothing in between.
"""

from __future__ import annotations

import datetime as dt
import signal
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
import soundfile
from click.testing import CliRunner

from broadcaster.cli import cli
from broadcaster.station import Station
from tests.faults.conftest import (AUTHOR, RATE, changes_made, copy_station, crash, make_station, open_everything,
                                   tone)
from tests.helpers import PASSPHRASE, SUPERVISOR, officer
from tests.logdata import at, build_log, event
from tests.trust.test_upgrade import old_station

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX")

TEXT = "Thông báo: từ ngày 01/12/2026, UBND xã tổ chức tiêm vắc-xin tại trạm y tế thôn 3."
KILL_POINTS: dict[str, tuple[int, int]] = {}  # operation: (tried, survived), for the summary


def state(root: Path) -> dict:
    """What a station holds as its commands see it (opening the log finishes an import that was cut off):
    the library, its history, the audio ready to air, the log; no times, which differ from run to run."""
    station = Station(root)
    log = station.airing_log
    entries = station.library.entries()
    sources = {s: [(x.record["seq"], x.record["hash"]) for x in log.source_records(s)] for s in log.sources()}
    return {
        "library": {e.id: (e.status, e.fingerprint, e.decision.by if e.decision else None) for e in entries},
        "makers": {e.id: station.library.maker(e.id) for e in entries},
        "people": sorted((p.name, p.role, p.reason) for p in station.users.people()),
        "admin": bool(station.users.admin_fingerprint()),  # keys are new in every copy: whether, not which
        "station key": station.station_key_path.exists(),
        "history": [(h["action"], h["id"], h["by"], h["fingerprint"]) for h in station.library.history()],
        "ready": sorted(f"{e.id}/{v.language}" for e in entries if e.approved for v in e.announcement.variants
                        if station.renders.asset(v) is not None),
        "log": [(x.record["seq"], x.record["kind"], x.record.get("action"), x.record.get("item"),
                 x.record.get("detail")) for x in log.own_records()],
        "sources": {s: records for s, records in sources.items() if records},
        "bundles": {s: sorted(log.bundles(s)) for s in sources},
    }


def all_or_nothing(before: dict, after: dict, now: dict) -> bool:
    """``now`` is ``before`` or ``after``."""
    return now in (before, after)


def each_asset_whole(before: dict, after: dict, now: dict) -> bool:
    """Rendering is a batch of assets, each all-or-nothing: some are ready, the rest as before."""
    return {k: v for k, v in now.items() if k != "ready"} == {k: v for k, v in before.items() if k != "ready"} \
        and set(before["ready"]) <= set(now["ready"]) <= set(after["ready"])


@dataclass
class Operation:
    """A command and the station it is run on (prepared once, copied for every kill)."""

    name: str
    prepare: Callable[[Path], list[str]]  # builds the station at the path; returns the command's arguments
    acceptable: Callable[[dict, dict, dict], bool] = all_or_nothing


def _new_text(root: Path) -> list[str]:
    make_station(root)
    path = root / "scripts_text" / "lich-tiem.md"
    path.write_text(f"---\nid: lich-tiem\ntitle: Lịch tiêm\nauthor: {AUTHOR}\n---\n{TEXT}\n", encoding="utf-8")
    return ["content", "add", str(path)]


def _edited_text(root: Path) -> list[str]:
    make_station(root, texts={"lich-tiem": TEXT})
    path = root / "scripts_text" / "lich-tiem.md"
    path.write_text(path.read_text(encoding="utf-8").replace("thôn 3", "thôn 4"), encoding="utf-8")
    return ["content", "add", str(path)]


def _clip_file(path: Path) -> Path:
    soundfile.write(path, tone(440.0, 2.0), RATE)
    return path


def _clip(root: Path) -> list[str]:
    make_station(root, texts={"lich-tiem": TEXT})
    path = _clip_file(root / "audio" / "lich-tiem-rad.wav")
    return ["content", "add", str(path), "--id", "lich-tiem", "--lang", "rad"]


def _approve(root: Path) -> list[str]:
    station = make_station(root)
    path = root / "scripts_text" / "lich-tiem.md"
    path.write_text(f"---\nid: lich-tiem\ntitle: Lịch tiêm\nauthor: {AUTHOR}\n---\n{TEXT}\n", encoding="utf-8")
    station.content.add_file(path, dt.datetime.now(station.config.tz), signer=officer(station))
    return ["content", "approve", "lich-tiem", "--by", SUPERVISOR]


def _render(root: Path) -> list[str]:
    make_station(root, texts={f"tin-{n}": f"Tin số {n}: họp thôn lúc 19 giờ." for n in range(2)},
                 tones={"hieu-lenh": (523.25, 1.0)}, render=False)
    return ["render"]


def _bundles(folder: Path) -> list[Path]:
    """Bundles of two stations, each from October into November: two months of records per station."""
    bundles = []
    for name, days in (("xa-ea-kao", range(25, 31)), ("xe-loa-1", range(28, 32))):
        events = [event(at(d if d <= 31 else d - 31, 7, 0, month=10 if d <= 31 else 11), "tiem-vac-xin")
                  for d in days] + [event(at(n, 17, 0), "tin-gia") for n in (1, 2)]
        log = build_log(folder / name, events, station=name)
        bundles.append(folder / f"{name}.json")
        log.export(dt.date(2026, 10, 1), dt.date(2026, 11, 30), bundles[-1])
    return bundles


def _claim(root: Path) -> list[str]:
    station = make_station(root, texts={"lich-tiem": TEXT})
    path = root / "scripts_text" / "lich-tiem.md"
    path.write_text(path.read_text(encoding="utf-8").replace("thôn 3", "thôn 4"), encoding="utf-8")
    station.content.sync(dt.datetime.now(station.config.tz))  # edited outside the program: no maker
    return ["content", "claim", "lich-tiem", "--by", SUPERVISOR]


def _upgrade(root: Path) -> list[str]:
    old_station(root)
    return ["upgrade", "--admin", SUPERVISOR]


def each_part_whole(before: dict, after: dict, now: dict) -> bool:
    """The upgrade writes its keys, then the people, then the decisions: each whole, as before or after."""
    return all(now[key] in (before[key], after[key]) for key in now)


def _log_import(root: Path) -> list[str]:
    make_station(root)
    return ["log", "import", *map(str, _bundles(root.parent))]


OPERATIONS = [Operation("content add (new text)", _new_text), Operation("content add (edited text)", _edited_text),
              Operation("content add (clip)", _clip), Operation("content approve", _approve),
              Operation("render", _render, each_asset_whole), Operation("log import", _log_import),
              Operation("content claim", _claim), Operation("upgrade", _upgrade, each_part_whole)]


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda o: o.name)
def test_killed_at_every_change_it_is_all_or_nothing(operation, tmp_path):
    template = tmp_path / "before" / "xa"
    template.parent.mkdir()
    args = operation.prepare(template)
    before = state(template)
    reference = copy_station(template, tmp_path / "reference" / "xa")
    changes = changes_made(crash(reference.root, 0, *args))
    after = state(reference.root)
    assert after != before and changes > 0
    # What running it a second time does (an import is audited again; an approval is refused as done).
    second = again(reference.root, args)

    def kill_at(n: int) -> tuple[Path, list[str]]:
        station = copy_station(template, tmp_path / f"kill-{n}" / "xa")
        killed = crash(station.root, n, *args)
        if killed.returncode != -signal.SIGKILL:
            return station.root, [f"not killed: exit {killed.returncode}: {killed.stdout}{killed.stderr}"]
        return station.root, open_everything(station.root)

    def check(root: Path) -> list[str]:
        return ends_well(root, operation, args, before, after, second)

    with ThreadPoolExecutor(2) as pool:  # the kills are separate processes: two at a time on two cores
        killed = list(pool.map(kill_at, range(1, changes + 1)))
    problems = {}
    for n, (root, found) in enumerate(killed, 1):
        found = found or check(root)
        if found:
            problems[n] = found
    KILL_POINTS[operation.name] = (changes, changes - len(problems))
    print(f"{operation.name}: kill points tried: {changes}, survived: {changes - len(problems)}")
    assert not problems, problems


def ends_well(root: Path, operation: Operation, args: list[str], before: dict, after: dict,
              second: tuple[int, dict]) -> list[str]:
    """After a fault: the station is as before or as after (or as the operation allows); the command run
    again ends as it should (as a second run does, if the first was done); the problems found."""
    now = state(root)
    if not operation.acceptable(before, after, now):
        return [f"after the fault: {_difference(before, after, now)}"]
    expected = second if now == after else (0, after)  # done already, or (part of) it is still to do
    then = again(root, args)
    if then != expected:
        return [f"run again: exit {then[0]} (expected {expected[0]}): {_difference(before, expected[1], then[1])}"]
    return [f"left behind: {name}" for name in leftovers(root)]


def leftovers(root: Path) -> list[str]:
    """Temporary files of killed writers still in the station's databases and log (rendered audio and kept
    clips are written under no lock, so theirs stay until `render --clean`)."""
    data = root / "data"
    return sorted(p.relative_to(data).as_posix() for p in data.rglob("*.tmp")
                  if p.relative_to(data).parts[0] not in ("render", "clips"))


def again(root: Path, args: list[str]) -> tuple[int, dict]:
    """Run the command (in this process, which is quicker); its exit code and the station's state after it."""
    result = CliRunner().invoke(cli, ["--station", str(root), *args], env={"BROADCASTER_PASSPHRASE": PASSPHRASE})
    assert "Traceback" not in result.output and not isinstance(result.exception, Exception) \
        or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, state(root)


def _difference(before: dict, after: dict, now: dict) -> str:
    return "; ".join(f"{key}: before {before[key]}, after {after[key]}, now {now[key]}"
                     for key in now if now[key] not in (before[key], after[key])) or "a mix of before and after"
