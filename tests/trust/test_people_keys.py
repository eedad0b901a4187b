"""People's keys: records signed back to the admin, edits of any field found, wrong passphrases limited."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from broadcaster.cli import cli
from broadcaster.content.users import LOCK_S, MAX_TRIES, AuthError, Users
from broadcaster.station import Station, init_station
from broadcaster.trust import keys
from tests.helpers import NOW, PASSPHRASE, SUPERVISOR

OFFICER, OFFICER_PASS = "Lê Văn Cường", "mật khẩu cán bộ"


@pytest.fixture
def station(tmp_path) -> Station:
    station = init_station(tmp_path / "s", "Xã Thử")
    station.users.add(SUPERVISOR, "supervisor", PASSPHRASE, NOW, None)
    station.users.add(OFFICER, "officer", OFFICER_PASS, NOW, (SUPERVISOR, PASSPHRASE))
    return station


def _records(station: Station) -> tuple[dict, list]:
    path = station.data_dir / "users.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    return data, list(data["users"].values())


def _save(station: Station, data: dict) -> None:
    (station.data_dir / "users.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_everyone_verifies_and_the_admin_is_the_root_of_trust(station):
    people = {p.name: p for p in station.users.people()}
    assert [p.reason for p in people.values()] == ["", ""]
    assert station.users.admin_fingerprint() == people[SUPERVISOR].fingerprint
    assert station.users.unlock(OFFICER, OFFICER_PASS, {"officer"}, "sign").name == OFFICER


def test_the_first_person_must_be_a_supervisor(tmp_path):
    station = init_station(tmp_path / "s", "Xã Thử")
    with pytest.raises(Exception, match="the first person of a station is its admin and must be a supervisor"):
        station.users.add(OFFICER, "officer", OFFICER_PASS, NOW, None)
    assert station.users.names() == []


@pytest.mark.parametrize("field, value", [
    ("name", "Người Lạ"), ("role", "supervisor"), ("added", "2020-01-01T00:00:00+07:00"), ("by", "Người Lạ"),
    ("kind", "station"), ("public", keys.b64(keys.public_raw(keys.new_key()))),
    ("signer", keys.b64(keys.public_raw(keys.new_key()))), ("signature", keys.b64(b"x" * 64)),
    ("signature", "không phải base64")])
def test_an_edit_of_any_field_of_a_person_leaves_them_unverified(station, field, value):
    data, records = _records(station)
    officer = next(r for r in records if r["person"]["name"] == OFFICER)
    officer["person"][field] = value
    _save(station, data)
    people = {p.name: p for p in station.users.people()}
    edited = people[value if field == "name" else OFFICER]
    assert edited.reason, edited
    assert people[SUPERVISOR].reason == ""
    with pytest.raises(AuthError, match="cannot sign: their record does not verify"):
        station.users.unlock(edited.name, OFFICER_PASS, {"officer", "supervisor"}, "sign")


def test_a_person_made_by_someone_with_write_access_is_not_trusted(station):
    """Self-signed with a new key: it verifies as a signature, but no supervisor signed it."""
    data, records = _records(station)
    key = keys.new_key()
    from broadcaster.trust import statements
    person = {"kind": "person", "name": "Kẻ Giả", "role": "supervisor", "public": keys.b64(keys.public_raw(key)),
              "added": "2026-01-01T00:00:00+07:00", "by": "Kẻ Giả"}
    data["users"]["99"] = {"v": 2, "person": statements.signed(person, key), "key": keys.seal(key, "mật khẩu giả")}
    _save(station, data)
    fake = {p.name: p for p in station.users.people()}["Kẻ Giả"]
    assert fake.reason == "not signed by a supervisor of this station"


def test_a_swapped_admin_key_untrusts_everyone(station):
    station.users.root.write_text(keys.b64(keys.public_raw(keys.new_key())) + "\n", encoding="ascii")
    assert all(p.reason for p in station.users.people())


def test_wrong_passphrases_lock_a_person_out_for_a_while_and_are_recorded(station):
    clock = [1_000_000.0]
    users = Users(station.data_dir / "users.json", station.users.root, clock=lambda: clock[0])
    for _ in range(MAX_TRIES):
        with pytest.raises(AuthError, match="wrong passphrase"):
            users.unlock(OFFICER, "sai mật khẩu", {"officer"}, "sign")
    with pytest.raises(AuthError, match=f"gave a wrong passphrase {MAX_TRIES} times: locked until"):
        users.unlock(OFFICER, OFFICER_PASS, {"officer"}, "sign")  # even the right one, while locked
    clock[0] += LOCK_S
    assert users.unlock(OFFICER, OFFICER_PASS, {"officer"}, "sign").name == OFFICER
    assert users._failures(OFFICER) == []
    tries = json.loads((station.data_dir / "tries.json").read_text(encoding="utf-8"))["failures"]
    assert len(tries) == MAX_TRIES and all(r["cleared"] and r["name"] == OFFICER for r in tries.values())


@pytest.mark.parametrize("name, passphrase", [(OFFICER, "sai mật khẩu"), ("Người Lạ", OFFICER_PASS),
                                              ("le van", OFFICER_PASS), ("", "")])
def test_a_sign_in_tells_nothing_of_which_names_exist_and_locks_no_one(station, name, passphrase):
    for _ in range(MAX_TRIES + 1):
        with pytest.raises(AuthError) as refused:
            station.users.sign_in(name, passphrase)
        assert str(refused.value) == "wrong name or passphrase"
    assert station.users._failures(OFFICER) == []  # the caller counts; the person is not locked everywhere
    assert station.users.sign_in(OFFICER, OFFICER_PASS).name == OFFICER


def test_init_and_identity_show_the_fingerprints(tmp_path):
    result = CliRunner().invoke(cli, ["--lang", "en", "init", str(tmp_path / "s"), "--name", "Xã Thử", "--language", "en"])
    assert result.exit_code == 0, result.output
    station = Station(tmp_path / "s")
    station_fp = keys.fingerprint(keys.public_raw(station.station_key))
    assert f"Station key: {station_fp}\n" in result.output
    result = CliRunner().invoke(cli, ["user", "add", SUPERVISOR, "--role", "supervisor"], obj=station,
                                input=PASSPHRASE + "\n" + PASSPHRASE + "\n")
    assert result.exit_code == 0, result.output
    admin_fp = station.users.admin_fingerprint()
    assert result.output.endswith(f"{SUPERVISOR} is the admin; the station's root of trust is {admin_fp}\n")
    result = CliRunner().invoke(cli, ["identity"], obj=Station(tmp_path / "s"))
    assert result.exit_code == 0
    assert result.output == f"Station: Xã Thử\nStation key: {station_fp}\nAdmin (root of trust): {admin_fp}\n"


def test_wrong_tries_say_how_many_are_left_and_the_lock_says_until_when_in_station_time(station):
    start = dt.datetime(2026, 12, 4, 9, 0, tzinfo=dt.timezone.utc).timestamp()  # 16:00 at the station (UTC+7)
    users = Users(station.data_dir / "users.json", station.users.root, clock=lambda: start,
                  tz=dt.timezone(dt.timedelta(hours=7)))
    said = []
    for _ in range(MAX_TRIES):
        with pytest.raises(AuthError) as refused:
            users.unlock(OFFICER, "sai mật khẩu", {"officer"}, "sign")
        said.append(str(refused.value))
    assert said[:4] == [f"wrong passphrase for {OFFICER}",
                        f"wrong passphrase for {OFFICER}; 3 more tries before it is locked for 15 minutes",
                        f"wrong passphrase for {OFFICER}; 2 more tries before it is locked for 15 minutes",
                        f"wrong passphrase for {OFFICER}; 1 more try before it is locked for 15 minutes"]
    locked = (f"{OFFICER} gave a wrong passphrase 5 times: locked until 16:15; try again then, or ask a supervisor "
              f"to reset it (broadcaster user reset \"{OFFICER}\" --admin NAME)")
    assert said[4] == locked
    with pytest.raises(AuthError) as refused:
        users.unlock(OFFICER, OFFICER_PASS, {"officer"}, "sign")
    assert str(refused.value) == locked
