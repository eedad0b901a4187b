"""Choosing the language of the messages: station.yaml's 'language:', BROADCASTER_LANG or --lang over it;
English by default; the choice lasts one command."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from broadcaster.cli import cli
from broadcaster.messages import t
from broadcaster.station import Station

BROKEN_START_VI = ("Lỗi: {file}:{line}: start '25:00' không phải là giờ trong ngày; cần viết HH:MM, ví dụ 05:30 "
                   "hoặc 17:00")
BROKEN_START_EN = "Error: {file}:{line}: start '25:00' is not a time of day; expected HH:MM such as 05:30 or 17:00"


@pytest.fixture(autouse=True)
def no_language_variable(monkeypatch):
    monkeypatch.delenv("BROADCASTER_LANG", raising=False)


@pytest.fixture
def broken(station_dir: Path) -> dict[str, object]:
    """The sample schedule with its first start at 25:00: the file and line the message names."""
    path = station_dir / "schedules" / "hang-ngay.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith("start:"))
    lines[start] = lines[start].split("start:")[0] + 'start: "25:00"'
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {"file": path, "line": start + 1}


def _run(station_dir: Path, args: list[str], env: dict[str, str] | None = None):
    result = CliRunner().invoke(cli, args, obj=Station(station_dir), env=env)
    assert "Traceback" not in result.output
    return result


def _set_language(station_dir: Path, value: str) -> None:
    config = station_dir / "station.yaml"
    config.write_text(config.read_text(encoding="utf-8") + f"language: {value}\n", encoding="utf-8")


def test_schedule_check_in_vietnamese_with_lang(station_dir, broken):
    result = _run(station_dir, ["--lang", "vi", "schedule", "check"])
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == BROKEN_START_VI.format(**broken)
    assert t("the schedule is fine") == "the schedule is fine"  # the choice ended with the command


def test_english_by_default(station_dir, broken):
    result = _run(station_dir, ["schedule", "check"])
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == BROKEN_START_EN.format(**broken)


def test_the_station_chooses_vietnamese(station_dir, broken):
    _set_language(station_dir, "vi")
    result = _run(station_dir, ["schedule", "check"])
    assert result.output.splitlines()[-1] == BROKEN_START_VI.format(**broken)


def test_lang_and_the_variable_override_the_station(station_dir, broken):
    _set_language(station_dir, "vi")
    assert _run(station_dir, ["--lang", "en", "schedule", "check"]).output.splitlines()[-1] == \
        BROKEN_START_EN.format(**broken)
    assert _run(station_dir, ["schedule", "check"], env={"BROADCASTER_LANG": "en"}).output.splitlines()[-1] == \
        BROKEN_START_EN.format(**broken)
    _set_language(station_dir, "en")  # a second 'language:' key is refused by YAML itself: use a fresh file
    (station_dir / "station.yaml").write_text("language: en\n", encoding="utf-8")
    assert _run(station_dir, ["schedule", "check"], env={"BROADCASTER_LANG": "vi"}).output.splitlines()[-1] == \
        BROKEN_START_VI.format(**broken)


def test_a_whole_command_speaks_vietnamese(station_dir):
    result = _run(station_dir, ["--lang", "vi", "schedule", "check"])
    assert result.exit_code == 1, result.output  # drafts in the schedule will not air: said loudly (issue 17)
    lines = result.output.splitlines()
    assert lines[0].startswith("Kế hoạch phát ngày ")
    assert "┃ bắt đầu " in lines[2] and " tiêu đề " in lines[2]
    schedule = station_dir / "schedules" / "hang-ngay.yaml"
    assert f"cảnh báo: 05:30 Buổi sáng: bỏ qua 'gioi-thieu': chưa được duyệt (bản nháp) ({schedule}:14)" in lines
    assert lines[-1] == ("KHÔNG PHÁT: 9 mục trong kế hoạch sẽ không được phát, vì các lý do trên. Hãy duyệt những gì "
                         "bị bỏ qua ('broadcaster content approve MÃ --by TÊN'), dựng âm thanh ('broadcaster render'),"
                         " hoặc bỏ chúng khỏi lịch phát.")


def test_an_unknown_station_language_names_the_file_and_line_in_the_language_chosen(station_dir):
    _set_language(station_dir, "vn")
    config = station_dir / "station.yaml"
    line = len(config.read_text(encoding="utf-8").splitlines())
    result = _run(station_dir, ["plan"])
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == f"Error: {config}:{line}: unknown language 'vn'; expected one of: en, vi"
    result = _run(station_dir, ["--lang", "vi", "plan"])
    assert result.output.splitlines()[-1] == \
        f"Lỗi: {config}:{line}: ngôn ngữ 'vn' không hợp lệ; các giá trị hợp lệ: en, vi"


def test_a_station_that_cannot_be_read_still_gets_its_error(tmp_path):
    # No station.yaml here: the language falls back to the one chosen, and the command says what is wrong.
    result = _run(tmp_path, ["--lang", "vi", "plan"])
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == (f"Lỗi: {tmp_path}: không phải thư mục của một đài: không có tệp "
                                              f"station.yaml (tạo đài mới bằng 'broadcaster init')")


def test_an_unknown_lang_is_a_usage_error(station_dir):
    result = _run(station_dir, ["--lang", "fr", "plan"])
    assert result.exit_code == 2
    assert "Invalid value for '--lang': 'fr' is not one of 'en', 'vi'." in result.output


def test_the_sample_station_speaks_vietnamese():
    """The repository is the sample station: the commands run from it (and `demo`) speak Vietnamese."""
    from tests.conftest import ROOT

    assert Station(ROOT).config.language == "vi"


@pytest.mark.parametrize("args, lang, last", [
    (["conten"], "vi", "Lỗi: Không có lệnh 'conten'. Có phải ý bạn là: content?"),
    (["content", "shw"], "en", "Error: No such command 'shw'. Did you mean: show?")])
def test_a_mistyped_command_is_told_with_the_nearest(station_dir, args, lang, last):
    result = CliRunner().invoke(cli, ["--lang", lang, *args], obj=Station(station_dir))
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == last
