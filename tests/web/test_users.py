"""The users page and `user reset`: adding people, resetting a forgotten passphrase, what the admin alone may do."""

from __future__ import annotations

from click.testing import CliRunner

from broadcaster.cli import cli
from broadcaster.content.library import APPROVED
from tests.helpers import NOW, OFFICER, OFFICER_PASSPHRASE, PASSPHRASE, SUPERVISOR, approved_station
from tests.web.conftest import OPERATOR, OPERATOR_PASSPHRASE, SUPERVISOR2, SUPERVISOR2_PASSPHRASE, csrf_token, log_in


def post(client, path: str, **form):
    return client.post(path, data={**form, "csrf_token": csrf_token(client, "/users/")})


def test_the_admin_sees_everyone_and_the_root_of_trust(admin, web_station):
    page = admin.get("/users/").get_data(as_text=True)
    for name in (SUPERVISOR, OFFICER, OPERATOR, SUPERVISOR2):
        assert f"<tr><td>{name}</td>" in page
    assert web_station.users.admin_fingerprint() in page


def test_the_admin_adds_an_officer_who_then_logs_in(admin, web_station, client):
    response = post(admin, "/users/add", name="Y Bhim Niê", role="officer", passphrase="mật khẩu mới toanh",
                    passphrase2="mật khẩu mới toanh", admin_passphrase=PASSPHRASE)
    assert response.status_code == 303
    assert "Y Bhim Niê added as officer" in admin.get("/users/").get_data(as_text=True)
    assert ("Y Bhim Niê", "officer") in web_station.users.names()
    admin.post("/logout", data={"csrf_token": csrf_token(admin, "/")})
    assert log_in(admin, "Y Bhim Niê", "mật khẩu mới toanh").status_code == 302


def test_adding_with_a_wrong_admin_passphrase_adds_no_one(admin, web_station):
    before = web_station.users.names()
    post(admin, "/users/add", name="Y Bhim Niê", role="officer", passphrase="mật khẩu mới toanh",
         passphrase2="mật khẩu mới toanh", admin_passphrase="không đúng")
    assert f"wrong passphrase for {SUPERVISOR}" in admin.get("/users/").get_data(as_text=True)
    assert web_station.users.names() == before


def test_two_different_new_passphrases_are_refused(admin, web_station):
    before = web_station.users.names()
    post(admin, "/users/add", name="Y Bhim Niê", role="officer", passphrase="mật khẩu mới toanh",
         passphrase2="mật khẩu mới toan", admin_passphrase=PASSPHRASE)
    assert "the two new passphrases differ" in admin.get("/users/").get_data(as_text=True)
    assert web_station.users.names() == before


def test_a_reset_passphrase_opens_the_login_and_the_old_one_no_longer_does(admin, client, web_station):
    post(admin, "/users/reset", name=OPERATOR, passphrase="mật khẩu thay thế",
         passphrase2="mật khẩu thay thế", admin_passphrase=PASSPHRASE)
    assert f"{OPERATOR} has a new passphrase" in admin.get("/users/").get_data(as_text=True)
    other = admin.application.test_client()
    assert log_in(other, OPERATOR, OPERATOR_PASSPHRASE).status_code == 401
    assert log_in(other, OPERATOR, "mật khẩu thay thế").status_code == 302


def test_the_admins_own_key_is_not_reset(admin):
    post(admin, "/users/reset", name=SUPERVISOR, passphrase="mật khẩu thay thế",
         passphrase2="mật khẩu thay thế", admin_passphrase=PASSPHRASE)
    assert (f"the passphrase of {SUPERVISOR} cannot be reset here: the admin&#39;s key is the station&#39;s root of "
            "trust") in admin.get("/users/").get_data(as_text=True)


def test_only_the_admin_may_open_or_change_the_users(client):
    log_in(client, SUPERVISOR2, SUPERVISOR2_PASSPHRASE)  # a supervisor, not the admin
    assert client.get("/users/").status_code == 403
    response = post(client, "/users/add", name="X", role="officer", passphrase="12345678", passphrase2="12345678",
                    admin_passphrase=SUPERVISOR2_PASSPHRASE)
    assert response.status_code == 403


def test_what_a_person_signed_before_a_reset_still_verifies(station_dir):
    station = approved_station(station_dir, render=False)  # signed by OFFICER, approved by SUPERVISOR
    station.users.reset(OFFICER, "mật khẩu thay thế", NOW, (SUPERVISOR, PASSPHRASE))
    assert [e.status for e in station.library.entries() if e.id in ("gioi-thieu", "khau-hieu-5k")] == [APPROVED] * 2
    assert station.users.unlock(OFFICER, "mật khẩu thay thế", {"officer"}, "add").name == OFFICER
    assert [p.name for p in station.users.people()].count(OFFICER) == 1


def test_user_reset_on_the_command_line(web_station, monkeypatch):
    monkeypatch.setenv("BROADCASTER_PASSPHRASE", PASSPHRASE)
    result = CliRunner().invoke(cli, ["user", "reset", OPERATOR, "--admin", SUPERVISOR], obj=web_station,
                                input="mật khẩu thay thế\nmật khẩu thay thế\n")
    assert result.exit_code == 0, result.output
    assert result.output.endswith(f"{OPERATOR} has a new passphrase\n")
    assert web_station.users.authenticate(OPERATOR, "mật khẩu thay thế", {"operator"}, "log in") == OPERATOR


def test_user_reset_with_a_short_passphrase_changes_nothing(web_station, monkeypatch):
    monkeypatch.setenv("BROADCASTER_PASSPHRASE", PASSPHRASE)
    before = (web_station.data_dir / "users.json").read_bytes()
    result = CliRunner().invoke(cli, ["user", "reset", OPERATOR, "--admin", SUPERVISOR], obj=web_station,
                                input="ngắn\nngắn\n")
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == "Error: the passphrase must have at least 8 characters"
    assert (web_station.data_dir / "users.json").read_bytes() == before
