"""A station that has joined the test hub (its key pinned in station.yaml), with two outputs that write WAV files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from broadcaster.cli import cli
from broadcaster.station import Station
from tests.chain.hubdata import FakeHub, pin_hub

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
OUTPUTS = "outputs:\n  loa-xa: {file: data/loa-xa.wav}\n  xe-loa: {file: data/xe-loa.wav}\n"


def pytest_configure(config) -> None:
    config.addinivalue_line("markers", "timing: airs in real time; CI runs these once more under load (.ci/run)")


def hubbed_station(root: Path, schedule: str = "sessions: []\n", **hub) -> Station:
    """A new station with the test hub pinned and the two outputs."""
    assert CliRunner().invoke(cli, ["init", str(root), "--language", "en"]).exit_code == 0
    (root / "station.yaml").write_text((root / "station.yaml").read_text(encoding="utf-8") + "id: xa-ea-tu\n",
                                       encoding="utf-8")
    pin_hub(root, **hub)
    for old in (root / "schedules").glob("*.yaml"):
        old.unlink()
    (root / "schedules" / "lich.yaml").write_text(OUTPUTS + schedule, encoding="utf-8")
    return Station(root)


@pytest.fixture
def station(tmp_path) -> Station:
    return hubbed_station(tmp_path / "xa")


@pytest.fixture
def hub(station) -> FakeHub:
    return FakeHub(station)


@pytest.fixture
def now() -> dt.datetime:
    return dt.datetime.now(TZ).replace(microsecond=0)
