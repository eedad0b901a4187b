"""The user commands: the supervisor who allows a new person is checked before any new passphrase is asked."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from broadcaster.cli import cli
from broadcaster.station import Station
from tests.helpers import NOW, PASSPHRASE, SUPERVISOR, with_supervisor

NEW = ["user", "add", "Y Bhim Niê", "--role", "operator", "--admin"]


@pytest.fixture(autouse=True)
def _asked(monkeypatch):
    monkeypatch.delenv("BROADCASTER_PASSPHRASE", raising=False)


def _invoke(station_dir, args: list[str], answers: str):
    return CliRunner().invoke(cli, args, obj=Station(station_dir), input=answers)


def test_an_unknown_admin_is_refused_before_any_passphrase(station_dir):
    with_supervisor(station_dir)
    result = _invoke(station_dir, [*NEW, "Nguyễn Thị Hoa"], "mật khẩu mới\n" * 3)
    assert result.exit_code == 2
    assert result.output == ("Error: 'Nguyễn Thị Hoa' is not a person of this station ('broadcaster user list' "
                             "shows them)\n")


def test_the_admins_passphrase_is_checked_before_the_new_one_is_asked(station_dir):
    with_supervisor(station_dir)
    result = _invoke(station_dir, [*NEW, SUPERVISOR], "sai mật khẩu\n" + "mật khẩu mới\n" * 2)
    assert result.exit_code == 2
    assert result.output == "Passphrase of Trần Văn Bình: \nError: wrong passphrase for Trần Văn Bình\n"


def test_the_new_passphrase_prompt_says_its_minimum(station_dir):
    with_supervisor(station_dir)
    result = _invoke(station_dir, [*NEW, SUPERVISOR], PASSPHRASE + "\n" + "mật khẩu mới\n" * 2)
    assert result.exit_code == 0, result.output
    assert "New passphrase for Y Bhim Niê (at least 8 characters): " in result.output
    assert result.output.endswith("Y Bhim Niê added as operator\n")
    assert ("Y Bhim Niê", "operator") in Station(station_dir).users.names()


@pytest.mark.parametrize("typed", ["tran van binh", "TRAN VAN BINH", "Tran  Van Binh", "trần văn bình"])
def test_a_name_typed_without_accents_or_capitals_finds_the_person(station_dir, typed):
    with_supervisor(station_dir)
    result = _invoke(station_dir, [*NEW, typed], PASSPHRASE + "\n" + "mật khẩu mới\n" * 2)
    assert result.exit_code == 0, result.output
    assert result.output.endswith("Y Bhim Niê added as operator\n")
    assert ("Y Bhim Niê", "operator") in Station(station_dir).users.names()


def test_a_name_that_fits_two_people_without_accents_lists_them(station_dir):
    station = with_supervisor(station_dir)
    station.users.add("Trần Văn Bính", "supervisor", PASSPHRASE, NOW, (SUPERVISOR, PASSPHRASE))
    result = _invoke(station_dir, [*NEW, "tran van binh"], PASSPHRASE + "\n" + "mật khẩu mới\n" * 2)
    assert result.exit_code == 2
    assert result.output == ("Error: 'tran van binh' could be any of: Trần Văn Bình, Trần Văn Bính; type the name "
                             "with its accents\n")
    exact = _invoke(station_dir, [*NEW, "Trần Văn Bính"], PASSPHRASE + "\n" + "mật khẩu mới\n" * 2)
    assert exact.exit_code == 0, exact.output


def test_a_misspelt_name_lists_the_nearest_people(station_dir):
    with_supervisor(station_dir)
    result = _invoke(station_dir, [*NEW, "tran van bin"], "mật khẩu mới\n" * 3)
    assert result.exit_code == 2
    assert result.output == ("Error: 'tran van bin' is not a person of this station; did you mean: "
                             "Trần Văn Bình?\n")
    part = _invoke(station_dir, [*NEW, "soan"], "mật khẩu mới\n" * 3)
    assert part.output == "Error: 'soan' is not a person of this station; did you mean: Lê Thị Soạn?\n"


def test_an_unknown_person_is_refused_before_the_passphrase_and_a_known_one_is_asked_by_their_name(station_dir):
    with_supervisor(station_dir)
    unknown = _invoke(station_dir, ["content", "approve", "gioi-thieu", "--by", "Tran Van Binhh"], PASSPHRASE + "\n")
    assert unknown.exit_code == 2
    assert unknown.output == ("Error: 'Tran Van Binhh' is not a person of this station; did you mean: "
                              "Trần Văn Bình?\n")
    asked = _invoke(station_dir, ["content", "claim", "gioi-thieu", "--by", "tran van binh"], "sai mật khẩu\n")
    assert asked.output.splitlines() == ["Passphrase of Trần Văn Bình: ", "Error: wrong passphrase for Trần Văn Bình"]


def test_nothing_on_standard_input_is_said_in_one_line(station_dir):
    with_supervisor(station_dir)
    result = _invoke(station_dir, ["content", "claim", "gioi-thieu", "--by", SUPERVISOR], "")
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == ("Error: no passphrase given for Trần Văn Bình: nothing on standard "
                                              "input (type it at a terminal, or set BROADCASTER_PASSPHRASE)")


def test_scripts_give_the_new_persons_passphrase_in_the_environment(station_dir, monkeypatch, tmp_path):
    with_supervisor(station_dir)
    monkeypatch.setenv("BROADCASTER_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("BROADCASTER_NEW_PASSPHRASE", "mật khẩu mới")
    result = _invoke(station_dir, [*NEW, SUPERVISOR], "")
    assert (result.exit_code, result.output) == (0, "Y Bhim Niê added as operator\n")
    assert Station(station_dir).users.unlock("Y Bhim Niê", "mật khẩu mới", {"operator"}, "sign").name == "Y Bhim Niê"
    first = tmp_path / "first"
    first.mkdir()
    (first / "station.yaml").write_text("name: Xã Thử\n", encoding="utf-8")
    result = _invoke(first, ["user", "add", "Lê Văn Đầu", "--role", "supervisor"], "")
    assert result.exit_code == 0, result.output
    assert Station(first).users.unlock("Lê Văn Đầu", PASSPHRASE, {"supervisor"}, "sign").name == "Lê Văn Đầu"


def test_two_different_new_passphrases_are_refused(station_dir):
    with_supervisor(station_dir)
    result = _invoke(station_dir, [*NEW, SUPERVISOR], PASSPHRASE + "\nmật khẩu mới\nmật khẩu khác\n")
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == "Error: the two passphrases typed for Y Bhim Niê differ"
