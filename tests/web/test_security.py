"""Security over every route, found by enumerating the application's URL map: so a page added later is
checked without anyone writing a test for it."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from broadcaster.content.users import MAX_TRIES
from broadcaster.web.auth import LOGIN_TRIES
from broadcaster.web.security import MAX_UPLOAD_BYTES
from tests.helpers import PASSPHRASE, SUPERVISOR
from tests.web.conftest import OPERATOR, OPERATOR_PASSPHRASE, csrf_token, log_in

CHANGES = {"POST", "PUT", "PATCH", "DELETE"}
PUBLIC = {"static", "auth.login"}


def routes(app) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) for every route and method of ``app``, with 'x' for each URL argument."""
    found = []
    with app.test_request_context():
        from flask import url_for

        for rule in app.url_map.iter_rules():
            url = url_for(rule.endpoint, **{name: "x" for name in rule.arguments})
            found += [(rule.endpoint, method, url) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return found


def test_the_enumeration_finds_the_pages(app):
    endpoints = {endpoint for endpoint, _, _ in routes(app)}
    assert {"onair.page", "users.page", "auth.logout", "auth.login", "auth.language"} <= endpoints
    assert {"library.page", "library.item", "library.audio", "library.new", "library.edit", "library.spoken",
            "library.clip", "library.decide"} <= endpoints


PATH_LIKE = ("..", "%2e%2e", "..%2F..%2Fstation.yaml", "..%5C..%5Cstation.yaml", "%2Fetc%2Fpasswd", "C:%5Cwindows",
             "gioi-thieu%00")


def test_no_route_takes_a_path_like_argument_to_a_file(app, admin):
    checked = 0
    token = csrf_token(admin, "/")
    for endpoint, method, url in routes(app):
        if "/x" not in url or endpoint == "static":  # Flask's own, safe_join'ed
            continue
        for bad in PATH_LIKE:
            response = admin.open(url.replace("/x", "/" + bad, 1), method=method, data={"csrf_token": token})
            assert response.status_code in (400, 404, 405), (endpoint, method, bad, response.status_code)
            assert b"RIFF" not in response.data and b"timezone:" not in response.data, (endpoint, bad)
            checked += 1
    assert checked >= 4 * len(PATH_LIKE)


def test_every_route_refuses_without_a_session(app, client):
    checked = 0
    for endpoint, method, url in routes(app):
        if endpoint in PUBLIC:
            continue
        response = client.open(url, method=method, data={"csrf_token": csrf_token(client)})
        assert response.status_code in (302, 401, 403), (endpoint, method, response.status_code)
        if response.status_code == 302:
            assert response.headers["Location"].startswith("/login"), (endpoint, method)
        checked += 1
    assert checked >= 4


def test_every_change_refuses_without_a_csrf_token(app, admin):
    changes = [(e, m, u) for e, m, u in routes(app) if m in CHANGES]
    assert len(changes) >= 3
    for endpoint, method, url in changes:
        response = admin.open(url, method=method, data={})
        assert response.status_code == 403, (endpoint, method, response.status_code)
        assert "did not come from this station" in response.get_data(as_text=True)
    assert admin.get("/").status_code == 200  # and the session survived every refusal


def test_the_login_itself_refuses_without_a_csrf_token(client):
    response = client.post("/login", data={"name": SUPERVISOR, "passphrase": PASSPHRASE})
    assert response.status_code == 403
    assert client.get("/").status_code == 302


def test_ten_wrong_passphrases_lock_the_login(client, clock):
    for i in range(LOGIN_TRIES):
        # different names, none locked by its own count (MAX_TRIES): the computer's count locks the login
        name = OPERATOR if i < MAX_TRIES - 1 else f"Người Lạ {i}"
        assert log_in(client, name, "đoán mò").status_code == 401, i
    response = log_in(client, SUPERVISOR, PASSPHRASE)
    assert response.status_code == 429
    assert "too many wrong passphrases from this computer: the login is locked until 05:15" in \
        response.get_data(as_text=True)
    assert client.get("/").status_code == 302
    clock.at += dt.timedelta(minutes=15, seconds=1)
    assert log_in(client, SUPERVISOR, PASSPHRASE).status_code == 302


def test_a_burst_of_logins_beyond_the_checks_at_once_is_turned_away(client, monkeypatch):
    """40 logins at once each ran scrypt (32 MB): at most a few passphrases are checked at once."""
    import threading

    from broadcaster.web import auth

    monkeypatch.setattr(auth, "CHECKING", threading.BoundedSemaphore(1))
    monkeypatch.setattr(auth, "CHECK_WAIT_S", 0.1)
    auth.CHECKING.acquire()   # another login is being checked
    try:
        response = log_in(client, SUPERVISOR, PASSPHRASE)
    finally:
        auth.CHECKING.release()
    assert response.status_code == 503
    assert "too many logins at once; try again in a moment" in response.get_data(as_text=True)
    assert log_in(client, SUPERVISOR, PASSPHRASE).status_code == 302


def test_nine_wrong_passphrases_do_not_lock_it(client):
    for i in range(LOGIN_TRIES - 1):
        assert log_in(client, f"Người Lạ {i}", "đoán mò").status_code == 401
    assert log_in(client, OPERATOR, OPERATOR_PASSPHRASE).status_code == 302


def test_an_unknown_name_and_a_wrong_passphrase_get_the_same_answer_for_the_same_work(client, monkeypatch):
    from broadcaster.trust import keys

    derived = []
    real_kdf = keys._kdf
    monkeypatch.setattr(keys, "_kdf", lambda salt, cost: derived.append(cost) or real_kdf(salt, cost))
    answers = {}
    for name in (OPERATOR, "Người Lạ", "pham van", ""):  # known; unknown; near two names (a guess's hints); empty
        response = log_in(client, name, "đoán mò")
        # the page less what differs by design: the name typed, shown again, and the form's token (timed)
        page = re.sub(r'(name="name"[^>]*value=|"X-CSRFToken": |name="csrf_token" value=)"[^"]*"', r"\1",
                      response.get_data(as_text=True))
        answers[name] = (response.status_code, page)
        assert len(derived) == 1, name  # one key derivation each: the time of a wrong passphrase
        derived.clear()
    assert len(set(answers.values())) == 1
    assert "wrong name or passphrase" in answers[OPERATOR][1] and answers[OPERATOR][0] == 401


def test_five_wrong_passphrases_for_a_name_lock_it_on_that_computer_only(app, web_station):
    stranger, station_pc = app.test_client(), app.test_client()
    stranger.environ_base["REMOTE_ADDR"], station_pc.environ_base["REMOTE_ADDR"] = "192.168.1.66", "192.168.1.10"
    for _ in range(MAX_TRIES):
        assert log_in(stranger, OPERATOR, "đoán mò").status_code == 401
    response = log_in(stranger, OPERATOR, OPERATOR_PASSPHRASE)
    assert response.status_code == 429
    assert "too many wrong passphrases for this name from this computer: it is locked here until 05:15" in \
        response.get_data(as_text=True)
    other = app.test_client()  # a name that is no one's is locked the same way: the lock tells nothing
    other.environ_base["REMOTE_ADDR"] = "192.168.1.67"
    for _ in range(MAX_TRIES):
        log_in(other, "Người Lạ", "đoán mò")
    locked = log_in(other, "Người Lạ", "đoán mò")
    assert (locked.status_code, problem_line(locked)) == (429, problem_line(response))
    assert log_in(station_pc, OPERATOR, OPERATOR_PASSPHRASE).status_code == 302  # not locked out by the stranger
    assert web_station.users.unlock(OPERATOR, OPERATOR_PASSPHRASE, {"operator"}, "test").name == OPERATOR  # nor in the CLI


def problem_line(response) -> str:
    """The one line a page says is wrong."""
    return re.search(r'<p class="problem"[^>]*>([^<]*)</p>', response.get_data(as_text=True))[1]


def test_a_right_login_ends_the_count_of_its_name(app):
    client = app.test_client()
    for _ in range(MAX_TRIES - 1):
        log_in(client, OPERATOR, "đoán mò")
    assert log_in(client, OPERATOR, OPERATOR_PASSPHRASE).status_code == 302
    fresh = app.test_client()  # same computer, next person at the desk
    for _ in range(MAX_TRIES - 1):
        assert log_in(fresh, OPERATOR, "đoán mò").status_code == 401
    assert log_in(fresh, OPERATOR, OPERATOR_PASSPHRASE).status_code == 302


def test_a_request_larger_than_the_cap_is_refused(admin):
    response = admin.post("/logout", data=b"x" * (MAX_UPLOAD_BYTES + 1), content_type="application/octet-stream")
    assert response.status_code == 413


def test_a_copy_of_the_cookie_opens_nothing_after_logout(app, admin):
    cookie = admin.get_cookie("broadcaster_session").value
    assert admin.get("/users/").status_code == 200
    admin.post("/logout", data={"csrf_token": csrf_token(admin, "/users/")})
    thief = app.test_client()
    thief.set_cookie("broadcaster_session", cookie)
    assert thief.get("/users/").status_code == 302  # to the login page
    fresh = app.test_client()  # the same person logging in again gets a new session that works
    log_in(fresh)
    assert fresh.get("/users/").status_code == 200


def test_ended_sessions_outlive_a_restart_of_serve(web_station, clock, admin):
    from broadcaster.web.app import create_app

    cookie = admin.get_cookie("broadcaster_session").value
    admin.post("/logout", data={"csrf_token": csrf_token(admin, "/users/")})
    again = create_app(web_station, clock, TESTING=True).test_client()
    again.set_cookie("broadcaster_session", cookie)
    assert again.get("/users/").status_code == 302


@pytest.mark.parametrize("target", ["/%09/evil.example", "/\t/evil.example", "/\\evil.example", "//evil.example",
                                    "/%0A/x", "https://evil.example/"])
def test_the_login_leads_only_to_this_site(client, target):
    from urllib.parse import quote, urlsplit

    response = client.post(f"/login?next={quote(target)}",
                           data={"name": SUPERVISOR, "passphrase": PASSPHRASE, "csrf_token": csrf_token(client)})
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/") and not location.startswith("//") and not urlsplit(location).netloc


@pytest.mark.parametrize("url", ["/schedule/?week=9999-12-31", "/schedule/?week=0001-01-01",
                                 "/reports/?from=0001-01-01", "/reports/?to=9999-12-31"])
def test_days_at_the_calendars_ends_are_bad_input(admin, url):
    response = admin.get(url)
    assert response.status_code == 400 and "is not a day" in response.get_data(as_text=True)


def test_open_pages_cannot_take_every_thread_of_the_server(app, operator):
    from broadcaster.web.pages import MAX_STREAMS, served

    with app.app_context():
        streams = served().streams
    for _ in range(MAX_STREAMS):
        assert streams.acquire(blocking=False)  # as many pages as may stream, all open
    try:
        response = operator.get("/onair/stream")
        assert response.get_data(as_text=True).startswith("retry: 15000")  # come back later, at once
    finally:
        for _ in range(MAX_STREAMS):
            streams.release()
    response = operator.get("/onair/stream", buffered=False)
    first = next(response.response)
    assert b"retry: 1000" in first
    response.close()


def test_the_servers_own_refusals_speak_vietnamese(web_station, clock):
    from broadcaster.web.app import create_app

    config = web_station.root / "station.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "language: vi\n", encoding="utf-8")
    client = create_app(type(web_station)(web_station.root), clock, TESTING=True).test_client()
    log_in(client)
    missing = client.get("/khong-co-trang-nay")
    assert missing.status_code == 404 and "không có trang này" in missing.get_data(as_text=True)
    refused = client.post("/users/add", data={"name": "x"})
    assert refused.status_code == 403 and 'lang="vi"' in refused.get_data(as_text=True)
    assert "biểu mẫu" in refused.get_data(as_text=True) or "trang" in refused.get_data(as_text=True)
    assert client.get("/library").status_code in (301, 308)  # a routing redirect stays a redirect


@pytest.mark.parametrize("name", ["a\x00b", "x" * 81, "../../etc/x", "<img src=x onerror=alert(5)>"])
def test_a_name_that_is_no_name_is_refused(admin, web_station, name):
    before = web_station.users.names()
    token = csrf_token(admin, "/users/")
    admin.post("/users/add", data={"name": name, "role": "officer", "passphrase": "mat-khau-moi-1",
                                   "passphrase2": "mat-khau-moi-1", "admin_passphrase": PASSPHRASE,
                                   "csrf_token": token})
    assert type(web_station)(web_station.root).users.names() == before
    assert not any("x" * 81 in n or "<img" in n or "\x00" in n or "etc/x" in n for n, _ in before)
