"""A station of short announcements (about two seconds each), so that playout tests run in real time quickly."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from broadcaster.cli import cli
from broadcaster.content.library import APPROVED
from broadcaster.playout.clock import SystemClock
from broadcaster.playout.runner import Runner
from broadcaster.station import Station
from tests.helpers import NOW, PASSPHRASE, SUPERVISOR, officer, with_supervisor

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
SHORT = {
    "mot": "Thông báo số một.",
    "hai": "Thông báo số hai.",
    "ba": "Thông báo số ba.",
    "khan": "Khẩn cấp: mưa lũ, bà con tránh xa bờ suối.",
}


def write_schedule(root: Path, body: str) -> None:
    (root / "schedules" / "lich.yaml").write_text(
        "outputs:\n  loa-xa:\n    device: loa_xa\n  xe-loa:\n    device: xe_loa_1\n" + body, encoding="utf-8")


def at(seconds: float) -> str:
    """The time of day ``seconds`` from now, HH:MM:SS (skips the test too close to midnight)."""
    when = dt.datetime.now(TZ) + dt.timedelta(seconds=seconds)
    if when.date() != (when + dt.timedelta(seconds=120)).date():
        pytest.skip("too close to midnight for a same-day schedule")
    return when.strftime("%H:%M:%S")


@pytest.fixture
def quick(tmp_path) -> Station:
    """A station whose four short texts are approved and rendered; its schedule is empty."""
    root = tmp_path / "xa"
    assert CliRunner().invoke(cli, ["init", str(root), "--language", "en"]).exit_code == 0
    (root / "station.yaml").write_text((root / "station.yaml").read_text(encoding="utf-8") + "grace: 10s\n",
                                       encoding="utf-8")
    station = with_supervisor(root)
    maker = officer(station)
    for ident, text in SHORT.items():
        (root / "scripts_text" / f"{ident}.md").write_text(
            f"---\nid: {ident}\ntitle: {text}\nauthor: Nguyễn Thị Lan\n---\n{text}\n", encoding="utf-8")
        station.content.add_file(root / "scripts_text" / f"{ident}.md", NOW, signer=maker)
        station.content.decide(ident, APPROVED, SUPERVISOR, PASSPHRASE, NOW)
    write_schedule(root, "sessions: []\n")
    return Station(root)


class Running:
    """`run` in a thread of the test process, with what it said."""

    def __init__(self, station: Station):
        self.station = station
        self.said: list[str] = []
        self.events: list = []
        self.plans: list = []  # (day, why) of each plan made
        self.stop = threading.Event()
        self.runner = Runner(station, SystemClock(TZ), [self.events.append], operator="Vận hành viên",
                             say=self.said.append, on_plan=lambda plan, why: self.plans.append((plan.day, why)))
        self.thread = threading.Thread(target=self.runner.run, kwargs={"stop": self.stop, "exit_when_idle": False})

    def __enter__(self) -> "Running":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        self.thread.join(30)


@pytest.fixture
def running():
    return Running
