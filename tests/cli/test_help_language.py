"""--help and click's own usage lines and errors speak the station's language: Vietnamese for a Vietnamese
station and where there is no station, English for an English one or when --lang / BROADCASTER_LANG says so."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from broadcaster.cli import cli
from broadcaster.station import Station


@pytest.fixture(autouse=True)
def no_language_variable(monkeypatch):
    monkeypatch.delenv("BROADCASTER_LANG", raising=False)


@pytest.fixture
def vietnamese(station_dir: Path) -> Path:
    config = station_dir / "station.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "language: vi\n", encoding="utf-8")
    return station_dir


def _run(root: Path, args: list[str], env: dict[str, str] | None = None):
    return CliRunner().invoke(cli, args, obj=Station(root), env=env, prog_name="broadcaster")


ADD_HELP_VI = """\
Cách dùng: broadcaster content add [OPTIONS] FILES...

  Thêm văn bản (.md, .txt, Word .docx, OpenDocument .odt) hoặc đoạn ghi âm (WAV,
  MP3, M4A, AMR, OGG, FLAC).

Tuỳ chọn:
  --by NAME      Người thêm, kèm mật khẩu: người đó ký bản này (nếu không, một
                 cán bộ phải nhận bản đó).
  --id ID        Mã của thông báo (mặc định: mã trong phần đầu, nếu không thì
                 làm từ tên tệp); với đoạn ghi âm: thông báo mà nó thuộc về.
  --lang CODE    Với bản ghi âm: ngôn ngữ của nó, mã ISO 639-3 (vie, rad, jra,
                 cmo, ...).
  --topic TOPIC  Chủ đề (thay chủ đề trong phần đầu; mặc định: general).
  --title TEXT   Tiêu đề (thay tiêu đề trong phần đầu; mặc định: dòng đầu tiên).
  --help         Hiện hướng dẫn này rồi thoát.
"""

ADD_HELP_EN = """\
Usage: broadcaster content add [OPTIONS] FILES...

  Add texts (.md, .txt, Word .docx, OpenDocument .odt) or recorded clips (WAV,
  MP3, M4A, AMR, OGG, FLAC).

Options:
  --by NAME      Who adds, with their passphrase: they sign the version (without
                 it, an officer must claim it).
  --id ID        The announcement's id (default: its header's, else made from
                 the file name); for a clip, the announcement it belongs to.
  --lang CODE    For a clip: its language, ISO 639-3 (vie, rad, jra, cmo, ...).
  --topic TOPIC  Its topic (over its header's; default: general).
  --title TEXT   Its title (over its header's; default: its first line).
  --help         Show this message and exit.
"""


def test_a_vietnamese_station_gets_its_help_in_vietnamese_and_an_english_one_in_english(vietnamese, tmp_path):
    result = _run(vietnamese, ["content", "add", "--help"])
    assert (result.exit_code, result.output) == (0, ADD_HELP_VI)
    english = tmp_path / "en"
    english.mkdir()
    (english / "station.yaml").write_text("language: en\n", encoding="utf-8")
    # The same command objects, right after: nothing of the Vietnamese help stays behind.
    result = _run(english, ["content", "add", "--help"])
    assert (result.exit_code, result.output) == (0, ADD_HELP_EN)


def test_without_a_station_the_help_is_vietnamese(tmp_path):
    result = _run(tmp_path, ["--help"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "Cách dùng: broadcaster [OPTIONS] COMMAND [ARGS]..."
    assert lines[2] == "  Đài truyền thanh xã: thông báo đã duyệt, đọc bằng máy không cần mạng, phát"
    assert "Tuỳ chọn:" in lines and "Lệnh:" in lines
    assert "  --version       Hiện phiên bản rồi thoát." in lines
    assert "  --help          Hiện hướng dẫn này rồi thoát." in lines
    assert "  user         Người của đài: người vận hành, cán bộ, người duyệt." in lines
    assert "  --station DIR   Thư mục của đài (hoặc biến BROADCASTER_STATION).  [mặc định:" in lines
    lines = _run(tmp_path, ["log", "--help"]).output.splitlines()
    assert "  --date DD/MM/YYYY               Một ngày (mặc định hôm nay)." in lines  # the form people write


@pytest.mark.parametrize("args", [["--lang", "en", "content", "add", "--help"],
                                  ["--help", "--lang", "en"],  # --lang after --help still counts
                                  ["content", "add", "--help"]])
def test_lang_or_the_variable_asks_for_english_help(vietnamese, args):
    result = _run(vietnamese, args, env={"BROADCASTER_LANG": "en"} if "--lang" not in args else None)
    assert result.exit_code == 0
    assert result.output.startswith("Usage: broadcaster ")
    assert "  --help " in result.output and "Show this message and exit." in result.output


def test_the_english_help_of_a_vietnamese_station_asked_before_the_vietnamese(vietnamese):
    assert _run(vietnamese, ["--lang", "en", "content", "add", "--help"]).output == ADD_HELP_EN
    assert _run(vietnamese, ["content", "add", "--help"]).output == ADD_HELP_VI


def test_click_usage_errors_in_vietnamese(vietnamese, tmp_path):
    result = _run(vietnamese, ["content", "add"])
    assert (result.exit_code, result.output) == (2, "Cách dùng: broadcaster content add [OPTIONS] FILES...\n"
                                                    "Xem hướng dẫn: 'broadcaster content add --help'.\n\n"
                                                    "Lỗi: Thiếu tham số 'FILES...'.\n")
    result = _run(tmp_path, ["--nope"])
    assert (result.exit_code, result.output) == (2, "Cách dùng: broadcaster [OPTIONS] COMMAND [ARGS]...\n"
                                                    "Xem hướng dẫn: 'broadcaster --help'.\n\n"
                                                    "Lỗi: Không có tuỳ chọn: --nope\n")
    result = _run(vietnamese, ["content", "lst"])
    assert result.exit_code == 2 and result.output.endswith("Lỗi: Không có lệnh 'lst'. Có phải ý bạn là: list?\n")
    result = _run(tmp_path, ["--lang", "fr", "plan"])
    assert result.exit_code == 2 and result.output.endswith(
        "Lỗi: Giá trị không hợp lệ cho '--lang': 'fr' không phải là một trong 'en', 'vi'.\n")
    result = _run(vietnamese, ["log", "--status", "gone"])
    assert result.exit_code == 2 and "Lỗi: Giá trị không hợp lệ cho '--status': 'gone' không phải là một trong" \
        in result.output


def test_click_usage_errors_in_english_for_an_english_station(station_dir):
    result = _run(station_dir, ["content", "add"])
    assert (result.exit_code, result.output) == (2, "Usage: broadcaster content add [OPTIONS] FILES...\n"
                                                    "Try 'broadcaster content add --help' for help.\n\n"
                                                    "Error: Missing argument 'FILES...'.\n")
    result = _run(station_dir, ["--nope"])
    assert result.exit_code == 2 and result.output.endswith("Error: No such option: --nope\n")


def test_every_command_has_help_in_both_languages(vietnamese, tmp_path):
    english = tmp_path / "en"
    english.mkdir()
    (english / "station.yaml").write_text("language: en\n", encoding="utf-8")

    def commands(group, path):
        for name in group.list_commands(click.Context(group)):
            command = group.get_command(click.Context(group), name)
            yield [*path, name]
            yield from commands(command, [*path, name]) if isinstance(command, click.Group) else ()

    for path in commands(cli, []):
        vi, en = _run(vietnamese, [*path, "--help"]), _run(english, [*path, "--help"])
        assert vi.exit_code == en.exit_code == 0, path
        assert vi.output.startswith("Cách dùng: ") and en.output.startswith("Usage: "), path
        # The help paragraph (its third line) differs: the Vietnamese is a translation, not the English left as is.
        assert vi.output.splitlines()[2] != en.output.splitlines()[2], path


def test_a_station_yaml_with_a_mistake_is_reported_in_the_language_it_names(vietnamese):
    config = vietnamese / "station.yaml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("Asia/Ho_Chi_Minh", "Asia/Hanoi"), encoding="utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if row.startswith("timezone:"))
    result = _run(vietnamese, ["plan"])
    assert (result.exit_code, result.output) == (
        2, f"Lỗi: {config}:{line}: múi giờ 'Asia/Hanoi' không hợp lệ; ở Việt Nam dùng Asia/Ho_Chi_Minh\n")
    config.write_text("language: vi\ntimezone: [\n", encoding="utf-8")  # not even YAML: English, as with no language
    result = _run(vietnamese, ["plan"])
    assert result.exit_code == 2 and result.output.startswith(f"Error: {config}:")
