"""--wide on content list, plan, user list and devices: at 80 columns the tables keep the columns that matter
(and fold long cells); with --wide every column is shown and no cell is folded, however wide that makes a line."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from broadcaster.cli import cli
from tests.helpers import approved_station, with_supervisor

LONG_TITLE = "Thông báo lịch tiêm vắc-xin phòng COVID-19 mũi nhắc lại cho người từ 18 tuổi trở lên ở thôn 3"


def _run(station, args: list[str]):
    return CliRunner(env={"COLUMNS": "80"}).invoke(cli, args, obj=station, catch_exceptions=False)


def _header(output: str) -> list[str]:
    line = next(line for line in output.splitlines() if line.startswith("┃"))
    return [cell.strip() for cell in line.strip("┃").split("┃")]


def _longest(output: str) -> int:
    """The widest line of the tables (the notes under them wrap as the terminal does)."""
    return max(len(line) for line in output.splitlines() if line[:1] in "┏┃┡│└")


def _station_with_long_title(station_dir):
    text = station_dir / "scripts_text" / "tiem-nhac-lai.md"
    text.write_text(f"---\ntitle: {LONG_TITLE}\ntopic: vaccination\n---\nBà con thôn 3 đi tiêm.\n", encoding="utf-8")
    return approved_station(station_dir, ("tiem-nhac-lai", "gioi-thieu"), render=False)


def test_content_list_fits_80_columns_and_wide_shows_topic_and_who_decided(station_dir):
    station = _station_with_long_title(station_dir)
    narrow = _run(station, ["content", "list"])
    assert _header(narrow.output) == ["id", "status", "languages", "title"]
    assert _longest(narrow.output) <= 80
    wide = _run(station, ["content", "list", "--wide"])
    assert _header(wide.output) == ["id", "status", "languages", "topic", "decided by", "title"]
    row = next(line for line in wide.output.splitlines() if "tiem-nhac-lai" in line)
    assert LONG_TITLE in row and "vaccination" in row and "Trần Văn Bình" in row and len(row) > 80


def test_plan_fits_80_columns_and_wide_shows_end_and_session(station_dir):
    station = approved_station(station_dir, render=False)
    narrow = _run(station, ["plan", "--date", "2026-11-25"])
    assert _header(narrow.output) == ["start", "output", "id", "language", "title"]
    assert _longest(narrow.output) <= 80
    wide = _run(station, ["plan", "--date", "2026-11-25", "--wide"])
    assert _header(wide.output) == ["start", "end", "output", "session", "id", "language", "title"]
    rows = [line for line in wide.output.splitlines() if line.startswith("│")]
    assert rows and all(line.count("│") == 8 and ":" in line.split("│")[2] for line in rows)  # no row folded


def test_user_list_wide_keeps_each_key_on_one_line(station_dir):
    station = with_supervisor(station_dir)
    wide = _run(station, ["user", "list", "--wide"])
    rows = [line for line in wide.output.splitlines() if line.startswith("│")]
    assert len(rows) == 2 and all("SHA256:" in row and len(row.split("│")[3].strip()) == 46 for row in rows)


def test_devices_wide_keeps_each_name_on_one_line(station_dir, monkeypatch):
    import broadcaster.outputs.sinks as sinks

    name = "USB Audio CODEC: Loa ngoài trời thôn Buôn Ja, kênh trái và phải (hw:2,0)"
    monkeypatch.setattr(sinks, "output_devices", lambda: [{"index": 7, "name": name, "max_output_channels": 2,
                                                           "default_samplerate": 48000.0}])
    station = with_supervisor(station_dir)
    narrow = _run(station, ["devices"])
    assert _header(narrow.output) == ["index", "name", "channels", "rate"]
    assert _longest(narrow.output) <= 80 and name not in narrow.output
    wide = _run(station, ["devices", "--wide"])
    assert any(name in line and "48000" in line for line in wide.output.splitlines())


@pytest.mark.parametrize("args", [["content", "list"], ["plan"], ["user", "list"], ["devices"]])
def test_wide_is_in_the_help(args):
    assert "--wide" in CliRunner().invoke(cli, [*args, "--help"]).output
