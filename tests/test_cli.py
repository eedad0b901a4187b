"""The command line: help everywhere, one-line errors with file and line, exit codes, no tracebacks."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from broadcaster.cli import cli
from broadcaster.errors import InputError
from broadcaster.schedule.parser import load_schedules
from broadcaster.station import Station
from tests.helpers import (NOW, OFFICER, OFFICER_PASSPHRASE, PASSPHRASE, SUPERVISOR, approved_station, digest,
                           with_supervisor, write_schedule)


def _commands(group: click.Group, prefix=()):
    for name in group.list_commands(click.Context(group)):
        command = group.get_command(click.Context(group), name)
        yield (*prefix, name), command
        if isinstance(command, click.Group):
            yield from _commands(command, (*prefix, name))


@pytest.mark.parametrize("path", [p for p, _ in _commands(cli)], ids=" ".join)
def test_every_command_has_help(path):
    result = CliRunner().invoke(cli, [*path, "--help"], catch_exceptions=False)
    assert result.exit_code == 0
    command = cli
    for name in path:
        command = command.get_command(click.Context(command), name)
    assert command.help and len(command.help.strip()) > 10


def test_version():
    from broadcaster import __version__

    result = CliRunner().invoke(cli, ["--version"])
    assert result.output.strip() == f"broadcaster, version {__version__}"


def _fails(station_dir: Path, args: list[str], expected: str, code: int = 2, input: str | None = None) -> None:
    before = digest(station_dir)
    result = CliRunner().invoke(cli, args, obj=Station(station_dir), input=input)
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.output.splitlines()[-1] == f"Error: {expected}"
    assert digest(station_dir) == before


def test_text_that_is_not_utf8_names_file_and_line(station_dir):
    bad = station_dir / "thong-bao.txt"
    bad.write_bytes("---\nid: thong-bao\n---\nKính thưa bà con\n".encode("utf-8") + "Thông báo".encode("cp1258"))
    _fails(station_dir, ["content", "add", str(bad)],
           f"{bad}:5: not UTF-8 text (byte 0x{'Thông báo'.encode('cp1258')[2]:02x}); save the file as UTF-8")


def test_binary_file_is_refused(station_dir):
    bad = station_dir / "anh.md"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    _fails(station_dir, ["content", "add", str(bad)], f"{bad}:3: this is a binary file, not a text")


def test_broken_schedule_names_file_and_line(station_dir):
    approved_station(station_dir, ("gioi-thieu",), render=False)
    path = write_schedule(station_dir, "25:00", ["gioi-thieu"])
    _fails(station_dir, ["plan", "--date", "2026-11-25"],
           f"{path}:6: start '25:00' is not a time of day; expected HH:MM such as 05:30 or 17:00")


def test_unknown_announcement_in_schedule_names_file_and_line(station_dir):
    approved_station(station_dir, ("gioi-thieu",), render=False)
    path = write_schedule(station_dir, "05:30", ["gioi-thieu", "gioi-thieux"])
    _fails(station_dir, ["plan", "--date", "2026-11-25"],
           f"{path}:10: unknown announcement 'gioi-thieux' (did you mean 'gioi-thieu'?); "
           "'broadcaster content list' shows them")


def test_unknown_announcement_on_command_line(station_dir):
    approved_station(station_dir, ("gioi-thieu",), render=False)
    _fails(station_dir, ["content", "approve", "khong-co", "--by", "Trần Văn Bình"],
           "unknown announcement 'khong-co'; 'broadcaster content list' shows them")


def test_author_cannot_approve_own_text(station_dir):
    station = with_supervisor(station_dir)
    station.users.add("Nguyễn Thị Lan", "supervisor", "mật khẩu của Lan", NOW, (SUPERVISOR, PASSPHRASE))
    station.content.add_file(station_dir / "scripts_text" / "gioi-thieu.md", NOW)
    _fails(station_dir, ["content", "approve", "gioi-thieu", "--by", "Nguyễn Thị Lan"],
           "Nguyễn Thị Lan wrote 'gioi-thieu' and cannot also approve it: another person must",
           input="mật khẩu của Lan\n")


LAN = ("Nguyễn Thị Lan", "mật khẩu của Lan")
HOA = ("Lê Thị Hoa", "mật khẩu của Hoa")


def _text_without_author(station_dir: Path, line: str) -> Path:
    path = station_dir / "scripts_text" / "hop-dan.md"
    path.write_text(f"---\nid: hop-dan\ntitle: Họp dân\n---\n{line}\n", encoding="utf-8")
    return path


def _add(station: Station, path: Path, by: str, passphrase: str) -> None:
    result = CliRunner().invoke(cli, ["content", "add", str(path), "--by", by], obj=station, input=passphrase + "\n",
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output


# What a station with one supervisor is told when four eyes stops its only supervisor.
ONE_SUPERVISOR = ("; this station has only one supervisor: add a second one (broadcaster user add NAME --role "
                  "supervisor --admin \"Trần Văn Bình\"), or have the district approve it")


def test_who_added_a_text_cannot_approve_it_and_a_lone_supervisor_is_told_what_to_do(station_dir):
    station = with_supervisor(station_dir)
    _add(station, _text_without_author(station_dir, "Mời bà con đi họp."), SUPERVISOR, PASSPHRASE)
    _fails(station_dir, ["content", "approve", "hop-dan", "--by", SUPERVISOR],
           "Trần Văn Bình added 'hop-dan' to the library and cannot also approve it: another person must"
           + ONE_SUPERVISOR, input=PASSPHRASE + "\n")


def test_who_made_the_current_version_cannot_approve_it(station_dir):
    station = with_supervisor(station_dir)
    for name, passphrase in (LAN, HOA):
        station.users.add(name, "supervisor", passphrase, NOW, (SUPERVISOR, PASSPHRASE))
    path = _text_without_author(station_dir, "Mời bà con đi họp.")
    _add(station, path, *LAN)
    _text_without_author(station_dir, "Mời bà con đi họp lúc 8 giờ.")
    _add(station, path, SUPERVISOR, PASSPHRASE)
    _fails(station_dir, ["content", "approve", "hop-dan", "--by", SUPERVISOR],
           "Trần Văn Bình made the current version of 'hop-dan' and cannot also approve it: another person must",
           input=PASSPHRASE + "\n")
    _fails(station_dir, ["content", "approve", "hop-dan", "--by", LAN[0]],
           "Nguyễn Thị Lan added 'hop-dan' to the library and cannot also approve it: another person must",
           input=LAN[1] + "\n")
    result = CliRunner().invoke(cli, ["content", "approve", "hop-dan", "--by", HOA[0]], obj=station,
                                input=HOA[1] + "\n", catch_exceptions=False)
    assert result.output.startswith("Passphrase of Lê Thị Hoa: \nhop-dan: approved by Lê Thị Hoa\n"), result.output


def test_names_typed_decomposed_are_the_same_person(station_dir):
    decomposed = unicodedata.normalize("NFD", SUPERVISOR)
    assert decomposed != SUPERVISOR
    station = with_supervisor(station_dir)
    _add(station, _text_without_author(station_dir, "Mời bà con đi họp."), OFFICER, OFFICER_PASSPHRASE)
    result = CliRunner().invoke(cli, ["content", "approve", "hop-dan", "--by", decomposed], obj=station,
                                input=PASSPHRASE + "\n", catch_exceptions=False)
    assert "hop-dan: approved by Trần Văn Bình\n" in result.output
    _add(station, station_dir / "scripts_text" / "gioi-thieu.md", decomposed, PASSPHRASE)
    assert station.library.history("gioi-thieu")[-1]["by"] == SUPERVISOR
    _fails(station_dir, ["content", "approve", "gioi-thieu", "--by", SUPERVISOR],
           "Trần Văn Bình added 'gioi-thieu' to the library and cannot also approve it: another person must"
           + ONE_SUPERVISOR, input=PASSPHRASE + "\n")
    with pytest.raises(InputError, match="'Trần Văn Bình' is already a person of this station"):
        station.users.add(decomposed, "operator", "mật khẩu mới", NOW, (decomposed, PASSPHRASE))


def test_not_a_station_folder(tmp_path):
    result = CliRunner().invoke(cli, ["--station", str(tmp_path), "content", "list"])  # no station: Vietnamese
    assert result.exit_code == 2
    assert result.output == (f"Lỗi: {tmp_path}: không phải thư mục của một đài: không có tệp station.yaml "
                             "(tạo đài mới bằng 'broadcaster init')\n")
    result = CliRunner().invoke(cli, ["--station", str(tmp_path), "--lang", "en", "content", "list"])
    assert result.exit_code == 2
    assert result.output == (f"Error: {tmp_path}: not a station folder: there is no station.yaml "
                             "(create one with 'broadcaster init')\n")


def test_content_workflow_from_the_command_line(station_dir):
    runner = CliRunner()
    station = Station(station_dir)
    text = str(station_dir / "scripts_text" / "khau-hieu-5k.md")
    result = runner.invoke(cli, ["content", "add", text], obj=station, catch_exceptions=False)
    assert result.output == "khau-hieu-5k: added (draft)\n"
    result = runner.invoke(cli, ["content", "add", text], obj=station, catch_exceptions=False)
    assert result.output == "khau-hieu-5k: unchanged (draft)\n"
    with_supervisor(station_dir)
    result = runner.invoke(cli, ["content", "approve", "khau-hieu-5k", "--by", SUPERVISOR], obj=station,
                           input=PASSPHRASE + "\n")
    assert result.exit_code == 2
    assert result.output.endswith("Error: nobody signed the current version of 'khau-hieu-5k' (changed outside the "
                                  "program, or added without --by): an officer claims it first: broadcaster content "
                                  "claim khau-hieu-5k --by NAME\n")
    result = runner.invoke(cli, ["content", "claim", "khau-hieu-5k", "--by", OFFICER], obj=station,
                           input=OFFICER_PASSPHRASE + "\n")
    assert result.output == f"Passphrase of {OFFICER}: \nkhau-hieu-5k: the current version is now made by {OFFICER}\n"
    result = runner.invoke(cli, ["content", "approve", "khau-hieu-5k", "--by", SUPERVISOR], obj=station,
                           input=PASSPHRASE + "\n", catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "khau-hieu-5k: approved by Trần Văn Bình\n  Tiếng Việt (vie): " in result.output
    assert "LUFS" in result.output
    result = runner.invoke(cli, ["content", "show", "khau-hieu-5k"], obj=station, catch_exceptions=False)
    assert "Khẩu trang, Khử khuẩn, Khoảng cách" in result.output
    assert "approved" in result.output and "Trần Văn Bình" in result.output
    result = runner.invoke(cli, ["render", "--dry-run"], obj=station, catch_exceptions=False)
    assert result.output.strip() == "0 to render"


def test_init_creates_a_station_and_refuses_to_overwrite(tmp_path):
    runner = CliRunner()
    target = tmp_path / "xa-moi"
    result = runner.invoke(cli, ["init", str(target), "--name", "Đài xã Ea Kao: thử"], catch_exceptions=False)
    assert result.exit_code == 0
    assert Station(target).config.name == "Đài xã Ea Kao: thử"
    assert all((target / d).is_dir() for d in ("scripts_text", "audio", "schedules", "data"))
    again = runner.invoke(cli, ["--lang", "en", "init", str(target)])
    assert again.exit_code == 2 and "a station already exists here" in again.output


def test_init_makes_a_vietnamese_station_unless_told_otherwise(tmp_path):
    runner = CliRunner()
    runner.invoke(cli, ["--lang", "en", "init", str(tmp_path / "vi")], catch_exceptions=False)
    assert "\nlanguage: vi " in (tmp_path / "vi" / "station.yaml").read_text(encoding="utf-8")
    assert Station(tmp_path / "vi").config.language == "vi"
    runner.invoke(cli, ["init", str(tmp_path / "en"), "--language", "en"], catch_exceptions=False)
    assert Station(tmp_path / "en").config.language == "en"


def test_init_writes_an_example_schedule_that_check_accepts_and_that_works_uncommented(tmp_path):
    target = tmp_path / "xa-moi"
    assert CliRunner().invoke(cli, ["init", str(target), "--name", "Đài xã", "--language", "en"]).exit_code == 0
    example = target / "schedules" / "vi-du.yaml"
    lines = example.read_text(encoding="utf-8").splitlines()
    assert [line for line in lines if not line.startswith("#")] == ["outputs: {}", "sessions: []"]
    result = CliRunner().invoke(cli, ["schedule", "check"], obj=Station(target), catch_exceptions=False)
    assert result.exit_code == 0 and result.output.endswith("the schedule is fine\n"), result.output
    uncommented = "\n".join(line[2:] for line in lines[5:]) + "\n"
    (tmp_path / "lich.yaml").write_text(uncommented, encoding="utf-8")
    sessions = load_schedules([tmp_path / "lich.yaml"]).sessions
    assert [s.days for s in sessions] == [frozenset({0, 2, 4}), frozenset({6})]


def test_content_add_checks_every_file_before_adding_any(station_dir):
    bad = station_dir / "audio" / "hong.wav"
    bad.write_bytes(b"RIFF\x00\x00")
    _fails(station_dir, ["content", "add", str(station_dir / "scripts_text" / "gioi-thieu.md"), str(bad),
                         "--lang", "rad", "--id", "gioi-thieu"],
           "--id names one announcement: give one clip at a time")
    good = station_dir / "audio" / "tot.txt"
    good.write_text("---\nid: tot\n---\nThông báo.\n", encoding="utf-8")
    before = digest(station_dir)
    result = CliRunner().invoke(cli, ["content", "add", str(good), str(bad)], obj=Station(station_dir))
    assert result.exit_code == 2 and "hong.wav" in result.output.splitlines()[-1]
    assert digest(station_dir) == before
