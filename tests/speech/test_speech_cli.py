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
    station.content.add_file(station_dir / "scripts_text" / "tiem-vac-xin.md", NOW)
    result = CliRunner().invoke(cli, ["speak-text", "tiem-vac-xin"], obj=station, catch_exceptions=False)
    assert "qua số điện thoại không hai sáu hai, ba tám năm hai, một một năm.\n" in result.output
    assert "từ ngày mồng bảy tháng mười hai năm hai nghìn không trăm hai mươi sáu" in result.output
    assert "7h30" not in result.output and "COVID" not in result.output


def test_speak_text_of_an_unknown_id_or_a_missing_file(station_dir):
    station = Station(station_dir)
    station.content.add_file(station_dir / "scripts_text" / "khau-hieu-5k.md", NOW)
    result = CliRunner().invoke(cli, ["speak-text", "khau-hieu-5"], obj=station)
    assert result.exit_code == 2
    assert result.output == ("Error: unknown announcement 'khau-hieu-5' (did you mean 'khau-hieu-5k'?); "
                             "'broadcaster content list' shows them\n")
    missing = station_dir / "scripts_text" / "khong-co.md"
    result = CliRunner().invoke(cli, ["speak-text", str(missing)], obj=station)
    assert result.exit_code == 2 and result.output == f"Error: {missing}: no such file\n"


def test_content_show_prints_the_text_and_what_will_be_spoken(station_dir):
    station = Station(station_dir)
    station.content.add_file(station_dir / "scripts_text" / "khau-hieu-5k.md", NOW)
    result = CliRunner().invoke(cli, ["content", "show", "khau-hieu-5k"], obj=station, catch_exceptions=False)
    written = "Thông điệp 5K của Bộ Y tế"
    assert written in result.output
    assert "Spoken as (numbers, dates and abbreviations in words):\n" + SPOKEN_5K in result.output
    assert result.output.index(written) < result.output.index("Spoken as")


def test_speak_text_reads_standard_input_outside_a_station(tmp_path):
    outside = Station(tmp_path)  # no station.yaml: the built-in readings
    result = CliRunner().invoke(cli, ["speak-text", "-"], obj=outside, input="Gọi 115 lúc 21g26p, TP.HCM -5°C\n")
    assert result.exit_code == 0
    assert result.output == ("Gọi một một năm lúc hai mươi mốt giờ hai mươi sáu phút, Thành phố Hồ Chí Minh "
                             "âm năm độ xê.\n")


def test_speak_text_reads_any_file_whatever_its_name(tmp_path):
    path = tmp_path / "Ghi chu.text"
    path.write_text("sáng mùng 8/3\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["speak-text", str(path)], obj=Station(tmp_path))
    assert result.exit_code == 0 and result.output == "sáng mùng tám tháng ba.\n"


def test_speak_text_in_a_station_uses_its_dictionary(station_dir):
    config = station_dir / "station.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "  dictionary: tu-dien.yaml\n", encoding="utf-8")
    (station_dir / "tu-dien.yaml").write_text("XKLĐ: xuất khẩu lao động\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["speak-text", "-"], obj=Station(station_dir), input="Cty XKLĐ")
    assert result.exit_code == 0 and result.output == "công ty xuất khẩu lao động.\n"


def test_speak_text_explain_names_each_token_and_its_rule(tmp_path):
    text = "THÔNG BÁO của xã. Gọi 115 lúc 9h2m2s\nsáng mùng 8/3 XKLĐ"  # ordinary words are not listed
    result = CliRunner().invoke(cli, ["speak-text", "--explain", "-"], obj=Station(tmp_path), input=text)
    assert result.exit_code == 0
    assert result.output == (
        "line 1: Gọi 115 → Gọi một một năm (a number to call or copy after 'điện thoại', "
        "'mã số thuế'...: digit by digit)\n"
        "line 1: 9h2m2s → chín giờ hai phút hai giây (a clock time)\n"
        "line 2: 8/3 → tám tháng ba (a date after a word of time, else a fraction or a ratio)\n"
        "line 2: XKLĐ → ích ca e lờ đê (a word in capitals: spelled when it is not a Vietnamese syllable)\n")


def test_content_add_warns_about_words_it_can_only_spell_and_says_how_to_fix_them(station_dir):
    path = station_dir / "scripts_text" / "tuyen-dung.md"
    path.write_text("Cty XKLĐ tuyển lao động.\nLiên hệ ông Ng. Văn Ba, XKLĐ.\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["content", "add", str(path)], obj=Station(station_dir))
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[1:] == [
        "warning: tuyen-dung: 'XKLĐ' (line 1 of the text) can only be spelled out ('ích ca e lờ đê'); if it is "
        "read otherwise, add a line 'XKLĐ: how it is read' to a dictionary file such as tu-dien.yaml, named "
        "under 'speech:' in station.yaml as 'dictionary: tu-dien.yaml'",
        "warning: tuyen-dung: 'Ng.' (line 2 of the text) can only be spelled out ('Ng.'); if it is read "
        "otherwise, add a line 'Ng.: how it is read' to a dictionary file such as tu-dien.yaml, named under "
        "'speech:' in station.yaml as 'dictionary: tu-dien.yaml'"]


def test_content_add_names_the_station_dictionary_when_there_is_one(station_dir):
    config = station_dir / "station.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "  dictionary: tu-dien.yaml\n", encoding="utf-8")
    (station_dir / "tu-dien.yaml").write_text("Cty: công ty\n", encoding="utf-8")
    path = station_dir / "scripts_text" / "tuyen-dung.md"
    path.write_text("Cty XKLĐ tuyển lao động.\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["content", "add", str(path)], obj=Station(station_dir))
    assert result.exit_code == 0
    assert result.output.splitlines()[1].endswith(f"to the station's dictionary {station_dir / 'tu-dien.yaml'}")


def test_speak_text_of_a_folder_or_a_binary_file_is_refused_in_one_line(tmp_path):
    result = CliRunner().invoke(cli, ["speak-text", str(tmp_path)], obj=Station(tmp_path))
    assert result.exit_code == 2 and result.output == f"Error: {tmp_path}: this is a folder, not a file\n"
    binary = tmp_path / "khong-phai-van-ban.txt"
    binary.write_bytes(b"\x00\x01\x02ELF\x00")
    result = CliRunner().invoke(cli, ["speak-text", str(binary)], obj=Station(tmp_path))
    assert result.exit_code == 2 and result.output.startswith(f"Error: {binary}")
