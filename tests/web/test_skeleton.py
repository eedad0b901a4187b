"""The skeleton every page stands on: login, sessions that expire, CSRF, headers, language, the serve command."""

from __future__ import annotations

import datetime as dt
import socket

from click.testing import CliRunner

from broadcaster.cli import cli
from broadcaster.web.security import SECRET_FILE
from tests.helpers import PASSPHRASE, SUPERVISOR
from tests.web.conftest import OPERATOR, OPERATOR_PASSPHRASE, csrf_token, log_in


def test_a_page_without_a_session_leads_to_the_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/"


def test_logging_in_opens_the_page_asked_for_and_names_the_person(client):
    client.get("/users/")
    token = csrf_token(client)
    response = client.post("/login?next=/users/", data={"name": SUPERVISOR, "passphrase": PASSPHRASE,
                                                        "csrf_token": token})
    assert response.headers["Location"] == "/users/"
    page = client.get("/users/").get_data(as_text=True)
    assert f"<span>{SUPERVISOR} (supervisor)</span>" in page


def test_a_login_link_never_leads_off_the_site(client):
    token = csrf_token(client)
    response = client.post("/login?next=//evil.example/", data={"name": SUPERVISOR, "passphrase": PASSPHRASE,
                                                                 "csrf_token": token})
    assert response.headers["Location"] == "/"


def test_a_wrong_passphrase_does_not_say_whether_the_name_exists(client):
    wrong = log_in(client, SUPERVISOR, "not the passphrase")
    unknown = log_in(client, "Không Có Ai", "not the passphrase")
    assert wrong.status_code == unknown.status_code == 401
    for response in (wrong, unknown):
        assert "wrong name or passphrase" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_the_session_cookie_is_httponly_samesite_strict_and_expires(client):
    response = log_in(client)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Expires=" in cookie
    assert "Secure" not in cookie  # plain http on the LAN: a Secure cookie would never come back


def test_over_https_the_cookie_is_secure(client):
    token = csrf_token(client)
    response = client.post("/login", base_url="https://localhost",
                           data={"name": SUPERVISOR, "passphrase": PASSPHRASE, "csrf_token": token},
                           headers={"Referer": "https://localhost/login"})
    assert "Secure" in response.headers["Set-Cookie"]


def test_a_session_ends_after_an_idle_hour_and_after_eight_hours(admin, clock):
    start = clock.at
    for minutes in (59, 118, 177, 236, 295, 354, 413, 472):  # busy, never idle an hour
        clock.at = start + dt.timedelta(minutes=minutes)
        assert admin.get("/").status_code == 200, minutes
    clock.at = start + dt.timedelta(hours=8, minutes=1)
    assert admin.get("/").status_code == 302


def test_an_idle_session_ends(admin, clock):
    clock.at += dt.timedelta(minutes=61)
    assert admin.get("/").headers["Location"] == "/login?next=/"


def test_a_role_not_allowed_is_refused(operator):
    response = operator.get("/users/")
    assert response.status_code == 403
    assert "this page is for: admin" in response.get_data(as_text=True)


def test_the_menu_shows_only_the_pages_the_person_may_open(operator):
    page = operator.get("/").get_data(as_text=True)
    assert 'href="/users/"' not in page
    assert 'href="/"' in page


def test_every_response_carries_the_security_headers(client):
    for response in (client.get("/login"), client.get("/"), client.get("/static/style.css")):
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert "script-src 'self';" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
    assert client.get("/login").headers["Cache-Control"] == "no-store"


def test_a_page_has_no_inline_script_and_speaks_the_stations_language(admin):
    page = admin.get("/").get_data(as_text=True)
    assert '<html lang="en">' in page  # the sample station's station.yaml names no language
    assert "<script>" not in page and " on" + "click=" not in page
    assert 'name="viewport"' in page


def test_a_person_may_switch_the_pages_to_vietnamese(admin):
    token = csrf_token(admin, "/")
    response = admin.post("/language", data={"lang": "vi", "back": "/users/", "csrf_token": token})
    assert response.headers["Location"] == "/users/"
    page = admin.get("/users/").get_data(as_text=True)
    assert '<html lang="vi">' in page and "<h1>Người dùng</h1>" in page


def test_a_station_speaking_vietnamese_serves_vietnamese_pages(station_dir):
    from broadcaster.station import Station
    from broadcaster.web.app import create_app

    config = station_dir / "station.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "language: vi\n", encoding="utf-8")
    page = create_app(Station(station_dir), TESTING=True).test_client().get("/login").get_data(as_text=True)
    assert '<html lang="vi">' in page and "<h1>Đăng nhập</h1>" in page


def test_the_secret_key_is_made_once_and_kept_in_the_data_folder(app, web_station):
    from broadcaster.web.app import create_app

    key = (web_station.data_dir / SECRET_FILE).read_bytes()
    assert len(key) == 64
    assert create_app(web_station, TESTING=True).secret_key == key


def test_a_form_without_its_csrf_token_is_refused(admin):
    response = admin.post("/logout")
    assert response.status_code == 403
    assert admin.get("/").status_code == 200  # still logged in


def test_logging_out_ends_the_session(admin):
    response = admin.post("/logout", data={"csrf_token": csrf_token(admin, "/")})
    assert response.headers["Location"] == "/login"
    assert admin.get("/").status_code == 302


def test_an_operator_logs_in(client):
    assert log_in(client, OPERATOR, OPERATOR_PASSPHRASE).headers["Location"] == "/"


def test_serve_says_in_one_line_that_its_port_is_taken(web_station):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli, ["serve", "--port", str(port)], obj=web_station)
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: cannot listen on 127.0.0.1:{port}: ")
    assert len(result.output.splitlines()) == 1


def test_a_live_stream_does_not_keep_an_idle_session(operator, clock):
    start = clock.at
    for minutes in (20, 40, 59):
        clock.at = start + dt.timedelta(minutes=minutes)
        operator.get("/onair/stream", buffered=False).close()
    clock.at = start + dt.timedelta(minutes=61)
    assert operator.get("/onair/stream").status_code == 302  # the stream ends, and the page with it


def test_serve_refuses_a_broken_station_yaml_in_one_line(web_station):
    config = web_station.root / "station.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("Asia/Ho_Chi_Minh", "Mars/Olympus"), encoding="utf-8")
    from broadcaster.station import Station

    result = CliRunner().invoke(cli, ["serve", "--port", "1"], obj=Station(web_station.root))
    assert result.exit_code == 2
    assert result.output == (f"Error: {config}:3: unknown time zone 'Mars/Olympus'; for Vietnam use "
                             "Asia/Ho_Chi_Minh\n")
