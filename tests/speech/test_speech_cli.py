"""speak-text and content show: the officer proofreads exactly what will be spoken."""

from __future__ import annotations

from click.testing import CliRunner

from broadcaster.cli import cli
from broadcaster.station import Station
from tests.helpers import NOW

SPOKEN_5K = ("Thông điệp năm ca của Bộ Y tế: Khẩu trang, Khử khuẩn, Khoảng cách, Không tụ tập, Khai báo y tế.\n"
             "Hãy thực hiện năm ca cộng vắc xin để bảo vệ mình và cộng đồng.\n")


def test_speak_text_of_a_file_not_yet_in_the_library(station_dir):
    path = station_dir / "scripts_text" / "khau-hieu-5k.md"
    result = CliRunner().invoke(cli, ["speak-text", str(path)], obj=Station(station_dir), catch_exceptions=False)
    assert result.exit_code == 0
    assert result.output == SPOKEN_5K


def test_speak_text_of_an_announcement_in_the_library(station_dir):
    station = Station(station_dir)
    station.add_file(station_dir / "scripts_text" / "tiem-vac-xin.md", NOW)
    result = CliRunner().invoke(cli, ["speak-text", "tiem-vac-xin"], obj=station, catch_exceptions=False)
    assert "qua số điện thoại không hai sáu hai, ba tám năm hai, một một năm.\n" in result.output
    assert "từ ngày mồng bảy tháng mười hai năm hai nghìn không trăm hai mươi sáu" in result.output
    assert "7h30" not in result.output and "COVID" not in result.output


def test_speak_text_of_an_unknown_id_or_a_missing_file(station_dir):
    station = Station(station_dir)
    station.add_file(station_dir / "scripts_text" / "khau-hieu-5k.md", NOW)
    result = CliRunner().invoke(cli, ["speak-text", "khau-hieu-5"], obj=station)
    assert result.exit_code == 2
    assert result.output == ("Error: unknown announcement 'khau-hieu-5' (did you mean 'khau-hieu-5k'?); "
                             "'broadcaster content list' shows them\n")
    missing = station_dir / "scripts_text" / "khong-co.md"
    result = CliRunner().invoke(cli, ["speak-text", str(missing)], obj=station)
    assert result.exit_code == 2 and result.output == f"Error: {missing}: no such file\n"


def test_content_show_prints_the_text_and_what_will_be_spoken(station_dir):
    station = Station(station_dir)
    station.add_file(station_dir / "scripts_text" / "khau-hieu-5k.md", NOW)
    result = CliRunner().invoke(cli, ["content", "show", "khau-hieu-5k"], obj=station, catch_exceptions=False)
    written = "Thông điệp 5K của Bộ Y tế"
    assert written in result.output
    assert "Spoken as (numbers, dates and abbreviations in words):\n" + SPOKEN_5K in result.output
    assert result.output.index(written) < result.output.index("Spoken as")
