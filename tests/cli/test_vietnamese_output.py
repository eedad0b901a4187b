"""A Vietnamese station's output as a person reads it: days as dd/mm/yyyy, times on 24 hours, languages and
topics by their names; days typed either way. An English station keeps ISO days and codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from broadcaster.cli import cli
from broadcaster.station import Station
from tests.logdata import at, build_log, event

# The station names a built-in topic its own way, and names topics of its own.
TOPICS = "topics:\n  - general: Tin tức chung\n  - station: Giới thiệu đài\n  - dich-benh-gia-suc\n"


@pytest.fixture(autouse=True)
def no_language_variable(monkeypatch):
    monkeypatch.delenv("BROADCASTER_LANG", raising=False)
    monkeypatch.setenv("COLUMNS", "160")  # every column, whole, whatever the terminal of the test


def _station(station_dir: Path, language: str) -> Station:
    config = station_dir / "station.yaml"
    config.write_text(config.read_text(encoding="utf-8") + f"language: {language}\n" + TOPICS, encoding="utf-8")
    events = [event(at(24, 5, 30), "khau-hieu-5k", seconds=120), event(at(24, 17, 5), "gioi-thieu", seconds=60,
                                                                        language="rad"),
              event(at(25, 9, 0), "tiem-vac-xin", seconds=90, output="xe-loa")]
    build_log(station_dir / "data" / "log", events, station="dai-truyen-thanh-xa-ea-tu",
              key=Station(station_dir).station_key)
    return Station(station_dir)


def _run(station: Station, args: list[str]):
    result = CliRunner().invoke(cli, args, obj=station, catch_exceptions=False)
    return result.output.splitlines()


def _row(lines: list[str], first: str) -> list[str]:
    """The cells of the table row whose first cell is ``first``."""
    row = next(line for line in lines if line.startswith(f"│ {first} "))
    return [cell.strip() for cell in row.strip("│").split("│")]


def test_the_log_of_a_vietnamese_station(station_dir):
    lines = _run(_station(station_dir, "vi"), ["log", "--from", "24/11/2026", "--to", "2026-11-25"])
    assert lines[0] == "Nhật ký phát sóng từ 24/11/2026 đến 25/11/2026"
    assert _row(lines, "24/11/2026")[:6] == ["24/11/2026", "05:30:00", "05:30:00", "loa-xa", "khau-hieu-5k",
                                             "Tiếng Việt"]
    assert [r for r in lines if "gioi-thieu" in r and "17:05:00" in r and "Ê Đê" in r]
    assert _row(lines, "25/11/2026")[:2] == ["25/11/2026", "09:00:00"]
    lines = _run(Station(station_dir), ["log", "--date", "4/12/2026"])
    assert lines[0] == "Nhật ký phát sóng ngày 04/12/2026"
    lines = _run(Station(station_dir), ["log", "--date", "24/11/2026", "--kind", "all"])
    assert "24/11/2026 05:32:00" in lines[4]  # written when the airing ended
    assert "khau-hieu-5k dự kiến phát lúc 24/11/2026 05:30 trên loa-xa" in lines[4]


def test_the_report_of_a_vietnamese_station(station_dir, tmp_path):
    station = _station(station_dir, "vi")
    lines = _run(station, ["report", "--from", "24/11/2026", "--to", "25/11/2026"])
    assert lines[0] == "Báo cáo phát sóng từ 24/11/2026 đến 25/11/2026"
    assert _row(lines, "24/11/2026")[:4] == ["24/11/2026", "loa-xa", "2", "2"]
    # built-in, named in Vietnamese; decimals with a comma, as Vietnamese writes them
    assert _row(lines, "Phòng chống COVID-19")[:3] == ["Phòng chống COVID-19", "3,5", "77,8%"]
    assert _row(lines, "Giới thiệu đài")[:2] == ["Giới thiệu đài", "1,0"]  # named by the station
    assert _row(lines, "Tiếng Việt")[:2] == ["Tiếng Việt", "3,5"]
    assert _row(lines, "Ê Đê")[:2] == ["Ê Đê", "1,0"]
    path = tmp_path / "bao-cao.csv"
    _run(station, ["report", "--from", "2026-11-24", "--to", "2026-11-25", "--format", "csv", "--file", str(path)])
    text = path.read_text(encoding="utf-8-sig")
    assert "Báo cáo phát sóng từ 24/11/2026 đến 25/11/2026" in text
    assert "\n24/11/2026,dai-truyen-thanh-xa-ea-tu,loa-xa," in text and "\nÊ Đê,1.0," in text


def test_the_plan_and_the_content_list_of_a_vietnamese_station(station_dir):
    station = _station(station_dir, "vi")
    result = CliRunner().invoke(cli, ["plan", "--date", "01/12/2026"], obj=station)
    assert result.output.splitlines()[0] == "Kế hoạch phát ngày 01/12/2026"
    lines = _run(station, ["content", "list", "--valid-on", "1/12/2026", "--wide"])
    assert _row(lines, "khau-hieu-5k")[2:4] == ["Tiếng Việt", "Phòng chống COVID-19"]
    assert _row(lines, "gioi-thieu")[2:4] == ["Tiếng Việt", "Tin tức chung"]
    lines = _run(station, ["content", "show", "tiem-vac-xin"])
    assert "  chủ đề: Tiêm chủng" in lines


def test_an_english_station_keeps_iso_days_and_codes(station_dir):
    station = _station(station_dir, "en")
    lines = _run(station, ["report", "--from", "24/11/2026", "--to", "2026-11-25"])
    assert lines[0] == "Airing report from 2026-11-24 to 2026-11-25"
    assert _row(lines, "covid-prevention")[:2] == ["covid-prevention", "3.5"]
    assert _row(lines, "rad")[:2] == ["rad", "1.0"]
    lines = _run(station, ["log", "--date", "2026-11-24"])
    assert lines[0] == "Airing log of 2026-11-24"
    assert _row(lines, "05:30:00")[4] == "vie"


def test_a_topic_name_that_is_no_text_names_the_file_and_line(station_dir):
    config = station_dir / "station.yaml"
    line = len(config.read_text(encoding="utf-8").splitlines()) + 3  # the third line added
    config.write_text(config.read_text(encoding="utf-8") + "topics:\n  - mua-vu: Mùa vụ\n  - lu-lut: [1]\n",
                      encoding="utf-8")
    result = CliRunner().invoke(cli, ["content", "list"], obj=Station(station_dir))
    assert result.exit_code == 2
    assert result.output == (f"Error: {config}:{line}: topic 'lu-lut': its name must be a text, e.g. "
                             "'- nong-nghiep: Nông nghiệp'\n")
